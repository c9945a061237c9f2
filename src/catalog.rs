//! The built-in catalogue of EU hubs, with sourced default outage parameters.
//!
//! `eu-hubs` holds Alibaba Cloud's European hubs (the two new Paris zones,
//! Frankfurt, London) and, for comparison, the Paris, Frankfurt and London
//! regions of AWS, Azure and Google Cloud, plus OVHcloud's Paris location.
//!
//! Ids are keyed by provider (`alibaba-de-fra`, `aws-de-fra`): provider region
//! codes collide (Alibaba `eu-west-1` is London, AWS `eu-west-1` is Ireland), so
//! each region also records its provider's own code in [`RegionInfo`]. Zone ids
//! are the region id plus a suffix in the provider's style: `-a` for Alibaba,
//! Google Cloud and OVHcloud, `-az1` for AWS (AZ *ids*, which are the same in
//! every account), `-1` for Azure (logical zones).
//!
//! Every parameter is an estimate (see [`Catalog::parameter_notes`] and
//! `docs/CATALOG.md`): a zone fails 0.2 times a year from all causes, a share
//! beta of which are region-wide events that take every zone of the region down
//! together (the beta-factor model of IEC 61508-6).
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
    /// The provider's own name for each zone of the region, in the order of the
    /// catalogue's zones (`eu-central-1a`, `euw3-az1`, `1`), or `not published`
    /// / `not confirmed` where no source gives it.
    pub zone_codes: Vec<String>,
    /// `open` or `closed`.
    pub status: String,
    /// Confidence in the zone facts: `verified` (official source), `secondary`
    /// (press or aggregator) or `unverified`.
    pub confidence: String,
    /// The beta factor used for this region: the share of each zone's outage
    /// rate that is a region-wide event.
    pub beta: f64,
    /// Source URLs (for `unverified` entries: where to confirm the facts).
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
    /// facts, zones and the common causes that affect only them. Handy to
    /// keep a study small (every zone in a study is sampled in every trial).
    ///
    /// ```
    /// let alibaba = zonesim::catalog::eu_hubs().filter_regions(|r| r.provider == "alibaba");
    /// assert_eq!(alibaba.regions.len(), 3);
    /// assert_eq!(alibaba.zones.len(), 7);
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
        Catalog {
            name: self.name.clone(),
            description: self.description.clone(),
            region_info: self
                .region_info
                .iter()
                .filter(|i| kept(&i.id))
                .cloned()
                .collect(),
            common_causes: self
                .common_causes
                .iter()
                .filter(|c| c.affects.iter().all(covered))
                .cloned()
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
        }
    }
}

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
/// Rate of the optional provider-wide event, per provider-year.
pub const PROVIDER_EVENTS_PER_YEAR: f64 = 0.1;
/// Median of a provider-wide event (hours); lognormal.
pub const PROVIDER_EVENT_MEDIAN_HOURS: f64 = 3.0;
/// Log-space sigma of a provider-wide event's duration.
pub const PROVIDER_EVENT_SIGMA: f64 = 1.0;
/// Hours in a year.
pub const HOURS_PER_YEAR: f64 = 8760.0;

fn zone_ttf(beta: f64) -> Duration {
    Duration::exponential(HOURS_PER_YEAR / ((1.0 - beta) * ZONE_OUTAGES_PER_YEAR))
        .expect("positive constant")
}

fn zone_ttr() -> Duration {
    Duration::lognormal(ZONE_REPAIR_MEDIAN_HOURS, ZONE_REPAIR_SIGMA).expect("positive constants")
}

fn region_event_ttf(beta: f64) -> Duration {
    Duration::exponential(HOURS_PER_YEAR / (beta * ZONE_OUTAGES_PER_YEAR)).expect("positive")
}

fn region_event_ttr() -> Duration {
    Duration::lognormal(REGION_EVENT_MEDIAN_HOURS, REGION_EVENT_SIGMA).expect("positive constants")
}

