//! The planner's judging tools: the exact analytic screen, per-trial counts
//! of target hits on common random numbers (for the pilot and the paired
//! test), and the paired (McNemar) test itself.

use rayon::prelude::*;

use super::{FULL_CHUNK, PLAN_HISTOGRAM_DIGITS, PLAN_MEMORY_BUDGET, Placement, PlanSpec};
use crate::deployment::{Deployment, Rule};
use crate::engine::{Accumulators, BATCH_TRIALS, RunError, RunOptions, Simulation};
use crate::service::ServiceTarget;
use crate::stats::{DeploymentAccumulator, meets_target};
use crate::study::Study;

/// Exact steady-state availability of counting-rule placements, computed
/// by enumerating the states of the common causes touching a placement and
/// convolving its zones' (independent) own states: `2^causes · zones ·
/// replicas` operations, not `2^(zones + causes)`.
#[derive(Debug)]
pub(super) struct Analytic {
    /// Stationary up probability of each zone's own process.
    zone_up: Vec<f64>,
    /// Stationary down probability of each common cause.
    cause_down: Vec<f64>,
    /// Causes covering each zone.
    covering: Vec<Vec<usize>>,
}

/// The most common causes one placement may touch for the analytic screen.
const MAX_SCREEN_CAUSES: usize = 16;

impl Analytic {
    pub(super) fn new(study: &Study) -> Self {
        let mut covering = vec![Vec::new(); study.zones.len()];
        for (c, cause) in study.common_causes.iter().enumerate() {
            if let Ok(mut hit) = study.affected_zones(cause) {
                hit.sort_unstable();
                hit.dedup();
                for z in hit {
                    covering[z].push(c);
                }
            }
        }
        Analytic {
            zone_up: study
                .zones
                .iter()
                .map(|z| z.process().steady_state_availability())
                .collect(),
            cause_down: study
                .common_causes
                .iter()
                .map(|c| 1.0 - c.process().steady_state_availability())
                .collect(),
            covering,
        }
    }

    /// The exact long-run availability of replicas in `zones` (study zone
    /// indices, one per replica) under a counting rule; `None` for
    /// active-passive or too many causes.
    pub(super) fn availability(&self, zones: &[usize], rule: &Rule) -> Option<f64> {
        let mut slots: Vec<(usize, usize)> = Vec::new();
        for &z in zones {
            match slots.iter_mut().find(|s| s.0 == z) {
                Some(s) => s.1 += 1,
                None => slots.push((z, 1)),
            }
        }
        let (need, by_zone) = match *rule {
            Rule::AtLeast(k) => (k as usize, false),
            Rule::Majority => (zones.len() / 2 + 1, false),
            Rule::ZonesUp(k) => (k as usize, true),
            Rule::ActivePassive { .. } => return None,
        };
        let mut causes: Vec<usize> = Vec::new();
        for &(z, _) in &slots {
            for &c in &self.covering[z] {
                if !causes.contains(&c) {
                    causes.push(c);
                }
            }
        }
        if causes.len() > MAX_SCREEN_CAUSES {
            return None;
        }
        let units: usize = slots.iter().map(|s| if by_zone { 1 } else { s.1 }).sum();
        let mut dist = vec![0.0; units + 1];
        let mut next = vec![0.0; units + 1];
        let mut up = 0.0;
        for state in 0u32..1 << causes.len() {
            let mut p = 1.0;
            for (j, &c) in causes.iter().enumerate() {
                let q = self.cause_down[c];
                p *= if state >> j & 1 == 1 { q } else { 1.0 - q };
            }
            if p == 0.0 {
                continue;
            }
            dist.iter_mut().for_each(|x| *x = 0.0);
            dist[0] = 1.0;
            let mut top = 0;
            for &(z, n) in &slots {
                let w = if by_zone { 1 } else { n };
                let hit = self.covering[z]
                    .iter()
                    .any(|c| state >> causes.iter().position(|x| x == c).unwrap() & 1 == 1);
                let a = if hit { 0.0 } else { self.zone_up[z] };
                next.iter_mut().for_each(|x| *x = 0.0);
                for u in 0..=top {
                    next[u] += dist[u] * (1.0 - a);
                    next[u + w] += dist[u] * a;
                }
                top += w;
                std::mem::swap(&mut dist, &mut next);
            }
            up += p * dist[need.min(units + 1)..].iter().sum::<f64>();
        }
        Some(up)
    }
}

