//! The Monte Carlo engine: samples outage timelines and judges every
//! deployment on them.
//!
//! Each trial samples, over `[0, horizon]`, the down intervals of every zone's
//! own process and of every common cause (one random stream keyed by seed and
//! trial index), forms each zone's down timeline as their union, and sweeps
//! every deployment over those same timelines (common random numbers).
//! Per-replica failures, where a deployment has them, come from a stream keyed
//! by seed, trial and the deployment's name (not its position), so adding or
//! removing one deployment leaves the others' results unchanged.
//!
//! Trials are grouped into fixed batches that rayon spreads over threads. All
//! statistics merge exactly ([`crate::stats`]), so the same seed gives
//! bit-identical results on any number of threads, and memory does not grow
//! with the number of trials.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::deployment::Rule;
use crate::distributions::DurationSampler;
use crate::stats::{
    DeploymentAccumulator, DeploymentSummary, ExactSum, PERCENTILE_SIGNIFICANT_DIGITS,
    TrialOutcome, Z95,
};
use crate::study::{Start, Study, StudyError};
use crate::topology::OutageProcess;

/// Trials per batch: the unit of parallel work. Results do not depend on it
/// (every trial has its own random stream); it only sets the scheduling grain.
pub const BATCH_TRIALS: u64 = 1024;

/// The most outage intervals that one trial may be *expected* to hold, over all
/// processes. A study above it is refused before it runs (it would need too
/// much memory per trial).
pub const MAX_EXPECTED_INTERVALS_PER_TRIAL: f64 = 250_000.0;

/// The most work units (expected intervals times deployments, summed over
/// trials) a run may be expected to take; a study above it is refused before
/// it runs. At about 2-5 ns a unit this is some minutes of CPU time.
pub const MAX_EXPECTED_WORK: f64 = 1e11;

/// Why a run could not complete.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// The study would take too much time or memory; nothing was run.
    #[error("study too large: {0}")]
    TooLarge(String),
    /// A trial produced far more outage intervals than its parameters imply
    /// (extremely heavy-tailed or tiny durations).
    #[error(
        "trial {trial} needed more than {limit} outage cycles; durations this short, this heavy-tailed or this often zero cannot be simulated in bounded time and memory"
    )]
    TooManyIntervals {
        /// The trial index.
        trial: u64,
        /// The per-trial limit that was hit.
        limit: usize,
    },
    /// The thread pool could not be built.
    #[error("could not start {threads} worker threads: {message}")]
    ThreadPool {
        /// Requested threads.
        threads: usize,
        /// The underlying error.
        message: String,
    },
}

/// Options of one run that do not change its results.
#[derive(Clone, Copy, Default)]
pub struct RunOptions<'a> {
    /// Worker threads; `None` uses rayon's global pool (one per core).
    pub threads: Option<usize>,
    /// Called after each batch with the number of trials it ran (from worker
    /// threads, in no particular order).
    pub progress: Option<&'a (dyn Fn(u64) + Sync)>,
}

/// The results of a study: per-deployment summaries, per-zone availability and
/// the paired comparison against the baseline. Holds nothing that varies
/// between runs with the same seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StudyResult {
    /// Trials run.
    pub trials: u64,
    /// Seed of the run.
    pub seed: u64,
    /// Horizon of each trial (hours).
    pub horizon_hours: f64,
    /// Start state.
    pub start: Start,
    /// One summary per deployment, in study order.
    pub deployments: Vec<DeploymentSummary>,
    /// Simulated availability of each zone (own process and common causes).
    pub zones: Vec<ZoneSummary>,
    /// Paired differences of every deployment against the baseline.
    pub comparison: Comparison,
}

/// One zone's simulated availability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ZoneSummary {
    /// Zone id.
    pub id: String,
    /// Mean fraction of the horizon the zone was up.
    pub mean_availability: f64,
}

/// Paired comparison of every deployment with the baseline on the same trials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Name of the baseline deployment.
    pub baseline: String,
    /// One entry per other deployment, in study order.
    pub against: Vec<PairedDiff>,
}

/// Downtime of one deployment minus the baseline's, trial by trial.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairedDiff {
    /// Deployment name.
    pub name: String,
    /// Per-trial downtime difference in minutes (negative: less downtime).
    pub downtime_minutes_diff: DiffStats,
    /// Fraction of trials with less downtime than the baseline.
    pub p_less_downtime: f64,
    /// Fraction of trials with more downtime than the baseline.
    pub p_more_downtime: f64,
    /// `(Var X + Var Y) / Var(X - Y)`: how much narrower the paired interval is
    /// than an unpaired one, in variance. `None` when `Var(X - Y)` is 0.
    pub variance_reduction: Option<f64>,
}

/// Mean and 95% confidence interval of a per-trial difference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiffStats {
    /// Mean difference.
    pub mean: f64,
    /// 95% confidence interval on the mean.
    pub ci95: [f64; 2],
}

#[derive(Debug, Clone, Copy)]
struct Interval {
    start: f64,
    end: f64,
}

#[derive(Debug, Clone, Copy)]
struct Event {
    t: f64,
    /// `index << 2 | replica << 1 | down`.
    code: u32,
}

const DOWN: u32 = 1;
const REPLICA: u32 = 2;
const NONE: u32 = u32::MAX;

/// A compiled outage process: its samplers and stationary down probability.
#[derive(Debug, Clone)]
struct ProcessSampler {
    up: DurationSampler,
    down: DurationSampler,
    p_down: f64,
    expected_intervals: f64,
}

impl ProcessSampler {
    fn new(p: &OutageProcess, horizon: f64) -> Self {
        let (mu, md) = (p.time_to_failure.mean(), p.time_to_repair.mean());
        ProcessSampler {
            up: p.time_to_failure.sampler(),
            down: p.time_to_repair.sampler(),
            p_down: md / (mu + md),
            expected_intervals: horizon / (mu + md) + 1.0,
        }
    }

    /// Samples the process's down intervals within `[0, horizon]` into `out`,
    /// each clipped to the horizon. Returns false if `out` reached `cap`.
    #[inline(always)]
    fn sample_into<S: IntervalSink>(
        &self,
        rng: &mut Xoshiro256PlusPlus,
        horizon: f64,
        start: Start,
        out: &mut S,
    ) -> bool {
        let mut t = match start {
            Start::AllUp => self.up.sample(rng),
            Start::SteadyState => {
                if rng.random::<f64>() < self.p_down {
                    let end = self.down.sample_residual(rng);
                    if end > 0.0 && !out.push(0.0, end.min(horizon)) {
                        return false;
                    }
                    if end >= horizon {
                        return true;
                    }
                    end + self.up.sample(rng)
                } else {
                    self.up.sample_residual(rng)
                }
            }
        };
        // Durations of zero (a gamma with a tiny shape underflows) do not
        // advance time, so the loop is bounded by the sink's capacity too.
        let mut cycles = 0usize;
        while t < horizon {
            cycles += 1;
            if cycles > out.capacity() {
                return false;
            }
            let end = t + self.down.sample(rng);
            if end > t && !out.push(t, end.min(horizon)) {
                return false;
            }
            if end >= horizon {
                break;
            }
            t = end + self.up.sample(rng);
        }
        true
    }
}

