//! The built-in catalogue of EU hubs, with sourced default outage parameters.
//!
//! `eu-hubs` holds Alibaba Cloud's European hubs (the two new Paris zones,
//! Frankfurt, London) and, for comparison, the Paris, Frankfurt and London
//! regions of AWS, Azure and Google Cloud, plus OVHcloud's Paris location.
//!
//! Ids are keyed by provider (`alibaba-de-fra`, `aws-de-fra`): provider region
//! codes collide (Alibaba `eu-west-1` is London, AWS `eu-west-1` is Ireland), so
//! each region also records its provider's own code, with its status,
//! confidence, sources and note, in its [`Region`] metadata fields (which a
//! scenario file's `[[region]]` accepts) and in [`RegionInfo`]. Zone ids
//! are the region id plus a suffix in the provider's style: `-a` for Alibaba,
//! Google Cloud and OVHcloud, `-az1` for AWS (AZ *ids*, which are the same in
//! every account), `-1` for Azure (logical zones).
//!
//! Every parameter is an estimate (see [`Catalog::parameter_notes`] and
//! `docs/CATALOG.md`): a zone fails 0.2 times a year from all causes, a share
//! beta of which are region-wide events that take every zone of the region down
//! together (the beta-factor model of IEC 61508-6).
//!
//! The catalogue is data: `src/catalog/eu-hubs.json`, embedded at compile time
//! and parsed once, holds the regions, their facts and sources, the parameters
//! and their reasoning. `docs/CATALOG.md` is rendered from it (a unit test
//! keeps the two in step), and `zonesim catalog --format toml` (or `json`)
//! prints it as a scenario file to edit and run.
//!
//! ```
//! use zonesim::catalog;
//!
//! let cat = catalog::eu_hubs();
//! let london = cat.regions.iter().find(|r| r.id == "alibaba-gb-lon").unwrap();
//! assert!(!london.is_in_eu());
//! assert_eq!(cat.zones.iter().filter(|z| z.region == "alibaba-fr-par").count(), 2);
//! assert!(catalog::default_study().validate().is_ok());
//! ```

use std::sync::OnceLock;

use serde::Serialize;

use crate::deployment::{Deployment, Rule};
use crate::study::{Settings, Study};
use crate::topology::{CommonCause, Region, Zone};
pub use crate::topology::{Confidence, RegionStatus};

mod data;
#[cfg(test)]
mod doc;

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
    /// Region-wide common causes, then one provider-wide cause per provider.
    pub common_causes: Vec<CommonCause>,
    /// The provider-wide events' parameters, evidence and sensitivity ranges.
    pub provider_events: Vec<ProviderEvent>,
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
    /// The provider's own name for each zone of the region, in the order of the
    /// catalogue's zones (`eu-central-1a`, `euw3-az1`, `1`), or `not published`
    /// / `not confirmed` where no source gives it.
    pub zone_codes: Vec<String>,
    /// Open or closed.
    pub status: RegionStatus,
    /// Confidence in the zone facts: verified (official source), secondary
    /// (press or aggregator) or unverified.
    pub confidence: Confidence,
    /// The beta factor used for this region: the share of each zone's outage
    /// rate that is a region-wide event.
    pub beta: f64,
    /// Source URLs (for `unverified` entries: where to confirm the facts).
    pub sources: Vec<String>,
    /// Anything a user should know (e.g. unpublished zone ids).
    pub note: String,
}

/// One provider's provider-wide event: all its regions down together
/// (global control plane, identity, DNS, global front door, a bad global
/// deploy, backbone errors), with the range a sensitivity study should cover.
#[derive(Debug, Clone, Serialize)]
pub struct ProviderEvent {
    /// The provider, as in [`Region::provider`].
    pub provider: String,
    /// Events per year (exponential times between them).
    pub per_year: f64,
    /// The rates a sensitivity study should sweep, low to high.
    pub per_year_range: [f64; 2],
    /// Median duration (hours); lognormal.
    pub median_hours: f64,
    /// Median range for a sensitivity study (x 0.5 to x 2).
    pub median_hours_range: [f64; 2],
    /// Log-space sigma of the duration.
    pub sigma: f64,
    /// Sigma range for a sensitivity study (tail weight).
    pub sigma_range: [f64; 2],
    /// How well the register behind the rate is sourced: verified (the
    /// provider's own reports), secondary (press quoting them), unverified
    /// (an assumption: no event of this class observed).
    pub confidence: Confidence,
    /// The events behind the figures.
    pub evidence: String,
    /// Source URLs.
    pub sources: Vec<String>,
}

