//! Shared builders and statistics for the validation suite.
#![allow(dead_code)]

use zonesim::prelude::*;
use zonesim::stats::TrialOutcome;

/// A region `id` in France.
pub fn region(id: &str) -> Region {
    Region {
        id: id.into(),
        name: id.into(),
        provider: "test".into(),
        country: "FR".into(),
        in_eu: None,
        ..Default::default()
    }
}

/// A zone with the given failure and repair distributions.
pub fn zone(id: &str, region: &str, ttf: Duration, ttr: Duration) -> Zone {
    Zone {
        id: id.into(),
        region: region.into(),
        time_to_failure: ttf,
        time_to_repair: ttr,
    }
}

pub fn exp(mean: f64) -> Duration {
    Duration::exponential(mean).unwrap()
}

pub fn fixed(v: f64) -> Duration {
    Duration::fixed(v).unwrap()
}

/// Settings with a seed and a start.
pub fn settings(trials: u64, horizon: f64, seed: u64, start: Start) -> Settings {
    let mut s = Settings::new(trials, horizon);
    s.seed = seed;
    s.start = start;
    s
}

/// Per-trial outcomes of trials `0..n`: `out[trial][deployment]`.
pub fn per_trial(sim: &Simulation, n: u64) -> Vec<Vec<TrialOutcome>> {
    let mut buf = Vec::new();
    (0..n)
        .map(|i| {
            sim.trial(i, &mut buf).unwrap();
            buf.clone()
        })
        .collect()
}

/// Sample mean and unbiased sample variance.
pub fn mean_var(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    let v = x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1.0);
    (m, v)
}

/// Standard error of a sample standard deviation, by the delta method from
/// the sample's own fourth central moment: Var(s^2) ~ (mu4 - s^4) / n, so
/// SE(s) ~ sqrt((mu4 - s^4) / n) / (2 s).
pub fn std_se(x: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (m, v) = mean_var(x);
    let mu4 = x.iter().map(|v| (v - m).powi(4)).sum::<f64>() / n;
    ((mu4 - v * v) / n).sqrt() / (2.0 * v.sqrt())
}

/// Asserts |got - want| <= k * se, with a message giving all figures.
#[track_caller]
pub fn assert_within(what: &str, got: f64, want: f64, se: f64, k: f64) {
    assert!(
        se.is_finite() && se > 0.0,
        "{what}: bad standard error {se}"
    );
    let z = (got - want) / se;
    // Shown with `--nocapture`: the figures of every comparison.
    println!("{what}: got {got:.6}, expected {want:.6}, SE {se:.2e}, z = {z:+.2}");
    assert!(
        z.abs() <= k,
        "{what}: got {got}, expected {want}, SE {se:.3e}: off by {z:.2} SE (limit {k})"
    );
}

/// Binomial standard error of a proportion with true value p over n trials.
pub fn binom_se(p: f64, n: u64) -> f64 {
    (p * (1.0 - p) / n as f64).sqrt()
}

/// Asserts |got - want| <= tol * max(1, |want|).
#[track_caller]
pub fn assert_close(what: &str, got: f64, want: f64, tol: f64) {
    assert!(
        (got - want).abs() <= tol * want.abs().max(1.0),
        "{what}: got {got}, expected {want} (tolerance {tol})"
    );
}

/// Binomial coefficient as f64.
pub fn choose(n: u32, k: u32) -> f64 {
    (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
}

/// P(at least k of n independent units are up), each up with probability a.
pub fn binom_at_least(k: u32, n: u32, a: f64) -> f64 {
    (k..=n)
        .map(|j| choose(n, j) * a.powi(j as i32) * (1.0 - a).powi((n - j) as i32))
        .sum()
}

/// Standard normal CDF.
pub fn phi(z: f64) -> f64 {
    0.5 * libm::erfc(-z / std::f64::consts::SQRT_2)
}

/// Exact equilibrium (residual-life) CDFs `F_e(x) = (1/E[X]) * int_0^x P(X > u) du`
/// for the distributions whose integral has a closed form.
pub mod equilibrium {
    use super::phi;

    /// Exponential(mean m): memoryless, F_e = F.
    pub fn exponential(m: f64, x: f64) -> f64 {
        1.0 - (-x / m).exp()
    }
    /// Fixed(v): the residual is uniform on [0, v].
    pub fn fixed(v: f64, x: f64) -> f64 {
        (x / v).clamp(0.0, 1.0)
    }
    /// Uniform(l, h): P(X > u) is 1 below l, (h - u)/(h - l) on [l, h].
    pub fn uniform(l: f64, h: f64, x: f64) -> f64 {
        let m = 0.5 * (l + h);
        if x <= 0.0 {
            0.0
        } else if x <= l {
            x / m
        } else if x < h {
            (l + ((h - l) * (h - l) - (h - x) * (h - x)) / (2.0 * (h - l))) / m
        } else {
            1.0
        }
    }
    /// Weibull(shape 1/2, scale s): with y = sqrt(x/s),
    /// int_0^x exp(-sqrt(u/s)) du = 2s (1 - (1 + y) e^-y) and E[X] = 2s.
    pub fn weibull_half(s: f64, x: f64) -> f64 {
        let y = (x / s).sqrt();
        1.0 - (1.0 + y) * (-y).exp()
    }
    /// Weibull(shape 2, scale s): int_0^x exp(-(u/s)^2) du = s sqrt(pi)/2 erf(x/s)
    /// and E[X] = s sqrt(pi)/2.
    pub fn weibull_two(s: f64, x: f64) -> f64 {
        libm::erf(x / s)
    }
    /// Gamma(shape 2, scale t): P(X > u) = (1 + u/t) e^(-u/t), E[X] = 2t, so with
    /// y = x/t, F_e = 1 - (1 + y/2) e^-y.
    pub fn gamma_two(t: f64, x: f64) -> f64 {
        let y = x / t;
        1.0 - (1.0 + 0.5 * y) * (-y).exp()
    }
    /// Lognormal(median e^mu, sigma): int_0^x P(X > u) du = x (1 - Phi(z)) +
    /// E[X] Phi(z - sigma), z = (ln x - mu)/sigma (integration by parts).
    pub fn lognormal(median: f64, sigma: f64, x: f64) -> f64 {
        if x <= 0.0 {
            return 0.0;
        }
        let m = median * (0.5 * sigma * sigma).exp();
        let z = (x.ln() - median.ln()) / sigma;
        x * (1.0 - phi(z)) / m + phi(z - sigma)
    }
    /// Empirical(samples): P(X > u) is the fraction of samples above u.
    pub fn empirical(samples: &[f64], x: f64) -> f64 {
        let n = samples.len() as f64;
        let m = samples.iter().sum::<f64>() / n;
        // int_0^x P(X > u) du = E[min(X, x)].
        samples.iter().map(|&s| s.min(x)).sum::<f64>() / n / m
    }
}
