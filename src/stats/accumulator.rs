//! [`DeploymentAccumulator`]: one deployment's streaming statistics.

use super::windows::{WindowAccumulator, WindowOutcome, WindowRules};
use super::{
    AvailabilityStats, DeploymentSummary, DowntimeStats, DurationHistogram, ExactSum, LongestStats,
    OutageStats, Percentiles, SlaStat, Unavailability, Z95, mean_var, wilson_ci95,
};

/// What one trial gave one deployment.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TrialOutcome {
    /// Hours down within the horizon.
    pub downtime_hours: f64,
    /// Maximal down intervals within the horizon (one cut by an edge counts).
    pub outages: u32,
    /// Length of the longest of those intervals (hours; 0 if none).
    pub longest_hours: f64,
    /// The trial's SLA windows: which missed each target and which are owed
    /// each credit (all zero when the study has no windows).
    pub windows: WindowOutcome,
}

/// Per-batch floating-point partial sum of the longest outages, added into
/// the exact sum at the end of each batch. Batches are fixed ranges of
/// trials, so it does not depend on the thread that ran them.
#[derive(Debug, Clone, Copy, Default, serde::Serialize, serde::Deserialize)]
struct Partial {
    longest: f64,
}

/// Streaming statistics of one deployment over many trials. Memory is fixed
/// (two histograms and a few exact sums) whatever the number of trials.
///
/// It serialises (serde) exactly: reading it back gives the same counts,
/// histograms and exact sums, so merging and summarising are unchanged
/// (`crate::partial` writes it in a compact binary form). A field added
/// here is serialised by deriving.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct DeploymentAccumulator {
    horizon_hours: f64,
    /// Downtime thresholds (hours) for each SLA target: meets iff downtime <= threshold.
    sla_thresholds: Vec<f64>,
    n: u64,
    sum_down: ExactSum,
    sum_down_sq: ExactSum,
    sum_longest: ExactSum,
    outages: u64,
    no_outage: u64,
    sla_meets: Vec<u64>,
    downtime: DurationHistogram,
    /// `None` when the caller needs no percentile of the longest outage.
    longest: Option<DurationHistogram>,
    zero_trials: u64,
    // Paired comparison against the baseline deployment.
    sum_diff: ExactSum,
    sum_diff_sq: ExactSum,
    less: u64,
    more: u64,
    partial: Partial,
    /// SLA windows, when a trial holds at least one.
    windows: Option<WindowAccumulator>,
}

/// Unavailability from the mean and variance of per-trial downtime (hours)
/// over `n` trials of `horizon_hours`: the mean with its 95% interval
/// (clamped into `[0, 1]`) and relative standard error.
fn crude_unavailability(
    (mean_down, var_down): (f64, f64),
    n: u64,
    horizon_hours: f64,
) -> Unavailability {
    let n = n.max(1) as f64;
    // In this order of operations, bit for bit as the summary always did.
    let std_avail = var_down.sqrt() / horizon_hours;
    let half = Z95 * std_avail / n.sqrt();
    let se = std_avail / n.sqrt();
    let unavail = mean_down / horizon_hours;
    Unavailability {
        mean: unavail,
        ci95: [(unavail - half).max(0.0), (unavail + half).min(1.0)],
        relative_error: (unavail > 0.0).then(|| se / unavail),
    }
}

/// The SLA thresholds of a study: a trial meets target t iff its availability
/// `1 - downtime / horizon` is at least t.
pub fn meets_target(downtime_hours: f64, horizon_hours: f64, target: f64) -> bool {
    1.0 - downtime_hours / horizon_hours >= target
}

impl DeploymentAccumulator {
    /// An empty accumulator for a horizon and a list of SLA targets.
    pub fn new(horizon_hours: f64, sla_targets: &[f64], digits: u8) -> Self {
        DeploymentAccumulator {
            horizon_hours,
            sla_thresholds: sla_targets.to_vec(),
            n: 0,
            sum_down: ExactSum::new(),
            sum_down_sq: ExactSum::new(),
            sum_longest: ExactSum::new(),
            outages: 0,
            no_outage: 0,
            sla_meets: vec![0; sla_targets.len()],
            downtime: DurationHistogram::new(horizon_hours, digits),
            longest: Some(DurationHistogram::new(horizon_hours, digits)),
            zero_trials: 0,
            sum_diff: ExactSum::new(),
            sum_diff_sq: ExactSum::new(),
            less: 0,
            more: 0,
            partial: Partial::default(),
            windows: None,
        }
    }

