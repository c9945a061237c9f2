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

use std::collections::HashMap;

use crate::deployment::Rule;
use crate::engine::{RunOptions, Simulation};
use crate::stats::DeploymentAccumulator;
use crate::study::{Problem, Start, Study};

mod classes;
mod constraints;
mod judge;
mod spec;

use classes::Classifier;
use constraints::ZoneFacts;
use judge::{Analytic, count_hits, mcnemar_p, planning_study, wilson};

pub use spec::{PlanError, PlanSpec, PlanTarget};

/// The most placements one plan may enumerate (before the rule, the
/// constraints and exchangeability reduce them). Placements are judged in
/// classes and screened (see the module docs), so this bounds the
/// enumeration, not the simulation: the whole 37-zone eu-hubs catalogue
/// with up to 4 replicas is 101,269 placements.
pub const MAX_CANDIDATES: u64 = 250_000;

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
    /// the best included; `best` is chosen among them by [`TIE_RULE`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tied: Vec<Placement>,
    /// How many placements are tied (`tied` shows the first
    /// [`TIED_SHOWN`] in [`TIE_RULE`] order).
    #[serde(default)]
    pub tied_count: usize,
    /// Whether more than the best placement is tied: the text and JSON then
    /// say "tied within noise".
    #[serde(default)]
    pub tied_within_noise: bool,
    /// The rule that chose `best` among `tied` ([`TIE_RULE`]).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub tie_rule: String,
    /// How the placements were judged: exchangeable classes, the exact
    /// analytic screen and the pilot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screening: Option<Screening>,
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
    /// qualified in the pilot at [`PILOT_Z`] standard errors; `None` when
    /// none did.
    pub pilot_cost_cut: Option<f64>,
    /// Classes the pilot dropped (Wilson upper end at [`PILOT_Z`] standard
    /// errors below the required fraction).
    pub dropped_by_pilot: usize,
    /// Classes judged on all trials.
    pub judged_in_full: usize,
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