pub(super) use crate::stats::wilson;

/// The deployments of a planning run: the study's zones, causes and
/// settings with `placements` as its deployments and the target as its one
/// SLA target; `trials` trials (the first `trials` of the full run: every
/// trial has its own stream, so they are the same trials).
pub(super) fn planning_study(
    study: &Study,
    placements: &[Vec<String>],
    rule: &Rule,
    target: f64,
    trials: u64,
    within: Option<&ServiceTarget>,
) -> (Study, Vec<usize>) {
    let mut planning = study.clone();
    planning.simulation.baseline = None;
    planning.simulation.trials = trials;
    planning.simulation.sla_targets = vec![target];
    // Plans judge every placement by plain Monte Carlo, and need no windows.
    planning.simulation.estimator = crate::study::Estimator::Crude;
    planning.simulation.sla_window_hours = 1e7;
    planning.simulation.sla_credits.clear();
    let candidates: Vec<Deployment> = placements
        .iter()
        .enumerate()
        .map(|(i, replicas)| {
            // Numbered, so that zone ids holding `+` cannot collide.
            Deployment::new(
                format!("#{i} {}", replicas.join("+")),
                replicas,
                rule.clone(),
            )
        })
        .collect();
    match within {
        None => {
            planning.deployments = candidates;
            // The study's services are made of its deployments, which the
            // plan replaces.
            planning.services.clear();
            let units = (0..placements.len()).collect();
            (planning, units)
        }
        Some(w) => {
            // Each placement is judged by its copy of the target service
            // (outcomes list deployments first, then services).
            let (deps, services, judged) = w.planning_units(study, candidates);
            let first_service = deps.len();
            planning.deployments = deps;
            planning.services = services;
            let units = judged.into_iter().map(|j| first_service + j).collect();
            (planning, units)
        }
    }
}

/// Per placement: trials that met the target, and the discordant pairs
/// with the paired placement (this one met and it did not, and the reverse).
pub(super) type Hits = (Vec<u64>, Vec<(u64, u64)>);

/// Most placements in one per-trial run (bounds each run's compiled size).
const PER_TRIAL_CHUNK: usize = 4096;

/// Per-trial target hits on the first `trials` trials, for every placement:
/// `hits[i]` = trials in which placement `i` met `target`; with `pair_with
/// = Some(j)`, also the discordant pairs with placement `j`: trials where
/// `i` met and `j` did not, and where `j` met and `i` did not. Integer
/// counts over fixed batches: the same on any number of threads. With
/// `within`, each placement's hits are its copy of the service's.
#[allow(clippy::too_many_arguments)]
pub(super) fn count_hits(
    study: &Study,
    placements: &[Vec<String>],
    rule: &Rule,
    target: f64,
    trials: u64,
    pair_with: Option<usize>,
    within: Option<&ServiceTarget>,
    opts: &RunOptions<'_>,
) -> Result<Hits, crate::Error> {
    let horizon = study.simulation.horizon_hours;
    let mut hits = vec![0u64; placements.len()];
    let mut pairs = vec![(0u64, 0u64); placements.len()];
    let mut start = 0;
    while start < placements.len() {
        let end = (start + PER_TRIAL_CHUNK).min(placements.len());
        // The paired placement rides along in every chunk, as its last deployment.
        let mut chunk: Vec<Vec<String>> = placements[start..end].to_vec();
        if let Some(j) = pair_with {
            chunk.push(placements[j].clone());
        }
        let (planning, units) = planning_study(study, &chunk, rule, target, trials, within);
        let sim = Simulation::new(&planning)?;
        let batches = trials.div_ceil(BATCH_TRIALS);
        let width = end - start;
        let run = |b: u64| -> Result<Hits, RunError> {
            // Ctrl-C from the Python package (`RunOptions::cancel`).
            if opts.cancelled() {
                return Err(RunError::Cancelled);
            }
            let mut h = vec![0u64; width];
            let mut pr = vec![(0u64, 0u64); width];
            let mut out = Vec::new();
            for t in b * BATCH_TRIALS..((b + 1) * BATCH_TRIALS).min(trials) {
                sim.trial(t, &mut out)?;
                let met = |o: &crate::stats::TrialOutcome| {
                    meets_target(o.downtime_hours, horizon, target)
                };
                let other = pair_with.map(|_| met(&out[units[width]]));
                for i in 0..width {
                    let m = met(&out[units[i]]);
                    h[i] += m as u64;
                    if let Some(o) = other {
                        pr[i].0 += (m && !o) as u64;
                        pr[i].1 += (o && !m) as u64;
                    }
                }
            }
            Ok((h, pr))
        };
        let threads = opts
            .threads
            .unwrap_or_else(rayon::current_num_threads)
            .max(1);
        let parts: Vec<Result<Hits, RunError>> = if threads == 1 {
            (0..batches).map(run).collect()
        } else {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .map_err(|e| RunError::ThreadPool {
                    threads,
                    message: e.to_string(),
                })?;
            pool.install(|| (0..batches).into_par_iter().map(run).collect())
        };
        for part in parts {
            let (h, pr) = part?;
            for i in 0..width {
                hits[start + i] += h[i];
                pairs[start + i].0 += pr[i].0;
                pairs[start + i].1 += pr[i].1;
            }
        }
        start = end;
    }
    Ok((hits, pairs))
}

