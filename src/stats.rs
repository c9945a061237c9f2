//! Streaming statistics whose merge is exact, and the summaries they produce.
//!
//! Every accumulator here merges *exactly*: integer counts, HDR histograms
//! (integer counts per bucket) and [`ExactSum`], a fixed-point sum of `f64`
//! values with no rounding. Merging is therefore associative and commutative,
//! so the result does not depend on how trials were split across threads: the
//! same seed gives bit-identical summaries on any number of threads.

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

/// Number of 32-bit limbs: covers every finite `f64` (2^-1074 .. 2^1024) plus carry room.
const LIMBS: usize = 70;
/// The exponent of limb 0's lowest bit.
const LOW_EXP: i32 = -1088;
/// Adds allowed before limbs are normalised; each add puts < 2^32 into a limb.
const ADDS_BEFORE_CARRY: u32 = 1 << 30;

/// An exact sum of `f64` values: fixed-point limbs wide enough for any finite
/// `f64`, so adding never rounds and the order of additions and merges does
/// not matter. Reading it with [`ExactSum::value`] rounds once.
///
/// ```
/// use zonesim::stats::ExactSum;
/// let (mut a, mut b) = (ExactSum::new(), ExactSum::new());
/// a.add(1e20); a.add(1.0); a.add(-1e20);
/// b.add(1e-30);
/// a.merge(&b);
/// assert_eq!(a.value(), 1.0 + 1e-30);
/// ```
#[derive(Clone)]
pub struct ExactSum {
    limbs: Box<[i64; LIMBS]>,
    adds: u32,
}

impl std::fmt::Debug for ExactSum {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("ExactSum").field(&self.value()).finish()
    }
}

impl Default for ExactSum {
    fn default() -> Self {
        Self::new()
    }
}

impl ExactSum {
    /// An empty sum (zero).
    pub fn new() -> Self {
        ExactSum {
            limbs: Box::new([0; LIMBS]),
            adds: 0,
        }
    }

    /// Adds a finite value exactly. Non-finite values are ignored (they never
    /// arise from the engine, whose values are bounded by the horizon).
    pub fn add(&mut self, x: f64) {
        if x == 0.0 || !x.is_finite() {
            return;
        }
        let bits = x.to_bits();
        let negative = bits >> 63 == 1;
        let exp_bits = ((bits >> 52) & 0x7ff) as i32;
        let frac = bits & ((1u64 << 52) - 1);
        let (mantissa, exp) = if exp_bits == 0 {
            (frac, -1074)
        } else {
            (frac | (1u64 << 52), exp_bits - 1075)
        };
        let pos = (exp - LOW_EXP) as u32;
        let (idx, off) = ((pos / 32) as usize, pos % 32);
        let wide = (mantissa as u128) << off;
        let sign = if negative { -1 } else { 1 };
        for k in 0..3 {
            let part = ((wide >> (32 * k)) & 0xffff_ffff) as i64;
            if part != 0 {
                self.limbs[idx + k] += sign * part;
            }
        }
        self.adds += 1;
        if self.adds >= ADDS_BEFORE_CARRY {
            self.normalize();
        }
    }

    /// Propagates carries so every limb but the top one is in `[0, 2^32)`.
    fn normalize(&mut self) {
        let mut carry = 0i64;
        for limb in self.limbs.iter_mut() {
            let v = *limb + carry;
            *limb = v & 0xffff_ffff;
            carry = v >> 32; // arithmetic shift: floor division
        }
        self.limbs[LIMBS - 1] += carry << 32;
        self.adds = 0;
    }

    /// Adds another sum into this one, exactly.
    pub fn merge(&mut self, other: &ExactSum) {
        let mut o = other.clone();
        o.normalize();
        self.normalize();
        for (a, b) in self.limbs.iter_mut().zip(o.limbs.iter()) {
            *a += *b;
        }
        self.normalize();
    }

    /// The sum, rounded to `f64`. A deterministic function of the exact value.
    pub fn value(&self) -> f64 {
        let mut s = self.clone();
        s.normalize();
        // After normalising, the sign of the sum is the sign of the top limb.
        // Read a negative sum as minus its negation, so that every limb is a
        // small non-negative number and no term overflows.
        if s.limbs[LIMBS - 1] < 0 {
            for limb in s.limbs.iter_mut() {
                *limb = -*limb;
            }
            s.normalize();
            return -s.magnitude();
        }
        s.magnitude()
    }

    /// The value of a normalised, non-negative sum.
    fn magnitude(&self) -> f64 {
        let s = self;
        // Limbs are in [0, 2^32). Sum from the top so the large terms come
        // first; two-term compensation keeps it within an ulp.
        let mut hi = 0.0f64;
        let mut lo = 0.0f64;
        for i in (0..LIMBS).rev() {
            let limb = s.limbs[i];
            if limb == 0 {
                continue;
            }
            let term = libm::ldexp(limb as f64, LOW_EXP + 32 * i as i32);
            let t = hi + term;
            lo += if hi.abs() >= term.abs() {
                (hi - t) + term
            } else {
                (term - t) + hi
            };
            hi = t;
        }
        hi + lo
    }
}

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

