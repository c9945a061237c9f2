//! Mergeable HDR histograms of durations, for percentiles.

use hdrhistogram::Histogram;

/// Relative resolution of reported percentiles: values are kept in an HDR
/// histogram of milliseconds with 3 significant digits, so a percentile is
/// within 0.1% (and within 1 ms) of the exact order statistic.
pub const PERCENTILE_SIGNIFICANT_DIGITS: u8 = 3;

/// A mergeable histogram of durations (milliseconds) bounded by the horizon.
///
/// It serialises (serde) as its bounds and the count of each non-empty
/// bucket; reading it back gives a histogram with exactly the same counts,
/// so every quantile, merge and CCDF point is the same.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(into = "HistogramRepr", try_from = "HistogramRepr")]
pub struct DurationHistogram {
    hist: Histogram<u64>,
    horizon_hours: f64,
    /// The least and greatest value recorded (hours, within `[0, horizon]`),
    /// exactly: quantiles are clamped into them, so that they never leave
    /// the range of the data and are exact when all values are equal.
    min_hours: f64,
    max_hours: f64,
}

/// The serialised form of a [`DurationHistogram`].
#[derive(serde::Serialize, serde::Deserialize)]
struct HistogramRepr {
    horizon_hours: f64,
    digits: u8,
    min_hours: f64,
    max_hours: f64,
    /// `(lowest value of the bucket in ms, count)` of each non-empty bucket,
    /// in increasing order.
    buckets: Vec<(u64, u64)>,
}

impl From<DurationHistogram> for HistogramRepr {
    fn from(h: DurationHistogram) -> Self {
        HistogramRepr {
            horizon_hours: h.horizon_hours,
            digits: h.hist.sigfig(),
            min_hours: h.min_hours,
            max_hours: h.max_hours,
            buckets: h
                .hist
                .iter_recorded()
                .map(|v| {
                    (
                        h.hist.lowest_equivalent(v.value_iterated_to()),
                        v.count_at_value(),
                    )
                })
                .collect(),
        }
    }
}

impl TryFrom<HistogramRepr> for DurationHistogram {
    type Error = String;

    fn try_from(r: HistogramRepr) -> Result<Self, String> {
        let bounds_ok =
            r.horizon_hours.is_finite() && r.horizon_hours > 0.0 && (1..=5).contains(&r.digits);
        if !bounds_ok {
            return Err(format!(
                "histogram: bad bounds (horizon {} h, {} digits)",
                r.horizon_hours, r.digits
            ));
        }
        let mut h = DurationHistogram::new(r.horizon_hours, r.digits);
        let mut last: Option<u64> = None;
        for (value, count) in r.buckets {
            if last.is_some_and(|p| p >= value) || count == 0 {
                return Err("histogram: buckets out of order or empty".into());
            }
            h.hist
                .record_n(value, count)
                .map_err(|e| format!("histogram: bucket {value} ms: {e:?}"))?;
            last = Some(value);
        }
        let empty = h.hist.is_empty();
        let range_ok = if empty {
            r.min_hours == f64::INFINITY && r.max_hours == f64::NEG_INFINITY
        } else {
            (0.0..=r.horizon_hours).contains(&r.min_hours)
                && (r.min_hours..=r.horizon_hours).contains(&r.max_hours)
        };
        if !range_ok {
            return Err(format!(
                "histogram: range [{}, {}] h does not fit its counts",
                r.min_hours, r.max_hours
            ));
        }
        h.min_hours = r.min_hours;
        h.max_hours = r.max_hours;
        Ok(h)
    }
}

impl DurationHistogram {
    /// A histogram for durations of at most `horizon_hours`, at the given
    /// number of significant digits (1 to 5).
    pub fn new(horizon_hours: f64, digits: u8) -> Self {
        let max_ms = (horizon_hours * 3.6e6).ceil().max(2.0) as u64;
        let hist = Histogram::new_with_bounds(1, max_ms, digits.clamp(1, 5))
            .expect("bounds checked: 1 < max, digits in 1..=5");
        DurationHistogram {
            hist,
            horizon_hours,
            min_hours: f64::INFINITY,
            max_hours: f64::NEG_INFINITY,
        }
    }

