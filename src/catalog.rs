//! The built-in catalogue of EU hubs, with sourced default outage parameters.
//!
//! Ids are keyed by provider (`alibaba-de-fra`, `aws-de-fra`): provider region
//! codes collide (Alibaba `eu-west-1` is London, AWS `eu-west-1` is Ireland), so
//! each region also records its provider's own code.

use serde::Serialize;

use crate::deployment::{Deployment, Rule};
use crate::distributions::Duration;
use crate::study::{Settings, Study};
use crate::topology::{CommonCause, Region, Zone};

/// Names of the built-in catalogues.
pub const CATALOG_NAMES: [&str; 1] = ["eu-hubs"];

/// A built-in catalogue: regions, zones, common causes, and where their facts
/// and parameters come from.
#[derive(Debug, Clone, Serialize)]
pub struct Catalog {
    /// Catalogue name, as written in `catalog = "..."`.
    pub name: String,
    /// One-line description.
    pub description: String,
    /// Regions, each with provider, country and EU flag.
    pub regions: Vec<Region>,
    /// Per-region facts beyond [`Region`]: provider code, status, sources.
    pub region_info: Vec<RegionInfo>,
    /// Zones with their default outage processes.
    pub zones: Vec<Zone>,
    /// Region-wide common causes.
    pub common_causes: Vec<CommonCause>,
    /// How the default parameters were chosen, with sources.
    pub parameter_notes: Vec<ParameterNote>,
}

/// Facts about one catalogue region.
#[derive(Debug, Clone, Serialize)]
pub struct RegionInfo {
    /// Catalogue region id.
    pub id: String,
    /// The provider's own region code (`eu-central-1`), or a note when unpublished.
    pub provider_code: String,
    /// `open` or `closed`.
    pub status: String,
    /// Confidence in the zone facts: `verified` (official source), `secondary`
    /// (press or aggregator) or `unverified`.
    pub confidence: String,
    /// Source URLs.
    pub sources: Vec<String>,
    /// Anything a user should know (e.g. unpublished zone ids).
    pub note: String,
}

/// One default parameter, its value and its reasoning.
#[derive(Debug, Clone, Serialize)]
pub struct ParameterNote {
    /// What the parameter is.
    pub parameter: String,
    /// Its default value, in words.
    pub value: String,
    /// Why, with sources.
    pub reasoning: String,
}

/// Looks a catalogue up by name.
pub fn catalog(name: &str) -> Option<Catalog> {
    match name {
        "eu-hubs" => Some(eu_hubs()),
        _ => None,
    }
}

/// Default zone outage rate, all causes, per zone-year (FACTS section 7).
pub const ZONE_OUTAGES_PER_YEAR: f64 = 0.2;
/// Share of the zone rate that is region-wide common cause (beta factor).
pub const BETA: f64 = 0.10;
/// Hours in a year.
pub const HOURS_PER_YEAR: f64 = 8760.0;

fn zone_ttf() -> Duration {
    Duration::exponential(HOURS_PER_YEAR / ((1.0 - BETA) * ZONE_OUTAGES_PER_YEAR))
        .expect("positive constant")
}

fn zone_ttr() -> Duration {
    Duration::lognormal(2.0, 1.5).expect("positive constants")
}

fn region_event_ttf() -> Duration {
    Duration::exponential(HOURS_PER_YEAR / (BETA * ZONE_OUTAGES_PER_YEAR)).expect("positive")
}

fn region_event_ttr() -> Duration {
    Duration::lognormal(6.0, 1.2).expect("positive constants")
}

struct RegionRow {
    id: &'static str,
    name: &'static str,
    provider: &'static str,
    country: &'static str,
    code: &'static str,
    zones: &'static [&'static str],
    confidence: &'static str,
    sources: &'static [&'static str],
    note: &'static str,
}

const ALIBABA_REGIONS: &str =
    "https://www.alibabacloud.com/help/en/ecs/product-overview/regions-and-zones/";

const REGIONS: &[RegionRow] = &[
    RegionRow {
        id: "alibaba-fr-par",
        name: "France (Paris)",
        provider: "alibaba",
        country: "FR",
        code: "not published",
        zones: &["a", "b"],
        confidence: "secondary",
        sources: &[
            "https://ai-radar.it/article/alibaba-cloud-apre-i-primi-data-center-in-francia-la-partita-della-sovranita?lang=en",
        ],
        note: "two availability zones, opened around Sept 2025; region and zone ids not yet published, so these ids are placeholders; a 3-member quorum cannot span 3 zones here",
    },
    RegionRow {
        id: "alibaba-de-fra",
        name: "Germany (Frankfurt)",
        provider: "alibaba",
        country: "DE",
        code: "eu-central-1",
        zones: &["a", "b", "c"],
        confidence: "verified",
        sources: &[ALIBABA_REGIONS],
        note: "zones eu-central-1a, -1b, -1c",
    },
    RegionRow {
        id: "alibaba-gb-lon",
        name: "UK (London)",
        provider: "alibaba",
        country: "GB",
        code: "eu-west-1",
        zones: &["a", "b"],
        confidence: "verified",
        sources: &[ALIBABA_REGIONS],
        note: "zones eu-west-1a, -1b; not in the EU; a 3-member quorum cannot span 3 zones here",
    },
];

