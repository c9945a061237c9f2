//! The coarse overlap pre-filter of counting rules: a cheap proof, for most
//! trials, that a deployment's zones never take down more units at once than
//! it tolerates, so that its outcome is exactly "all up" and no sweep runs.
//!
//! The horizon is cut into buckets of equal width (about two typical
//! outages long, so the number of buckets follows the horizon; see
//! [`BucketGrid::new`]). Each zone interval `[start, end]` touches buckets
//! `bucket(start)..=bucket(end)`; every zone adds its units once to each
//! bucket it touches. If no bucket holds more than the deployment's tolerance
//! (`units - need`), the deployment is up at every instant:
//!
//! - after all changes of an instant `t`, a zone is down only if one of its
//!   intervals has `start <= t <= end`;
//! - `bucket` is monotone (a product by a positive constant, rounded to an
//!   integer, then capped), so that interval touches `bucket(t)`;
//! - so the units down at `t` are at most the count of `bucket(t)`.
//!
//! Where a deployment's zones with equal units are consecutive, their
//! intervals are counted in one loop, and one zone's last outage and the next
//! zone's first count once in a bucket they share when the first ends before
//! the second starts: no instant has both down, so the bound above holds
//! (see `count_intervals`).
//!
//! The filter is conservative only: touching or nearby outages of different
//! zones that share a bucket send the trial to the exact sweep, which decides.

use super::compile::CompiledDeployment;
use super::process::{Interval, ProcessSampler};

/// The most buckets a grid has (8 bytes each in every worker's scratch).
pub(super) const MAX_BUCKETS: usize = 1 << 15;

/// The bucket grid of a run: how instants map to buckets.
#[derive(Debug, Clone, Copy)]
pub(super) struct BucketGrid {
    /// Buckets per hour.
    per_hour: f64,
    /// Number of buckets (at least 1).
    buckets: usize,
    /// The last bucket, `buckets - 1`.
    last: u32,
}

impl BucketGrid {
    /// A grid over `[0, horizon]` with buckets about `width` hours wide (the
    /// typical outage length: narrower buckets cost more per interval, wider
    /// ones send more trials to the sweep), at most [`MAX_BUCKETS`].
    pub(super) fn new(horizon: f64, width: f64) -> Self {
        let n = if width.is_finite() && width > 0.0 {
            (horizon / width).ceil()
        } else {
            1.0
        };
        let buckets = if n.is_finite() {
            (n as usize).clamp(1, MAX_BUCKETS)
        } else {
            MAX_BUCKETS
        };
        BucketGrid {
            per_hour: buckets as f64 / horizon,
            buckets,
            last: buckets as u32 - 1,
        }
    }

    /// The grid for a run over `horizon` whose outages come from `processes`
    /// (zones and common causes): buckets as wide as two typical outages (a
    /// typical outage: the mean time to repair weighted by how many outages
    /// each process has). By callgrind, one outage wide costs ref-2of3 and
    /// ref-4of7 1% and 2% more instructions, four 1% more and 1% less.
    pub(super) fn for_processes<'a>(
        horizon: f64,
        processes: impl Iterator<Item = &'a ProcessSampler>,
    ) -> Self {
        let (mut n, mut down) = (0.0, 0.0);
        for p in processes {
            n += p.expected_intervals;
            down += p.expected_intervals * p.mean_down;
        }
        BucketGrid::new(horizon, 2.0 * down / n)
    }

    /// The bucket holding instant `t` (within `[0, horizon]`); monotone in `t`.
    #[inline(always)]
    fn bucket(&self, t: f64) -> usize {
        // `t * per_hour` rounded to the nearest integer, then capped at the
        // last bucket: 5 instructions where Rust's saturating `as` cast and
        // integer clamps took 13 (issue 14, third pass). Adding 1.5 * 2^52
        // rounds: the sum's exponent is 52 for any `x` in [0, 2^51) (here at
        // most `buckets`, as `t` is at most the horizon), so its mantissa's
        // low bits are the integer. A sum with a constant, the bits of
        // doubles of one exponent and the cap are all monotone. So bucket `k`
        // holds `[k - 1/2, k + 1/2)` buckets' widths, the first half as wide
        // and the last half as wide again.
        const ROUND: f64 = 1.5 * (1u64 << 52) as f64;
        debug_assert!((0.0..=2.0 * self.buckets as f64 / self.per_hour).contains(&t));
        let k = (t * self.per_hour + ROUND).to_bits() as u32;
        k.min(self.last) as usize
    }
}

