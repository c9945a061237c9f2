//! Issue 13 (part B): common causes that leave zones to recover, maintenance
//! windows of zones and of a deployment's replicas, and failovers that can
//! fail. Fixed durations with an all-up start (or fixed maintenance offsets)
//! make every trial the same, so downtime, outage counts and the longest
//! outage follow by hand (all times are exact binary fractions); the random
//! parts are checked against a small Markov chain solved here and against
//! binomial counts, within 4.5 standard errors of the estimate itself.

use zonesim::deployment::ReplicaMaintenance;
use zonesim::prelude::*;
use zonesim::stats::TrialOutcome;
use zonesim::topology::Maintenance;

use crate::common::*;

/// One deployment's outcome in every trial: (hours down, outages, longest).
#[track_caller]
fn check_trials(study: &Study, wants: &[(&str, f64, u32, f64)]) {
    let sim = Simulation::new(study).unwrap();
    for trial in [0, 1, 17] {
        let mut out: Vec<TrialOutcome> = Vec::new();
        sim.trial(trial, &mut out).unwrap();
        for (d, &(name, down, outages, longest)) in study.deployments.iter().zip(wants) {
            assert_eq!(d.name, name);
            let o = out[study
                .deployments
                .iter()
                .position(|x| x.name == name)
                .unwrap()];
            assert!(
                (o.downtime_hours - down).abs() < 1e-12
                    && o.outages == outages
                    && (o.longest_hours - longest).abs() < 1e-12,
                "{name}, trial {trial}: got {o:?}, want down {down}, {outages} outages, longest {longest}"
            );
        }
    }
    // The whole run agrees with the per-trial figures.
    let r = sim.run(&RunOptions::default()).unwrap();
    for &(name, down, outages, longest) in wants {
        let d = r.deployment(name).unwrap();
        let h = study.simulation.horizon_hours;
        assert!(
            (d.availability.mean - (1.0 - down / h)).abs() < 1e-12,
            "{name}"
        );
        assert_eq!(d.outages.mean, outages as f64, "{name}");
        assert!(
            (d.longest_outage_minutes.mean - longest * 60.0).abs() < 1e-9,
            "{name}"
        );
    }
}

/// Zones that never fail on their own within `horizon` (all-up start).
fn quiet_study(horizon: f64, zones: &[&str]) -> Study {
    let mut s = Study::new(settings(50, horizon, 3, Start::AllUp)).region(region("r"));
    for z in zones {
        s = s.zone(zone(z, "r", fixed(10.0 * horizon), fixed(1.0)));
    }
    s
}

#[test]
fn zone_maintenance_windows_with_fixed_offsets() {
    // a: [5,7] [35,37] [65,67] [95,97]; b: [34,38] [84,88]; both: [50,51].
    let study = quiet_study(100.0, &["a", "b"])
        .maintenance(Maintenance::new("a-patch", ["a"], 30.0, 2.0).with_offset(5.0))
        .maintenance(Maintenance::new("b-patch", ["b"], 50.0, 4.0).with_offset(34.0))
        .maintenance(Maintenance::new("region", ["r"], 1000.0, 1.0).with_offset(50.0))
        .deployment(Deployment::new("a", ["a"], Rule::AtLeast(1)))
        .deployment(Deployment::new("a|b", ["a", "b"], Rule::AtLeast(1)))
        .deployment(Deployment::new("a&b", ["a", "b"], Rule::AtLeast(2)));
    check_trials(
        &study,
        &[
            // 4 windows of 2 h plus the region's 1 h.
            ("a", 9.0, 5, 2.0),
            // Both down: [35,37] and [50,51].
            ("a|b", 3.0, 2, 2.0),
            // Either down: [5,7] [34,38] [50,51] [65,67] [84,88] [95,97].
            ("a&b", 15.0, 6, 4.0),
        ],
    );
    let sim = Simulation::new(&study).unwrap();
    let r = sim.run(&RunOptions::default()).unwrap();
    let za = r.zones.iter().find(|z| z.id == "a").unwrap();
    assert!((za.mean_availability - 0.91).abs() < 1e-12);
}