/// Where sampled intervals go: a buffer, or (for the draws floor) a sum.
trait IntervalSink {
    /// Takes one interval; false if full.
    fn push(&mut self, start: f64, end: f64) -> bool;
    /// The most up/down cycles one process may take in a trial.
    fn capacity(&self) -> usize;
}

struct CappedVec<'a> {
    v: &'a mut Vec<Interval>,
    cap: usize,
    /// Total length of the intervals pushed, in push order.
    sum: f64,
}

impl IntervalSink for CappedVec<'_> {
    #[inline]
    fn push(&mut self, start: f64, end: f64) -> bool {
        if self.v.len() >= self.cap {
            return false;
        }
        self.v.push(Interval { start, end });
        self.sum += end - start;
        true
    }

    #[inline]
    fn capacity(&self) -> usize {
        self.cap
    }
}

struct SumSink(f64);

impl IntervalSink for SumSink {
    #[inline]
    fn push(&mut self, start: f64, end: f64) -> bool {
        self.0 += end - start;
        true
    }

    #[inline]
    fn capacity(&self) -> usize {
        usize::MAX
    }
}

#[derive(Debug, Clone, Copy)]
enum CRule {
    AtLeast(u32),
    ZonesUp(u32),
    ActivePassive(f64),
}

#[derive(Debug, Clone)]
struct CompiledDeployment {
    name: String,
    rule: CRule,
    /// Zone index -> slot (distinct zone of this deployment) or NONE.
    zone_slot: Vec<u32>,
    /// Replicas per slot.
    slot_replicas: Vec<u32>,
    /// Slot of each replica, in priority order.
    replica_slot: Vec<u32>,
    /// Zone of each slot.
    slot_zone: Vec<u32>,
    /// Lowest replica index in each slot (replicas in list order).
    slot_first_replica: Vec<u32>,
    /// For counting rules: units (replicas for `AtLeast`, 1 for `ZonesUp`)
    /// that each zone takes down with it; 0 for zones outside the deployment.
    zone_units: Vec<i32>,
    /// For counting rules: total units and the units needed to be up.
    units: i32,
    need: i32,
    replica_process: Option<ProcessSampler>,
    stream_key: u64,
}

/// A study compiled for running: samplers built, ids resolved to indices.
///
/// ```
/// use zonesim::prelude::*;
///
/// let exp = |m| Duration::exponential(m).unwrap();
/// let mut study = Study::new(Settings::new(2000, 8760.0))
///     .region(Region { id: "r".into(), name: "R".into(), provider: "p".into(),
///                      country: "FR".into(), in_eu: None,
///                      ..Default::default() });
/// for z in ["a", "b", "c"] {
///     study = study.zone(Zone { id: z.into(), region: "r".into(),
///                              time_to_failure: exp(2190.0), time_to_repair: exp(4.0) });
/// }
/// let study = study.deployment(Deployment::new("2 of 3", &["a", "b", "c"], Rule::AtLeast(2)));
/// let result = Simulation::new(&study).unwrap().run(&RunOptions::default()).unwrap();
/// // Each zone is up 2190/2194 of the time; 2 of 3 is up with probability ~0.99995.
/// assert!(result.deployments[0].availability.mean > 0.9998);
/// ```
#[derive(Debug, Clone)]
pub struct Simulation {
    trials: u64,
    horizon: f64,
    seed: u64,
    start: Start,
    sla_targets: Vec<f64>,
    zone_ids: Vec<String>,
    zones: Vec<ProcessSampler>,
    causes: Vec<ProcessSampler>,
    /// Covering causes of each zone.
    zone_causes: Vec<Vec<u32>>,
    deployments: Vec<CompiledDeployment>,
    baseline: usize,
    zone_stream_key: u64,
    interval_cap: usize,
    histogram_digits: u8,
    longest_percentile: bool,
}

/// SplitMix64's finaliser: a bijective mix of 64 bits.
#[inline]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The key of random stream `stream` under `seed`; trial `t` of that stream is
/// seeded with `key ^ t`, distinct for every trial.
fn stream_key(seed: u64, stream: u64) -> u64 {
    mix(mix(seed) ^ mix(stream.wrapping_add(0x9e37_79b9_7f4a_7c15)))
}

/// The stream number of a deployment's replica failures: FNV-1a of its name
/// (names are unique in a study), never 0, the zones' stream.
fn name_stream(name: &str) -> u64 {
    let h = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    });
    h.max(1)
}

#[inline]
fn trial_rng(key: u64, trial: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(key ^ trial)
}

impl Simulation {
    /// Validates and compiles a study.
    ///
    /// # Errors
    /// The study's problems ([`StudyError`]), or [`RunError::TooLarge`] wrapped
    /// in [`crate::Error`] when it would need too much time or memory.
    pub fn new(study: &Study) -> Result<Self, crate::Error> {
        study.validate()?;
        if study.deployments.is_empty() {
            // A study without deployments is valid (a plan file is one), but
            // there is nothing to simulate.
            return Err(StudyError {
                problems: vec![crate::study::Problem {
                    at: "deployment".into(),
                    message: "the study has no deployment to simulate".into(),
                }],
            }
            .into());
        }
        let s = &study.simulation;
        let horizon = s.horizon_hours;
        let zone_index = |id: &str| study.zones.iter().position(|z| z.id == id);
        let zones: Vec<ProcessSampler> = study
            .zones
            .iter()
            .map(|z| ProcessSampler::new(&z.process(), horizon))
            .collect();
        let causes: Vec<ProcessSampler> = study
            .common_causes
            .iter()
            .map(|c| ProcessSampler::new(&c.process(), horizon))
            .collect();
        let mut zone_causes = vec![Vec::new(); zones.len()];
        for (ci, c) in study.common_causes.iter().enumerate() {
            for z in study.affected_zones(c).map_err(|id| StudyError {
                problems: vec![crate::study::Problem {
                    at: format!("common_cause \"{}\".affects", c.name),
                    message: format!("unknown id \"{id}\""),
                }],
            })? {
                zone_causes[z].push(ci as u32);
            }
        }
        let mut deployments = Vec::with_capacity(study.deployments.len());
        for d in &study.deployments {
            let mut zone_slot = vec![NONE; zones.len()];
            let mut slot_replicas = Vec::new();
            let mut replica_slot = Vec::with_capacity(d.replicas.len());
            let mut slot_zone = Vec::new();
            let mut slot_first_replica = Vec::new();
            for r in &d.replicas {
                let z = zone_index(r).expect("validated");
                if zone_slot[z] == NONE {
                    zone_slot[z] = slot_replicas.len() as u32;
                    slot_replicas.push(0);
                    slot_zone.push(z as u32);
                    slot_first_replica.push(replica_slot.len() as u32);
                }
                slot_replicas[zone_slot[z] as usize] += 1;
                replica_slot.push(zone_slot[z]);
            }
            let rule = match d.rule {
                Rule::AtLeast(k) => CRule::AtLeast(k),
                Rule::Majority => CRule::AtLeast(d.replicas.len() as u32 / 2 + 1),
                Rule::ZonesUp(k) => CRule::ZonesUp(k),
                Rule::ActivePassive { failover_hours } => CRule::ActivePassive(failover_hours),
            };
            let (zone_units, units, need) = match rule {
                CRule::AtLeast(k) => (
                    zone_slot
                        .iter()
                        .map(|&s| {
                            if s == NONE {
                                0
                            } else {
                                slot_replicas[s as usize] as i32
                            }
                        })
                        .collect(),
                    replica_slot.len() as i32,
                    k as i32,
                ),
                CRule::ZonesUp(k) => (
                    zone_slot.iter().map(|&s| (s != NONE) as i32).collect(),
                    slot_replicas.len() as i32,
                    k as i32,
                ),
                CRule::ActivePassive(_) => (Vec::new(), 0, 0),
            };
            deployments.push(CompiledDeployment {
                name: d.name.clone(),
                rule,
                zone_slot,
                slot_replicas,
                replica_slot,
                slot_zone,
                slot_first_replica,
                zone_units,
                units,
                need,
                replica_process: d
                    .replica_failures
                    .as_ref()
                    .map(|p| ProcessSampler::new(p, horizon)),
                stream_key: stream_key(s.seed, name_stream(&d.name)),
            });
        }
        let baseline = s
            .baseline
            .as_ref()
            .and_then(|b| study.deployments.iter().position(|d| &d.name == b))
            .unwrap_or(0);
        let sim = Simulation {
            trials: s.trials,
            horizon,
            seed: s.seed,
            start: s.start,
            sla_targets: s.sla_targets.clone(),
            zone_ids: study.zones.iter().map(|z| z.id.clone()).collect(),
            zones,
            causes,
            zone_causes,
            deployments,
            baseline,
            zone_stream_key: stream_key(s.seed, 0),
            interval_cap: 0,
            histogram_digits: PERCENTILE_SIGNIFICANT_DIGITS,
            longest_percentile: true,
        };
        sim.checked_size(study)
    }

