use super::*;
use crate::prelude::*;

fn study() -> Study {
    let exp = |m| Duration::exponential(m).unwrap();
    Study::new(Settings::new(500, 8760.0))
        .region(Region::new("r", "R", "p", "FR"))
        .zone(Zone::new(
            "r-a",
            "r",
            exp(2000.0),
            Duration::lognormal(2.0, 1.5).unwrap(),
        ))
        .zone(Zone::new("r-b", "r", exp(2000.0), exp(10.0)))
        .common_cause(CommonCause::new(
            "r-region-event",
            ["r"],
            exp(1e5),
            exp(6.0),
        ))
        .deployment(Deployment::new("one", ["r-a"], Rule::AtLeast(1)))
        .deployment(Deployment::new(
            "ap",
            ["r-a", "r-b"],
            Rule::active_passive(0.25),
        ))
}

#[test]
fn paths_get_and_set_every_form() {
    let mut s = study();
    let p = |t: &str| t.parse::<ParamPath>().unwrap();
    assert_eq!(p("zone.r-a.time_to_repair.median").get(&s).unwrap(), 2.0);
    assert_eq!(
        p("zone.r-a.time_to_failure.per_year").get(&s).unwrap(),
        4.38
    );
    p("zone.*.time_to_repair.mean").set(&mut s, 5.0).unwrap();
    for z in &s.zones {
        assert!((z.time_to_repair.mean() - 5.0).abs() < 1e-12);
    }
    // The lognormal kept its sigma.
    assert_eq!(p("zone.r-a.time_to_repair.sigma").get(&s).unwrap(), 1.5);
    p("common_cause.r-region-event.time_to_failure.per_year")
        .set(&mut s, 0.1)
        .unwrap();
    assert_eq!(s.common_causes[0].time_to_failure.mean(), 87_600.0);
    p("deployment.ap.rule.active_passive.failover_hours")
        .set(&mut s, 1.5)
        .unwrap();
    assert_eq!(s.deployments[1].rule, Rule::active_passive(1.5));
    p("deployment.*.rule.active_passive.failover_hours")
        .set(&mut s, 0.5)
        .unwrap();
    assert_eq!(s.deployments[1].rule, Rule::active_passive(0.5));
}

#[test]
fn bad_paths_and_values_are_named() {
    let s = study();
    let e = "zone.nope.time_to_repair.mean"
        .parse::<ParamPath>()
        .unwrap()
        .get(&s);
    assert!(
        e.unwrap_err()
            .to_string()
            .contains("no zone matches \"nope\"")
    );
    let e = "zone.r-b.time_to_repair.sigma"
        .parse::<ParamPath>()
        .unwrap()
        .get(&s);
    assert!(
        e.unwrap_err()
            .to_string()
            .contains("exponential distribution has no parameter \"sigma\"")
    );
    let e = "deployment.one.rule.active_passive.failover_hours"
        .parse::<ParamPath>()
        .unwrap()
        .set(&mut s.clone(), 1.0);
    assert!(e.unwrap_err().to_string().contains("not active_passive"));
    let e = "zone.r-a.time_to_repair.median"
        .parse::<ParamPath>()
        .unwrap()
        .set(&mut s.clone(), -1.0);
    assert!(
        e.unwrap_err()
            .to_string()
            .contains("must be a finite number > 0")
    );
    for bad in [
        "zone.a.mean",
        "region.a.time_to_failure.mean",
        "zone..time_to_failure.mean",
        "deployment.x.rule.failover_hours",
    ] {
        assert!(bad.parse::<ParamPath>().is_err(), "{bad}");
    }
}

#[test]
fn a_failover_sweep_pairs_exactly_and_is_monotone() {
    // Only the failover changes, so every point sees identical outages:
    // downtime grows with the delay in every trial, and the single-zone
    // deployment's figures do not move at all.
    let s = study();
    let axis = Axis::new(
        "deployment.ap.rule.active_passive.failover_hours"
            .parse()
            .unwrap(),
        vec![0.0, 0.25, 1.0, 4.0],
    );
    let r = sweep(&s, &[axis], &RunOptions::default()).unwrap();
    let one: Vec<f64> = r
        .points
        .iter()
        .map(|p| p.deployments[0].mean_availability)
        .collect();
    assert!(one.iter().all(|&a| a == one[0]));
    let ap: Vec<f64> = r
        .points
        .iter()
        .map(|p| p.deployments[1].downtime_minutes)
        .collect();
    assert!(ap.windows(2).all(|w| w[0] < w[1]), "{ap:?}");
}

