//! One trial: sample every process, form each zone's timeline, and judge
//! every deployment on the same timelines.

use rand_xoshiro::Xoshiro256PlusPlus;

use crate::stats::TrialOutcome;

use super::compile::CompiledDeployment;
use super::counting::{
    IntervalList, MAX_INTERVAL_SWEEP_ZONES, ZoneHead, sweep_zone_intervals,
    sweep_zone_intervals_heap,
};
use super::merge::{Event, Head, REPLICA, merge_events, merge_two};
use super::prefilter::{Prefilter, any_outage};
use super::process::{Interval, ProcessSampler, SumSink};
use super::service::{ServiceScratch, combine};
use super::streams::trial_rng;
use super::sweep::EvalState;
use super::{RunError, Simulation};

/// Buffers reused across the trials of one worker.
#[derive(Debug, Default)]
pub(super) struct Scratch {
    pub(super) raw: Vec<Interval>,
    pub(super) raw_off: Vec<usize>,
    /// Zone z's down timeline is `raw[zone_rng[z].0..zone_rng[z].1]`.
    pub(super) zone_rng: Vec<(usize, usize)>,
    /// Zone z's downtime in this trial (hours), summed in timeline order.
    pub(super) zone_down: Vec<f64>,
    pub(super) tmp: Vec<Interval>,
    pub(super) heads: Vec<Head>,
    pub(super) events: Vec<Event>,
    pub(super) rep_iv: Vec<Interval>,
    pub(super) rep_rng: Vec<(usize, usize)>,
    pub(super) rep_events: Vec<Event>,
    pub(super) dep_events: Vec<Event>,
    /// Zone ranges of one deployment's own zones, empty for the others
    /// (empty again between uses).
    pub(super) dep_rng: Vec<(usize, usize)>,
    pub(super) eval: EvalState,
    pub(super) isweep: Vec<IntervalList>,
    pub(super) iheaps: Vec<ZoneHead>,
    pub(super) prefilter: Prefilter,
    pub(super) outcomes: Vec<TrialOutcome>,
    /// Down intervals of the units (deployments, then services) that keep
    /// them; unit u's are `unit_iv[unit_rng[u].0..unit_rng[u].1]`.
    pub(super) unit_iv: Vec<Interval>,
    pub(super) unit_rng: Vec<(usize, usize)>,
    /// One release process's intervals in this trial.
    pub(super) release_iv: Vec<Interval>,
    pub(super) svc: ServiceScratch,
}

/// Merges the events of deployment `d`'s own zones into `sc.dep_events`,
/// as `merge_events` orders them over all zones (by time, then zone).
fn own_zone_events(d: &CompiledDeployment, sc: &mut Scratch) {
    if sc.dep_rng.len() != sc.zone_rng.len() {
        sc.dep_rng.clear();
        sc.dep_rng.resize(sc.zone_rng.len(), (0, 0));
    }
    for &z in &d.slot_zone {
        sc.dep_rng[z as usize] = sc.zone_rng[z as usize];
    }
    merge_events(&sc.raw, &sc.dep_rng, 0, &mut sc.heads, &mut sc.dep_events);
    for &z in &d.slot_zone {
        sc.dep_rng[z as usize] = (0, 0);
    }
}

impl Simulation {
    /// The draws floor: draws exactly the random durations that trials
    /// `first..first + trials` need for their zones and common causes, from the
    /// same generators and samplers, and only sums them. The engine's overhead
    /// is its cost above this.
    pub fn draws_floor(&self, first: u64, trials: u64) -> f64 {
        let mut sink = SumSink(0.0);
        for trial in first..first + trials {
            let mut rng = trial_rng(self.zone_stream_key, trial);
            for p in self.zones.iter().chain(&self.causes) {
                p.sample_into(&mut rng, self.horizon, self.start, &mut sink);
            }
        }
        sink.0
    }

    /// Samples one trial and judges every deployment and service, writing one
    /// outcome per deployment into `outcomes`, in study order, followed by one
    /// per service. Exposed for tests and tools that need
    /// per-trial values; [`Simulation::run`] is the usual entry point.
    ///
    /// # Errors
    /// [`RunError::TooManyIntervals`] if the trial exceeds its interval cap.
    pub fn trial(&self, trial: u64, outcomes: &mut Vec<TrialOutcome>) -> Result<(), RunError> {
        let mut scratch = Scratch::default();
        self.run_trial(trial, &mut scratch)?;
        outcomes.clear();
        outcomes.extend_from_slice(&scratch.outcomes);
        Ok(())
    }

