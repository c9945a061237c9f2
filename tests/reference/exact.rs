//! Hand-computed cases: the reference itself on fixed timelines (so a wrong
//! reference cannot pass the comparison by agreeing with a wrong engine), and
//! the engine against the reference where both are deterministic.
//!
//! Every timeline below comes from fixed durations and an all-up start, so
//! each trial is the same and the figures follow by hand (in the comments).
//! Times are whole hours, so sums are exact.

use zonesim::Simulation;
use zonesim::stats::TrialOutcome;

use crate::model::{DeploymentSpec, Dist, Proc, RuleSpec, StudySpec, engine_study};
use crate::sim::{Outcome, Reference, fixed_proc};

/// A study of fixed zones `(up, down)` in one region, all up at 0.
fn fixed_study(
    horizon: f64,
    zones: &[(f64, f64)],
    deployments: &[(&[usize], RuleSpec)],
) -> StudySpec {
    StudySpec {
        horizon,
        all_up: true,
        regions: 1,
        zones: zones.iter().map(|&(u, d)| (0, fixed_proc(u, d))).collect(),
        causes: Vec::new(),
        deployments: deployments
            .iter()
            .enumerate()
            .map(|(i, (r, rule))| DeploymentSpec {
                name: format!("d{i}"),
                replicas: r.to_vec(),
                rule: *rule,
                replica_failures: None,
            })
            .collect(),
    }
}

fn out(downtime: f64, outages: u32, longest: f64) -> Outcome {
    Outcome {
        downtime,
        outages,
        longest,
    }
}

/// The reference gives `want` for every deployment, in trials 0 and 7.
#[track_caller]
fn check_reference(spec: &StudySpec, want: &[Outcome]) {
    let r = Reference::new(spec);
    for t in [0, 7] {
        assert_eq!(r.trial(1, t), want, "reference, trial {t}");
    }
}

/// The engine's trials 0 and 7, per deployment.
fn engine(spec: &StudySpec) -> Vec<Outcome> {
    let study = engine_study(&spec.toml(8, 1), "exact");
    let sim = Simulation::new(&study).unwrap();
    let mut buf: Vec<TrialOutcome> = Vec::new();
    sim.trial(7, &mut buf).unwrap();
    let seven = buf.clone();
    sim.trial(0, &mut buf).unwrap();
    assert_eq!(buf, seven, "a deterministic study gives the same trials");
    buf.iter()
        .map(|o| out(o.downtime_hours, o.outages, o.longest_hours))
        .collect()
}

const AP1: RuleSpec = RuleSpec::ActivePassive(1.0);

/// tests/data/fixed_all_up.toml: a down [100,110) and [210,220), b down
/// [150,180), horizon 250.
fn fixed_all_up() -> StudySpec {
    fixed_study(
        250.0,
        &[(100.0, 10.0), (150.0, 30.0)],
        &[
            (&[0], RuleSpec::AtLeast(1)),    // a only: 20 h, 2 outages, 10
            (&[0, 1], RuleSpec::AtLeast(2)), // both: 50 h, 3, 30
            (&[0, 1], RuleSpec::AtLeast(1)), // either: never down
            // a then b: a fails at 100, b serves at 101, a back at 110; same
            // at 210: 2 h, 2 outages, 1 h.
            (&[0, 1], AP1),
            (&[0, 1], RuleSpec::ZonesUp(2)),  // as both
            (&[0, 0, 1], RuleSpec::Majority), // 2 of 3: down while a is
        ],
    )
}
const FIXED_ALL_UP: [Outcome; 6] = [
    Outcome {
        downtime: 20.0,
        outages: 2,
        longest: 10.0,
    },
    Outcome {
        downtime: 50.0,
        outages: 3,
        longest: 30.0,
    },
    Outcome {
        downtime: 0.0,
        outages: 0,
        longest: 0.0,
    },
    Outcome {
        downtime: 2.0,
        outages: 2,
        longest: 1.0,
    },
    Outcome {
        downtime: 50.0,
        outages: 3,
        longest: 30.0,
    },
    Outcome {
        downtime: 20.0,
        outages: 2,
        longest: 10.0,
    },
];

