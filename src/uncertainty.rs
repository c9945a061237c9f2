//! Parameter uncertainty: two-level Monte Carlo.
//!
//! Some parameters are not known, only believed: [`Uncertain`] gives a path
//! ([`crate::sensitivity::ParamPath`]) a distribution (any positive
//! [`Duration`] law used as a prior, e.g. a lognormal around the
//! catalogue's value). The outer level draws `draws` parameter sets, each
//! from its own generator keyed by the outer seed and the draw's index (so
//! draw `j` is the same whatever the number of draws); the inner level runs
//! the study's trials for each set with a seed of its own, every deployment
//! on the same trials (common random numbers within each set).
//!
//! The result keeps the two levels apart: for each deployment the
//! distribution over parameter sets of its mean availability and of
//! P(meeting each SLA), with percentiles, next to the pooled figures (their
//! means over the sets, whose 95% intervals come from the spread over sets
//! and so include the inner noise); and for each pair of deployments the
//! probability, over what is not known, that one is better than the other
//! and that one meets a target the other misses.
//!
//! ```
//! use zonesim::prelude::*;
//! use zonesim::uncertainty::{run_uncertain, Uncertain};
//!
//! let exp = |m| Duration::exponential(m).unwrap();
//! let study = Study::new(Settings::new(500, 8760.0))
//!     .region(Region::new("r", "R", "p", "FR"))
//!     .zone(Zone::new("a", "r", exp(2000.0), exp(10.0)))
//!     .zone(Zone::new("b", "r", exp(2000.0), exp(10.0)))
//!     .deployment(Deployment::new("one", ["a"], Rule::AtLeast(1)))
//!     .deployment(Deployment::new("two", ["a", "b"], Rule::AtLeast(1)));
//! // The repair mean is believed lognormal around 10 h.
//! let unknown = Uncertain::new(
//!     "zone.*.time_to_repair.mean".parse().unwrap(),
//!     Duration::lognormal(10.0, 0.5).unwrap(),
//! );
//! let r = run_uncertain(&study, &[unknown], 20, 7, &RunOptions::default()).unwrap();
//! assert_eq!(r.parameter_sets.len(), 20);
//! assert_eq!(r.pairs[0].p_second_better, 1.0); // two zones beat one in every set
//! ```

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::Serialize;

use crate::Error;
use crate::distributions::Duration;
use crate::engine::{RunOptions, Simulation};
use crate::sensitivity::{ParamError, ParamPath};
use crate::stats::{Percentiles, Z95};
use crate::study::Study;

/// One parameter given as a distribution.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Uncertain {
    /// The parameter.
    pub path: ParamPath,
    /// What is believed about its value.
    pub prior: Duration,
}

impl Uncertain {
    /// `path` drawn from `prior` in each parameter set.
    pub fn new(path: ParamPath, prior: Duration) -> Self {
        Uncertain { path, prior }
    }
}

/// Parameters drawn when a scenario file's `[uncertainty]` table does not
/// give `draws`.
pub const DEFAULT_DRAWS: u32 = 100;

/// A scenario file's `[[uncertain]]` parameters and `[uncertainty]` table.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct UncertaintySpec {
    /// The uncertain parameters.
    pub params: Vec<Uncertain>,
    /// Parameter sets to draw (default [`DEFAULT_DRAWS`]).
    pub draws: u32,
    /// Outer seed (default: the study's seed).
    pub seed: u64,
}

impl UncertaintySpec {
    /// The spec of `params` with `draws` sets under `seed`.
    pub fn new(params: Vec<Uncertain>, draws: u32, seed: u64) -> Self {
        UncertaintySpec {
            params,
            draws,
            seed,
        }
    }

    /// Runs it on `study` ([`run_uncertain`]).
    ///
    /// # Errors
    /// As [`run_uncertain`].
    pub fn run(&self, study: &Study, opts: &RunOptions<'_>) -> Result<UncertaintyResult, Error> {
        run_uncertain(study, &self.params, self.draws, self.seed, opts)
    }
}

/// A figure's distribution over the parameter sets.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Spread {
    /// Mean over the sets: the pooled figure.
    pub mean: f64,
    /// 95% interval of the pooled figure (normal, from the spread over sets).
    pub ci95: [f64; 2],
    /// Standard deviation over the sets.
    pub std: f64,
    /// Percentiles over the sets (linear interpolation between order statistics).
    pub percentiles: Percentiles,
}