/// One default parameter, its value and its reasoning.
#[derive(Debug, Clone, Serialize)]
pub struct ParameterNote {
    /// What the parameter is.
    pub parameter: String,
    /// Its default value, in words.
    pub value: String,
    /// Why.
    pub reasoning: String,
    /// Source URLs behind the reasoning.
    pub sources: Vec<String>,
}

/// Looks a catalogue up by name.
pub fn catalog(name: &str) -> Option<Catalog> {
    match name {
        "eu-hubs" => Some(eu_hubs()),
        _ => None,
    }
}

impl Catalog {
    /// The facts about a region, by catalogue region id.
    pub fn info(&self, region: &str) -> Option<&RegionInfo> {
        self.region_info.iter().find(|r| r.id == region)
    }

    /// The catalogue's zones in a region, in catalogue order.
    pub fn zones_in<'a>(&'a self, region: &'a str) -> impl Iterator<Item = &'a Zone> + 'a {
        self.zones.iter().filter(move |z| z.region == region)
    }

    /// The sub-catalogue of the regions for which `keep` is true: their
    /// facts, zones, and the common causes that affect any of them, each
    /// limited to them (a provider-wide event still covers the provider's
    /// kept regions). Handy to
    /// keep a study small (every zone in a study is sampled in every trial).
    ///
    /// ```
    /// let alibaba = zonesim::catalog::eu_hubs().filter_regions(|r| r.provider == "alibaba");
    /// assert_eq!(alibaba.regions.len(), 3);
    /// assert_eq!(alibaba.zones.len(), 7);
    /// // Three region events and the provider-wide one.
    /// assert_eq!(alibaba.common_causes.len(), 4);
    /// ```
    pub fn filter_regions(&self, keep: impl Fn(&Region) -> bool) -> Catalog {
        let regions: Vec<Region> = self.regions.iter().filter(|r| keep(r)).cloned().collect();
        let kept = |id: &str| regions.iter().any(|r| r.id == id);
        let zones: Vec<Zone> = self
            .zones
            .iter()
            .filter(|z| kept(&z.region))
            .cloned()
            .collect();
        let covered = |id: &String| kept(id) || zones.iter().any(|z| &z.id == id);
        let providers: Vec<&str> = regions.iter().map(|r| r.provider.as_str()).collect();
        Catalog {
            provider_events: self
                .provider_events
                .iter()
                .filter(|e| providers.contains(&e.provider.as_str()))
                .cloned()
                .collect(),
            name: self.name.clone(),
            description: self.description.clone(),
            region_info: self
                .region_info
                .iter()
                .filter(|i| kept(&i.id))
                .cloned()
                .collect(),
            // A cause over kept and dropped regions (a provider-wide one)
            // still takes the kept ones down: kept, over them only.
            common_causes: self
                .common_causes
                .iter()
                .filter(|c| c.affects.iter().any(covered))
                .map(|c| {
                    let mut c = c.clone();
                    c.affects.retain(covered);
                    c
                })
                .collect(),
            zones,
            regions,
            parameter_notes: self.parameter_notes.clone(),
        }
    }

    /// A study of this catalogue's regions, zones and common causes with the
    /// given settings and no deployments yet (add them with
    /// [`Study::deployment`]).
    pub fn study(&self, simulation: Settings) -> Study {
        Study {
            simulation,
            regions: self.regions.clone(),
            zones: self.zones.clone(),
            common_causes: self.common_causes.clone(),
            deployments: Vec::new(),
            maintenance: Vec::new(),
            services: Vec::new(),
        }
    }
}