/// The optional provider-wide layer of FACTS section 7, off by default: one
/// event process that takes every zone of `provider` in the catalogue down
/// together, 0.1 times a year, lognormal with median 3 h and sigma 1.0
/// (anchor: the 4.4 h global Google Cloud Console failure of April 2023).
///
/// FACTS describes it as a control-plane event (no create or scale; running
/// VMs fine), so modelling it as a full outage is pessimistic: it is right for
/// services that need the control plane to serve or to fail over, and an upper
/// bound for the others. `None` when the catalogue has no region of `provider`.
///
/// ```
/// use zonesim::catalog;
/// let cat = catalog::eu_hubs();
/// let layer = catalog::provider_wide_event(&cat, "alibaba").unwrap();
/// assert_eq!(layer.affects, ["alibaba-fr-par", "alibaba-de-fra", "alibaba-gb-lon"]);
/// ```
pub fn provider_wide_event(cat: &Catalog, provider: &str) -> Option<CommonCause> {
    let affects: Vec<String> = cat
        .regions
        .iter()
        .filter(|r| r.provider == provider)
        .map(|r| r.id.clone())
        .collect();
    if affects.is_empty() {
        return None;
    }
    Some(CommonCause {
        name: format!("{provider}-provider-wide-event"),
        affects,
        time_to_failure: Duration::exponential(HOURS_PER_YEAR / PROVIDER_EVENTS_PER_YEAR)
            .expect("positive constant"),
        time_to_repair: Duration::lognormal(PROVIDER_EVENT_MEDIAN_HOURS, PROVIDER_EVENT_SIGMA)
            .expect("positive constants"),
    })
}

struct RegionRow {
    id: &'static str,
    name: &'static str,
    provider: &'static str,
    country: &'static str,
    code: &'static str,
    /// Catalogue zone id suffixes.
    zones: &'static [&'static str],
    /// The provider's zone names, one per suffix.
    zone_codes: &'static [&'static str],
    confidence: &'static str,
    beta: f64,
    sources: &'static [&'static str],
    note: &'static str,
}

const ALIBABA_REGIONS: &str =
    "https://www.alibabacloud.com/help/en/ecs/product-overview/regions-and-zones/";
const ALIBABA_REGIONS_2: &str = "https://www.alibabacloud.com/help/doc-detail/140601.htm";
const ALIBABA_PARIS: &str = "https://ai-radar.it/article/alibaba-cloud-apre-i-primi-data-center-in-francia-la-partita-della-sovranita?lang=en";
const AWS_AZS: &str =
    "https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html";
const AWS_FRA_2021: &str = "https://www.theregister.com/2021/06/11/aws_eu_central_1_incident/";
const AZURE_REGIONS: &str = "https://learn.microsoft.com/azure/reliability/regions-list";
const GCP_PARIS: &str = "https://mariadb.com/docs/skysql-previous-release/ref/regions";
const GCP_PARIS_2023: &str =
    "https://www.theregister.com/2023/05/10/google_cloud_paris_outage_persists/";
const GCP_REGIONS: &str = "https://cloud.google.com/compute/docs/regions-zones";
const OVH_LOCATION: &str = "https://www.pulumi.com/registry/packages/ovh/api-docs/getlocation";

