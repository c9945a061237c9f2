//! The drivers: all batches on the calling thread, or spread over a pool.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use super::accumulate::Worker;
use super::{Accumulators, BATCH_TRIALS, RunError, RunOptions, Simulation};

impl Simulation {
    /// Runs all trials and returns the raw accumulators (for planners and
    /// other tools that need more than the summary).
    ///
    /// # Errors
    /// As [`Simulation::run`].
    pub fn run_accumulators(&self, opts: &RunOptions<'_>) -> Result<Accumulators, RunError> {
        // Each worker thread holds one set of accumulators: within the memory
        // budget, run on fewer threads (the results do not change), or refuse
        // before running when even one would not fit.
        let requested = opts
            .threads
            .unwrap_or_else(rayon::current_num_threads)
            .max(1);
        let threads = self.worker_threads(Some(requested))?;
        let threads = if opts.threads.is_none() && threads == requested {
            None
        } else {
            Some(threads)
        };
        match threads {
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
            if opts.cancelled() {
                return Err(RunError::Cancelled);
            }
            let first = b * BATCH_TRIALS;
            let last = (first + BATCH_TRIALS).min(self.trials);
            worker.run_batch(self, first, last)?;
            if let Some(p) = opts.progress {
                p(last - first);
            }
        }
        // The worker's accumulators are the run's: no second set in memory.
        Ok(worker.acc)
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
            if opts.cancelled() {
                return Err(RunError::Cancelled);
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