    /// Refuses studies that would need unbounded time or memory, naming the
    /// process responsible; sets the per-trial interval cap.
    fn checked_size(mut self, study: &Study) -> Result<Self, crate::Error> {
        let mut worst = (0.0f64, String::new());
        let mut total = 0.0;
        let mut note = |n: f64, what: String| {
            total += n;
            if n > worst.0 {
                worst = (n, what);
            }
        };
        for (z, p) in study.zones.iter().zip(&self.zones) {
            note(p.expected_intervals, format!("zone \"{}\"", z.id));
        }
        for (c, p) in study.common_causes.iter().zip(&self.causes) {
            note(p.expected_intervals, format!("common cause \"{}\"", c.name));
        }
        let mut replica_work = 0.0;
        for d in &self.deployments {
            if let Some(p) = &d.replica_process {
                let n = p.expected_intervals * d.replica_slot.len() as f64;
                replica_work += n;
                note(n, format!("replicas of deployment \"{}\"", d.name));
            }
        }
        if total > MAX_EXPECTED_INTERVALS_PER_TRIAL {
            return Err(RunError::TooLarge(format!(
                "one trial would hold about {total:.3e} outage intervals (most from {}, about {:.3e}), \
                 over the limit of {MAX_EXPECTED_INTERVALS_PER_TRIAL:.0}; \
                 check that durations are in hours, or shorten horizon_hours",
                worst.1, worst.0
            ))
            .into());
        }
        let d = self.deployments.len() as f64;
        let zones_events = total - replica_work;
        let per_trial =
            1.0 + self.zones.len() as f64 + zones_events * (2.0 + d) + replica_work * 4.0;
        let work = per_trial * self.trials as f64;
        if work > MAX_EXPECTED_WORK {
            return Err(RunError::TooLarge(format!(
                "{} trials of about {per_trial:.0} work units each is {work:.3e} units, over the limit of \
                 {MAX_EXPECTED_WORK:.0e} (roughly an hour of CPU time); use at most {:.0} trials",
                self.trials,
                (MAX_EXPECTED_WORK / per_trial).floor()
            ))
            .into());
        }
        self.interval_cap = ((total * 64.0).max(100_000.0) as usize).min(1_000_000);
        Ok(self)
    }

    /// Overrides the number of trials (e.g. from a command-line flag), keeping
    /// the size checks.
    ///
    /// # Errors
    /// As [`Simulation::new`] when the new total is too large, or 0 trials.
    pub fn with_trials(mut self, study: &Study, trials: u64) -> Result<Self, crate::Error> {
        if trials == 0 {
            return Err(StudyError {
                problems: vec![crate::study::Problem {
                    at: "simulation.trials".into(),
                    message: "must be at least 1, got 0".into(),
                }],
            }
            .into());
        }
        self.trials = trials;
        self.checked_size(study)
    }

    /// Sets the significant digits of the percentile histograms (1 to 5;
    /// default 3). Fewer digits use less memory per deployment, which matters
    /// when judging hundreds of candidate placements.
    pub fn with_histogram_digits(mut self, digits: u8) -> Self {
        self.histogram_digits = digits.clamp(1, 5);
        self
    }

    /// Skips the histogram of each trial's longest outage, halving the
    /// memory per deployment; `longest_outage_minutes.p99` is then NaN
    /// (`null` in JSON). For judging hundreds of candidate placements.
    pub fn without_longest_percentile(mut self) -> Self {
        self.longest_percentile = false;
        self
    }

    /// Number of trials the run will do.
    pub fn trials(&self) -> u64 {
        self.trials
    }

    /// Runs all trials and summarises them.
    ///
    /// # Errors
    /// [`RunError`] if the thread pool cannot start or a trial exceeds its
    /// interval cap.
    pub fn run(&self, opts: &RunOptions<'_>) -> Result<StudyResult, RunError> {
        let acc = self.run_accumulators(opts)?;
        Ok(self.summarise(&acc))
    }

