//! Closed forms: one exponential zone (two-state Markov chain), k-of-n
//! independent zones (binomial), the product form of a region-wide common
//! cause, and non-exponential durations from a steady-state start on a
//! horizon shorter than one cycle.
//!
//! Tolerance: every estimate is compared with its exact value within
//! `K = 5` standard errors of the estimate itself (the reported std / sqrt(n),
//! the binomial SE at the exact p, or the sample SE of per-trial values), so
//! a correct engine fails a given check with probability about 5.7e-7 (two-sided
//! normal tail at 5 SE); the seeds are fixed, so the outcome is deterministic.

use zonesim::prelude::*;
use zonesim::stats::DeploymentSummary;

use crate::common::*;

/// Tolerance in standard errors: two-sided false-positive rate 5.7e-7 per check.
const K: f64 = 5.0;

fn summary<'a>(r: &'a StudyResult, name: &str) -> &'a DeploymentSummary {
    r.deployments.iter().find(|d| d.name == name).unwrap()
}

/// Checks a deployment's mean availability against `want`, with SE = the
/// reported std of per-trial availability / sqrt(trials).
#[track_caller]
fn check_mean_availability(r: &StudyResult, name: &str, want: f64) {
    let d = summary(r, name);
    let se = d.availability.std / (r.trials as f64).sqrt();
    assert_within(
        &format!("{name}: mean availability"),
        d.availability.mean,
        want,
        se,
        K,
    );
}