/// Two-sided exact binomial (McNemar) p-value of `b` against `c`
/// discordant trials: the probability, with no difference, of a split at
/// least this uneven. 1 when there is no discordant trial.
pub(super) fn mcnemar_p(b: u64, c: u64) -> f64 {
    let n = b + c;
    if n == 0 {
        return 1.0;
    }
    let k = b.min(c);
    // P(X <= k) for X ~ Binomial(n, 1/2), summed in logs.
    let ln_half_n = -(n as f64) * std::f64::consts::LN_2;
    let mut ln_term = ln_half_n; // C(n, 0) / 2^n
    let mut sum = ln_term.exp();
    for i in 1..=k {
        ln_term += ((n - i + 1) as f64).ln() - (i as f64).ln();
        sum += ln_term.exp();
    }
    (2.0 * sum).min(1.0)
}

/// Judges the classes `which` on all trials, in runs of at most
/// [`FULL_CHUNK`] placements on the same trials, writing their figures.
#[allow(clippy::too_many_arguments)]
pub(super) fn judge_full(
    study: &Study,
    spec: &PlanSpec,
    pool: &[Vec<usize>],
    reps: &[usize],
    which: &[usize],
    replicas_of: &dyn Fn(&[usize]) -> Vec<String>,
    figures: &mut [Option<Placement>],
    opts: &RunOptions<'_>,
) -> Result<(), crate::Error> {
    for chunk in which.chunks(FULL_CHUNK) {
        let placements: Vec<Vec<String>> =
            chunk.iter().map(|&c| replicas_of(&pool[reps[c]])).collect();
        let run = JudgeRun::new(study, spec, &placements, opts)?;
        let acc = run.sim.run_accumulators(&run.opts)?;
        run.figures(&acc, spec, chunk, figures);
    }
    Ok(())
}

/// One judging run of at most [`FULL_CHUNK`] placements: its simulation
/// (2-digit histograms, no longest-outage percentile), which outcome is
/// each placement's, and its options (fewer threads when memory is short).
pub(super) struct JudgeRun<'o> {
    /// The planning simulation.
    pub(super) sim: Simulation,
    /// Each placement's unit (a deployment, or with `within` a service).
    units: Vec<usize>,
    /// The replicas of each placement.
    placements: Vec<Vec<String>>,
    /// The options of the run.
    pub(super) opts: RunOptions<'o>,
}