    /// Also judges each trial's SLA windows by `rules` (nothing when a trial
    /// holds no whole window).
    pub fn with_windows(mut self, rules: &WindowRules) -> Self {
        self.windows = (rules.per_trial() > 0).then(|| WindowAccumulator::new(rules));
        self
    }

    /// Drops the histogram of each trial's longest outage, halving the
    /// accumulator's memory; the summary's `longest_outage_minutes.p99` is
    /// then NaN. For tools that judge many deployments and need no such
    /// percentile (the planner).
    pub fn without_longest_percentile(mut self) -> Self {
        self.longest = None;
        self
    }

    /// Records one trial; `baseline_downtime` is the baseline deployment's
    /// downtime in the same trial.
    #[inline]
    pub fn record(&mut self, o: &TrialOutcome, baseline_downtime: f64) {
        self.n += 1;
        let diff = o.downtime_hours - baseline_downtime;
        if diff != 0.0 {
            // Exact sums of the value and its square, per trial: the
            // variance is then exact (0 when every trial is alike).
            self.sum_diff.add(diff);
            self.sum_diff_sq.add_square(diff);
            if diff < 0.0 {
                self.less += 1;
            } else {
                self.more += 1;
            }
        }
        if o.outages == 0 && o.downtime_hours == 0.0 {
            // The common case for a good deployment: histograms get one bulk
            // record per batch, SLA targets are all met.
            self.zero_trials += 1;
            self.no_outage += 1;
            return;
        }
        let d = o.downtime_hours;
        self.sum_down.add(d);
        self.sum_down_sq.add_square(d);
        self.partial.longest += o.longest_hours;
        self.outages += o.outages as u64;
        if o.outages == 0 {
            self.no_outage += 1;
        }
        for (meets, &t) in self.sla_meets.iter_mut().zip(&self.sla_thresholds) {
            if meets_target(d, self.horizon_hours, t) {
                *meets += 1;
            }
        }
        if let Some(w) = &mut self.windows {
            w.record(&o.windows);
        }
        self.downtime.record_n(d, 1);
        if let Some(h) = &mut self.longest {
            h.record_n(o.longest_hours, 1);
        }
    }

    /// Ends a batch: folds the partial sum of the longest outages into its
    /// exact sum, and records the batch's trials with no downtime.
    pub fn end_batch(&mut self) {
        let p = std::mem::take(&mut self.partial);
        self.sum_longest.add(p.longest);
        if self.zero_trials > 0 {
            self.downtime.record_n(0.0, self.zero_trials);
            if let Some(h) = &mut self.longest {
                h.record_n(0.0, self.zero_trials);
            }
            for meets in self.sla_meets.iter_mut() {
                *meets += self.zero_trials;
            }
            self.zero_trials = 0;
        }
    }

    /// Merges another accumulator of the same deployment, exactly.
    pub fn merge(&mut self, o: &DeploymentAccumulator) {
        debug_assert!(
            o.zero_trials == 0 && self.zero_trials == 0,
            "end_batch first"
        );
        self.n += o.n;
        self.sum_down.merge(&o.sum_down);
        self.sum_down_sq.merge(&o.sum_down_sq);
        self.sum_longest.merge(&o.sum_longest);
        self.outages += o.outages;
        self.no_outage += o.no_outage;
        for (a, b) in self.sla_meets.iter_mut().zip(&o.sla_meets) {
            *a += b;
        }
        self.downtime.merge(&o.downtime);
        if let (Some(a), Some(b)) = (&mut self.longest, &o.longest) {
            a.merge(b);
        }
        self.sum_diff.merge(&o.sum_diff);
        self.sum_diff_sq.merge(&o.sum_diff_sq);
        self.less += o.less;
        self.more += o.more;
        if let (Some(a), Some(b)) = (&mut self.windows, &o.windows) {
            a.merge(b);
        }
    }

    /// Whether `other` accumulates the same figures (horizon, SLA targets,
    /// histogram bounds), so that the two merge: true for two accumulators
    /// of one deployment of one simulation.
    pub fn same_shape(&self, other: &DeploymentAccumulator) -> bool {
        self.horizon_hours.to_bits() == other.horizon_hours.to_bits()
            && self.sla_thresholds.len() == other.sla_thresholds.len()
            && self
                .sla_thresholds
                .iter()
                .zip(&other.sla_thresholds)
                .all(|(a, b)| a.to_bits() == b.to_bits())
            && self.sla_meets.len() == self.sla_thresholds.len()
            && other.sla_meets.len() == other.sla_thresholds.len()
            && self.downtime.same_bounds(&other.downtime)
            && match (&self.longest, &other.longest) {
                (Some(a), Some(b)) => a.same_bounds(b),
                (None, None) => true,
                _ => false,
            }
    }

