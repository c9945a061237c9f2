//! The catalogue data files, embedded at compile time, and their checked parse.
//!
//! `eu-hubs.json` is parsed once per process ([`eu_hubs_file`]). The parse and
//! its consistency checks run in the unit tests, so a bad data file fails
//! `cargo test`, never a user: at run time the `expect` cannot fire.

use std::collections::HashSet;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::distributions::Duration;
use crate::topology::{CommonCause, Confidence, Region, RegionStatus, Zone};

use super::{Catalog, ParameterNote, ProviderEvent, RegionInfo};

/// The text of `src/catalog/eu-hubs.json`.
pub(crate) const EU_HUBS_JSON: &str = include_str!("eu-hubs.json");

/// A catalogue data file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CatalogFile {
    pub name: String,
    pub description: String,
    pub parameters: Parameters,
    pub regions: Vec<RegionRow>,
    pub parameter_notes: Vec<NoteRow>,
    /// Markdown bullets: what no source gives (rendered in `docs/CATALOG.md`).
    #[cfg_attr(not(test), allow(dead_code))] // read by the doc renderer, a test
    pub unknowns: Vec<String>,
    /// Every source cited, by key.
    pub sources: Vec<SourceRow>,
}

/// The numbers behind every zone and common cause.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Parameters {
    pub hours_per_year: f64,
    pub zone_outages_per_year: f64,
    /// The beta of a region that gives none.
    pub beta: f64,
    pub zone_repair: Lognormal,
    pub region_event: Lognormal,
    /// One provider-wide event per provider.
    pub provider_events: Vec<ProviderEventRow>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Lognormal {
    pub median_hours: f64,
    pub sigma: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProviderEventRow {
    pub provider: String,
    pub per_year: f64,
    pub per_year_range: [f64; 2],
    pub median_hours: f64,
    pub median_hours_range: [f64; 2],
    pub sigma: f64,
    pub sigma_range: [f64; 2],
    pub confidence: Confidence,
    pub evidence: String,
    /// Source keys.
    pub sources: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RegionRow {
    pub id: String,
    pub name: String,
    pub provider: String,
    pub country: String,
    pub provider_code: String,
    pub zones: Vec<ZoneRow>,
    pub status: RegionStatus,
    pub confidence: Confidence,
    /// Overrides `parameters.beta`.
    pub beta: Option<f64>,
    /// Source keys.
    pub sources: Vec<String>,
    pub note: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ZoneRow {
    /// Appended to the region id, after a `-`, to make the zone id.
    pub suffix: String,
    /// The provider's own name for the zone.
    pub code: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NoteRow {
    pub parameter: String,
    pub value: String,
    pub reasoning: String,
    /// Source keys.
    pub sources: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SourceRow {
    pub key: String,
    /// Short label, used as link text in `docs/CATALOG.md`.
    #[cfg_attr(not(test), allow(dead_code))] // read by the doc renderer, a test
    pub title: String,
    pub url: String,
}

/// The parsed `eu-hubs.json`, parsed on first use.
pub(crate) fn eu_hubs_file() -> &'static CatalogFile {
    static FILE: OnceLock<CatalogFile> = OnceLock::new();
    FILE.get_or_init(|| {
        parse(EU_HUBS_JSON)
            .unwrap_or_else(|e| panic!("src/catalog/eu-hubs.json (checked by the unit tests): {e}"))
    })
}

/// Parses a data file and checks what serde cannot: unique ids and keys,
/// known source keys, parameters in range.
pub(crate) fn parse(text: &str) -> Result<CatalogFile, String> {
    let file: CatalogFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
    file.check()?;
    Ok(file)
}

impl CatalogFile {
    fn check(&self) -> Result<(), String> {
        let mut keys = HashSet::new();
        for s in &self.sources {
            if !keys.insert(s.key.as_str()) {
                return Err(format!("source key \"{}\" is used twice", s.key));
            }
        }
        let known = |what: &str, list: &[String]| -> Result<(), String> {
            if list.is_empty() {
                return Err(format!("{what} has no source"));
            }
            match list.iter().find(|k| !keys.contains(k.as_str())) {
                Some(k) => Err(format!("{what}: unknown source key \"{k}\"")),
                None => Ok(()),
            }
        };
        let p = &self.parameters;
        for (what, v) in [
            ("hours_per_year", p.hours_per_year),
            ("zone_outages_per_year", p.zone_outages_per_year),
            ("zone_repair.median_hours", p.zone_repair.median_hours),
            ("zone_repair.sigma", p.zone_repair.sigma),
            ("region_event.median_hours", p.region_event.median_hours),
            ("region_event.sigma", p.region_event.sigma),
        ] {
            if !(v.is_finite() && v > 0.0) {
                return Err(format!("parameters.{what} must be positive, got {v}"));
            }
        }
        let mut providers = HashSet::new();
        for e in &p.provider_events {
            let what = format!("provider event \"{}\"", e.provider);
            if !providers.insert(e.provider.as_str()) {
                return Err(format!("{what} is given twice"));
            }
            if !self.regions.iter().any(|r| r.provider == e.provider) {
                return Err(format!("{what}: no region of this provider"));
            }
            for (field, v, [lo, hi]) in [
                ("per_year", e.per_year, e.per_year_range),
                ("median_hours", e.median_hours, e.median_hours_range),
                ("sigma", e.sigma, e.sigma_range),
            ] {
                if !(v.is_finite() && v > 0.0 && lo > 0.0 && lo <= v && v <= hi && hi.is_finite()) {
                    return Err(format!(
                        "{what}: {field} {v} must be positive and within its range [{lo}, {hi}]"
                    ));
                }
            }
            known(&what, &e.sources)?;
        }
        for r in &self.regions {
            if !providers.contains(r.provider.as_str()) {
                return Err(format!("provider {} has no provider event", r.provider));
            }
        }
        let mut ids = HashSet::new();
        for r in &self.regions {
            let beta = r.beta.unwrap_or(p.beta);
            if !(beta > 0.0 && beta < 1.0) {
                return Err(format!(
                    "region {}: beta must be in (0, 1), got {beta}",
                    r.id
                ));
            }
            if r.zones.is_empty() {
                return Err(format!("region {} has no zone", r.id));
            }
            known(&format!("region {}", r.id), &r.sources)?;
            if !ids.insert(r.id.clone()) {
                return Err(format!("id \"{}\" is used twice", r.id));
            }
            for z in &r.zones {
                let id = format!("{}-{}", r.id, z.suffix);
                if !ids.insert(id.clone()) {
                    return Err(format!("id \"{id}\" is used twice"));
                }
            }
        }
        for n in &self.parameter_notes {
            known(&format!("parameter note \"{}\"", n.parameter), &n.sources)?;
        }
        Ok(())
    }

    /// The source with this key (the keys were checked by [`parse`]).
    pub fn source(&self, key: &str) -> &SourceRow {
        self.sources
            .iter()
            .find(|s| s.key == key)
            .expect("source keys are checked when the file is parsed")
    }

    fn urls(&self, keys: &[String]) -> Vec<String> {
        keys.iter().map(|k| self.source(k).url.clone()).collect()
    }

    /// The region's beta: its own, else the file's default.
    pub fn beta(&self, r: &RegionRow) -> f64 {
        r.beta.unwrap_or(self.parameters.beta)
    }

    /// The catalogue: regions with their metadata, then every zone (region by
    /// region), then one region-wide common cause per region, in file order,
    /// then one provider-wide common cause per provider (in the order of
    /// `parameters.provider_events`) over all of its regions.
    pub fn build(&self) -> Catalog {
        let p = &self.parameters;
        let lognormal =
            |l: &Lognormal| Duration::lognormal(l.median_hours, l.sigma).expect("checked positive");
        let mut regions = Vec::new();
        let mut region_info = Vec::new();
        let mut zones = Vec::new();
        let mut common_causes = Vec::new();
        for r in &self.regions {
            let beta = self.beta(r);
            let zone_codes: Vec<String> = r.zones.iter().map(|z| z.code.clone()).collect();
            regions.push(Region {
                id: r.id.clone(),
                name: r.name.clone(),
                provider: r.provider.clone(),
                country: r.country.clone(),
                in_eu: None,
                provider_code: r.provider_code.clone(),
                zone_codes: zone_codes.clone(),
                status: Some(r.status),
                confidence: Some(r.confidence),
                sources: self.urls(&r.sources),
                note: r.note.clone(),
            });
            region_info.push(RegionInfo {
                id: r.id.clone(),
                provider_code: r.provider_code.clone(),
                zone_codes,
                status: r.status,
                confidence: r.confidence,
                beta,
                sources: self.urls(&r.sources),
                note: r.note.clone(),
            });
            for z in &r.zones {
                zones.push(Zone {
                    id: format!("{}-{}", r.id, z.suffix),
                    region: r.id.clone(),
                    time_to_failure: Duration::exponential(
                        p.hours_per_year / ((1.0 - beta) * p.zone_outages_per_year),
                    )
                    .expect("checked positive"),
                    time_to_repair: lognormal(&p.zone_repair),
                });
            }
        }
        for r in &self.regions {
            common_causes.push(CommonCause::new(
                format!("{}-region-event", r.id),
                [&r.id],
                Duration::exponential(p.hours_per_year / (self.beta(r) * p.zone_outages_per_year))
                    .expect("checked positive"),
                lognormal(&p.region_event),
            ));
        }
        let mut provider_events = Vec::new();
        for e in &p.provider_events {
            let affects: Vec<&String> = self
                .regions
                .iter()
                .filter(|r| r.provider == e.provider)
                .map(|r| &r.id)
                .collect();
            common_causes.push(CommonCause::new(
                super::provider_wide_name(&e.provider),
                affects,
                Duration::exponential(p.hours_per_year / e.per_year).expect("checked positive"),
                Duration::lognormal(e.median_hours, e.sigma).expect("checked positive"),
            ));
            provider_events.push(ProviderEvent {
                provider: e.provider.clone(),
                per_year: e.per_year,
                per_year_range: e.per_year_range,
                median_hours: e.median_hours,
                median_hours_range: e.median_hours_range,
                sigma: e.sigma,
                sigma_range: e.sigma_range,
                confidence: e.confidence,
                evidence: e.evidence.clone(),
                sources: self.urls(&e.sources),
            });
        }
        Catalog {
            provider_events,
            name: self.name.clone(),
            description: self.description.clone(),
            regions,
            region_info,
            zones,
            common_causes,
            parameter_notes: self
                .parameter_notes
                .iter()
                .map(|n| ParameterNote {
                    parameter: n.parameter.clone(),
                    value: n.value.clone(),
                    reasoning: n.reasoning.clone(),
                    sources: self.urls(&n.sources),
                })
                .collect(),
        }
    }
}