impl Spread {
    fn of(values: &[f64]) -> Spread {
        let n = values.len().max(1) as f64;
        let mean = values.iter().sum::<f64>() / n;
        let var = if values.len() > 1 {
            values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0)
        } else {
            0.0
        };
        let std = var.sqrt();
        let half = Z95 * std / n.sqrt();
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let q = |p: f64| -> f64 {
            if sorted.is_empty() {
                return f64::NAN;
            }
            let x = p / 100.0 * (sorted.len() - 1) as f64;
            let (i, f) = (x.floor() as usize, x - x.floor());
            let j = (i + 1).min(sorted.len() - 1);
            sorted[i] + f * (sorted[j] - sorted[i])
        };
        Spread {
            mean,
            ci95: [mean - half, mean + half],
            std,
            percentiles: Percentiles::from_fn(q),
        }
    }
}

/// One deployment under parameter uncertainty.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DeploymentUncertainty {
    /// Deployment name.
    pub name: String,
    /// Mean availability (`1 -` the deployment's estimated unavailability)
    /// over the parameter sets; its `mean` is the pooled availability.
    pub availability: Spread,
    /// P(a trial meets each SLA target), over the parameter sets, in the
    /// study's target order; each `mean` is the pooled probability.
    pub p_sla: Vec<Spread>,
    /// Fraction of parameter sets whose mean availability meets each target.
    pub p_mean_meets: Vec<f64>,
    /// The mean over the sets of the inner 95% half-width of the mean
    /// availability (by the deployment's estimator): compare with
    /// `availability.std` to see how much of the spread is parameters and
    /// how much is inner noise.
    pub inner_half_width: f64,
}

/// Two deployments compared set by set, on common random numbers within
/// each set.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PairUncertainty {
    /// The first deployment (earlier in the study).
    pub first: String,
    /// The second.
    pub second: String,
    /// Fraction of parameter sets where the first has less unavailability.
    pub p_first_better: f64,
    /// Fraction of parameter sets where the second has less unavailability.
    pub p_second_better: f64,
    /// For each SLA target: the fraction of sets where the second's mean
    /// availability meets it and the first's does not.
    pub p_second_meets_first_not: Vec<f64>,
    /// ... and the other way round.
    pub p_first_meets_second_not: Vec<f64>,
}

/// The result of [`run_uncertain`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct UncertaintyResult {
    /// Parameter sets drawn.
    pub draws: u32,
    /// Inner trials per set.
    pub trials: u64,
    /// The outer seed.
    pub seed: u64,
    /// SLA targets, in the study's order.
    pub sla_targets: Vec<f64>,
    /// The uncertain parameters, in the order given.
    pub params: Vec<Uncertain>,
    /// Each set's values, in parameter order.
    pub parameter_sets: Vec<Vec<f64>>,
    /// Each deployment, in study order.
    pub deployments: Vec<DeploymentUncertainty>,
    /// Every pair of deployments, in study order.
    pub pairs: Vec<PairUncertainty>,
}

impl UncertaintyResult {
    /// The deployment of this name.
    pub fn deployment(&self, name: &str) -> Option<&DeploymentUncertainty> {
        self.deployments.iter().find(|d| d.name == name)
    }

    /// The pair of these two deployments (in either order, as stored).
    pub fn pair(&self, a: &str, b: &str) -> Option<&PairUncertainty> {
        self.pairs
            .iter()
            .find(|p| (p.first == a && p.second == b) || (p.first == b && p.second == a))
    }
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The generator of parameter set `j` under the outer `seed`.
fn outer_rng(seed: u64, j: u32) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(mix(mix(seed) ^ 0x006f_7574_6572) ^ j as u64)
}

/// The inner seed of parameter set `j`: distinct for every set, so the sets'
/// inner estimates are independent.
pub fn inner_seed(seed: u64, j: u32) -> u64 {
    mix(mix(seed ^ 0x0069_6e6e_6572) ^ mix(j as u64 + 1))
}

/// Draws parameter set `j` of `params` under the outer `seed`.
pub fn draw_set(params: &[Uncertain], seed: u64, j: u32) -> Vec<f64> {
    let mut rng = outer_rng(seed, j);
    params
        .iter()
        .map(|u| u.prior.sampler().sample(&mut rng))
        .collect()
}