#[test]
fn rolling_replica_maintenance_takes_one_replica_at_a_time() {
    // Cycles at 2 and 26: replica i down [2+i, 3+i], [26+i, 27+i].
    let rolling = ReplicaMaintenance::new(24.0, 1.0)
        .rolling()
        .with_offset(2.0);
    let together = ReplicaMaintenance::new(24.0, 1.0).with_offset(2.0);
    let study = quiet_study(48.0, &["a", "b", "c"])
        // Zone a is down [3.5, 3.75], while replica 1 is in its window.
        .maintenance(Maintenance::new("a-once", ["a"], 1000.0, 0.25).with_offset(3.5))
        .deployment(
            Deployment::new("quorum", ["a", "b", "c"], Rule::Majority)
                .with_maintenance(rolling.clone()),
        )
        .deployment(
            Deployment::new("all-three", ["a", "b", "c"], Rule::AtLeast(3))
                .with_maintenance(rolling.clone()),
        )
        .deployment(
            Deployment::new("pair-together", ["b", "c"], Rule::AtLeast(1))
                .with_maintenance(together),
        )
        .deployment(
            Deployment::new("ap", ["b", "c"], Rule::active_passive(0.5)).with_maintenance(rolling),
        );
    check_trials(
        &study,
        &[
            // One replica at a time keeps 2 of 3, except zone a's 15 minutes.
            ("quorum", 0.25, 1, 0.25),
            // Windows back to back: [2,5] and [26,29], one outage each.
            ("all-three", 6.0, 2, 3.0),
            // Both replicas down together [2,3] and [26,27].
            ("pair-together", 2.0, 2, 1.0),
            // b serves; its window [2,3] costs the 0.5 h failover; at 3 b is
            // back (c's window starts) and serves again: [2,2.5] and [26,26.5].
            ("ap", 1.0, 2, 0.5),
        ],
    );
}

#[test]
fn maintenance_phase_drawn_per_trial_is_exact_in_the_mean() {
    // A window of 3 h every 40 h at a uniform phase, steady-state start:
    // every instant is in a window with probability exactly 3/40, so the
    // mean unavailability is 0.075 over any horizon (here 100 h: 2 or 3
    // windows, some cut by the edges).
    let mut study = quiet_study(100.0, &["a", "b"])
        .maintenance(Maintenance::new("m", ["a"], 40.0, 3.0))
        .deployment(Deployment::new("a", ["a"], Rule::AtLeast(1)))
        // The same schedule on a replica of its own (zone b has none).
        .deployment(
            Deployment::new("b", ["b"], Rule::AtLeast(1))
                .with_maintenance(ReplicaMaintenance::new(40.0, 3.0)),
        );
    study.simulation.start = Start::SteadyState;
    study.simulation.trials = 20_000;
    // The zone's own process: down 1 h per 1000 h, stationary.
    let own = 1.0 / 1001.0;
    let sim = Simulation::new(&study).unwrap();
    let r = sim.run(&RunOptions::default()).unwrap();
    let d = r.deployment("a").unwrap();
    let n = study.simulation.trials as f64;
    // Union of two independent stationary processes.
    let want = 1.0 - (1.0 - 0.075) * (1.0 - own);
    assert_within(
        "uniform-phase maintenance",
        1.0 - d.availability.mean,
        want,
        d.availability.std / n.sqrt(),
        4.5,
    );
    let d = r.deployment("b").unwrap();
    assert_within(
        "uniform-phase replica maintenance",
        1.0 - d.availability.mean,
        want,
        d.availability.std / n.sqrt(),
        4.5,
    );
    // From an all-up start the first window starts in [0, 40): the mean
    // time in windows over [0, 100] is 3 * E[#windows] - E[cut at 100]:
    // phase u: windows at u, u+40, u+80 (if < 100); exact mean 7.5 - the cut
    // part of the last window (u+80 in (97, 100) for u in (17, 20)): the
    // window there has 100 - (u + 80) of its 3 h; the lost share averages
    // 1.5 h over 3/40 of the phases: 7.5 - 0.1125 = 7.3875 h.
    study.simulation.start = Start::AllUp;
    let sim = Simulation::new(&study).unwrap();
    let r = sim.run(&RunOptions::default()).unwrap();
    for name in ["a", "b"] {
        let d = r.deployment(name).unwrap();
        let down = (1.0 - d.availability.mean) * 100.0;
        assert_within(
            &format!("all-up uniform phase, {name}"),
            down,
            7.3875,
            d.availability.std * 100.0 / n.sqrt(),
            4.5,
        );
    }
}