/// One zone, exponential time to failure (mean m_u) and repair (mean m_d),
/// steady-state start, horizon T: a stationary two-state Markov chain.
///
/// - A = m_u / (m_u + m_d) = 5/6.
/// - P(no outage in [0, T]) = P(up at 0) P(no failure in T) = A e^(-T/m_u)
///   (an outage in progress at 0 counts).
/// - E[outages] = P(down at 0) + E[failures in [0, T]] = (1 - A) + T / (m_u + m_d):
///   the failure rate in stationarity is pi_u / m_u = 1 / (m_u + m_d).
/// - Var(downtime D) = 2 pi_u pi_d (T/r - (1 - e^(-rT))/r^2), r = 1/m_u + 1/m_d,
///   from Cov(X_s, X_t) = pi_u pi_d e^(-r|t-s|) integrated over [0, T]^2.
#[test]
fn one_exponential_zone_markov_chain() {
    let (mu, md, t) = (100.0, 20.0, 200.0);
    let n = 400_000u64;
    let study = Study::new(settings(n, t, 11, Start::SteadyState))
        .region(region("r"))
        .zone(zone("z", "r", exp(mu), exp(md)))
        .deployment(Deployment::new("one", &["z"], Rule::AtLeast(1)));
    let mut study = study;
    study.simulation.sla_targets = vec![0.9, 1.0];
    let sim = Simulation::new(&study).unwrap();
    let r = sim.run(&RunOptions::default()).unwrap();
    let d = &r.deployments[0];
    let nf = n as f64;

    let a = mu / (mu + md);
    let (pu, pd) = (a, 1.0 - a);
    let rate = 1.0 / mu + 1.0 / md;
    let var_d = 2.0 * pu * pd * (t / rate - (1.0 - (-rate * t).exp()) / (rate * rate));
    let sd_minutes = var_d.sqrt() * 60.0;

    // Mean availability: exact 5/6; SE = std/sqrt(n) ~ 2.3e-4 (std ~ 0.146).
    check_mean_availability(&r, "one", a);
    // Mean downtime in minutes: pi_d T 60 = 2000; SE = std/sqrt(n).
    assert_within(
        "mean downtime minutes",
        d.downtime_minutes.mean,
        pd * t * 60.0,
        d.downtime_minutes.std / nf.sqrt(),
        K,
    );
    // The zone's own simulated availability is the same per-trial quantity.
    assert_within(
        "zone mean availability",
        r.zones[0].mean_availability,
        a,
        d.availability.std / nf.sqrt(),
        K,
    );
    // P(no outage): binomial SE at the exact p = A e^-2 ~ 0.1128: SE ~ 5e-4.
    let p_none = a * (-t / mu).exp();
    assert_within(
        "P(no outage)",
        d.outages.p_none,
        p_none,
        binom_se(p_none, n),
        K,
    );
    // SLA target 1.0 is P(no downtime at all), the same event as no outage.
    assert_within(
        "P(meets 100%)",
        d.sla[1].p_meets,
        p_none,
        binom_se(p_none, n),
        K,
    );

    // Per-trial outcomes for the SEs of the count and of the std.
    let trials = per_trial(&sim, n);
    let down: Vec<f64> = trials.iter().map(|o| o[0].downtime_hours * 60.0).collect();
    let outages: Vec<f64> = trials.iter().map(|o| o[0].outages as f64).collect();
    let (m_out, v_out) = mean_var(&outages);
    // The summary is exactly the per-trial data (same seed, same streams).
    assert_eq!(
        m_out, d.outages.mean,
        "summary outages vs per-trial outages"
    );
    let (m_down, v_down) = mean_var(&down);
    assert_close(
        "summary mean vs per-trial",
        d.downtime_minutes.mean,
        m_down,
        1e-9,
    );
    assert_close(
        "summary std vs per-trial",
        d.downtime_minutes.std,
        v_down.sqrt(),
        1e-9,
    );

    // Mean outages: (1 - A) + T/(m_u + m_d) = 1/6 + 5/3 = 11/6; SE from the
    // per-trial sample variance of counts (~0.0018).
    assert_within(
        "mean outages",
        d.outages.mean,
        pd + t / (mu + md),
        (v_out / nf).sqrt(),
        K,
    );
    // Std of downtime: exact sqrt(Var D) = 1748.0 minutes. SE of a sample std by
    // the delta method from the sample's own 4th moment, sqrt((m4 - s^4)/n)/(2s)
    // (~2.4 minutes here).
    assert_within(
        "std of downtime minutes",
        d.downtime_minutes.std,
        sd_minutes,
        std_se(&down),
        K,
    );
    // Percentiles of downtime: the summary's come from an HDR histogram of
    // milliseconds with 3 significant digits, so each must lie within 0.1%
    // (and 1 ms) of the exact order statistics of the same trials around
    // rank q n. Availability percentile pX is 1 - (downtime p(100-X)) / T.
    let mut sorted = down.clone();
    sorted.sort_by(f64::total_cmp);
    for (level, got) in d.downtime_minutes.percentiles.iter() {
        let rank = level / 100.0 * nf;
        let lo = sorted[(rank.floor() as usize).saturating_sub(1)];
        let hi = sorted[(rank.ceil() as usize).min(n as usize - 1)];
        let slack = |v: f64| 1e-3 * v + 1.0 / 60_000.0;
        assert!(
            lo - slack(lo) <= got && got <= hi + slack(hi),
            "downtime p{level}: {got} outside [{lo}, {hi}] and 0.1%"
        );
    }
    for ((level, avail), (_, down_p)) in d.availability.percentiles.iter().zip(
        d.downtime_minutes
            .percentiles
            .iter()
            .collect::<Vec<_>>()
            .into_iter()
            .rev(),
    ) {
        assert_close(
            &format!("availability p{level}"),
            avail,
            1.0 - down_p / 60.0 / t,
            1e-12,
        );
    }
    // The 95% interval is mean +- 1.96 std / sqrt(n); the SLA interval is
    // Wilson's score interval for the observed count.
    let half = 1.959_963_984_540_054 * d.availability.std / nf.sqrt();
    assert_close(
        "ci95 low",
        d.availability.ci95[0],
        d.availability.mean - half,
        1e-12,
    );
    assert_close(
        "ci95 high",
        d.availability.ci95[1],
        d.availability.mean + half,
        1e-12,
    );
    let (p, z) = (d.sla[1].p_meets, 1.959_963_984_540_054f64);
    let centre = (p + z * z / (2.0 * nf)) / (1.0 + z * z / nf);
    let w = z / (1.0 + z * z / nf) * (p * (1.0 - p) / nf + z * z / (4.0 * nf * nf)).sqrt();
    assert_close("wilson low", d.sla[1].p_meets_ci95[0], centre - w, 1e-12);
    assert_close("wilson high", d.sla[1].p_meets_ci95[1], centre + w, 1e-12);
    // The same figure as availability.std (a unit change only).
    assert_close(
        "availability.std",
        d.availability.std,
        d.downtime_minutes.std / 60.0 / t,
        1e-12,
    );
}