/// One bucket's count, stamped with the check that wrote it (so that no
/// check has to clear the grid).
#[derive(Debug, Clone, Copy, Default)]
struct Cell {
    stamp: u32,
    units: i32,
}

/// A worker's bucket counts, reused across checks and trials.
#[derive(Debug, Default)]
pub(super) struct Prefilter {
    cells: Vec<Cell>,
    stamp: u32,
}

impl Prefilter {
    /// Whether the counting deployment `d` (no replica failures of its own)
    /// may be down in the trial whose zone timelines are `raw[zone_rng[z]]`:
    /// false proves its outcome is exactly the all-up one. `contiguous`
    /// promises that each zone's range ends where the next zone's begins (no
    /// timeline was replaced by a union with causes), so that a run of the
    /// deployment's zones is one slice of `raw`.
    #[inline]
    pub(super) fn may_fail(
        &mut self,
        grid: &BucketGrid,
        d: &CompiledDeployment,
        raw: &[Interval],
        zone_rng: &[(usize, usize)],
        contiguous: bool,
    ) -> bool {
        if self.cells.len() != grid.buckets {
            self.cells.clear();
            self.cells.resize(grid.buckets, Cell::default());
            self.stamp = 0;
        }
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            // Once in 2^32 checks: old stamps could match again.
            self.cells.fill(Cell::default());
            self.stamp = 1;
        }
        let stamp = self.stamp;
        let tolerance = d.units - d.need;
        if tolerance < 0 {
            return true;
        }
        let cells = &mut self.cells[..];
        if contiguous {
            // One loop a run of zones, not one a zone: a loop over a zone's
            // few intervals ends where the branch predictor cannot guess
            // (about one misprediction a zone and trial).
            for run in &d.runs {
                debug_assert!(
                    (run.lo..run.hi - 1)
                        .all(|z| zone_rng[z as usize].1 == zone_rng[z as usize + 1].0)
                );
                let a = zone_rng[run.lo as usize].0;
                let b = zone_rng[run.hi as usize - 1].1;
                if count_intervals(grid, cells, stamp, tolerance, run.w, &raw[a..b], true) {
                    return true;
                }
            }
        } else {
            for &z in &d.slot_zone {
                let w = d.zone_units[z as usize];
                let (a, b) = zone_rng[z as usize];
                if w > 0 && count_intervals(grid, cells, stamp, tolerance, w, &raw[a..b], false) {
                    return true;
                }
            }
        }
        false
    }
}

/// Whether a zone of `d` with units has an outage: [`Prefilter::may_fail`]'s
/// answer for a rule that tolerates no unit down, without counting (the
/// counts would say the same after a whole run's intervals, where this stops
/// at the first zone with an outage). Out of line, and chosen by the trial
/// rather than inside `may_fail`: there it cost ref-2of3 8% of its time in
/// the bench profile, with no more instructions.
#[inline(never)]
pub(super) fn any_outage(d: &CompiledDeployment, zone_rng: &[(usize, usize)]) -> bool {
    d.slot_zone.iter().any(|&z| {
        let (a, b) = zone_rng[z as usize];
        a != b && d.zone_units[z as usize] > 0
    })
}

/// Adds `w` units for each interval of `ivs` to the buckets it touches;
/// true if a bucket then holds more than `tolerance`.
///
/// Branch-free per interval (an interval of a typical outage crosses a bucket
/// boundary about half the time, which a branch mispredicts): its first and
/// last buckets are both updated, the last with no units when it is the
/// first, and the first with none when the previous interval already counted
/// it. Only the buckets strictly between (an outage longer than a bucket)
/// take a loop.
///
/// `ivs` is one zone's intervals (sorted and disjoint), or with `run` those
/// of consecutive zones that each take down `w` units, one zone after the
/// other. A zone's buckets come in order, so a bucket its previous interval
/// counted is not counted again. In a run the previous interval may be
/// another zone's last; the bucket is then shared, not counted again, only
/// when that interval ended before this one starts. So each bucket's count is
/// `w` once per chain of intervals that follow one another in time, at most
/// one of them down at any instant: never less than the units down at any
/// instant in the bucket.
#[inline(always)]
fn count_intervals(
    grid: &BucketGrid,
    cells: &mut [Cell],
    stamp: u32,
    tolerance: i32,
    w: i32,
    ivs: &[Interval],
    run: bool,
) -> bool {
    let mut over = false;
    // The last bucket counted, and the end of the interval that counted it.
    let mut counted = usize::MAX;
    let mut prev_end = f64::INFINITY;
    for iv in ivs {
        let first = grid.bucket(iv.start);
        let last = grid.bucket(iv.end);
        let shared = if run {
            (first == counted) & (prev_end < iv.start)
        } else {
            first == counted
        };
        let w_first = std::hint::select_unpredictable(shared, 0, w);
        over |= add(cells, first, stamp, w_first) > tolerance;
        if last > first + 1 {
            for k in first + 1..last {
                over |= add(cells, k, stamp, w) > tolerance;
            }
        }
        let w_last = std::hint::select_unpredictable(last == first, 0, w);
        over |= add(cells, last, stamp, w_last) > tolerance;
        counted = last;
        prev_end = iv.end;
    }
    over
}