#[test]
fn replica_maintenance_joins_the_replicas_own_failures() {
    // Replica failures fixed 10 up, 5 down: [10,15] [25,30] [40,45]; its
    // maintenance every 20 h for 3 h from 13: [13,16] [33,36]. The replica
    // is down in their union: [10,16] [25,30] [33,36] [40,45].
    let study = quiet_study(50.0, &["a"]).deployment(
        Deployment::new("r", ["a"], Rule::AtLeast(1))
            .with_replica_failures(OutageProcess::new(fixed(10.0), fixed(5.0)))
            .with_maintenance(ReplicaMaintenance::new(20.0, 3.0).with_offset(13.0)),
    );
    check_trials(&study, &[("r", 19.0, 4, 6.0)]);
}

#[test]
fn zone_recovery_with_fixed_durations() {
    // The cause is down [20,25] [45,50] [70,75] [95,100]; each zone then
    // stays down 3 h more: [20,28] [45,53] [70,78] [95,100].
    let cause =
        CommonCause::new("campus", ["r"], fixed(20.0), fixed(5.0)).with_zone_recovery(fixed(3.0));
    let study = quiet_study(100.0, &["a", "b"])
        .common_cause(cause)
        .deployment(Deployment::new("a", ["a"], Rule::AtLeast(1)))
        .deployment(Deployment::new("a|b", ["a", "b"], Rule::AtLeast(1)));
    check_trials(&study, &[("a", 29.0, 4, 8.0), ("a|b", 29.0, 4, 8.0)]);
}

#[test]
fn zone_recovery_draws_are_independent_per_zone() {
    // Recovery uniform in [0, 4]: zone a is down [20, 25 + Ra], the pair
    // [20, 25 + min(Ra, Rb)]: E[min] = 4/3 < E[Ra] = 2.
    let cause = CommonCause::new("campus", ["r"], fixed(20.0), fixed(5.0))
        .with_zone_recovery(Duration::uniform(0.0, 4.0).unwrap());
    let mut study = quiet_study(40.0, &["a", "b"])
        .common_cause(cause)
        .deployment(Deployment::new("a", ["a"], Rule::AtLeast(1)))
        .deployment(Deployment::new("a|b", ["a", "b"], Rule::AtLeast(1)));
    study.simulation.trials = 4000;
    let r = Simulation::new(&study)
        .unwrap()
        .run(&RunOptions::default())
        .unwrap();
    let n = 4000f64.sqrt();
    for (name, want, sd) in [
        // 5 + U(0,4): mean 7, sd 4/sqrt(12).
        ("a", 7.0, 4.0 / 12f64.sqrt()),
        // 5 + min of two U(0,4): mean 5 + 4/3, sd 4 sqrt(2) / 6.
        ("a|b", 5.0 + 4.0 / 3.0, 4.0 * 2f64.sqrt() / 6.0),
    ] {
        let d = r.deployment(name).unwrap();
        let down = (1.0 - d.availability.mean) * 40.0;
        assert_within(name, down, want, sd / n, 4.5);
        assert_eq!(d.outages.mean, 1.0);
    }
}

/// Stationary distribution of a continuous-time Markov chain with generator
/// `q` (rows sum to 0), by Gaussian elimination on `pi Q = 0`, `sum pi = 1`.
fn stationary(q: &[Vec<f64>]) -> Vec<f64> {
    let n = q.len();
    // Rows: the transposed generator, the last equation replaced by sum = 1.
    let mut a: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            let mut row: Vec<f64> = (0..n).map(|j| q[j][i]).collect();
            row.push(0.0);
            row
        })
        .collect();
    a[n - 1] = vec![1.0; n + 1];
    for c in 0..n {
        let p = (c..n)
            .max_by(|&x, &y| a[x][c].abs().total_cmp(&a[y][c].abs()))
            .unwrap();
        a.swap(c, p);
        let pivot = a[c].clone();
        for (r, row) in a.iter_mut().enumerate() {
            if r != c {
                let f = row[c] / pivot[c];
                for (x, p) in row[c..].iter_mut().zip(&pivot[c..]) {
                    *x -= f * p;
                }
            }
        }
    }
    (0..n).map(|i| a[i][n] / a[i][i]).collect()
}

