//! The summaries a run reports for each deployment.

use serde::{Deserialize, Serialize};

/// The percentile levels reported for availability and downtime.
pub const PERCENTILE_LEVELS: [f64; 9] = [0.1, 1.0, 5.0, 10.0, 50.0, 90.0, 95.0, 99.0, 99.9];

/// Values at the standard percentile levels, serialised with keys `p0.1`, `p1`,
/// ..., `p99.9` in that order.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct Percentiles {
    #[serde(rename = "p0.1")]
    pub p0_1: f64,
    pub p1: f64,
    pub p5: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
    #[serde(rename = "p99.9")]
    pub p99_9: f64,
}

impl Percentiles {
    /// Builds the set from a function of the level in percent (0.1 ... 99.9).
    pub fn from_fn(mut f: impl FnMut(f64) -> f64) -> Self {
        let v: Vec<f64> = PERCENTILE_LEVELS.iter().map(|&p| f(p)).collect();
        Percentiles {
            p0_1: v[0],
            p1: v[1],
            p5: v[2],
            p10: v[3],
            p50: v[4],
            p90: v[5],
            p95: v[6],
            p99: v[7],
            p99_9: v[8],
        }
    }

    /// The values in level order, paired with their levels in percent.
    pub fn iter(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        let v = [
            self.p0_1, self.p1, self.p5, self.p10, self.p50, self.p90, self.p95, self.p99,
            self.p99_9,
        ];
        PERCENTILE_LEVELS.into_iter().zip(v)
    }
}

/// Summary statistics of one deployment over all trials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DeploymentSummary {
    /// Deployment name.
    pub name: String,
    /// Per-trial availability (up time / horizon).
    pub availability: AvailabilityStats,
    /// Per-trial downtime in minutes.
    pub downtime_minutes: DowntimeStats,
    /// Number of outages per trial.
    pub outages: OutageStats,
    /// The longest outage of each trial, in minutes.
    pub longest_outage_minutes: LongestStats,
    /// Probability of meeting each SLA target in a trial.
    pub sla: Vec<SlaStat>,
    /// How `unavailability` was estimated.
    pub estimator: crate::study::Estimator,
    /// Long-run fraction of time down: from the trials (crude: one minus
    /// the mean availability) or by importance sampling.
    pub unavailability: Unavailability,
    /// The importance-sampling estimate in full (expected outages per trial,
    /// P(a trial has any downtime), SLA misses and diagnostics); only for
    /// deployments estimated that way. The other figures of such a
    /// deployment are still the crude, paired ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub importance: Option<crate::rare::RareEstimate>,
    /// Each trial cut into SLA windows (`[simulation] sla_window_hours`):
    /// how often a window misses each target, and the expected service
    /// credit; absent when a trial holds no whole window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub windows: Option<super::WindowStats>,
}

/// An unavailability estimate with its 95% interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Unavailability {
    /// The estimate.
    pub mean: f64,
    /// Its 95% confidence interval.
    pub ci95: [f64; 2],
    /// Standard error over the mean; `None` when the mean is 0 (nothing was
    /// seen: a crude run cannot support an interval then).
    pub relative_error: Option<f64>,
}

/// Availability across trials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AvailabilityStats {
    /// Mean availability.
    pub mean: f64,
    /// 95% confidence interval on the mean (normal approximation).
    pub ci95: [f64; 2],
    /// Standard deviation of per-trial availability.
    pub std: f64,
    /// Percentiles of per-trial availability; low percentiles are bad years.
    pub percentiles: Percentiles,
}

/// Downtime across trials (minutes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DowntimeStats {
    /// Mean downtime per trial.
    pub mean: f64,
    /// Standard deviation of downtime per trial.
    pub std: f64,
    /// Percentiles of per-trial downtime; high percentiles are bad years.
    pub percentiles: Percentiles,
}

/// Outage counts across trials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OutageStats {
    /// Mean number of outages per trial.
    pub mean: f64,
    /// Fraction of trials with no outage at all.
    pub p_none: f64,
}

/// Longest outage per trial (minutes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LongestStats {
    /// Mean over trials (0 for trials with no outage).
    pub mean: f64,
    /// 99th percentile over trials.
    pub p99: f64,
}

/// Probability of meeting one SLA target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SlaStat {
    /// Availability target, in (0, 1].
    pub target: f64,
    /// Fraction of trials whose availability is at least the target.
    pub p_meets: f64,
    /// Wilson 95% interval on `p_meets`.
    pub p_meets_ci95: [f64; 2],
}
