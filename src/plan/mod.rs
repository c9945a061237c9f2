//! Planning: the cheapest placement of replicas that meets an availability
//! target in a given fraction of years.
//!
//! [`plan`] enumerates every placement (a multiset of candidate zones with
//! 1 to `max_replicas` replicas for which the rule can be met), runs them all
//! as deployments of **one** simulation, so every candidate is judged on the
//! same sampled outages (common random numbers; timelines are sampled once per
//! trial, not once per candidate), and picks the cheapest one whose
//! probability of meeting the availability target is at least the required
//! fraction of years at the pessimistic end of its 95% (Wilson) interval.
//!
//! ```
//! use zonesim::plan::{plan, PlanSpec, PlanTarget};
//! use zonesim::prelude::*;
//!
//! # fn main() -> Result<(), zonesim::Error> {
//! let exp = |m| Duration::exponential(m).unwrap();
//! let mut study = Study::new(Settings::new(4_000, 8760.0))
//!     .region(Region::new("r", "R", "example", "FR"));
//! for z in ["a", "b", "c"] {
//!     study = study.zone(Zone::new(z, "r", exp(4380.0), exp(8.0)));
//! }
//! let spec = PlanSpec::new(Rule::AtLeast(1), 3, PlanTarget::new(0.999, 0.9));
//! let result = plan(&study, &spec, &RunOptions::default())?;
//! // One zone misses 99.9% in about a third of years; two distinct zones suffice.
//! let best = result.best.expect("two zones meet the target");
//! assert_eq!(best.replicas.len(), 2);
//! assert_ne!(best.replicas[0], best.replicas[1]);
//! # Ok(()) }
//! ```

use crate::engine::RunOptions;
use crate::study::Study;

mod classes;
mod constraints;
mod judge;
mod result;
pub(crate) mod search;
pub(crate) mod shard;
mod spec;

use judge::{count_hits, judge_full, mcnemar_p};

pub use result::{Placement, PlanResult, Screening, frontier};
pub use shard::MAX_SHARD_PAIRS;
pub use spec::{PlanError, PlanSpec, PlanTarget};

/// The most placements one plan may enumerate (before the rule, the
/// constraints and exchangeability reduce them). Placements are judged in
/// classes and screened (see the module docs), so this bounds the
/// enumeration, not the simulation: the whole 37-zone eu-hubs catalogue
/// with up to 4 replicas is 101,269 placements.
pub const MAX_CANDIDATES: u64 = 250_000;

/// Most placements a plan with `[plan] within` judges. Each is judged in
/// full by its own copy of the service on the same trials: the analytic
/// screen bounds a placement alone and the exchangeability classes assume
/// the zones are all the study holds, neither of which holds inside a
/// service whose other parts sit in particular zones.
pub const MAX_WITHIN_CANDIDATES: usize = 2_000;

/// The most placements judged in full in one simulation; more are judged
/// in consecutive runs on the same trials (the same seed gives the same
/// trials, so the results are those of one run).
pub const FULL_CHUNK: usize = 2_000;

/// Trials of the screening pilot (at most a fifth of the run's trials):
/// the first trials of the full run.
pub const PILOT_TRIALS: u64 = 10_000;

/// Standard errors of the pilot's screening interval: a class is dropped
/// only when the upper end of its Wilson interval at this many standard
/// errors is below the required fraction.
pub const PILOT_Z: f64 = 5.0;

/// Classes above which the pilot screens (fewer are judged in full).
pub const PILOT_ABOVE: usize = 300;

/// The most tied placements a result lists (`tied_count` gives them all).
pub const TIED_SHOWN: usize = 20;

/// Significance level of the paired test that forms the tied set.
pub const TIE_LEVEL: f64 = 0.05;

/// The rule that chooses among placements tied within noise, all of the
/// same cost: fewest replicas, then most distinct regions, then most
/// distinct zones, then zone ids in lexicographic order.
pub const TIE_RULE: &str =
    "fewest replicas, then most regions, then most zones, then zone ids in lexicographic order";

/// The largest `max_replicas` accepted.
pub const MAX_REPLICAS: u32 = 64;

/// Significant digits of each candidate's downtime histogram (bounds memory
/// when judging thousands of candidates; p5 availability is within 1% of the
/// downtime quantile).
pub const PLAN_HISTOGRAM_DIGITS: u8 = 2;

/// Memory a plan's accumulators may take, in bytes (384 MiB): a plan with
/// many placements runs on fewer threads rather than use more. Results do not
/// depend on the number of threads.
pub const PLAN_MEMORY_BUDGET: usize = 384 << 20;

