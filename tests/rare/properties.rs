//! Bounded relative error, determinism, diagnostics, errors.

use zonesim::prelude::*;
use zonesim::rare::{RareError, RareOptions, estimate};

use crate::common::{Family, exact, site_zones, sites, with, z};

/// Relative error of U at a fixed number of cycles as every process's
/// unavailability is made 10x and 100x smaller (U 1000x and 1e6x smaller).
fn relative_errors(n: usize, rule: Rule, up: Family, down: Family) -> Vec<f64> {
    [1e-2, 1e-3, 1e-4]
        .iter()
        .map(|&q| {
            let study = with(sites(n, q, true, up, down), &site_zones(n), rule.clone());
            let opts = RareOptions {
                cycles: 100_000,
                seed: 11,
                ..RareOptions::default()
            };
            let e = estimate(&study, "d", &opts).unwrap();
            let (u, _) = exact(&study, &study.deployments[0]);
            assert!(z(&e.unavailability, u).abs() <= 4.5, "{u:e} {e:?}");
            e.unavailability.relative_error.unwrap()
        })
        .collect()
}

#[test]
fn relative_error_stays_bounded_as_failures_get_rarer() {
    for (n, rule, up, down) in [
        (3, Rule::AtLeast(1), Family::Exp, Family::Exp),
        (
            3,
            Rule::AtLeast(1),
            Family::Weibull(1.5),
            Family::Lognormal(1.2),
        ),
        (5, Rule::Majority, Family::Exp, Family::Gamma(2.0)),
    ] {
        let re = relative_errors(n, rule, up, down);
        eprintln!("relative errors at U, U/1e3, U/1e6: {re:?}");
        assert!(re[1] <= 1.5 * re[0] && re[2] <= 1.5 * re[0], "{re:?}");
    }
}

fn study() -> Study {
    with(
        sites(3, 1e-3, true, Family::Weibull(0.8), Family::Lognormal(1.5)),
        &site_zones(3),
        Rule::AtLeast(1),
    )
}

#[test]
fn same_seed_same_bits_on_any_number_of_threads() {
    let s = study();
    let run = |threads, seed| {
        let opts = RareOptions {
            cycles: 10_000 + 17, // not a whole number of batches
            seed,
            threads: Some(threads),
            ..RareOptions::default()
        };
        serde_json::to_string(&estimate(&s, "d", &opts).unwrap()).unwrap()
    };
    let one = run(1, 5);
    assert_eq!(one, run(2, 5));
    assert_eq!(one, run(3, 5));
    assert_ne!(one, run(2, 6));
    // snake_case keys as the JSON report will carry them.
    let v: serde_json::Value = serde_json::from_str(&one).unwrap();
    let u = &v["unavailability"];
    assert!(u["mean"].is_f64() && u["ci95"].is_array() && u["relative_error"].is_f64());
    assert_eq!(v["diagnostics"]["cycles"], 10_017);
    assert!(v["diagnostics"]["mean_likelihood_ratio"]["ci95"].is_array());
}

#[test]
fn diagnostics_describe_the_weights() {
    let e = estimate(&study(), "d", &RareOptions::default()).unwrap();
    let d = &e.diagnostics;
    assert_eq!(d.cycles, 100_000);
    assert_eq!(d.processes, 6);
    assert!(d.cycles_with_downtime > 1000 && d.cycles_with_downtime < d.cycles);
    assert!(
        d.ess > 100.0 && d.ess <= d.cycles_with_downtime as f64,
        "{d:?}"
    );
    assert!(
        d.max_weight_share > 0.0 && d.max_weight_share < 0.05,
        "{d:?}"
    );
    assert!(z(&d.mean_likelihood_ratio, 1.0).abs() <= 4.5);
    assert!(d.unbiased_processes.is_empty());
    // P(any downtime) is the union bound U + T ν.
    assert_eq!(e.p_any_downtime, e.outages_per_trial);
    let t = e.horizon_hours;
    let sum = e.unavailability.mean + t * e.outages_per_hour.mean;
    assert!((e.outages_per_trial.mean / sum - 1.0).abs() < 1e-9);
    // Misses of stricter targets are at least as likely.
    let p: Vec<f64> = e.sla.iter().map(|s| s.p_miss.unwrap().mean).collect();
    assert!(p.windows(2).all(|w| w[0] <= w[1]), "{p:?}");
    assert!(p[2] <= e.p_any_downtime.mean);
}

#[test]
fn up_times_without_a_density_are_left_unbiased_and_still_exact() {
    let mut s = with(
        sites(3, 1e-2, false, Family::Exp, Family::Exp),
        &site_zones(3),
        Rule::AtLeast(1),
    );
    let m = s.zones[1].time_to_failure.mean();
    s.zones[1].time_to_failure = Duration::empirical(vec![0.5 * m, m, 1.5 * m]).unwrap();
    s.zones[2].time_to_failure = Duration::fixed(m).unwrap();
    let (u, nu) = exact(&s, &s.deployments[0]);
    let opts = RareOptions {
        cycles: 200_000,
        ..RareOptions::default()
    };
    let e = estimate(&s, "d", &opts).unwrap();
    assert_eq!(
        e.diagnostics.unbiased_processes,
        ["zone \"r1-a\"", "zone \"r2-a\""]
    );
    assert!(z(&e.unavailability, u).abs() <= 4.5, "{u:e} {e:?}");
    assert!(z(&e.outages_per_hour, nu).abs() <= 4.5, "{nu:e} {e:?}");
}

#[test]
fn refusals_name_what_is_wrong() {
    let s = study().deployment(Deployment::new(
        "ap",
        &["r0-a", "r1-a"],
        Rule::active_passive(0.25),
    ));
    let err = estimate(&s, "ap", &RareOptions::default()).unwrap_err();
    assert!(matches!(err, RareError::Unsupported { .. }));
    assert!(err.to_string().contains("active_passive"), "{err}");
    let err = estimate(&s, "nope", &RareOptions::default()).unwrap_err();
    assert_eq!(err, RareError::UnknownDeployment("nope".into()));
    for (opts, field) in [
        (
            RareOptions {
                cycles: 0,
                ..RareOptions::default()
            },
            "cycles",
        ),
        (
            RareOptions {
                failure_bias: 1.0,
                ..RareOptions::default()
            },
            "failure_bias",
        ),
        (
            RareOptions {
                failure_bias: f64::NAN,
                ..RareOptions::default()
            },
            "failure_bias",
        ),
        (
            RareOptions {
                repair_bias: -0.1,
                ..RareOptions::default()
            },
            "repair_bias",
        ),
        (
            RareOptions {
                threads: Some(0),
                ..RareOptions::default()
            },
            "threads",
        ),
    ] {
        let err = estimate(&s, "d", &opts).unwrap_err();
        assert!(
            matches!(&err, RareError::InvalidOption { field: f, .. } if *f == field),
            "{err}"
        );
        assert!(err.to_string().contains(field));
    }
    let mut bad = s.clone();
    bad.zones[0].region = "nowhere".into();
    assert!(matches!(
        estimate(&bad, "d", &RareOptions::default()),
        Err(RareError::Study(_))
    ));
}
