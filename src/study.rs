//! A study: topology, common causes, deployments and simulation settings, with
//! validation that reports every problem at once.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::deployment::{Deployment, Rule};
use crate::distributions::is_positive_finite;
use crate::service::Service;
use crate::topology::{CommonCause, Maintenance, Region, Zone};

mod precision;
pub use precision::{Precision, PrecisionFigure};

/// The seed used when a study does not give one.
pub const DEFAULT_SEED: u64 = 2026;
/// The SLA targets used when a study does not give any.
pub const DEFAULT_SLA_TARGETS: [f64; 3] = [0.999, 0.9995, 0.9999];

/// How each outage process starts at time 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Start {
    /// Each process starts in its stationary state: down with probability
    /// `E[down] / (E[up] + E[down])`, with the time left in that state drawn
    /// from the exact equilibrium (residual-life) distribution.
    #[default]
    SteadyState,
    /// Every process starts up, at the beginning of a fresh time to failure.
    AllUp,
}

/// How a deployment's unavailability is estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Estimator {
    /// Plain Monte Carlo over the study's trials (every figure, paired with
    /// the baseline).
    #[default]
    Crude,
    /// Importance sampling of rare outages ([`crate::rare`]): for counting
    /// rules too reliable for plain Monte Carlo. Estimated apart from the
    /// other deployments, with the study's trials as its number of cycles.
    Importance,
}

/// Simulation settings: the `[simulation]` table of a scenario file.
///
/// ```
/// use zonesim::prelude::*;
/// let s = Settings::new(10_000, 720.0).with_seed(7).with_start(Start::AllUp);
/// assert_eq!((s.trials, s.seed, s.start), (10_000, 7, Start::AllUp));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Settings {
    /// Number of independent trials (simulated horizons).
    pub trials: u64,
    /// Length of one trial in hours (8760 for a year).
    pub horizon_hours: f64,
    /// Seed of every random stream; the same seed gives the same results.
    pub seed: u64,
    /// Start state of every process.
    pub start: Start,
    /// Availability targets in (0, 1] whose probability of being met is reported.
    pub sla_targets: Vec<f64>,
    /// Name of the deployment (or service) the others are compared with
    /// (default: the first deployment).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
    /// The estimator of every deployment that does not name its own.
    pub estimator: Estimator,
    /// Length of an SLA window in hours (default 730, a calendar month):
    /// each trial's horizon is cut into `floor(horizon / window)` whole
    /// windows, each judged against every SLA target ([`crate::stats::WindowStats`]).
    pub sla_window_hours: f64,
    /// Service-credit bands judged per window (none by default).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sla_credits: Vec<crate::stats::CreditBand>,
    /// Run until every deployment's estimate is this precise (or
    /// `max_trials`), checked at fixed batch checkpoints; `None`: run
    /// exactly `trials` trials.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precision: Option<Precision>,
}

impl Settings {
    /// Settings with the given trials and horizon, the default seed, a
    /// steady-state start and the default SLA targets.
    pub fn new(trials: u64, horizon_hours: f64) -> Self {
        Settings {
            trials,
            horizon_hours,
            seed: DEFAULT_SEED,
            start: Start::SteadyState,
            sla_targets: DEFAULT_SLA_TARGETS.to_vec(),
            baseline: None,
            estimator: Estimator::Crude,
            sla_window_hours: crate::stats::DEFAULT_SLA_WINDOW_HOURS,
            sla_credits: Vec::new(),
            precision: None,
        }
    }

    /// The same settings running to a target precision.
    pub fn with_precision(mut self, precision: Precision) -> Self {
        self.precision = Some(precision);
        self
    }

    /// The trials a run does at most: `precision.max_trials` when a target
    /// precision gives one, else `trials`.
    pub fn max_trials(&self) -> u64 {
        self.precision
            .and_then(|p| p.max_trials)
            .unwrap_or(self.trials)
    }

    /// The same settings with SLA windows of `hours` (default 730).
    pub fn with_sla_window_hours(mut self, hours: f64) -> Self {
        self.sla_window_hours = hours;
        self
    }

