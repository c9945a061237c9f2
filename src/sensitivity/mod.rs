//! Which parameter the answer hinges on: parameter paths, sweeps over one or
//! two of them, and the tornado summary.
//!
//! A [`ParamPath`] names one number of a study the way a scenario file
//! does: `zone.ID.time_to_repair.median`,
//! `common_cause.NAME.time_to_failure.mean` (or `.zone_recovery.P`),
//! `deployment.NAME.rule.active_passive.failover_hours`,
//! `deployment.NAME.replica_failures.time_to_failure.mean` (or
//! `release_failures`), and the numbers of a maintenance schedule:
//! `maintenance.NAME.duration_hours` (`every_hours`, `offset_hours`) for a
//! `[[maintenance]]` of zones, `deployment.NAME.maintenance.duration_hours`
//! for a deployment's replica maintenance. An id may hold one
//! `*` to name every zone (cause, deployment) whose id starts with what
//! precedes it and ends with what follows it (`alibaba-fr-par-*`,
//! `*-region-event`); `*` alone names them all. Besides each distribution's own
//! parameters (`mean`; `shape`, `scale`; `median`, `sigma`; `low`, `high`;
//! `value`), every duration has two derived ones: `mean` (the distribution
//! scaled to that mean, its shape kept) and `per_year` (events a year:
//! the mean set to 8760 / value hours).
//!
//! [`sweep`] runs the study at every point of a grid of one or two paths
//! with the study's seed and every process on a stream of its own
//! ([`crate::Simulation::with_process_streams`]), so that every point sees the
//! same random numbers (common random numbers): a process whose parameters
//! do not change draws exactly the same outages at every point, and one
//! whose parameters change draws from the same uniforms (exactly coupled
//! for the exponential, Weibull, lognormal, uniform and fixed laws; the
//! gamma sampler's rejection steps couple only partly). Differences
//! between points are then the parameter's effect, not noise. Because the
//! streams are laid out per process, a sweep's point is not bit-identical
//! to `zonesim run` of the same study and seed (a different, equally valid
//! sample). [`tornado`] moves each parameter alone to the ends of its
//! range and ranks them by how far a figure moves; [`catalog_ranges`] are
//! the ranges the catalogue states.
//!
//! ```
//! use zonesim::prelude::*;
//! use zonesim::sensitivity::{sweep, Axis, ParamPath};
//!
//! let exp = |m| Duration::exponential(m).unwrap();
//! let study = Study::new(Settings::new(2000, 8760.0))
//!     .region(Region::new("r", "R", "p", "FR"))
//!     .zone(Zone::new("a", "r", exp(2000.0), exp(10.0)))
//!     .deployment(Deployment::new("one", ["a"], Rule::AtLeast(1)));
//! let path: ParamPath = "zone.a.time_to_repair.mean".parse().unwrap();
//! let axis = Axis::new(path, vec![5.0, 10.0, 20.0]);
//! let result = sweep(&study, &[axis], &RunOptions::default()).unwrap();
//! let a: Vec<f64> = result.points.iter().map(|p| p.deployments[0].mean_availability).collect();
//! assert!(a[0] > a[1] && a[1] > a[2]); // same streams: longer repairs, less available
//! ```

mod path;
mod resolve;
mod slots;
mod sweep;
mod tornado;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_schedule;

pub use path::ParamPath;
pub use sweep::{Axis, PointFigures, SweepPoint, SweepResult, run_at, sweep};
pub use tornado::{
    Figure, SweepSpec, TornadoBar, TornadoParam, TornadoResult, catalog_ranges, tornado,
};

/// `x` rounded to six significant digits (`0.045`, not
/// `0.045000000000000005`): how tables and the fit's TOML overrides write
/// fitted and derived values.
///
/// ```
/// assert_eq!(zonesim::sensitivity::six_digits(0.1 + 0.2), 0.3);
/// assert_eq!(zonesim::sensitivity::six_digits(60410.2734), 60410.3);
/// ```
// Rounding for display: `std`'s log10 and powi may stay (clippy.toml).
#[allow(clippy::disallowed_methods)]
pub fn six_digits(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let e = x.abs().log10().floor() as i32;
    let f = 10f64.powi(5 - e);
    (x * f).round() / f
}

/// Hours in a year, for `per_year` paths.
pub const HOURS_PER_YEAR: f64 = 8760.0;

/// Why a parameter path, value or sweep is not usable.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ParamError {
    /// The path does not have the form of a parameter path.
    #[error(
        "\"{path}\" is not a parameter path: {reason}; the forms are zone.ID.time_to_failure.P, \
         zone.ID.time_to_repair.P, common_cause.NAME.time_to_failure.P (or time_to_repair, \
         zone_recovery), deployment.NAME.replica_failures.time_to_failure.P (or time_to_repair; \
         or release_failures), deployment.NAME.rule.active_passive.failover_hours, \
         maintenance.NAME.duration_hours (or every_hours, offset_hours), \
         deployment.NAME.maintenance.duration_hours (or every_hours, offset_hours)"
    )]
    BadPath {
        /// The path as given.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// The path names nothing in this study.
    #[error("{path}: {reason}")]
    NotFound {
        /// The path.
        path: String,
        /// What was not found.
        reason: String,
    },
    /// The value cannot be given to the parameter.
    #[error("{path} = {value}: {reason}")]
    BadValue {
        /// The path.
        path: String,
        /// The value.
        value: f64,
        /// Why (the distribution's own check).
        reason: String,
    },
    /// A sweep or tornado that cannot run (no axis, too many, no values).
    #[error("{0}")]
    BadSweep(String),
}