    /// Runs all trials and returns the raw accumulators (for planners and
    /// other tools that need more than the summary).
    ///
    /// # Errors
    /// As [`Simulation::run`].
    pub fn run_accumulators(&self, opts: &RunOptions<'_>) -> Result<Accumulators, RunError> {
        match opts.threads {
            None => self.run_in_pool(opts),
            // One thread: the batches in order on the calling thread, with no
            // pool to start (the same batches, so the same results).
            Some(0 | 1) => self.run_here(opts),
            // The global pool already has that many threads: building a new
            // pool per run would only add its start-up cost.
            Some(threads)
                if rayon::current_thread_index().is_none()
                    && threads.max(1) == rayon::current_num_threads() =>
            {
                self.run_in_pool(opts)
            }
            Some(threads) => {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads.max(1))
                    .build()
                    .map_err(|e| RunError::ThreadPool {
                        threads,
                        message: e.to_string(),
                    })?;
                pool.install(|| self.run_in_pool(opts))
            }
        }
    }

    fn run_here(&self, opts: &RunOptions<'_>) -> Result<Accumulators, RunError> {
        let mut worker = Worker::new(self);
        for b in 0..self.trials.div_ceil(BATCH_TRIALS) {
            let first = b * BATCH_TRIALS;
            let last = (first + BATCH_TRIALS).min(self.trials);
            worker.run_batch(self, first, last)?;
            if let Some(p) = opts.progress {
                p(last - first);
            }
        }
        let mut total = Accumulators::new(self);
        total.merge(&worker.acc);
        Ok(total)
    }

    fn run_in_pool(&self, opts: &RunOptions<'_>) -> Result<Accumulators, RunError> {
        let slots: Vec<Mutex<Option<Worker>>> = (0..rayon::current_num_threads())
            .map(|_| Mutex::new(None))
            .collect();
        let n_batches = self.trials.div_ceil(BATCH_TRIALS);
        let failed = AtomicBool::new(false);
        (0..n_batches).into_par_iter().try_for_each(|b| {
            if failed.load(Ordering::Relaxed) {
                return Ok(());
            }
            // Which thread's worker records a batch does not matter: every
            // accumulator merges exactly, so any split gives the same sums.
            let slot = rayon::current_thread_index().unwrap_or(0) % slots.len();
            let mut guard = slots[slot].lock().unwrap_or_else(|e| e.into_inner());
            let worker = guard.get_or_insert_with(|| Worker::new(self));
            let first = b * BATCH_TRIALS;
            let last = (first + BATCH_TRIALS).min(self.trials);
            let r = worker.run_batch(self, first, last);
            drop(guard);
            if r.is_err() {
                failed.store(true, Ordering::Relaxed);
            }
            if let Some(p) = opts.progress {
                p(last - first);
            }
            r
        })?;
        let mut total = Accumulators::new(self);
        for slot in slots {
            if let Some(w) = slot.into_inner().unwrap_or_else(|e| e.into_inner()) {
                total.merge(&w.acc);
            }
        }
        Ok(total)
    }

    /// Summarises accumulators from [`Simulation::run_accumulators`].
    pub fn summarise(&self, acc: &Accumulators) -> StudyResult {
        let n = acc.trials.max(1) as f64;
        let deployments: Vec<DeploymentSummary> = self
            .deployments
            .iter()
            .zip(&acc.deployments)
            .map(|(d, a)| a.summary(&d.name))
            .collect();
        let zones = self
            .zone_ids
            .iter()
            .zip(&acc.zone_down)
            .map(|(id, s)| ZoneSummary {
                id: id.clone(),
                mean_availability: 1.0 - s.value() / n / self.horizon,
            })
            .collect();
        let base = &acc.deployments[self.baseline];
        let (_, var_base) = base.downtime_mean_var();
        let against = self
            .deployments
            .iter()
            .zip(&acc.deployments)
            .enumerate()
            .filter(|(j, _)| *j != self.baseline)
            .map(|(_, (d, a))| {
                let (mean, var) = a.diff_mean_var();
                let (_, var_x) = a.downtime_mean_var();
                let half = Z95 * var.sqrt() / n.sqrt();
                let (less, more) = a.less_more();
                PairedDiff {
                    name: d.name.clone(),
                    downtime_minutes_diff: DiffStats {
                        mean: mean * 60.0,
                        ci95: [(mean - half) * 60.0, (mean + half) * 60.0],
                    },
                    p_less_downtime: less as f64 / n,
                    p_more_downtime: more as f64 / n,
                    variance_reduction: (var > 0.0).then(|| (var_x + var_base) / var),
                }
            })
            .collect();
        StudyResult {
            trials: acc.trials,
            seed: self.seed,
            horizon_hours: self.horizon,
            start: self.start,
            deployments,
            zones,
            comparison: Comparison {
                baseline: self.deployments[self.baseline].name.clone(),
                against,
            },
        }
    }

    /// The draws floor: draws exactly the random durations that trials
    /// `first..first + trials` need for their zones and common causes, from the
    /// same generators and samplers, and only sums them. The engine's overhead
    /// is its cost above this.
    pub fn draws_floor(&self, first: u64, trials: u64) -> f64 {
        let mut sink = SumSink(0.0);
        for trial in first..first + trials {
            let mut rng = trial_rng(self.zone_stream_key, trial);
            for p in self.zones.iter().chain(&self.causes) {
                p.sample_into(&mut rng, self.horizon, self.start, &mut sink);
            }
        }
        sink.0
    }

    /// Samples one trial and judges every deployment, writing one outcome per
    /// deployment into `outcomes`. Exposed for tests and tools that need
    /// per-trial values; [`Simulation::run`] is the usual entry point.
    ///
    /// # Errors
    /// [`RunError::TooManyIntervals`] if the trial exceeds its interval cap.
    pub fn trial(&self, trial: u64, outcomes: &mut Vec<TrialOutcome>) -> Result<(), RunError> {
        let mut scratch = Scratch::default();
        self.run_trial(trial, &mut scratch)?;
        outcomes.clear();
        outcomes.extend_from_slice(&scratch.outcomes);
        Ok(())
    }

    /// Appends one process's down intervals in this trial to `raw`; returns
    /// their total length, or `None` past the per-trial interval cap.
    #[inline(always)]
    fn sample_process(
        &self,
        p: &ProcessSampler,
        rng: &mut Xoshiro256PlusPlus,
        raw: &mut Vec<Interval>,
    ) -> Option<f64> {
        let mut sink = CappedVec {
            v: raw,
            cap: self.interval_cap,
            sum: 0.0,
        };
        p.sample_into(rng, self.horizon, self.start, &mut sink)
            .then_some(sink.sum)
    }

    fn run_trial(&self, trial: u64, sc: &mut Scratch) -> Result<(), RunError> {
        let h = self.horizon;
        let too_many = || RunError::TooManyIntervals {
            trial,
            limit: self.interval_cap,
        };
        // 1. Raw down intervals of every zone's own process and every common cause.
        let mut rng = trial_rng(self.zone_stream_key, trial);
        sc.raw.clear();
        sc.raw_off.clear();
        sc.raw_off.push(0);
        sc.zone_down.clear();
        for p in &self.zones {
            let down = self
                .sample_process(p, &mut rng, &mut sc.raw)
                .ok_or_else(too_many)?;
            sc.zone_down.push(down);
            sc.raw_off.push(sc.raw.len());
        }
        for p in &self.causes {
            self.sample_process(p, &mut rng, &mut sc.raw)
                .ok_or_else(too_many)?;
            sc.raw_off.push(sc.raw.len());
        }
        // 2. Each zone's timeline: its own intervals where no covering cause
        // fired (a range of `raw`, not copied), else their union with the
        // causes' intervals, appended to `raw`.
        let nz = self.zones.len();
        sc.zone_rng.clear();
        for z in 0..nz {
            let (a, b) = (sc.raw_off[z], sc.raw_off[z + 1]);
            let causes = &self.zone_causes[z];
            let active = causes
                .iter()
                .any(|&c| sc.raw_off[nz + c as usize] != sc.raw_off[nz + c as usize + 1]);
            if !active {
                sc.zone_rng.push((a, b));
                continue;
            }
            sc.tmp.clear();
            sc.tmp.extend_from_slice(&sc.raw[a..b]);
            for &c in causes {
                let c = nz + c as usize;
                sc.tmp
                    .extend_from_slice(&sc.raw[sc.raw_off[c]..sc.raw_off[c + 1]]);
            }
            sc.tmp.sort_unstable_by(|a, b| a.start.total_cmp(&b.start));
            let first = sc.raw.len();
            let mut down = 0.0;
            let mut cur = sc.tmp[0];
            for iv in &sc.tmp[1..] {
                if iv.start <= cur.end {
                    cur.end = cur.end.max(iv.end);
                } else {
                    sc.raw.push(cur);
                    down += cur.end - cur.start;
                    cur = *iv;
                }
            }
            sc.raw.push(cur);
            down += cur.end - cur.start;
            sc.zone_down[z] = down;
            sc.zone_rng.push((first, sc.raw.len()));
        }
        // 3. Every deployment on the same timelines. The time-ordered stream
        // of zone events is built only once a deployment needs a sweep.
        sc.outcomes.clear();
        let mut merged = false;
        for d in &self.deployments {
            let o = match &d.replica_process {
                None => {
                    if !d.may_fail(&sc.zone_rng) {
                        sc.outcomes.push(TrialOutcome::default());
                        continue;
                    }
                    // The interval sweep scans its zones for the next start
                    // and end, so it is for deployments over a few zones;
                    // over many, the sorted event stream is cheaper.
                    let few_zones = d.slot_zone.len() <= MAX_INTERVAL_SWEEP_ZONES;
                    if few_zones && !matches!(d.rule, CRule::ActivePassive(_)) {
                        let o = sweep_zone_intervals(d, &sc.raw, &sc.zone_rng, h, &mut sc.isweep);
                        sc.outcomes.push(o);
                        continue;
                    }
                    if !merged {
                        merge_events(&sc.raw, &sc.zone_rng, 0, &mut sc.heads, &mut sc.events);
                        merged = true;
                    }
                    match d.rule {
                        CRule::ActivePassive(f) => {
                            sweep_active_passive(d, f, &sc.events, h, &mut sc.eval)
                        }
                        _ => sweep_counting(d, &sc.events, h, &mut sc.eval),
                    }
                }
                Some(p) => {
                    let mut rng = trial_rng(d.stream_key, trial);
                    sc.rep_iv.clear();
                    sc.rep_rng.clear();
                    for _ in 0..d.replica_slot.len() {
                        let a = sc.rep_iv.len();
                        self.sample_process(p, &mut rng, &mut sc.rep_iv)
                            .ok_or_else(too_many)?;
                        sc.rep_rng.push((a, sc.rep_iv.len()));
                    }
                    if !merged {
                        merge_events(&sc.raw, &sc.zone_rng, 0, &mut sc.heads, &mut sc.events);
                        merged = true;
                    }
                    merge_events(
                        &sc.rep_iv,
                        &sc.rep_rng,
                        REPLICA,
                        &mut sc.heads,
                        &mut sc.rep_events,
                    );
                    sc.dep_events.clear();
                    merge_two(&sc.events, &sc.rep_events, &mut sc.dep_events);
                    let events = &sc.dep_events;
                    if events.is_empty() {
                        TrialOutcome::default()
                    } else {
                        match d.rule {
                            CRule::ActivePassive(f) => {
                                sweep_active_passive(d, f, events, h, &mut sc.eval)
                            }
                            _ => sweep_counting(d, events, h, &mut sc.eval),
                        }
                    }
                }
            };
            sc.outcomes.push(o);
        }
        Ok(())
    }
}

