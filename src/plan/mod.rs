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

use std::collections::HashMap;

use crate::engine::RunOptions;
use crate::study::{Problem, Start, Study};

mod classes;
mod constraints;
mod judge;
mod result;
mod spec;

use classes::Classifier;
use constraints::ZoneFacts;
use judge::{Analytic, count_hits, judge_full, mcnemar_p, wilson};

pub use result::{Placement, PlanResult, Screening, frontier};
use result::{best_order, closest_order, tie_order};
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
    // Inside a service, neither the classes nor the analytic screen hold
    // (see MAX_WITHIN_CANDIDATES): every placement is judged in full.
    let fast = fast && spec.within.is_none();
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
        within: spec.within.clone(),
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
    if spec.within.is_some() && pool.len() > MAX_WITHIN_CANDIDATES {
        return Err(PlanError {
            problems: vec![Problem {
                at: "plan.within".into(),
                message: format!(
                    "{} placements to judge inside a service, over the limit of \
                     {MAX_WITHIN_CANDIDATES} (each is judged in full, with its own copy of the \
                     service); name fewer candidate_zones, lower max_replicas or add constraints",
                    pool.len()
                ),
            }],
        }
        .into());
    }
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
        let (hits, _) = count_hits(
            study,
            &placements,
            &spec.rule,
            target,
            pilot,
            None,
            spec.within.as_ref(),
            opts,
        )?;
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
                spec.within.as_ref(),
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