impl<'o> JudgeRun<'o> {
    pub(super) fn new(
        study: &Study,
        spec: &PlanSpec,
        placements: &[Vec<String>],
        opts: &RunOptions<'o>,
    ) -> Result<Self, crate::Error> {
        let (planning, units) = planning_study(
            study,
            placements,
            &spec.rule,
            spec.target.availability,
            study.simulation.trials,
            spec.within.as_ref(),
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
        Ok(JudgeRun {
            sim,
            units,
            placements: placements.to_vec(),
            opts,
        })
    }

    /// Writes the figures of classes `chunk` (one per placement of the run)
    /// from the run's accumulators over all trials.
    pub(super) fn figures(
        &self,
        acc: &Accumulators,
        spec: &PlanSpec,
        chunk: &[usize],
        figures: &mut [Option<Placement>],
    ) {
        let fraction = spec.target.in_fraction_of_years;
        let n_deps = acc.deployments.len();
        for (i, &c) in chunk.iter().enumerate() {
            let u = self.units[i];
            let a = if u < n_deps {
                &acc.deployments[u]
            } else {
                &acc.services[u - n_deps]
            };
            let s = a.summary(&format!("#{i}"));
            let sla = &s.sla[0];
            figures[c] = Some(Placement {
                replicas: self.placements[i].clone(),
                cost: 0.0,
                availability_mean: s.availability.mean,
                availability_p5: s.availability.percentiles.p5,
                p_meets: sla.p_meets,
                p_meets_ci95: sla.p_meets_ci95,
                qualifies: sla.p_meets_ci95[0] >= fraction,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mcnemar_matches_hand_values() {
        assert_eq!(mcnemar_p(0, 0), 1.0);
        // n = 5, k = 0: 2 / 32.
        assert!((mcnemar_p(5, 0) - 0.0625).abs() < 1e-15);
        // n = 10, k = 2: 2 (1 + 10 + 45) / 1024.
        assert!((mcnemar_p(2, 8) - 112.0 / 1024.0).abs() < 1e-14);
        assert_eq!(mcnemar_p(3, 3), 1.0);
    }

    #[test]
    fn wilson_at_z_matches_the_95_interval() {
        let a = wilson(37, 100, 1.959_963_984_540_054);
        let b = crate::stats::wilson_ci95(37, 100);
        assert!((a[0] - b[0]).abs() < 1e-15 && (a[1] - b[1]).abs() < 1e-15);
    }
}

#[cfg(test)]
mod analytic_tests {
    use super::*;
    use crate::prelude::*;

    /// The screen's convolution equals the crate's full state enumeration
    /// (`crate::analytic`) on overlapping causes, repeated zones and every
    /// counting rule.
    #[test]
    fn screen_availability_equals_the_state_enumeration() {
        let exp = |m| Duration::exponential(m).unwrap();
        let mut study = Study::new(Settings::new(10, 100.0))
            .region(Region::new("r1", "r1", "p", "FR"))
            .region(Region::new("r2", "r2", "p", "DE"));
        for (i, z) in ["a", "b", "c", "d"].into_iter().enumerate() {
            let r = if i < 2 { "r1" } else { "r2" };
            study = study.zone(Zone::new(
                z,
                r,
                exp(90.0 + 7.0 * i as f64),
                exp(10.0 + i as f64),
            ));
        }
        study = study
            .common_cause(CommonCause::new("e1", ["r1"], exp(190.0), exp(10.0)))
            .common_cause(CommonCause::new("e2", ["b", "c"], exp(300.0), exp(20.0)));
        let analytic = Analytic::new(&study);
        let placements: [&[usize]; 5] = [&[0], &[0, 1], &[0, 0, 2], &[1, 2, 3], &[0, 1, 1, 2, 3]];
        for idx in placements {
            let ids: Vec<String> = idx.iter().map(|&i| study.zones[i].id.clone()).collect();
            for rule in [
                Rule::AtLeast(1),
                Rule::Majority,
                Rule::ZonesUp(2),
                Rule::AtLeast(idx.len() as u32),
            ] {
                let d = Deployment::new("d", &ids, rule.clone());
                let want = crate::analytic::steady_state_availability(&study, &d);
                let got = analytic.availability(idx, &rule);
                match (want, got) {
                    (Some(w), Some(g)) => {
                        assert!((w - g).abs() < 1e-14, "{ids:?} {rule}: {g} vs {w}")
                    }
                    (w, g) => assert_eq!(w.is_some(), g.is_some(), "{ids:?} {rule}"),
                }
            }
        }
        assert!(
            analytic
                .availability(&[0], &Rule::active_passive(0.1))
                .is_none()
        );
    }
}