    /// Adds release failures to a unit whose own down intervals are
    /// `unit_iv[first..]` (and whose outcome is `o`): samples the release
    /// process after them and, when it has an outage, replaces them by the
    /// union of both, returning its outcome. `None` past the interval cap.
    fn with_release(
        &self,
        release: &ProcessSampler,
        rng: &mut Xoshiro256PlusPlus,
        first: usize,
        o: TrialOutcome,
        sc: &mut Scratch,
    ) -> Option<TrialOutcome> {
        // Sampled apart, so that the cap counts this process's intervals
        // only (as for every other process), not the units' recorded ones.
        sc.release_iv.clear();
        self.sample_process(release, rng, &mut sc.release_iv)?;
        if sc.release_iv.is_empty() {
            // No release outage in this trial: the unit's outcome stands.
            return Some(o);
        }
        let own = sc.unit_iv.len();
        sc.unit_iv.extend_from_slice(&sc.release_iv);
        let svc = &mut sc.svc;
        svc.lists.clear();
        svc.lists.push((first, own));
        svc.lists.push((own, sc.unit_iv.len()));
        svc.weights.clear();
        svc.weights.extend([1, 1]);
        let o = combine(&sc.unit_iv, 1, self.horizon, &self.windows, svc);
        sc.unit_iv.truncate(first);
        sc.unit_iv.extend_from_slice(&svc.out);
        Some(o)
    }

    /// Appends one process's down intervals in this trial to `raw`; returns
    /// their total length, or `None` past the per-trial interval cap.
    #[inline(always)]
    fn sample_process(
        &self,
        p: &ProcessSampler,
        rng: &mut Xoshiro256PlusPlus,
        raw: &mut Vec<Interval>,
    ) -> Option<f64> {
        p.sample_capped(rng, self.horizon, self.start, self.interval_cap, raw)
    }

    /// Zone `z`'s timeline when a covering cause fired: the union of its own
    /// intervals and its causes', appended to `raw`; sets its range and
    /// downtime.
    fn union_with_causes(&self, z: usize, sc: &mut Scratch) {
        let nz = self.zones.len();
        let (a, b) = (sc.raw_off[z], sc.raw_off[z + 1]);
        // Most often one of the zone's lists fired (a provider-wide event):
        // then a merge of two sorted lists, with no copy and no sort.
        let mut fired = self.zone_causes[z].iter().filter_map(|&c| {
            let c = nz + c as usize;
            let (ca, cb) = (sc.raw_off[c], sc.raw_off[c + 1]);
            (ca != cb).then_some((ca, cb))
        });
        if let (Some(cause), None) = (fired.next(), fired.next()) {
            self.union_of_two(z, (a, b), cause, sc);
        } else {
            self.union_by_sort(z, sc);
        }
    }

    /// [`Simulation::union_with_causes`] in general: every list copied,
    /// sorted by start and joined.
    fn union_by_sort(&self, z: usize, sc: &mut Scratch) {
        let nz = self.zones.len();
        let (a, b) = (sc.raw_off[z], sc.raw_off[z + 1]);
        sc.tmp.clear();
        sc.tmp.extend_from_slice(&sc.raw[a..b]);
        for &c in &self.zone_causes[z] {
            let c = nz + c as usize;
            sc.tmp
                .extend_from_slice(&sc.raw[sc.raw_off[c]..sc.raw_off[c + 1]]);
        }
        sc.tmp.sort_unstable_by(|a, b| a.start.total_cmp(&b.start));
        let first = sc.raw.len();
        let mut down = 0.0;
        let mut cur = sc.tmp[0];
        for iv in &sc.tmp[1..] {
            if iv.start <= cur.end {
                cur.end = cur.end.max(iv.end);
            } else {
                sc.raw.push(cur);
                down += cur.end - cur.start;
                cur = *iv;
            }
        }
        sc.raw.push(cur);
        down += cur.end - cur.start;
        sc.zone_down[z] = down;
        sc.zone_rng[z] = (first, sc.raw.len());
    }

