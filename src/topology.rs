//! Regions, zones and common causes: where outages happen.
//!
//! A [`Zone`] alternates between up (for a time to failure) and down (for a
//! time to repair). A [`CommonCause`] is an outage process of its own that takes
//! a group of zones down together. A zone is down while its own process or any
//! common cause covering it is down.

use serde::{Deserialize, Serialize};

use crate::distributions::Duration;

/// An alternating up/down process: up for a `time_to_failure` draw, then down
/// for a `time_to_repair` draw, and so on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct OutageProcess {
    /// Time spent up before each failure (hours).
    pub time_to_failure: Duration,
    /// Time spent down per outage (hours).
    pub time_to_repair: Duration,
}

impl OutageProcess {
    /// A process from its two duration distributions.
    pub fn new(time_to_failure: Duration, time_to_repair: Duration) -> Self {
        OutageProcess {
            time_to_failure,
            time_to_repair,
        }
    }

    /// Long-run fraction of time up: `E[up] / (E[up] + E[down])`.
    pub fn steady_state_availability(&self) -> f64 {
        let up = self.time_to_failure.mean();
        up / (up + self.time_to_repair.mean())
    }

    /// Mean length of one up-plus-down cycle (hours).
    pub fn mean_cycle(&self) -> f64 {
        self.time_to_failure.mean() + self.time_to_repair.mean()
    }
}

/// A cloud region: a named place run by one provider.
///
/// ```
/// use zonesim::topology::Region;
/// let london = Region::new("gb-lon", "United Kingdom (London)", "alibaba", "GB");
/// assert!(!london.is_in_eu());
/// assert!(Region::new("x", "X", "p", "FR").with_in_eu(false).in_eu == Some(false));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Region {
    /// Unique id within the study, e.g. `alibaba:fr-par` or `fr-par`.
    pub id: String,
    /// Display name, free text, e.g. `France (Paris)`.
    #[serde(default)]
    pub name: String,
    /// Provider, free text, e.g. `alibaba`.
    #[serde(default)]
    pub provider: String,
    /// ISO 3166 alpha-2 country code, e.g. `FR`.
    #[serde(default)]
    pub country: String,
    /// Whether the country is in the EU. When left out it is derived from
    /// `country` (see [`is_eu_country`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_eu: Option<bool>,
    /// The provider's own region code (`eu-central-1`), or a note such as
    /// `not published`; empty when not given. Metadata only: the simulation
    /// does not read it, nor any field below.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub provider_code: String,
    /// The provider's own name for each zone of the region, in the order of
    /// the study's zones (`eu-central-1a`, `euw3-az1`, `1`); empty when not given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zone_codes: Vec<String>,
    /// Whether the region is open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<RegionStatus>,
    /// How well the region's zone facts are sourced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<Confidence>,
    /// Source URLs of the region's facts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// Anything a user should know (e.g. unpublished zone ids); free text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// Whether a region is open for use (region metadata).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionStatus {
    /// Open.
    Open,
    /// Closed (or not yet open).
    Closed,
}

/// How well a region's facts are sourced (region metadata).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Checked in the provider's own documentation.
    Verified,
    /// From press or an aggregator only.
    Secondary,
    /// Background knowledge; the sources say where to confirm it.
    Unverified,
}

impl RegionStatus {
    /// The name used in files: `open` or `closed`.
    pub fn as_str(self) -> &'static str {
        match self {
            RegionStatus::Open => "open",
            RegionStatus::Closed => "closed",
        }
    }
}

impl Confidence {
    /// The name used in files: `verified`, `secondary` or `unverified`.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Verified => "verified",
            Confidence::Secondary => "secondary",
            Confidence::Unverified => "unverified",
        }
    }
}

impl std::fmt::Display for RegionStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for Confidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Region {
    /// A region with its id, display name, provider and ISO 3166 alpha-2
    /// country code; EU membership is derived from the country.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        provider: impl Into<String>,
        country: impl Into<String>,
    ) -> Self {
        Region {
            id: id.into(),
            name: name.into(),
            provider: provider.into(),
            country: country.into(),
            ..Region::default()
        }
    }

    /// Sets EU membership explicitly instead of deriving it from the country.
    pub fn with_in_eu(mut self, in_eu: bool) -> Self {
        self.in_eu = Some(in_eu);
        self
    }

    /// Whether the region lies in the EU: the explicit flag, else the country's membership.
    pub fn is_in_eu(&self) -> bool {
        self.in_eu.unwrap_or_else(|| is_eu_country(&self.country))
    }
}

/// Whether `code` is an ISO 3166-1 alpha-2 country code (any case), by the
/// `isocountry` crate's table.
pub fn is_iso_country(code: &str) -> bool {
    isocountry::CountryCode::for_alpha2_caseless(code).is_ok()
}

/// Whether an ISO 3166 alpha-2 code names an EU member state (the 27 members
/// since 2020; `GB` is not one).
pub fn is_eu_country(code: &str) -> bool {
    const EU27: [&str; 27] = [
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
        "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    ];
    EU27.iter().any(|c| c.eq_ignore_ascii_case(code))
}

/// An availability zone with its own outage process.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Zone {
    /// Unique id within the study, e.g. `fr-par-a`.
    pub id: String,
    /// Id of the region the zone belongs to.
    pub region: String,
    /// Time the zone stays up before each of its own failures (hours).
    pub time_to_failure: Duration,
    /// Length of each of the zone's own outages (hours).
    pub time_to_repair: Duration,
}

impl Zone {
    /// A zone of `region` that fails after `time_to_failure` and is repaired
    /// after `time_to_repair` (both in hours).
    pub fn new(
        id: impl Into<String>,
        region: impl Into<String>,
        time_to_failure: Duration,
        time_to_repair: Duration,
    ) -> Self {
        Zone {
            id: id.into(),
            region: region.into(),
            time_to_failure,
            time_to_repair,
        }
    }

    /// The zone's own outage process.
    pub fn process(&self) -> OutageProcess {
        OutageProcess::new(self.time_to_failure.clone(), self.time_to_repair.clone())
    }
}

/// An outage process that takes a group of zones down together: a whole region
/// (name its id in `affects`), or any set of zones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CommonCause {
    /// Unique name within the study.
    pub name: String,
    /// Region ids and/or zone ids; a region id stands for all its zones.
    pub affects: Vec<String>,
    /// Time between the end of one event and the start of the next (hours).
    pub time_to_failure: Duration,
    /// Length of each event (hours).
    pub time_to_repair: Duration,
}

impl CommonCause {
    /// A common cause taking down every zone of the regions and zones named in
    /// `affects` together.
    pub fn new<I>(
        name: impl Into<String>,
        affects: I,
        time_to_failure: Duration,
        time_to_repair: Duration,
    ) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        CommonCause {
            name: name.into(),
            affects: affects
                .into_iter()
                .map(|s| s.as_ref().to_string())
                .collect(),
            time_to_failure,
            time_to_repair,
        }
    }

    /// The common cause's outage process.
    pub fn process(&self) -> OutageProcess {
        OutageProcess::new(self.time_to_failure.clone(), self.time_to_repair.clone())
    }
}
