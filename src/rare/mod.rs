//! Rare-event estimation: importance sampling with balanced failure biasing
//! for deployments whose unavailability is far below what plain Monte Carlo
//! can see (1e-6 to 1e-15).
//!
//! The long-run unavailability is written as a rate times a mean over
//! *excursions*, the periods that start when one process touching the
//! deployment fails while all of them are up and end when all are up again:
//!
//! `U = R * E[downtime in an excursion]`, `ν = R * E[outages in an excursion]`,
//!
//! with `R = Σ_i f_i Π_{j≠i} A_j` the exact rate of excursions (`f_i = 1 /
//! (E[up_i] + E[down_i])`, `A_j` the stationary availability of process j)
//! and the expectation under the Palm law of an excursion's start (process
//! `i` with probability `f_i Π_{j≠i} A_j / R`, the others independent in
//! their stationary up state, with equilibrium ages). The expectations are
//! estimated by importance sampling: failures are made likely while the
//! deployment is up and something is down, and each excursion is weighted by
//! its likelihood ratio. See `docs/RARE_EVENTS.md` for the method, its
//! assumptions and the diagnostics.
//!
//! ```
//! use zonesim::rare::{estimate, RareOptions};
//!
//! let study = zonesim::catalog::default_study();
//! let opts = RareOptions { cycles: 20_000, ..RareOptions::default() };
//! // One replica in Alibaba Paris, one in OVHcloud Paris: down only when both
//! // are (no common cause between two providers). Exact: 4.206e-8.
//! let e = estimate(&study, "alibaba+ovh-paris", &opts).unwrap();
//! assert!((e.unavailability.mean / 4.206e-8 - 1.0).abs() < 0.1);
//! ```

mod excursion;
mod hazard;
mod model;
mod record;

pub use record::{Excursion, accumulate_recorded};

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::stats::{ExactSum, Z95, mean_var, meets_target};
use crate::study::{DEFAULT_SEED, Study, StudyError};

use excursion::{Bias, Outcome, Scratch, excursion};
use model::Model;

/// Excursions per random stream: the unit of work spread over threads.
pub const CYCLES_PER_BATCH: u64 = 1024;

/// The largest `U + T ν` (expected outages per trial from steady state) for
/// which the single-outage approximation of SLA misses is reported.
pub const SLA_APPROXIMATION_LIMIT: f64 = 0.01;

/// Settings of one rare-event estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RareOptions {
    /// Excursions (regenerative cycles) simulated; at least 1.
    pub cycles: u64,
    /// Seed of every random stream.
    pub seed: u64,
    /// Worker threads; `None` uses rayon's global pool.
    pub threads: Option<usize>,
    /// Probability, under biasing, that some up process fails before the
    /// next repair; in `[0, 1)`. 0 turns biasing off (plain simulation of
    /// excursions, every likelihood ratio 1).
    pub failure_bias: f64,
    /// While biasing, the share of repair times drawn from the length-biased
    /// law (density `r f(r) / E[R]`) instead of the true one; in `[0, 1)`.
    /// Long repairs are what make coincident outages; this keeps every
    /// repair's likelihood ratio below `1 / (1 - repair_bias)`.
    pub repair_bias: f64,
}

impl Default for RareOptions {
    /// 100,000 cycles, the default seed, all cores, `failure_bias` 0.7,
    /// `repair_bias` 0.5.
    fn default() -> Self {
        RareOptions {
            cycles: 100_000,
            seed: DEFAULT_SEED,
            threads: None,
            failure_bias: 0.7,
            repair_bias: 0.5,
        }
    }
}

impl RareOptions {
    /// The defaults with the study's seed and its `trials` as the cycles.
    pub fn for_study(study: &Study) -> Self {
        RareOptions {
            cycles: study.simulation.trials,
            seed: study.simulation.seed,
            ..RareOptions::default()
        }
    }
}