/// Relative resolution of reported percentiles: values are kept in an HDR
/// histogram of milliseconds with 3 significant digits, so a percentile is
/// within 0.1% (and within 1 ms) of the exact order statistic.
pub const PERCENTILE_SIGNIFICANT_DIGITS: u8 = 3;

/// A mergeable histogram of durations (milliseconds) bounded by the horizon.
#[derive(Debug, Clone)]
pub struct DurationHistogram {
    hist: Histogram<u64>,
}

impl DurationHistogram {
    /// A histogram for durations of at most `horizon_hours`, at the given
    /// number of significant digits (1 to 5).
    pub fn new(horizon_hours: f64, digits: u8) -> Self {
        let max_ms = (horizon_hours * 3.6e6).ceil().max(2.0) as u64;
        let hist = Histogram::new_with_bounds(1, max_ms, digits.clamp(1, 5))
            .expect("bounds checked: 1 < max, digits in 1..=5");
        DurationHistogram { hist }
    }

    /// Records `n` durations of `hours` each.
    #[inline]
    pub fn record_n(&mut self, hours: f64, n: u64) {
        let ms = (hours * 3.6e6).round() as u64;
        self.hist.saturating_record_n(ms.min(self.hist.high()), n);
    }

    /// Merges another histogram with the same bounds into this one.
    pub fn merge(&mut self, other: &DurationHistogram) {
        self.hist
            .add(&other.hist)
            .expect("histograms of one study share bounds");
    }

    /// The `q`-quantile (0..=1) in hours: the midpoint of the bucket holding
    /// the q-th value (exact for values below 2048 ms).
    pub fn quantile_hours(&self, q: f64) -> f64 {
        if self.hist.is_empty() {
            return 0.0;
        }
        let v = self.hist.value_at_quantile(q.clamp(0.0, 1.0));
        self.hist.median_equivalent(v) as f64 / 3.6e6
    }

    /// The complementary CDF as points `(hours, P(X > hours))`, one per
    /// non-empty bucket, in increasing order of hours.
    pub fn ccdf_points(&self) -> Vec<(f64, f64)> {
        let total = self.hist.len();
        if total == 0 {
            return Vec::new();
        }
        let mut below = 0u64;
        let mut out = Vec::new();
        for v in self.hist.iter_recorded() {
            below += v.count_since_last_iteration();
            let hours = self.hist.highest_equivalent(v.value_iterated_to()) as f64 / 3.6e6;
            out.push((hours, (total - below) as f64 / total as f64));
        }
        out
    }

    /// Approximate heap memory of the histogram's counts, in bytes.
    pub fn approx_bytes(&self) -> usize {
        self.hist.distinct_values() * std::mem::size_of::<u64>()
    }

    /// Number of values recorded.
    pub fn len(&self) -> u64 {
        self.hist.len()
    }

    /// Whether no value was recorded.
    pub fn is_empty(&self) -> bool {
        self.hist.is_empty()
    }
}

/// Wilson score interval for a binomial proportion at 95%.
pub fn wilson_ci95(successes: u64, n: u64) -> [f64; 2] {
    if n == 0 {
        return [0.0, 1.0];
    }
    let z = 1.959_963_984_540_054_f64;
    let nf = n as f64;
    let p = successes as f64 / nf;
    let denom = 1.0 + z * z / nf;
    let centre = (p + z * z / (2.0 * nf)) / denom;
    let half = z * ((p * (1.0 - p) / nf + z * z / (4.0 * nf * nf)).sqrt()) / denom;
    [(centre - half).max(0.0), (centre + half).min(1.0)]
}

/// The 97.5% point of the standard normal, for 95% intervals.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Mean and sample variance from exact sums of x and x^2 over n values.
pub fn mean_var(sum: &ExactSum, sum_sq: &ExactSum, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 0.0);
    }
    let nf = n as f64;
    let mean = sum.value() / nf;
    if n < 2 {
        return (mean, 0.0);
    }
    let var = ((sum_sq.value() - mean * sum.value()) / (nf - 1.0)).max(0.0);
    (mean, var)
}

/// What one trial gave one deployment.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TrialOutcome {
    /// Hours down within the horizon.
    pub downtime_hours: f64,
    /// Maximal down intervals within the horizon (one cut by an edge counts).
    pub outages: u32,
    /// Length of the longest of those intervals (hours; 0 if none).
    pub longest_hours: f64,
}