/// Two-level Monte Carlo: `draws` parameter sets from the priors (outer
/// `seed`), each run with the study's trials and its own inner seed.
///
/// # Errors
/// [`ParamError::BadSweep`] with no parameter or no draws; a path that
/// names nothing; a drawn value the parameter cannot take (naming the draw);
/// the study's problems; why a run failed.
pub fn run_uncertain(
    study: &Study,
    params: &[Uncertain],
    draws: u32,
    seed: u64,
    opts: &RunOptions<'_>,
) -> Result<UncertaintyResult, Error> {
    if params.is_empty() || draws == 0 {
        return Err(ParamError::BadSweep(format!(
            "parameter uncertainty needs at least one uncertain parameter and one draw, got {} and {draws}",
            params.len()
        ))
        .into());
    }
    for u in params {
        u.path.get(study)?;
    }
    let targets = study.simulation.sla_targets.clone();
    let nd = study.deployments.len();
    let mut sets = Vec::with_capacity(draws as usize);
    // Per deployment, per set: availability, P(SLA) per target, inner half-width.
    let mut avail = vec![Vec::with_capacity(draws as usize); nd];
    let mut psla = vec![vec![Vec::with_capacity(draws as usize); targets.len()]; nd];
    let mut half = vec![0.0; nd];
    for j in 0..draws {
        let values = draw_set(params, seed, j);
        let mut s = study.clone();
        for (u, &v) in params.iter().zip(&values) {
            u.path.set(&mut s, v).map_err(|e| match e {
                ParamError::BadValue {
                    path,
                    value,
                    reason,
                } => ParamError::BadValue {
                    path,
                    value,
                    reason: format!("{reason} (parameter set {j} drawn from the prior)"),
                },
                other => other,
            })?;
        }
        s.simulation.seed = inner_seed(seed, j);
        let r = Simulation::new(&s)?.run(opts)?;
        for (i, d) in r.deployments.iter().enumerate() {
            avail[i].push(1.0 - d.unavailability.mean);
            for (t, sla) in d.sla.iter().enumerate() {
                psla[i][t].push(sla.p_meets);
            }
            // The upper half of the unavailability's interval (its lower
            // end is clamped at 0), by the deployment's own estimator.
            half[i] += (d.unavailability.ci95[1] - d.unavailability.mean) / draws as f64;
        }
        sets.push(values);
    }
    let deployments = study
        .deployments
        .iter()
        .enumerate()
        .map(|(i, d)| DeploymentUncertainty {
            name: d.name.clone(),
            availability: Spread::of(&avail[i]),
            p_sla: psla[i].iter().map(|v| Spread::of(v)).collect(),
            p_mean_meets: targets
                .iter()
                .map(|&t| frac(avail[i].iter().map(|&a| a >= t)))
                .collect(),
            inner_half_width: half[i],
        })
        .collect();
    let mut pairs = Vec::new();
    for a in 0..nd {
        for b in a + 1..nd {
            let (xa, xb) = (&avail[a], &avail[b]);
            let meets = |x: &[f64], y: &[f64], t: f64| {
                frac(x.iter().zip(y).map(|(&p, &q)| p >= t && q < t))
            };
            pairs.push(PairUncertainty {
                first: study.deployments[a].name.clone(),
                second: study.deployments[b].name.clone(),
                p_first_better: frac(xa.iter().zip(xb).map(|(p, q)| p > q)),
                p_second_better: frac(xa.iter().zip(xb).map(|(p, q)| q > p)),
                p_second_meets_first_not: targets.iter().map(|&t| meets(xb, xa, t)).collect(),
                p_first_meets_second_not: targets.iter().map(|&t| meets(xa, xb, t)).collect(),
            });
        }
    }
    Ok(UncertaintyResult {
        draws,
        trials: study.simulation.trials,
        seed,
        sla_targets: targets,
        params: params.to_vec(),
        parameter_sets: sets,
        deployments,
        pairs,
    })
}

