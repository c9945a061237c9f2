//! Against plain Monte Carlo (`zonesim::run`) where both can be measured.

use zonesim::prelude::*;
use zonesim::rare::{RareOptions, estimate};
use zonesim::stats::Z95;

use crate::common::{Family, exact, process, z};

/// Two zones of one region, either serves, under a small region cause.
fn pair(q: f64, up: Family, down: Family, horizon: f64, trials: u64) -> Study {
    let mut s = Study::new(Settings::new(trials, horizon)).region(Region::new("r", "", "", "DE"));
    for id in ["a", "b"] {
        let (ttf, ttr) = process(q, 4.0, up, down);
        s = s.zone(Zone::new(id, "r", ttf, ttr));
    }
    let (ttf, ttr) = process(q * q / 5.0, 6.0, Family::Exp, down);
    s.common_cause(CommonCause::new("r-event", ["r"], ttf, ttr))
        .deployment(Deployment::new("pair", &["a", "b"], Rule::AtLeast(1)))
}

fn se(ci: [f64; 2]) -> f64 {
    (ci[1] - ci[0]) / (2.0 * Z95)
}

#[test]
fn no_biasing_gives_the_crude_figures() {
    // U ≈ 1.1e-3: plain Monte Carlo sees it well.
    let study = pair(0.03, Family::Exp, Family::Lognormal(1.0), 8760.0, 20_000);
    let (u_exact, nu) = exact(&study, &study.deployments[0]);
    let mc = zonesim::run(&study).unwrap();
    let a = &mc.deployments[0].availability;
    let (u_mc, se_mc) = (1.0 - a.mean, se(a.ci95));
    assert!(
        ((u_mc - u_exact) / se_mc).abs() <= 4.5,
        "{u_mc:e} {u_exact:e}"
    );
    for failure_bias in [0.0, 0.7] {
        let opts = RareOptions {
            cycles: 200_000,
            failure_bias,
            ..RareOptions::default()
        };
        let e = estimate(&study, "pair", &opts).unwrap();
        let u = &e.unavailability;
        let gap = (u.mean - u_mc) / (u.std_error().powi(2) + se_mc * se_mc).sqrt();
        assert!(
            gap.abs() <= 4.5,
            "bias {failure_bias}: {u:?} vs {u_mc:e} ± {se_mc:e}"
        );
        assert!(z(u, u_exact).abs() <= 4.5, "{u:?} vs {u_exact:e}");
        let lr = &e.diagnostics.mean_likelihood_ratio;
        if failure_bias == 0.0 {
            // No change of measure: every likelihood ratio is exactly 1.
            assert_eq!(lr.mean, 1.0);
            assert_eq!(lr.ci95, [1.0, 1.0]);
        } else {
            assert!(z(lr, 1.0).abs() <= 4.5, "{lr:?}");
        }
        // Outages per trial: U + T ν, also what plain Monte Carlo counts
        // (Poisson-like counts: variance at most about 3x the mean here).
        let t = study.simulation.horizon_hours;
        assert!(
            z(&e.outages_per_trial, u_exact + t * nu).abs() <= 4.5,
            "{e:?}"
        );
        let n_mc = mc.deployments[0].outages.mean;
        let se_n = (3.0 * n_mc / 20_000.0).sqrt();
        assert!(((n_mc - (u_exact + t * nu)) / se_n).abs() <= 4.5, "{n_mc}");
        // Not rare: the single-outage approximation is not offered.
        assert!(e.sla.iter().all(|s| s.p_miss.is_none()));
    }
}

#[test]
fn any_downtime_and_sla_misses_match_plain_monte_carlo() {
    // Trials of 1000 h with U + T ν ≈ 0.005: plain Monte Carlo measures the
    // per-trial probabilities, and the single-outage approximation holds to
    // about T ν + (excursion length) / T ≈ 1% (allowed for below).
    let trials = 400_000;
    let mut study = pair(3.2e-3, Family::Exp, Family::Exp, 1000.0, trials);
    study.simulation.sla_targets = vec![0.999, 0.9999];
    let mc = zonesim::run(&study).unwrap();
    let m = &mc.deployments[0];
    let opts = RareOptions {
        cycles: 200_000,
        ..RareOptions::default()
    };
    let e = estimate(&study, "pair", &opts).unwrap();
    assert!(e.outages_per_trial.mean < 0.01, "{e:?}");
    let n = trials as f64;
    let compare = |what: &str, is: &zonesim::rare::Estimate, p_mc: f64| {
        let se_mc = (p_mc * (1.0 - p_mc) / n).sqrt();
        let tol = 4.5 * (is.std_error().powi(2) + se_mc * se_mc).sqrt() + 0.015 * p_mc;
        assert!(
            (is.mean - p_mc).abs() <= tol,
            "{what}: {is:?} vs {p_mc} (tol {tol:e})"
        );
    };
    compare("any downtime", &e.p_any_downtime, 1.0 - m.outages.p_none);
    for (s_is, s_mc) in e.sla.iter().zip(&m.sla) {
        assert_eq!(s_is.target, s_mc.target);
        compare("sla", s_is.p_miss.as_ref().unwrap(), 1.0 - s_mc.p_meets);
    }
}