const REGIONS: &[RegionRow] = &[
    // Alibaba Cloud: the subject of the catalogue; its ids must stay stable.
    RegionRow {
        id: "alibaba-fr-par",
        name: "France (Paris)",
        provider: "alibaba",
        country: "FR",
        code: "not published",
        zones: &["a", "b"],
        zone_codes: &["not published", "not published"],
        confidence: "secondary",
        beta: BETA,
        sources: &[ALIBABA_PARIS],
        note: "two availability zones, opened around Sept 2025 (date inferred); region and zone ids not yet published, so these ids are placeholders; a 3-member quorum cannot span 3 zones here",
    },
    RegionRow {
        id: "alibaba-de-fra",
        name: "Germany (Frankfurt)",
        provider: "alibaba",
        country: "DE",
        code: "eu-central-1",
        zones: &["a", "b", "c"],
        zone_codes: &["eu-central-1a", "eu-central-1b", "eu-central-1c"],
        confidence: "verified",
        beta: BETA,
        sources: &[ALIBABA_REGIONS, ALIBABA_REGIONS_2],
        note: "zones eu-central-1a, -1b, -1c; opened 2016",
    },
    RegionRow {
        id: "alibaba-gb-lon",
        name: "UK (London)",
        provider: "alibaba",
        country: "GB",
        code: "eu-west-1",
        zones: &["a", "b"],
        zone_codes: &["eu-west-1a", "eu-west-1b"],
        confidence: "verified",
        beta: BETA,
        sources: &[ALIBABA_REGIONS, ALIBABA_REGIONS_2],
        note: "zones eu-west-1a, -1b; opened 2018; not in the EU; a 3-member quorum cannot span 3 zones here",
    },
    // AWS: zones are AZ ids (euw3-az1), which name the same physical AZ in
    // every account; AZ names (eu-west-3a) are mapped per account.
    RegionRow {
        id: "aws-fr-par",
        name: "Europe (Paris)",
        provider: "aws",
        country: "FR",
        code: "eu-west-3",
        zones: &["az1", "az2", "az3"],
        zone_codes: &["euw3-az1", "euw3-az2", "euw3-az3"],
        confidence: "unverified",
        beta: BETA,
        sources: &[AWS_AZS],
        note: "AZ ids, not per-account AZ names; 'at least three AZs per region' and the AZ id format are verified, these three ids are not",
    },
    RegionRow {
        id: "aws-de-fra",
        name: "Europe (Frankfurt)",
        provider: "aws",
        country: "DE",
        code: "eu-central-1",
        zones: &["az1", "az2", "az3"],
        zone_codes: &["euc1-az1", "euc1-az2", "euc1-az3"],
        confidence: "unverified",
        beta: BETA,
        sources: &[AWS_AZS, AWS_FRA_2021],
        note: "euc1-az1 is named in press reports (secondary) of its 2021-06-10 cooling failure (~3 h, EBS longer); euc1-az2 and -az3 are unverified",
    },
    RegionRow {
        id: "aws-gb-lon",
        name: "Europe (London)",
        provider: "aws",
        country: "GB",
        code: "eu-west-2",
        zones: &["az1", "az2", "az3"],
        zone_codes: &["euw2-az1", "euw2-az2", "euw2-az3"],
        confidence: "unverified",
        beta: BETA,
        sources: &[AWS_AZS],
        note: "AZ ids unverified; not in the EU",
    },
    // Azure: zones 1-3 are logical, mapped to physical zones per subscription.
    RegionRow {
        id: "azure-fr-par",
        name: "France Central (Paris)",
        provider: "azure",
        country: "FR",
        code: "francecentral",
        zones: &["1", "2", "3"],
        zone_codes: &["1", "2", "3"],
        confidence: "unverified",
        beta: BETA,
        sources: &[AZURE_REGIONS],
        note: "logical zones 1-3, mapped per subscription; paired with France South (no zones, restricted); zone count and pairing unverified: confirm at the source listed",
    },
    RegionRow {
        id: "azure-de-fra",
        name: "Germany West Central (Frankfurt)",
        provider: "azure",
        country: "DE",
        code: "germanywestcentral",
        zones: &["1", "2", "3"],
        zone_codes: &["1", "2", "3"],
        confidence: "unverified",
        beta: BETA,
        sources: &[AZURE_REGIONS],
        note: "logical zones 1-3, mapped per subscription; paired with Germany North; zone count and pairing unverified: confirm at the source listed",
    },
    RegionRow {
        id: "azure-gb-lon",
        name: "UK South (London)",
        provider: "azure",
        country: "GB",
        code: "uksouth",
        zones: &["1", "2", "3"],
        zone_codes: &["1", "2", "3"],
        confidence: "unverified",
        beta: BETA,
        sources: &[AZURE_REGIONS],
        note: "logical zones 1-3, mapped per subscription; paired with UK West; unverified: confirm at the source listed; not in the EU",
    },
    // Google Cloud.
    RegionRow {
        id: "gcp-fr-par",
        name: "Paris (europe-west9)",
        provider: "gcp",
        country: "FR",
        code: "europe-west9",
        zones: &["a", "b", "c"],
        zone_codes: &["europe-west9-a", "europe-west9-b", "europe-west9-c"],
        confidence: "secondary",
        beta: SAME_CAMPUS_BETA,
        sources: &[GCP_PARIS, GCP_PARIS_2023],
        note: "zones on one campus (Global Switch, Clichy); on 2023-04-25 a water leak and a UPS-room fire forced an emergency shutdown of multiple zones: region back in about a day, zone a down 3+ weeks; hence the same-campus beta 0.25",
    },
    RegionRow {
        id: "gcp-de-fra",
        name: "Frankfurt (europe-west3)",
        provider: "gcp",
        country: "DE",
        code: "europe-west3",
        zones: &["a", "b", "c"],
        zone_codes: &["europe-west3-a", "europe-west3-b", "europe-west3-c"],
        confidence: "unverified",
        beta: BETA,
        sources: &[GCP_REGIONS],
        note: "zone names unverified: confirm at the source listed",
    },
    RegionRow {
        id: "gcp-gb-lon",
        name: "London (europe-west2)",
        provider: "gcp",
        country: "GB",
        code: "europe-west2",
        zones: &["a", "b", "c"],
        zone_codes: &["europe-west2-a", "europe-west2-b", "europe-west2-c"],
        confidence: "unverified",
        beta: BETA,
        sources: &[GCP_REGIONS],
        note: "zone names unverified: confirm at the source listed; not in the EU",
    },
    // OVHcloud: a French-headquartered provider, for France-only comparisons.
    RegionRow {
        id: "ovh-fr-par",
        name: "Paris (eu-west-par)",
        provider: "ovhcloud",
        country: "FR",
        code: "eu-west-par",
        zones: &["a", "b", "c"],
        zone_codes: &["not confirmed", "not confirmed", "not confirmed"],
        confidence: "unverified",
        beta: BETA,
        sources: &[OVH_LOCATION],
        note: "multi-AZ Paris location (code from a secondary source); 3 zones is unverified and zone names are not confirmed, so the zone ids are placeholders",
    },
];