/// Consecutive zones (by index) of a counting deployment that each take
/// down the same units, `w > 0`: zones `lo..hi`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ZoneRun {
    pub(super) lo: u32,
    pub(super) hi: u32,
    pub(super) w: i32,
}

/// The maximal runs of a counting deployment whose zone `z` takes down
/// `zone_units[z]` units (0 outside it), in zone order.
pub(super) fn zone_runs(zone_units: &[i32]) -> Vec<ZoneRun> {
    let mut runs: Vec<ZoneRun> = Vec::new();
    for (z, &w) in (0u32..).zip(zone_units) {
        if w <= 0 {
            continue;
        }
        match runs.last_mut() {
            Some(r) if r.hi == z && r.w == w => r.hi += 1,
            _ => runs.push(ZoneRun {
                lo: z,
                hi: z + 1,
                w,
            }),
        }
    }
    runs
}

/// Adds `w` units to bucket `k` under `stamp` (a cell of an older stamp
/// counts as empty) and returns the bucket's units.
#[inline(always)]
fn add(cells: &mut [Cell], k: usize, stamp: u32, w: i32) -> i32 {
    let c = &mut cells[k];
    // A select, not a branch: whether another zone touched this bucket is
    // data, and a branch on it was mispredicted about 5 times a trial.
    let units = std::hint::select_unpredictable(c.stamp == stamp, c.units, 0) + w;
    *c = Cell { stamp, units };
    units
}

