//! Streaming statistics whose merge is exact, and the summaries they produce.
//!
//! Every accumulator here merges *exactly*: integer counts, HDR histograms
//! (integer counts per bucket) and [`ExactSum`], a fixed-point sum of `f64`
//! values with no rounding. Merging is therefore associative and commutative,
//! so the result does not depend on how trials were split across threads: the
//! same seed gives bit-identical summaries on any number of threads.

//!
//! The parts: [`ExactSum`] (`exact_sum`), [`DurationHistogram`]
//! (`histogram`), intervals and moments (`ci`), [`DeploymentAccumulator`]
//! (`accumulator`), SLA windows and credits (`windows`) and the summaries
//! they produce (`summary`).

mod accumulator;
mod ci;
mod exact_sum;
mod histogram;
mod summary;
mod windows;

pub use accumulator::{DeploymentAccumulator, TrialOutcome, meets_target};
pub(crate) use ci::wilson;
pub use ci::{Z95, mean_var, wilson_ci95};
pub use exact_sum::{ExactSum, exact_sample_variance};
pub use histogram::{DurationHistogram, PERCENTILE_SIGNIFICANT_DIGITS};
pub use summary::{
    AvailabilityStats, DeploymentSummary, DowntimeStats, LongestStats, OutageStats,
    PERCENTILE_LEVELS, Percentiles, SlaStat, Unavailability,
};
pub use windows::{
    CreditBand, CreditStats, DEFAULT_SLA_WINDOW_HOURS, MAX_CREDIT_BANDS, MAX_SLA_TARGETS,
    WindowAccumulator, WindowOutcome, WindowRules, WindowSla, WindowStats,
};
