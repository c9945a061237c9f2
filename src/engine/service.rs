//! Services and release failures, judged on the timelines of one trial.
//!
//! A deployment that is a part of a service, or that has release failures,
//! records its down intervals as its sweep finds them. Release failures are
//! an outage process of their own (a stream keyed by seed, trial and name,
//! independent of zones): the deployment is down while its rule says so or
//! its release process is down. A service is then judged, after its parts
//! (in an order where parts come first), by counting how many of its parts
//! are down at each instant of the merged down/up events of their recorded
//! intervals; all changes of an instant are applied before it is judged.

use crate::service::{Part, name_index, topological_order};
use crate::stats::{TrialOutcome, WindowRules};
use crate::study::Study;

use super::merge::{DOWN, Event, Head, merge_events};
use super::process::{Interval, ProcessSampler};
use super::streams::{release_stream, stream_key};
use super::sweep::OutageTrack;

/// A service compiled for running.
#[derive(Debug, Clone)]
pub(super) struct CompiledService {
    pub(super) name: String,
    /// Parts as unit indices: deployment `i` is unit `i`, service `j` is unit
    /// `deployments + j`.
    pub(super) parts: Vec<u32>,
    /// How many parts down at once take the service down: `n - k + 1`.
    pub(super) down_needed: u32,
    /// The service's own release failures, if any.
    pub(super) release: Option<ProcessSampler>,
    pub(super) release_key: u64,
}

/// The study's services compiled, the order to judge them in (parts
/// first), and which deployments must record their down intervals because a
/// service is made of them. The study is validated: every part resolves and
/// there is no cycle.
pub(super) fn compile_services(
    study: &Study,
    horizon: f64,
) -> (Vec<CompiledService>, Vec<u32>, Vec<bool>) {
    let nd = study.deployments.len();
    let index = name_index(study);
    let mut part_of_service = vec![false; nd];
    let services = study
        .services
        .iter()
        .map(|s| {
            let parts: Vec<u32> = s
                .up_when
                .parts()
                .iter()
                .map(|p| match *index.get(p.as_str()).expect("validated") {
                    Part::Deployment(i) => {
                        part_of_service[i] = true;
                        i as u32
                    }
                    Part::Service(j) => (nd + j) as u32,
                })
                .collect();
            let down_needed = (parts.len() - s.up_when.needed() + 1) as u32;
            CompiledService {
                name: s.name.clone(),
                parts,
                down_needed,
                release: s
                    .release_failures
                    .as_ref()
                    .map(|p| ProcessSampler::new(p, horizon)),
                release_key: stream_key(study.simulation.seed, release_stream(&s.name)),
            }
        })
        .collect();
    let order = topological_order(study)
        .expect("validated: no cycle")
        .into_iter()
        .map(|i| i as u32)
        .collect();
    (services, order, part_of_service)
}

/// Buffers of the service judgement, reused across trials.
#[derive(Debug, Default)]
pub(super) struct ServiceScratch {
    /// The lists being combined: ranges of the unit intervals.
    pub(super) lists: Vec<(usize, usize)>,
    /// Each list's weight in the count of parts down.
    pub(super) weights: Vec<i64>,
    pub(super) heads: Vec<Head>,
    pub(super) events: Vec<Event>,
    /// The combined down intervals.
    pub(super) out: Vec<Interval>,
}