#[cfg(test)]
mod tests {
    use super::super::counting::{sweep_zone_intervals, sweep_zone_intervals_heap};
    use super::super::merge::merge_events;
    use super::super::trial::Scratch;
    use super::super::{RunOptions, Simulation};
    use super::*;
    use crate::deployment::{Deployment, Rule};
    use crate::distributions::Duration;
    use crate::stats::TrialOutcome;
    use crate::study::{Settings, Study};
    use crate::topology::{CommonCause, Region, Zone};
    use rand::{RngExt, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    /// `n` zones whose outages often overlap, touch and tie: fixed and
    /// uniform durations on whole hours over a short horizon, a common cause
    /// over the first half of the zones, and counting deployments of every
    /// shape over all of them (tolerances 0, 1, about half, n - 1), with
    /// duplicates and equivalent rules that share a sweep, and active-passive
    /// over three of them (twice).
    fn study(n: usize, horizon: f64) -> Study {
        let d = |x: Result<Duration, _>| x.unwrap();
        // SLA windows of a third of the horizon, so that the per-window
        // accounting is compared too.
        let settings = Settings::new(1, horizon).with_sla_window_hours(horizon / 3.0);
        let mut s = Study::new(settings).region(Region::new("r", "r", "t", "FR"));
        let ids: Vec<String> = (0..n).map(|i| format!("z{i}")).collect();
        for (i, id) in ids.iter().enumerate() {
            let (ttf, ttr) = match i % 3 {
                0 => (d(Duration::fixed(20.0)), d(Duration::fixed(4.0))),
                1 => (d(Duration::uniform(5.0, 40.0)), d(Duration::fixed(2.0))),
                _ => (
                    d(Duration::exponential(30.0)),
                    d(Duration::exponential(3.0)),
                ),
            };
            s = s.zone(Zone::new(id.as_str(), "r", ttf, ttr));
        }
        let half: Vec<&str> = ids[..n.div_ceil(2)].iter().map(String::as_str).collect();
        s = s.common_cause(CommonCause::new(
            "half",
            half,
            d(Duration::exponential(200.0)),
            d(Duration::fixed(3.0)),
        ));
        let all: Vec<&str> = ids.iter().map(String::as_str).collect();
        let mut doubled = all.clone();
        doubled.push(all[0]);
        doubled.push(all[0]);
        let n32 = n as u32;
        let ap = Rule::active_passive(0.5);
        s.deployment(Deployment::new("all", &all, Rule::ZonesUp(n32)))
            .deployment(Deployment::new("all-again", &all, Rule::AtLeast(n32)))
            .deployment(Deployment::new(
                "one-down",
                &all,
                Rule::ZonesUp(n32.saturating_sub(1).max(1)),
            ))
            .deployment(Deployment::new("majority", &all, Rule::Majority))
            .deployment(Deployment::new("any", &all, Rule::AtLeast(1)))
            .deployment(Deployment::new("doubled", &doubled, Rule::AtLeast(n32)))
            .deployment(Deployment::new("majority-again", &all, Rule::Majority))
            .deployment(Deployment::new("ap", &[all[1], all[0], all[2]], ap.clone()))
            .deployment(Deployment::new("ap-again", &[all[1], all[0], all[2]], ap))
    }

    /// The reference: the general per-slot sweep over the merged events of
    /// every zone, with no pre-filter and no shortcut.
    fn reference(sim: &Simulation, sc: &mut Scratch, trial: u64) -> Vec<TrialOutcome> {
        merge_events(&sc.raw, &sc.zone_rng, 0, &mut sc.heads, &mut sc.events);
        sim.deployments
            .iter()
            .map(|d| {
                d.rule
                    .sweep_events(d, &sc.events, sim.horizon, &mut sc.eval, trial, None)
            })
            .collect()
    }

    /// Every trial's outcomes (pre-filter, shared sweeps, scan and heap
    /// sweeps, "cannot fail", active-passive on its own zones' events)
    /// equal the general sweep's, bit for bit, at
    /// 3 to 1000 zones; and each shortcut is taken in a good share of them.
    #[test]
    fn fast_paths_equal_the_plain_sweep_at_many_zone_counts() {
        for (n, horizon, trials) in [
            (3, 200.0, 3000),
            (16, 150.0, 800),
            (17, 150.0, 800),
            (100, 60.0, 150),
            (1000, 30.0, 20),
        ] {
            let sim = Simulation::new(&study(n, horizon)).unwrap();
            assert_eq!(sim.deployments[1].same_as, Some(0), "{n} zones");
            // Over 3 zones a majority is "2 zones up", as "one-down" is.
            let majority = if n == 3 { 2 } else { 3 };
            assert_eq!(sim.deployments[3].same_as, (n == 3).then_some(2));
            assert_eq!(sim.deployments[6].same_as, Some(majority), "{n} zones");
            assert_eq!(sim.deployments[2].same_as, None);
            // Two more replicas in z0 need all zones as before: not shared.
            assert_eq!(sim.deployments[5].same_as, None);
            assert_eq!(sim.deployments[8].same_as, Some(7));
            // Which zones need a union with their causes, found by a search
            // through each zone's lists (the way past 64 lists) instead of
            // by bit masks: the same outcomes.
            let mut searched = Simulation::new(&study(n, horizon)).unwrap();
            assert!(searched.zone_cause_masks.is_some());
            searched.zone_cause_masks = None;
            let mut sc = Scratch::default();
            let (mut down, mut up) = (0, 0);
            for trial in 0..trials {
                searched.run_trial(trial, &mut sc).unwrap();
                let by_search = sc.outcomes.clone();
                sim.run_trial(trial, &mut sc).unwrap();
                let fast = sc.outcomes.clone();
                assert_eq!(fast, by_search, "{n} zones, trial {trial}");
                let slow = reference(&sim, &mut sc, trial);
                assert_eq!(fast, slow, "{n} zones, trial {trial}");
                for o in &slow {
                    if o.outages > 0 {
                        down += 1;
                    } else {
                        up += 1;
                    }
                }
            }
            // Both outcomes must be common for the comparison to mean anything.
            assert!(
                down > trials / 2 && up > trials / 2,
                "{n} zones: {down} down, {up} up"
            );
        }
    }

    /// Random timelines on a coarse grid (ties, touching intervals): the heap
    /// sweep equals the scan sweep, and where the pre-filter clears a
    /// deployment the sweep finds it up throughout.
    #[test]
    fn prefilter_and_heap_sweep_match_the_scan_on_random_timelines() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(14);
        let mut sim = Simulation::new(&study(40, 100.0)).unwrap();
        let (mut lists, mut heaps, mut pre) = (Vec::new(), Vec::new(), Prefilter::default());
        let (mut cleared, mut failed) = ([0; 2], [0; 2]);
        for round in 0..4000 {
            let n = 1 + round % 40;
            sim.grid = BucketGrid::new(100.0, [0.5, 3.0, 10.0, 200.0][round % 4]);
            let (mut raw, mut zone_rng) = (Vec::new(), Vec::new());
            for _ in 0..40 {
                let a = raw.len();
                let mut t = rng.random_range(0..30u32) as f64;
                while raw.len() - a < rng.random_range(0..5usize) && t < 100.0 {
                    let end = (t + rng.random_range(1..8u32) as f64).min(100.0);
                    raw.push(Interval { start: t, end });
                    t = end + rng.random_range(0..20u32) as f64;
                }
                zone_rng.push((a, raw.len()));
            }
            let d = &mut sim.deployments[round % 7];
            // Only the first n zones hold replicas; the rest are outside.
            for (z, w) in d.zone_units.iter_mut().enumerate() {
                if z >= n {
                    *w = 0;
                }
            }
            d.runs = zone_runs(&d.zone_units);
            let d = &sim.deployments[round % 7];
            // Both sweeps also record the same down intervals (what a
            // service or a release process is judged on).
            let (mut scan_iv, mut heap_iv) = (Vec::new(), Vec::new());
            let scan =
                sweep_zone_intervals(d, &raw, &zone_rng, 100.0, &mut lists, Some(&mut scan_iv));
            let heap = sweep_zone_intervals_heap(
                d,
                &raw,
                &zone_rng,
                100.0,
                &mut heaps,
                Some(&mut heap_iv),
            );
            assert_eq!(scan, heap, "round {round}");
            assert_eq!(scan_iv, heap_iv, "round {round}");
            // The zones' ranges follow one another: both the loop a zone
            // and the loop a run of zones apply.
            for (i, contiguous) in [false, true].into_iter().enumerate() {
                if pre.may_fail(&sim.grid, d, &raw, &zone_rng, contiguous) {
                    failed[i] += 1;
                } else {
                    assert_eq!(scan, TrialOutcome::default(), "round {round}");
                    cleared[i] += 1;
                }
            }
            sim = Simulation::new(&study(40, 100.0)).unwrap();
        }
        for i in 0..2 {
            assert!(
                cleared[i] > 500 && failed[i] > 500,
                "{} cleared, {} not",
                cleared[i],
                failed[i]
            );
        }
    }

