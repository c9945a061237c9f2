//! The judging of a plan split into shards of trials.
//!
//! Every shard runs the cheap stages ([`super::search::prepare`]: classes,
//! the analytic screen and the pilot, seeded, so the same on every shard),
//! then, on its share of the batches only, the two runs of the judging
//! stage: the survivors' exact accumulators (what [`super::plan`] judges
//! them by) and, per trial, which survivors met the target, folded into
//! exact counts: each survivor's hits and, for every pair of survivors
//! with a member of the same cost, the trials both met. The paired test
//! compares the leader with other classes of its cost only, so those
//! counts give every discordant pair it can ask for, whichever class the
//! merged figures make the leader: `(hits_c - both, hits_leader - both)`.
//! Integer counts and exact accumulators merge exactly, so the merged
//! answer is bit for bit that of one process.
//!
//! One stage cannot be split this way: when no placement at or below a
//! screening cost cut qualifies on all trials (the cut's class failed a
//! 5- or 6-standard-error margin), [`super::plan`] judges the classes the
//! cut dropped, which only the merged figures can tell. A merge then stops
//! with an error saying to run the plan in one process.

use std::collections::HashMap;
use std::ops::Range;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::FULL_CHUNK;
use super::Placement;
use super::judge::{JudgeRun, planning_study};
use super::search::{Judging, Ready};
use crate::engine::{Accumulators, BATCH_TRIALS, RunError, RunOptions, Simulation};
use crate::stats::meets_target;

/// The most pairs of equal-cost survivors a plan shard counts (each is one
/// integer in the partial file and 16 words of work per batch): plans
/// with more are refused `--shard`.
pub const MAX_SHARD_PAIRS: usize = 2_000_000;

/// Placements in one per-trial simulation (as the planner's own paired
/// counts).
const PER_TRIAL_CHUNK: usize = 4096;

/// What one shard of a plan's judging holds: exact, mergeable.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Work {
    /// The accumulators of each judging run (the survivors in runs of
    /// [`FULL_CHUNK`]).
    pub(crate) runs: Vec<Accumulators>,
    /// Per survivor: trials that met the target.
    pub(crate) hits: Vec<u64>,
    /// Per pair of [`comparable_pairs`]: trials both met the target.
    pub(crate) both: Vec<u64>,
}

impl Work {
    /// Adds another shard's work (of other batches). `Err` when the shapes
    /// differ.
    pub(crate) fn merge(&mut self, o: &Work) -> Result<(), String> {
        if self.runs.len() != o.runs.len()
            || self.hits.len() != o.hits.len()
            || self.both.len() != o.both.len()
            || self.runs.iter().zip(&o.runs).any(|(a, b)| !a.same_shape(b))
        {
            return Err("another shape of judging counts for the same plan".into());
        }
        for (a, b) in self.runs.iter_mut().zip(&o.runs) {
            a.merge(b);
        }
        for (a, b) in self.hits.iter_mut().zip(&o.hits) {
            *a += b;
        }
        for (a, b) in self.both.iter_mut().zip(&o.both) {
            *a += b;
        }
        Ok(())
    }

    /// The trials recorded by each judging run.
    pub(crate) fn trials(&self) -> impl Iterator<Item = u64> + '_ {
        self.runs.iter().map(|a| a.trials)
    }
}

