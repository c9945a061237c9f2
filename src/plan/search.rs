//! The planner's stages, split so that the judging runs can be done in one
//! process or in shards: [`prepare`] (placements, constraints, classes, the
//! analytic screen and the pilot: cheap, seeded, the same everywhere) and
//! [`finish`] (the survivors judged on all trials, the verification of the
//! cost cuts, the tied set and the choice), which asks a [`Judging`] for
//! the figures and the paired counts it needs.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::classes::{self, Classifier};
use super::constraints::ZoneFacts;
use super::judge::{Analytic, count_hits, wilson};
use super::result::{best_order, closest_order, tie_order};
use super::{
    MAX_CANDIDATES, MAX_WITHIN_CANDIDATES, PILOT_ABOVE, PILOT_TRIALS, PILOT_Z, Placement,
    PlanError, PlanResult, PlanSpec, Screening, TIE_LEVEL, TIE_RULE, TIED_SHOWN, enumerate,
    frontier, mcnemar_p, round_cost,
};
use crate::engine::RunOptions;
use crate::study::{Problem, Start, Study};

/// What the screening stages decided: the classes to judge on all trials,
/// those dropped only by a cost cut (judged too if the cut does not hold),
/// and the screening's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Screened {
    /// Classes judged on all trials, in class order.
    pub(crate) survivors: Vec<usize>,
    /// Classes dropped only for costing more than one that surely qualifies.
    pub(crate) cut_dropped: Vec<usize>,
    /// The screening's figures before judging.
    pub(crate) screening: Screening,
}

/// A plan after its cheap stages.
pub(crate) enum Prepared<'a> {
    /// Answered without simulating (no placement can satisfy the rule).
    Done(Box<PlanResult>),
    /// Placements to judge.
    Ready(Box<Ready<'a>>),
}

/// A plan ready for judging: its placements, classes and survivors.
pub(crate) struct Ready<'a> {
    pub(crate) study: &'a Study,
    pub(crate) spec: &'a PlanSpec,
    ids: Vec<String>,
    facts: ZoneFacts,
    /// Every placement judged (candidate-zone indices).
    pub(crate) pool: Vec<Vec<usize>>,
    /// The class of each placement of `pool`.
    member_class: Vec<usize>,
    /// Each class's representative (an index into `pool`).
    pub(crate) reps: Vec<usize>,
    pub(crate) screened: Screened,
    result: PlanResult,
}

impl Ready<'_> {
    /// Zone ids of a placement.
    pub(crate) fn replicas_of(&self, idx: &[usize]) -> Vec<String> {
        idx.iter().map(|&i| self.ids[i].clone()).collect()
    }

    /// The replicas of each class's representative.
    pub(crate) fn placements(&self, classes: &[usize]) -> Vec<Vec<String>> {
        classes
            .iter()
            .map(|&c| self.replicas_of(&self.pool[self.reps[c]]))
            .collect()
    }

    /// The cost of a placement.
    fn cost(&self, idx: &[usize]) -> f64 {
        round_cost(idx.iter().map(|&z| self.spec.cost_of(&self.ids[z])).sum())
    }

    /// The distinct costs of each class's members, sorted (as bits of
    /// non-negative `f64`s, which sort as the numbers do).
    pub(crate) fn member_costs(&self) -> Vec<Vec<u64>> {
        let mut out = vec![Vec::new(); self.reps.len()];
        for (idx, &c) in self.pool.iter().zip(&self.member_class) {
            out[c].push(self.cost(idx).to_bits());
        }
        for v in &mut out {
            v.sort_unstable();
            v.dedup();
        }
        out
    }
}

/// Where a plan's judging runs come from: run here ([`super::plan`]) or
/// merged from shards.
pub(crate) trait Judging {
    /// Judges classes `which` on all trials, writing their figures.
    fn judge(
        &mut self,
        ready: &Ready<'_>,
        which: &[usize],
        figures: &mut [Option<Placement>],
    ) -> Result<(), crate::Error>;

    /// For each class of `others`, its discordant trials with class
    /// `leader` on all trials: (it met the target and the leader did not,
    /// the reverse).
    fn pairs(
        &mut self,
        ready: &Ready<'_>,
        others: &[usize],
        leader: usize,
    ) -> Result<Vec<(u64, u64)>, crate::Error>;
}