    /// In a run of zones, one zone's last outage and the next zone's first
    /// share a bucket's count only when the second starts after the first
    /// has ended (and so on along a chain): then no instant has both down.
    /// Outages that overlap or touch are counted apart.
    #[test]
    fn a_run_shares_a_bucket_only_between_outages_apart_in_time() {
        let sim = Simulation::new(&study(3, 100.0)).unwrap();
        let any = &sim.deployments[2];
        assert_eq!(any.runs, [ZoneRun { lo: 0, hi: 3, w: 1 }]);
        let grid = BucketGrid::new(100.0, 10.0);
        let mut pre = Prefilter::default();
        let iv = |s, e| Interval { start: s, end: e };
        let zones = [(0, 1), (1, 2), (2, 3)];
        let may_fail = |pre: &mut Prefilter, raw: &[Interval], contiguous| {
            pre.may_fail(&grid, any, raw, &zones, contiguous)
        };
        // One after another in bucket 0: the per-zone loop counts 3, the run 1.
        let apart = [iv(1.0, 2.0), iv(3.0, 4.0), iv(5.0, 6.0)];
        assert!(may_fail(&mut pre, &apart, false));
        assert!(!may_fail(&mut pre, &apart, true));
        for (what, raw) in [
            (
                "the third overlaps the first",
                [iv(1.0, 2.0), iv(3.0, 4.0), iv(1.5, 2.5)],
            ),
            (
                "the second touches the first",
                [iv(1.0, 3.0), iv(3.0, 4.0), iv(50.0, 51.0)],
            ),
            (
                "the second overlaps the first",
                [iv(1.0, 3.0), iv(2.0, 4.0), iv(50.0, 51.0)],
            ),
        ] {
            for contiguous in [false, true] {
                assert!(may_fail(&mut pre, &raw, contiguous), "{what}");
            }
        }
        // A zone's earlier outage in the bucket is no link: the next zone's
        // first outage overlaps it, not its last one.
        let raw = [iv(1.0, 2.0), iv(8.0, 9.0), iv(1.5, 1.8)];
        let zones2 = [(0, 2), (2, 3), (3, 3)];
        for contiguous in [false, true] {
            assert!(pre.may_fail(&grid, any, &raw, &zones2, contiguous));
        }
        // Runs: consecutive zones with equal units; a gap or other units
        // start another.
        assert_eq!(
            zone_runs(&[1, 1, 0, 2, 2, 1, 0]),
            [
                ZoneRun { lo: 0, hi: 2, w: 1 },
                ZoneRun { lo: 3, hi: 5, w: 2 },
                ZoneRun { lo: 5, hi: 6, w: 1 }
            ]
        );
        assert!(zone_runs(&[0, 0]).is_empty());
    }

