//! Confidence intervals and moments from exact sums.

use super::ExactSum;

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
}