    /// Records `n` durations of `hours` each.
    #[inline]
    pub fn record_n(&mut self, hours: f64, n: u64) {
        let ms = (hours * 3.6e6).round() as u64;
        self.hist.saturating_record_n(ms.min(self.hist.high()), n);
        if n > 0 {
            let x = hours.clamp(0.0, self.horizon_hours);
            self.min_hours = self.min_hours.min(x);
            self.max_hours = self.max_hours.max(x);
        }
    }

    /// Whether `other` has the same bounds and resolution, so the two merge.
    pub fn same_bounds(&self, other: &DurationHistogram) -> bool {
        self.horizon_hours.to_bits() == other.horizon_hours.to_bits()
            && self.hist.sigfig() == other.hist.sigfig()
            && self.hist.high() == other.hist.high()
            && self.hist.low() == other.hist.low()
    }

    /// Merges another histogram with the same bounds into this one.
    pub fn merge(&mut self, other: &DurationHistogram) {
        self.hist
            .add(&other.hist)
            .expect("histograms of one study share bounds");
        self.min_hours = self.min_hours.min(other.min_hours);
        self.max_hours = self.max_hours.max(other.max_hours);
    }

    /// The `q`-quantile (0..=1) in hours: the midpoint of the bucket holding
    /// the q-th value (exact for values below 2048 ms), clamped into the
    /// exact range of the recorded values, so it lies within `[0, horizon]`
    /// and is exact when every value recorded is the same.
    pub fn quantile_hours(&self, q: f64) -> f64 {
        if self.hist.is_empty() {
            return 0.0;
        }
        let v = self.hist.value_at_quantile(q.clamp(0.0, 1.0));
        (self.hist.median_equivalent(v) as f64 / 3.6e6).clamp(self.min_hours, self.max_hours)
    }

    /// The least and greatest value recorded (hours), exactly; `None` when
    /// empty.
    pub fn range_hours(&self) -> Option<(f64, f64)> {
        (!self.hist.is_empty()).then_some((self.min_hours, self.max_hours))
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
        assert_eq!(h.range_hours(), Some((1.0, 1000.0)));
        let pts = h.ccdf_points();
        assert_eq!(pts.last().unwrap().1, 0.0);
        assert!(pts.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 >= w[1].1));
    }

    /// Every quantile lies within the exact range of the values, and is
    /// exact when all values are equal, even where a bucket's midpoint lies
    /// past the horizon (a horizon of 2^30 ms, every value at the horizon).
    #[test]
    fn quantiles_stay_within_the_recorded_range() {
        let horizon = (1u64 << 30) as f64 / 3.6e6;
        for value in [horizon, 0.1234567, 1.0 / 3.0, horizon / 7.0] {
            let mut h = DurationHistogram::new(horizon, PERCENTILE_SIGNIFICANT_DIGITS);
            h.record_n(value, 500);
            let mut other = DurationHistogram::new(horizon, PERCENTILE_SIGNIFICANT_DIGITS);
            other.record_n(value, 3);
            h.merge(&other);
            for q in [0.0, 0.001, 0.5, 0.999, 1.0] {
                assert_eq!(h.quantile_hours(q), value, "q {q}, value {value}");
            }
        }
        let mut h = DurationHistogram::new(horizon, PERCENTILE_SIGNIFICANT_DIGITS);
        h.record_n(horizon * 0.999_9, 10);
        h.record_n(horizon, 10);
        for q in [0.0, 0.5, 1.0] {
            let x = h.quantile_hours(q);
            assert!((horizon * 0.999_9..=horizon).contains(&x), "q {q}: {x}");
        }
    }
}
