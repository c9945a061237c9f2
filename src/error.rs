//! The crate's umbrella error.

use crate::engine::RunError;
use crate::plan::PlanError;
#[cfg(feature = "scenario")]
use crate::scenario::ScenarioError;
use crate::study::StudyError;

/// Any error zonesim's library returns. Each variant wraps the error of one
/// phase; `source()` gives it back.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The study is invalid (every problem is listed).
    #[error(transparent)]
    Study(#[from] StudyError),
    /// The run could not complete.
    #[error(transparent)]
    Run(#[from] RunError),
    /// The `[plan]` spec is invalid (every problem is listed).
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// A picture could not be drawn.
    #[cfg(feature = "plot")]
    #[error(transparent)]
    Plot(#[from] crate::plot::PlotError),
    /// A scenario file could not be loaded (parse error or invalid study).
    #[cfg(feature = "scenario")]
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
}
