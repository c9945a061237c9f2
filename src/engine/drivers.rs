//! The drivers: all batches on the calling thread, or spread over a pool;
//! a range of batches (one shard of a run), windows of batches that end at
//! fixed checkpoints (a target precision) and a per-trial observer called in
//! trial order (the per-trial export).
//!
//! Every driver runs the same batches of [`BATCH_TRIALS`] trials, each from
//! its own random streams, and every accumulator merges exactly: a range of
//! batches, a window or a thread gives the same bits as any other split.

use std::ops::Range;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::rare::{Excursion, RareAccumulator, RareOptions};
use crate::stats::TrialOutcome;
use crate::study::Estimator;

use super::accumulate::Worker;
use super::{Accumulators, BATCH_TRIALS, RunError, RunOptions, Simulation, StudyResult};

/// Called once per trial, in trial order on the calling thread, with the
/// trial's index `i`, one outcome per deployment (study order) and, for each
/// deployment estimated by importance sampling
/// ([`Simulation::rare_deployments`], in that order), its excursion number
/// `i` (the estimate runs as many excursions as trials, in the same
/// batches; an excursion is not a trial: see [`crate::rare::Excursion`]);
/// returning `false` stops the run after the current window of batches.
pub type TrialObserver<'a> = dyn FnMut(u64, &[TrialOutcome], &[Excursion]) -> bool + 'a;

// Excursion `i` goes with trial `i`: the same batches hold both.
const _: () = assert!(BATCH_TRIALS == crate::rare::CYCLES_PER_BATCH);

/// The importance-sampling sums of one deployment over a range of batches
/// of excursions ([`Simulation::rare_range`]).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct RarePart {
    /// The deployment's name.
    pub deployment: String,
    /// Its exact, mergeable sums.
    pub acc: RareAccumulator,
}

/// Where the batches of a run execute.
pub(super) enum Exec {
    /// On the calling thread, in order (one thread: no pool to start).
    Here,
    /// On the current (global) pool.
    Current,
    /// On a pool of its own.
    Pool(rayon::ThreadPool),
}

impl Exec {
    fn install<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        match self {
            Exec::Here | Exec::Current => f(),
            Exec::Pool(p) => p.install(f),
        }
    }
}

impl Simulation {
    /// Batches of [`BATCH_TRIALS`] trials the run holds (the last may be
    /// shorter): the units a run is split into, over threads or shards.
    pub fn batches(&self) -> u64 {
        self.trials.div_ceil(BATCH_TRIALS)
    }

    /// The batches of shard `index` of `count` (0-based): the run's batches
    /// split into `count` contiguous ranges as evenly as possible. Shards
    /// split on batch boundaries, so merging every shard's accumulators gives
    /// exactly the accumulators of one run, whatever `count` is (a shard may
    /// be empty when `count` exceeds the batches).
    ///
    /// ```
    /// use zonesim::prelude::*;
    /// let mut study = Study::new(Settings::new(10_000, 720.0))
    ///     .region(Region::new("r", "R", "p", "FR"));
    /// let exp = |m| Duration::exponential(m).unwrap();
    /// study = study.zone(Zone::new("a", "r", exp(2190.0), exp(4.0)));
    /// let study = study.deployment(Deployment::new("one", ["a"], Rule::AtLeast(1)));
    /// let sim = Simulation::new(&study).unwrap();
    /// assert_eq!(sim.batches(), 10);
    /// let ranges: Vec<_> = (0..3).map(|i| sim.shard_batches(i, 3)).collect();
    /// assert_eq!(ranges, [0..3, 3..6, 6..10]);
    /// ```
    pub fn shard_batches(&self, index: u64, count: u64) -> Range<u64> {
        let count = count.max(1);
        let index = index.min(count);
        let n = self.batches();
        let at = |i: u64| ((n as u128 * i as u128) / count as u128) as u64;
        at(index)..at(index + 1)
    }

    /// Runs all trials and returns the raw accumulators (for planners and
    /// other tools that need more than the summary).
    ///
    /// # Errors
    /// As [`Simulation::run`].
    pub fn run_accumulators(&self, opts: &RunOptions<'_>) -> Result<Accumulators, RunError> {
        self.run_range(0..self.batches(), opts)
    }

