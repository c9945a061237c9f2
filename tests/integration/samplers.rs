//! The duration samplers: moments of plain, length-biased and residual
//! (equilibrium) draws against exact values, and Kolmogorov-Smirnov tests of
//! the draws against exact CDFs.
//!
//! Exact moments are derived here, independently of the crate:
//! plain E[X] = m1; length-biased E[L] = m2/m1, E[L^2] = m3/m1; residual
//! (equilibrium, density P(X > x)/m1) E[R] = m2/(2 m1), E[R^2] = m3/(3 m1).
//! Means of N = 100 000 draws are compared within `K = 5` standard errors
//! computed from these exact variances: false-positive rate 5.7e-7 per check.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use zonesim::distributions::Duration;

use crate::common::equilibrium as eq;
use crate::common::*;

/// Tolerance in standard errors (two-sided rate 5.7e-7).
const K: f64 = 5.0;
/// Draws per moment check.
const N: usize = 100_000;
/// Draws per KS test.
const KS_N: usize = 20_000;
/// KS critical value of sqrt(n) D_n: P(K > 2.3) = 2 sum (-1)^(k-1) e^(-2 k^2 2.3^2)
/// ~ 2 e^-10.58 ~ 5.1e-5, below the two-sided rate of a 4 SE bound (6.3e-5).
const KS_C: f64 = 2.3;

type Cdf = Box<dyn Fn(f64) -> f64>;

struct Case {
    name: &'static str,
    dist: Duration,
    /// Exact raw moments E[X], E[X^2], E[X^3].
    m: [f64; 3],
    /// Exact CDF, where continuous and in closed form.
    cdf: Option<Cdf>,
    /// Exact equilibrium CDF, where in closed form.
    eq_cdf: Option<Cdf>,
}

fn cases() -> Vec<Case> {
    let g = libm::tgamma;
    let (ln_med, ln_s) = (2.0f64, 0.75f64);
    let emp = vec![0.5, 1.0, 4.0, 10.0];
    let emp_moment = |k: i32| emp.iter().map(|x: &f64| x.powi(k)).sum::<f64>() / 4.0;
    let emp_m = [emp_moment(1), emp_moment(2), emp_moment(3)];
    let emp_eq = emp.clone();
    vec![
        Case {
            name: "exponential(5)",
            dist: exp(5.0),
            m: [5.0, 50.0, 750.0], // k! 5^k
            cdf: Some(Box::new(|x| 1.0 - (-x / 5.0).exp())),
            eq_cdf: Some(Box::new(|x| eq::exponential(5.0, x))),
        },
        Case {
            name: "weibull(0.5, 2)",
            dist: Duration::weibull(0.5, 2.0).unwrap(),
            m: [2.0 * 2.0, 4.0 * 24.0, 8.0 * 720.0], // s^k Gamma(1 + 2k)
            cdf: Some(Box::new(|x| 1.0 - (-(x / 2.0).sqrt()).exp())),
            eq_cdf: Some(Box::new(|x| eq::weibull_half(2.0, x))),
        },
        Case {
            name: "weibull(2, 3)",
            dist: Duration::weibull(2.0, 3.0).unwrap(),
            m: [3.0 * g(1.5), 9.0 * g(2.0), 27.0 * g(2.5)],
            cdf: Some(Box::new(|x| 1.0 - (-(x / 3.0).powi(2)).exp())),
            eq_cdf: Some(Box::new(|x| eq::weibull_two(3.0, x))),
        },
        Case {
            name: "weibull(1.5, 10)",
            dist: Duration::weibull(1.5, 10.0).unwrap(),
            m: [
                10.0 * g(1.0 + 1.0 / 1.5),
                100.0 * g(1.0 + 2.0 / 1.5),
                1000.0 * g(1.0 + 3.0 / 1.5),
            ],
            cdf: Some(Box::new(|x| 1.0 - (-(x / 10.0).powf(1.5)).exp())),
            eq_cdf: None,
        },
        Case {
            name: "lognormal(2, 0.75)",
            dist: Duration::lognormal(ln_med, ln_s).unwrap(),
            // E[X^k] = median^k e^(k^2 sigma^2 / 2)
            m: [1.0, 2.0, 3.0].map(|k: f64| ln_med.powf(k) * (k * k * ln_s * ln_s / 2.0).exp()),
            cdf: Some(Box::new(move |x| phi((x.ln() - ln_med.ln()) / ln_s))),
            eq_cdf: Some(Box::new(move |x| eq::lognormal(ln_med, ln_s, x))),
        },
        Case {
            name: "gamma(2, 1.5)",
            dist: Duration::gamma(2.0, 1.5).unwrap(),
            // k (k+1) ... (k+j-1) theta^j
            m: [3.0, 2.0 * 3.0 * 2.25, 2.0 * 3.0 * 4.0 * 3.375],
            cdf: Some(Box::new(|x| 1.0 - (1.0 + x / 1.5) * (-x / 1.5).exp())),
            eq_cdf: Some(Box::new(|x| eq::gamma_two(1.5, x))),
        },
        Case {
            name: "gamma(0.5, 4)",
            dist: Duration::gamma(0.5, 4.0).unwrap(),
            m: [2.0, 0.5 * 1.5 * 16.0, 0.5 * 1.5 * 2.5 * 64.0],
            cdf: None,
            eq_cdf: None,
        },
        Case {
            name: "uniform(1, 5)",
            dist: Duration::uniform(1.0, 5.0).unwrap(),
            // (h^(k+1) - l^(k+1)) / ((k+1)(h - l))
            m: [3.0, 124.0 / 12.0, 624.0 / 16.0],
            cdf: Some(Box::new(|x| ((x - 1.0) / 4.0).clamp(0.0, 1.0))),
            eq_cdf: Some(Box::new(|x| eq::uniform(1.0, 5.0, x))),
        },
        Case {
            name: "uniform(0, 4)",
            dist: Duration::uniform(0.0, 4.0).unwrap(),
            m: [2.0, 16.0 / 3.0, 16.0],
            cdf: Some(Box::new(|x| (x / 4.0).clamp(0.0, 1.0))),
            eq_cdf: Some(Box::new(|x| eq::uniform(0.0, 4.0, x))),
        },
        Case {
            name: "fixed(3)",
            dist: fixed(3.0),
            m: [3.0, 9.0, 27.0],
            cdf: None,
            eq_cdf: Some(Box::new(|x| eq::fixed(3.0, x))),
        },
        Case {
            name: "empirical(0.5, 1, 4, 10)",
            dist: Duration::empirical(emp.clone()).unwrap(),
            m: emp_m,
            cdf: None,
            eq_cdf: Some(Box::new(move |x| eq::empirical(&emp_eq, x))),
        },
    ]
}