const IEC_BETA: &str = "https://fliphtml5.com/vmpeb/cdww/SIL_MANUAL/104/";
const IEC_62061: &str =
    "http://www.charger.com.tw/12_standards/02_en/IEC_62061/html/99_Annex_E.html";
const SCHROEDER: &str = "https://www.pdl.cmu.edu/PDL-FTP/associated/dsn06_abs.shtml";
const NALDI: &str = "http://www.maurizionaldi.it/cloudavailability-cloud-drcn-2013/";
const FORD: &str = "https://studylib.net/doc/10554552/";
const UPTIME_2024: &str =
    "https://intelligence.uptimeinstitute.com/resource/annual-outage-analysis-2024";
const SLA_DIRECTORY: &str = "https://sla.directory/vendors/alibaba-cloud/";
const GCP_SLA: &str = "https://cloud.google.com/compute/sla";
const AWS_SLA: &str = "https://aws.amazon.com/compute/sla/historical/";
const AZURE_WE_2023: &str = "https://www.theregister.com/2023/07/10/azure_storm_poly/";
const AZURE_WE_2025: &str = "https://azure.status.microsoft/status/history/?trackingId=2LGD-9VG";
const AWS_USE1_2021: &str = "https://aws.amazon.com/message/12721/";
const AWS_USE1_2025: &str = "https://aws.amazon.com/message/101925/";
const ALIBABA_HK_2022: &str =
    "https://www.theregister.com/2022/12/20/alibaba_cloud_hong_kong_outage/";

