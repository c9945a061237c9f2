//! The crate's umbrella error.
//!
//! Every fallible function of the library returns [`Error`] (or the error of
//! its own phase, which converts into it). An `Error` is one pointer wide, so
//! `Result<T, Error>` stays small; [`Error::kind`] tells what went wrong and
//! [`std::error::Error::source`] gives the phase's own error back.
//!
//! ```
//! use zonesim::prelude::*;
//! use zonesim::{ErrorKind, Phase};
//!
//! let study = Study::new(Settings::new(0, 8760.0));
//! let err = zonesim::run(&study).unwrap_err();
//! assert_eq!(err.phase(), Phase::Build);
//! let ErrorKind::Study(problems) = err.kind() else { panic!("{err}") };
//! assert!(problems.problems.iter().any(|p| p.at == "simulation.trials"));
//! assert!(std::error::Error::source(&err).is_some());
//! ```

use std::fmt;

use crate::engine::RunError;
use crate::plan::PlanError;
#[cfg(feature = "scenario")]
use crate::scenario::ScenarioError;
use crate::study::StudyError;

/// Any error zonesim's library returns: a boxed [`ErrorKind`].
pub struct Error(Box<ErrorKind>);

/// What went wrong, one variant per phase's error.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A scenario file could not be read or parsed, or does not hold a valid
    /// study (every problem is listed, each with its line).
    #[cfg(feature = "scenario")]
    Scenario(ScenarioError),
    /// The study is invalid (every problem is listed).
    Study(StudyError),
    /// The `[plan]` spec is invalid (every problem is listed).
    Plan(PlanError),
    /// The run could not start or complete.
    Run(RunError),
    /// A picture could not be drawn.
    #[cfg(feature = "plot")]
    Plot(crate::plot::PlotError),
    /// An incident log could not be read or fitted (feature `fit`).
    #[cfg(feature = "fit")]
    Fit(crate::fit::FitError),
    /// A parameter path, sweep or uncertain parameter is invalid.
    Param(crate::sensitivity::ParamError),
}

/// The phase an error comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Phase {
    /// Reading and parsing input (a scenario file).
    Load,
    /// Building the validated model: the study or the plan is invalid, or
    /// too large to run.
    Build,
    /// Running the simulation.
    Run,
    /// Rendering results (pictures).
    Render,
}

impl Error {
    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// The kind, by value.
    pub fn into_kind(self) -> ErrorKind {
        *self.0
    }

    /// The phase the error comes from. A study refused as too large counts as
    /// [`Phase::Build`]: it was refused before anything ran.
    pub fn phase(&self) -> Phase {
        match self.kind() {
            #[cfg(feature = "scenario")]
            ErrorKind::Scenario(ScenarioError::Invalid { .. }) => Phase::Build,
            #[cfg(feature = "scenario")]
            ErrorKind::Scenario(_) => Phase::Load,
            ErrorKind::Study(_) | ErrorKind::Plan(_) => Phase::Build,
            ErrorKind::Run(RunError::TooLarge(_)) => Phase::Build,
            ErrorKind::Run(_) => Phase::Run,
            #[cfg(feature = "plot")]
            ErrorKind::Plot(_) => Phase::Render,
            #[cfg(feature = "fit")]
            ErrorKind::Fit(_) => Phase::Load,
            ErrorKind::Param(_) => Phase::Build,
        }
    }

    fn inner(&self) -> &(dyn std::error::Error + 'static) {
        match self.kind() {
            #[cfg(feature = "scenario")]
            ErrorKind::Scenario(e) => e,
            ErrorKind::Study(e) => e,
            ErrorKind::Plan(e) => e,
            ErrorKind::Run(e) => e,
            #[cfg(feature = "plot")]
            ErrorKind::Plot(e) => e,
            #[cfg(feature = "fit")]
            ErrorKind::Fit(e) => e,
            ErrorKind::Param(e) => e,
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Error").field(&self.0).finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.inner(), f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.inner())
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error(Box::new(kind))
    }
}

macro_rules! from_phase {
    ($($(#[$m:meta])* $ty:ty => $variant:ident),* $(,)?) => {$(
        $(#[$m])*
        impl From<$ty> for Error {
            fn from(e: $ty) -> Self {
                Error(Box::new(ErrorKind::$variant(e)))
            }
        }
    )*};
}

from_phase! {
    #[cfg(feature = "scenario")]
    ScenarioError => Scenario,
    StudyError => Study,
    PlanError => Plan,
    RunError => Run,
    #[cfg(feature = "plot")]
    crate::plot::PlotError => Plot,
    #[cfg(feature = "fit")]
    crate::fit::FitError => Fit,
    crate::sensitivity::ParamError => Param,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_is_one_pointer_wide() {
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
        assert!(std::mem::size_of::<Result<(), Error>>() <= 16);
    }

    #[test]
    fn source_gives_the_phase_error_back() {
        let e: Error = PlanError { problems: vec![] }.into();
        let src = std::error::Error::source(&e).expect("a source");
        assert!(src.downcast_ref::<PlanError>().is_some());
        assert_eq!(e.phase(), Phase::Build);
    }
}