    /// [`Simulation::union_with_causes`] where one list fired: the union of
    /// `raw[own]` and `raw[cause]`, both sorted and disjoint, merged by their
    /// starts and appended to `raw`. The pieces, their order and the
    /// downtime's sum are those of the general way (the union of closed
    /// intervals is one set of maximal pieces whatever the order of ties).
    fn union_of_two(&self, z: usize, own: (usize, usize), cause: (usize, usize), sc: &mut Scratch) {
        let raw = &mut sc.raw;
        let ((mut i, ie), (mut j, je)) = (own, cause);
        let first = raw.len();
        let mut down = 0.0;
        // The piece being grown: starts with the earlier head.
        let next = |i: &mut usize, j: &mut usize, raw: &[Interval]| {
            if *j == je || (*i < ie && raw[*i].start <= raw[*j].start) {
                *i += 1;
                raw[*i - 1]
            } else {
                *j += 1;
                raw[*j - 1]
            }
        };
        let mut cur = next(&mut i, &mut j, raw);
        while i < ie || j < je {
            let iv = next(&mut i, &mut j, raw);
            if iv.start <= cur.end {
                cur.end = cur.end.max(iv.end);
            } else {
                raw.push(cur);
                down += cur.end - cur.start;
                cur = iv;
            }
        }
        raw.push(cur);
        down += cur.end - cur.start;
        sc.zone_down[z] = down;
        sc.zone_rng[z] = (first, raw.len());
    }