/// The cheap stages of a plan: placements, constraints, classes, the exact
/// analytic screen and the pilot (a seeded run of the first trials); with
/// `replay`, the screening outcome is taken from it instead (a merge of
/// shards that each ran the pilot).
pub(crate) fn prepare<'a>(
    study: &'a Study,
    spec: &'a PlanSpec,
    opts: &RunOptions<'_>,
    fast: bool,
    replay: Option<&Screened>,
) -> Result<Prepared<'a>, crate::Error> {
    // Inside a service, neither the classes nor the analytic screen hold
    // (see MAX_WITHIN_CANDIDATES): every placement is judged in full.
    let fast = fast && spec.within.is_none();
    // The study's own deployments, baseline and SLA targets are replaced by
    // the plan's; check the rest of it first, then the spec against it.
    let zones = spec.check(study)?;
    let ids: Vec<String> = zones.iter().map(|&z| study.zones[z].id.clone()).collect();
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
        candidate_zones: ids.clone(),
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
        return Ok(Prepared::Done(Box::new(result)));
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
        |idx: &[usize]| -> Vec<String> { idx.iter().map(|&i| ids[i].clone()).collect() };

    // Exchangeability classes: one representative (the first member) each.
    let classifier = Classifier::new(study, &zones, &spec.rule);
    let mut class_of: HashMap<classes::ClassKey, usize> = HashMap::new();
    let mut reps: Vec<usize> = Vec::new();
    let mut member_class: Vec<usize> = Vec::with_capacity(pool.len());
    let mut class_cost: Vec<f64> = Vec::new();
    for (i, idx) in pool.iter().enumerate() {
        let cost = round_cost(idx.iter().map(|&z| spec.cost_of(&ids[z])).sum());
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
    let screened = match replay {
        Some(s) => s.clone(),
        None => screen(
            study,
            spec,
            opts,
            fast,
            &pool,
            &reps,
            &class_cost,
            &zones,
            &replicas_of,
        )?,
    };
    if screened.screening.classes != k
        || screened
            .survivors
            .iter()
            .chain(&screened.cut_dropped)
            .any(|&c| c >= k)
    {
        return Err(crate::engine::RunError::Unsupported(format!(
            "the screening recorded for {} classes does not fit this plan's {k}",
            screened.screening.classes
        ))
        .into());
    }
    Ok(Prepared::Ready(Box::new(Ready {
        study,
        spec,
        ids,
        facts,
        pool,
        member_class,
        reps,
        screened,
        result,
    })))
}

/// The analytic screen and the pilot.
#[allow(clippy::too_many_arguments)]
fn screen(
    study: &Study,
    spec: &PlanSpec,
    opts: &RunOptions<'_>,
    fast: bool,
    pool: &[Vec<usize>],
    reps: &[usize],
    class_cost: &[f64],
    zones: &[usize],
    replicas_of: &dyn Fn(&[usize]) -> Vec<String>,
) -> Result<Screened, crate::Error> {
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
    Ok(Screened {
        survivors: (0..k).filter(|&c| alive[c]).collect(),
        cut_dropped: (0..k).filter(|&c| cut_dropped[c]).collect(),
        screening,
    })
}

/// The judging stages: the survivors on all trials, the verification of
/// the cost cuts, then the answer (the tied set at the lowest qualifying
/// cost and the choice among it).
pub(crate) fn finish(
    ready: &Ready<'_>,
    judging: &mut dyn Judging,
) -> Result<PlanResult, crate::Error> {
    let study = ready.study;
    let spec = ready.spec;
    let k = ready.reps.len();
    let mut result = ready.result.clone();
    let mut screening = ready.screened.screening.clone();
    // 3. The survivors on all trials.
    let mut figures: Vec<Option<Placement>> = vec![None; k];
    judging.judge(ready, &ready.screened.survivors, &mut figures)?;
    // Every judged placement with its class's figures, and its class.
    let members = |figures: &[Option<Placement>]| -> (Vec<Placement>, Vec<usize>) {
        ready
            .pool
            .iter()
            .zip(&ready.member_class)
            .filter_map(|(idx, &c)| {
                figures[c].as_ref().map(|f| {
                    let p = Placement {
                        replicas: ready.replicas_of(idx),
                        cost: ready.cost(idx),
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
            judging.judge(ready, &ready.screened.cut_dropped, &mut figures)?;
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
            let pairs = judging.pairs(ready, &others, lead_class)?;
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
                .map(|z| ready.ids.iter().position(|x| x == z).expect("a candidate"))
                .collect();
            result.closest_violates = ready
                .facts
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