    /// Approximate heap memory of this accumulator, in bytes (its two
    /// histograms dominate).
    pub fn approx_bytes(&self) -> usize {
        std::mem::size_of::<Self>()
            + self.downtime.approx_bytes()
            + self
                .longest
                .as_ref()
                .map_or(0, DurationHistogram::approx_bytes)
            + 5 * std::mem::size_of::<ExactSum>()
            + 5 * 70 * std::mem::size_of::<i64>()
    }

    /// Number of trials recorded.
    pub fn trials(&self) -> u64 {
        self.n
    }

    /// Mean and sample variance of per-trial downtime (hours).
    pub fn downtime_mean_var(&self) -> (f64, f64) {
        mean_var(&self.sum_down, &self.sum_down_sq, self.n)
    }

    /// Mean and sample variance of the per-trial difference from the baseline (hours).
    pub fn diff_mean_var(&self) -> (f64, f64) {
        mean_var(&self.sum_diff, &self.sum_diff_sq, self.n)
    }

    /// Trials with less / more downtime than the baseline.
    pub fn less_more(&self) -> (u64, u64) {
        (self.less, self.more)
    }

    /// Trials that met each SLA target.
    pub fn sla_meets(&self) -> &[u64] {
        &self.sla_meets
    }

    /// The downtime histogram.
    pub fn downtime_histogram(&self) -> &DurationHistogram {
        &self.downtime
    }

    /// The crude estimate of unavailability of the trials of `parts` (sets
    /// of the same deployment over different trials) taken together, as
    /// [`DeploymentAccumulator::summary`] of their merge would give it,
    /// without merging their histograms: for checkpoints of a run to a
    /// target precision.
    pub fn merged_unavailability(parts: &[&DeploymentAccumulator]) -> Unavailability {
        let (mut n, mut sum, mut sum_sq) = (0, ExactSum::new(), ExactSum::new());
        for p in parts {
            n += p.n;
            sum.merge(&p.sum_down);
            sum_sq.merge(&p.sum_down_sq);
        }
        let h = parts.first().map_or(1.0, |p| p.horizon_hours);
        crude_unavailability(mean_var(&sum, &sum_sq, n), n, h)
    }

    /// The trials of `parts` (as in
    /// [`DeploymentAccumulator::merged_unavailability`]) that met SLA target
    /// number `k` (of the study's `sla_targets`), and all their trials: the
    /// counts of `sla[k].p_meets`.
    pub fn merged_sla_meets(parts: &[&DeploymentAccumulator], k: usize) -> (u64, u64) {
        parts.iter().fold((0, 0), |(m, n), p| {
            (m + p.sla_meets.get(k).copied().unwrap_or(0), n + p.n)
        })
    }

    /// The summary for this deployment.
    pub fn summary(&self, name: &str) -> DeploymentSummary {
        let n = self.n.max(1) as f64;
        let h = self.horizon_hours;
        let (mean_down, var_down) = self.downtime_mean_var();
        let std_avail = var_down.sqrt() / h;
        let mean_avail = 1.0 - mean_down / h;
        let half = Z95 * std_avail / n.sqrt();
        let down_q = |level: f64| self.downtime.quantile_hours(level / 100.0);
        DeploymentSummary {
            estimator: crate::study::Estimator::Crude,
            unavailability: crude_unavailability((mean_down, var_down), self.n, h),
            importance: None,
            windows: self.windows.as_ref().and_then(|w| w.summary(self.n)),
            name: name.to_string(),
            availability: AvailabilityStats {
                mean: mean_avail,
                ci95: [mean_avail - half, (mean_avail + half).min(1.0)],
                std: std_avail,
                percentiles: Percentiles::from_fn(|p| 1.0 - down_q(100.0 - p) / h),
            },
            downtime_minutes: DowntimeStats {
                mean: mean_down * 60.0,
                std: var_down.sqrt() * 60.0,
                percentiles: Percentiles::from_fn(|p| down_q(p) * 60.0),
            },
            outages: OutageStats {
                mean: self.outages as f64 / n,
                p_none: self.no_outage as f64 / n,
            },
            longest_outage_minutes: LongestStats {
                mean: self.sum_longest.value() / n * 60.0,
                p99: self
                    .longest
                    .as_ref()
                    .map_or(f64::NAN, |h| h.quantile_hours(0.99) * 60.0),
            },
            sla: self
                .sla_thresholds
                .iter()
                .zip(&self.sla_meets)
                .map(|(&target, &m)| SlaStat {
                    target,
                    p_meets: m as f64 / n,
                    p_meets_ci95: wilson_ci95(m, self.n),
                })
                .collect(),
        }
    }
}