    /// Each check has a stamp of its own (cells of older checks count as
    /// empty) and the grid is not cleared between checks; when the stamp
    /// wraps, cells written under the reused stamp are cleared.
    #[test]
    fn stamps_advance_and_their_wrap_clears_the_grid() {
        let sim = Simulation::new(&study(3, 100.0)).unwrap();
        let any = &sim.deployments[2];
        let grid = BucketGrid::new(100.0, 10.0);
        let mut pre = Prefilter::default();
        let iv = |s, e| Interval { start: s, end: e };
        // One zone down at a time: zone 0 in bucket 3, then zone 1 in bucket
        // 5, then (third check) zone 1 in bucket 3.
        let raw = [iv(31.0, 32.0), iv(51.0, 52.0), iv(33.0, 34.0)];
        assert!(!pre.may_fail(&grid, any, &raw, &[(0, 1), (1, 1), (1, 1)], false));
        assert!(!pre.may_fail(&grid, any, &raw, &[(1, 1), (1, 2), (2, 2)], false));
        assert_eq!(pre.stamp, 2, "one stamp a check, the grid kept");
        // The next stamp wraps to 1, the first check's: its count of zone 0
        // in bucket 3 must not add to zone 1's there.
        pre.stamp = u32::MAX;
        assert!(!pre.may_fail(&grid, any, &raw, &[(2, 2), (2, 3), (3, 3)], false));
        assert_eq!(pre.stamp, 1);
    }

    /// `bucket` is `t * per_hour` rounded to the nearest integer (capped at
    /// the last bucket), monotone, and within the grid from 0 to the horizon,
    /// at the largest grid too.
    #[test]
    fn bucket_rounds_within_the_grid() {
        let grid = BucketGrid::new(100.0, 10.0);
        for (t, b) in [
            (0.0, 0),
            (4.9, 0),
            (5.1, 1),
            (14.9, 1),
            (47.0, 5),
            (94.9, 9),
            (100.0, 9),
        ] {
            assert_eq!(grid.bucket(t), b, "t = {t}");
        }
        for (horizon, width) in [(8760.0, 8.0), (1e9, 1.0), (10.0, f64::INFINITY)] {
            let grid = BucketGrid::new(horizon, width);
            let mut prev = 0;
            for i in 0..=100_000 {
                let t = horizon * f64::from(i) / 100_000.0;
                let b = grid.bucket(t);
                assert!(b >= prev && b < grid.buckets, "t = {t}: {b} after {prev}");
                prev = b;
            }
            assert_eq!(prev, grid.buckets - 1, "the horizon is in the last bucket");
        }
    }