/// Why no estimate was made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RareError {
    /// The study is invalid.
    #[error(transparent)]
    Study(#[from] StudyError),
    /// No deployment of the study has this name.
    #[error("no deployment is named \"{0}\"")]
    UnknownDeployment(String),
    /// The deployment's rule is not supported by the estimator.
    #[error("deployment \"{deployment}\": {reason}")]
    Unsupported {
        /// The deployment.
        deployment: String,
        /// Why.
        reason: String,
    },
    /// An option is out of range.
    #[error("rare-event option {field}: {message}")]
    InvalidOption {
        /// The option's name, e.g. `failure_bias`.
        field: &'static str,
        /// What is wrong, with the value.
        message: String,
    },
    /// The thread pool could not be built.
    #[error("could not start {threads} worker threads: {message}")]
    ThreadPool {
        /// Threads asked for.
        threads: usize,
        /// The underlying error.
        message: String,
    },
}

/// An estimate with its 95% interval (normal approximation).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// The estimate.
    pub mean: f64,
    /// `mean ± 1.96` standard errors.
    pub ci95: [f64; 2],
    /// Standard error over the mean; `None` when the mean is 0.
    pub relative_error: Option<f64>,
}

impl Estimate {
    fn new(mean: f64, std_error: f64) -> Self {
        Estimate {
            mean,
            ci95: [mean - Z95 * std_error, mean + Z95 * std_error],
            relative_error: (mean != 0.0).then(|| std_error / mean.abs()),
        }
    }

    /// The standard error (half the interval over 1.96).
    pub fn std_error(&self) -> f64 {
        (self.ci95[1] - self.ci95[0]) / (2.0 * Z95)
    }
}

/// The probability that a trial misses one SLA target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlaMiss {
    /// Availability target, in (0, 1].
    pub target: f64,
    /// `P(trial availability < target)`, by the single-outage approximation
    /// `T R P(excursion downtime > (1 - target) T)`; `None` where
    /// `U + T ν` exceeds [`SLA_APPROXIMATION_LIMIT`] and the approximation is
    /// not supported.
    pub p_miss: Option<Estimate>,
}

/// How far the weighted sample can be trusted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnostics {
    /// Excursions simulated.
    pub cycles: u64,
    /// Excursions in which the deployment was down at all.
    pub cycles_with_downtime: u64,
    /// Effective sample size of the downtime contributions `w = L * D`:
    /// `(Σ w)^2 / Σ w^2` (0 when no excursion saw downtime).
    pub ess: f64,
    /// The largest single `w` over `Σ w` (0 when no excursion saw downtime).
    pub max_weight_share: f64,
    /// Mean likelihood ratio over all excursions: 1 within its error when
    /// the change of measure is sound.
    pub mean_likelihood_ratio: Estimate,
    /// The exact rate of excursions (per hour) the means are scaled by.
    pub excursion_rate_per_hour: f64,
    /// The `failure_bias` used.
    pub failure_bias: f64,
    /// The `repair_bias` used.
    pub repair_bias: f64,
    /// Outage processes touching the deployment.
    pub processes: usize,
    /// Those whose up time has no density (`fixed`, `empirical`) and are
    /// never biased.
    pub unbiased_processes: Vec<String>,
}

/// The rare-event estimate for one deployment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RareEstimate {
    /// Deployment name.
    pub deployment: String,
    /// Always `importance`.
    pub estimator: String,
    /// Long-run fraction of time down.
    pub unavailability: Estimate,
    /// Long-run outages (the deployment going down) per hour, `ν`.
    pub outages_per_hour: Estimate,
    /// Trial length `T` (the study's horizon), hours.
    pub horizon_hours: f64,
    /// Expected outages in a trial from a steady-state start, `U + T ν`
    /// (one in progress at time 0 counts).
    pub outages_per_trial: Estimate,
    /// `P(a trial has any downtime)`: the union bound `U + T ν`, an upper
    /// bound that is exact up to terms of order `(T ν)^2`.
    pub p_any_downtime: Estimate,
    /// Per SLA target of the study, `P(a trial misses it)`.
    pub sla: Vec<SlaMiss>,
    /// How far to trust the above.
    pub diagnostics: Diagnostics,
}