// The constants below repeat numbers of `eu-hubs.json`, for code that needs
// them (examples, analytic checks); a unit test pins them to the file.

/// Default zone outage rate, all causes, per zone-year (FACTS section 7).
pub const ZONE_OUTAGES_PER_YEAR: f64 = 0.2;
/// Share of the zone rate that is region-wide common cause (beta factor).
pub const BETA: f64 = 0.10;
/// Beta of regions whose zones are known to share one campus (Google Cloud
/// `europe-west9`): the middle of the 0.2-0.3 preset of FACTS section 7.
pub const SAME_CAMPUS_BETA: f64 = 0.25;
/// Median of a zone outage (hours); lognormal.
pub const ZONE_REPAIR_MEDIAN_HOURS: f64 = 2.0;
/// Log-space sigma of a zone outage's duration.
pub const ZONE_REPAIR_SIGMA: f64 = 1.5;
/// Median of a region-wide event (hours); lognormal.
pub const REGION_EVENT_MEDIAN_HOURS: f64 = 6.0;
/// Log-space sigma of a region-wide event's duration.
pub const REGION_EVENT_SIGMA: f64 = 1.2;
/// Each provider's provider-wide event: (provider, events per year, median
/// hours, sigma), lognormal durations (FACTS' provider-wide register).
pub const PROVIDER_EVENTS: [(&str, f64, f64, f64); 5] = [
    ("alibaba", 0.2, 2.5, 0.6),
    ("aws", 0.07, 8.0, 0.6),
    ("azure", 1.25, 3.0, 0.6),
    ("gcp", 0.5, 1.0, 1.0),
    ("ovhcloud", 0.3, 0.6, 1.0),
];
/// Hours in a year.
pub const HOURS_PER_YEAR: f64 = 8760.0;

/// The name of `provider`'s provider-wide common cause in the catalogue:
/// `{provider}-provider-wide-event`.
pub fn provider_wide_name(provider: &str) -> String {
    format!("{provider}-provider-wide-event")
}

/// The catalogue's provider-wide common cause of `provider`: one event
/// process that takes every zone of the provider down together, with the
/// provider's rate and duration from the event register (see
/// [`Catalog::provider_events`] and `docs/CATALOG.md`; e.g. Alibaba 0.2 a
/// year, lognormal median 2.5 h, sigma 0.6). It is part of the catalogue
/// (and so of every study built on it) since issue 13; this returns it, as
/// `cat` holds it (over `cat`'s regions of the provider), or `None` when `cat`
/// has no region of `provider`.
///
/// It is counted as a full outage: pessimistic where running VMs kept
/// serving through a control-plane or identity failure, right for services
/// that need the control plane, identity or the front door to serve or to
/// fail over.
///
/// ```
/// use zonesim::catalog;
/// let cat = catalog::eu_hubs();
/// let layer = catalog::provider_wide_event(&cat, "alibaba").unwrap();
/// assert_eq!(layer.affects, ["alibaba-fr-par", "alibaba-de-fra", "alibaba-gb-lon"]);
/// assert!(cat.common_causes.contains(&layer));
/// ```
pub fn provider_wide_event(cat: &Catalog, provider: &str) -> Option<CommonCause> {
    let name = provider_wide_name(provider);
    cat.common_causes.iter().find(|c| c.name == name).cloned()
}

/// The `eu-hubs` catalogue: Alibaba Cloud's European hubs (the two new Paris
/// zones, Frankfurt, London), the Paris, Frankfurt and London regions of AWS,
/// Azure and Google Cloud, and OVHcloud Paris, with the default parameters of
/// FACTS section 7: every zone has its own outages (exponential, (1 - beta) x
/// 0.2 a year; lognormal repair, median 2 h, sigma 1.5), every region one
/// region-wide common cause (beta x 0.2 a year; lognormal, median 6 h, sigma
/// 1.2), and every provider one provider-wide common cause over all its
/// regions (rates and durations per provider from FACTS' event register:
/// [`Catalog::provider_events`]).
pub fn eu_hubs() -> Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| data::eu_hubs_file().build()).clone()
}