#[test]
fn zone_recovery_with_exponential_durations_matches_a_markov_chain() {
    // One cause over zones a and b: up Exp(200 h), down Exp(10 h); after each
    // event each zone recovers for its own Exp(20 h). A zone still
    // recovering when the next event ends holds two pending recoveries (its
    // down time is the union), so the chain's state is (cause up or down,
    // pending recoveries of a, of b), each count truncated at M (the mass
    // beyond is ~(lambda/mu)^M, negligible). The zones' own processes are
    // independent: zone up = own up and (cause up, no pending).
    let (lam, nu, mu) = (1.0 / 200.0, 1.0 / 10.0, 1.0 / 20.0);
    const M: usize = 6;
    let idx = |down: usize, na: usize, nb: usize| (down * (M + 1) + na) * (M + 1) + nb;
    let n = 2 * (M + 1) * (M + 1);
    let mut q = vec![vec![0.0; n]; n];
    let mut add = |from: usize, to: usize, rate: f64| {
        q[from][to] += rate;
        q[from][from] -= rate;
    };
    for down in 0..2 {
        for na in 0..=M {
            for nb in 0..=M {
                let s = idx(down, na, nb);
                if down == 0 {
                    add(s, idx(1, na, nb), lam);
                } else {
                    add(s, idx(0, (na + 1).min(M), (nb + 1).min(M)), nu);
                }
                if na > 0 {
                    add(s, idx(down, na - 1, nb), na as f64 * mu);
                }
                if nb > 0 {
                    add(s, idx(down, na, nb - 1), nb as f64 * mu);
                }
            }
        }
    }
    let pi = stationary(&q);
    let a_clear: f64 = (0..=M).map(|nb| pi[idx(0, 0, nb)]).sum();
    let a_or_b_clear: f64 = (0..=M)
        .flat_map(|na| (0..=M).map(move |nb| (na, nb)))
        .filter(|&(na, nb)| na == 0 || nb == 0)
        .map(|(na, nb)| pi[idx(0, na, nb)])
        .sum();
    let own = 2000.0 / 2004.0; // own process: up Exp(2000 h), down Exp(4 h)
    let want_a = 1.0 - own * a_clear;
    // The pair is up when a or b is up; each zone's own process is independent.
    let both_clear = pi[idx(0, 0, 0)];
    // P(a up or b up) = P(a up) + P(b up) - P(a up and b up), with
    // P(a up and b up) = own^2 * P(both clear).
    let p_up_pair = 2.0 * own * a_clear - own * own * both_clear;
    let want_pair = 1.0 - p_up_pair;
    // Sanity: recovery tails matter (without them, 1 - 200/210 ~ 0.048).
    assert!(want_a > 0.1 && want_a < 0.2, "{want_a}");
    assert!(a_or_b_clear > a_clear);

    let cause =
        CommonCause::new("campus", ["r"], exp(200.0), exp(10.0)).with_zone_recovery(exp(20.0));
    // A short horizon (100 h, about half a cause cycle) so that the
    // steady-state start, recovery tails of events before time 0 included,
    // carries the result: a start that forgot them is ~13 SE off (checked).
    let mut study = Study::new(settings(20_000, 100.0, 11, Start::SteadyState))
        .region(region("r"))
        .zone(zone("a", "r", exp(2000.0), exp(4.0)))
        .zone(zone("b", "r", exp(2000.0), exp(4.0)))
        .common_cause(cause)
        .deployment(Deployment::new("a", ["a"], Rule::AtLeast(1)))
        .deployment(Deployment::new("a|b", ["a", "b"], Rule::AtLeast(1)));
    let n = study.simulation.trials as f64;
    let r = Simulation::new(&study)
        .unwrap()
        .run(&RunOptions::default())
        .unwrap();
    for (name, want) in [("a", want_a), ("a|b", want_pair)] {
        let d = r.deployment(name).unwrap();
        assert_within(
            &format!("zone_recovery chain, {name}"),
            1.0 - d.availability.mean,
            want,
            d.availability.std / n.sqrt(),
            4.5,
        );
    }
    // Without the recovery the same cause costs far less: the tails are real.
    study.common_causes[0].zone_recovery = None;
    let r = Simulation::new(&study)
        .unwrap()
        .run(&RunOptions::default())
        .unwrap();
    assert!(1.0 - r.deployment("a").unwrap().availability.mean < 0.06);
}