fn note(parameter: &str, value: &str, reasoning: &str, sources: &[&str]) -> ParameterNote {
    ParameterNote {
        parameter: parameter.into(),
        value: value.into(),
        reasoning: reasoning.into(),
        sources: sources.iter().map(|s| s.to_string()).collect(),
    }
}

fn parameter_notes() -> Vec<ParameterNote> {
    vec![
        note(
            "zone outage rate (all causes)",
            "0.2 per zone-year, of which (1 - beta) = 0.18 are the zone's own (0.15 where beta = 0.25); exponential times between outages",
            "an estimate: above the rate of press-notable zone incidents (4-6 in big-three EU regions since 2021 over ~40 regions x 3 zones, ~0.005-0.01 per zone-year), below status-page rates; with the durations below a zone is down ~1.36 h a year (99.985%), inside single-instance SLAs (99.5-99.975% monthly). Range 0.05-1.0. Real inter-arrival times have a decreasing hazard (Weibull shape < 1); Poisson is the plain default",
            &[SCHROEDER, UPTIME_2024, SLA_DIRECTORY, GCP_SLA],
        ),
        note(
            "zone outage duration",
            "lognormal, median 2 h, sigma 1.5 (mean 6.2 h; P90 13.7 h, P99 65.5 h, P(> 1 week) 0.0016)",
            "repair times are lognormal (Schroeder & Gibson, DSN 2006) with a heavy tail (Naldi, DRCN 2013: mean cloud outage 8-10 h); Alibaba's Hong Kong Zone C outage (~14 h, 2022) sits near P90. Range: median 1-4 h, sigma 1-2",
            &[SCHROEDER, NALDI, ALIBABA_HK_2022],
        ),
        note(
            "beta (share of the zone rate that is region-wide)",
            "0.10; 0.25 for regions whose zones share one campus (Google Cloud europe-west9)",
            "beta-factor model of IEC 61508-6 Annex D, typical beta 2-10% (IEC 62061 assumes <= 2%); cloud zones share software, control planes, DNS and deploy pipelines, so the top of the range. europe-west9 sits on one campus and lost several zones to one fire in 2023, so it takes the middle of the 0.2-0.3 same-campus preset. Alibaba Paris keeps 0.10: its data-centre arrangement is not published. Without this term the model would claim 'nine nines' for three zones, the error Ford et al. (OSDI 2010) warn about",
            &[IEC_BETA, IEC_62061, FORD, GCP_PARIS_2023],
        ),
        note(
            "region-wide event rate",
            "beta x 0.2 = 0.02 per region-year (0.05 for europe-west9); exponential",
            "EU record ~0.01-0.02 per region-year (europe-west9 2023, Azure West Europe 2023 and 2025); us-east-1 has had about 5 in 15 years (0.2-0.33, an 'us-east-1-like' stress value). Range 0.005-0.1",
            &[
                GCP_PARIS_2023,
                AZURE_WE_2023,
                AZURE_WE_2025,
                AWS_USE1_2021,
                AWS_USE1_2025,
            ],
        ),
        note(
            "region-wide event duration",
            "lognormal, median 6 h, sigma 1.2 (mean 12.3 h, P99 97.8 h)",
            "anchored on region incidents of 7-8 h (AWS us-east-1 2021), 8.6 h (Azure West Europe 2023), 14.5 h (AWS us-east-1 2025) and ~1 day (europe-west9 2023). Range: median 4-12 h",
            &[AWS_USE1_2021, AZURE_WE_2023, AWS_USE1_2025, GCP_PARIS_2023],
        ),
        note(
            "provider-wide event (optional, off by default)",
            "0.1 per provider-year, lognormal median 3 h, sigma 1.0; see catalog::provider_wide_event",
            "a control-plane event (no create or scale); modelled as a full outage of every zone of the provider, which is pessimistic for running VMs. Anchor: the global Google Cloud Console failure of 4.4 h during the 2023 Paris event. Turn it on to judge EU-wide placement with one provider",
            &[GCP_PARIS_2023],
        ),
        note(
            "not modelled",
            "residual zone damage after a region event; catastrophic site loss; provider exit",
            "FACTS proposes that the zone where a region event began stays down for a further zone-duration draw (europe-west9: region back in a day, zone a down for weeks), site loss at 5e-4 per zone-year (median 14 days; OVH Strasbourg 2021) and a provider exit with a Data Act recovery of ~30 days. The engine has no dependent-outage process, so these are left out; add them as common causes of your own to stress a design",
            &[GCP_PARIS_2023],
        ),
        note(
            "sanity bound: published SLAs",
            "multi-zone compute SLAs: 99.99% (AWS, Azure, Google Cloud), 99.995% (Alibaba)",
            "the defaults give three zones of one region ~99.997%, just above the multi-zone SLAs, which is coherent; SLAs are commercial promises, used as bounds, not fitted",
            &[AWS_SLA, GCP_SLA, SLA_DIRECTORY],
        ),
    ]
}