impl CompiledDeployment {
    /// Whether the deployment (with no replica failures of its own) can be
    /// down at all in a trial whose zone timelines are `zone_rng`: a counting
    /// rule keeps enough units if every zone with an outage were down at once;
    /// active-passive serves from its first replica as long as that one's zone
    /// stays up. When false, its outcome is exactly the all-up outcome.
    #[inline]
    fn may_fail(&self, zone_rng: &[(usize, usize)]) -> bool {
        let hit = |z: u32| {
            let (a, b) = zone_rng[z as usize];
            a != b
        };
        match self.rule {
            CRule::ActivePassive(_) => hit(self.slot_zone[self.replica_slot[0] as usize]),
            CRule::AtLeast(_) | CRule::ZonesUp(_) => {
                let lost: i32 = self
                    .slot_zone
                    .iter()
                    .filter(|&&z| hit(z))
                    .map(|&z| self.zone_units[z as usize])
                    .sum();
                self.units - lost < self.need
            }
        }
    }
}

/// Per-slot and per-replica state reused across trials.
#[derive(Debug, Default)]
struct EvalState {
    zone_down: Vec<bool>,
    live_own: Vec<u32>,
    own_down: Vec<bool>,
}

impl EvalState {
    fn reset(&mut self, d: &CompiledDeployment) {
        self.zone_down.clear();
        self.zone_down.resize(d.slot_replicas.len(), false);
        self.live_own.clear();
        self.live_own.extend_from_slice(&d.slot_replicas);
        self.own_down.clear();
        self.own_down.resize(d.replica_slot.len(), false);
    }
}

/// Tracks the service's down intervals during a sweep.
#[derive(Debug, Default)]
struct OutageTrack {
    up: bool,
    since: f64,
    o: TrialOutcome,
}

impl OutageTrack {
    fn new() -> Self {
        OutageTrack {
            up: true,
            ..Default::default()
        }
    }

    #[inline]
    fn set(&mut self, t: f64, up: bool) {
        if up == self.up {
            return;
        }
        self.up = up;
        if up {
            self.close(t);
        } else {
            self.since = t;
        }
    }

    #[inline]
    fn close(&mut self, t: f64) {
        let len = t - self.since;
        self.o.downtime_hours += len;
        self.o.outages += 1;
        if len > self.o.longest_hours {
            self.o.longest_hours = len;
        }
    }

    fn finish(mut self, horizon: f64) -> TrialOutcome {
        if !self.up {
            self.close(horizon);
        }
        self.o
    }
}

/// Applies one event to the slot/replica state; returns (live replica delta,
/// live zone delta) for counting rules.
#[inline]
fn apply(d: &CompiledDeployment, st: &mut EvalState, e: Event) -> (i32, i32) {
    let idx = (e.code >> 2) as usize;
    let down = e.code & DOWN != 0;
    if e.code & REPLICA == 0 {
        let s = d.zone_slot[idx];
        if s == NONE {
            return (0, 0);
        }
        let s = s as usize;
        if st.zone_down[s] == down {
            return (0, 0);
        }
        st.zone_down[s] = down;
        let live = st.live_own[s] as i32;
        let zones = (live > 0) as i32;
        if down { (-live, -zones) } else { (live, zones) }
    } else {
        let s = d.replica_slot[idx] as usize;
        if st.own_down[idx] == down {
            return (0, 0);
        }
        st.own_down[idx] = down;
        let before = st.live_own[s];
        let after = if down { before - 1 } else { before + 1 };
        st.live_own[s] = after;
        if st.zone_down[s] {
            return (0, 0);
        }
        let dz = (after > 0) as i32 - (before > 0) as i32;
        (if down { -1 } else { 1 }, dz)
    }
}

