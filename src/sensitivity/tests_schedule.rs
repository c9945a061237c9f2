//! Paths of maintenance schedules and deployment processes: exact timelines.

use super::*;
use crate::prelude::*;

/// Zones that never fail within the horizon (fixed up times far longer
/// than it, from an all-up start): every minute of downtime is maintenance.
fn quiet_study(trials: u64, start: Start) -> Study {
    let never = || Duration::fixed(1e9).unwrap();
    let short = || Duration::fixed(1.0).unwrap();
    Study::new(Settings::new(trials, 8760.0).with_start(start))
        .region(Region::new("r", "R", "p", "FR"))
        .zone(Zone::new("r-a", "r", never(), short()))
        .zone(Zone::new("r-b", "r", never(), short()))
        .deployment(Deployment::new("a-only", ["r-a"], Rule::AtLeast(1)))
        .deployment(Deployment::new("b-only", ["r-b"], Rule::AtLeast(1)))
}

fn downtimes(r: &SweepResult, d: usize) -> Vec<f64> {
    r.points
        .iter()
        .map(|p| p.deployments[d].downtime_minutes)
        .collect()
}

/// Windows at 100, 1100, ..., 8100 h: nine in a year, so a window of D
/// hours costs exactly 9 D h = 540 D minutes a year, and only the zone it
/// covers.
#[test]
fn a_zone_window_sweep_moves_downtime_by_the_exact_amount() {
    let s = quiet_study(50, Start::AllUp)
        .maintenance(Maintenance::new("patch", ["r-a"], 1000.0, 1.0).with_offset(100.0));
    let p: ParamPath = "maintenance.patch.duration_hours".parse().unwrap();
    assert_eq!(p.get(&s).unwrap(), 1.0);
    let r = sweep(
        &s,
        &[Axis::new(p, vec![0.5, 1.0, 4.0])],
        &RunOptions::default(),
    )
    .unwrap();
    let a = downtimes(&r, 0);
    for (got, d) in a.iter().zip([0.5, 1.0, 4.0]) {
        assert!((got - 540.0 * d).abs() < 1e-9, "{got} vs {}", 540.0 * d);
    }
    let vs_first: Vec<f64> = r
        .points
        .iter()
        .map(|p| p.deployments[0].downtime_minutes_vs_first)
        .collect();
    assert!((vs_first[2] - 540.0 * 3.5).abs() < 1e-9);
    assert_eq!(downtimes(&r, 1), vec![0.0; 3]);
    // The period and the offset: every 2000 h from 8000 h, one window in
    // the year; from 100 h, five (100, 2100, ..., 8100).
    let every: ParamPath = "maintenance.patch.every_hours".parse().unwrap();
    let offset: ParamPath = "maintenance.patch.offset_hours".parse().unwrap();
    let r = sweep(
        &s,
        &[
            Axis::new(every, vec![2000.0]),
            Axis::new(offset, vec![8000.0, 100.0]),
        ],
        &RunOptions::default(),
    )
    .unwrap();
    assert_eq!(downtimes(&r, 0), vec![60.0, 300.0]);
}

/// From a steady-state start with a drawn phase, each instant is in a
/// window with probability exactly D / every: the mean downtime is
/// 8760 D / 1000 h, and every point draws the same phase in each trial.
#[test]
fn a_drawn_phase_sweep_is_unbiased_and_coupled() {
    let s = quiet_study(4000, Start::SteadyState).maintenance(Maintenance::new(
        "patch",
        ["r-a", "r-b"],
        1000.0,
        1.0,
    ));
    let p: ParamPath = "maintenance.patch.duration_hours".parse().unwrap();
    let r = sweep(&s, &[Axis::new(p, vec![1.0, 3.0])], &RunOptions::default()).unwrap();
    for (pt, d) in r.points.iter().zip([1.0, 3.0]) {
        let exact = 8760.0 * d / 1000.0 * 60.0;
        let f = &pt.deployments[0];
        // The availability's interval, in minutes a year.
        let half = (f.ci95[1] - f.ci95[0]) / 2.0 * 8760.0 * 60.0;
        assert!(half > 0.0);
        assert!(
            (f.downtime_minutes - exact).abs() < 2.0 * half,
            "{f:?} vs {exact}"
        );
    }
    // Same phase at both points: a window of 3 h is three times one of
    // 1 h trial by trial, up to the part of a window cut off at the horizon
    // (at most 2 h of the 3 h window, in a fraction of about 3/1000 trials).
    let (one, three) = (downtimes(&r, 0)[0], downtimes(&r, 0)[1]);
    assert!((three - 3.0 * one).abs() < 120.0 * 0.01, "{one} {three}");
}