/// [`TIE_RULE`] as an order (better first).
fn tie_order(study: &Study, a: &Placement, b: &Placement) -> Ordering {
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
    // The study's own deployments, baseline and SLA targets are replaced by
    // the plan's; check the rest of it first, then the spec against it.
    let zones = spec.check(study)?;
    let ids: Vec<&str> = zones.iter().map(|&z| study.zones[z].id.as_str()).collect();
    let n = ids.len() as u64;
    let max = spec.max_replicas as u64;
    let facts = ZoneFacts::new(study, spec, &zones);
    // Every placement the rule allows, with by how much it misses the constraints.
    let mut all: Vec<(Vec<usize>, u32)> = Vec::new();
    enumerate(zones.len(), max as usize, |idx| {
        let mut distinct = idx.to_vec();
        distinct.dedup();
        if spec.satisfiable(idx.len(), distinct.len()) {
            all.push((idx.to_vec(), facts.violation(spec, idx)));
        }
    });
    let mut result = PlanResult {
        target: spec.target,
        best: None,
        closest: None,
        frontier: Vec::new(),
        rule: spec.rule.clone(),
        candidate_zones: ids.iter().map(|s| s.to_string()).collect(),
        candidates_judged: 0,
        trials: study.simulation.trials,
        seed: study.simulation.seed,
        infeasible: None,
        constraints: spec.constraint_labels(),
        excluded_by_constraints: 0,
        unsatisfiable: None,
        closest_violates: Vec::new(),
        tied: Vec::new(),
        tied_count: 0,
        tied_within_noise: false,
        tie_rule: String::new(),
        screening: None,
        candidates: Vec::new(),
    };
    if all.is_empty() {
        result.infeasible = Some(format!(
            "no placement of at most {max} replicas over the {n} candidate zone{} ({}) can satisfy the rule {}",
            if n == 1 { "" } else { "s" },
            ids.join(", "),
            spec.rule.describe(max as usize)
        ));
        return Ok(result);
    }
    if all.len() as u64 > MAX_CANDIDATES {
        return Err(PlanError {
            problems: vec![Problem {
                at: "plan.max_replicas".into(),
                message: format!(
                    "{} placements satisfy the rule, over the limit of {MAX_CANDIDATES}; \
                     name fewer candidate_zones or lower max_replicas",
                    all.len()
                ),
            }],
        }
        .into());
    }
    let feasible = all.iter().filter(|p| p.1 == 0).count();
    result.excluded_by_constraints = all.len() - feasible;
    // With no placement meeting every constraint, judge those that miss
    // them least, and answer with the closest of them.
    let least = all.iter().map(|p| p.1).min().unwrap_or(0);
    let pool: Vec<Vec<usize>> = all
        .into_iter()
        .filter(|p| p.1 == least)
        .map(|p| p.0)
        .collect();
    if least > 0 {
        result.unsatisfiable = Some(format!(
            "no placement of at most {max} replicas over the candidate zones meets every constraint ({})",
            result.constraints.join(", ")
        ));
    }
    result.candidates_judged = pool.len();
    let replicas_of =
        |idx: &[usize]| -> Vec<String> { idx.iter().map(|&i| ids[i].to_string()).collect() };

    // Exchangeability classes: one representative (the first member) each.
    let classifier = Classifier::new(study, &zones, &spec.rule);
    let mut class_of: HashMap<classes::ClassKey, usize> = HashMap::new();
    let mut reps: Vec<usize> = Vec::new();
    let mut member_class: Vec<usize> = Vec::with_capacity(pool.len());
    let mut class_cost: Vec<f64> = Vec::new();
    for (i, idx) in pool.iter().enumerate() {
        let cost = round_cost(idx.iter().map(|&z| spec.cost_of(ids[z])).sum());
        let next = reps.len();
        let key = if fast {
            classifier.key(idx)
        } else {
            vec![i as u32]
        };
        let c = *class_of.entry(key).or_insert(next);
        if c == next {
            reps.push(i);
            class_cost.push(cost);
        } else {
            class_cost[c] = class_cost[c].min(cost);
        }
        member_class.push(c);
    }
    let k = reps.len();
    let target = spec.target.availability;
    let fraction = spec.target.in_fraction_of_years;
    let trials = study.simulation.trials;
    let mut screening = Screening {
        classes: k,
        analytic_cost_cut: None,
        dropped_by_cost: 0,
        pilot_trials: 0,
        pilot_cost_cut: None,
        dropped_by_pilot: 0,
        judged_in_full: 0,
    };
    let mut alive = vec![true; k];
    // Classes dropped only for costing more than one that surely qualifies:
    // judged after all if that one does not (so the cuts never change the
    // answer).
    let mut cut_dropped = vec![false; k];
    // 1. Exact analytic screen: with a steady-state start, E[availability]
    // is the exact long-run availability A, and since a year's availability
    // is at most 1, P(meets) >= (A - a) / (1 - a). A class whose bound
    // clears the required fraction by 6 standard errors surely qualifies:
    // every class costing more cannot be the answer.
    if fast && study.simulation.start == Start::SteadyState && target < 1.0 {
        let analytic = Analytic::new(study);
        let mut cut = f64::INFINITY;
        for (c, &r) in reps.iter().enumerate() {
            let z: Vec<usize> = pool[r].iter().map(|&i| zones[i]).collect();
            if let Some(a) = analytic.availability(&z, &spec.rule) {
                let bound = (a - target) / (1.0 - target);
                let se =
                    (bound.clamp(0.0, 1.0) * (1.0 - bound.clamp(0.0, 1.0)) / trials as f64).sqrt();
                if bound - fraction >= 6.0 * se + 2.0 / trials as f64 {
                    cut = cut.min(class_cost[c]);
                }
            }
        }
        if cut.is_finite() {
            screening.analytic_cost_cut = Some(cut);
            for c in 0..k {
                if class_cost[c] > cut {
                    alive[c] = false;
                    cut_dropped[c] = true;
                    screening.dropped_by_cost += 1;
                }
            }
        }
    }
    // 2. Pilot on the first trials: drop classes that cannot qualify, but
    // keep the pilot's own frontier (cost against P(meets)).
    let live: Vec<usize> = (0..k).filter(|&c| alive[c]).collect();
    let pilot = (trials / 5).min(PILOT_TRIALS);
    if fast && live.len() > PILOT_ABOVE && pilot >= 2_000 {
        screening.pilot_trials = pilot;
        let placements: Vec<Vec<String>> =
            live.iter().map(|&c| replicas_of(&pool[reps[c]])).collect();
        let (hits, _) = count_hits(study, &placements, &spec.rule, target, pilot, None, opts)?;
        let bounds: Vec<[f64; 2]> = hits.iter().map(|&h| wilson(h, pilot, PILOT_Z)).collect();
        let max_lo = bounds.iter().map(|b| b[0]).fold(0.0, f64::max);
        let floor = fraction.min(max_lo);
        let mut keep: Vec<bool> = bounds.iter().map(|b| b[1] >= floor).collect();
        // A class that qualifies in the pilot at PILOT_Z standard errors
        // sets a cost cut, as the analytic bound does.
        let pilot_cut = (0..live.len())
            .filter(|&i| bounds[i][0] >= fraction)
            .map(|i| class_cost[live[i]])
            .fold(f64::INFINITY, f64::min);
        if pilot_cut.is_finite() {
            screening.pilot_cost_cut = Some(pilot_cut);
            for &c in &live {
                if class_cost[c] > pilot_cut {
                    alive[c] = false;
                    cut_dropped[c] = true;
                    screening.dropped_by_pilot += 1;
                }
            }
        }
        let mut order: Vec<usize> = (0..live.len()).collect();
        order.sort_by(|&a, &b| {
            class_cost[live[a]]
                .total_cmp(&class_cost[live[b]])
                .then(hits[b].cmp(&hits[a]))
        });
        let mut best_hits = None;
        for i in order {
            if best_hits.is_none_or(|b| hits[i] > b) {
                best_hits = Some(hits[i]);
                keep[i] = true;
            }
        }
        for (i, &c) in live.iter().enumerate() {
            if !keep[i] && alive[c] {
                alive[c] = false;
                screening.dropped_by_pilot += 1;
            }
        }
    }
    // 3. The survivors on all trials.
    let mut figures: Vec<Option<Placement>> = vec![None; k];
    let survivors: Vec<usize> = (0..k).filter(|&c| alive[c]).collect();
    judge_full(
        study,
        spec,
        &pool,
        &reps,
        &survivors,
        &replicas_of,
        &mut figures,
        opts,
    )?;
    // Every judged placement with its class's figures, and its class.
    let members = |figures: &[Option<Placement>]| -> (Vec<Placement>, Vec<usize>) {
        pool.iter()
            .zip(&member_class)
            .filter_map(|(idx, &c)| {
                figures[c].as_ref().map(|f| {
                    let p = Placement {
                        replicas: replicas_of(idx),
                        cost: round_cost(idx.iter().map(|&z| spec.cost_of(ids[z])).sum()),
                        ..f.clone()
                    };
                    (p, c)
                })
            })
            .unzip()
    };
    let (mut candidates, mut cand_class) = members(&figures);
    // The cost cuts are verified: if no placement at or below a cut
    // qualified after all, judge the classes the cuts dropped too.
    let cut = [screening.analytic_cost_cut, screening.pilot_cost_cut]
        .into_iter()
        .flatten()
        .fold(f64::INFINITY, f64::min);
    if cut.is_finite() {
        let cheapest = candidates
            .iter()
            .filter(|p| p.qualifies)
            .map(|p| p.cost)
            .fold(f64::INFINITY, f64::min);
        if cheapest > cut {
            let dropped: Vec<usize> = (0..k).filter(|&c| cut_dropped[c]).collect();
            judge_full(
                study,
                spec,
                &pool,
                &reps,
                &dropped,
                &replicas_of,
                &mut figures,
                opts,
            )?;
            screening.analytic_cost_cut = None;
            screening.pilot_cost_cut = None;
            screening.dropped_by_cost = 0;
            (candidates, cand_class) = members(&figures);
        }
    }
    screening.judged_in_full = figures.iter().filter(|f| f.is_some()).count();

    // 4. The answer: the tied set at the lowest qualifying cost.
    let qualifying: Vec<usize> = (0..candidates.len())
        .filter(|&i| candidates[i].qualifies)
        .collect();
    if let Some(cheapest) = qualifying
        .iter()
        .map(|&i| candidates[i].cost)
        .reduce(f64::min)
    {
        let at_cost: Vec<usize> = qualifying
            .iter()
            .copied()
            .filter(|&i| candidates[i].cost == cheapest)
            .collect();
        let leader = *at_cost
            .iter()
            .min_by(|&&a, &&b| best_order(&candidates[a], &candidates[b]))
            .expect("non-empty");
        // Classes of the placements at that cost, each tested once against
        // the leader's class on the same trials.
        let class_at = |i: usize| cand_class[i];
        let lead_class = class_at(leader);
        let mut others: Vec<usize> = at_cost
            .iter()
            .map(|&i| class_at(i))
            .filter(|&c| c != lead_class)
            .collect();
        others.sort_unstable();
        others.dedup();
        let mut tied_class: HashMap<usize, bool> = HashMap::new();
        tied_class.insert(lead_class, true);
        if !others.is_empty() {
            let mut placements: Vec<Vec<String>> = others
                .iter()
                .map(|&c| replicas_of(&pool[reps[c]]))
                .collect();
            placements.push(replicas_of(&pool[reps[lead_class]]));
            let j = placements.len() - 1;
            let (_, pairs) = count_hits(
                study,
                &placements,
                &spec.rule,
                target,
                trials,
                Some(j),
                opts,
            )?;
            for (c, (b, d)) in others.iter().zip(pairs) {
                tied_class.insert(*c, mcnemar_p(b, d) >= TIE_LEVEL);
            }
        }
        let mut tied: Vec<Placement> = at_cost
            .iter()
            .filter(|&&i| tied_class.get(&class_at(i)).copied().unwrap_or(false))
            .map(|&i| candidates[i].clone())
            .collect();
        tied.sort_by(|a, b| tie_order(study, a, b));
        result.best = tied.first().cloned();
        result.tied_within_noise = tied.len() > 1;
        result.tied_count = tied.len();
        tied.truncate(TIED_SHOWN);
        result.tied = tied;
        result.tie_rule = TIE_RULE.to_string();
    } else {
        result.closest = candidates
            .iter()
            .min_by(|a, b| closest_order(a, b))
            .cloned();
    }
    if result.unsatisfiable.is_some() {
        // Nothing meets the constraints: the best of the least-missing
        // placements is only the closest.
        if let Some(b) = result.best.take() {
            result.closest = Some(b);
        }
        if let Some(c) = &result.closest {
            let idx: Vec<usize> = c
                .replicas
                .iter()
                .map(|z| ids.iter().position(|x| x == z).expect("a candidate"))
                .collect();
            result.closest_violates = facts
                .violations(spec, &idx)
                .into_iter()
                .map(|(what, by)| format!("{what} (by {by})"))
                .collect();
        }
        result.tied.clear();
        result.tied_count = 0;
        result.tied_within_noise = false;
        result.tie_rule.clear();
    }
    result.frontier = frontier(&candidates);
    result.screening = Some(screening);
    result.candidates = candidates;
    Ok(result)
}

