//! Size limits a study must respect before it runs, and why a run can fail.

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
    /// The rare-event estimator of a deployment could not run.
    #[error("deployment \"{deployment}\": importance sampling: {message}")]
    Estimator {
        /// The deployment.
        deployment: String,
        /// Why.
        message: String,
    },
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
    /// The run was asked for something it cannot do (a sharded run to a
    /// target precision); nothing was run.
    #[error("{0}")]
    Unsupported(String),
    /// The run was stopped through [`crate::RunOptions::cancel`] before it
    /// completed; no result was produced.
    #[error("the run was cancelled")]
    Cancelled,
    /// The thread pool could not be built.
    #[error("could not start {threads} worker threads: {message}")]
    ThreadPool {
        /// Requested threads.
        threads: usize,
        /// The underlying error.
        message: String,
    },
}