/// k-of-n over independent exponential zones (A = 10/11 each): the service is
/// up at time t iff enough zones are up, and at each t in stationarity the
/// zones are independent Bernoulli(A), so E[availability] is a binomial tail.
#[test]
fn k_of_n_independent_zones_binomial() {
    let (mu, md, t) = (100.0, 10.0, 100.0);
    let n = 200_000u64;
    let a = mu / (mu + md);
    let mut study = Study::new(settings(n, t, 12, Start::SteadyState)).region(region("r"));
    for i in 1..=7 {
        study = study.zone(zone(&format!("z{i}"), "r", exp(mu), exp(md)));
    }
    let dep = |name: &str, replicas: &[&str], rule: Rule| Deployment::new(name, replicas, rule);
    let study = study
        .deployment(dep("1of1", &["z1"], Rule::AtLeast(1)))
        .deployment(dep("1of3", &["z1", "z2", "z3"], Rule::AtLeast(1)))
        .deployment(dep("2of3", &["z1", "z2", "z3"], Rule::AtLeast(2)))
        .deployment(dep("3of3", &["z1", "z2", "z3"], Rule::AtLeast(3)))
        .deployment(dep("maj3", &["z1", "z2", "z3"], Rule::Majority))
        .deployment(dep("maj4", &["z1", "z2", "z3", "z4"], Rule::Majority))
        .deployment(dep("maj5", &["z1", "z2", "z3", "z4", "z5"], Rule::Majority))
        .deployment(dep(
            "4of7",
            &["z1", "z2", "z3", "z4", "z5", "z6", "z7"],
            Rule::AtLeast(4),
        ))
        .deployment(dep(
            "zones2of3",
            &["z1", "z1", "z2", "z3", "z3"],
            Rule::ZonesUp(2),
        ))
        .deployment(dep(
            "zones3of5",
            &["z1", "z2", "z2", "z3", "z4", "z4", "z5"],
            Rule::ZonesUp(3),
        ))
        // live = 2 [z1] + [z2] + [z3] >= 2 iff z1 up, or z1 down and z2, z3 up.
        .deployment(dep(
            "2of(2+1+1)",
            &["z1", "z1", "z2", "z3"],
            Rule::AtLeast(2),
        ))
        // live = 2 [z1] + 2 [z2] >= 3 iff both zones up.
        .deployment(dep("3of(2+2)", &["z1", "z1", "z2", "z2"], Rule::AtLeast(3)));
    let r = Simulation::new(&study)
        .unwrap()
        .run(&RunOptions::default())
        .unwrap();

    check_mean_availability(&r, "1of1", a);
    check_mean_availability(&r, "1of3", binom_at_least(1, 3, a));
    check_mean_availability(&r, "2of3", binom_at_least(2, 3, a));
    check_mean_availability(&r, "3of3", binom_at_least(3, 3, a));
    check_mean_availability(&r, "maj3", binom_at_least(2, 3, a));
    check_mean_availability(&r, "maj4", binom_at_least(3, 4, a));
    check_mean_availability(&r, "maj5", binom_at_least(3, 5, a));
    check_mean_availability(&r, "4of7", binom_at_least(4, 7, a));
    check_mean_availability(&r, "zones2of3", binom_at_least(2, 3, a));
    check_mean_availability(&r, "zones3of5", binom_at_least(3, 5, a));
    check_mean_availability(&r, "2of(2+1+1)", a + (1.0 - a) * a * a);
    check_mean_availability(&r, "3of(2+2)", a * a);
    // Every zone is identically distributed, so each zone's per-trial
    // availability has the std of the "1of1" deployment (which is zone z1).
    let se = summary(&r, "1of1").availability.std / (n as f64).sqrt();
    for z in &r.zones {
        assert_within(
            &format!("zone {} availability", z.id),
            z.mean_availability,
            a,
            se,
            K,
        );
    }
    // Sanity of the setup: the checks above separate the rules by far more
    // than the tolerance (e.g. 2 of 3 vs 3 of 3 differ by ~0.22).
    assert!(binom_at_least(2, 3, a) - binom_at_least(3, 3, a) > 100.0 * se);
}

