//! Deterministic timelines: fixed durations with an all-up start make every
//! trial the same, so each deployment's downtime, outage count and longest
//! outage follow by hand. Each test writes out the zone timelines and the
//! service's down intervals that follow from them (all times are exact binary
//! fractions, so the engine's sums are exact), then checks
//! - `Simulation::trial` for several trial indices, exactly;
//! - the whole-run summary: mean and std, percentiles within their stated
//!   0.1% resolution, outage counts, P(no outage), longest outage, SLA
//!   probabilities (0 or 1), the paired comparison, and zone availability.
//!
//! No randomness is involved, so there is no standard error: values must
//! match to rounding (1e-12).

use zonesim::prelude::*;
use zonesim::stats::TrialOutcome;

use crate::common::*;

/// Trials of the whole-run checks: three batches of the engine (1024 each).
const RUN_TRIALS: u64 = 2100;

/// SLA targets, none equal to an availability below (checked).
const TARGETS: [f64; 7] = [0.5, 0.7, 0.85, 0.95, 0.9925, 0.999, 1.0];

/// What one deployment must give in every trial.
struct Want {
    name: &'static str,
    /// Hours down.
    down: f64,
    outages: u32,
    /// Longest outage (hours).
    longest: f64,
}

const fn want(name: &'static str, down: f64, outages: u32, longest: f64) -> Want {
    Want {
        name,
        down,
        outages,
        longest,
    }
}

/// A zone with fixed time to failure and repair.
fn fz(id: &str, region: &str, ttf: f64, ttr: f64) -> Zone {
    zone(id, region, fixed(ttf), fixed(ttr))
}

fn study(horizon: f64) -> Study {
    let mut s = settings(RUN_TRIALS, horizon, 7, Start::AllUp);
    s.sla_targets = TARGETS.to_vec();
    Study::new(s)
}