    /// The same settings with these service-credit bands, judged per window.
    pub fn with_sla_credits(mut self, bands: impl Into<Vec<crate::stats::CreditBand>>) -> Self {
        self.sla_credits = bands.into();
        self
    }

    /// The same settings with another default estimator.
    pub fn with_estimator(mut self, estimator: Estimator) -> Self {
        self.estimator = estimator;
        self
    }

    /// The same settings with another seed.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The same settings with another start state.
    pub fn with_start(mut self, start: Start) -> Self {
        self.start = start;
        self
    }

    /// The same settings with other SLA targets (each in (0, 1]).
    pub fn with_sla_targets(mut self, targets: impl Into<Vec<f64>>) -> Self {
        self.sla_targets = targets.into();
        self
    }

    /// The same settings comparing every deployment and service with
    /// `baseline` (a deployment's or a service's name).
    pub fn with_baseline(mut self, baseline: impl Into<String>) -> Self {
        self.baseline = Some(baseline.into());
        self
    }
}

/// Everything a simulation needs, as given: build it in code with
/// [`Study::new`] and its adders, or load it from a scenario file
/// (`crate::scenario`, feature `scenario`). It is checked once, by
/// [`Study::validate`], when it becomes a [`crate::Simulation`] (or a plan):
/// the engine runs only the validated, compiled model, so nothing can change
/// between validation and the run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Study {
    /// Simulation settings.
    pub simulation: Settings,
    /// Regions.
    #[serde(rename = "region")]
    pub regions: Vec<Region>,
    /// Zones.
    #[serde(rename = "zone")]
    pub zones: Vec<Zone>,
    /// Common causes.
    #[serde(rename = "common_cause")]
    pub common_causes: Vec<CommonCause>,
    /// Deployments, all judged on the same sampled outages.
    #[serde(rename = "deployment")]
    pub deployments: Vec<Deployment>,
    /// Scheduled maintenance windows of zones and regions.
    #[serde(rename = "maintenance", skip_serializing_if = "Vec::is_empty")]
    pub maintenance: Vec<Maintenance>,
    /// Services composed of deployments and other services
    /// ([`crate::service`]), judged on the same timelines.
    #[serde(rename = "service", skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<Service>,
}

/// One problem found in a study: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where, as a path into the study: `zone "fr-par-a"`, `deployment[2] "x".rule`.
    pub at: String,
    /// What is wrong, naming the offending value.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

/// Every problem found in a study.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct StudyError {
    /// The problems, in the order they appear in the study.
    pub problems: Vec<Problem>,
}

impl fmt::Display for StudyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "{n} problem{} in the study",
            if n == 1 { "" } else { "s" }
        )?;
        for p in &self.problems {
            write!(f, "\n  - {p}")?;
        }
        Ok(())
    }
}

/// The problems of a periodic schedule of `windows` back-to-back windows of
/// `duration` every `every`, first at `offset`: `(field, message)` pairs.
pub(crate) fn check_schedule(
    every: f64,
    duration: f64,
    windows: usize,
    offset: Option<f64>,
) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let every_ok = is_positive_finite(every);
    if !every_ok {
        out.push((
            "every_hours",
            format!("must be a finite number > 0, got {every}"),
        ));
    }
    if !is_positive_finite(duration) {
        out.push((
            "duration_hours",
            format!("must be a finite number > 0, got {duration}"),
        ));
    } else if every_ok && duration * windows as f64 >= every {
        out.push((
            "duration_hours",
            if windows == 1 {
                format!("{duration} h must be shorter than every_hours ({every} h)")
            } else {
                format!(
                    "{windows} rolling windows of {duration} h must fit in every_hours ({every} h) \
                     with time to spare"
                )
            },
        ));
    }
    if let Some(o) = offset
        && !(o.is_finite() && o >= 0.0)
    {
        out.push((
            "offset_hours",
            format!("must be a finite number >= 0, got {o}"),
        ));
    }
    out
}