    /// Runs the trials of batches `batches` only (one shard of a run, see
    /// [`Simulation::shard_batches`]) and returns their accumulators; merging
    /// those of every range ([`Accumulators::merge`]) gives exactly
    /// [`Simulation::run_accumulators`].
    ///
    /// # Errors
    /// As [`Simulation::run`].
    pub fn run_range(
        &self,
        batches: Range<u64>,
        opts: &RunOptions<'_>,
    ) -> Result<Accumulators, RunError> {
        let batches = batches.start.min(self.batches())..batches.end.min(self.batches());
        let exec = self.executor(opts)?;
        self.run_windows(
            &exec,
            batches.clone(),
            opts,
            batches.end,
            &mut None,
            |_, _, _| true,
        )
    }

    /// Runs batches `batches` and calls `observer` for every trial, in trial
    /// order whatever the number of threads, with one outcome per deployment
    /// and the excursions of the same index of every importance-sampled
    /// deployment (run for it, batch by batch; see [`TrialObserver`]).
    /// Batches run in windows of a few per thread, so memory stays bounded
    /// (about 16 batches' outcomes) whatever the number of trials. When the
    /// observer returns `false` it is not called again, and the run stops
    /// after the current window and returns the accumulators of the trials
    /// run.
    ///
    /// # Errors
    /// As [`Simulation::run`].
    pub fn run_observed(
        &self,
        batches: Range<u64>,
        opts: &RunOptions<'_>,
        observer: &mut TrialObserver<'_>,
    ) -> Result<Accumulators, RunError> {
        let batches = batches.start.min(self.batches())..batches.end.min(self.batches());
        let exec = self.executor(opts)?;
        let window = super::CHECKPOINT_BATCHES;
        self.run_windows(
            &exec,
            batches,
            opts,
            window,
            &mut Some(observer),
            |_, _, _| true,
        )
    }

    /// The importance-sampling sums of every deployment whose estimator is
    /// [`Estimator::Importance`], over batches `batches` of its excursions
    /// (the study's trials are its cycles, [`crate::rare::CYCLES_PER_BATCH`]
    /// to a batch). With [`Simulation::finish_rare`] over every batch, this
    /// is [`Simulation::estimate_rare`]; ranges merge exactly.
    ///
    /// # Errors
    /// [`RunError::Estimator`] naming the deployment.
    pub fn rare_range(
        &self,
        batches: Range<u64>,
        opts: &RunOptions<'_>,
    ) -> Result<Vec<RarePart>, RunError> {
        let rare = self.rare_options(opts);
        self.rare_deployments()
            .map(|name| {
                if opts.cancelled() {
                    return Err(RunError::Cancelled);
                }
                crate::rare::accumulate(&self.study, name, &rare, batches.clone())
                    .map(|acc| RarePart {
                        deployment: name.to_string(),
                        acc,
                    })
                    .map_err(|e| RunError::Estimator {
                        deployment: name.to_string(),
                        message: e.to_string(),
                    })
            })
            .collect()
    }

    /// [`Simulation::rare_range`] on `exec`, with every excursion of the
    /// batches in order, for an observer.
    fn rare_recorded(
        &self,
        exec: &Exec,
        batches: Range<u64>,
        opts: &RunOptions<'_>,
    ) -> Result<Vec<(RarePart, Vec<Excursion>)>, RunError> {
        let mut rare = self.rare_options(opts);
        // On `exec`'s threads (the results do not depend on them).
        rare.threads = None;
        self.rare_deployments()
            .map(|name| {
                if opts.cancelled() {
                    return Err(RunError::Cancelled);
                }
                exec.install(|| {
                    crate::rare::accumulate_recorded(&self.study, name, &rare, batches.clone())
                })
                .map(|(acc, records)| {
                    let deployment = name.to_string();
                    (RarePart { deployment, acc }, records)
                })
                .map_err(|e| RunError::Estimator {
                    deployment: name.to_string(),
                    message: e.to_string(),
                })
            })
            .collect()
    }

    /// Adds to `result` the importance-sampling estimate of each deployment
    /// of `parts` (sums over every batch of its excursions, from
    /// [`Simulation::rare_range`]): its `estimator`, `unavailability` and
    /// `importance` fields.
    ///
    /// # Errors
    /// [`RunError::Estimator`] naming the deployment (one that is not an
    /// importance-sampled deployment of this study).
    pub fn finish_rare(
        &self,
        result: &mut StudyResult,
        parts: &[RarePart],
        opts: &RunOptions<'_>,
    ) -> Result<(), RunError> {
        let rare = self.rare_options(opts);
        for part in parts {
            let err = |message: String| RunError::Estimator {
                deployment: part.deployment.clone(),
                message,
            };
            let summary = result
                .deployments
                .iter_mut()
                .find(|s| s.name == part.deployment)
                .ok_or_else(|| err("not a deployment of the study".into()))?;
            let e = crate::rare::finish(&self.study, &part.deployment, &part.acc, &rare)
                .map_err(|e| err(e.to_string()))?;
            summary.estimator = Estimator::Importance;
            summary.unavailability = crate::stats::Unavailability {
                mean: e.unavailability.mean,
                ci95: e.unavailability.ci95,
                relative_error: e.unavailability.relative_error,
            };
            summary.importance = Some(e);
        }
        Ok(())
    }