/// Two replicas in zones that never fail, both needed: rolling maintenance
/// of D hours each every 1000 h from 100 h keeps the deployment down 2 D
/// hours a cycle, nine cycles a year.
#[test]
fn a_rolling_replica_window_sweep_is_exact() {
    let upgrade = ReplicaMaintenance::new(1000.0, 1.0)
        .rolling()
        .with_offset(100.0);
    let s = quiet_study(20, Start::AllUp).deployment(
        Deployment::new("both", ["r-a", "r-b"], Rule::AtLeast(2)).with_maintenance(upgrade),
    );
    let p: ParamPath = "deployment.both.maintenance.duration_hours"
        .parse()
        .unwrap();
    let r = sweep(
        &s,
        &[Axis::new(p.clone(), vec![1.0, 2.5])],
        &RunOptions::default(),
    )
    .unwrap();
    assert_eq!(downtimes(&r, 2), vec![18.0 * 60.0, 45.0 * 60.0]);
    assert_eq!(downtimes(&r, 0), vec![0.0, 0.0]);
    // Two rolling windows of 500 h do not fit in 1000 h.
    let e = p.set(&mut s.clone(), 500.0).unwrap_err().to_string();
    assert!(
        e.contains("2 rolling windows of 500 h must fit in every_hours (1000 h)"),
        "{e}"
    );
}

#[test]
fn schedule_paths_are_checked() {
    let s =
        quiet_study(10, Start::AllUp).maintenance(Maintenance::new("patch", ["r-a"], 1000.0, 1.0));
    let err = |t: &str| {
        t.parse::<ParamPath>()
            .unwrap()
            .get(&s)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        err("maintenance.pach.duration_hours"),
        "maintenance.pach.duration_hours: no maintenance matches \"pach\" (the study has: patch)"
    );
    assert!(err("maintenance.patch.offset_hours").contains("has no offset_hours"));
    assert!(err("deployment.a-only.maintenance.every_hours").contains("has no maintenance"));
    assert!(
        err("deployment.a-only.replica_failures.time_to_failure.mean")
            .contains("deployment \"a-only\" has no replica_failures")
    );
    let e = "maintenance.patch.length_hours"
        .parse::<ParamPath>()
        .unwrap_err()
        .to_string();
    assert!(e.contains("\"length_hours\" is not a maintenance number (every_hours, duration_hours, offset_hours)"), "{e}");
    let p: ParamPath = "maintenance.patch.duration_hours".parse().unwrap();
    let e = p.set(&mut s.clone(), 1000.0).unwrap_err().to_string();
    assert!(
        e.contains("1000 h must be shorter than every_hours (1000 h)"),
        "{e}"
    );
    let p: ParamPath = "maintenance.patch.every_hours".parse().unwrap();
    assert!(p.set(&mut s.clone(), -1.0).is_err());
}

#[test]
fn deployment_process_and_recovery_paths_get_and_set() {
    let exp = |m| Duration::exponential(m).unwrap();
    let mut s = quiet_study(10, Start::AllUp)
        .common_cause(
            CommonCause::new("fire", ["r"], exp(1e5), exp(24.0))
                .with_zone_recovery(Duration::lognormal(100.0, 1.0).unwrap()),
        )
        .deployment(
            Deployment::new("rep", ["r-a"], Rule::AtLeast(1))
                .with_replica_failures(OutageProcess::new(exp(5000.0), exp(2.0))),
        );
    let p = |t: &str| t.parse::<ParamPath>().unwrap();
    assert_eq!(
        p("common_cause.fire.zone_recovery.median").get(&s).unwrap(),
        100.0
    );
    p("common_cause.fire.zone_recovery.median")
        .set(&mut s, 50.0)
        .unwrap();
    assert_eq!(
        s.common_causes[0].zone_recovery,
        Some(Duration::lognormal(50.0, 1.0).unwrap())
    );
    let rep = p("deployment.rep.replica_failures.time_to_repair.mean");
    assert_eq!(rep.get(&s).unwrap(), 2.0);
    // A pattern skips deployments without the process.
    p("deployment.*.replica_failures.time_to_repair.mean")
        .set(&mut s, 3.0)
        .unwrap();
    assert_eq!(rep.get(&s).unwrap(), 3.0);
    assert!(
        p("deployment.*.release_failures.time_to_repair.mean")
            .get(&s)
            .unwrap_err()
            .to_string()
            .contains("no deployment matching \"*\" has release_failures")
    );
    assert!("zone.a.zone_recovery.mean".parse::<ParamPath>().is_err());
}