impl Study {
    /// Why importance sampling cannot estimate deployment `d` exactly: a
    /// common cause over its zones leaves zones to recover, a maintenance
    /// window covers its zones, or its replicas have maintenance. Empty when
    /// it can.
    pub fn importance_blockers(&self, d: &Deployment) -> Vec<String> {
        let zones: Vec<usize> = d
            .replicas
            .iter()
            .filter_map(|r| self.zones.iter().position(|z| &z.id == r))
            .collect();
        let covers = |ids: &[String]| {
            self.zones_named(ids)
                .is_ok_and(|hit| hit.iter().any(|z| zones.contains(z)))
        };
        let mut out = Vec::new();
        for c in &self.common_causes {
            if c.zone_recovery.is_some() && covers(&c.affects) {
                out.push(format!(
                    "importance sampling does not model zone_recovery (common_cause \"{}\" \
                     covers this deployment's zones); use estimator = \"crude\"",
                    c.name
                ));
            }
        }
        for m in &self.maintenance {
            if covers(&m.zones) {
                out.push(format!(
                    "importance sampling does not model maintenance windows (maintenance \"{}\" \
                     covers this deployment's zones); use estimator = \"crude\"",
                    m.name
                ));
            }
        }
        if d.maintenance.is_some() {
            out.push(
                "importance sampling does not model replica maintenance; use estimator = \"crude\""
                    .into(),
            );
        }
        out
    }

    /// A study with the given settings and nothing else yet.
    pub fn new(simulation: Settings) -> Self {
        Study {
            simulation,
            regions: Vec::new(),
            zones: Vec::new(),
            common_causes: Vec::new(),
            deployments: Vec::new(),
            maintenance: Vec::new(),
            services: Vec::new(),
        }
    }

    /// Adds a maintenance window schedule.
    pub fn maintenance(mut self, maintenance: Maintenance) -> Self {
        self.maintenance.push(maintenance);
        self
    }

    /// Adds a region.
    pub fn region(mut self, region: Region) -> Self {
        self.regions.push(region);
        self
    }

    /// Adds a zone.
    pub fn zone(mut self, zone: Zone) -> Self {
        self.zones.push(zone);
        self
    }

    /// Adds a common cause.
    pub fn common_cause(mut self, cause: CommonCause) -> Self {
        self.common_causes.push(cause);
        self
    }

    /// Adds a deployment.
    pub fn deployment(mut self, deployment: Deployment) -> Self {
        self.deployments.push(deployment);
        self
    }

    /// Adds a service composed of deployments and other services.
    pub fn service(mut self, service: Service) -> Self {
        self.services.push(service);
        self
    }

    /// The zones that a common cause's `affects` list stands for, as zone
    /// indices (a region id expands to its zones), or the unknown id.
    pub fn affected_zones(&self, cause: &CommonCause) -> Result<Vec<usize>, String> {
        self.zones_named(&cause.affects)
    }

