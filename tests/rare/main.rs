//! The rare-event estimator (`zonesim::rare`) against exact results.
//!
//! Every statistical check compares an estimate with an exact value (the
//! analytic long-run availability, or the outage rate by enumeration), with a
//! tolerance of 4.5 standard errors of the estimate itself and a fixed seed,
//! so each test is deterministic and cannot pass with a wrong estimator.

mod common;

mod crude;
mod exact;
mod properties;
