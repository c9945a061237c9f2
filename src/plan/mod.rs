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

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use crate::deployment::{Deployment, Rule};
use crate::engine::{RunOptions, Simulation};
use crate::stats::DeploymentAccumulator;
use crate::study::{Problem, Study};

mod spec;

pub use spec::{PlanError, PlanSpec, PlanTarget};

/// The most candidate placements one plan may judge. Each candidate is a
/// deployment of one simulation (with its own histograms), so this bounds
/// both time and memory.
pub const MAX_CANDIDATES: u64 = 2_000;

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

/// One judged placement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Placement {
    /// Zone id of each replica (a zone may repeat), in candidate-zone order.
    pub replicas: Vec<String>,
    /// Sum of the replicas' costs (rounded to 12 significant digits).
    pub cost: f64,
    /// Mean availability over trials.
    pub availability_mean: f64,
    /// 5th percentile of per-trial availability (a 1-in-20 bad year).
    pub availability_p5: f64,
    /// Fraction of trials with availability at least the target.
    pub p_meets: f64,
    /// Wilson 95% interval on `p_meets`.
    pub p_meets_ci95: [f64; 2],
    /// Whether the placement meets the plan: `p_meets_ci95[0]` is at least
    /// the required fraction of years.
    pub qualifies: bool,
}

/// What [`plan`] found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PlanResult {
    /// The target the placements were judged against.
    pub target: PlanTarget,
    /// The cheapest placement that meets the target at the pessimistic end of
    /// its 95% interval (ties: higher `p_meets`, higher mean availability,
    /// fewer replicas, then zone ids in lexicographic order); `None` when none does.
    pub best: Option<Placement>,
    /// When no placement qualifies: the one with the highest `p_meets` (ties
    /// to the higher mean availability, then the lower cost); `None` otherwise.
    pub closest: Option<Placement>,
    /// The cost/quality frontier: placements that no cheaper-or-equal one
    /// beats on `p_meets`, sorted by cost.
    pub frontier: Vec<Placement>,
    /// The rule every placement was judged by.
    pub rule: Rule,
    /// The zones placements could use, after the filters.
    pub candidate_zones: Vec<String>,
    /// How many placements were judged.
    pub candidates_judged: usize,
    /// Trials each placement was judged on (the same trials for all).
    pub trials: u64,
    /// Seed of the run.
    pub seed: u64,
    /// Why no placement could be judged at all (e.g. the filter leaves fewer
    /// zones than the rule needs); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub infeasible: Option<String>,
    /// With `[plan] within`: the service each placement was judged by, and
    /// the deployment it stands in for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<crate::service::ServiceTarget>,
    /// Every judged placement, in enumeration order (not serialised; for
    /// plots and tools).
    #[serde(skip)]
    pub candidates: Vec<Placement>,
}

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

/// Better-first order for the best placement among qualifying ones.
fn best_order(a: &Placement, b: &Placement) -> Ordering {
    a.cost
        .total_cmp(&b.cost)
        .then(b.p_meets.total_cmp(&a.p_meets))
        .then(b.availability_mean.total_cmp(&a.availability_mean))
        .then(a.replicas.len().cmp(&b.replicas.len()))
        .then_with(|| a.replicas.cmp(&b.replicas))
}

/// Better-first order for the closest placement.
fn closest_order(a: &Placement, b: &Placement) -> Ordering {
    b.p_meets
        .total_cmp(&a.p_meets)
        .then(b.availability_mean.total_cmp(&a.availability_mean))
        .then(a.cost.total_cmp(&b.cost))
        .then(a.replicas.len().cmp(&b.replicas.len()))
        .then_with(|| a.replicas.cmp(&b.replicas))
}

/// The Pareto frontier over (cost: lower is better, `p_meets`: higher is
/// better), sorted by cost; among placements of equal cost and `p_meets`, the
/// one with the highest mean availability (then the fewest replicas, then the
/// first zone ids in lexicographic order) represents them.
pub fn frontier(candidates: &[Placement]) -> Vec<Placement> {
    let mut sorted: Vec<&Placement> = candidates.iter().collect();
    sorted.sort_by(|a, b| best_order(a, b));
    let mut out: Vec<Placement> = Vec::new();
    let mut best_p = f64::NEG_INFINITY;
    for p in sorted {
        if p.p_meets > best_p {
            best_p = p.p_meets;
            out.push(p.clone());
        }
    }
    out
}