/// A counting rule on the zone timelines alone (no replica failures), swept
/// interval by interval over the deployment's own zones: the intervals are
/// taken in order of their starts, and the ones in progress are retired in
/// order of their ends before each start. Each zone's intervals are disjoint,
/// so a zone takes its units down at a start and gives them back at an end
/// with no per-slot state. The state is judged once all changes of an
/// instant are applied, as [`sweep_counting`] does on the merged events.
fn sweep_zone_intervals(
    d: &CompiledDeployment,
    raw: &[Interval],
    zone_rng: &[(usize, usize)],
    horizon: f64,
    lists: &mut Vec<IntervalList>,
) -> TrialOutcome {
    lists.clear();
    for &z in &d.slot_zone {
        let (a, b) = zone_rng[z as usize];
        let w = d.zone_units[z as usize];
        if a < b && w > 0 {
            lists.push(IntervalList {
                next: raw[a].start,
                end: f64::INFINITY,
                pos: a,
                last: b,
                w,
            });
        }
    }
    let mut track = OutageTrack::new();
    let tolerance = d.units - d.need;
    let mut lost = 0i32;
    // The instant whose changes are being applied (NaN before the first).
    let mut instant = f64::NAN;
    // The earliest end in progress and its list, and how many are in progress.
    let (mut min_end, mut min_k, mut active) = (f64::INFINITY, 0, 0usize);
    loop {
        let mut k = 0;
        let mut s = f64::INFINITY;
        for (j, l) in lists.iter().enumerate() {
            if l.next < s {
                k = j;
                s = l.next;
            }
        }
        while active > 0 && min_end <= s {
            if min_end != instant {
                if !instant.is_nan() {
                    track.set(instant, lost <= tolerance);
                }
                instant = min_end;
            }
            lost -= lists[min_k].w;
            lists[min_k].end = f64::INFINITY;
            active -= 1;
            min_end = f64::INFINITY;
            if active > 0 {
                for (j, l) in lists.iter().enumerate() {
                    if l.end < min_end {
                        min_end = l.end;
                        min_k = j;
                    }
                }
            }
        }
        if s == f64::INFINITY {
            break;
        }
        if s != instant {
            if !instant.is_nan() {
                track.set(instant, lost <= tolerance);
            }
            instant = s;
        }
        let l = &mut lists[k];
        lost += l.w;
        let e = raw[l.pos].end;
        l.end = e;
        l.pos += 1;
        l.next = if l.pos < l.last {
            raw[l.pos].start
        } else {
            f64::INFINITY
        };
        active += 1;
        if e < min_end {
            min_end = e;
            min_k = k;
        }
    }
    if !instant.is_nan() {
        track.set(instant, lost <= tolerance);
    }
    track.finish(horizon)
}

/// The most distinct zones a counting deployment may span and still be swept
/// interval by interval (its cost grows with zones times outages).
const MAX_INTERVAL_SWEEP_ZONES: usize = 16;

/// One zone's timeline in [`sweep_zone_intervals`].
#[derive(Debug, Clone, Copy)]
struct IntervalList {
    /// Start of the next interval (infinity when none is left).
    next: f64,
    /// End of the interval in progress (infinity when none).
    end: f64,
    /// Position of the next interval and the end of the list.
    pos: usize,
    last: usize,
    /// Units the zone takes down.
    w: i32,
}

fn sweep_counting(
    d: &CompiledDeployment,
    events: &[Event],
    horizon: f64,
    st: &mut EvalState,
) -> TrialOutcome {
    st.reset(d);
    let (k, zones_rule) = match d.rule {
        CRule::AtLeast(k) => (k as i32, false),
        CRule::ZonesUp(k) => (k as i32, true),
        CRule::ActivePassive(_) => unreachable!("handled by sweep_active_passive"),
    };
    let mut live = d.replica_slot.len() as i32;
    let mut zones = d.slot_replicas.len() as i32;
    let mut track = OutageTrack::new();
    let mut i = 0;
    while i < events.len() {
        let t = events[i].t;
        while i < events.len() && events[i].t == t {
            let (dl, dz) = apply(d, st, events[i]);
            live += dl;
            zones += dz;
            i += 1;
        }
        track.set(t, if zones_rule { zones >= k } else { live >= k });
    }
    track.finish(horizon)
}

fn sweep_active_passive(
    d: &CompiledDeployment,
    failover: f64,
    events: &[Event],
    horizon: f64,
    st: &mut EvalState,
) -> TrialOutcome {
    st.reset(d);
    let n = d.replica_slot.len();
    let is_live =
        |st: &EvalState, r: usize| !st.zone_down[d.replica_slot[r] as usize] && !st.own_down[r];
    let first_live = |st: &EvalState| (0..n).find(|&r| is_live(st, r));
    // The lowest replica index that came up in the current instant: fail-back
    // is possible only to a replica below the serving one that just came up,
    // so the common instant costs O(1) however many replicas there are.
    let mut serving: Option<usize> = Some(0);
    let mut deadline = f64::INFINITY;
    let mut track = OutageTrack::new();
    let mut i = 0;
    let mut first_group = true;
    loop {
        let te = events.get(i).map_or(f64::INFINITY, |e| e.t);
        let t = te.min(if deadline <= horizon {
            deadline
        } else {
            f64::INFINITY
        });
        if t == f64::INFINITY {
            break;
        }
        let mut lowest_up = usize::MAX;
        while i < events.len() && events[i].t == t {
            let e = events[i];
            apply(d, st, e);
            if e.code & DOWN == 0 {
                let idx = (e.code >> 2) as usize;
                let r = if e.code & REPLICA != 0 {
                    idx
                } else {
                    match d.zone_slot[idx] {
                        NONE => usize::MAX,
                        slot => d.slot_first_replica[slot as usize] as usize,
                    }
                };
                lowest_up = lowest_up.min(r);
            }
            i += 1;
        }
        if first_group && t == 0.0 {
            // At the start of a trial the first live replica serves, no failover.
            serving = first_live(st);
        } else if deadline.is_finite() {
            if serving.is_some_and(|s| is_live(st, s)) {
                // The serving replica came back in time; a replica above it
                // that came back during the failover takes the traffic.
                deadline = f64::INFINITY;
                serving = first_live(st);
            } else if deadline <= t {
                deadline = f64::INFINITY;
                serving = first_live(st);
            }
        } else {
            match serving {
                None => serving = first_live(st),
                Some(s) if !is_live(st, s) => {
                    if failover > 0.0 {
                        deadline = t + failover;
                    } else {
                        serving = first_live(st);
                    }
                }
                Some(s) => {
                    if lowest_up < s
                        && let Some(f) = (lowest_up..s).find(|&r| is_live(st, r))
                    {
                        serving = Some(f); // fail back with no downtime
                    }
                }
            }
        }
        first_group = false;
        let up = deadline == f64::INFINITY && serving.is_some_and(|s| is_live(st, s));
        track.set(t, up);
    }
    track.finish(horizon)
}