/// Primary p: down [10,30] [40,60] [70,90] in 100 h (fixed 10 up, 20 down,
/// all-up start); standby s never fails.
fn ap_study(rule: Rule) -> Study {
    Study::new(settings(40, 100.0, 5, Start::AllUp))
        .region(region("r"))
        .zone(zone("p", "r", fixed(10.0), fixed(20.0)))
        .zone(zone("s", "r", fixed(1000.0), fixed(1.0)))
        .deployment(Deployment::new("ap", ["p", "s"], rule))
}

#[test]
fn failed_failover_with_fixed_manual_recovery() {
    let manual = |h: f64| Some(fixed(h));
    for (rule, down, longest) in [
        // Detected after 0.5 h, fails over 1 h later: down 1.5 h each time.
        (Rule::active_passive_failing(1.0, 0.5, 1.0, None), 4.5, 1.5),
        // The failover at +1.5 h fails; manual recovery 3 h later: 4.5 h.
        (
            Rule::active_passive_failing(1.0, 0.5, 0.0, manual(3.0)),
            13.5,
            4.5,
        ),
        // A manual recovery slower than the primary's return (at +20 h):
        // the primary takes the traffic back when it returns.
        (
            Rule::active_passive_failing(1.0, 0.5, 0.0, manual(30.0)),
            60.0,
            20.0,
        ),
        // No manual recovery: down until the primary is back.
        (
            Rule::active_passive_failing(1.0, 0.5, 0.0, None),
            60.0,
            20.0,
        ),
        // An instant failover that fails, 2 h by hand.
        (
            Rule::active_passive_failing(0.0, 0.0, 0.0, manual(2.0)),
            6.0,
            2.0,
        ),
        // The plain rule, for reference.
        (Rule::active_passive(1.0), 3.0, 1.0),
    ] {
        let study = ap_study(rule);
        check_trials(&study, &[("ap", down, 3, longest)]);
    }
}

#[test]
fn failover_success_probability_is_binomial() {
    // success 0.25: each of the 3 failovers takes 1.5 h when it works and
    // 1.5 + 3 = 4.5 h when it does not; per trial downtime = 4.5 + 3 X,
    // X ~ Binomial(3, 0.75) failures: mean 4.5 + 6.75 = 11.25 h,
    // sd 3 sqrt(3 * 0.25 * 0.75) = 2.25 h.
    let mut study = ap_study(Rule::active_passive_failing(
        1.0,
        0.5,
        0.25,
        Some(fixed(3.0)),
    ));
    study.simulation.trials = 8000;
    let r = Simulation::new(&study)
        .unwrap()
        .run(&RunOptions::default())
        .unwrap();
    let d = r.deployment("ap").unwrap();
    let down = (1.0 - d.availability.mean) * 100.0;
    assert_within(
        "failover success 0.25",
        down,
        11.25,
        2.25 / 8000f64.sqrt(),
        4.5,
    );
    assert_eq!(d.outages.mean, 3.0);
}

