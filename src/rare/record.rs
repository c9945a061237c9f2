//! The excursions of an importance-sampled deployment one by one, for the
//! per-trial export (`zonesim run --trials-out`).

use super::{RareAccumulator, RareError, RareOptions, Study, run};

/// One excursion of an importance-sampled deployment, as
/// [`accumulate_recorded`] gives it: what it adds to the estimate. The
/// unavailability estimate is `R × mean(likelihood_ratio × downtime_hours)`
/// over every excursion, `R` its exact rate
/// ([`super::Diagnostics::excursion_rate_per_hour`]).
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Excursion {
    /// The likelihood ratio of its path (true law over biased law; 0 for a
    /// path the true law cannot take).
    pub likelihood_ratio: f64,
    /// Hours the deployment was down in it.
    pub downtime_hours: f64,
    /// Times the deployment went down in it (its start included).
    pub outages: u32,
}

/// [`super::accumulate`], also returning every excursion of `batches`, in order
/// (excursion `i` of the estimate is element `i - batches.start ×`
/// [`super::CYCLES_PER_BATCH`]), for the per-trial export. The sums are the same
/// bits as [`super::accumulate`]'s.
///
/// # Errors
/// As [`super::estimate`].
pub fn accumulate_recorded(
    study: &Study,
    deployment: &str,
    opts: &RareOptions,
    batches: std::ops::Range<u64>,
) -> Result<(RareAccumulator, Vec<Excursion>), RareError> {
    run(study, deployment, opts, batches, true)
}
