//! SLA windows and service credits (issue 17 item 3) against hand-computed
//! timelines: fixed durations with an all-up start make every trial the
//! same, so each window's downtime follows by hand; and one closed form for
//! exponential durations (P(a window has any downtime)).

use zonesim::prelude::*;
use zonesim::stats::{CreditBand, WindowStats};

use crate::common::*;

/// Zone `a`: up 95 h, down 10 h, from an all-up start. Down intervals:
/// [95,105), [200,210), [305,315), ..., [935,945), [1040,1050).
/// Windows of 100 h over 1050 h: 10 whole windows, [1000,1050) in none.
/// W0 = [0,100) holds 5 h ([95,100)), W1 = [100,200) holds 5 h ([100,105)),
/// W2..W9 hold 10 h each: availability 0.95, 0.95, then 0.90 eight times.
fn fixed_study() -> Study {
    let mut s = settings(3000, 1050.0, 3, Start::AllUp)
        .with_sla_window_hours(100.0)
        .with_sla_credits(vec![
            // Out of order on purpose: the largest applicable credit counts.
            CreditBand::new(0.93, 0.25),
            CreditBand::new(0.99, 0.05),
            CreditBand::new(0.96, 0.10),
            CreditBand::new(0.5, 1.0),
        ]);
    s.sla_targets = vec![0.92, 0.96, 0.85];
    let never = OutageProcess::new(fixed(1e6), fixed(1.0));
    Study::new(s)
        .region(region("r"))
        .zone(zone("a", "r", fixed(95.0), fixed(10.0)))
        .zone(zone("b", "r", fixed(1e6), fixed(1.0)))
        // The interval sweep, the event sweep (replica failures that never
        // happen within the horizon) and active-passive all see the same
        // down intervals.
        .deployment(Deployment::new("one", ["a"], Rule::AtLeast(1)))
        .deployment(Deployment::new("events", ["a"], Rule::AtLeast(1)).with_replica_failures(never))
        .deployment(Deployment::new(
            "ap",
            ["a"],
            Rule::ActivePassive {
                failover_hours: 0.5,
            },
        ))
        .deployment(Deployment::new("never", ["b"], Rule::AtLeast(1)))
}

fn windows_of<'a>(r: &'a StudyResult, name: &str) -> &'a WindowStats {
    r.deployment(name)
        .unwrap()
        .windows
        .as_ref()
        .expect("windows")
}

#[test]
fn windows_and_credits_match_a_fixed_timeline() {
    let study = fixed_study();
    let sim = Simulation::new(&study).unwrap();
    let r = sim.run(&RunOptions::new().threads(2)).unwrap();
    for name in ["one", "events", "ap"] {
        let w = windows_of(&r, name);
        assert_eq!((w.hours, w.per_trial), (100.0, 10), "{name}");
        // 0.92: missed by the eight 0.90 windows; 0.96: by all ten; 0.85: by none.
        let want = [(0.92, 8.0), (0.96, 10.0), (0.85, 0.0)];
        assert_eq!(w.sla.len(), 3);
        for (s, (t, missed)) in w.sla.iter().zip(want) {
            assert_eq!(s.target, t);
            assert_eq!(s.missed_per_trial, missed, "{name} {t}");
            assert_eq!(s.p_window_misses, missed / 10.0, "{name} {t}");
            assert_eq!(s.p_any_missed, if missed > 0.0 { 1.0 } else { 0.0 });
        }
        // W0, W1 (0.95): bands 0.99 (0.05) and 0.96 (0.10) apply: 0.10.
        // W2..W9 (0.90): 0.99, 0.96 and 0.93 (0.25) apply: 0.25.
        let c = w.credit.as_ref().expect("credit");
        assert!((c.per_trial - 2.2).abs() < 1e-12, "{name}: {}", c.per_trial);
        assert!(
            (c.per_window - 0.22).abs() < 1e-12,
            "{name}: {}",
            c.per_window
        );
        // Nine outages of 10 h in the windows and [1040,1050) in the remainder:
        // 100 h per trial, which the per-trial figures still count.
        let d = r.deployment(name).unwrap();
        assert!(
            (d.downtime_minutes.mean - 100.0 * 60.0).abs() < 1e-9,
            "{name}: {}",
            d.downtime_minutes.mean
        );
    }
    let never = windows_of(&r, "never");
    assert!(
        never
            .sla
            .iter()
            .all(|s| s.missed_per_trial == 0.0 && s.p_any_missed == 0.0)
    );
    assert_eq!(never.credit.as_ref().unwrap().per_trial, 0.0);
    // Per-trial outcomes carry the same counts.
    let mut out = Vec::new();
    sim.trial(17, &mut out).unwrap();
    assert_eq!(
        (
            out[0].windows.missed(0),
            out[0].windows.missed(1),
            out[0].windows.missed(2)
        ),
        (8, 10, 0)
    );
    assert_eq!(
        (0..4)
            .map(|b| out[0].windows.credited(b))
            .collect::<Vec<_>>(),
        vec![8, 0, 2, 0]
    );
}