    pub(super) fn run_trial(&self, trial: u64, sc: &mut Scratch) -> Result<(), RunError> {
        let h = self.horizon;
        let too_many = || RunError::TooManyIntervals {
            trial,
            limit: self.interval_cap,
        };
        // 1. Raw down intervals of every zone's own process and every common cause.
        let mut rng = trial_rng(self.zone_stream_key, trial);
        sc.raw.clear();
        sc.raw_off.clear();
        sc.raw_off.push(0);
        sc.zone_down.clear();
        // With per-process streams every process has a generator of its own;
        // else all draw from `rng` in turn. Two inlined paths, each with one
        // fixed generator: choosing it through a reference per process kept
        // the generator's state in memory instead of registers (twice the
        // instructions a draw, ref-2of3 about 15% slower).
        let own_streams = !self.process_keys.is_empty();
        for (i, p) in self.zones.iter().enumerate() {
            let down = if own_streams {
                let mut own = trial_rng(self.process_keys[i], trial);
                self.sample_process(p, &mut own, &mut sc.raw)
            } else {
                self.sample_process(p, &mut rng, &mut sc.raw)
            }
            .ok_or_else(too_many)?;
            sc.zone_down.push(down);
            sc.raw_off.push(sc.raw.len());
        }
        let nz = self.zones.len();
        for (j, p) in self.causes.iter().enumerate() {
            if own_streams {
                let mut own = trial_rng(self.process_keys[nz + j], trial);
                self.sample_process(p, &mut own, &mut sc.raw)
            } else {
                self.sample_process(p, &mut rng, &mut sc.raw)
            }
            .ok_or_else(too_many)?;
            sc.raw_off.push(sc.raw.len());
        }
        // Recovery tails and maintenance windows, as further lists (`schedule`).
        self.sample_zone_extras(trial, sc)?;
        // 2. Each zone's timeline: its own intervals where no covering cause
        // fired (a range of `raw`, not copied), else their union with the
        // causes' intervals, appended to `raw`.
        let nz = self.zones.len();
        sc.zone_rng.clear();
        sc.zone_rng
            .extend(sc.raw_off[..=nz].windows(2).map(|w| (w[0], w[1])));
        // Most trials see no common cause fire: then no zone needs a union,
        // and the zones' timelines follow one another in `raw`.
        let mut contiguous = true;
        if sc.raw_off[nz] != sc.raw.len() {
            let fired = |off: &[usize], c: usize| off[nz + c] != off[nz + c + 1];
            match &self.zone_cause_masks {
                // Which lists fired, as one mask, then one test a zone: a
                // search through each zone's lists stops where the branch
                // predictor cannot guess (about 6 misses a trial of eu-hubs).
                Some(masks) => {
                    let lists = sc.raw_off.len() - 1 - nz;
                    let fired =
                        (0..lists).fold(0u64, |m, c| m | u64::from(fired(&sc.raw_off, c)) << c);
                    for (z, &mask) in masks.iter().enumerate() {
                        if mask & fired != 0 {
                            self.union_with_causes(z, sc);
                            contiguous = false;
                        }
                    }
                }
                None => {
                    for z in 0..nz {
                        let off = &sc.raw_off;
                        if self.zone_causes[z].iter().any(|&c| fired(off, c as usize)) {
                            self.union_with_causes(z, sc);
                            contiguous = false;
                        }
                    }
                }
            }
        }
        // 3. Every deployment on the same timelines. The time-ordered stream
        // of zone events is built only once a deployment needs a sweep. A
        // deployment that a service is made of, or that has release
        // failures, records its down intervals into `unit_iv`.
        sc.outcomes.clear();
        sc.unit_iv.clear();
        sc.unit_rng.clear();
        let mut merged = false;
        for d in &self.deployments {
            let first = sc.unit_iv.len();
            // A deployment recorded for a service (or with release failures)
            // keeps its down intervals; `sweep_key` never shares its sweep.
            let record = d.record;
            let o = match (
                d.same_as,
                d.replica_process.is_some() || d.maintenance.is_some(),
            ) {
                // Same zones and an equivalent rule as an earlier deployment.
                (Some(j), _) => sc.outcomes[j as usize],
                (None, false) => {
                    if d.rule.is_counting() {
                        // Counting rules over their own zones' intervals:
                        // none at all where no bucket of the pre-filter has
                        // more units down than the rule tolerates (which
                        // `CompiledDeployment::may_fail` would only repeat);
                        // else by a scan over a few zones, by heaps over many.
                        let rec = record.then_some(&mut sc.unit_iv);
                        let pre = &mut sc.prefilter;
                        let may_fail = if d.need == d.units {
                            any_outage(d, &sc.zone_rng)
                        } else {
                            pre.may_fail(&self.grid, d, &sc.raw, &sc.zone_rng, contiguous)
                        };
                        if !may_fail {
                            TrialOutcome::default()
                        } else if d.slot_zone.len() <= MAX_INTERVAL_SWEEP_ZONES {
                            sweep_zone_intervals(d, &sc.raw, &sc.zone_rng, h, &mut sc.isweep, rec)
                        } else {
                            sweep_zone_intervals_heap(
                                d,
                                &sc.raw,
                                &sc.zone_rng,
                                h,
                                &mut sc.iheaps,
                                rec,
                            )
                        }
                    } else if !d.may_fail(&sc.zone_rng) {
                        TrialOutcome::default()
                    } else if 2 * d.slot_zone.len() < nz {
                        // Its own zones' events only: the others change
                        // nothing it judges (their instants judge an
                        // unchanged state), and they are most of the events.
                        own_zone_events(d, sc);
                        let rec = record.then_some(&mut sc.unit_iv);
                        d.rule
                            .sweep_events(d, &sc.dep_events, h, &mut sc.eval, trial, rec)
                    } else {
                        if !merged {
                            merge_events(&sc.raw, &sc.zone_rng, 0, &mut sc.heads, &mut sc.events);
                            merged = true;
                        }
                        let rec = record.then_some(&mut sc.unit_iv);
                        d.rule
                            .sweep_events(d, &sc.events, h, &mut sc.eval, trial, rec)
                    }
                }
                (None, true) => {
                    // Replica failures and maintenance (`schedule`).
                    self.replica_timelines(d, trial, sc)?;
                    if !merged {
                        merge_events(&sc.raw, &sc.zone_rng, 0, &mut sc.heads, &mut sc.events);
                        merged = true;
                    }
                    merge_events(
                        &sc.rep_iv,
                        &sc.rep_rng,
                        REPLICA,
                        &mut sc.heads,
                        &mut sc.rep_events,
                    );
                    sc.dep_events.clear();
                    merge_two(&sc.events, &sc.rep_events, &mut sc.dep_events);
                    let events = &sc.dep_events;
                    if events.is_empty() {
                        TrialOutcome::default()
                    } else {
                        let rec = record.then_some(&mut sc.unit_iv);
                        d.rule.sweep_events(d, events, h, &mut sc.eval, trial, rec)
                    }
                }
            };
            let o = match &d.release {
                None => o,
                Some(r) => {
                    let mut rng = trial_rng(d.release_key, trial);
                    self.with_release(r, &mut rng, first, o, sc)
                        .ok_or_else(too_many)?
                }
            };
            sc.unit_rng.push((first, sc.unit_iv.len()));
            sc.outcomes.push(o);
        }
        // 4. Every service, parts first, on its parts' down intervals.
        if !self.services.is_empty() {
            let nd = self.deployments.len();
            sc.outcomes
                .resize(nd + self.services.len(), TrialOutcome::default());
            sc.unit_rng.resize(nd + self.services.len(), (0, 0));
            for &j in &self.service_order {
                let s = &self.services[j as usize];
                let svc = &mut sc.svc;
                svc.lists.clear();
                svc.weights.clear();
                for &u in &s.parts {
                    svc.lists.push(sc.unit_rng[u as usize]);
                    svc.weights.push(1);
                }
                let need = s.down_needed as i64;
                let first = sc.unit_iv.len();
                let any_down = svc.lists.iter().any(|&(a, b)| a < b);
                let o = if any_down {
                    let o = combine(&sc.unit_iv, need, h, &self.windows, svc);
                    sc.unit_iv.extend_from_slice(&svc.out);
                    o
                } else {
                    TrialOutcome::default()
                };
                let o = match &s.release {
                    None => o,
                    Some(r) => {
                        let mut rng = trial_rng(s.release_key, trial);
                        self.with_release(r, &mut rng, first, o, sc)
                            .ok_or_else(too_many)?
                    }
                };
                sc.unit_rng[nd + j as usize] = (first, sc.unit_iv.len());
                sc.outcomes[nd + j as usize] = o;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::Simulation;
    use super::{Interval, Scratch};
    use crate::deployment::{Deployment, Rule};
    use crate::distributions::Duration;
    use crate::study::{Settings, Study};
    use crate::topology::{CommonCause, Region, Zone};
    use rand::{RngExt, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    /// The merge of a zone's list with the one cause list that fired gives
    /// the pieces and downtime of the general sort-and-join, on random
    /// lists on a coarse grid (ties, touching and nested intervals, empty
    /// own lists).
    #[test]
    fn union_of_two_lists_equals_the_sorted_union() {
        let d = || Duration::exponential(10.0).unwrap();
        let study = Study::new(Settings::new(100, 100.0))
            .region(Region::new("r", "R", "p", "FR"))
            .zone(Zone::new("a", "r", d(), d()))
            .zone(Zone::new("b", "r", d(), d()))
            .common_cause(CommonCause::new("c", vec!["a"], d(), d()))
            .deployment(Deployment::new("x", &["a", "b"], Rule::AtLeast(1)));
        let sim = Simulation::new(&study).unwrap();
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
        let list = |rng: &mut Xoshiro256PlusPlus, raw: &mut Vec<Interval>, min: usize| {
            let mut t = f64::from(rng.random_range(0..5u32));
            for _ in 0..rng.random_range(min..6usize) {
                let end = t + f64::from(rng.random_range(0..4u32));
                raw.push(Interval { start: t, end });
                t = end + f64::from(rng.random_range(0..3u32));
            }
        };
        let (mut merged, mut pieces) = (0, 0);
        for round in 0..3000 {
            // Zone a's list, zone b's (never part of a's union: a merge
            // that reads past a's list takes them in), the cause's.
            let mut sc = Scratch {
                raw_off: vec![0],
                ..Scratch::default()
            };
            for min in [0, 1, 1] {
                list(&mut rng, &mut sc.raw, min);
                sc.raw_off.push(sc.raw.len());
            }
            sc.zone_rng = vec![(0, 0); 2];
            sc.zone_down = vec![0.0; 2];
            let base = sc.raw.len();
            sim.union_with_causes(0, &mut sc);
            let (a, b) = sc.zone_rng[0];
            let two = (sc.raw[a..b].to_vec(), sc.zone_down[0]);
            sc.raw.truncate(base);
            sim.union_by_sort(0, &mut sc);
            let (a, b) = sc.zone_rng[0];
            let sorted = (sc.raw[a..b].to_vec(), sc.zone_down[0]);
            assert_eq!(two, sorted, "round {round}: {:?}", &sc.raw[..base]);
            assert_eq!(two.1.to_bits(), sorted.1.to_bits());
            merged += usize::from(two.0.len() < base);
            pieces += two.0.len();
        }
        // Joins happened, and so did separate pieces.
        assert!(
            merged > 1000 && pieces > 6000,
            "{merged} joined, {pieces} pieces"
        );
    }
}
