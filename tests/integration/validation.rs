//! Bad parameters: errors as values that name the offending value, every
//! problem of a study at once, and absurd-but-valid studies refused quickly.

use std::time::{Duration as Elapsed, Instant};

use zonesim::distributions::DurationError;
use zonesim::engine::RunError;
use zonesim::prelude::*;

use crate::common::*;

/// Asserts that `err`'s message contains every one of `parts`.
#[track_caller]
fn says(err: &dyn std::fmt::Display, parts: &[&str]) {
    let msg = err.to_string();
    for p in parts {
        assert!(msg.contains(p), "message {msg:?} does not mention {p:?}");
    }
}

#[test]
fn duration_constructors_name_the_offending_value() {
    let cases: Vec<(Result<Duration, DurationError>, &[&str])> = vec![
        (Duration::exponential(0.0), &["exponential", "mean", "0"]),
        (
            Duration::exponential(-2.5),
            &["exponential", "mean", "-2.5"],
        ),
        (
            Duration::exponential(f64::NAN),
            &["exponential", "mean", "NaN"],
        ),
        (Duration::exponential(f64::INFINITY), &["mean", "inf"]),
        (Duration::weibull(0.0, 10.0), &["weibull", "shape", "0"]),
        (Duration::weibull(1.0, -7.0), &["weibull", "scale", "-7"]),
        (
            Duration::lognormal(-1.0, 1.0),
            &["lognormal", "median", "-1"],
        ),
        (
            Duration::lognormal(1.0, f64::NAN),
            &["lognormal", "sigma", "NaN"],
        ),
        (Duration::gamma(-0.5, 1.0), &["gamma", "shape", "-0.5"]),
        (
            Duration::gamma(1.0, f64::NEG_INFINITY),
            &["gamma", "scale", "-inf"],
        ),
        (
            Duration::uniform(3.0, 1.0),
            &["uniform", "low = 3", "high = 1"],
        ),
        (Duration::uniform(2.0, 2.0), &["low = 2", "high = 2"]),
        (Duration::uniform(-1.0, 2.0), &["low = -1"]),
        (Duration::uniform(1.0, f64::INFINITY), &["high = inf"]),
        (Duration::uniform(f64::NAN, 1.0), &["low = NaN"]),
        (Duration::fixed(0.0), &["fixed", "value", "0"]),
        (Duration::fixed(-4.0), &["fixed", "value", "-4"]),
        (
            Duration::empirical(vec![]),
            &["empirical", "at least one sample"],
        ),
        (
            Duration::empirical(vec![1.0, 2.0, -3.0]),
            &["sample #2", "-3"],
        ),
        (Duration::empirical(vec![f64::NAN]), &["sample #0", "NaN"]),
        // Each parameter valid, the mean or second moment not finite.
        (Duration::lognormal(1.0, 30.0), &["lognormal", "too large"]),
        (Duration::weibull(0.001, 1.0), &["weibull", "too large"]),
    ];
    for (r, parts) in cases {
        let e = r.expect_err(&format!("should be rejected: {parts:?}"));
        says(&e, parts);
    }
    // Valid edge cases are accepted.
    assert!(Duration::uniform(0.0, 1.0).is_ok());
    assert!(Duration::empirical(vec![0.1]).is_ok());
    assert!(Duration::weibull(0.1, 1.0).is_ok());
}