#[test]
fn success_one_and_no_detection_give_the_plain_rule_bit_for_bit() {
    // Random zones, several trials: the options at their defaults (with a
    // manual recovery given but never used) draw nothing.
    let build = |rule: Rule| {
        Study::new(settings(3000, 8760.0, 9, Start::SteadyState))
            .region(region("r"))
            .zone(zone("p", "r", exp(300.0), exp(6.0)))
            .zone(zone(
                "s",
                "r",
                exp(500.0),
                Duration::lognormal(2.0, 1.0).unwrap(),
            ))
            .deployment(Deployment::new("ap", ["p", "s"], rule))
    };
    let plain = build(Rule::active_passive(0.25));
    let same = build(Rule::active_passive_failing(0.25, 0.0, 1.0, Some(exp(9.0))));
    let run = |s: &Study| {
        Simulation::new(s)
            .unwrap()
            .run(&RunOptions::default())
            .unwrap()
    };
    let (a, b) = (run(&plain), run(&same));
    let (a, b) = (a.deployment("ap").unwrap(), b.deployment("ap").unwrap());
    assert_eq!(a.availability.mean.to_bits(), b.availability.mean.to_bits());
    assert_eq!(a.availability.std.to_bits(), b.availability.std.to_bits());
    assert_eq!(a.outages.mean.to_bits(), b.outages.mean.to_bits());
    assert!(a.availability.mean < 1.0);
}

#[test]
fn bad_schedules_and_failover_options_are_located_errors() {
    let text = r#"
[[region]]
id = "r"
[[zone]]
id = "a"
region = "r"
time_to_failure = { dist = "exponential", mean = 1000.0 }
time_to_repair = { dist = "fixed", value = 1.0 }

[[maintenance]]
name = "patch"
zones = ["a", "nowhere"]
every_hours = 10
duration_hours = 10

[[deployment]]
name = "q"
replicas = ["a", "a", "a"]
rule = "majority"
maintenance = { every_hours = 2, duration_hours = 1, rolling = true }

[[deployment]]
name = "ap"
replicas = ["a", "a"]
rule = { active_passive = { failover_hours = 0.1, success = 1.5, detection_hours = -1 } }
"#;
    let err =
        zonesim::scenario::Scenario::from_str(text, zonesim::scenario::Format::Toml, "m.toml")
            .unwrap_err();
    let lines = err.lines();
    let has = |s: &str| lines.iter().any(|l| l.contains(s));
    assert!(
        has("m.toml:12: maintenance[0] \"patch\".zones: \"nowhere\""),
        "{lines:#?}"
    );
    assert!(
        has("maintenance[0] \"patch\".duration_hours: 10 h must be shorter"),
        "{lines:#?}"
    );
    assert!(
        has("deployment[0] \"q\".maintenance.duration_hours: 3 rolling windows"),
        "{lines:#?}"
    );
    assert!(
        has("deployment[1] \"ap\".rule.active_passive.detection_hours"),
        "{lines:#?}"
    );
    // A mistyped option names the rule's forms.
    let typo = text.replace("success = 1.5", "sucess = 1");
    let err =
        zonesim::scenario::Scenario::from_str(&typo, zonesim::scenario::Format::Toml, "m.toml")
            .unwrap_err();
    assert!(err.to_string().contains("sucess"), "{err}");
}

#[test]
fn importance_sampling_refuses_what_it_does_not_model() {
    let cause =
        CommonCause::new("campus", ["r"], exp(2000.0), exp(5.0)).with_zone_recovery(exp(20.0));
    let study = quiet_study(100.0, &["a", "b"])
        .common_cause(cause)
        .maintenance(Maintenance::new("m", ["b"], 100.0, 1.0))
        .deployment(
            Deployment::new("pair", ["a", "b"], Rule::AtLeast(1))
                .with_estimator(zonesim::study::Estimator::Importance)
                .with_maintenance(ReplicaMaintenance::new(50.0, 1.0)),
        );
    let err = study.validate().unwrap_err().to_string();
    // The analytic module declines them too (they are not up/down processes).
    let d = &study.deployments[0];
    assert!(zonesim::analytic::steady_state_availability(&study, d).is_none());
    let mut plain = study.clone();
    plain.common_causes[0].zone_recovery = None;
    plain.maintenance.clear();
    plain.deployments[0].maintenance = None;
    assert!(zonesim::analytic::steady_state_availability(&plain, &plain.deployments[0]).is_some());
    assert!(plain.validate().is_ok());
    assert!(
        err.contains("zone_recovery (common_cause \"campus\""),
        "{err}"
    );
    assert!(
        err.contains("maintenance windows (maintenance \"m\""),
        "{err}"
    );
    assert!(err.contains("replica maintenance"), "{err}");
}