/// The pairs (positions in the survivors, first < second) of survivors
/// that have members of the same cost: every pair the paired test may
/// compare. Sorted.
///
/// # Errors
/// [`RunError::Unsupported`] when there are more than [`MAX_SHARD_PAIRS`].
pub(crate) fn comparable_pairs(ready: &Ready<'_>) -> Result<Vec<(u32, u32)>, crate::Error> {
    let costs = ready.member_costs();
    let survivors = &ready.screened.survivors;
    let mut by_cost: HashMap<u64, Vec<u32>> = HashMap::new();
    for (p, &c) in survivors.iter().enumerate() {
        for &cost in &costs[c] {
            by_cost.entry(cost).or_default().push(p as u32);
        }
    }
    let mut groups: Vec<(u64, Vec<u32>)> = by_cost.into_iter().collect();
    groups.sort_unstable();
    let too_many = || {
        crate::Error::from(RunError::Unsupported(format!(
            "this plan judges {} classes of placements in full, with more than \
             {MAX_SHARD_PAIRS} pairs of the same cost for its paired test to count, over what a \
             plan shard holds; run it in one process (zonesim plan FILE), or narrow it \
             (fewer candidate_zones, a lower max_replicas, constraints)",
            survivors.len()
        )))
    };
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    for (_, g) in &groups {
        let n = g.len();
        if pairs.len() + n * n.saturating_sub(1) / 2 > 4 * MAX_SHARD_PAIRS {
            return Err(too_many());
        }
        for (i, &a) in g.iter().enumerate() {
            for &b in &g[i + 1..] {
                pairs.push((a, b));
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    if pairs.len() > MAX_SHARD_PAIRS {
        return Err(too_many());
    }
    Ok(pairs)
}

/// Runs a plan's judging on batches `batches` only (see the module docs).
pub(crate) fn run_work(
    ready: &Ready<'_>,
    batches: Range<u64>,
    opts: &RunOptions<'_>,
) -> Result<Work, crate::Error> {
    let pairs = comparable_pairs(ready)?;
    let survivors = &ready.screened.survivors;
    let mut runs = Vec::new();
    for chunk in survivors.chunks(FULL_CHUNK) {
        let placements = ready.placements(chunk);
        let run = JudgeRun::new(ready.study, ready.spec, &placements, opts)?;
        runs.push(run.sim.run_range(batches.clone(), &run.opts)?);
    }
    let (hits, both) = count_pairs(ready, &pairs, batches, opts)?;
    Ok(Work { runs, hits, both })
}

/// Words of a batch's bitmap of trials.
const WORDS: usize = BATCH_TRIALS.div_ceil(64) as usize;

/// Per survivor its hits, per pair the trials both met, over `batches`:
/// integer counts, the same on any number of threads.
fn count_pairs(
    ready: &Ready<'_>,
    pairs: &[(u32, u32)],
    batches: Range<u64>,
    opts: &RunOptions<'_>,
) -> Result<(Vec<u64>, Vec<u64>), crate::Error> {
    let study = ready.study;
    let spec = ready.spec;
    let trials = study.simulation.trials;
    let horizon = study.simulation.horizon_hours;
    let target = spec.target.availability;
    let placements = ready.placements(&ready.screened.survivors);
    let m = placements.len();
    let mut sims: Vec<(usize, Simulation, Vec<usize>)> = Vec::new();
    for (k, chunk) in placements.chunks(PER_TRIAL_CHUNK).enumerate() {
        let (planning, units) = planning_study(
            study,
            chunk,
            &spec.rule,
            target,
            trials,
            spec.within.as_ref(),
        );
        sims.push((k * PER_TRIAL_CHUNK, Simulation::new(&planning)?, units));
    }
    let zero = || (vec![0u64; m], vec![0u64; pairs.len()]);
    let batch = |mut acc: (Vec<u64>, Vec<u64>), b: u64| -> Result<_, RunError> {
        if opts.cancelled() {
            return Err(RunError::Cancelled);
        }
        let mut bits = vec![[0u64; WORDS]; m];
        let mut out = Vec::new();
        let first = b * BATCH_TRIALS;
        for t in first..((b + 1) * BATCH_TRIALS).min(trials) {
            let (w, bit) = (((t - first) / 64) as usize, (t - first) % 64);
            for (start, sim, units) in &sims {
                sim.trial(t, &mut out)?;
                for (i, &u) in units.iter().enumerate() {
                    if meets_target(out[u].downtime_hours, horizon, target) {
                        bits[start + i][w] |= 1 << bit;
                    }
                }
            }
        }
        for (h, bm) in acc.0.iter_mut().zip(&bits) {
            *h += bm.iter().map(|x| x.count_ones() as u64).sum::<u64>();
        }
        for (n, &(a, c)) in acc.1.iter_mut().zip(pairs) {
            let (x, y) = (&bits[a as usize], &bits[c as usize]);
            *n += (0..WORDS)
                .map(|w| (x[w] & y[w]).count_ones() as u64)
                .sum::<u64>();
        }
        Ok(acc)
    };
    let add = |mut a: (Vec<u64>, Vec<u64>),
               b: (Vec<u64>, Vec<u64>)|
     -> Result<(Vec<u64>, Vec<u64>), RunError> {
        a.0.iter_mut().zip(&b.0).for_each(|(x, y)| *x += y);
        a.1.iter_mut().zip(&b.1).for_each(|(x, y)| *x += y);
        Ok(a)
    };
    let threads = opts
        .threads
        .unwrap_or_else(rayon::current_num_threads)
        .max(1);
    let counts = if threads == 1 {
        batches.clone().try_fold(zero(), batch)
    } else {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| RunError::ThreadPool {
                threads,
                message: e.to_string(),
            })?;
        pool.install(|| {
            batches
                .clone()
                .into_par_iter()
                .try_fold(zero, batch)
                .try_reduce(zero, add)
        })
    }?;
    Ok(counts)
}

/// Judging from the merged work of every shard.
pub(crate) struct Merged<'w> {
    work: &'w Work,
    /// Index in `work.both` of each comparable pair.
    pair_at: HashMap<(u32, u32), usize>,
    /// Position in the survivors of each surviving class.
    position: HashMap<usize, u32>,
}

impl<'w> Merged<'w> {
    /// `Err` when the work does not fit the plan (another build, a forged
    /// file).
    pub(crate) fn new(ready: &Ready<'_>, work: &'w Work) -> Result<Self, String> {
        let survivors = &ready.screened.survivors;
        let pairs = comparable_pairs(ready).map_err(|e| e.to_string())?;
        if work.runs.len() != survivors.chunks(FULL_CHUNK).count()
            || work.hits.len() != survivors.len()
            || work.both.len() != pairs.len()
        {
            return Err(format!(
                "judging counts for {} runs, {} classes and {} pairs; the plan has {} classes \
                 to judge and {} pairs",
                work.runs.len(),
                work.hits.len(),
                work.both.len(),
                survivors.len(),
                pairs.len()
            ));
        }
        Ok(Merged {
            work,
            pair_at: pairs.into_iter().enumerate().map(|(i, p)| (p, i)).collect(),
            position: survivors
                .iter()
                .enumerate()
                .map(|(p, &c)| (c, p as u32))
                .collect(),
        })
    }
}

impl Judging for Merged<'_> {
    fn judge(
        &mut self,
        ready: &Ready<'_>,
        which: &[usize],
        figures: &mut [Option<Placement>],
    ) -> Result<(), crate::Error> {
        if which != ready.screened.survivors.as_slice() {
            return Err(RunError::Unsupported(
                "on all trials, no placement at or below the screening's cost cut qualifies, so \
                 the plan must also judge the classes the cut dropped, which its shards did not \
                 run (the cut's margin is 5 to 6 standard errors, so this is rare); run this plan \
                 in one process: zonesim plan FILE"
                    .into(),
            )
            .into());
        }
        for (chunk, acc) in which.chunks(FULL_CHUNK).zip(&self.work.runs) {
            let placements = ready.placements(chunk);
            let run = JudgeRun::new(ready.study, ready.spec, &placements, &RunOptions::new())?;
            if !acc.fits(&run.sim) {
                return Err(RunError::Unsupported(
                    "the judging accumulators do not fit the plan's placements".into(),
                )
                .into());
            }
            run.figures(acc, ready.spec, chunk, figures);
        }
        Ok(())
    }

    fn pairs(
        &mut self,
        _ready: &Ready<'_>,
        others: &[usize],
        leader: usize,
    ) -> Result<Vec<(u64, u64)>, crate::Error> {
        let missing = || {
            crate::Error::from(RunError::Unsupported(
                "the paired test asks for a pair the shards did not count".into(),
            ))
        };
        let l = *self.position.get(&leader).ok_or_else(missing)?;
        let hits = &self.work.hits;
        others
            .iter()
            .map(|c| {
                let p = *self.position.get(c).ok_or_else(missing)?;
                let key = (p.min(l), p.max(l));
                let both = self.work.both[*self.pair_at.get(&key).ok_or_else(missing)?];
                let (hc, hl) = (hits[p as usize], hits[l as usize]);
                if both > hc.min(hl) {
                    return Err(missing());
                }
                Ok((hc - both, hl - both))
            })
            .collect()
    }
}
