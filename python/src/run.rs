//! Running off the GIL: the job on a thread of its own, signals and
//! progress on the calling thread; per-trial outcomes in parallel chunks.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use rayon::prelude::*;
use serde::Serialize;

use zonesim::RunOptions;
use zonesim::engine::{RunError, Simulation};
use zonesim::stats::TrialOutcome;

use crate::errors::{crate_error, internal};

/// How often a running call checks for signals (Ctrl-C) and reports progress.
const POLL: Duration = Duration::from_millis(50);

/// Trials per parallel unit of `trial_outcomes` (and per cancel check).
const OUTCOME_CHUNK: usize = 1024;

/// Per-trial downtime minutes, outage counts and longest outage minutes,
/// trial-major.
pub(crate) type OutcomeArrays = (Vec<f64>, Vec<u32>, Vec<f64>);

/// Fills the trial-major outcome arrays of `n / width` trials from `first`,
/// in parallel chunks; memory beyond the arrays is one outcome buffer per
/// thread.
pub(crate) fn outcomes(
    sim: &Simulation,
    first: u64,
    n: usize,
    width: usize,
    cancel: &AtomicBool,
    done: &AtomicU64,
) -> Result<OutcomeArrays, RunError> {
    let mut down = vec![0.0f64; n];
    let mut outs = vec![0u32; n];
    let mut long = vec![0.0f64; n];
    if width == 0 {
        return Ok((down, outs, long));
    }
    let rows = OUTCOME_CHUNK * width;
    down.par_chunks_mut(rows)
        .zip(outs.par_chunks_mut(rows))
        .zip(long.par_chunks_mut(rows))
        .enumerate()
        .try_for_each_init(Vec::<TrialOutcome>::new, |buf, (c, ((d, o), l))| {
            if cancel.load(Ordering::Relaxed) {
                return Err(RunError::Cancelled);
            }
            let start = first + (c * OUTCOME_CHUNK) as u64;
            let trials = d.len() / width;
            for t in 0..trials {
                sim.trial(start + t as u64, buf)?;
                debug_assert_eq!(buf.len(), width);
                for (j, x) in buf.iter().enumerate() {
                    d[t * width + j] = x.downtime_hours * 60.0;
                    o[t * width + j] = x.outages;
                    l[t * width + j] = x.longest_hours * 60.0;
                }
            }
            done.fetch_add(trials as u64, Ordering::Relaxed);
            Ok(())
        })?;
    Ok((down, outs, long))
}

/// Runs `job` on a thread of its own with the GIL released, checking for
/// signals every [`POLL`] on this thread and reporting progress. A signal
/// handler that raises (Ctrl-C: `KeyboardInterrupt`) or a progress callback
/// that raises sets the cancel flag; the job stops within a batch and that
/// exception is returned. Otherwise the job's own result comes back.
pub(crate) fn cancellable<T: Send>(
    py: Python<'_>,
    total: u64,
    progress: Option<&Bound<'_, PyAny>>,
    job: impl FnOnce(&AtomicBool, &AtomicU64) -> T + Send,
) -> PyResult<T> {
    let cancel = AtomicBool::new(false);
    let done = AtomicU64::new(0);
    std::thread::scope(|s| {
        let (tx, mut rx) = mpsc::channel::<()>();
        let (c, d) = (&cancel, &done);
        let handle = s.spawn(move || {
            let r = job(c, d);
            let _ = tx.send(());
            r
        });
        let mut raised: Option<PyErr> = None;
        loop {
            let (back, got) = py.detach(move || {
                let got = rx.recv_timeout(POLL);
                (rx, got)
            });
            rx = back;
            match got {
                Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => break,
                Err(mpsc::RecvTimeoutError::Timeout) => {}
            }
            if raised.is_some() {
                continue;
            }
            let report = || -> PyResult<()> {
                py.check_signals()?;
                if let Some(p) = progress {
                    p.call1((done.load(Ordering::Relaxed).min(total), total))?;
                }
                Ok(())
            };
            if let Err(e) = report() {
                cancel.store(true, Ordering::Relaxed);
                raised = Some(e);
            }
        }
        let joined = py.detach(move || handle.join());
        if let Some(e) = raised {
            return Err(e);
        }
        let r = joined.map_err(|_| PyRuntimeError::new_err("zonesim: a run panicked"))?;
        if let Some(p) = progress {
            p.call1((total, total))?;
        }
        Ok(r)
    })
}

/// Runs `job` off the GIL (Ctrl-C and progress as `NativeStudy.run`) and
/// returns its result's JSON.
pub(crate) fn run_json<T: Serialize + Send>(
    py: Python<'_>,
    name: &str,
    total: u64,
    threads: Option<usize>,
    progress: Option<Bound<'_, PyAny>>,
    job: impl FnOnce(&RunOptions<'_>) -> Result<T, zonesim::Error> + Send,
) -> PyResult<String> {
    let result = cancellable(py, total, progress.as_ref(), |cancel, done| {
        let tick = |n: u64| {
            done.fetch_add(n, Ordering::Relaxed);
        };
        let mut opts = RunOptions::new().progress(&tick).cancel(cancel);
        if let Some(t) = threads {
            opts = opts.threads(t);
        }
        job(&opts)
    })?
    .map_err(|e| crate_error(py, name, e))?;
    serde_json::to_string(&result).map_err(internal)
}