/// Exact, order-free sums over excursions.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Acc {
    cycles: u64,
    with_downtime: u64,
    lr: [ExactSum; 2],
    down: [ExactSum; 2],
    outages: [ExactSum; 2],
    per_trial: [ExactSum; 2],
    miss: Vec<[ExactSum; 2]>,
    max_down: f64,
}

fn pair() -> [ExactSum; 2] {
    [ExactSum::new(), ExactSum::new()]
}

fn add(p: &mut [ExactSum; 2], x: f64) {
    p[0].add(x);
    p[1].add(x * x);
}

impl Acc {
    fn new(targets: usize) -> Self {
        Acc {
            cycles: 0,
            with_downtime: 0,
            lr: pair(),
            down: pair(),
            outages: pair(),
            per_trial: pair(),
            miss: (0..targets).map(|_| pair()).collect(),
            max_down: 0.0,
        }
    }

    fn record(&mut self, o: &Outcome, horizon: f64, targets: &[f64]) {
        self.cycles += 1;
        let l = libm::exp(o.ln_lr);
        add(&mut self.lr, l);
        if o.downtime > 0.0 {
            self.with_downtime += 1;
        }
        let w = l * o.downtime;
        add(&mut self.down, w);
        self.max_down = self.max_down.max(w);
        let outages = l * f64::from(o.outages);
        add(&mut self.outages, outages);
        add(&mut self.per_trial, w + horizon * outages);
        for (m, &t) in self.miss.iter_mut().zip(targets) {
            if o.downtime > 0.0 && !meets_target(o.downtime, horizon, t) {
                add(m, l);
            }
        }
    }

    fn merge(mut self, o: Acc) -> Acc {
        self.cycles += o.cycles;
        self.with_downtime += o.with_downtime;
        let m = |a: &mut [ExactSum; 2], b: &[ExactSum; 2]| {
            a[0].merge(&b[0]);
            a[1].merge(&b[1]);
        };
        m(&mut self.lr, &o.lr);
        m(&mut self.down, &o.down);
        m(&mut self.outages, &o.outages);
        m(&mut self.per_trial, &o.per_trial);
        for (a, b) in self.miss.iter_mut().zip(&o.miss) {
            m(a, b);
        }
        self.max_down = self.max_down.max(o.max_down);
        self
    }

    /// The mean and standard error of one sum, scaled by `k`.
    fn estimate(&self, p: &[ExactSum; 2], k: f64) -> Estimate {
        let (mean, var) = mean_var(&p[0], &p[1], self.cycles);
        Estimate::new(k * mean, k * (var / self.cycles as f64).sqrt())
    }
}

/// SplitMix64's finaliser.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The random stream of batch `batch`, keyed by seed and deployment name.
fn batch_rng(seed: u64, name: &str, batch: u64) -> Xoshiro256PlusPlus {
    let name_hash = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    });
    let key = mix(mix(seed ^ 0x5241_5245) ^ mix(name_hash));
    Xoshiro256PlusPlus::seed_from_u64(mix(key ^ mix(batch.wrapping_add(0x9e37_79b9_7f4a_7c15))))
}

fn check_options(opts: &RareOptions) -> Result<(), RareError> {
    if opts.cycles == 0 {
        return Err(RareError::InvalidOption {
            field: "cycles",
            message: "must be at least 1, got 0".into(),
        });
    }
    if !(opts.failure_bias >= 0.0 && opts.failure_bias < 1.0) {
        return Err(RareError::InvalidOption {
            field: "failure_bias",
            message: format!("must be in [0, 1), got {}", opts.failure_bias),
        });
    }
    if !(opts.repair_bias >= 0.0 && opts.repair_bias < 1.0) {
        return Err(RareError::InvalidOption {
            field: "repair_bias",
            message: format!("must be in [0, 1), got {}", opts.repair_bias),
        });
    }
    if opts.threads == Some(0) {
        return Err(RareError::InvalidOption {
            field: "threads",
            message: "must be at least 1, got 0".into(),
        });
    }
    Ok(())
}

