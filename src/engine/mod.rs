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
//! Recovery tails after common causes, maintenance windows and failover
//! outcomes each have a stream of their own (`schedule`, `active_passive`),
//! so a study without them draws exactly as it would without the features.
//!
//! Trials are grouped into fixed batches that rayon spreads over threads. All
//! statistics merge exactly ([`crate::stats`]), so the same seed gives
//! bit-identical results on any number of threads, and memory does not grow
//! with the number of trials.
//!
//! The parts, in the order a run uses them: `limits` (size limits,
//! [`RunError`]), `compile` (the study compiled, rules reduced to what the
//! sweeps need), `streams` (which random stream each trial draws from),
//! `process` (sampling one process's down intervals), `schedule` (recovery
//! tails and maintenance windows), `trial` (one trial's
//! pipeline), `merge` (the k-way event merge), `prefilter` (the coarse
//! overlap check that proves most counting deployments up in a trial),
//! `sweep` (with the sweeps identical deployments share), `counting` and
//! `active_passive` (judging a deployment), `accumulate` (the per-thread
//! statistics), `drivers` (sequential and pooled runs) and `report`
//! ([`StudyResult`] and friends).

mod accumulate;
mod active_passive;
mod compile;
mod counting;
mod drivers;
mod limits;
mod merge;
mod precision;
mod prefilter;
mod process;
mod report;
mod schedule;
mod service;
mod streams;
mod sweep;
mod trial;

#[cfg(test)]
mod tests;

pub use accumulate::Accumulators;
pub use drivers::{RarePart, TrialObserver};
pub use limits::{MAX_EXPECTED_INTERVALS_PER_TRIAL, MAX_EXPECTED_WORK, RunError};
pub use precision::{PrecisionCheck, PrecisionOutcome};
pub use report::{Comparison, DiffStats, PairedDiff, StudyResult, ZoneSummary};

use crate::study::{Start, Study};

use compile::CompiledDeployment;
use process::ProcessSampler;

/// Trials per batch: the unit of parallel work. Results do not depend on it
/// (every trial has its own random stream); it only sets the scheduling grain.
pub const BATCH_TRIALS: u64 = 1024;

/// Batches between two checkpoints of a run to a target precision (and
/// the window of batches whose trials a per-trial observer sees at once):
/// fixed, so where a run stops does not depend on the thread count.
pub const CHECKPOINT_BATCHES: u64 = 16;

/// Options of one run that do not change its results.
///
/// ```
/// use zonesim::RunOptions;
/// let tick = |_trials: u64| {};
/// let opts = RunOptions::new().threads(2).progress(&tick);
/// assert_eq!(opts.threads, Some(2));
/// ```
#[derive(Clone, Copy, Default)]
#[non_exhaustive]
pub struct RunOptions<'a> {
    /// Worker threads; `None` uses rayon's global pool (one per core). A run
    /// may use fewer than asked for: never more than one per batch of
    /// trials, and fewer when its accumulators would exceed the memory
    /// budget ([`Simulation::with_memory_budget`]). Results never depend on it.
    pub threads: Option<usize>,
    /// Called after each batch with the number of trials it ran (from worker
    /// threads, in no particular order).
    pub progress: Option<&'a (dyn Fn(u64) + Sync)>,
    /// Checked before each batch: once it is `true` the run stops and
    /// returns [`RunError::Cancelled`] (within one batch per thread).
    pub cancel: Option<&'a std::sync::atomic::AtomicBool>,
}

impl<'a> RunOptions<'a> {
    /// All cores, no progress callback.
    pub fn new() -> Self {
        RunOptions::default()
    }

    /// Runs on `threads` worker threads (at least 1).
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = Some(threads.max(1));
        self
    }

    /// Calls `progress` after each batch with the number of trials it ran.
    pub fn progress(mut self, progress: &'a (dyn Fn(u64) + Sync)) -> Self {
        self.progress = Some(progress);
        self
    }

    /// Stops the run with [`RunError::Cancelled`] once `cancel` is set (it is
    /// checked before each batch of [`BATCH_TRIALS`] trials, and before each
    /// importance-sampled deployment), so another thread (a Ctrl-C handler)
    /// can stop a long run within a batch.
    ///
    /// ```
    /// use std::sync::atomic::AtomicBool;
    /// use zonesim::{RunOptions, engine::RunError, prelude::*};
    ///
    /// let exp = |m| Duration::exponential(m).unwrap();
    /// let study = Study::new(Settings::new(10_000, 8760.0))
    ///     .region(Region::new("r", "R", "p", "FR"))
    ///     .zone(Zone::new("a", "r", exp(2190.0), exp(4.0)))
    ///     .deployment(Deployment::new("one", ["a"], Rule::AtLeast(1)));
    /// let stop = AtomicBool::new(true); // already set: nothing runs
    /// let err = Simulation::new(&study).unwrap().run(&RunOptions::new().cancel(&stop));
    /// assert_eq!(err.unwrap_err(), RunError::Cancelled);
    /// ```
    pub fn cancel(mut self, cancel: &'a std::sync::atomic::AtomicBool) -> Self {
        self.cancel = Some(cancel);
        self
    }

    /// Whether the run has been asked to stop ([`RunOptions::cancel`]).
    pub(crate) fn cancelled(&self) -> bool {
        self.cancel
            .is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed))
    }
}

