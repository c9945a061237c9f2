//! # zonesim
//!
//! Monte Carlo availability of replicated deployments across cloud
//! availability zones: *if zones fail the way they really do, how often is my
//! deployment down, and how bad can a bad year get?*
//!
//! A [`Study`] holds regions and zones (each with its own failure and repair
//! process), common causes that take groups of zones down together, and
//! deployments (replicas placed in zones, with a rule for when the service is
//! up). Each trial samples every zone's and common cause's outage timeline
//! once over the horizon and judges **every deployment on the same
//! timelines**, so strategies are compared on identical outages. Results are
//! distributions: mean availability with its confidence interval,
//! percentiles of availability and downtime, outage counts, the longest
//! outage and the probability of meeting SLA targets.
//!
//! ```
//! use zonesim::prelude::*;
//!
//! # fn main() -> Result<(), zonesim::Error> {
//! let hours = |m| Duration::exponential(m).unwrap();
//! let mut study = Study::new(Settings::new(20_000, 8760.0))
//!     .region(Region::new("par", "Paris", "example", "FR"));
//! for id in ["par-a", "par-b"] {
//!     study = study.zone(Zone::new(
//!         id,
//!         "par",
//!         hours(43_800.0),                    // ~0.2 outages a year
//!         Duration::lognormal(2.0, 1.5).unwrap(),
//!     ));
//! }
//! let study = study
//!     .common_cause(CommonCause::new("campus", ["par"], hours(438_000.0), hours(12.0)))
//!     .deployment(Deployment::new("single", ["par-a"], Rule::AtLeast(1)))
//!     .deployment(Deployment::new("pair", ["par-a", "par-b"], Rule::AtLeast(1)));
//!
//! let result = zonesim::run(&study)?;       // validated, compiled, all cores
//! let single = result.deployment("single").expect("a deployment of the study");
//! let pair = result.deployment("pair").expect("a deployment of the study");
//! assert!(pair.availability.mean > single.availability.mean);
//! println!("{:.6} [{:.6}, {:.6}]", pair.availability.mean,
//!          pair.availability.ci95[0], pair.availability.ci95[1]);
//! // Both see the same outages: the pair is never down when the single zone is up.
//! assert_eq!(result.comparison.against[0].p_more_downtime, 0.0);
//! # Ok(()) }
//! ```
//!
//! ## Features
//!
//! | feature | adds |
//! |---|---|
//! | (none) | the engine, studies in code, results, [`plan`], [`rare`] events, [`analytic`] values, JSON through serde |
//! | `scenario` | `scenario`: TOML and JSON files with located errors, catalogue dumps |
//! | `plot` | `plot`: SVG pictures as strings |
//! | `cli` (default) | the `zonesim` binary; implies both |
//!
//! ## Architecture in brief
//!
//! Raw input (a scenario file, or [`Study`] built with constructors) is
//! checked once by [`Study::validate`] when it becomes a [`Simulation`]
//! (compiled: samplers, indices, limits, [`diagnostics`]). Each trial samples
//! every process's timeline ([`engine`]), merges the events and judges every
//! deployment's rule on them; exactly mergeable accumulators ([`stats`]) are
//! summarised into a [`StudyResult`], to which importance-sampled
//! deployments add their [`rare`] estimate. Errors are one [`Error`] with an
//! [`ErrorKind`] per phase. The repository's `ARCHITECTURE.md` has the module
//! map and where a new rule, distribution or estimator goes.
//!
//! Modules, from parameters to results: [`distributions`] (durations),
//! [`topology`] (regions, zones, common causes), [`deployment`] (replicas and
//! rules), [`study`] (settings and validation), [`engine`] (the parallel,
//! reproducible Monte Carlo run) and [`stats`] (exactly mergeable streaming
//! statistics and the summaries).
#![warn(missing_docs)]
// Figures call `libm`'s elementary functions, never `std`'s (clippy.toml,
// issue 16); unit tests may compute their expected values with `std`'s.
#![cfg_attr(test, allow(clippy::disallowed_methods))]

/// The README's Rust examples, compiled and run as doc-tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

pub mod analytic;
pub mod catalog;
pub mod deployment;
pub mod diagnostics;
pub mod distributions;
pub mod engine;
pub mod error;
#[cfg(feature = "fit")]
pub mod fit;
mod lookup;
pub mod partial;
pub mod plan;
#[cfg(feature = "plot")]
pub mod plot;
pub mod rare;
#[cfg(feature = "scenario")]
pub mod scenario;
pub mod sensitivity;
pub mod service;
pub mod stats;
pub mod study;
pub mod topology;
pub mod uncertainty;

pub use engine::{RunOptions, Simulation, StudyResult};
pub use error::{Error, ErrorKind, Phase};
pub use study::{Settings, Start, Study};

/// Everything needed to build and run a study in code.
pub mod prelude {
    pub use crate::deployment::{Deployment, ReplicaMaintenance, Rule};
    pub use crate::distributions::Duration;
    pub use crate::engine::{RunOptions, Simulation, StudyResult};
    pub use crate::service::{Service, UpWhen};
    pub use crate::study::{Settings, Start, Study};
    pub use crate::topology::{CommonCause, Maintenance, OutageProcess, Region, Zone};
}

/// Validates, compiles and runs a study on all cores.
///
/// # Errors
/// The study's problems, or why it could not run.
pub fn run(study: &Study) -> Result<StudyResult, Error> {
    Ok(Simulation::new(study)?.run(&RunOptions::default())?)
}