/// Checks every trial outcome and the run summary against `wants` (one per
/// deployment, in study order) and each zone's downtime against `zone_down`.
fn check(study: &Study, wants: &[Want], zone_down: &[(&str, f64)]) {
    let h = study.simulation.horizon_hours;
    assert_eq!(study.deployments.len(), wants.len());
    let sim = Simulation::new(study).unwrap();

    // 1. Per trial, exactly, for trials in different batches.
    let mut out: Vec<TrialOutcome> = Vec::new();
    for trial in [0, 1, 1023, 1024, 2099] {
        sim.trial(trial, &mut out).unwrap();
        assert_eq!(out.len(), wants.len());
        for (o, w) in out.iter().zip(wants) {
            let at = format!("trial {trial}, {}", w.name);
            assert_close(
                &format!("{at}: downtime hours"),
                o.downtime_hours,
                w.down,
                1e-12,
            );
            assert_eq!(o.outages, w.outages, "{at}: outages");
            assert_close(&format!("{at}: longest"), o.longest_hours, w.longest, 1e-12);
        }
    }

    // 2. The whole run: every trial is the same, so the summary is exact.
    let r = sim.run(&RunOptions::default()).unwrap();
    assert_eq!(r.trials, RUN_TRIALS);
    assert_eq!(r.horizon_hours, h);
    assert_eq!(r.start, Start::AllUp);
    for (d, w) in r.deployments.iter().zip(wants) {
        let at = w.name;
        assert_eq!(d.name, w.name);
        let avail = 1.0 - w.down / h;
        assert_close(
            &format!("{at}: mean availability"),
            d.availability.mean,
            avail,
            1e-12,
        );
        assert!(
            d.availability.std <= 1e-9,
            "{at}: std {}",
            d.availability.std
        );
        assert!(d.availability.ci95[0] <= avail + 1e-12 && avail - 1e-9 <= d.availability.ci95[0]);
        let minutes = w.down * 60.0;
        assert_close(
            &format!("{at}: mean downtime"),
            d.downtime_minutes.mean,
            minutes,
            1e-12,
        );
        assert!(d.downtime_minutes.std <= 1e-6, "{at}: downtime std");
        // Percentiles: HDR histogram of milliseconds, 3 significant digits,
        // so within 0.1% of the exact value (and within 1 ms).
        let res = |v: f64| 1e-3 * v + 1.0 / 60_000.0;
        for (level, p) in d.downtime_minutes.percentiles.iter() {
            assert!(
                (p - minutes).abs() <= res(minutes),
                "{at}: downtime p{level} = {p}, expected {minutes} within 0.1%"
            );
        }
        for (level, p) in d.availability.percentiles.iter() {
            assert!(
                (p - avail).abs() <= res(minutes) / 60.0 / h,
                "{at}: availability p{level} = {p}, expected {avail} within 0.1% of downtime"
            );
        }
        assert_eq!(d.outages.mean, w.outages as f64, "{at}: mean outages");
        let none = if w.outages == 0 { 1.0 } else { 0.0 };
        assert_eq!(d.outages.p_none, none, "{at}: P(no outage)");
        let longest = w.longest * 60.0;
        assert_close(
            &format!("{at}: longest mean"),
            d.longest_outage_minutes.mean,
            longest,
            1e-12,
        );
        assert!(
            (d.longest_outage_minutes.p99 - longest).abs() <= res(longest),
            "{at}: longest p99 {} vs {longest}",
            d.longest_outage_minutes.p99
        );
        assert_eq!(d.sla.len(), TARGETS.len());
        for (s, &t) in d.sla.iter().zip(&TARGETS) {
            // No downtime meets every target (1.0 included); otherwise keep
            // targets off the boundary so rounding cannot decide.
            let meets = if w.down == 0.0 || avail > t { 1.0 } else { 0.0 };
            assert!(
                w.down == 0.0 || (avail - t).abs() > 1e-6,
                "test setup: target {t} on a boundary"
            );
            assert_eq!(s.target, t);
            assert_eq!(s.p_meets, meets, "{at}: P(availability >= {t})");
        }
    }
    // The paired comparison against the first deployment.
    let base = &wants[0];
    assert_eq!(r.comparison.baseline, base.name);
    assert_eq!(r.comparison.against.len(), wants.len() - 1);
    for (c, w) in r.comparison.against.iter().zip(&wants[1..]) {
        let diff = (w.down - base.down) * 60.0;
        assert_eq!(c.name, w.name);
        let at = format!("{} - {}", w.name, base.name);
        assert_close(
            &format!("{at}: diff"),
            c.downtime_minutes_diff.mean,
            diff,
            1e-12,
        );
        for end in c.downtime_minutes_diff.ci95 {
            assert_close(&format!("{at}: diff ci"), end, diff, 1e-9);
        }
        let less = if w.down < base.down { 1.0 } else { 0.0 };
        let more = if w.down > base.down { 1.0 } else { 0.0 };
        assert_eq!(c.p_less_downtime, less, "{at}: P(less)");
        assert_eq!(c.p_more_downtime, more, "{at}: P(more)");
        assert_eq!(c.variance_reduction, None, "{at}: Var(X - Y) is 0");
    }
    assert_eq!(r.zones.len(), zone_down.len());
    for (z, &(id, down)) in r.zones.iter().zip(zone_down) {
        assert_eq!(z.id, id);
        assert_close(
            &format!("zone {id}"),
            z.mean_availability,
            1.0 - down / h,
            1e-12,
        );
    }
}

/// The three zones of the counting tests (region "r"), horizon 100 h:
///
/// ```text
/// a (up 10, down 2):  [10,12] [22,24] [34,36] [46,48] [58,60] [70,72] [82,84] [94,96]   16 h
/// b (up 15, down 5):  [15,20] [35,40] [55,60] [75,80] [95,100]                            25 h
/// c (up 30, down 10): [30,40] [70,80]                                                     20 h
/// ```
///
/// Ties: b and c come back together at 40 and 80, a and b at 60, a and c go
/// down together at 70; b's last outage ends exactly at the horizon.
fn counting_study(horizon: f64) -> Study {
    let dep = |name: &str, replicas: &[&str], rule: Rule| Deployment::new(name, replicas, rule);
    study(horizon)
        .region(region("r"))
        .zone(fz("a", "r", 10.0, 2.0))
        .zone(fz("b", "r", 15.0, 5.0))
        .zone(fz("c", "r", 30.0, 10.0))
        .deployment(dep("1of3", &["a", "b", "c"], Rule::AtLeast(1)))
        .deployment(dep("2of3", &["a", "b", "c"], Rule::AtLeast(2)))
        .deployment(dep("3of3", &["a", "b", "c"], Rule::AtLeast(3)))
        .deployment(dep("maj3", &["a", "b", "c"], Rule::Majority))
        .deployment(dep("maj(a,a,b,c)", &["a", "a", "b", "c"], Rule::Majority))
        .deployment(dep(
            "zones2(a,b,b,c)",
            &["a", "b", "b", "c"],
            Rule::ZonesUp(2),
        ))
        .deployment(dep("2of(a,b,b,c)", &["a", "b", "b", "c"], Rule::AtLeast(2)))
        .deployment(dep(
            "zones3(a,a,b,c)",
            &["a", "a", "b", "c"],
            Rule::ZonesUp(3),
        ))
        .deployment(dep(
            "zones1(a,b,b,c)",
            &["a", "b", "b", "c"],
            Rule::ZonesUp(1),
        ))
}