/// Estimates the rare-event figures of deployment `deployment` of `study`:
/// the one entry point of this module.
///
/// The same seed gives bit-identical results on any number of threads.
/// Figures per trial use the study's `horizon_hours` and `sla_targets` and
/// assume a steady-state start.
///
/// # Errors
/// An invalid study, an unknown deployment, a service, an `active_passive`
/// rule, release failures, or an option out of range (naming the field).
pub fn estimate(
    study: &Study,
    deployment: &str,
    opts: &RareOptions,
) -> Result<RareEstimate, RareError> {
    let acc = accumulate(study, deployment, opts, 0..batches(opts.cycles))?;
    finish(study, deployment, &acc, opts)
}

/// The batches of [`CYCLES_PER_BATCH`] excursions that `cycles` excursions
/// make (the last one may be shorter).
pub fn batches(cycles: u64) -> u64 {
    cycles.div_ceil(CYCLES_PER_BATCH)
}

/// The exact, mergeable sums of a range of batches of excursions (see
/// [`accumulate`]): [`estimate`] is [`accumulate`] over every batch then
/// [`finish`], so ranges accumulated apart (shards of a run) and merged give
/// the same bits.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RareAccumulator(Acc);

impl RareAccumulator {
    /// Adds another range's sums, exactly (ranges must not overlap).
    pub fn merge(&mut self, other: &RareAccumulator) {
        let a = std::mem::replace(&mut self.0, Acc::new(0));
        self.0 = a.merge(other.0.clone());
    }

    /// Excursions recorded.
    pub fn cycles(&self) -> u64 {
        self.0.cycles
    }
}

/// Runs batches `batches` (of [`CYCLES_PER_BATCH`] excursions each; the last
/// batch of `opts.cycles` may be shorter) of deployment `deployment`'s
/// estimate and returns their exact sums. Batch `b` always draws from the
/// same stream, so any split into ranges merges to the same bits.
///
/// # Errors
/// As [`estimate`].
pub fn accumulate(
    study: &Study,
    deployment: &str,
    opts: &RareOptions,
    batches: std::ops::Range<u64>,
) -> Result<RareAccumulator, RareError> {
    Ok(run(study, deployment, opts, batches, false)?.0)
}

/// [`accumulate`] and [`accumulate_recorded`]: the sums of `batches`, and
/// their excursions when `record`.
fn run(
    study: &Study,
    deployment: &str,
    opts: &RareOptions,
    batches: std::ops::Range<u64>,
    record: bool,
) -> Result<(RareAccumulator, Vec<Excursion>), RareError> {
    check_options(opts)?;
    study.validate()?;
    if study.services.iter().any(|s| s.name == deployment) {
        return Err(RareError::Unsupported {
            deployment: deployment.into(),
            reason: "is a service: importance sampling estimates one deployment's coincident \
                     outages; services are judged by plain Monte Carlo on their parts' timelines"
                .into(),
        });
    }
    let d = study
        .deployments
        .iter()
        .find(|d| d.name == deployment)
        .ok_or_else(|| RareError::UnknownDeployment(deployment.into()))?;
    let model = Model::new(study, d)?;
    let horizon = study.simulation.horizon_hours;
    let targets = &study.simulation.sla_targets;
    let bias = Bias {
        failure_log: -libm::log(1.0 - opts.failure_bias),
        repair_mix: opts.repair_bias,
    };
    let batches = batches.start..batches.end.min(self::batches(opts.cycles));
    let run_batch = |mut acc: Acc, b: u64, mut out: Option<&mut Vec<Excursion>>| {
        let mut rng = batch_rng(opts.seed, &d.name, b);
        let mut scratch = Scratch::new(&model);
        let end = ((b + 1) * CYCLES_PER_BATCH).min(opts.cycles);
        for _ in b * CYCLES_PER_BATCH..end {
            let o = excursion(&model, bias, &mut rng, &mut scratch);
            acc.record(&o, horizon, targets);
            if let Some(out) = out.as_deref_mut() {
                out.push(Excursion {
                    likelihood_ratio: libm::exp(o.ln_lr),
                    downtime_hours: o.downtime,
                    outages: o.outages,
                });
            }
        }
        acc
    };
    let new = || Acc::new(targets.len());
    let work = || {
        if !record {
            let acc = batches
                .clone()
                .into_par_iter()
                .fold(new, |acc, b| run_batch(acc, b, None))
                .reduce(new, Acc::merge);
            return (acc, Vec::new());
        }
        // In batch order, whatever the threads; the sums merge exactly.
        let per_batch: Vec<(Acc, Vec<Excursion>)> = batches
            .clone()
            .into_par_iter()
            .map(|b| {
                let mut out = Vec::with_capacity(CYCLES_PER_BATCH as usize);
                (run_batch(new(), b, Some(&mut out)), out)
            })
            .collect();
        let mut acc = new();
        let mut all = Vec::new();
        for (a, out) in per_batch {
            acc = acc.merge(a);
            all.extend(out);
        }
        (acc, all)
    };
    let (acc, records) = match opts.threads {
        None => work(),
        Some(threads) => rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| RareError::ThreadPool {
                threads,
                message: e.to_string(),
            })?
            .install(work),
    };
    Ok((RareAccumulator(acc), records))
}