fn rng(seed: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(seed)
}

/// The crate's exact moments agree with ours (they set P(down at 0)).
#[test]
fn exact_moments_match() {
    for c in cases() {
        assert_close(&format!("{} mean", c.name), c.dist.mean(), c.m[0], 1e-12);
        assert_close(
            &format!("{} second moment", c.name),
            c.dist.second_moment(),
            c.m[1],
            1e-12,
        );
    }
}

/// Mean of N draws of `draw` within K SE of `mean`, SE from the exact variance.
fn check_mean(what: &str, mut draw: impl FnMut() -> f64, mean: f64, second: f64) {
    let sum: f64 = (0..N).map(|_| draw()).sum();
    let var = second - mean * mean;
    let got = sum / N as f64;
    if var <= 1e-12 * mean * mean {
        assert_close(what, got, mean, 1e-12);
    } else {
        assert_within(what, got, mean, (var / N as f64).sqrt(), K);
    }
}

#[test]
fn plain_length_biased_and_residual_means() {
    for (i, c) in cases().into_iter().enumerate() {
        let s = c.dist.sampler();
        let [m1, m2, m3] = c.m;
        let mut r = rng(1000 + i as u64);
        check_mean(&format!("{}: sample", c.name), || s.sample(&mut r), m1, m2);
        let mut r = rng(2000 + i as u64);
        check_mean(
            &format!("{}: sample_length_biased", c.name),
            || s.sample_length_biased(&mut r),
            m2 / m1,
            m3 / m1,
        );
        let mut r = rng(3000 + i as u64);
        check_mean(
            &format!("{}: sample_residual", c.name),
            || s.sample_residual(&mut r),
            m2 / (2.0 * m1),
            m3 / (3.0 * m1),
        );
    }
}

