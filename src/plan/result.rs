//! What a plan answers: judged placements, the result, how it screened,
//! and the orders that choose among placements.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use super::PlanTarget;
use crate::deployment::Rule;
use crate::study::Study;

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

/// What [`plan`](super::plan) found.
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
    /// The placement constraints in force, as the file spells them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constraints: Vec<String>,
    /// Placements the rule allows that the constraints excluded before
    /// anything was simulated.
    #[serde(default)]
    pub excluded_by_constraints: usize,
    /// When no placement meets every constraint: which ones cannot be met
    /// together; `best` is then `None` and `closest` is the placement that
    /// misses them least (see `closest_violates`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsatisfiable: Option<String>,
    /// The constraints `closest` misses, with by how much.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub closest_violates: Vec<String>,
    /// Placements of the best one's cost that also qualify and whose
    /// probability of meeting the target is not significantly different
    /// from the leader's on the paired (McNemar) test of the same trials,
    /// the best included; `best` is chosen among them by [`TIE_RULE`](super::TIE_RULE).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tied: Vec<Placement>,
    /// How many placements are tied (`tied` shows the first
    /// [`TIED_SHOWN`](super::TIED_SHOWN) in [`TIE_RULE`](super::TIE_RULE) order).
    #[serde(default)]
    pub tied_count: usize,
    /// Whether more than the best placement is tied: the text and JSON then
    /// say "tied within noise".
    #[serde(default)]
    pub tied_within_noise: bool,
    /// The rule that chose `best` among `tied` ([`TIE_RULE`](super::TIE_RULE)).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub tie_rule: String,
    /// How the placements were judged: exchangeable classes, the exact
    /// analytic screen and the pilot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screening: Option<Screening>,
    /// With `[plan] within`: the service each placement was judged by, and
    /// the deployment it stands in for (every placement then judged in full:
    /// no classes, no screen, no pilot).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<crate::service::ServiceTarget>,
    /// Every judged placement, in enumeration order (not serialised; for
    /// plots and tools).
    #[serde(skip)]
    pub candidates: Vec<Placement>,
}

/// How a plan reduced its placements before judging them in full.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Screening {
    /// Exchangeability classes of the placements (one judged per class).
    pub classes: usize,
    /// The cost above which classes were dropped because a cheaper one
    /// surely qualifies by the exact analytic bound `P(meets) >= (A -
    /// a) / (1 - a)`; `None` when no class was that sure.
    pub analytic_cost_cut: Option<f64>,
    /// Classes the analytic cost cut dropped.
    pub dropped_by_cost: usize,
    /// Trials of the pilot (0: no pilot).
    pub pilot_trials: u64,
    /// The cost above which the pilot dropped classes because a cheaper one
    /// qualified in the pilot at [`PILOT_Z`](super::PILOT_Z) standard errors; `None` when
    /// none did.
    pub pilot_cost_cut: Option<f64>,
    /// Classes the pilot dropped (Wilson upper end at [`PILOT_Z`](super::PILOT_Z) standard
    /// errors below the required fraction).
    pub dropped_by_pilot: usize,
    /// Classes judged on all trials.
    pub judged_in_full: usize,
}

/// Better-first order for the best placement among qualifying ones.
pub(super) fn best_order(a: &Placement, b: &Placement) -> Ordering {
    a.cost
        .total_cmp(&b.cost)
        .then(b.p_meets.total_cmp(&a.p_meets))
        .then(b.availability_mean.total_cmp(&a.availability_mean))
        .then(a.replicas.len().cmp(&b.replicas.len()))
        .then_with(|| a.replicas.cmp(&b.replicas))
}

/// Distinct regions and zones of a placement, by zone id.
fn spread(study: &Study, replicas: &[String]) -> (usize, usize) {
    let mut zones: Vec<&String> = replicas.iter().collect();
    zones.dedup();
    let mut regions: Vec<&str> = zones
        .iter()
        .filter_map(|z| study.zones.iter().find(|x| &x.id == *z))
        .map(|z| z.region.as_str())
        .collect();
    regions.sort_unstable();
    regions.dedup();
    (regions.len(), zones.len())
}

/// [`TIE_RULE`](super::TIE_RULE) as an order (better first).
pub(super) fn tie_order(study: &Study, a: &Placement, b: &Placement) -> Ordering {
    let (ra, za) = spread(study, &a.replicas);
    let (rb, zb) = spread(study, &b.replicas);
    a.cost
        .total_cmp(&b.cost)
        .then(a.replicas.len().cmp(&b.replicas.len()))
        .then(rb.cmp(&ra))
        .then(zb.cmp(&za))
        .then_with(|| a.replicas.cmp(&b.replicas))
}

/// Better-first order for the closest placement.
pub(super) fn closest_order(a: &Placement, b: &Placement) -> Ordering {
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