/// Counting rules on the timelines of [`counting_study`], horizon 100 h.
///
/// - 1 of 3 (all down): a∩b∩c = [35,36]: 1 h, 1 outage.
/// - 2 of 3 (two down): a∩b = [35,36] [58,60] [95,96]; a∩c = [34,36] [70,72];
///   b∩c = [35,40] [75,80]; union [34,40] [58,60] [70,72] [75,80] [95,96]:
///   16 h, 5 outages, longest 6.
/// - 3 of 3 (any down): [10,12] [15,20] [22,24] [30,40] [46,48] [55,60]
///   [70,80] [82,84] [94,100]: 44 h, 9 outages, longest 10.
/// - majority of (a,a,b,c) needs 3 live: down iff a down or b and c both down:
///   a's 8 outages with [34,36]∪[35,40] = [34,40], plus [75,80]: 25 h, 9, 6.
/// - zones_up(2) over (a,b,b,c): duplicates do not count: as 2 of 3.
/// - at_least(2) over (a,b,b,c): live = a + 2b + c, down iff b down and a or c
///   down: [35,40] [58,60] [75,80] [95,96]: 13 h, 4 outages, longest 5.
/// - zones_up(3) over (a,a,b,c): as 3 of 3; zones_up(1) over (a,b,b,c): as 1 of 3.
#[test]
fn counting_rules_exact() {
    check(
        &counting_study(100.0),
        &[
            want("1of3", 1.0, 1, 1.0),
            want("2of3", 16.0, 5, 6.0),
            want("3of3", 44.0, 9, 10.0),
            want("maj3", 16.0, 5, 6.0),
            want("maj(a,a,b,c)", 25.0, 9, 6.0),
            want("zones2(a,b,b,c)", 16.0, 5, 6.0),
            want("2of(a,b,b,c)", 13.0, 4, 5.0),
            want("zones3(a,a,b,c)", 44.0, 9, 10.0),
            want("zones1(a,b,b,c)", 1.0, 1, 1.0),
        ],
        &[("a", 16.0), ("b", 25.0), ("c", 20.0)],
    );
}

/// The same with a 98 h horizon: b's last outage [95,100] is cut to [95,98]
/// and still counts as one outage; 3 of 3 ends with [94,98]: 42 h, 9 outages.
/// Nothing else changes.
#[test]
fn counting_rules_outage_cut_by_horizon() {
    check(
        &counting_study(98.0),
        &[
            want("1of3", 1.0, 1, 1.0),
            want("2of3", 16.0, 5, 6.0),
            want("3of3", 42.0, 9, 10.0),
            want("maj3", 16.0, 5, 6.0),
            want("maj(a,a,b,c)", 25.0, 9, 6.0),
            want("zones2(a,b,b,c)", 16.0, 5, 6.0),
            want("2of(a,b,b,c)", 13.0, 4, 5.0),
            want("zones3(a,a,b,c)", 42.0, 9, 10.0),
            want("zones1(a,b,b,c)", 1.0, 1, 1.0),
        ],
        &[("a", 16.0), ("b", 23.0), ("c", 20.0)],
    );
}