/// The estimate from the sums of every batch ([`accumulate`], merged).
///
/// # Errors
/// As [`estimate`].
pub fn finish(
    study: &Study,
    deployment: &str,
    acc: &RareAccumulator,
    opts: &RareOptions,
) -> Result<RareEstimate, RareError> {
    check_options(opts)?;
    study.validate()?;
    let d = study
        .deployments
        .iter()
        .find(|d| d.name == deployment)
        .ok_or_else(|| RareError::UnknownDeployment(deployment.into()))?;
    let model = Model::new(study, d)?;
    Ok(summarise(
        &model,
        d.name.clone(),
        &acc.0,
        study.simulation.horizon_hours,
        &study.simulation.sla_targets,
        opts,
    ))
}

fn summarise(
    model: &Model,
    deployment: String,
    acc: &Acc,
    horizon: f64,
    targets: &[f64],
    opts: &RareOptions,
) -> RareEstimate {
    let rate = model.excursion_rate;
    let unavailability = acc.estimate(&acc.down, rate);
    let outages_per_hour = acc.estimate(&acc.outages, rate);
    let per_trial = acc.estimate(&acc.per_trial, rate);
    let supported = per_trial.mean <= SLA_APPROXIMATION_LIMIT;
    let sla = targets
        .iter()
        .zip(&acc.miss)
        .map(|(&target, m)| SlaMiss {
            target,
            p_miss: supported.then(|| acc.estimate(m, rate * horizon)),
        })
        .collect();
    let (sum_w, sum_w2) = (acc.down[0].value(), acc.down[1].value());
    let diagnostics = Diagnostics {
        cycles: acc.cycles,
        cycles_with_downtime: acc.with_downtime,
        ess: if sum_w2 > 0.0 {
            sum_w * sum_w / sum_w2
        } else {
            0.0
        },
        max_weight_share: if sum_w > 0.0 {
            acc.max_down / sum_w
        } else {
            0.0
        },
        mean_likelihood_ratio: acc.estimate(&acc.lr, 1.0),
        excursion_rate_per_hour: rate,
        failure_bias: opts.failure_bias,
        repair_bias: opts.repair_bias,
        processes: model.processes.len(),
        unbiased_processes: model
            .processes
            .iter()
            .filter(|p| p.law.is_none())
            .map(|p| p.name.clone())
            .collect(),
    };
    RareEstimate {
        deployment,
        estimator: "importance".into(),
        unavailability,
        outages_per_hour,
        horizon_hours: horizon,
        outages_per_trial: per_trial,
        p_any_downtime: per_trial,
        sla,
        diagnostics,
    }
}