/// The `eu-hubs` catalogue: Alibaba Cloud's European hubs (the two new Paris
/// zones, Frankfurt, London), the Paris, Frankfurt and London regions of AWS,
/// Azure and Google Cloud, and OVHcloud Paris, with the default parameters of
/// FACTS section 7: every zone has its own outages (exponential, (1 - beta) x
/// 0.2 a year; lognormal repair, median 2 h, sigma 1.5) and every region one
/// region-wide common cause (beta x 0.2 a year; lognormal, median 6 h, sigma 1.2).
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
            zone_codes: r.zone_codes.iter().map(|s| s.to_string()).collect(),
            status: "open".into(),
            confidence: r.confidence.into(),
            beta: r.beta,
            sources: r.sources.iter().map(|s| s.to_string()).collect(),
            note: r.note.into(),
        });
        for z in r.zones {
            zones.push(Zone {
                id: format!("{}-{z}", r.id),
                region: r.id.into(),
                time_to_failure: zone_ttf(r.beta),
                time_to_repair: zone_ttr(),
            });
        }
    }
    // Common causes after all zones, one per region in catalogue order.
    for r in REGIONS {
        common_causes.push(CommonCause {
            name: format!("{}-region-event", r.id),
            affects: vec![r.id.into()],
            time_to_failure: region_event_ttf(r.beta),
            time_to_repair: region_event_ttr(),
        });
    }
    Catalog {
        name: "eu-hubs".into(),
        description: "Alibaba Cloud's European hubs and the Paris, Frankfurt and London regions of AWS, Azure, Google Cloud (and OVHcloud Paris), with default outage parameters".into(),
        regions,
        region_info,
        zones,
        common_causes,
        parameter_notes: parameter_notes(),
    }
}