/// Per-batch floating-point partial sums, added into the exact sums at the
/// end of each batch. Batches are fixed ranges of trials, so these partials do
/// not depend on the thread that ran them.
#[derive(Debug, Clone, Copy, Default)]
struct Partial {
    down: f64,
    down_sq: f64,
    longest: f64,
    diff: f64,
    diff_sq: f64,
}

/// Streaming statistics of one deployment over many trials. Memory is fixed
/// (two histograms and a few exact sums) whatever the number of trials.
#[derive(Debug, Clone)]
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
        }
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
            self.partial.diff += diff;
            self.partial.diff_sq += diff * diff;
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
        self.partial.down += d;
        self.partial.down_sq += d * d;
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
        self.downtime.record_n(d, 1);
        if let Some(h) = &mut self.longest {
            h.record_n(o.longest_hours, 1);
        }
    }

    /// Ends a batch: folds the partial sums into the exact sums.
    pub fn end_batch(&mut self) {
        let p = std::mem::take(&mut self.partial);
        self.sum_down.add(p.down);
        self.sum_down_sq.add(p.down_sq);
        self.sum_longest.add(p.longest);
        self.sum_diff.add(p.diff);
        self.sum_diff_sq.add(p.diff_sq);
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

/// Summary statistics of one deployment over all trials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
}

/// Availability across trials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
pub struct OutageStats {
    /// Mean number of outages per trial.
    pub mean: f64,
    /// Fraction of trials with no outage at all.
    pub p_none: f64,
}

/// Longest outage per trial (minutes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LongestStats {
    /// Mean over trials (0 for trials with no outage).
    pub mean: f64,
    /// 99th percentile over trials.
    pub p99: f64,
}

/// Probability of meeting one SLA target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlaStat {
    /// Availability target, in (0, 1].
    pub target: f64,
    /// Fraction of trials whose availability is at least the target.
    pub p_meets: f64,
    /// Wilson 95% interval on `p_meets`.
    pub p_meets_ci95: [f64; 2],
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_sum_is_exact_and_order_free() {
        // 1e16 + 1 - 1e16 loses the 1 in plain f64; the exact sum keeps it.
        let xs = [
            1e16,
            1.0,
            -1e16,
            3.5e-300,
            2.0f64.powi(-1074),
            -0.25,
            7e200,
            -7e200,
        ];
        let mut fwd = ExactSum::new();
        xs.iter().for_each(|&x| fwd.add(x));
        let mut rev = ExactSum::new();
        xs.iter().rev().for_each(|&x| rev.add(x));
        let expected = 1.0 - 0.25 + 3.5e-300 + 2.0f64.powi(-1074);
        assert_eq!(fwd.value(), expected);
        assert_eq!(rev.value(), expected);
        // Any split, merged in any order, gives the same bits.
        let (mut a, mut b) = (ExactSum::new(), ExactSum::new());
        xs[..3].iter().for_each(|&x| a.add(x));
        xs[3..].iter().for_each(|&x| b.add(x));
        b.merge(&a);
        assert_eq!(b.value().to_bits(), fwd.value().to_bits());
    }

    #[test]
    fn exact_sum_of_many_small_values() {
        // 0.1 is not exact in binary; the exact sum of n copies is n * 0.1
        // (as a real number), which rounds to the f64 nearest n * fl(0.1).
        let mut s = ExactSum::new();
        for _ in 0..1_000_000 {
            s.add(0.1);
        }
        let exact = 1_000_000.0 * 0.1f64; // product of an integer and fl(0.1), rounded once
        assert!((s.value() - exact).abs() <= exact * f64::EPSILON);
        let mut neg = ExactSum::new();
        neg.add(-2.5);
        neg.add(1.0);
        assert_eq!(neg.value(), -1.5);
    }

    #[test]
    fn wilson_interval_brackets_the_proportion() {
        let [lo, hi] = wilson_ci95(50, 100);
        assert!(lo < 0.5 && hi > 0.5);
        assert!((hi - lo - 2.0 * 0.0961).abs() < 2e-3, "{lo} {hi}");
        let [lo, hi] = wilson_ci95(100, 100);
        assert!(hi == 1.0 && lo > 0.96);
    }

    #[test]
    fn histogram_quantiles_are_within_resolution() {
        let mut h = DurationHistogram::new(8760.0, PERCENTILE_SIGNIFICANT_DIGITS);
        for i in 1..=1000u64 {
            h.record_n(i as f64, 1); // 1..1000 hours
        }
        for q in [0.01, 0.5, 0.99] {
            let exact = (q * 1000.0f64).ceil();
            let got = h.quantile_hours(q);
            assert!(
                (got - exact).abs() <= exact * 1e-3,
                "q {q}: {got} vs {exact}"
            );
        }
        let pts = h.ccdf_points();
        assert_eq!(pts.last().unwrap().1, 0.0);
        assert!(pts.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 >= w[1].1));
    }
}