/// The same with a region-wide common cause: zones a, b, c in region r1 under
/// a cause (A_cc = 10/11) and zone d in region r2. A zone is up iff its own
/// process and every cause covering it are up; all processes are independent,
/// so for replicas all in r1, E[avail] = A_cc * (binomial term), and mixed
/// placements condition on the cause.
#[test]
fn k_of_n_with_common_cause_product_form() {
    let (mu, md, t) = (100.0, 10.0, 100.0);
    let (cu, cd) = (200.0, 20.0);
    let n = 200_000u64;
    let a = mu / (mu + md);
    let acc = cu / (cu + cd);
    let mut study = Study::new(settings(n, t, 13, Start::SteadyState))
        .region(region("r1"))
        .region(region("r2"));
    for z in ["a", "b", "c"] {
        study = study.zone(zone(z, "r1", exp(mu), exp(md)));
    }
    let dep = |name: &str, replicas: &[&str], rule: Rule| Deployment::new(name, replicas, rule);
    let study = study
        .zone(zone("d", "r2", exp(mu), exp(md)))
        .common_cause(CommonCause::new("r1-wide", ["r1"], exp(cu), exp(cd)))
        .deployment(dep("a", &["a"], Rule::AtLeast(1)))
        .deployment(dep("d", &["d"], Rule::AtLeast(1)))
        .deployment(dep("1of3", &["a", "b", "c"], Rule::AtLeast(1)))
        .deployment(dep("2of3", &["a", "b", "c"], Rule::AtLeast(2)))
        .deployment(dep("maj3", &["a", "b", "c"], Rule::Majority))
        .deployment(dep("zones3", &["a", "b", "c"], Rule::ZonesUp(3)))
        .deployment(dep("2of(a,b,d)", &["a", "b", "d"], Rule::AtLeast(2)))
        .deployment(dep("1of(a,d)", &["a", "d"], Rule::AtLeast(1)))
        .deployment(dep("zones1of(a,b,d)", &["a", "b", "d"], Rule::ZonesUp(1)));
    let r = Simulation::new(&study)
        .unwrap()
        .run(&RunOptions::default())
        .unwrap();

    check_mean_availability(&r, "a", a * acc);
    check_mean_availability(&r, "d", a);
    check_mean_availability(&r, "1of3", acc * binom_at_least(1, 3, a));
    check_mean_availability(&r, "2of3", acc * binom_at_least(2, 3, a));
    check_mean_availability(&r, "maj3", acc * binom_at_least(2, 3, a));
    check_mean_availability(&r, "zones3", acc * a * a * a);
    // Cause up: 2 of 3 independent zones; cause down: only d is left, 1 < 2.
    check_mean_availability(&r, "2of(a,b,d)", acc * binom_at_least(2, 3, a));
    // Cause up: 1 of 2; cause down: d alone.
    let one_of_ad = acc * binom_at_least(1, 2, a) + (1.0 - acc) * a;
    check_mean_availability(&r, "1of(a,d)", one_of_ad);
    let one_of_abd = acc * binom_at_least(1, 3, a) + (1.0 - acc) * a;
    check_mean_availability(&r, "zones1of(a,b,d)", one_of_abd);

    // Zone availability in result.zones: A * A_cc in r1 and A in r2. Zones
    // a, b, c are identically distributed, so deployment "a"'s std gives their SE.
    let se_r1 = summary(&r, "a").availability.std / (n as f64).sqrt();
    let se_r2 = summary(&r, "d").availability.std / (n as f64).sqrt();
    for z in &r.zones {
        let (want, se) = if z.id == "d" {
            (a, se_r2)
        } else {
            (a * acc, se_r1)
        };
        assert_within(
            &format!("zone {} availability", z.id),
            z.mean_availability,
            want,
            se,
            K,
        );
    }
    // The zone summary and a one-replica deployment in that zone measure the
    // same per-trial downtime, summed two ways.
    assert_close(
        "zone a vs deployment a",
        r.zones[0].mean_availability,
        summary(&r, "a").availability.mean,
        1e-12,
    );
}