/// Deserialising runs the same checks, so a file cannot smuggle in a bad
/// value, and unknown fields are errors.
#[test]
fn deserialised_durations_are_checked() {
    let bad = [
        (r#"{ dist = "exponential", mean = -3.0 }"#, "-3"),
        (r#"{ dist = "uniform", low = 5.0, high = 2.0 }"#, "low = 5"),
        (
            r#"{ dist = "empirical", samples = [] }"#,
            "at least one sample",
        ),
        (r#"{ dist = "fixed", value = 1.0, extra = 2 }"#, "extra"),
        (r#"{ dist = "pareto", shape = 1.0 }"#, "pareto"),
    ];
    for (text, part) in bad {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct W {
            d: Duration,
        }
        let e = toml::from_str::<W>(&format!("d = {text}")).expect_err(text);
        says(&e, &[part]);
    }
}

/// One study with a problem of every kind: validation lists all of them,
/// each with where it is and the offending value.
#[test]
fn study_validate_lists_every_problem() {
    let mut st = settings(0, f64::NAN, 1, Start::SteadyState);
    st.sla_targets = vec![0.999, 1.5, f64::NAN, 0.0];
    st.baseline = Some("nobody".into());
    let study = Study::new(st)
        .region(region("r"))
        .region(region("r"))
        .zone(zone("a", "r", exp(100.0), exp(1.0)))
        .zone(zone("a", "r", exp(100.0), exp(1.0)))
        .zone(zone("b", "nowhere", exp(100.0), exp(1.0)))
        .common_cause(CommonCause::new("cc", ["atlantis"], exp(1000.0), exp(1.0)))
        .common_cause(CommonCause::new(
            "empty",
            [] as [&str; 0],
            exp(1000.0),
            exp(1.0),
        ))
        .deployment(Deployment::new("k>n", &["a", "b"], Rule::AtLeast(3)))
        .deployment(Deployment::new("k=0", &["a"], Rule::AtLeast(0)))
        .deployment(Deployment::new("ghost", &["a", "zz"], Rule::Majority))
        .deployment(Deployment::new("none", [] as [&str; 0], Rule::Majority))
        .deployment(Deployment::new("zones", &["a", "a", "b"], Rule::ZonesUp(3)))
        .deployment(Deployment::new(
            "ap-nan",
            &["a", "b"],
            Rule::active_passive(f64::NAN),
        ))
        .deployment(Deployment::new(
            "ap-neg",
            &["a", "b"],
            Rule::active_passive(-1.0),
        ))
        .deployment(Deployment::new("k>n", &["a"], Rule::AtLeast(1)));
    let err = study.validate().unwrap_err();
    let text = err.to_string();
    let expect: &[(&str, &[&str])] = &[
        ("simulation.trials", &["0"]),
        ("simulation.horizon_hours", &["NaN"]),
        ("simulation.sla_targets[1]", &["1.5"]),
        ("simulation.sla_targets[2]", &["NaN"]),
        ("simulation.sla_targets[3]", &["0"]),
        ("simulation.baseline", &["nobody"]),
        ("region \"r\"", &["twice"]),
        ("zone \"a\"", &["twice"]),
        ("zone \"b\".region", &["nowhere"]),
        ("common_cause \"cc\".affects", &["atlantis"]),
        ("common_cause \"empty\".affects", &["empty"]),
        ("deployment[0] \"k>n\".rule", &["at_least = 3", "2"]),
        ("deployment[1] \"k=0\".rule", &["at_least = 0"]),
        ("deployment[2] \"ghost\".replicas[1]", &["zz"]),
        ("deployment[3] \"none\".replicas", &["empty"]),
        ("deployment[4] \"zones\".rule", &["zones_up = 3", "2"]),
        (
            "deployment[5] \"ap-nan\".rule.active_passive.failover_hours",
            &["NaN"],
        ),
        (
            "deployment[6] \"ap-neg\".rule.active_passive.failover_hours",
            &["-1"],
        ),
        ("deployment[7] \"k>n\"", &["twice"]),
    ];
    for (at, parts) in expect {
        let p = err
            .problems
            .iter()
            .find(|p| p.at == *at && parts.iter().all(|s| p.message.contains(s)))
            .unwrap_or_else(|| panic!("no problem at {at} mentioning {parts:?} in:\n{text}"));
        assert!(text.contains(&p.to_string()), "Display lists {p}");
    }
    assert_eq!(err.problems.len(), expect.len(), "{text}");
    assert!(
        text.starts_with(&format!("{} problems", expect.len())),
        "{text}"
    );

    // The engine and `zonesim::run` refuse it with the same error.
    let e = Simulation::new(&study).unwrap_err();
    assert!(
        matches!(e.kind(), zonesim::ErrorKind::Study(s) if *s == err),
        "{e}"
    );
    let e = zonesim::run(&study).unwrap_err();
    assert!(
        matches!(e.kind(), zonesim::ErrorKind::Study(s) if *s == err),
        "{e}"
    );
}

/// Horizons that are infinite, negative or absurdly long.
#[test]
fn bad_horizons() {
    for (h, part) in [
        (f64::INFINITY, "inf"),
        (-5.0, "-5"),
        (0.0, "0"),
        (1e9, "1e9 hours"),
    ] {
        let study = Study::new(settings(10, h, 1, Start::SteadyState))
            .region(region("r"))
            .zone(zone("a", "r", exp(100.0), exp(1.0)))
            .deployment(Deployment::new("d", &["a"], Rule::AtLeast(1)));
        let e = study.validate().unwrap_err();
        assert_eq!(e.problems.len(), 1, "{e}");
        assert_eq!(e.problems[0].at, "simulation.horizon_hours");
        says(&e, &[part]);
    }
}

fn small_study(trials: u64, ttf: Duration, ttr: Duration) -> Study {
    Study::new(settings(trials, 8760.0, 1, Start::SteadyState))
        .region(region("r"))
        .zone(zone("a", "r", ttf, ttr))
        .zone(zone("b", "r", exp(1000.0), exp(2.0)))
        .deployment(Deployment::new("d", &["a", "b"], Rule::AtLeast(1)))
}

/// Valid but absurd studies are refused before running, quickly, with a
/// message that says what is too large; none hangs.
#[test]
fn absurd_studies_are_refused_quickly() {
    let start = Instant::now();
    // A zone failing every microsecond: ~4e12 intervals per trial.
    let e = Simulation::new(&small_study(10, fixed(1e-6), fixed(1e-6))).unwrap_err();
    assert!(
        matches!(e.kind(), zonesim::ErrorKind::Run(RunError::TooLarge(_))),
        "{e}"
    );
    says(&e, &["zone \"a\"", "intervals"]);

    // 10^12 trials of a small study.
    let e = Simulation::new(&small_study(1_000_000_000_000, exp(1000.0), exp(2.0))).unwrap_err();
    assert!(
        matches!(e.kind(), zonesim::ErrorKind::Run(RunError::TooLarge(_))),
        "{e}"
    );
    says(&e, &["1000000000000 trials"]);

    // The same through `with_trials` (a command-line override), and 0 trials.
    let study = small_study(10, exp(1000.0), exp(2.0));
    let sim = Simulation::new(&study).unwrap();
    let e = sim
        .clone()
        .with_trials(&study, 1_000_000_000_000)
        .unwrap_err();
    assert!(
        matches!(e.kind(), zonesim::ErrorKind::Run(RunError::TooLarge(_))),
        "{e}"
    );
    let e = sim.with_trials(&study, 0).unwrap_err();
    says(&e, &["simulation.trials", "0"]);

    // Replica failures every second on a big deployment.
    let study = small_study(10, exp(1000.0), exp(2.0)).deployment(
        Deployment::new("flaky", &["a", "b"], Rule::AtLeast(1))
            .with_replica_failures(OutageProcess::new(fixed(1.0 / 3600.0), fixed(1.0 / 3600.0))),
    );
    let e = Simulation::new(&study).unwrap_err();
    says(&e, &["replicas of deployment \"flaky\""]);

    assert!(
        start.elapsed() < Elapsed::from_secs(2),
        "refusals took {:?}",
        start.elapsed()
    );
}

/// A valid study with no deployment (a plan file is one) cannot be run: the
/// engine says so instead of indexing a missing baseline.
#[test]
fn a_study_without_deployments_is_refused_not_a_panic() {
    let mut study = zonesim::catalog::default_study();
    study.deployments.clear();
    assert!(study.validate().is_ok());
    let err = zonesim::run(&study).expect_err("nothing to simulate");
    assert!(err.to_string().contains("no deployment"), "{err}");
}

/// Thousands of zones are absurd but valid: the run must end with the right
/// answer, not crawl. A counting rule over 3,000 zones used to be swept by
/// scanning every zone for each outage (quadratic: minutes for this test);
/// it now takes the sorted event stream. Exact value: 2,990 of 3,000
/// independent zones up is a binomial tail, `sum_{d <= 10} C(n, d) q^d a^(n-d)`.
/// Tolerance 5 SE of the run's own standard error (false-positive rate ~6e-7).
#[test]
fn thousands_of_zones_run_and_match_the_binomial() {
    let n = 3000u32;
    let (up, down) = (2190.0, 4.0);
    let mut study = Study::new(settings(400, 8760.0, 5, Start::SteadyState)).region(region("r"));
    let ids: Vec<String> = (0..n).map(|i| format!("z{i}")).collect();
    for id in &ids {
        study = study.zone(zone(id, "r", exp(up), exp(down)));
    }
    let replicas: Vec<&str> = ids.iter().map(String::as_str).collect();
    let study = study
        .deployment(Deployment::new(
            "2990 of 3000",
            &replicas,
            Rule::AtLeast(n - 10),
        ))
        .deployment(Deployment::new(
            "active-passive",
            &replicas,
            Rule::active_passive(0.1),
        ));
    let result = zonesim::run(&study).expect("runs");
    let a = up / (up + down);
    let q = 1.0 - a;
    let exact: f64 = (0..=10u32)
        .map(|d| {
            let c = (0..d).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64);
            c * q.powi(d as i32) * a.powi((n - d) as i32)
        })
        .sum();
    let s = &result.deployments[0].availability;
    assert_within("2990 of 3000", s.mean, exact, s.std / 400f64.sqrt(), 5.0);
    // Active-passive over 3,000 zones: down only during failovers from the
    // serving zone, so nearly always up.
    assert!(result.deployments[1].availability.mean > 0.9999);
}

/// A gamma with a tiny shape has a valid, finite mean but draws zero almost
/// always (underflow): durations of zero never advance time. Absurd but
/// valid; the run must stop with an error naming the cause, not hang.
#[test]
fn durations_that_are_almost_always_zero_end_in_an_error_not_a_hang() {
    let g = || Duration::gamma(1e-10, 1e14).unwrap();
    let study = Study::new(settings(10, 8760.0, 1, Start::AllUp))
        .region(region("r"))
        .zone(zone("z", "r", g(), g()))
        .deployment(Deployment::new("d", &["z"], Rule::AtLeast(1)));
    let err = zonesim::run(&study).expect_err("cannot be simulated");
    says(&err, &["trial 0", "outage cycles", "zero"]);
}