/// Ties and horizon cuts: a down [10,20), b down [20,30) (a returns as b
/// fails), c down [5,12] cut by the horizon at 12... with horizon 30:
/// c (up 5, down 10) is down [5,15) and [20,30).
fn ties() -> StudySpec {
    fixed_study(
        30.0,
        &[(10.0, 10.0), (20.0, 10.0), (5.0, 10.0)],
        &[
            // Either of a, b: a returns at 20 just as b fails: never down.
            (&[0, 1], RuleSpec::AtLeast(1)),
            // Both: down [10,30) as one outage (the tie at 20 joins them),
            // cut by the horizon.
            (&[0, 1], RuleSpec::AtLeast(2)),
            // c alone: [5,15) and [20,30): 20 h, 2 outages, 10.
            (&[2], RuleSpec::AtLeast(1)),
            // Zones up 2 over [a, b, c]: down when two zones are: [10,15)
            // (a, c) and [20,30) (b, c): 15 h, 2, 10.
            (&[0, 1, 2], RuleSpec::ZonesUp(2)),
        ],
    )
}
const TIES: [Outcome; 4] = [
    Outcome {
        downtime: 0.0,
        outages: 0,
        longest: 0.0,
    },
    Outcome {
        downtime: 20.0,
        outages: 1,
        longest: 20.0,
    },
    Outcome {
        downtime: 20.0,
        outages: 2,
        longest: 10.0,
    },
    Outcome {
        downtime: 15.0,
        outages: 2,
        longest: 10.0,
    },
];

/// Active-passive, failover 1 h, horizon 20: a down [5,15), b down [4,8)
/// and [12,16). a fails at 5; the failover at 6 finds none; b back at 8
/// serves at once; b fails at 12, the failover at 13 finds none; a back at
/// 15 serves at once: down [5,8) and [12,15).
fn failover_finds_none() -> StudySpec {
    fixed_study(20.0, &[(5.0, 10.0), (4.0, 4.0)], &[(&[0, 1], AP1)])
}

/// Known defect (b): a down [10,20), b down [18,28), c never, failover 3 h,
/// horizon 28. a fails at 10, b serves at 13; b fails at 18 (failover
/// pending); a returns at 20 and serves at once: down [10,13) and [18,20).
fn defect_b() -> StudySpec {
    fixed_study(
        28.0,
        &[(10.0, 10.0), (18.0, 10.0), (1000.0, 1.0)],
        &[(&[0, 1, 2], RuleSpec::ActivePassive(3.0))],
    )
}

/// Discrepancy (c): [a, b], failover 1 h, horizon 14; a down [5,10), b down
/// [10,15). a fails at 5, b serves at 6; at 10 a returns just as b fails.
/// The README judges an instant after all its changes: a is live and first,
/// so traffic is on it with no downtime: 1 h down in all. The engine (and
/// the rustdoc of `Rule::ActivePassive`) starts a failover at 10: 2 h.
fn discrepancy_c() -> StudySpec {
    fixed_study(14.0, &[(5.0, 5.0), (10.0, 5.0)], &[(&[0, 1], AP1)])
}

#[test]
fn reference_on_hand_computed_timelines() {
    check_reference(&discrepancy_c(), &[out(1.0, 1, 1.0)]);
    check_reference(&fixed_all_up(), &FIXED_ALL_UP);
    check_reference(&ties(), &TIES);
    check_reference(&failover_finds_none(), &[out(6.0, 2, 3.0)]);
    check_reference(&defect_b(), &[out(5.0, 2, 3.0)]);
}

#[test]
fn engine_matches_reference_on_hand_computed_timelines() {
    assert_eq!(engine(&fixed_all_up()), FIXED_ALL_UP);
    assert_eq!(engine(&ties()), TIES);
    assert_eq!(engine(&failover_finds_none()), [out(6.0, 2, 3.0)]);
}

#[test]
fn defect_b_failed_replica_returning_during_failover_restores_service() {
    assert_eq!(engine(&defect_b()), [out(5.0, 2, 3.0)]);
}

#[test]
fn c_serving_fails_as_an_earlier_replica_returns_costs_nothing() {
    assert_eq!(engine(&discrepancy_c()), [out(1.0, 1, 1.0)]);
}

/// Known defect (a): 17 zones, each gamma(shape 0.01, scale 1000) up and
/// fixed(1) down, all up, 100 h. Active-passive over [z0, z0] with failover
/// 0 is z0 itself, trial by trial.
fn defect_a() -> StudySpec {
    let mut spec = fixed_study(
        100.0,
        &[(1.0, 1.0); 17],
        &[
            (&[0], RuleSpec::AtLeast(1)),
            (&[0, 0], RuleSpec::ActivePassive(0.0)),
        ],
    );
    for z in &mut spec.zones {
        z.1 = Proc::new(Dist::Gamma(0.01, 1000.0), Dist::Fixed(1.0));
    }
    spec
}

#[test]
fn reference_active_passive_over_one_zone_twice_is_that_zone() {
    let spec = defect_a();
    let r = Reference::new(&spec);
    for t in 0..500 {
        let o = r.trial(3, t);
        assert_eq!(o[0], o[1], "trial {t}");
    }
}

#[test]
fn defect_a_more_than_16_zones_with_ties() {
    let spec = defect_a();
    let sim = Simulation::new(&engine_study(&spec.toml(500, 3), "defect-a")).unwrap();
    let mut buf = Vec::new();
    for t in 0..500 {
        sim.trial(t, &mut buf).unwrap();
        assert_eq!(buf[0], buf[1], "trial {t}");
    }
}