/// One non-exponential case: a zone's process, the horizon, and the exact
/// P(R_up > T) of the up state's residual (for P(no outage)).
struct Case {
    name: &'static str,
    ttf: Duration,
    ttr: Duration,
    horizon: f64,
    /// 1 - F_e(T) for the time to failure, where F_e is the equilibrium CDF.
    up_residual_survives_horizon: f64,
}

/// Non-exponential durations, steady-state start, horizon shorter than the
/// mean up time (so shorter than one cycle): the start state and its residual
/// decide most of each trial, and any approximation of the equilibrium draw
/// shows at once.
///
/// For a stationary alternating renewal process, for every horizon T:
/// - E[availability] = E[U] / (E[U] + E[D]) (P(up at t) is constant);
/// - E[outages] = P(down at 0) + T / (E[U] + E[D]) (failure rate 1 / cycle);
/// - P(no outage) = P(up at 0) P(R_U > T), R_U the equilibrium residual of U.
#[test]
fn non_exponential_steady_state_means_only() {
    use crate::common::equilibrium as eq;
    let n = 200_000u64;
    let emp_up = [10.0, 40.0, 250.0];
    let cases = vec![
        Case {
            name: "weibull(0.5)/lognormal",
            ttf: Duration::weibull(0.5, 50.0).unwrap(), // mean 50 * Gamma(3) = 100
            ttr: Duration::lognormal(5.0, 1.0).unwrap(), // mean 5 e^0.5 = 8.24
            horizon: 20.0,
            up_residual_survives_horizon: 1.0 - eq::weibull_half(50.0, 20.0),
        },
        Case {
            name: "lognormal/weibull(2)",
            ttf: Duration::lognormal(60.0, 0.8).unwrap(), // mean 60 e^0.32 = 82.6
            ttr: Duration::weibull(2.0, 10.0).unwrap(),   // mean 10 sqrt(pi)/2 = 8.86
            horizon: 30.0,
            up_residual_survives_horizon: 1.0 - eq::lognormal(60.0, 0.8, 30.0),
        },
        Case {
            name: "fixed/fixed",
            ttf: fixed(100.0),
            ttr: fixed(20.0),
            horizon: 50.0,
            up_residual_survives_horizon: 1.0 - eq::fixed(100.0, 50.0),
        },
        Case {
            name: "gamma(2)/uniform",
            ttf: Duration::gamma(2.0, 50.0).unwrap(), // mean 100
            ttr: Duration::uniform(2.0, 30.0).unwrap(), // mean 16
            horizon: 40.0,
            up_residual_survives_horizon: 1.0 - eq::gamma_two(50.0, 40.0),
        },
        Case {
            name: "uniform/gamma(0.5)",
            ttf: Duration::uniform(50.0, 150.0).unwrap(), // mean 100
            ttr: Duration::gamma(0.5, 24.0).unwrap(),     // mean 12
            horizon: 30.0,
            up_residual_survives_horizon: 1.0 - eq::uniform(50.0, 150.0, 30.0),
        },
        Case {
            name: "empirical/empirical",
            ttf: Duration::empirical(emp_up.to_vec()).unwrap(), // mean 100
            ttr: Duration::empirical(vec![1.0, 2.0, 3.0, 30.0]).unwrap(), // mean 9
            horizon: 20.0,
            up_residual_survives_horizon: 1.0 - eq::empirical(&emp_up, 20.0),
        },
        // Repairs longer than the horizon: the down state's residual decides.
        Case {
            name: "weibull(0.5)/uniform long repair",
            ttf: Duration::weibull(0.5, 50.0).unwrap(), // mean 100
            ttr: Duration::uniform(20.0, 100.0).unwrap(), // mean 60
            horizon: 10.0,
            up_residual_survives_horizon: 1.0 - eq::weibull_half(50.0, 10.0),
        },
        Case {
            name: "lognormal/lognormal heavy repair",
            ttf: Duration::lognormal(30.0, 1.0).unwrap(), // mean 49.5
            ttr: Duration::lognormal(2.0, 1.5).unwrap(),  // mean 6.16
            horizon: 5.0,
            up_residual_survives_horizon: 1.0 - eq::lognormal(30.0, 1.0, 5.0),
        },
        Case {
            name: "exponential/fixed",
            ttf: exp(100.0),
            ttr: fixed(10.0),
            horizon: 25.0,
            up_residual_survives_horizon: 1.0 - eq::exponential(100.0, 25.0),
        },
    ];
    for (i, c) in cases.into_iter().enumerate() {
        let (eu, ed) = (c.ttf.mean(), c.ttr.mean());
        assert!(
            c.horizon < eu,
            "{}: horizon must be shorter than a cycle",
            c.name
        );
        let study = Study::new(settings(n, c.horizon, 100 + i as u64, Start::SteadyState))
            .region(region("r"))
            .zone(zone("z", "r", c.ttf, c.ttr))
            .deployment(Deployment::new(c.name, &["z"], Rule::AtLeast(1)));
        let sim = Simulation::new(&study).unwrap();
        let r = sim.run(&RunOptions::default()).unwrap();
        let d = &r.deployments[0];
        let a = eu / (eu + ed);
        check_mean_availability(&r, c.name, a);
        let p_none = a * c.up_residual_survives_horizon;
        assert_within(
            &format!("{}: P(no outage)", c.name),
            d.outages.p_none,
            p_none,
            binom_se(p_none, n),
            K,
        );
        let outages: Vec<f64> = per_trial(&sim, n)
            .iter()
            .map(|o| o[0].outages as f64)
            .collect();
        let (m, v) = mean_var(&outages);
        assert_eq!(m, d.outages.mean, "{}: summary vs per-trial", c.name);
        assert_within(
            &format!("{}: mean outages", c.name),
            m,
            (1.0 - a) + c.horizon / (eu + ed),
            (v / n as f64).sqrt(),
            K,
        );
    }
}