/// Number of multisets of size `m` from `n` kinds, saturating: C(n+m-1, m).
pub(super) fn multisets(n: u64, m: u64) -> u64 {
    let mut c: u128 = 1;
    for i in 0..m as u128 {
        c = c * (n as u128 + i) / (i + 1);
        if c > u64::MAX as u128 {
            return u64::MAX;
        }
    }
    c as u64
}

/// Every multiset (as nondecreasing index lists into `0..n`) of size 1..=max.
fn enumerate(n: usize, max: usize, mut keep: impl FnMut(&[usize])) {
    fn rec(
        n: usize,
        max: usize,
        from: usize,
        cur: &mut Vec<usize>,
        keep: &mut dyn FnMut(&[usize]),
    ) {
        if !cur.is_empty() {
            keep(cur);
        }
        if cur.len() == max {
            return;
        }
        for i in from..n {
            cur.push(i);
            rec(n, max, i, cur, keep);
            cur.pop();
        }
    }
    rec(n, max, 0, &mut Vec::new(), &mut keep);
}

/// Rounds to 12 significant digits, so that costs summed in different orders
/// compare equal.
fn round_cost(c: f64) -> f64 {
    format!("{c:.11e}").parse().unwrap_or(c)
}

/// Finds the cheapest placement that meets `spec.target`, judging every
/// candidate placement on the same sampled outages of `study` (its zones,
/// common causes and settings; its deployments are ignored).
///
/// Placements that break the spec's constraints are dropped before
/// anything is simulated. The others are grouped into exchangeability
/// classes (one judged per class), screened by the exact analytic bound and
/// a short pilot on the first trials, and the survivors judged on all
/// trials; among qualifying placements of the lowest cost, those tied
/// within noise with the leader on the paired test form `tied`, and `best`
/// is chosen among them by [`TIE_RULE`].
///
/// # Errors
/// [`crate::ErrorKind::Plan`] for a bad spec (every problem, naming the field),
/// [`crate::ErrorKind::Study`] for a bad study, [`crate::ErrorKind::Run`] when the run
/// is too large or fails.
pub fn plan(
    study: &Study,
    spec: &PlanSpec,
    opts: &RunOptions<'_>,
) -> Result<PlanResult, crate::Error> {
    plan_with(study, spec, opts, true)
}

/// The reference answer [`plan`] must give: every placement judged on its
/// own on all trials (no exchangeability classes, no screening), then the
/// same choice. For tests and for checking a fast answer where exhaustive
/// search is feasible; it takes time and memory in proportion to the
/// placements.
///
/// # Errors
/// As [`plan`].
pub fn plan_exhaustive(
    study: &Study,
    spec: &PlanSpec,
    opts: &RunOptions<'_>,
) -> Result<PlanResult, crate::Error> {
    plan_with(study, spec, opts, false)
}

fn plan_with(
    study: &Study,
    spec: &PlanSpec,
    opts: &RunOptions<'_>,
    fast: bool,
) -> Result<PlanResult, crate::Error> {
    match search::prepare(study, spec, opts, fast, None)? {
        search::Prepared::Done(result) => Ok(*result),
        search::Prepared::Ready(ready) => search::finish(&ready, &mut Local { opts }),
    }
}

/// Judging runs made here, on all trials.
struct Local<'o, 'c> {
    opts: &'o RunOptions<'c>,
}

impl search::Judging for Local<'_, '_> {
    fn judge(
        &mut self,
        ready: &search::Ready<'_>,
        which: &[usize],
        figures: &mut [Option<Placement>],
    ) -> Result<(), crate::Error> {
        judge_full(
            ready.study,
            ready.spec,
            &ready.pool,
            &ready.reps,
            which,
            &|idx| ready.replicas_of(idx),
            figures,
            self.opts,
        )
    }

    fn pairs(
        &mut self,
        ready: &search::Ready<'_>,
        others: &[usize],
        leader: usize,
    ) -> Result<Vec<(u64, u64)>, crate::Error> {
        let mut placements = ready.placements(others);
        placements.extend(ready.placements(&[leader]));
        let j = placements.len() - 1;
        let (_, pairs) = count_hits(
            ready.study,
            &placements,
            &ready.spec.rule,
            ready.spec.target.availability,
            ready.study.simulation.trials,
            Some(j),
            ready.spec.within.as_ref(),
            self.opts,
        )?;
        Ok(pairs)
    }
}