    /// The validated study this simulation was compiled from.
    pub fn study(&self) -> &crate::study::Study {
        &self.study
    }

    /// The names of the deployments estimated by importance sampling, in
    /// study order.
    pub fn rare_deployments(&self) -> impl Iterator<Item = &str> {
        let default = self.study.simulation.estimator;
        self.study
            .deployments
            .iter()
            .filter(move |d| d.estimator.unwrap_or(default) == Estimator::Importance)
            .map(|d| d.name.as_str())
    }

    /// The rare-event options of this run: the study's seed, its trials as
    /// cycles, the run's threads.
    pub(super) fn rare_options(&self, opts: &RunOptions<'_>) -> RareOptions {
        let mut rare = RareOptions::for_study(&self.study);
        rare.cycles = self.trials;
        rare.threads = opts.threads;
        rare
    }

    /// Where a run's batches execute: each worker thread holds one set of
    /// accumulators, so within the memory budget run on fewer threads (the
    /// results do not change), or refuse before running when even one would
    /// not fit.
    pub(super) fn executor(&self, opts: &RunOptions<'_>) -> Result<Exec, RunError> {
        let requested = opts
            .threads
            .unwrap_or_else(rayon::current_num_threads)
            .max(1);
        let threads = self.worker_threads(Some(requested))?;
        if opts.threads.is_none() && threads == requested {
            return Ok(Exec::Current);
        }
        if threads <= 1 {
            return Ok(Exec::Here);
        }
        // The global pool already has that many threads: building a new
        // pool per run would only add its start-up cost.
        if rayon::current_thread_index().is_none() && threads == rayon::current_num_threads() {
            return Ok(Exec::Current);
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map(Exec::Pool)
            .map_err(|e| RunError::ThreadPool {
                threads,
                message: e.to_string(),
            })
    }

    /// The trials of batch `b`.
    fn batch_trials(&self, b: u64) -> (u64, u64) {
        let first = b * BATCH_TRIALS;
        (first, (first + BATCH_TRIALS).min(self.trials))
    }

    /// Runs `batches` in windows of `window` batches (the last may be
    /// shorter). Within a window the batches run in parallel on `exec` (or
    /// in order on the calling thread); after each window the observer, if
    /// any, sees that window's trials in order (with the same batches of
    /// excursions of every importance-sampled deployment, run for it), then
    /// `checkpoint` is called with the end of the window, the sets of
    /// accumulators (one per worker; their merge is the run so far) and,
    /// with an observer, the importance-sampling sums of the window's
    /// excursions; the run goes on while both return `true`. Each worker
    /// thread keeps one set; the first becomes the total.
    pub(super) fn run_windows(
        &self,
        exec: &Exec,
        batches: Range<u64>,
        opts: &RunOptions<'_>,
        window: u64,
        observer: &mut Option<&mut TrialObserver<'_>>,
        mut checkpoint: impl FnMut(u64, &[&Accumulators], Option<&[RarePart]>) -> bool,
    ) -> Result<Accumulators, RunError> {
        let here = matches!(exec, Exec::Here);
        let threads = exec.install(rayon::current_num_threads);
        let slots: Vec<Mutex<Option<Worker>>> = (0..if here { 1 } else { threads })
            .map(|_| Mutex::new(None))
            .collect();
        let failed = AtomicBool::new(false);
        let keep = observer.is_some();
        let window = window.max(1);
        let mut start = batches.start;
        while start < batches.end {
            let end = (start + window).min(batches.end);
            let run_batch = |b: u64| -> Result<Vec<TrialOutcome>, RunError> {
                if failed.load(Ordering::Relaxed) {
                    return Ok(Vec::new());
                }
                if opts.cancelled() {
                    failed.store(true, Ordering::Relaxed);
                    return Err(RunError::Cancelled);
                }
                // Which thread's worker records a batch does not matter:
                // every accumulator merges exactly.
                let slot = rayon::current_thread_index().unwrap_or(0) % slots.len();
                let mut guard = slots[slot].lock().unwrap_or_else(|e| e.into_inner());
                let worker = guard.get_or_insert_with(|| Worker::new(self));
                let (first, last) = self.batch_trials(b);
                let mut rows = Vec::new();
                let r = worker.run_batch(self, first, last, keep.then_some(&mut rows));
                drop(guard);
                if r.is_err() {
                    failed.store(true, Ordering::Relaxed);
                }
                if let Some(p) = opts.progress {
                    p(last - first);
                }
                r.map(|()| rows)
            };
            // Only an observer needs the window's outcomes; without one,
            // nothing is kept per batch.
            let rows: Vec<Vec<TrialOutcome>> = match (here, keep) {
                (true, true) => (start..end).map(run_batch).collect::<Result<_, _>>()?,
                (true, false) => {
                    for b in start..end {
                        run_batch(b)?;
                    }
                    Vec::new()
                }
                (false, true) => exec.install(|| {
                    (start..end)
                        .into_par_iter()
                        .map(run_batch)
                        .collect::<Result<_, _>>()
                })?,
                (false, false) => {
                    exec.install(|| {
                        (start..end)
                            .into_par_iter()
                            .try_for_each(|b| run_batch(b).map(drop))
                    })?;
                    Vec::new()
                }
            };
            let mut go_on = true;
            let mut window_rare = None;
            if let Some(obs) = observer.as_mut() {
                let rare = self.rare_recorded(exec, start..end, opts)?;
                let first_trial = self.batch_trials(start).0;
                let mut excursions = Vec::with_capacity(rare.len());
                let per_trial = self.deployments.len().max(1);
                for (b, batch_rows) in (start..end).zip(&rows) {
                    let (first, _) = self.batch_trials(b);
                    for (t, outcomes) in (first..).zip(batch_rows.chunks(per_trial)) {
                        excursions.clear();
                        let i = (t - first_trial) as usize;
                        excursions.extend(rare.iter().filter_map(|(_, r)| r.get(i).copied()));
                        // Once it said stop, the observer is not called again.
                        go_on = go_on && obs(t, outcomes, &excursions);
                    }
                }
                window_rare = Some(rare.into_iter().map(|(p, _)| p).collect::<Vec<_>>());
            }
            drop(rows);
            start = end;
            {
                let guards: Vec<_> = slots
                    .iter()
                    .map(|s| s.lock().unwrap_or_else(|e| e.into_inner()))
                    .collect();
                let sets: Vec<&Accumulators> = guards
                    .iter()
                    .filter_map(|g| g.as_ref().map(|w| &w.acc))
                    .collect();
                // Called after every window run, even once the observer said
                // stop: the window's trials are in the accumulators.
                let more = checkpoint(end, &sets, window_rare.as_deref());
                go_on = go_on && more;
            }
            if !go_on {
                break;
            }
        }
        // Merge into the first worker's accumulators rather than a fresh set,
        // so that the run never holds more sets than threads.
        let mut total: Option<Accumulators> = None;
        for slot in slots {
            if let Some(w) = slot.into_inner().unwrap_or_else(|e| e.into_inner()) {
                match &mut total {
                    None => total = Some(w.acc),
                    Some(t) => t.merge(&w.acc),
                }
            }
        }
        Ok(total.unwrap_or_else(|| Accumulators::new(self)))
    }

    /// The worker threads a run asked for `requested` threads (`None`: one
    /// per core of the current pool) will use: at most as many as the memory
    /// budget affords, each holding one set of accumulators
    /// ([`Simulation::accumulator_bytes`]). Results do not depend on it.
    ///
    /// # Errors
    /// [`RunError::TooLarge`] when even one thread's accumulators exceed the
    /// budget ([`Simulation::with_memory_budget`]).
    pub fn worker_threads(&self, requested: Option<usize>) -> Result<usize, RunError> {
        let requested = requested.unwrap_or_else(rayon::current_num_threads).max(1);
        let per_thread = self.accumulator_bytes();
        let affordable = self.memory_budget / per_thread.max(1);
        if affordable == 0 {
            return Err(RunError::TooLarge(format!(
                "{} deployments need about {per_thread} bytes ({:.0} MiB) of statistics per worker \
                 thread, over the memory budget of {} bytes ({:.0} MiB); run fewer deployments \
                 at once",
                self.deployments.len(),
                per_thread as f64 / (1u64 << 20) as f64,
                self.memory_budget,
                self.memory_budget as f64 / (1u64 << 20) as f64,
            )));
        }
        Ok(requested.min(affordable))
    }
}