/// Finds the cheapest placement that meets `spec.target`, judging every
/// candidate placement on the same sampled outages of `study` (its zones,
/// common causes and settings; its deployments are ignored).
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
    // The study's own deployments, baseline and SLA targets are replaced by
    // the plan's; check the rest of it first, then the spec against it.
    let zones = spec.check(study)?;
    let ids: Vec<&str> = zones.iter().map(|&z| study.zones[z].id.as_str()).collect();
    let n = ids.len() as u64;
    let max = spec.max_replicas as u64;
    let mut deployments = Vec::new();
    enumerate(zones.len(), max as usize, |idx| {
        let mut distinct = idx.to_vec();
        distinct.dedup();
        if spec.satisfiable(idx.len(), distinct.len()) {
            let replicas: Vec<String> = idx.iter().map(|&i| ids[i].to_string()).collect();
            deployments.push(Deployment {
                // Numbered, so that zone ids holding `+` cannot collide.
                name: format!("#{} {}", deployments.len(), replicas.join("+")),
                replicas,
                rule: spec.rule.clone(),
                replica_failures: None,
                estimator: None,
                release_failures: None,
            });
        }
    });
    let mut result = PlanResult {
        target: spec.target,
        best: None,
        closest: None,
        frontier: Vec::new(),
        rule: spec.rule.clone(),
        within: spec.within.clone(),
        candidate_zones: ids.iter().map(|s| s.to_string()).collect(),
        candidates_judged: deployments.len(),
        trials: study.simulation.trials,
        seed: study.simulation.seed,
        infeasible: None,
        candidates: Vec::new(),
    };
    if deployments.is_empty() {
        result.infeasible = Some(format!(
            "no placement of at most {max} replicas over the {n} candidate zone{} ({}) can satisfy the rule {}",
            if n == 1 { "" } else { "s" },
            ids.join(", "),
            spec.rule.describe(max as usize)
        ));
        return Ok(result);
    }
    if deployments.len() as u64 > MAX_CANDIDATES {
        return Err(PlanError {
            problems: vec![Problem {
                at: "plan.max_replicas".into(),
                message: format!(
                    "{} placements satisfy the rule, over the limit of {MAX_CANDIDATES}; \
                     name fewer candidate_zones or lower max_replicas",
                    deployments.len()
                ),
            }],
        }
        .into());
    }
    let mut planning = study.clone();
    planning.simulation.baseline = None;
    // Each candidate is judged as a deployment of its own or, with `within`,
    // by its copy of the target service (unit index among the services).
    let candidate_deployments = deployments.clone();
    let judged_service = match &spec.within {
        None => {
            planning.deployments = deployments;
            // The study's services are made of its deployments, which the
            // plan replaces.
            planning.services.clear();
            None
        }
        Some(w) => {
            let (deps, services, judged) = w.planning_units(study, deployments);
            planning.deployments = deps;
            planning.services = services;
            Some(judged)
        }
    };
    planning.simulation.sla_targets = vec![spec.target.availability];
    let sim = Simulation::new(&planning)?
        .with_histogram_digits(PLAN_HISTOGRAM_DIGITS)
        .without_longest_percentile();
    // Each worker thread holds one accumulator per placement. Results do not
    // depend on the thread count, so keep memory bounded by using fewer
    // threads when there are many placements.
    let per_thread = DeploymentAccumulator::new(
        planning.simulation.horizon_hours,
        &planning.simulation.sla_targets,
        PLAN_HISTOGRAM_DIGITS,
    )
    .without_longest_percentile()
    .approx_bytes()
        * (planning.deployments.len() + planning.services.len());
    let wanted = opts
        .threads
        .unwrap_or_else(rayon::current_num_threads)
        .max(1);
    let affordable = (PLAN_MEMORY_BUDGET / per_thread.max(1))
        .saturating_sub(1)
        .max(1);
    let opts = RunOptions {
        threads: Some(wanted.min(affordable)),
        ..*opts
    };
    let acc = sim.run_accumulators(&opts)?;
    let fraction = spec.target.in_fraction_of_years;
    let first_candidate = planning.deployments.len() - candidate_deployments.len();
    let candidates: Vec<Placement> = candidate_deployments
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let a = match &judged_service {
                None => &acc.deployments[first_candidate + i],
                Some(judged) => &acc.services[judged[i]],
            };
            let s = a.summary(&d.name);
            let sla = &s.sla[0];
            let cost = round_cost(d.replicas.iter().map(|z| spec.cost_of(z)).sum());
            Placement {
                replicas: d.replicas.clone(),
                cost,
                availability_mean: s.availability.mean,
                availability_p5: s.availability.percentiles.p5,
                p_meets: sla.p_meets,
                p_meets_ci95: sla.p_meets_ci95,
                qualifies: sla.p_meets_ci95[0] >= fraction,
            }
        })
        .collect();
    result.best = candidates
        .iter()
        .filter(|p| p.qualifies)
        .min_by(|a, b| best_order(a, b))
        .cloned();
    if result.best.is_none() {
        result.closest = candidates
            .iter()
            .min_by(|a, b| closest_order(a, b))
            .cloned();
    }
    result.frontier = frontier(&candidates);
    result.trials = acc.trials;
    result.candidates = candidates;
    Ok(result)
}
