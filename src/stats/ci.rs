//! Confidence intervals and moments from exact sums.

use super::ExactSum;
use super::exact_sum::exact_sample_variance;

/// Wilson score interval for a binomial proportion at 95%.
pub fn wilson_ci95(successes: u64, n: u64) -> [f64; 2] {
    wilson(successes, n, Z95)
}

/// Wilson score interval for a binomial proportion at `z` standard errors
/// (`z` = [`Z95`] for 95%).
pub(crate) fn wilson(successes: u64, n: u64, z: f64) -> [f64; 2] {
    if n == 0 {
        return [0.0, 1.0];
    }
    let nf = n as f64;
    let p = successes as f64 / nf;
    let denom = 1.0 + z * z / nf;
    let centre = (p + z * z / (2.0 * nf)) / denom;
    let half = z * ((p * (1.0 - p) / nf + z * z / (4.0 * nf * nf)).sqrt()) / denom;
    // At p = 0 (p = 1) the lower (upper) end is exactly 0 (1); the formula
    // only gets within rounding of it.
    let lo = if successes == 0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let hi = if successes >= n {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    [lo, hi]
}

/// The 97.5% point of the standard normal, for 95% intervals.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Mean and sample variance from exact sums of x and x^2 over n values. The
/// variance is computed exactly from the sums (see
/// [`super::exact_sample_variance`]) and rounded once, so it is exactly 0
/// when all values are equal; the sum of squares must be exact (built with
/// [`ExactSum::add_square`]) for that.
pub fn mean_var(sum: &ExactSum, sum_sq: &ExactSum, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 0.0);
    }
    let mean = sum.value() / n as f64;
    (mean, exact_sample_variance(sum, sum_sq, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_interval_brackets_the_proportion() {
        let [lo, hi] = wilson_ci95(50, 100);
        assert!(lo < 0.5 && hi > 0.5);
        assert!((hi - lo - 2.0 * 0.0961).abs() < 2e-3, "{lo} {hi}");
        let [lo, hi] = wilson_ci95(100, 100);
        assert!(hi == 1.0 && lo > 0.96);
    }

    #[test]
    fn wilson_ends_are_exact_at_zero_and_one() {
        for n in [1, 7, 100, 2100, 100_000, 123_456_789] {
            assert_eq!(wilson_ci95(0, n)[0], 0.0, "n {n}");
            assert_eq!(wilson_ci95(n, n)[1], 1.0, "n {n}");
            let [lo, hi] = wilson_ci95(0, n);
            assert!(hi > 0.0 && hi < 1.0 && lo < hi);
        }
    }

    /// The variance of equal values is exactly 0 however the values round,
    /// and otherwise matches the textbook value.
    #[test]
    fn variance_from_exact_sums() {
        for (x, n) in [
            (0.1, 100_000u64),
            (86.7, 3),
            (1.0 / 3.0, 2100),
            (-2.345e-3, 777),
        ] {
            let (mut s, mut q) = (ExactSum::new(), ExactSum::new());
            for _ in 0..n {
                s.add(x);
                q.add_square(x);
            }
            let (mean, var) = mean_var(&s, &q, n);
            assert_eq!(var, 0.0, "x {x}, n {n}");
            assert!((mean - x).abs() <= x.abs() * 1e-15);
        }
        // 1, 2, ..., 10: variance 55/6; 0.1 steps: 55/600.
        let (mut s, mut q) = (ExactSum::new(), ExactSum::new());
        for i in 1..=10 {
            s.add(i as f64);
            q.add_square(i as f64);
        }
        assert_eq!(mean_var(&s, &q, 10), (5.5, 55.0 / 6.0));
        let (mut s, mut q) = (ExactSum::new(), ExactSum::new());
        for i in 1..=10 {
            s.add(i as f64 * 0.1);
            q.add_square(i as f64 * 0.1);
        }
        let (_, var) = mean_var(&s, &q, 10);
        assert!((var - 55.0 / 600.0).abs() <= 1e-16, "{var}");
        // Large offset, tiny spread: the one-pass formula would cancel.
        let (mut s, mut q) = (ExactSum::new(), ExactSum::new());
        for x in [1e8 + 1.0, 1e8 - 1.0] {
            s.add(x);
            q.add_square(x);
        }
        assert_eq!(mean_var(&s, &q, 2).1, 2.0);
    }
}