/// Common causes, replica failures and an active-passive pair on them.
///
/// Zones a (up 10, down 2) and b (up 15, down 5) in region r1, c (up 30,
/// down 10) in r2. Cause "r1-event" covers region r1: [48,50] [98,100].
/// Cause "ac-link" covers zones a and c by id: [63,64]. Zone timelines:
///
/// ```text
/// a: [10,12] [22,24] [34,36] [46,50] [58,60] [63,64] [70,72] [82,84] [94,96] [98,100]  21 h
///    (own [46,48] and the cause's [48,50] touch: one outage)
/// b: [15,20] [35,40] [48,50] [55,60] [75,80] [95,100]                                    27 h
/// c: [30,40] [63,64] [70,80]                                                             21 h
/// ```
///
/// Replica failures (up 45, down 1, every replica alike): [45,46] [91,92].
///
/// - a alone: 21 h, 10 outages, longest 4.
/// - 1 of (a,b): a∩b = [35,36] [48,50] [58,60] [95,96] [98,100]: 8 h, 5, 2.
/// - 1 of (a,b,c): [35,36]: 1 h.
/// - 2 of (a,b,c): [34,40] [48,50] [58,60] [63,64] [70,72] [75,80] [95,96]
///   [98,100]: 21 h, 8 outages, longest 6.
/// - 1 of (a,b) with replica failures: a∩b plus [45,46] [91,92]: 10 h, 7, 2.
/// - 2 of (a,a,b) with replica failures: down iff a down or replicas down;
///   [45,46] joins a's [46,50] (replicas up and zone down at the same
///   instant): [45,50]; plus [91,92]: 23 h, 11 outages, longest 5.
/// - active-passive (a,b), failover 0.5: each failure of a costs 0.5 h then b
///   serves, and a takes traffic back at once when it returns, except
///   - b fails at 35 while serving: down [35,36] until a returns at 36
///     (the failover at 35.5 finds no live replica, the first one back serves);
///   - [48,50]: the cause takes b down while it serves; both return at 50;
///   - a fails at 58 while b is down: [58,60]; both return at 60 (a tie);
///   - a fails at 94, b serves at 94.5, b fails at 95, a is back at 96: [95,96];
///   - a fails at 98 (cause), b down: [98,100] up to the horizon.
///
///   Outages [10,10.5] [22,22.5] [34,34.5] [35,36] [46,46.5] [48,50] [58,60]
///   [63,63.5] [70,70.5] [82,82.5] [94,94.5] [95,96] [98,100]: 12 h, 13, 2.
#[test]
fn common_causes_and_replica_failures_exact() {
    let dep = |name: &str, replicas: &[&str], rule: Rule| Deployment::new(name, replicas, rule);
    let replica = OutageProcess::new(fixed(45.0), fixed(1.0));
    let s = study(100.0)
        .region(region("r1"))
        .region(region("r2"))
        .zone(fz("a", "r1", 10.0, 2.0))
        .zone(fz("b", "r1", 15.0, 5.0))
        .zone(fz("c", "r2", 30.0, 10.0))
        .common_cause(CommonCause::new(
            "r1-event",
            ["r1"],
            fixed(48.0),
            fixed(2.0),
        ))
        .common_cause(CommonCause::new(
            "ac-link",
            ["a", "c"],
            fixed(63.0),
            fixed(1.0),
        ))
        .deployment(dep("a", &["a"], Rule::AtLeast(1)))
        .deployment(dep("1of(a,b)", &["a", "b"], Rule::AtLeast(1)))
        .deployment(dep("1of(a,b,c)", &["a", "b", "c"], Rule::AtLeast(1)))
        .deployment(dep("2of(a,b,c)", &["a", "b", "c"], Rule::AtLeast(2)))
        .deployment(
            dep("1of(a,b)+replicas", &["a", "b"], Rule::AtLeast(1))
                .with_replica_failures(replica.clone()),
        )
        .deployment(
            dep("2of(a,a,b)+replicas", &["a", "a", "b"], Rule::AtLeast(2))
                .with_replica_failures(replica),
        )
        .deployment(dep("ap(a,b)", &["a", "b"], Rule::active_passive(0.5)));
    check(
        &s,
        &[
            want("a", 21.0, 10, 4.0),
            want("1of(a,b)", 8.0, 5, 2.0),
            want("1of(a,b,c)", 1.0, 1, 1.0),
            want("2of(a,b,c)", 21.0, 8, 6.0),
            want("1of(a,b)+replicas", 10.0, 7, 2.0),
            want("2of(a,a,b)+replicas", 23.0, 11, 5.0),
            want("ap(a,b)", 12.0, 13, 2.0),
        ],
        &[("a", 21.0), ("b", 27.0), ("c", 21.0)],
    );
}