impl std::fmt::Debug for RunOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunOptions")
            .field("threads", &self.threads)
            .field("progress", &self.progress.map(|_| "Fn(u64)"))
            .field("cancel", &self.cancel)
            .finish()
    }
}

/// A study compiled for running: samplers built, ids resolved to indices.
///
/// ```
/// use zonesim::prelude::*;
///
/// let exp = |m| Duration::exponential(m).unwrap();
/// let mut study = Study::new(Settings::new(2000, 8760.0))
///     .region(Region::new("r", "R", "p", "FR"));
/// for z in ["a", "b", "c"] {
///     study = study.zone(Zone::new(z, "r", exp(2190.0), exp(4.0)));
/// }
/// let study = study.deployment(Deployment::new("2 of 3", ["a", "b", "c"], Rule::AtLeast(2)));
/// let result = Simulation::new(&study).unwrap().run(&RunOptions::default()).unwrap();
/// // Each zone is up 2190/2194 of the time; 2 of 3 is up with probability ~0.99995.
/// assert!(result.deployment("2 of 3").unwrap().availability.mean > 0.9998);
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
    /// The extra interval lists of each zone (numbered after the zones'
    /// own): covering causes, then its recovery and maintenance lists.
    zone_causes: Vec<Vec<u32>>,
    /// `zone_causes` as bit masks, where there are at most 64 extra lists.
    zone_cause_masks: Option<Vec<u64>>,
    /// Recovery tails and maintenance windows (`schedule`).
    extras: schedule::ZoneExtras,
    deployments: Vec<CompiledDeployment>,
    /// Services, in study order, and the order to judge them in (parts first).
    services: Vec<service::CompiledService>,
    service_order: Vec<u32>,
    /// The unit compared with: deployment `i`, or service `j` as
    /// `deployments.len() + j`.
    baseline: usize,
    zone_stream_key: u64,
    /// The overlap pre-filter's buckets (`prefilter`).
    grid: prefilter::BucketGrid,
    /// With [`Simulation::with_process_streams`]: the stream key of each
    /// zone's own process, then each common cause (empty: one stream).
    process_keys: Vec<u64>,
    interval_cap: usize,
    histogram_digits: u8,
    longest_percentile: bool,
    /// Bytes the run's accumulators may take, over all worker threads.
    memory_budget: usize,
    /// How SLA windows are cut and judged.
    windows: std::sync::Arc<crate::stats::WindowRules>,
    /// The study's diagnostics, carried into every result.
    warnings: Vec<crate::diagnostics::Warning>,
    /// The validated study, for the deployments estimated by importance
    /// sampling (which sample their own excursions).
    study: Study,
}

/// Memory a run's accumulators may take by default, in bytes (2 GiB): a run
/// of many deployments uses fewer threads rather than more memory, and one
/// whose accumulators would not fit on even one thread is refused before it
/// runs. Results do not depend on the number of threads.
pub const RUN_MEMORY_BUDGET: usize = 2 << 30;

impl Simulation {
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

    /// Sets the memory the run's accumulators may take, in bytes (default
    /// [`RUN_MEMORY_BUDGET`]); see [`Simulation::worker_threads`].
    pub fn with_memory_budget(mut self, bytes: usize) -> Self {
        self.memory_budget = bytes;
        self
    }

    /// Draws every zone's own process and every common cause from a stream
    /// of its own (keyed by the seed and the process's position) instead of
    /// one stream a trial shared in order. A change to one process's
    /// parameters then leaves every other process's draws exactly as they
    /// were, which is what sweeps need (common random numbers across grid
    /// points). Results are as valid as the default's but not the same
    /// numbers: the default stream layout stays the seeded contract of
    /// `zonesim run`.
    pub fn with_process_streams(mut self) -> Self {
        let n = (self.zones.len() + self.causes.len()) as u64;
        self.process_keys = (0..n)
            .map(|i| streams::stream_key(self.seed, (1 << 63) | i))
            .collect();
        self
    }

    /// Number of trials the run will do.
    pub fn trials(&self) -> u64 {
        self.trials
    }

    /// Runs all trials and summarises them; a study with a target precision
    /// ([`crate::study::Settings::precision`]) runs until it is met (see
    /// [`Simulation::run_detailed`]).
    ///
    /// # Errors
    /// [`RunError`] if the thread pool cannot start or a trial exceeds its
    /// interval cap.
    pub fn run(&self, opts: &RunOptions<'_>) -> Result<StudyResult, RunError> {
        Ok(self.run_detailed(opts, None)?.1)
    }

    /// Adds the importance-sampling estimate of every deployment whose
    /// estimator is [`crate::study::Estimator::Importance`] to a result of
    /// [`Simulation::summarise`] ([`Simulation::run`] does this itself): its
    /// `estimator`, `unavailability` and `importance` fields. Each is run with
    /// the study's trials as cycles and its seed, so the figures are
    /// bit-identical on any number of threads.
    ///
    /// # Errors
    /// [`RunError::Estimator`] naming the deployment.
    pub fn estimate_rare(
        &self,
        result: &mut StudyResult,
        opts: &RunOptions<'_>,
    ) -> Result<(), RunError> {
        if opts.cancelled() {
            return Err(RunError::Cancelled);
        }
        let parts = self.rare_range(0..crate::rare::batches(self.trials), opts)?;
        self.finish_rare(result, &parts, opts)?;
        Ok(())
    }
}