/// Merges per-list sorted, disjoint intervals into one time-ordered stream of
/// down (at start) and up (at end) events. List k is `iv[lists[k].0..lists[k].1]`;
/// its events carry index k and the given `flag`.
fn merge_events(
    iv: &[Interval],
    lists: &[(usize, usize)],
    flag: u32,
    heads: &mut Vec<Head>,
    out: &mut Vec<Event>,
) {
    out.clear();
    heads.clear();
    let mut total = 0;
    for (k, &(a, b)) in lists.iter().enumerate() {
        if a < b {
            total += 2 * (b - a);
            heads.push(Head {
                t: iv[a].start,
                pos: a,
                end: b,
                code: (k as u32) << 2 | flag,
            });
        }
    }
    out.reserve(total);
    match heads.len() {
        0 => return,
        1 => {
            // One list: its events are already in order.
            push_list_events(iv, &heads[0], out);
            return;
        }
        n if n > 16 => {
            // Many lists: sorting all events beats scanning many heads per event.
            for h in heads.iter() {
                push_list_events(iv, h, out);
            }
            out.sort_unstable_by(|a, b| a.t.total_cmp(&b.t));
            return;
        }
        _ => {}
    }
    // A few lists: scan their next event times for the earliest, with the
    // number of lists fixed at compile time (unused ones wait at infinity).
    out.resize(total, Event { t: 0.0, code: 0 });
    match heads.len() {
        2 => merge_few::<2>(iv, heads, out),
        3 => merge_few::<3>(iv, heads, out),
        4 => merge_few::<4>(iv, heads, out),
        5..=8 => merge_few::<8>(iv, heads, out),
        _ => merge_few::<16>(iv, heads, out),
    }
}

/// The k-way merge of [`merge_events`] for at most `K` lists, into `out`
/// already sized to the number of events. Event j of a list is its interval
/// j/2's start (down) for even j, its end (up) for odd j; an exhausted list
/// waits at infinity, so nothing is removed.
#[inline]
fn merge_few<const K: usize>(iv: &[Interval], heads: &[Head], out: &mut [Event]) {
    let mut next = [f64::INFINITY; K];
    let mut pos = [0usize; K];
    let mut end = [0usize; K];
    let mut code = [0u32; K];
    for (k, h) in heads.iter().enumerate() {
        next[k] = h.t;
        pos[k] = 2 * h.pos;
        end[k] = 2 * h.end;
        code[k] = h.code;
    }
    for e in out.iter_mut() {
        let mut best = 0;
        let mut bt = next[0];
        for (k, &t) in next.iter().enumerate().skip(1) {
            if t < bt {
                best = k;
                bt = t;
            }
        }
        let p = pos[best];
        *e = Event {
            t: bt,
            code: code[best] | (!p as u32 & DOWN),
        };
        let p = p + 1;
        pos[best] = p;
        next[best] = if p < end[best] {
            let x = iv[p >> 1];
            if p & 1 == 0 { x.start } else { x.end }
        } else {
            f64::INFINITY
        };
    }
}

/// Appends one list's down and up events, in the list's (time) order.
#[inline]
fn push_list_events(iv: &[Interval], h: &Head, out: &mut Vec<Event>) {
    for x in &iv[h.pos..h.end] {
        out.push(Event {
            t: x.start,
            code: h.code | DOWN,
        });
        out.push(Event {
            t: x.end,
            code: h.code,
        });
    }
}

/// Merges two time-ordered event streams.
fn merge_two(a: &[Event], b: &[Event], out: &mut Vec<Event>) {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i].t <= b[j].t {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
}

#[derive(Debug, Clone, Copy)]
struct Head {
    t: f64,
    pos: usize,
    end: usize,
    code: u32,
}

/// Buffers reused across the trials of one worker.
#[derive(Debug, Default)]
struct Scratch {
    raw: Vec<Interval>,
    raw_off: Vec<usize>,
    /// Zone z's down timeline is `raw[zone_rng[z].0..zone_rng[z].1]`.
    zone_rng: Vec<(usize, usize)>,
    /// Zone z's downtime in this trial (hours), summed in timeline order.
    zone_down: Vec<f64>,
    tmp: Vec<Interval>,
    heads: Vec<Head>,
    events: Vec<Event>,
    rep_iv: Vec<Interval>,
    rep_rng: Vec<(usize, usize)>,
    rep_events: Vec<Event>,
    dep_events: Vec<Event>,
    eval: EvalState,
    isweep: Vec<IntervalList>,
    outcomes: Vec<TrialOutcome>,
}

/// Exactly mergeable statistics of a whole run (or part of one).
#[derive(Debug, Clone)]
pub struct Accumulators {
    /// Trials recorded.
    pub trials: u64,
    /// One accumulator per deployment, in study order.
    pub deployments: Vec<DeploymentAccumulator>,
    /// Exact sum of each zone's downtime (hours) over trials.
    pub zone_down: Vec<ExactSum>,
}

impl Accumulators {
    fn new(sim: &Simulation) -> Self {
        Accumulators {
            trials: 0,
            deployments: sim
                .deployments
                .iter()
                .map(|_| {
                    let a = DeploymentAccumulator::new(
                        sim.horizon,
                        &sim.sla_targets,
                        sim.histogram_digits,
                    );
                    if sim.longest_percentile {
                        a
                    } else {
                        a.without_longest_percentile()
                    }
                })
                .collect(),
            zone_down: vec![ExactSum::new(); sim.zones.len()],
        }
    }

    fn merge(&mut self, o: &Accumulators) {
        self.trials += o.trials;
        for (a, b) in self.deployments.iter_mut().zip(&o.deployments) {
            a.merge(b);
        }
        for (a, b) in self.zone_down.iter_mut().zip(&o.zone_down) {
            a.merge(b);
        }
    }
}

/// One thread's accumulators and scratch buffers.
struct Worker {
    acc: Accumulators,
    scratch: Scratch,
    zone_partial: Vec<f64>,
}

impl Worker {
    fn new(sim: &Simulation) -> Self {
        Worker {
            acc: Accumulators::new(sim),
            scratch: Scratch::default(),
            zone_partial: vec![0.0; sim.zones.len()],
        }
    }