/// Judges the classes `which` on all trials, in runs of at most
/// [`FULL_CHUNK`] placements on the same trials, writing their figures.
#[allow(clippy::too_many_arguments)]
fn judge_full(
    study: &Study,
    spec: &PlanSpec,
    pool: &[Vec<usize>],
    reps: &[usize],
    which: &[usize],
    replicas_of: &dyn Fn(&[usize]) -> Vec<String>,
    figures: &mut [Option<Placement>],
    opts: &RunOptions<'_>,
) -> Result<(), crate::Error> {
    let fraction = spec.target.in_fraction_of_years;
    for chunk in which.chunks(FULL_CHUNK) {
        let placements: Vec<Vec<String>> =
            chunk.iter().map(|&c| replicas_of(&pool[reps[c]])).collect();
        let planning = planning_study(
            study,
            &placements,
            &spec.rule,
            spec.target.availability,
            study.simulation.trials,
        );
        let sim = Simulation::new(&planning)?
            .with_histogram_digits(PLAN_HISTOGRAM_DIGITS)
            .without_longest_percentile();
        // Each worker thread holds one accumulator per placement. Results
        // do not depend on the thread count, so keep memory bounded by
        // using fewer threads when there are many placements.
        let per_thread = DeploymentAccumulator::new(
            planning.simulation.horizon_hours,
            &planning.simulation.sla_targets,
            PLAN_HISTOGRAM_DIGITS,
        )
        .without_longest_percentile()
        .approx_bytes()
            * planning.deployments.len();
        let wanted = opts
            .threads
            .unwrap_or_else(rayon::current_num_threads)
            .max(1);
        let affordable = (PLAN_MEMORY_BUDGET / per_thread.max(1))
            .saturating_sub(1)
            .max(1);
        let run_opts = RunOptions {
            threads: Some(wanted.min(affordable)),
            ..*opts
        };
        let acc = sim.run_accumulators(&run_opts)?;
        for ((&c, d), a) in chunk
            .iter()
            .zip(&planning.deployments)
            .zip(&acc.deployments)
        {
            let s = a.summary(&d.name);
            let sla = &s.sla[0];
            figures[c] = Some(Placement {
                replicas: d.replicas.clone(),
                cost: 0.0,
                availability_mean: s.availability.mean,
                availability_p5: s.availability.percentiles.p5,
                p_meets: sla.p_meets,
                p_meets_ci95: sla.p_meets_ci95,
                qualifies: sla.p_meets_ci95[0] >= fraction,
            });
        }
    }
    Ok(())
}
