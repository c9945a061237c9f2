//! Mergeable HDR histograms of durations, for percentiles.

use hdrhistogram::Histogram;

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

#[cfg(test)]
mod tests {
    use super::*;

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
