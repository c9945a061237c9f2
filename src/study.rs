//! A study: topology, common causes, deployments and simulation settings, with
//! validation that reports every problem at once.

use serde::{Deserialize, Serialize};

use crate::deployment::Deployment;
use crate::service::Service;
use crate::topology::{CommonCause, Maintenance, Region, Zone};

mod precision;
mod validate;
pub use precision::{Precision, PrecisionFigure};
pub(crate) use validate::check_schedule;
pub use validate::{Problem, StudyError};

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
}