/// The `eu-hubs` catalogue: Alibaba Cloud's European hubs (the two new Paris
/// zones, Frankfurt, London) with the default parameters of FACTS section 7.
pub fn eu_hubs() -> Catalog {
    let mut regions = Vec::new();
    let mut region_info = Vec::new();
    let mut zones = Vec::new();
    let mut common_causes = Vec::new();
    for r in REGIONS {
        regions.push(Region {
            id: r.id.into(),
            name: r.name.into(),
            provider: r.provider.into(),
            country: r.country.into(),
            in_eu: None,
        });
        region_info.push(RegionInfo {
            id: r.id.into(),
            provider_code: r.code.into(),
            status: "open".into(),
            confidence: r.confidence.into(),
            sources: r.sources.iter().map(|s| s.to_string()).collect(),
            note: r.note.into(),
        });
        for z in r.zones {
            zones.push(Zone {
                id: format!("{}-{z}", r.id),
                region: r.id.into(),
                time_to_failure: zone_ttf(),
                time_to_repair: zone_ttr(),
            });
        }
        common_causes.push(CommonCause {
            name: format!("{}-region-event", r.id),
            affects: vec![r.id.into()],
            time_to_failure: region_event_ttf(),
            time_to_repair: region_event_ttr(),
        });
    }
    Catalog {
        name: "eu-hubs".into(),
        description: "Alibaba Cloud's European hubs with default outage parameters".into(),
        regions,
        region_info,
        zones,
        common_causes,
        parameter_notes: vec![
            ParameterNote {
                parameter: "zone outage rate (all causes)".into(),
                value: "0.2 per zone-year, of which (1 - beta) = 0.18 independent".into(),
                reasoning: "above press-notable events (~0.01), below status-page rates; estimate".into(),
            },
            ParameterNote {
                parameter: "zone outage duration".into(),
                value: "lognormal, median 2 h, sigma 1.5 (mean 6.2 h)".into(),
                reasoning: "repairs are lognormal (Schroeder & Gibson, DSN 2006); heavy tail (Naldi, DRCN 2013)".into(),
            },
            ParameterNote {
                parameter: "region-wide event rate".into(),
                value: "beta x 0.2 = 0.02 per region-year, beta = 0.10".into(),
                reasoning: "beta-factor model (IEC 61508-6 Annex D), top of the 2-10% range since cloud zones share control planes".into(),
            },
            ParameterNote {
                parameter: "region-wide event duration".into(),
                value: "lognormal, median 6 h, sigma 1.2 (mean 12.3 h)".into(),
                reasoning: "anchored on region incidents of 7-8 h, 8.6 h, 14.5 h and ~1 day".into(),
            },
        ],
    }
}

/// The default study of `zonesim run`: the eu-hubs catalogue and strategies
/// that show what placement buys, judged on the same outages.
pub fn default_study() -> Study {
    let cat = eu_hubs();
    let mut s = Settings::new(100_000, HOURS_PER_YEAR);
    s.seed = crate::study::DEFAULT_SEED;
    let par = ["alibaba-fr-par-a", "alibaba-fr-par-b"];
    let fra = "alibaba-de-fra-a";
    let lon = "alibaba-gb-lon-a";
    Study {
        simulation: s,
        regions: cat.regions,
        zones: cat.zones,
        common_causes: cat.common_causes,
        deployments: vec![
            Deployment::new("single-zone", &[par[0]], Rule::AtLeast(1)),
            Deployment::new("paris-both-zones", &par, Rule::AtLeast(1)),
            Deployment::new(
                "paris-quorum-2+1",
                &[par[0], par[0], par[1]],
                Rule::Majority,
            ),
            Deployment::new(
                "paris-quorum+frankfurt",
                &[par[0], par[1], fra],
                Rule::Majority,
            ),
            Deployment::new("three-hubs-active", &[par[0], fra, lon], Rule::AtLeast(1)),
            Deployment::new(
                "paris-to-frankfurt-failover",
                &[par[0], fra],
                Rule::ActivePassive {
                    failover_hours: 0.25,
                },
            ),
        ],
    }
}