/// The default study of `zonesim run`: the eu-hubs catalogue, 100,000 one-year
/// trials from a steady-state start with the default seed, six strategies on
/// Alibaba Cloud and one over two providers, all judged on the same sampled
/// outages (the first, `single-zone`, is the baseline of the paired
/// comparison). Every Alibaba zone also goes down with Alibaba's
/// provider-wide event (0.2 a year, median 2.5 h: ~36 min a year), which no
/// placement on Alibaba alone avoids:
///
/// 1. `single-zone`: one replica in Paris zone a; the baseline.
/// 2. `paris-both-zones`: one replica in each Paris zone, either serves
///    (`at_least = 1`); survives a zone outage, not a Paris region event.
/// 3. `paris-quorum-2+1`: a 3-member majority quorum over the two Paris zones,
///    two members in zone a and one in zone b (Paris has only two zones, so 3
///    members cannot span 3 zones). Losing zone a loses the quorum, so it is
///    down exactly when zone a is: no better than `single-zone`.
/// 4. `paris-quorum+frankfurt`: the same quorum with the third member in
///    Frankfurt (`paris-a`, `paris-b`, `frankfurt-a`): survives any one zone,
///    but a Paris region event still takes two of three members.
/// 5. `three-hubs-active`: active-active in Paris, Frankfurt and London, any
///    one serves; survives any region event (London is outside the EU), not
///    the provider-wide one, which is nearly all of its downtime. Estimated by
///    importance sampling (it was too rare for plain Monte Carlo before the
///    provider-wide events; both now agree).
/// 6. `paris-to-frankfurt-failover`: active-passive, Paris a serving,
///    Frankfurt a standing by, 15 minutes (0.25 h) to fail over.
/// 7. `alibaba+ovh-paris`: one replica in Alibaba Paris a, one in OVHcloud
///    Paris a, either serves: two providers in France share no common cause,
///    so only coincident outages are left (importance sampling).
///
/// The study holds the whole catalogue, like a scenario file with
/// `catalog = "eu-hubs"` (`scenarios/eu-hubs.toml`), so both give the same
/// figures and the zone table covers every provider.
pub fn default_study() -> Study {
    let cat = eu_hubs();
    let mut s = Settings::new(100_000, HOURS_PER_YEAR);
    s.seed = crate::study::DEFAULT_SEED;
    let par = ["alibaba-fr-par-a", "alibaba-fr-par-b"];
    let fra = "alibaba-de-fra-a";
    let lon = "alibaba-gb-lon-a";
    cat.study(s)
        .deployment(Deployment::new("single-zone", &[par[0]], Rule::AtLeast(1)))
        .deployment(Deployment::new("paris-both-zones", &par, Rule::AtLeast(1)))
        .deployment(Deployment::new(
            "paris-quorum-2+1",
            &[par[0], par[0], par[1]],
            Rule::Majority,
        ))
        .deployment(Deployment::new(
            "paris-quorum+frankfurt",
            &[par[0], par[1], fra],
            Rule::Majority,
        ))
        .deployment(
            Deployment::new("three-hubs-active", &[par[0], fra, lon], Rule::AtLeast(1))
                // Importance sampling: it was too rare for plain Monte Carlo
                // (~4e-12) before the provider-wide events (now ~6.8e-5).
                .with_estimator(crate::study::Estimator::Importance),
        )
        .deployment(Deployment::new(
            "paris-to-frankfurt-failover",
            &[par[0], fra],
            Rule::active_passive(0.25),
        ))
        .deployment(
            Deployment::new(
                "alibaba+ovh-paris",
                &[par[0], "ovh-fr-par-a"],
                Rule::AtLeast(1),
            )
            // Two providers share no common cause: only coincident outages
            // remain, too rare for plain Monte Carlo.
            .with_estimator(crate::study::Estimator::Importance),
        )
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::distributions::Duration;
    use crate::topology::OutageProcess;

    fn rel_eq(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * b.abs()
    }

    #[test]
    fn ids_are_unique_and_distinct_from_region_ids() {
        let cat = eu_hubs();
        let regions: HashSet<&str> = cat.regions.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(regions.len(), cat.regions.len());
        let zones: HashSet<&str> = cat.zones.iter().map(|z| z.id.as_str()).collect();
        assert_eq!(zones.len(), cat.zones.len());
        assert!(zones.is_disjoint(&regions));
        let causes: HashSet<&str> = cat.common_causes.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(causes.len(), cat.common_causes.len());
        assert_eq!(cat.region_info.len(), cat.regions.len());
        for (r, i) in cat.regions.iter().zip(&cat.region_info) {
            assert_eq!(r.id, i.id);
        }
    }

    #[test]
    fn every_region_and_zone_is_keyed_by_provider() {
        let cat = eu_hubs();
        let prefix = |provider: &str| match provider {
            "alibaba" => "alibaba-",
            "aws" => "aws-",
            "azure" => "azure-",
            "gcp" => "gcp-",
            "ovhcloud" => "ovh-",
            other => panic!("unexpected provider {other}"),
        };
        for r in &cat.regions {
            assert!(r.id.starts_with(prefix(&r.provider)), "{}", r.id);
            let info = cat.info(&r.id).unwrap();
            let zones: Vec<&Zone> = cat.zones_in(&r.id).collect();
            assert_eq!(info.zone_codes.len(), zones.len(), "{}", r.id);
            for z in zones {
                assert!(z.id.starts_with(&format!("{}-", r.id)), "{}", z.id);
            }
            assert!(!info.sources.is_empty(), "{} has no source", r.id);
            assert_eq!(info.status, RegionStatus::Open);
            // The region carries the same facts, so a scenario file keeps them.
            assert_eq!(r.provider_code, info.provider_code);
            assert_eq!(r.zone_codes, info.zone_codes);
            assert_eq!(r.status, Some(info.status));
            assert_eq!(r.confidence, Some(info.confidence));
            assert_eq!(r.sources, info.sources);
            assert_eq!(r.note, info.note);
        }
        // Provider codes collide across providers; the catalogue ids do not.
        let fra: Vec<&str> = cat
            .region_info
            .iter()
            .filter(|i| i.provider_code == "eu-central-1")
            .map(|i| i.id.as_str())
            .collect();
        assert_eq!(fra, ["alibaba-de-fra", "aws-de-fra"]);
        // The existing Alibaba ids stay.
        for id in [
            "alibaba-fr-par-a",
            "alibaba-fr-par-b",
            "alibaba-de-fra-a",
            "alibaba-de-fra-b",
            "alibaba-de-fra-c",
            "alibaba-gb-lon-a",
            "alibaba-gb-lon-b",
        ] {
            assert!(cat.zones.iter().any(|z| z.id == id), "{id}");
        }
    }

    #[test]
    fn london_is_not_in_the_eu_paris_and_frankfurt_are() {
        let cat = eu_hubs();
        for r in &cat.regions {
            match r.country.as_str() {
                "GB" => assert!(!r.is_in_eu(), "{}", r.id),
                "FR" | "DE" => assert!(r.is_in_eu(), "{}", r.id),
                other => panic!("unexpected country {other}"),
            }
        }
        let london: Vec<&str> = cat
            .regions
            .iter()
            .filter(|r| r.id.ends_with("-gb-lon"))
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(london.len(), 4);
    }

    #[test]
    fn zone_counts_alibaba_paris_and_london_have_two() {
        let cat = eu_hubs();
        let n = |region: &str| cat.zones_in(region).count();
        assert_eq!(n("alibaba-fr-par"), 2);
        assert_eq!(n("alibaba-gb-lon"), 2);
        assert_eq!(n("alibaba-de-fra"), 3);
        for r in cat.regions.iter().filter(|r| r.provider != "alibaba") {
            assert_eq!(n(&r.id), 3, "{}", r.id);
        }
        // Unknown facts are said to be unknown, not invented.
        let paris = cat.info("alibaba-fr-par").unwrap();
        assert_eq!(paris.provider_code, "not published");
        assert!(paris.zone_codes.iter().all(|c| c == "not published"));
        assert!(paris.note.contains("placeholders"));
    }

    #[test]
    fn region_event_rate_is_beta_times_zone_rate() {
        let cat = eu_hubs();
        for r in &cat.regions {
            let beta = cat.info(&r.id).unwrap().beta;
            let expected = if r.id == "gcp-fr-par" {
                SAME_CAMPUS_BETA
            } else {
                BETA
            };
            assert_eq!(beta, expected, "{}", r.id);
            let cause = cat
                .common_causes
                .iter()
                .find(|c| c.affects == [r.id.clone()])
                .unwrap();
            let event_rate = HOURS_PER_YEAR / cause.time_to_failure.mean();
            assert!(rel_eq(event_rate, beta * ZONE_OUTAGES_PER_YEAR), "{}", r.id);
            assert!(rel_eq(cause.time_to_repair.mean(), 6.0 * 0.72f64.exp()));
            for z in cat.zones_in(&r.id) {
                let own_rate = HOURS_PER_YEAR / z.time_to_failure.mean();
                assert!(rel_eq(own_rate, (1.0 - beta) * ZONE_OUTAGES_PER_YEAR));
                // All causes together: 0.2 outages per zone-year.
                assert!(rel_eq(own_rate + event_rate, ZONE_OUTAGES_PER_YEAR));
                assert!(rel_eq(z.time_to_repair.mean(), 2.0 * 1.125f64.exp()));
            }
        }
    }

    /// FACTS section 7 quotes ~99.986% (0.2 outages x 6.2 h = 1.24 h a year),
    /// treating every outage as zone-length. Region events last longer (mean
    /// 12.3 h), so a catalogue zone is down 0.18 x 6.16 + 0.02 x 12.33 = 1.355 h
    /// a year: 99.9845%, within 2e-5 of the FACTS figure.
    #[test]
    fn zone_availability_matches_facts() {
        let cat = eu_hubs();
        for z in &cat.zones {
            let cause = cat
                .common_causes
                .iter()
                .find(|c| c.affects == [z.region.clone()])
                .unwrap();
            let a = z.process().steady_state_availability()
                * cause.process().steady_state_availability();
            let down_hours = (1.0 - a) * HOURS_PER_YEAR;
            if z.region == "gcp-fr-par" {
                // beta 0.25: 0.15 x 6.16 + 0.05 x 12.33 = 1.54 h a year.
                assert!((down_hours - 1.541).abs() < 0.005, "{}: {down_hours}", z.id);
            } else {
                assert!((a - 0.999_845_3).abs() < 2e-7, "{}: {a}", z.id);
                assert!((a - 0.999_86).abs() < 2e-5, "{}: {a}", z.id);
                assert!((down_hours - 1.355).abs() < 0.002, "{}: {down_hours}", z.id);
            }
        }
        // Without the region term the zone alone gives FACTS' 0.2 x 6.2 h.
        let all_zone_length = OutageProcess::new(
            Duration::exponential(HOURS_PER_YEAR / ZONE_OUTAGES_PER_YEAR).unwrap(),
            Duration::lognormal(ZONE_REPAIR_MEDIAN_HOURS, ZONE_REPAIR_SIGMA).unwrap(),
        );
        let a = all_zone_length.steady_state_availability();
        assert!((a - 0.999_86).abs() < 5e-6, "{a}");
    }

    #[test]
    fn default_study_validates_with_the_seven_strategies() {
        let study = default_study();
        study.validate().unwrap();
        let names: Vec<&str> = study.deployments.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "single-zone",
                "paris-both-zones",
                "paris-quorum-2+1",
                "paris-quorum+frankfurt",
                "three-hubs-active",
                "paris-to-frankfurt-failover",
                "alibaba+ovh-paris"
            ]
        );
        for d in &study.deployments[..6] {
            assert!(d.replicas.iter().all(|z| z.starts_with("alibaba-")));
        }
        assert_eq!(study.simulation.seed, crate::study::DEFAULT_SEED);
        assert_eq!(study.zones.len(), eu_hubs().zones.len());
    }

    #[test]
    fn provider_layer_and_sub_catalogues_are_consistent() {
        let cat = eu_hubs();
        let layer = provider_wide_event(&cat, "alibaba").unwrap();
        assert_eq!(
            layer.affects,
            ["alibaba-fr-par", "alibaba-de-fra", "alibaba-gb-lon"]
        );
        assert!(rel_eq(HOURS_PER_YEAR / layer.time_to_failure.mean(), 0.2));
        assert!(provider_wide_event(&cat, "nobody").is_none());
        let sub = cat.filter_regions(|r| r.provider == "alibaba");
        assert_eq!(sub.common_causes.len(), 4);
        assert_eq!(sub.region_info.len(), 3);
        assert_eq!(provider_wide_event(&sub, "alibaba"), Some(layer));
        // Paris alone keeps the provider-wide events, over Paris only.
        let fr = cat.filter_regions(|r| r.country == "FR");
        let ali = provider_wide_event(&fr, "alibaba").unwrap();
        assert_eq!(ali.affects, ["alibaba-fr-par"]);
        assert_eq!(fr.provider_events.len(), 5);
        sub.study(Settings::new(1, 1.0)).validate().unwrap();
        let paris = cat.filter_regions(|r| r.country == "FR");
        assert_eq!(paris.regions.len(), 5);
        assert!(paris.regions.iter().all(|r| r.is_in_eu()));
        assert!(serde_json::to_string(&cat).is_ok());
    }

    #[test]
    fn data_file_parses_and_checks() {
        let file = data::parse(data::EU_HUBS_JSON).unwrap_or_else(|e| panic!("eu-hubs.json: {e}"));
        assert_eq!(file.name, "eu-hubs");
        assert_eq!(CATALOG_NAMES, [file.name.as_str()]);
        assert_eq!(file.regions.len(), 13);
        assert_eq!(eu_hubs().zones.len(), 37);
        // The cached parse is the same file.
        assert_eq!(data::eu_hubs_file().regions.len(), file.regions.len());
    }

    /// A bad data file fails here, with a message naming what is wrong.
    #[test]
    fn bad_data_files_are_refused() {
        let text = data::EU_HUBS_JSON;
        let bad = |from: &str, to: &str, needle: &str| {
            assert!(text.contains(from), "{from}");
            let e = data::parse(&text.replacen(from, to, 1)).expect_err(from);
            assert!(e.contains(needle), "{from} -> {to}: {e}");
        };
        bad(
            "\"confidence\": \"secondary\"",
            "\"confidence\": \"sure\"",
            "unknown variant",
        );
        bad(
            "\"status\": \"open\"",
            "\"status\": \"gone\"",
            "unknown variant",
        );
        bad("\"note\": ", "\"notes\": ", "unknown field");
        bad(
            "\"alibaba-paris\"\n",
            "\"nowhere\"\n",
            "unknown source key \"nowhere\"",
        );
        bad("\"suffix\": \"b\"", "\"suffix\": \"a\"", "is used twice");
        bad("\"beta\": 0.25", "\"beta\": 1.5", "beta must be in (0, 1)");
        bad(
            "\"zone_outages_per_year\": 0.2",
            "\"zone_outages_per_year\": 0",
            "positive",
        );
    }

    /// The public constants are the file's numbers, to the last bit.
    #[test]
    fn constants_are_the_data_files_numbers() {
        let p = &data::eu_hubs_file().parameters;
        let pairs = [
            (p.hours_per_year, HOURS_PER_YEAR),
            (p.zone_outages_per_year, ZONE_OUTAGES_PER_YEAR),
            (p.beta, BETA),
            (p.zone_repair.median_hours, ZONE_REPAIR_MEDIAN_HOURS),
            (p.zone_repair.sigma, ZONE_REPAIR_SIGMA),
            (p.region_event.median_hours, REGION_EVENT_MEDIAN_HOURS),
            (p.region_event.sigma, REGION_EVENT_SIGMA),
        ];
        assert_eq!(p.provider_events.len(), PROVIDER_EVENTS.len());
        for (e, &(provider, rate, median, sigma)) in p.provider_events.iter().zip(&PROVIDER_EVENTS)
        {
            assert_eq!(e.provider, provider);
            assert_eq!(
                [e.per_year, e.median_hours, e.sigma].map(f64::to_bits),
                [rate, median, sigma].map(f64::to_bits),
                "{provider}"
            );
        }
        for (file, constant) in pairs {
            assert_eq!(file.to_bits(), constant.to_bits(), "{file} vs {constant}");
        }
        let gcp = data::eu_hubs_file()
            .regions
            .iter()
            .find(|r| r.id == "gcp-fr-par");
        assert_eq!(
            gcp.and_then(|r| r.beta).map(f64::to_bits),
            Some(SAME_CAMPUS_BETA.to_bits())
        );
    }

    /// The zones and common causes are those the catalogue had when it was
    /// code: the same formulas on the same constants, bit for bit.
    #[test]
    fn zones_and_causes_are_the_former_codes_to_the_bit() {
        let cat = eu_hubs();
        let ttr = Duration::lognormal(ZONE_REPAIR_MEDIAN_HOURS, ZONE_REPAIR_SIGMA).unwrap();
        let event_ttr = Duration::lognormal(REGION_EVENT_MEDIAN_HOURS, REGION_EVENT_SIGMA).unwrap();
        let beta = |region: &str| {
            if region == "gcp-fr-par" {
                SAME_CAMPUS_BETA
            } else {
                BETA
            }
        };
        let mut zones = cat.zones.iter();
        for r in &cat.regions {
            for z in cat.zones_in(&r.id) {
                let expected = Zone {
                    id: z.id.clone(),
                    region: r.id.clone(),
                    time_to_failure: Duration::exponential(
                        HOURS_PER_YEAR / ((1.0 - beta(&r.id)) * ZONE_OUTAGES_PER_YEAR),
                    )
                    .unwrap(),
                    time_to_repair: ttr.clone(),
                };
                assert_eq!(zones.next(), Some(&expected));
            }
        }
        assert!(
            zones.next().is_none(),
            "zones are grouped by region, in region order"
        );
        let causes: Vec<CommonCause> = cat
            .regions
            .iter()
            .map(|r| CommonCause {
                name: format!("{}-region-event", r.id),
                affects: vec![r.id.clone()],
                time_to_failure: Duration::exponential(
                    HOURS_PER_YEAR / (beta(&r.id) * ZONE_OUTAGES_PER_YEAR),
                )
                .unwrap(),
                time_to_repair: event_ttr.clone(),
                zone_recovery: None,
            })
            .collect();
        let n = causes.len();
        assert_eq!(cat.common_causes[..n], causes[..]);
        // Then one provider-wide cause per provider, over all its regions.
        assert_eq!(cat.common_causes.len(), n + PROVIDER_EVENTS.len());
        for (c, &(provider, rate, median, sigma)) in
            cat.common_causes[n..].iter().zip(&PROVIDER_EVENTS)
        {
            let regions: Vec<&str> = cat
                .regions
                .iter()
                .filter(|r| r.provider == provider)
                .map(|r| r.id.as_str())
                .collect();
            let want = CommonCause::new(
                provider_wide_name(provider),
                regions,
                Duration::exponential(HOURS_PER_YEAR / rate).unwrap(),
                Duration::lognormal(median, sigma).unwrap(),
            );
            assert_eq!(c, &want);
        }
        let ids: Vec<&str> = cat.regions.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "alibaba-fr-par",
                "alibaba-de-fra",
                "alibaba-gb-lon",
                "aws-fr-par",
                "aws-de-fra",
                "aws-gb-lon",
                "azure-fr-par",
                "azure-de-fra",
                "azure-gb-lon",
                "gcp-fr-par",
                "gcp-de-fra",
                "gcp-gb-lon",
                "ovh-fr-par"
            ]
        );
    }
}