/// Active-passive, horizon 100 h, failover 0.5 h unless said. Zones (region r):
///
/// ```text
/// p  (up 20, down 9):     [20,29] [49,58] [78,87]
/// q  (up 25, down 10):    [25,35] [60,70] [95,100]
/// s  (up 200):            never down within the horizon
/// q2 (up 20, down 2):     [20,22] [42,44] [64,66] [86,88]
/// q3 (up 20.5, down 1):   [20.5,21.5] [42,43] [63.5,64.5] [85,86]
/// p2 (up 20, down 0.25):  [20,20.25] [40.25,40.5] [60.5,60.75] [80.75,81]
/// e  (up 99.75):          [99.75,100]
/// ```
///
/// - (s, p): the primary never fails: no downtime (the baseline).
/// - (p, s): failover then fail-back with no downtime when p returns:
///   [20,20.5] [49,49.5] [78,78.5]: 1.5 h, 3 outages, longest 0.5.
/// - (p2, s): the serving replica returns 0.25 h into a 0.5 h failover and
///   service resumes at once: 4 outages of 0.25 h.
/// - (p, q): at 25 q fails while serving; the failover at 25.5 finds no live
///   replica; p returns at 29 and serves at once: [20,20.5] [25,29]
///   [49,49.5] [78,78.5]: 5.5 h, 4 outages, longest 4. q's failures at 60 and
///   95 hit a passive replica: no effect.
/// - (p, q), failover 0: down only while neither is live: [25,29]: 4 h, 1.
/// - (p, q2): both fail at 20 (a tie): the failover at 20.5 finds none, q2
///   serves at 22 when it returns; at 86 q2 fails while serving, p returns
///   at 87: [20,22] [49,49.5] [78,78.5] [86,87]: 4 h, 4 outages, longest 2.
/// - (p, q3): q3 fails at 20.5, the instant the failover completes (a tie of
///   an event and the failover deadline): nobody to serve until q3 returns at
///   21.5; at 85 q3 fails while serving, it returns at 86:
///   [20,21.5] [49,49.5] [78,78.5] [85,86]: 3.5 h, 4 outages, longest 1.5.
/// - (p, q, s): the second replica serves first; at 25 it fails and the
///   failover goes to the third, s; at 29 p takes traffic back:
///   [20,20.5] [25,25.5] [49,49.5] [78,78.5]: 2 h, 4 outages, longest 0.5.
/// - (e, s): e fails at 99.75 and the failover would complete after the
///   horizon: one outage cut by the horizon, 0.25 h.
/// - (p, s) with replica failures (up 40, down 0.25: [40,40.25]
///   [80.25,80.5], both replicas at once): at 40 p's replica fails and is
///   back at 40.25 before the failover completes; at 80.25 the serving s
///   replica fails (p's zone is down) and is back at 80.5: [20,20.5]
///   [40,40.25] [49,49.5] [78,78.5] [80.25,80.5]: 2 h, 5 outages, longest 0.5.
#[test]
fn active_passive_exact() {
    let ap = |name: &str, replicas: &[&str], failover_hours: f64| {
        Deployment::new(name, replicas, Rule::active_passive(failover_hours))
    };
    let s = study(100.0)
        .region(region("r"))
        .zone(fz("p", "r", 20.0, 9.0))
        .zone(fz("q", "r", 25.0, 10.0))
        .zone(fz("s", "r", 200.0, 1.0))
        .zone(fz("q2", "r", 20.0, 2.0))
        .zone(fz("q3", "r", 20.5, 1.0))
        .zone(fz("p2", "r", 20.0, 0.25))
        .zone(fz("e", "r", 99.75, 10.0))
        .deployment(ap("(s,p)", &["s", "p"], 0.5))
        .deployment(ap("(p,s)", &["p", "s"], 0.5))
        .deployment(ap("(p2,s)", &["p2", "s"], 0.5))
        .deployment(ap("(p,q)", &["p", "q"], 0.5))
        .deployment(ap("(p,q) failover 0", &["p", "q"], 0.0))
        .deployment(ap("(p,q2)", &["p", "q2"], 0.5))
        .deployment(ap("(p,q3)", &["p", "q3"], 0.5))
        .deployment(ap("(p,q,s)", &["p", "q", "s"], 0.5))
        .deployment(ap("(e,s)", &["e", "s"], 0.5))
        .deployment(
            ap("(p,s)+replicas", &["p", "s"], 0.5)
                .with_replica_failures(OutageProcess::new(fixed(40.0), fixed(0.25))),
        );
    check(
        &s,
        &[
            want("(s,p)", 0.0, 0, 0.0),
            want("(p,s)", 1.5, 3, 0.5),
            want("(p2,s)", 1.0, 4, 0.25),
            want("(p,q)", 5.5, 4, 4.0),
            want("(p,q) failover 0", 4.0, 1, 4.0),
            want("(p,q2)", 4.0, 4, 2.0),
            want("(p,q3)", 3.5, 4, 1.5),
            want("(p,q,s)", 2.0, 4, 0.5),
            want("(e,s)", 0.25, 1, 0.25),
            want("(p,s)+replicas", 2.0, 5, 0.5),
        ],
        &[
            ("p", 27.0),
            ("q", 25.0),
            ("s", 0.0),
            ("q2", 8.0),
            ("q3", 4.0),
            ("p2", 1.0),
            ("e", 0.25),
        ],
    );
}