/// The default study of `zonesim run`: the eu-hubs catalogue, 100,000 one-year
/// trials from a steady-state start with the default seed, and six strategies
/// on Alibaba Cloud, all judged on the same sampled outages (the first,
/// `single-zone`, is the baseline of the paired comparison):
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
///    one serves; survives any region event (London is outside the EU).
/// 6. `paris-to-frankfurt-failover`: active-passive, Paris a serving,
///    Frankfurt a standing by, 15 minutes (0.25 h) to fail over.
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
        .deployment(Deployment::new(
            "three-hubs-active",
            &[par[0], fra, lon],
            Rule::AtLeast(1),
        ))
        .deployment(Deployment::new(
            "paris-to-frankfurt-failover",
            &[par[0], fra],
            Rule::ActivePassive {
                failover_hours: 0.25,
            },
        ))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
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
            assert!(
                ["verified", "secondary", "unverified"].contains(&info.confidence.as_str()),
                "{}",
                r.id
            );
            assert_eq!(info.status, "open");
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
            zone_ttr(),
        );
        let a = all_zone_length.steady_state_availability();
        assert!((a - 0.999_86).abs() < 5e-6, "{a}");
    }

    #[test]
    fn default_study_validates_with_the_six_strategies() {
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
                "paris-to-frankfurt-failover"
            ]
        );
        for d in &study.deployments {
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
        assert!(rel_eq(
            HOURS_PER_YEAR / layer.time_to_failure.mean(),
            PROVIDER_EVENTS_PER_YEAR
        ));
        assert!(provider_wide_event(&cat, "nobody").is_none());
        let sub = cat.filter_regions(|r| r.provider == "alibaba");
        assert_eq!(sub.common_causes.len(), 3);
        assert_eq!(sub.region_info.len(), 3);
        sub.study(Settings::new(1, 1.0))
            .common_cause(provider_wide_event(&sub, "alibaba").unwrap())
            .validate()
            .unwrap();
        let paris = cat.filter_regions(|r| r.country == "FR");
        assert_eq!(paris.regions.len(), 5);
        assert!(paris.regions.iter().all(|r| r.is_in_eu()));
        assert!(serde_json::to_string(&cat).is_ok());
    }

    /// The scenario files under `scenarios/`, loaded by the one scenario
    /// loader (the catalogue's regions, zones and common causes, then the
    /// file's).
    #[cfg(feature = "scenario")]
    fn load(name: &str, text: &str) -> Study {
        crate::scenario::Scenario::from_str(text, crate::scenario::Format::Toml, name)
            .unwrap_or_else(|e| panic!("{e}"))
            .into_study()
    }

    const SCENARIOS: [(&str, &str); 6] = [
        ("eu-hubs", include_str!("../scenarios/eu-hubs.toml")),
        (
            "paris-two-zones",
            include_str!("../scenarios/paris-two-zones.toml"),
        ),
        (
            "eu-hubs-strategies",
            include_str!("../scenarios/eu-hubs-strategies.toml"),
        ),
        (
            "two-zone-quorum",
            include_str!("../scenarios/two-zone-quorum.toml"),
        ),
        (
            "issue3-example",
            include_str!("../scenarios/issue3-example.toml"),
        ),
        (
            "eu-provider-wide",
            include_str!("../scenarios/eu-provider-wide.toml"),
        ),
    ];

    #[test]
    #[cfg(feature = "scenario")]
    fn scenario_files_parse_and_name_known_zones() {
        let cat = eu_hubs();
        for (name, text) in SCENARIOS {
            let study = load(name, text);
            if let Err(e) = study.validate() {
                panic!("{name}: {e}");
            }
            assert!(!study.deployments.is_empty(), "{name}");
            if text.contains("catalog = \"eu-hubs\"") {
                for d in &study.deployments {
                    for z in &d.replicas {
                        assert!(cat.zones.iter().any(|c| &c.id == z), "{name}: {z}");
                    }
                }
            }
        }
    }

    #[test]
    #[cfg(feature = "scenario")]
    fn eu_hubs_file_is_the_default_study() {
        let file = load("eu-hubs", SCENARIOS[0].1);
        assert_eq!(file, default_study());
    }

    #[test]
    #[cfg(feature = "scenario")]
    fn provider_wide_file_matches_the_catalogue_layer() {
        let file = load("eu-provider-wide", SCENARIOS[5].1);
        let layer = provider_wide_event(&eu_hubs(), "alibaba").unwrap();
        assert_eq!(file.common_causes.last(), Some(&layer));
    }
}
