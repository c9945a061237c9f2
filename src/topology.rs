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
    /// Damage left behind: when an event ends, each affected zone stays down
    /// for its own independent draw of this duration (hours) before it is
    /// back (the 2023 Google Cloud `europe-west9` fire: the region back in
    /// about a day, one zone down for weeks). `None`: every zone is back when
    /// the event ends. The zones' own processes go on as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone_recovery: Option<Duration>,
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
            zone_recovery: None,
        }
    }

    /// The same cause leaving each affected zone down for its own draw of
    /// `recovery` (hours) after every event ends.
    ///
    /// ```
    /// use zonesim::prelude::*;
    /// let fire = CommonCause::new(
    ///     "paris-campus",
    ///     ["fr-par"],
    ///     Duration::exponential(87_600.0).unwrap(),
    ///     Duration::fixed(24.0).unwrap(),
    /// )
    /// .with_zone_recovery(Duration::lognormal(48.0, 1.0).unwrap());
    /// assert!(fire.zone_recovery.is_some());
    /// ```
    pub fn with_zone_recovery(mut self, recovery: Duration) -> Self {
        self.zone_recovery = Some(recovery);
        self
    }

    /// The common cause's outage process.
    pub fn process(&self) -> OutageProcess {
        OutageProcess::new(self.time_to_failure.clone(), self.time_to_repair.clone())
    }
}

/// Scheduled downtime of zones: a window of `duration_hours` every
/// `every_hours`, during which every zone named (or every zone of a region
/// named) is down, like a common cause with a fixed timetable.
///
/// In files:
/// ```toml
/// [[maintenance]]
/// name = "provider-patching"
/// zones = ["fr-par-a"]      # zone ids and/or region ids
/// every_hours = 720
/// duration_hours = 2
/// offset_hours = 100        # start of the first window; leave it out for a random phase
/// ```
///
/// With `offset_hours`, windows start at `offset + k * every_hours`,
/// `k = 0, 1, ...`. Without it, the phase is drawn uniformly in
/// `[0, every_hours)` in each trial; from a steady-state start a window may
/// then be in progress at time 0 (the one that began a cycle earlier), so every
/// instant is in a window with probability exactly `duration / every`.
///
/// ```
/// use zonesim::prelude::*;
/// let m = Maintenance::new("patching", ["fr-par-a"], 720.0, 2.0).with_offset(100.0);
/// assert_eq!(m.offset_hours, Some(100.0));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Maintenance {
    /// Unique name within the study.
    pub name: String,
    /// Zone ids and/or region ids; a region id stands for all its zones.
    pub zones: Vec<String>,
    /// Time from the start of one window to the start of the next (hours).
    pub every_hours: f64,
    /// Length of each window (hours), less than `every_hours`.
    pub duration_hours: f64,
    /// Start of the first window (hours, at least 0); `None` draws a phase
    /// uniformly in each trial.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset_hours: Option<f64>,
}

impl Maintenance {
    /// Windows of `duration_hours` every `every_hours` on the zones and
    /// regions named, with a phase drawn in each trial.
    pub fn new<I>(name: impl Into<String>, zones: I, every_hours: f64, duration_hours: f64) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        Maintenance {
            name: name.into(),
            zones: zones.into_iter().map(|s| s.as_ref().to_string()).collect(),
            every_hours,
            duration_hours,
            offset_hours: None,
        }
    }

    /// The same windows with the first one starting at `offset_hours`.
    pub fn with_offset(mut self, offset_hours: f64) -> Self {
        self.offset_hours = Some(offset_hours);
        self
    }
}
