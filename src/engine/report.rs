//! The results of a run: per-deployment summaries, per-zone availability and
//! the paired comparison with the baseline.

use crate::diagnostics::Warning;
use serde::{Deserialize, Serialize};

use crate::stats::{DeploymentAccumulator, DeploymentSummary, Z95};
use crate::study::Start;

use super::{Accumulators, Simulation};

/// The results of a study: per-deployment summaries, per-zone availability and
/// the paired comparison against the baseline. Holds nothing that varies
/// between runs with the same seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StudyResult {
    /// Trials run.
    pub trials: u64,
    /// Seed of the run.
    pub seed: u64,
    /// Horizon of each trial (hours).
    pub horizon_hours: f64,
    /// Start state.
    pub start: Start,
    /// One summary per deployment, in study order.
    pub deployments: Vec<DeploymentSummary>,
    /// One summary per service ([`crate::service`]), in study order, with
    /// the same figures as a deployment's; left out of JSON when the study
    /// has no service.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<DeploymentSummary>,
    /// Simulated availability of each zone (own process and common causes).
    pub zones: Vec<ZoneSummary>,
    /// Paired differences of every deployment against the baseline.
    pub comparison: Comparison,
    /// What the model itself says about the deployments: quorums one zone
    /// or one common cause takes down ([`crate::diagnostics`]).
    pub warnings: Vec<Warning>,
    /// For a run to a target precision: the target, the trials run and
    /// whether it was met (absent from the JSON otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<super::PrecisionOutcome>,
}

/// One zone's simulated availability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ZoneSummary {
    /// Zone id.
    pub id: String,
    /// Mean fraction of the horizon the zone was up.
    pub mean_availability: f64,
}

/// Paired comparison of every deployment with the baseline on the same trials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Comparison {
    /// Name of the baseline deployment (or service).
    pub baseline: String,
    /// One entry per other deployment, in study order, then one per other
    /// service.
    pub against: Vec<PairedDiff>,
}

/// Downtime of one deployment minus the baseline's, trial by trial.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PairedDiff {
    /// Deployment (or service) name.
    pub name: String,
    /// Per-trial downtime difference in minutes (negative: less downtime).
    pub downtime_minutes_diff: DiffStats,
    /// Fraction of trials with less downtime than the baseline.
    pub p_less_downtime: f64,
    /// Fraction of trials with more downtime than the baseline.
    pub p_more_downtime: f64,
    /// `(Var X + Var Y) / Var(X - Y)`: how much narrower the paired interval is
    /// than an unpaired one, in variance. `None` when `Var(X - Y)` is 0.
    pub variance_reduction: Option<f64>,
}

/// Mean and 95% confidence interval of a per-trial difference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DiffStats {
    /// Mean difference.
    pub mean: f64,
    /// 95% confidence interval on the mean.
    pub ci95: [f64; 2],
}

impl Simulation {
    /// Summarises accumulators from [`Simulation::run_accumulators`].
    pub fn summarise(&self, acc: &Accumulators) -> StudyResult {
        let n = acc.trials.max(1) as f64;
        let deployments: Vec<DeploymentSummary> = self
            .deployments
            .iter()
            .zip(&acc.deployments)
            .map(|(d, a)| a.summary(&d.name))
            .collect();
        let zones = self
            .zone_ids
            .iter()
            .zip(&acc.zone_down)
            .map(|(id, s)| ZoneSummary {
                id: id.clone(),
                mean_availability: 1.0 - s.value() / n / self.horizon,
            })
            .collect();
        let services: Vec<DeploymentSummary> = self
            .services
            .iter()
            .zip(&acc.services)
            .map(|(s, a)| a.summary(&s.name))
            .collect();
        // Units: the deployments, then the services.
        let units: Vec<(&str, &DeploymentAccumulator)> = self
            .deployments
            .iter()
            .map(|d| d.name.as_str())
            .zip(&acc.deployments)
            .chain(
                self.services
                    .iter()
                    .map(|s| s.name.as_str())
                    .zip(&acc.services),
            )
            .collect();
        let (base_name, base) = units[self.baseline];
        let (_, var_base) = base.downtime_mean_var();
        let against = units
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != self.baseline)
            .map(|(_, &(name, a))| {
                let (mean, var) = a.diff_mean_var();
                let (_, var_x) = a.downtime_mean_var();
                let half = Z95 * var.sqrt() / n.sqrt();
                let (less, more) = a.less_more();
                PairedDiff {
                    name: name.to_string(),
                    downtime_minutes_diff: DiffStats {
                        mean: mean * 60.0,
                        ci95: [(mean - half) * 60.0, (mean + half) * 60.0],
                    },
                    p_less_downtime: less as f64 / n,
                    p_more_downtime: more as f64 / n,
                    variance_reduction: (var > 0.0).then(|| (var_x + var_base) / var),
                }
            })
            .collect();
        let base_name = base_name.to_string();
        StudyResult {
            trials: acc.trials,
            seed: self.seed,
            horizon_hours: self.horizon,
            start: self.start,
            deployments,
            services,
            zones,
            warnings: self.warnings.clone(),
            precision: None,
            comparison: Comparison {
                baseline: base_name,
                against,
            },
        }
    }
}
