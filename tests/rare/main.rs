//! The rare-event estimator (`zonesim::rare`) against exact results.
//!
//! Every statistical check compares an estimate with an exact value (the
//! analytic long-run availability, or the outage rate by enumeration), with a
//! tolerance of 4.5 standard errors of the estimate itself and a fixed seed,
//! so each test is deterministic and cannot pass with a wrong estimator.
// Expected values may use `std`'s elementary functions; the library's
// figures use `libm`'s (clippy.toml, issue 16).
#![allow(clippy::disallowed_methods)]

mod common;

mod crude;
mod exact;
mod properties;