/// One exponential zone from an all-up start (the transient of the same
/// Markov chain): P(up at t) = A + (1 - A) e^(-rt), r = 1/m_u + 1/m_d, so
/// - E[downtime] = (1 - A) (T - (1 - e^(-rT)) / r);
/// - P(no outage) = e^(-T/m_u) (no failure before T);
/// - E[outages] = E[failures in [0, T]] = (1/m_u) int_0^T P(up at t) dt
///   = (A T + (1 - A)(1 - e^(-rT)) / r) / m_u.
#[test]
fn one_exponential_zone_all_up_transient() {
    let (mu, md, t) = (100.0, 20.0, 200.0);
    let n = 200_000u64;
    let study = Study::new(settings(n, t, 21, Start::AllUp))
        .region(region("r"))
        .zone(zone("z", "r", exp(mu), exp(md)))
        .deployment(Deployment::new("all-up", &["z"], Rule::AtLeast(1)));
    let sim = Simulation::new(&study).unwrap();
    let r = sim.run(&RunOptions::default()).unwrap();
    let d = &r.deployments[0];
    let a = mu / (mu + md);
    let rate = 1.0 / mu + 1.0 / md;
    let settle = (1.0 - (-rate * t).exp()) / rate;
    let mean_down = (1.0 - a) * (t - settle);
    // SE = std / sqrt(n) ~ 3.1e-4 in availability.
    check_mean_availability(&r, "all-up", 1.0 - mean_down / t);
    let p_none = (-t / mu).exp();
    assert_within(
        "all-up: P(no outage)",
        d.outages.p_none,
        p_none,
        binom_se(p_none, n),
        K,
    );
    let outages: Vec<f64> = per_trial(&sim, n)
        .iter()
        .map(|o| o[0].outages as f64)
        .collect();
    let (m, v) = mean_var(&outages);
    assert_within(
        "all-up: mean outages",
        m,
        (a * t + (1.0 - a) * settle) / mu,
        (v / n as f64).sqrt(),
        K,
    );
}