#[test]
fn scenario_file_round_trip_of_the_new_fields() {
    let text = r#"
[simulation]
trials = 10
horizon_hours = 100
start = "all_up"

[[region]]
id = "r"
[[zone]]
id = "a"
region = "r"
time_to_failure = { dist = "fixed", value = 1000.0 }
time_to_repair = { dist = "fixed", value = 1.0 }
[[zone]]
id = "b"
region = "r"
time_to_failure = { dist = "fixed", value = 1000.0 }
time_to_repair = { dist = "fixed", value = 1.0 }

[[common_cause]]
name = "campus"
affects = ["r"]
time_to_failure = { dist = "fixed", value = 20.0 }
time_to_repair = { dist = "fixed", value = 5.0 }
zone_recovery = { dist = "fixed", value = 3.0 }

[[maintenance]]
name = "patch"
zones = ["b"]
every_hours = 1000
duration_hours = 2
offset_hours = 10

[[deployment]]
name = "ap"
replicas = ["a", "b"]
rule = { active_passive = { failover_hours = 1, detection_hours = 0.5, success = 0, manual_recovery = { dist = "fixed", value = 2 } } }
maintenance = { every_hours = 1000, duration_hours = 1, rolling = true, offset_hours = 1 }
"#;
    let sc = zonesim::scenario::Scenario::from_str(text, zonesim::scenario::Format::Toml, "x.toml")
        .unwrap();
    let study = sc.study();
    assert_eq!(study.maintenance[0].offset_hours, Some(10.0));
    assert_eq!(study.common_causes[0].zone_recovery, Some(fixed(3.0)));
    assert_eq!(
        study.deployments[0].rule,
        Rule::active_passive_failing(1.0, 0.5, 0.0, Some(fixed(2.0)))
    );
    assert!(study.deployments[0].maintenance.as_ref().unwrap().rolling);
    // a (serving) down [1,2] (its window), [20,28] [45,53] [70,78] [95,100];
    // b down [2,3] (its window), [10,12], and with a in each region event.
    // [1,2]: a down, failover due at 2.5 fails, manual due 4.5; a is back
    // at 2 first: down [1,2]. Region events: both down, nothing to fail
    // over to until a is back (b and a return together): [20,28] etc.
    check_trials(study, &[("ap", 1.0 + 8.0 * 3.0 + 5.0, 5, 8.0)]);
}

#[test]
fn every_new_feature_is_bit_identical_on_any_thread_count() {
    // Random recovery tails, drawn maintenance phases (zone and rolling
    // replica) and failovers that fail, from a steady-state start: the same
    // seed gives the same bytes on 1 and 3 threads.
    let cause = CommonCause::new("campus", ["r"], exp(300.0), exp(6.0))
        .with_zone_recovery(Duration::lognormal(3.0, 1.0).unwrap());
    let study = Study::new(settings(3000, 2000.0, 21, Start::SteadyState))
        .region(region("r"))
        .zone(zone("a", "r", exp(900.0), exp(3.0)))
        .zone(zone(
            "b",
            "r",
            exp(700.0),
            Duration::lognormal(2.0, 1.2).unwrap(),
        ))
        .zone(zone("c", "r", exp(800.0), exp(5.0)))
        .common_cause(cause)
        .maintenance(Maintenance::new("m", ["b"], 500.0, 4.0))
        .deployment(
            Deployment::new("q", ["a", "b", "c"], Rule::Majority)
                .with_maintenance(ReplicaMaintenance::new(168.0, 1.0).rolling()),
        )
        .deployment(Deployment::new(
            "ap",
            ["a", "b", "c"],
            Rule::active_passive_failing(0.25, 0.1, 0.6, Some(exp(2.0))),
        ));
    let sim = Simulation::new(&study).unwrap();
    let json = |threads| {
        serde_json::to_string(&sim.run(&RunOptions::new().threads(threads)).unwrap()).unwrap()
    };
    let one = json(1);
    assert_eq!(one, json(3));
    let r = sim.run(&RunOptions::new().threads(2)).unwrap();
    assert!(r.deployments.iter().all(|d| d.availability.mean < 1.0));
}
