//! A seeded generator of small random studies for the comparison: 1-20 zones
//! (some with more than 16), 1-3 regions, 0-2 common causes, every
//! distribution family, every rule, both starts, short horizons, replica
//! failures on some deployments, and "tie" studies (fixed or empirical integer
//! durations, mostly from an all-up start) where many instants coincide.

use rand::RngExt;
use rand_xoshiro::Xoshiro256StarStar;

use crate::model::{CauseSpec, DeploymentSpec, Dist, Proc, RuleSpec, StudySpec};

type R = Xoshiro256StarStar;

fn log_uniform(rng: &mut R, lo: f64, hi: f64) -> f64 {
    (lo.ln() + rng.random::<f64>() * (hi.ln() - lo.ln())).exp()
}

/// A continuous distribution of any family with mean about `m`.
fn dist(rng: &mut R, m: f64) -> Dist {
    match rng.random_range(0..7u32) {
        0 => Dist::Exponential(m),
        1 => {
            let k = log_uniform(rng, 0.5, 3.0);
            Dist::Weibull(k, m / libm::tgamma(1.0 + 1.0 / k))
        }
        2 => {
            let s: f64 = rng.random_range(0.2..1.5);
            Dist::Lognormal(m / (0.5 * s * s).exp(), s)
        }
        3 => {
            let k = log_uniform(rng, 0.3, 4.0);
            Dist::Gamma(k, m / k)
        }
        4 => {
            let low = if rng.random_bool(0.3) {
                0.0
            } else {
                rng.random_range(0.0..0.9) * m
            };
            Dist::Uniform(low, 2.0 * m - low)
        }
        5 => Dist::Fixed(m),
        _ => {
            let n = rng.random_range(1..=5);
            Dist::Empirical((0..n).map(|_| m * rng.random_range(0.2..2.0)).collect())
        }
    }
}

/// A duration of whole hours in `1..=max`: fixed or empirical.
fn tie_dist(rng: &mut R, max: u32) -> Dist {
    let max = max.max(1);
    if rng.random_bool(0.7) {
        Dist::Fixed(rng.random_range(1..=max) as f64)
    } else {
        let n = rng.random_range(1..=4);
        Dist::Empirical((0..n).map(|_| rng.random_range(1..=max) as f64).collect())
    }
}

fn process(rng: &mut R, horizon: f64, ties: bool) -> Proc {
    if ties {
        let h = horizon as u32;
        let down = tie_dist(rng, (h / 5).clamp(1, 12));
        if rng.random_bool(0.15) {
            // Most draws of gamma(shape 0.01) are far below one ulp of the
            // clock, so a repair often ends exactly when the next begins (the
            // shape of known defect (a)).
            Proc::new(Dist::Gamma(0.01, log_uniform(rng, 10.0, 1000.0)), down)
        } else {
            Proc::new(tie_dist(rng, h / 2), down)
        }
    } else {
        // Between about 0.3 and 15 cycles per horizon.
        let up = horizon * log_uniform(rng, 0.06, 3.0);
        let down = up * log_uniform(rng, 0.01, 0.6);
        Proc::new(dist(rng, up), dist(rng, down))
    }
}

fn rule(rng: &mut R, n: usize, zones: usize) -> RuleSpec {
    match rng.random_range(0..4u32) {
        0 => RuleSpec::AtLeast(rng.random_range(1..=n)),
        1 => RuleSpec::Majority,
        2 => RuleSpec::ZonesUp(rng.random_range(1..=zones)),
        _ => {
            let f = match rng.random_range(0..4u32) {
                0 => 0.0,
                1 => rng.random_range(1..=4) as f64,
                _ => rng.random_range(0.05..5.0),
            };
            RuleSpec::ActivePassive(f)
        }
    }
}

/// The next study of the seeded sequence.
pub fn study(rng: &mut R) -> StudySpec {
    let ties = rng.random_bool(0.3);
    let horizon = if ties {
        rng.random_range(10..=200) as f64
    } else if rng.random_bool(0.5) {
        rng.random_range(1.0..50.0)
    } else {
        rng.random_range(50.0..1000.0)
    };
    let all_up = if ties {
        rng.random_bool(0.8)
    } else {
        rng.random_bool(0.3)
    };
    let n_zones = if rng.random_bool(0.15) {
        rng.random_range(17..=20)
    } else {
        rng.random_range(1..=8)
    };
    let regions = rng.random_range(1..=3usize).min(n_zones);
    let zones: Vec<(usize, Proc)> = (0..n_zones)
        .map(|z| {
            let r = if z < regions {
                z
            } else {
                rng.random_range(0..regions)
            };
            (r, process(rng, horizon, ties))
        })
        .collect();
    let causes = (0..rng.random_range(0..=2))
        .map(|_| {
            let mut c = CauseSpec {
                regions: Vec::new(),
                zones: Vec::new(),
                proc: process(rng, horizon, ties),
            };
            match rng.random_range(0..3u32) {
                0 => c.regions.push(rng.random_range(0..regions)),
                1 => {
                    for _ in 0..rng.random_range(1..=3) {
                        let z = rng.random_range(0..n_zones);
                        if !c.zones.contains(&z) {
                            c.zones.push(z);
                        }
                    }
                }
                _ => {
                    c.regions.push(rng.random_range(0..regions));
                    let z = rng.random_range(0..n_zones);
                    c.zones.push(z);
                }
            }
            c
        })
        .collect();
    let deployments = (0..rng.random_range(1..=4))
        .map(|d| {
            let n = rng.random_range(1..=6usize);
            let replicas: Vec<usize> = (0..n).map(|_| rng.random_range(0..n_zones)).collect();
            let mut distinct = replicas.clone();
            distinct.sort_unstable();
            distinct.dedup();
            DeploymentSpec {
                name: format!("d{d}"),
                rule: rule(rng, n, distinct.len()),
                replicas,
                replica_failures: rng.random_bool(0.3).then(|| process(rng, horizon, ties)),
            }
        })
        .collect();
    StudySpec {
        horizon,
        all_up,
        regions,
        zones,
        causes,
        deployments,
    }
}