/// Combines the down intervals `iv[lists[k].0..lists[k].1]` (each list
/// sorted and disjoint): the result is down while the weights of the lists
/// down at once add up to at least `need`, judged after all changes of an
/// instant. Writes the result's down intervals into `sc.out` and returns
/// its outcome (with its SLA windows judged by `windows`).
pub(super) fn combine(
    iv: &[Interval],
    need: i64,
    horizon: f64,
    windows: &WindowRules,
    sc: &mut ServiceScratch,
) -> TrialOutcome {
    merge_events(iv, &sc.lists, 0, &mut sc.heads, &mut sc.events);
    sc.out.clear();
    let mut track = OutageTrack::new(windows).recording(Some(&mut sc.out));
    let mut down = 0i64;
    let events = &sc.events;
    let mut i = 0;
    while i < events.len() {
        let t = events[i].t;
        while i < events.len() && events[i].t == t {
            let e = events[i];
            let w = sc.weights[(e.code >> 2) as usize];
            if e.code & DOWN != 0 {
                down += w;
            } else {
                down -= w;
            }
            i += 1;
        }
        track.set(t, down < need);
    }
    track.finish(horizon)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(v: &[(f64, f64)]) -> Vec<Interval> {
        v.iter()
            .map(|&(start, end)| Interval { start, end })
            .collect()
    }

    fn run(lists: &[&[(f64, f64)]], weights: &[i64], need: i64) -> (TrialOutcome, Vec<(f64, f64)>) {
        let mut all = Vec::new();
        let mut sc = ServiceScratch::default();
        for l in lists {
            let a = all.len();
            all.extend(iv(l));
            sc.lists.push((a, all.len()));
        }
        sc.weights = weights.to_vec();
        let no_windows = WindowRules::new(0.0, 100.0, &[], &[]);
        let o = combine(&all, need, 100.0, &no_windows, &mut sc);
        (o, sc.out.iter().map(|i| (i.start, i.end)).collect())
    }

    #[test]
    fn all_any_and_k_of_n_by_hand() {
        let a: &[(f64, f64)] = &[(0.0, 10.0), (50.0, 60.0)];
        let b: &[(f64, f64)] = &[(5.0, 20.0), (55.0, 100.0)];
        // all: down when either is down (union).
        let (o, d) = run(&[a, b], &[1, 1], 1);
        assert_eq!(d, [(0.0, 20.0), (50.0, 100.0)]);
        assert_eq!(
            (o.downtime_hours, o.outages, o.longest_hours),
            (70.0, 2, 50.0)
        );
        // any: down when both are down (intersection).
        let (o, d) = run(&[a, b], &[1, 1], 2);
        assert_eq!(d, [(5.0, 10.0), (55.0, 60.0)]);
        assert_eq!(
            (o.downtime_hours, o.outages, o.longest_hours),
            (10.0, 2, 5.0)
        );
        // 2 of 3: down when two are down at once.
        let c: &[(f64, f64)] = &[(8.0, 9.0), (90.0, 95.0)];
        let (o, d) = run(&[a, b, c], &[1, 1, 1], 2);
        assert_eq!(d, [(5.0, 10.0), (55.0, 60.0), (90.0, 95.0)]);
        assert_eq!(o.outages, 3);
    }

    #[test]
    fn an_instant_is_judged_after_all_its_changes() {
        // a comes back at 10 as b goes down: an `any` service never goes down,
        // an `all` service has one outage from 0 to 20.
        let a: &[(f64, f64)] = &[(0.0, 10.0)];
        let b: &[(f64, f64)] = &[(10.0, 20.0)];
        let (o, _) = run(&[a, b], &[1, 1], 2);
        assert_eq!(o, TrialOutcome::default());
        let (o, d) = run(&[a, b], &[1, 1], 1);
        assert_eq!(d, [(0.0, 20.0)]);
        assert_eq!(o.outages, 1);
    }

    #[test]
    fn a_release_veto_weighs_as_much_as_the_need() {
        // any of a, b (need 2 down) plus a release list of weight 2.
        let a: &[(f64, f64)] = &[(0.0, 10.0)];
        let b: &[(f64, f64)] = &[(5.0, 15.0)];
        let r: &[(f64, f64)] = &[(30.0, 31.0)];
        let (o, d) = run(&[a, b, r], &[1, 1, 2], 2);
        assert_eq!(d, [(5.0, 10.0), (30.0, 31.0)]);
        assert_eq!((o.downtime_hours, o.outages), (6.0, 2));
    }
}