    fn run_batch(&mut self, sim: &Simulation, first: u64, last: u64) -> Result<(), RunError> {
        self.zone_partial.fill(0.0);
        for trial in first..last {
            sim.run_trial(trial, &mut self.scratch)?;
            let sc = &self.scratch;
            let base = sc.outcomes[sim.baseline].downtime_hours;
            for (a, o) in self.acc.deployments.iter_mut().zip(&sc.outcomes) {
                a.record(o, base);
            }
            for (p, &down) in self.zone_partial.iter_mut().zip(&sc.zone_down) {
                *p += down;
            }
        }
        self.acc.trials += last - first;
        for a in &mut self.acc.deployments {
            a.end_batch();
        }
        for (s, p) in self.acc.zone_down.iter_mut().zip(&self.zone_partial) {
            s.add(*p);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deployment::Deployment;
    use crate::distributions::Duration;
    use crate::study::Settings;
    use crate::topology::{CommonCause, Region, Zone};

    fn region(id: &str) -> Region {
        Region {
            id: id.into(),
            name: id.into(),
            provider: "test".into(),
            country: "FR".into(),
            in_eu: None,
            ..Default::default()
        }
    }

    fn zone(id: &str, region: &str, ttf: Duration, ttr: Duration) -> Zone {
        Zone {
            id: id.into(),
            region: region.into(),
            time_to_failure: ttf,
            time_to_repair: ttr,
        }
    }

    /// Zones with non-exponential durations, two common causes (one over a
    /// region, one over a zone pair across regions) and counting rules of
    /// every shape: zones holding several replicas, zones outside the
    /// deployment, tolerances of 0 and more.
    fn mixed_study(trials: u64) -> Study {
        let d = |x: Result<Duration, _>| x.unwrap();
        let mut s = Study::new(Settings::new(trials, 2000.0))
            .region(region("r1"))
            .region(region("r2"));
        let zones = [
            (
                "a",
                "r1",
                d(Duration::weibull(0.7, 300.0)),
                d(Duration::lognormal(5.0, 1.0)),
            ),
            (
                "b",
                "r1",
                d(Duration::exponential(250.0)),
                d(Duration::gamma(2.0, 4.0)),
            ),
            (
                "c",
                "r1",
                d(Duration::exponential(400.0)),
                d(Duration::fixed(6.0)),
            ),
            (
                "d",
                "r2",
                d(Duration::uniform(50.0, 600.0)),
                d(Duration::exponential(10.0)),
            ),
            (
                "e",
                "r2",
                d(Duration::exponential(300.0)),
                d(Duration::empirical(vec![1.0, 3.0, 20.0])),
            ),
        ];
        for (id, r, ttf, ttr) in zones {
            s = s.zone(zone(id, r, ttf, ttr));
        }
        s.common_cause(CommonCause {
            name: "r1".into(),
            affects: vec!["r1".into()],
            time_to_failure: d(Duration::exponential(900.0)),
            time_to_repair: d(Duration::exponential(8.0)),
        })
        .common_cause(CommonCause {
            name: "pair".into(),
            affects: vec!["b".into(), "d".into()],
            time_to_failure: d(Duration::exponential(1500.0)),
            time_to_repair: d(Duration::lognormal(3.0, 0.8)),
        })
        .deployment(Deployment::new("1of1", &["a"], Rule::AtLeast(1)))
        .deployment(Deployment::new("2of3", &["a", "b", "c"], Rule::ZonesUp(2)))
        .deployment(Deployment::new(
            "maj5",
            &["a", "a", "b", "d", "e"],
            Rule::Majority,
        ))
        .deployment(Deployment::new(
            "3of4",
            &["c", "c", "d", "e"],
            Rule::AtLeast(3),
        ))
        .deployment(Deployment::new(
            "all",
            &["a", "b", "c", "d", "e"],
            Rule::ZonesUp(5),
        ))
        .deployment(Deployment::new(
            "ap",
            &["b", "d"],
            Rule::ActivePassive {
                failover_hours: 0.5,
            },
        ))
    }

    /// Reference for a counting rule: the general, per-slot state sweep over
    /// the merged events of all zones.
    fn reference_counting(
        sim: &Simulation,
        sc: &mut Scratch,
        d: &CompiledDeployment,
    ) -> TrialOutcome {
        merge_events(&sc.raw, &sc.zone_rng, 0, &mut sc.heads, &mut sc.events);
        if sc.events.is_empty() {
            return TrialOutcome::default();
        }
        sweep_counting(d, &sc.events, sim.horizon, &mut sc.eval)
    }

    /// The fast paths for counting rules (the "cannot fail" filter and the
    /// interval sweep over a deployment's own zones) give exactly what the
    /// general event sweep gives, trial by trial.
    #[test]
    fn counting_fast_paths_match_the_event_sweep() {
        let study = mixed_study(1);
        let sim = Simulation::new(&study).unwrap();
        let mut sc = Scratch::default();
        let mut down_trials = 0;
        for trial in 0..20_000 {
            sim.run_trial(trial, &mut sc).unwrap();
            let fast = sc.outcomes.clone();
            for (j, d) in sim.deployments.iter().enumerate() {
                if matches!(d.rule, CRule::ActivePassive(_)) {
                    continue;
                }
                let slow = reference_counting(&sim, &mut sc, d);
                assert_eq!(fast[j], slow, "trial {trial}, deployment {}", d.name);
                down_trials += (slow.outages > 0) as u32;
            }
        }
        // The comparison must cover many trials with outages.
        assert!(
            down_trials > 5_000,
            "only {down_trials} trials with outages"
        );
    }

    /// ref-2of3 of issue 4: mean availability against the binomial value
    /// P(at least 2 of 3 zones up) with a = 2190/2194, within 4 SE.
    #[test]
    fn two_of_three_matches_the_binomial() {
        let exp = |m| Duration::exponential(m).unwrap();
        let mut study = Study::new(Settings::new(400_000, 8760.0)).region(region("r"));
        for z in ["a", "b", "c"] {
            study = study.zone(zone(z, "r", exp(2190.0), exp(4.0)));
        }
        let study = study.deployment(Deployment::new("2of3", &["a", "b", "c"], Rule::ZonesUp(2)));
        let sim = Simulation::new(&study).unwrap();
        let r = sim.run(&RunOptions::default()).unwrap();
        let a = 2190.0 / 2194.0;
        let exact = a * a * a + 3.0 * a * a * (1.0 - a);
        let s = &r.deployments[0].availability;
        let se = s.std / (r.trials as f64).sqrt();
        assert!(se > 0.0);
        assert!(
            (s.mean - exact).abs() < 4.0 * se,
            "mean {} vs exact {exact}, se {se}",
            s.mean
        );
    }

    /// Every rule, common causes and replica failures: the same results on
    /// 1 and 3 threads, bit for bit.
    #[test]
    fn threads_do_not_change_results() {
        let mut study = mixed_study(30_000);
        let replica = OutageProcess::new(
            Duration::weibull(1.5, 500.0).unwrap(),
            Duration::uniform(0.5, 3.0).unwrap(),
        );
        study = study.deployment(
            Deployment::new("rep", &["a", "b", "b"], Rule::ZonesUp(2))
                .with_replica_failures(replica.clone()),
        );
        study = study.deployment(
            Deployment::new(
                "rep-ap",
                &["c", "a"],
                Rule::ActivePassive {
                    failover_hours: 0.2,
                },
            )
            .with_replica_failures(replica),
        );
        let sim = Simulation::new(&study).unwrap();
        let one = sim
            .run(&RunOptions {
                threads: Some(1),
                progress: None,
            })
            .unwrap();
        let three = sim
            .run(&RunOptions {
                threads: Some(3),
                progress: None,
            })
            .unwrap();
        assert_eq!(one, three);
    }
}