/// Empirical: plain draws pick each sample with probability 1/4; length-biased
/// draws pick sample x with probability x / sum. Binomial SE per value.
#[test]
fn empirical_pick_frequencies() {
    let samples = [0.5, 1.0, 4.0, 10.0];
    let total: f64 = samples.iter().sum();
    let s = Duration::empirical(samples.to_vec()).unwrap().sampler();
    let mut r = rng(77);
    let mut plain = [0u64; 4];
    let mut biased = [0u64; 4];
    for _ in 0..N {
        let x = s.sample(&mut r);
        plain[samples.iter().position(|&v| v == x).unwrap()] += 1;
        let x = s.sample_length_biased(&mut r);
        biased[samples.iter().position(|&v| v == x).unwrap()] += 1;
    }
    for (j, &v) in samples.iter().enumerate() {
        let p = 0.25;
        let got = plain[j] as f64 / N as f64;
        assert_within(
            &format!("P(sample = {v})"),
            got,
            p,
            binom_se(p, N as u64),
            K,
        );
        let p = v / total;
        let got = biased[j] as f64 / N as f64;
        assert_within(
            &format!("P(biased = {v})"),
            got,
            p,
            binom_se(p, N as u64),
            K,
        );
    }
}

/// sqrt(n) times the KS distance between the draws and `cdf`.
fn ks_statistic(mut x: Vec<f64>, cdf: &dyn Fn(f64) -> f64) -> f64 {
    x.sort_by(f64::total_cmp);
    let n = x.len() as f64;
    let d = x
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let f = cdf(v);
            (f - i as f64 / n).max((i + 1) as f64 / n - f)
        })
        .fold(0.0, f64::max);
    d * n.sqrt()
}

#[test]
fn kolmogorov_smirnov_plain_draws() {
    for (i, c) in cases().into_iter().enumerate() {
        let Some(cdf) = &c.cdf else { continue };
        let s = c.dist.sampler();
        let mut r = rng(4000 + i as u64);
        let x: Vec<f64> = (0..KS_N).map(|_| s.sample(&mut r)).collect();
        let k = ks_statistic(x, cdf);
        println!("{}: sample KS sqrt(n) D = {k:.3}", c.name);
        assert!(k < KS_C, "{}: sample KS sqrt(n) D = {k} >= {KS_C}", c.name);
    }
}

/// The residual draw is exactly the equilibrium distribution
/// F_e(x) = (1/E[X]) int_0^x P(X > u) du: for fixed(v) uniform on [0, v], for
/// uniform(l, h) linear then quadratic, for the exponential itself, and the
/// closed forms of `common::equilibrium` for the others.
#[test]
fn kolmogorov_smirnov_residual_draws() {
    let mut tested = 0;
    for (i, c) in cases().into_iter().enumerate() {
        let Some(cdf) = &c.eq_cdf else { continue };
        let s = c.dist.sampler();
        let mut r = rng(5000 + i as u64);
        let x: Vec<f64> = (0..KS_N).map(|_| s.sample_residual(&mut r)).collect();
        let k = ks_statistic(x, cdf);
        println!("{}: residual KS sqrt(n) D = {k:.3}", c.name);
        assert!(
            k < KS_C,
            "{}: residual KS sqrt(n) D = {k} >= {KS_C}",
            c.name
        );
        tested += 1;
    }
    assert_eq!(tested, 9);
}

/// The KS test has power: a plain draw is not the residual (except for the
/// exponential), and the test says so at once.
#[test]
fn kolmogorov_smirnov_detects_a_wrong_residual() {
    for (seed, d, cdf) in [
        (1u64, fixed(3.0), Box::new(|x| eq::fixed(3.0, x)) as Cdf),
        (
            2,
            Duration::uniform(1.0, 5.0).unwrap(),
            Box::new(|x| eq::uniform(1.0, 5.0, x)),
        ),
        (
            3,
            Duration::gamma(2.0, 1.5).unwrap(),
            Box::new(|x| eq::gamma_two(1.5, x)),
        ),
    ] {
        let s = d.sampler();
        let mut r = rng(seed);
        let x: Vec<f64> = (0..KS_N).map(|_| s.sample(&mut r)).collect();
        assert!(ks_statistic(x, &cdf) > 10.0 * KS_C);
    }
}