#[test]
fn a_two_axis_grid_runs_first_axis_outermost() {
    let s = study();
    let a = Axis::new(
        "zone.r-b.time_to_repair.mean".parse().unwrap(),
        vec![1.0, 2.0],
    );
    let b = Axis::new(
        "deployment.ap.rule.active_passive.failover_hours"
            .parse()
            .unwrap(),
        vec![0.1, 0.2, 0.3],
    );
    let r = sweep(&s, &[a, b], &RunOptions::default()).unwrap();
    let v: Vec<Vec<f64>> = r.points.iter().map(|p| p.values.clone()).collect();
    assert_eq!(v.len(), 6);
    assert_eq!(v[0], [1.0, 0.1]);
    assert_eq!(v[2], [1.0, 0.3]);
    assert_eq!(v[3], [2.0, 0.1]);
    assert!(sweep(&s, &[], &RunOptions::default()).is_err());
}

#[test]
fn the_tornado_ranks_the_widest_bar_first() {
    let s = study();
    let params = vec![
        TornadoParam::new(
            "repair",
            "zone.r-a.time_to_repair.median".parse().unwrap(),
            1.0,
            8.0,
        ),
        TornadoParam::new(
            "failover",
            "deployment.ap.rule.active_passive.failover_hours"
                .parse()
                .unwrap(),
            0.2,
            0.3,
        ),
    ];
    let t = tornado(&s, &params, &RunOptions::default()).unwrap();
    let ranked = t.ranked("one", Figure::DowntimeMinutes).unwrap();
    assert_eq!(ranked[0].0.param.label, "repair");
    // The failover cannot move the single zone's figure at all.
    assert_eq!(ranked[1].1, ranked[1].2);
    assert!(ranked[0].2 > ranked[0].1);
    assert!(t.ranked("nope", Figure::DowntimeMinutes).is_none());
}

/// On per-process streams a change to one zone leaves every other
/// process's draws exactly as they were; on the default single stream
/// it does not (the later processes' draws shift).
#[test]
fn process_streams_keep_other_processes_fixed() {
    let s = study();
    let mut t = s.clone();
    "zone.r-a.time_to_repair.median"
        .parse::<ParamPath>()
        .unwrap()
        .set(&mut t, 9.0)
        .unwrap();
    let run = |st: &Study, own: bool| {
        let sim = Simulation::new(st).unwrap();
        let sim = if own { sim.with_process_streams() } else { sim };
        sim.run(&RunOptions::default()).unwrap()
    };
    let (a, b) = (run(&s, true), run(&t, true));
    assert_eq!(a.zones[1].mean_availability, b.zones[1].mean_availability);
    assert_ne!(a.zones[0].mean_availability, b.zones[0].mean_availability);
    let (a, b) = (run(&s, false), run(&t, false));
    assert_ne!(a.zones[1].mean_availability, b.zones[1].mean_availability);
    // The option changes the sample, not the model: both layouts agree
    // within their intervals.
    let (x, y) = (run(&s, false), run(&s, true));
    let (dx, dy) = (
        &x.deployments[0].availability,
        &y.deployments[0].availability,
    );
    let half = (dx.ci95[1] - dx.ci95[0]).max(dy.ci95[1] - dy.ci95[0]);
    assert!((dx.mean - dy.mean).abs() < 2.0 * half);
}

#[test]
fn catalog_ranges_cover_the_default_study() {
    let s = crate::catalog::default_study();
    let r = catalog_ranges(&s);
    // Five zone and region ranges, then the rate and median of the
    // provider-wide events of the two providers the deployments use.
    assert_eq!(r.len(), 9);
    let labels: Vec<&str> = r[5..].iter().map(|t| t.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "alibaba provider-wide event rate (0.1-0.5 a year)",
            "alibaba provider-wide event median (1.25-5 h)",
            "ovhcloud provider-wide event rate (0.15-0.6 a year)",
            "ovhcloud provider-wide event median (0.3-1.2 h)",
        ]
    );
    for t in &r {
        t.path.set(&mut s.clone(), t.low).unwrap();
        t.path.set(&mut s.clone(), t.high).unwrap();
    }
}