/// Replica failures: each replica also fails on its own (exponential, A_r =
/// 10/11), independently of its zone (A_z = 10/11) and of the other
/// replicas, so a replica is live with probability A_z A_r, and replicas in
/// one zone share the zone's state. Steady-state start.
///
/// Active-passive with failover 0 is up exactly when some replica is live
/// (the first live one serves at once), so it is "at least 1"; checked both
/// in the mean and trial by trial.
#[test]
fn replica_failures_product_form() {
    let n = 100_000u64;
    let (az, ar) = (100.0 / 110.0, 50.0 / 55.0);
    let rep = OutageProcess::new(exp(50.0), exp(5.0));
    let mut study = Study::new(settings(n, 100.0, 22, Start::SteadyState)).region(region("r"));
    for z in ["a", "b", "c"] {
        study = study.zone(zone(z, "r", exp(100.0), exp(10.0)));
    }
    let with_rep = |name: &str, replicas: &[&str], rule: Rule| {
        Deployment::new(name, replicas, rule).with_replica_failures(rep.clone())
    };
    let ap0 = Rule::active_passive(0.0);
    let study = study
        .deployment(with_rep("a", &["a"], Rule::AtLeast(1)))
        .deployment(with_rep("2of3", &["a", "b", "c"], Rule::AtLeast(2)))
        .deployment(with_rep("1of(a,a)", &["a", "a"], Rule::AtLeast(1)))
        .deployment(with_rep(
            "zones2(a,a,b,b)",
            &["a", "a", "b", "b"],
            Rule::ZonesUp(2),
        ))
        .deployment(with_rep("ap0(a,b,c)", &["a", "b", "c"], ap0.clone()))
        .deployment(Deployment::new("ap0 no replicas", &["a", "b", "c"], ap0))
        .deployment(Deployment::new(
            "1of3 no replicas",
            &["a", "b", "c"],
            Rule::AtLeast(1),
        ))
        .deployment(Deployment::new("a no replicas", &["a"], Rule::AtLeast(1)));
    let sim = Simulation::new(&study).unwrap();
    let r = sim.run(&RunOptions::default()).unwrap();
    let live = az * ar;
    check_mean_availability(&r, "a", live);
    check_mean_availability(&r, "2of3", binom_at_least(2, 3, live));
    check_mean_availability(&r, "1of(a,a)", az * (1.0 - (1.0 - ar).powi(2)));
    let zone_has_live = az * (1.0 - (1.0 - ar).powi(2));
    check_mean_availability(&r, "zones2(a,a,b,b)", zone_has_live * zone_has_live);
    check_mean_availability(&r, "ap0(a,b,c)", binom_at_least(1, 3, live));
    check_mean_availability(&r, "ap0 no replicas", binom_at_least(1, 3, az));
    // Zone availability is unaffected by replica failures: A_z for each zone,
    // with the SE of a one-replica deployment in a zone (same distribution).
    let se = summary(&r, "a no replicas").availability.std / (n as f64).sqrt();
    for z in &r.zones {
        assert_within(&format!("zone {}", z.id), z.mean_availability, az, se, K);
    }
    for t in per_trial(&sim, 20_000) {
        let (ap, one) = (&t[5], &t[6]);
        assert_eq!(ap.outages, one.outages, "ap0 vs 1 of 3: outages");
        assert_close(
            "ap0 vs 1 of 3: downtime",
            ap.downtime_hours,
            one.downtime_hours,
            1e-12,
        );
        assert_close(
            "ap0 vs 1 of 3: longest",
            ap.longest_hours,
            one.longest_hours,
            1e-12,
        );
    }
}