/// A named baseline: the comparison is against "2of3" (16 h down), so every
/// other deployment's difference is its downtime minus 16 h, in minutes.
#[test]
fn named_baseline_comparison() {
    let mut s = counting_study(100.0);
    s.simulation.baseline = Some("2of3".into());
    let r = Simulation::new(&s)
        .unwrap()
        .run(&RunOptions::default())
        .unwrap();
    assert_eq!(r.comparison.baseline, "2of3");
    let want = [
        ("1of3", 1.0),
        ("3of3", 44.0),
        ("maj3", 16.0),
        ("maj(a,a,b,c)", 25.0),
        ("zones2(a,b,b,c)", 16.0),
        ("2of(a,b,b,c)", 13.0),
        ("zones3(a,a,b,c)", 44.0),
        ("zones1(a,b,b,c)", 1.0),
    ];
    assert_eq!(r.comparison.against.len(), want.len());
    for (c, &(name, down)) in r.comparison.against.iter().zip(&want) {
        assert_eq!(c.name, name);
        let diff = (down - 16.0) * 60.0;
        assert_close(name, c.downtime_minutes_diff.mean, diff, 1e-12);
        assert_eq!(
            c.p_less_downtime,
            if diff < 0.0 { 1.0 } else { 0.0 },
            "{name}"
        );
        assert_eq!(
            c.p_more_downtime,
            if diff > 0.0 { 1.0 } else { 0.0 },
            "{name}"
        );
    }
}

/// Issue 9: a higher-priority replica returning during a failover restores
/// service at once. Horizon 28 h:
///
/// ```text
/// a (up 10, down 10):    [10,20]
/// b (up 18, down 10):    [18,28]
/// c (up 1000, down 1):   never down
/// ```
///
/// - (a,b,c), failover 3: a fails at 10, b serves from 13; b fails at 18 and
///   its failover would end at 21, but a is back at 20 and takes the traffic:
///   [10,13] [18,20]: 5 h, 2 outages, longest 3 (6 h before the fix, which
///   ran b's failover to c until 21).
/// - (b,c), failover 3: b fails at 18, c serves from 21: [18,21], 3 h.
/// - (a,c), failover 3: a fails at 10, c serves from 13; a's return at 20
///   takes traffic back with no downtime: [10,13], 3 h.
/// - (a,b,c), failover 1: b serves from 11 and c from 19, a at 20:
///   [10,11] [18,19]: 2 h, 2 outages, longest 1.
#[test]
fn active_passive_return_during_failover() {
    let ap = |name: &str, replicas: &[&str], failover_hours: f64| {
        Deployment::new(name, replicas, Rule::active_passive(failover_hours))
    };
    let s = study(28.0)
        .region(region("r"))
        .zone(fz("a", "r", 10.0, 10.0))
        .zone(fz("b", "r", 18.0, 10.0))
        .zone(fz("c", "r", 1000.0, 1.0))
        .deployment(ap("(a,b,c)", &["a", "b", "c"], 3.0))
        .deployment(ap("(b,c)", &["b", "c"], 3.0))
        .deployment(ap("(a,c)", &["a", "c"], 3.0))
        .deployment(ap("(a,b,c) failover 1", &["a", "b", "c"], 1.0));
    check(
        &s,
        &[
            want("(a,b,c)", 5.0, 2, 3.0),
            want("(b,c)", 3.0, 1, 3.0),
            want("(a,c)", 3.0, 1, 3.0),
            want("(a,b,c) failover 1", 2.0, 2, 1.0),
        ],
        &[("a", 10.0), ("b", 10.0), ("c", 0.0)],
    );
}