fn frac(it: impl Iterator<Item = bool>) -> f64 {
    let (mut yes, mut n) = (0u64, 0u64);
    for b in it {
        yes += b as u64;
        n += 1;
    }
    yes as f64 / n.max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prelude::*;

    /// One zone, exponential up times with mean m drawn uniform on [a, b],
    /// exponential repairs of mean r, steady-state start: each set's
    /// expected availability is m / (m + r) exactly, so the pooled
    /// availability is 1 - r / (b - a) * ln((b + r) / (a + r)).
    #[test]
    fn pooled_availability_matches_the_closed_form() {
        let (a, b, r) = (300.0, 1500.0, 40.0);
        let exp = |m| Duration::exponential(m).unwrap();
        let study = Study::new(Settings::new(400, 8760.0))
            .region(Region::new("r", "R", "p", "FR"))
            .zone(Zone::new("z", "r", exp(1000.0), exp(r)))
            .deployment(Deployment::new("one", ["z"], Rule::AtLeast(1)));
        let u = Uncertain::new(
            "zone.z.time_to_failure.mean".parse().unwrap(),
            Duration::uniform(a, b).unwrap(),
        );
        let res = run_uncertain(&study, &[u], 400, 11, &RunOptions::default()).unwrap();
        let exact = 1.0 - r / (b - a) * ((b + r) / (a + r)).ln();
        let d = &res.deployments[0].availability;
        let se = d.std / (res.draws as f64).sqrt();
        assert!(
            (d.mean - exact).abs() < 4.0 * se,
            "{} vs {exact} (se {se})",
            d.mean
        );
        // The spread over sets is mostly the parameter's: the exact
        // per-set availabilities m/(m+r) for m uniform have this sd.
        let n = 200_000;
        let vals: Vec<f64> = (0..n)
            .map(|i| {
                let m = a + (b - a) * (i as f64 + 0.5) / n as f64;
                m / (m + r)
            })
            .collect();
        let mean = vals.iter().sum::<f64>() / n as f64;
        let sd = (vals.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n as f64).sqrt();
        assert!((mean - exact).abs() < 1e-9);
        // Over the sets the variance is the parameter's plus the inner
        // estimate's; a sample sd of K values has a relative sd of about
        // 1 / sqrt(2 (K - 1)): allow three of those.
        let inner = res.deployments[0].inner_half_width / 1.96;
        let total = (sd * sd + inner * inner).sqrt();
        let k = res.draws as f64;
        assert!(
            (d.std / total - 1.0).abs() < 3.0 / (2.0 * (k - 1.0)).sqrt(),
            "{} vs {total}",
            d.std
        );
    }

    /// Same seed, same result on any number of threads, for the two-level
    /// run and for a sweep on per-process streams.
    #[test]
    fn results_do_not_depend_on_threads() {
        let exp = |m| Duration::exponential(m).unwrap();
        let study = Study::new(Settings::new(3000, 8760.0))
            .region(Region::new("r", "R", "p", "FR"))
            .zone(Zone::new(
                "a",
                "r",
                exp(1000.0),
                Duration::lognormal(2.0, 1.5).unwrap(),
            ))
            .zone(Zone::new("b", "r", exp(1000.0), exp(5.0)))
            .common_cause(CommonCause::new("rr", ["r"], exp(20_000.0), exp(8.0)))
            .deployment(Deployment::new("two", ["a", "b"], Rule::AtLeast(1)));
        let u = [Uncertain::new(
            "zone.*.time_to_repair.mean".parse().unwrap(),
            Duration::gamma(4.0, 2.0).unwrap(),
        )];
        let one = run_uncertain(&study, &u, 4, 3, &RunOptions::new().threads(1)).unwrap();
        let three = run_uncertain(&study, &u, 4, 3, &RunOptions::new().threads(3)).unwrap();
        assert_eq!(one, three);
        let axis = crate::sensitivity::Axis::new(
            "common_cause.rr.time_to_repair.mean".parse().unwrap(),
            vec![1.0, 4.0],
        );
        let s1 = crate::sensitivity::sweep(
            &study,
            std::slice::from_ref(&axis),
            &RunOptions::new().threads(1),
        );
        let s3 = crate::sensitivity::sweep(&study, &[axis], &RunOptions::new().threads(3));
        assert_eq!(s1.unwrap(), s3.unwrap());
    }

    #[test]
    fn draws_are_reproducible_and_independent_of_their_number() {
        let p = vec![Uncertain::new(
            "zone.z.time_to_failure.mean".parse().unwrap(),
            Duration::lognormal(100.0, 1.0).unwrap(),
        )];
        assert_eq!(draw_set(&p, 5, 3), draw_set(&p, 5, 3));
        assert_ne!(draw_set(&p, 5, 3), draw_set(&p, 5, 4));
        assert_ne!(draw_set(&p, 5, 3), draw_set(&p, 6, 3));
        assert_ne!(inner_seed(5, 0), inner_seed(5, 1));
    }

    #[test]
    fn bad_input_is_named() {
        let exp = |m| Duration::exponential(m).unwrap();
        let study = Study::new(Settings::new(10, 100.0))
            .region(Region::new("r", "R", "p", "FR"))
            .zone(Zone::new("z", "r", exp(1000.0), exp(1.0)))
            .deployment(Deployment::new("one", ["z"], Rule::AtLeast(1)));
        let u = |p: &str| Uncertain::new(p.parse().unwrap(), Duration::uniform(0.0, 1.0).unwrap());
        let e = run_uncertain(
            &study,
            &[u("zone.q.time_to_failure.mean")],
            3,
            1,
            &RunOptions::default(),
        );
        assert!(e.unwrap_err().to_string().contains("no zone matches \"q\""));
        let e = run_uncertain(&study, &[], 3, 1, &RunOptions::default());
        assert!(
            e.unwrap_err()
                .to_string()
                .contains("at least one uncertain parameter")
        );
    }
}