#[test]
fn window_figures_do_not_depend_on_threads_and_json_carries_them() {
    let study = fixed_study();
    let sim = Simulation::new(&study).unwrap();
    let one = sim.run(&RunOptions::new().threads(1)).unwrap();
    let two = sim.run(&RunOptions::new().threads(2)).unwrap();
    assert_eq!(one, two);
    let json = serde_json::to_value(&one).unwrap();
    let w = &json["deployments"][0]["windows"];
    assert_eq!(w["hours"], 100.0);
    assert_eq!(w["per_trial"], 10);
    assert_eq!(w["sla"][0]["target"], 0.92);
    for k in ["p_window_misses", "missed_per_trial", "p_any_missed"] {
        assert!(w["sla"][0][k].is_number(), "{k}");
    }
    assert!(w["credit"]["per_window"].is_number());
    assert!(w["credit"]["per_trial"].is_number());
}

#[test]
fn no_credit_without_bands_and_no_windows_when_the_horizon_is_shorter() {
    let mut s = settings(100, 1050.0, 3, Start::AllUp).with_sla_window_hours(100.0);
    s.sla_targets = vec![0.92];
    let base = Study::new(s)
        .region(region("r"))
        .zone(zone("a", "r", fixed(95.0), fixed(10.0)))
        .deployment(Deployment::new("one", ["a"], Rule::AtLeast(1)));
    let r = Simulation::new(&base)
        .unwrap()
        .run(&RunOptions::new())
        .unwrap();
    assert!(windows_of(&r, "one").credit.is_none());
    let mut short = base.clone();
    short.simulation.sla_window_hours = 2000.0;
    let r = Simulation::new(&short)
        .unwrap()
        .run(&RunOptions::new())
        .unwrap();
    assert!(r.deployment("one").unwrap().windows.is_none());
    let json = serde_json::to_value(&r).unwrap();
    assert!(json["deployments"][0].get("windows").is_none());
}

#[test]
fn window_settings_are_checked() {
    let mut s = settings(100, 1000.0, 3, Start::AllUp)
        .with_sla_window_hours(-1.0)
        .with_sla_credits(vec![
            CreditBand::new(1.5, 0.1),
            CreditBand::new(0.9, 0.0),
            CreditBand::new(0.9, 0.2),
        ]);
    s.sla_targets = vec![0.9; 9];
    let study = Study::new(s)
        .region(region("r"))
        .zone(zone("a", "r", fixed(95.0), fixed(10.0)))
        .deployment(Deployment::new("one", ["a"], Rule::AtLeast(1)));
    let e = study.validate().unwrap_err().to_string();
    for want in [
        "simulation.sla_window_hours",
        "simulation.sla_credits[0].below",
        "simulation.sla_credits[1].credit",
        "simulation.sla_credits[2].below: 0.9 is given twice",
        "simulation.sla_targets: 9 targets, over the limit of 8",
    ] {
        assert!(e.contains(want), "{want} in {e}");
    }
}

/// Exponential zone (mean up 1000 h, down 10 h), steady-state start,
/// windows of 100 h over 1000 h. A window has no downtime iff the zone is up
/// at its start and does not fail within it: P = A·exp(-W/m) with
/// A = 1000/1010; P(no window of a trial misses 1.0) = A·exp(-H/m).
#[test]
fn window_misses_match_the_exponential_closed_form() {
    let n = 40_000;
    let mut s = settings(n, 1000.0, 11, Start::SteadyState).with_sla_window_hours(100.0);
    s.sla_targets = vec![1.0];
    let study = Study::new(s)
        .region(region("r"))
        .zone(zone("a", "r", exp(1000.0), exp(10.0)))
        .deployment(Deployment::new("one", ["a"], Rule::AtLeast(1)));
    let sim = Simulation::new(&study).unwrap();
    let r = sim.run(&RunOptions::new()).unwrap();
    let w = &windows_of(&r, "one").sla[0];
    let a = 1000.0 / 1010.0;
    let p_window = 1.0 - a * (-0.1f64).exp();
    let p_any = 1.0 - a * (-1.0f64).exp();
    // Standard errors from the per-trial counts themselves.
    let counts: Vec<f64> = per_trial(&sim, n)
        .iter()
        .map(|o| o[0].windows.missed(0) as f64)
        .collect();
    let (mean, var) = mean_var(&counts);
    let se = (var / n as f64).sqrt();
    assert!(
        (mean - w.missed_per_trial).abs() < 1e-12,
        "accumulator = per-trial sum"
    );
    assert_within(
        "missed per trial",
        w.missed_per_trial,
        10.0 * p_window,
        se,
        4.0,
    );
    assert_within(
        "p_window_misses",
        w.p_window_misses,
        p_window,
        se / 10.0,
        4.0,
    );
    assert_within(
        "p_any_missed",
        w.p_any_missed,
        p_any,
        binom_se(p_any, n),
        4.0,
    );
}