    /// Two zones with outages: cleared when the outages are apart (even
    /// close, if they share no bucket), sent to the sweep when they overlap
    /// or share a bucket; a tolerance of 0 is sent at any outage.
    #[test]
    fn prefilter_clears_outages_apart_and_keeps_overlaps() {
        let sim = Simulation::new(&study(3, 100.0)).unwrap();
        // "all" (tolerance 0) and "one-down" (tolerance 1) over z0, z1, z2.
        let (all, any) = (&sim.deployments[0], &sim.deployments[2]);
        let grid = BucketGrid::new(100.0, 10.0);
        let mut pre = Prefilter::default();
        let iv = |s, e| Interval { start: s, end: e };
        let raw = [iv(1.0, 5.0), iv(41.0, 45.0), iv(4.0, 8.0), iv(18.0, 19.0)];
        let apart = [(0, 1), (1, 2), (4, 4)];
        let overlap = [(0, 1), (2, 3), (4, 4)];
        let same_bucket = [(0, 1), (3, 4), (4, 4)];
        assert!(
            pre.may_fail(&grid, all, &raw, &apart, false),
            "tolerance 0: any outage"
        );
        assert!(!pre.may_fail(&grid, any, &raw, &apart, false));
        assert!(pre.may_fail(&grid, any, &raw, &overlap, false));
        assert!(
            !pre.may_fail(&grid, any, &raw, &same_bucket, false),
            "buckets 0 and 2"
        );
        let coarse = BucketGrid::new(100.0, 50.0);
        assert!(
            pre.may_fail(&coarse, any, &raw, &same_bucket, false),
            "one bucket of 50 h"
        );
        // A zone's own intervals in one bucket count once.
        let own = [iv(1.0, 2.0), iv(3.0, 4.0), iv(6.0, 7.0)];
        for contiguous in [false, true] {
            assert!(!pre.may_fail(&grid, any, &own, &[(0, 3), (3, 3), (3, 3)], contiguous));
        }
        // Exact at the edges, not only conservative: an outage spanning
        // buckets 1..=4 counts each of them once, and a neighbour's outages
        // in buckets 0 and 5 share none of them, so the filter proves the
        // deployment up (counting bucket 0 or 1 twice, or a middle bucket at
        // the tolerance, would send it to the sweep).
        let long = [iv(7.0, 44.0), iv(0.5, 3.0), iv(46.0, 49.0)];
        for contiguous in [false, true] {
            assert!(!pre.may_fail(&grid, any, &long, &[(0, 1), (1, 3), (3, 3)], contiguous));
        }
        assert!(pre.may_fail(&grid, any, &long, &[(0, 1), (1, 3), (0, 1)], false));
        // No outage at all: up, whatever the tolerance (0 included).
        let none = [(0, 0), (0, 0), (0, 0)];
        for contiguous in [false, true] {
            assert!(!pre.may_fail(&grid, all, &raw, &none, contiguous));
            assert!(!pre.may_fail(&grid, any, &raw, &none, contiguous));
        }
        // The grid follows the horizon: buckets as wide as the outages.
        assert_eq!(BucketGrid::new(8760.0, 4.0).buckets, 2190);
        assert_eq!(BucketGrid::new(87600.0, 4.0).buckets, 21900);
        assert_eq!(BucketGrid::new(1e9, 1.0).buckets, MAX_BUCKETS);
        assert_eq!(BucketGrid::new(10.0, f64::INFINITY).buckets, 1);
    }

    /// The default study: the 2+1 quorum in Paris is down exactly while
    /// its doubled zone is (its other zone never matters), so it shares the
    /// single zone's sweep; nothing else is shared.
    #[test]
    fn equivalent_quorums_share_a_sweep() {
        let sim = Simulation::new(&crate::catalog::default_study()).unwrap();
        let shared: Vec<_> = sim
            .deployments
            .iter()
            .map(|d| (d.name.as_str(), d.same_as))
            .collect();
        assert_eq!(
            shared,
            [
                ("single-zone", None),
                ("paris-both-zones", None),
                ("paris-quorum-2+1", Some(0)),
                ("paris-quorum+frankfurt", None),
                ("three-hubs-active", None),
                ("paris-to-frankfurt-failover", None),
                ("alibaba+ovh-paris", None),
            ]
        );
    }

    /// Results with the shortcuts equal on 1 and 2 threads, and the default
    /// study's shortcuts leave its pinned values (tests/integration) alone.
    #[test]
    fn shared_sweeps_keep_results_per_deployment() {
        let mut s = study(17, 150.0);
        s.simulation.trials = 3000;
        let sim = Simulation::new(&s).unwrap();
        let one = sim.run(&RunOptions::new().threads(1)).unwrap();
        let two = sim.run(&RunOptions::new().threads(2)).unwrap();
        assert_eq!(one, two);
        let (a, b) = (&one.deployments[0], &one.deployments[1]);
        assert_eq!(a.availability, b.availability);
        assert_eq!(a.downtime_minutes, b.downtime_minutes);
    }
}