    /// The zones that region and zone ids stand for, as sorted zone indices
    /// (a region id expands to its zones), or the first unknown id.
    pub fn zones_named(&self, ids: &[String]) -> Result<Vec<usize>, String> {
        let mut out = Vec::new();
        for id in ids {
            let mut found = false;
            if let Some(i) = self.zones.iter().position(|z| &z.id == id) {
                out.push(i);
                found = true;
            }
            if self.regions.iter().any(|r| &r.id == id) {
                out.extend(
                    self.zones
                        .iter()
                        .enumerate()
                        .filter(|(_, z)| &z.region == id)
                        .map(|(i, _)| i),
                );
                found = true;
            }
            if !found {
                return Err(id.clone());
            }
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    /// Checks the whole study and reports every problem found, not just the first.
    ///
    /// # Errors
    /// A [`StudyError`] listing each problem with where it is.
    ///
    /// ```
    /// use zonesim::prelude::*;
    /// let study = Study::new(Settings::new(0, -1.0));
    /// let err = study.validate().unwrap_err();
    /// assert!(err.to_string().contains("trials"));
    /// assert!(err.to_string().contains("horizon_hours"));
    /// ```
    pub fn validate(&self) -> Result<(), StudyError> {
        let mut problems = Vec::new();
        let mut bad = |at: String, message: String| problems.push(Problem { at, message });
        let s = &self.simulation;
        if s.trials == 0 {
            bad(
                "simulation.trials".into(),
                "must be at least 1, got 0".into(),
            );
        }
        if !is_positive_finite(s.horizon_hours) {
            bad(
                "simulation.horizon_hours".into(),
                format!("must be a finite number > 0, got {}", s.horizon_hours),
            );
        } else if s.horizon_hours > 1e7 {
            bad(
                "simulation.horizon_hours".into(),
                format!(
                    "{:e} hours is over the limit of 1e7 hours (about 1,100 years)",
                    s.horizon_hours
                ),
            );
        }
        for (i, &t) in s.sla_targets.iter().enumerate() {
            if !(t > 0.0 && t <= 1.0) {
                bad(
                    format!("simulation.sla_targets[{i}]"),
                    format!("must be in (0, 1], got {t}"),
                );
            }
        }
        if s.sla_targets.len() > crate::stats::MAX_SLA_TARGETS {
            bad(
                "simulation.sla_targets".into(),
                format!(
                    "{} targets, over the limit of {}",
                    s.sla_targets.len(),
                    crate::stats::MAX_SLA_TARGETS
                ),
            );
        }
        if !(is_positive_finite(s.sla_window_hours) && s.sla_window_hours <= 1e7) {
            bad(
                "simulation.sla_window_hours".into(),
                format!(
                    "must be a finite number > 0 and at most 1e7, got {}",
                    s.sla_window_hours
                ),
            );
        }
        if s.sla_credits.len() > crate::stats::MAX_CREDIT_BANDS {
            bad(
                "simulation.sla_credits".into(),
                format!(
                    "{} bands, over the limit of {}",
                    s.sla_credits.len(),
                    crate::stats::MAX_CREDIT_BANDS
                ),
            );
        }
        for (i, b) in s.sla_credits.iter().enumerate() {
            if !(b.below > 0.0 && b.below <= 1.0) {
                bad(
                    format!("simulation.sla_credits[{i}].below"),
                    format!("must be in (0, 1], got {}", b.below),
                );
            }
            if !(b.credit > 0.0 && b.credit <= 1.0) {
                bad(
                    format!("simulation.sla_credits[{i}].credit"),
                    format!(
                        "must be in (0, 1] (a fraction of the window's fee), got {}",
                        b.credit
                    ),
                );
            }
            if s.sla_credits[..i].iter().any(|o| o.below == b.below) {
                bad(
                    format!("simulation.sla_credits[{i}].below"),
                    format!("{} is given twice", b.below),
                );
            }
        }
        if let Some(p) = &s.precision {
            p.check(&s.sla_targets, &mut bad);
        }
        if let Some(b) = &s.baseline
            && !self.deployments.iter().any(|d| &d.name == b)
            && !self.services.iter().any(|d| &d.name == b)
        {
            bad(
                "simulation.baseline".into(),
                format!("no deployment or service is named \"{b}\""),
            );
        }

        let mut seen = HashSet::new();
        for r in &self.regions {
            if r.id.is_empty() {
                bad("region".into(), "id is empty".into());
            } else if !seen.insert(r.id.as_str()) {
                bad(format!("region \"{}\"", r.id), "id is used twice".into());
            }
        }
        for r in &self.regions {
            if !r.country.is_empty() && !crate::topology::is_iso_country(&r.country) {
                bad(
                    format!("region \"{}\".country", r.id),
                    format!(
                        "\"{}\" is not an ISO 3166-1 alpha-2 country code (e.g. \"FR\", \"DE\", \"GB\"); \
                         EU membership is derived from it",
                        r.country
                    ),
                );
            }
        }
        let regions: HashSet<&str> = self.regions.iter().map(|r| r.id.as_str()).collect();
        let mut zone_ids: HashMap<&str, usize> = HashMap::new();
        for z in &self.zones {
            if z.id.is_empty() {
                bad("zone".into(), "id is empty".into());
            } else if regions.contains(z.id.as_str()) {
                bad(
                    format!("zone \"{}\"", z.id),
                    "id is also a region id; common causes could not tell them apart".into(),
                );
            } else if zone_ids.insert(z.id.as_str(), 0).is_some() {
                bad(format!("zone \"{}\"", z.id), "id is used twice".into());
            }
            if !regions.contains(z.region.as_str()) {
                bad(
                    format!("zone \"{}\".region", z.id),
                    format!("unknown region \"{}\"", z.region),
                );
            }
        }
        let mut names = HashSet::new();
        for c in &self.common_causes {
            let at = format!("common_cause \"{}\"", c.name);
            if !names.insert(c.name.as_str()) {
                bad(at.clone(), "name is used twice".into());
            }
            if c.affects.is_empty() {
                bad(format!("{at}.affects"), "is empty".into());
            }
            if let Err(id) = self.affected_zones(c) {
                bad(
                    format!("{at}.affects"),
                    format!("\"{id}\" is neither a region id nor a zone id"),
                );
            }
        }
        let mut names = HashSet::new();
        for (i, m) in self.maintenance.iter().enumerate() {
            let at = format!("maintenance[{i}] \"{}\"", m.name);
            if m.name.trim().is_empty() {
                bad(format!("maintenance[{i}].name"), "is empty".into());
            } else if !names.insert(m.name.as_str()) {
                bad(at.clone(), "name is used twice".into());
            }
            if m.zones.is_empty() {
                bad(format!("{at}.zones"), "is empty".into());
            }
            if let Err(id) = self.zones_named(&m.zones) {
                bad(
                    format!("{at}.zones"),
                    format!("\"{id}\" is neither a region id nor a zone id"),
                );
            }
            for (field, message) in
                check_schedule(m.every_hours, m.duration_hours, 1, m.offset_hours)
            {
                bad(format!("{at}.{field}"), message);
            }
        }
        let mut names = HashSet::new();
        for (i, d) in self.deployments.iter().enumerate() {
            let at = format!("deployment[{i}] \"{}\"", d.name);
            if d.name.trim().is_empty() {
                bad(format!("deployment[{i}].name"), "is empty".into());
            } else if !names.insert(d.name.as_str()) {
                bad(at.clone(), "name is used twice".into());
            }
            if d.replicas.is_empty() {
                bad(format!("{at}.replicas"), "is empty".into());
            }
            for (j, z) in d.replicas.iter().enumerate() {
                if !zone_ids.contains_key(z.as_str()) {
                    bad(
                        format!("{at}.replicas[{j}]"),
                        format!("unknown zone \"{z}\""),
                    );
                }
            }
            let n = d.replicas.len();
            let distinct: HashSet<&String> = d.replicas.iter().collect();
            let estimator = d.estimator.unwrap_or(s.estimator);
            match (estimator, &d.rule) {
                (Estimator::Importance, Rule::ActivePassive { .. }) => bad(
                    format!("{at}.estimator"),
                    "importance sampling supports the counting rules (at_least, majority, \
                     zones_up); active_passive is dominated by failover delays, not rare: \
                     use estimator = \"crude\""
                        .into(),
                ),
                (Estimator::Importance, Rule::AtLeast(_) | Rule::Majority | Rule::ZonesUp(_))
                | (Estimator::Crude, _) => {}
            }
            if let Err((field, message)) = d.rule.check(n, distinct.len()) {
                let sep = if field.is_empty() { "" } else { "." };
                bad(format!("{at}.rule{sep}{field}"), message);
            }
            if let Some(m) = &d.maintenance {
                let windows = if m.rolling { n.max(1) } else { 1 };
                for (field, message) in
                    check_schedule(m.every_hours, m.duration_hours, windows, m.offset_hours)
                {
                    bad(format!("{at}.maintenance.{field}"), message);
                }
            }
            if estimator == Estimator::Importance {
                for why in self.importance_blockers(d) {
                    bad(format!("{at}.estimator"), why);
                }
            }
            if estimator == Estimator::Importance && d.release_failures.is_some() {
                bad(
                    format!("{at}.estimator"),
                    "importance sampling does not model release_failures (they take every \
                     replica down at once, so they are not rare coincidences of zone outages): \
                     use estimator = \"crude\""
                        .into(),
                );
            }
        }
        problems.extend(crate::service::check(self));
        if problems.is_empty() {
            Ok(())
        } else {
            Err(StudyError { problems })
        }
    }
}
