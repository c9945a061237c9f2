use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

use super::families::log_likelihood;
use super::*;

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + b.abs())
}

/// One complete duration and one censored at 3 h, with the log-likelihood
/// worked by hand (f at the complete one times S at the censored one).
#[test]
fn censored_log_likelihoods_match_hand_computation() {
    let obs = |x: f64| [Observation::observed(x), Observation::censored(3.0)];
    // Exponential mean 2: ln(1/2 e^{-1/2}) - 3/2.
    let e = log_likelihood(Family::Exponential, &[2.0], &obs(1.0));
    assert!(close(e, -(2f64.ln()) - 0.5 - 1.5, 1e-14), "{e}");
    // Weibull k = 2, lambda = 2: ln(k/l (x/l)^(k-1)) - (x/l)^k - (3/l)^k.
    let w = log_likelihood(Family::Weibull, &[2.0, 2.0], &obs(1.0));
    assert!(close(w, -3.193_147_180_559_945_4, 1e-14), "{w}");
    // Lognormal median 2, sigma 1: ln phi(0)/2 + ln(1 - Phi(ln 1.5)).
    let l = log_likelihood(Family::Lognormal, &[2.0, 1.0], &obs(2.0));
    assert!(close(l, -2.683_371_309_354_036_3, 1e-13), "{l}");
    // Gamma shape 2, scale 1: f(1) = e^-1, S(3) = 4 e^-3 (shape 2 in closed form).
    let g = log_likelihood(Family::Gamma, &[2.0, 1.0], &obs(1.0));
    assert!(close(g, -4.0 + 4f64.ln(), 1e-13), "{g}");
}

#[test]
fn exponential_mle_is_total_time_over_complete_durations() {
    let obs = [
        Observation::observed(2.0),
        Observation::censored(10.0),
        Observation::observed(4.0),
        Observation::censored(1.0),
    ];
    let f = fit(Family::Exponential, &obs).unwrap();
    assert_eq!(f.params[0].value, 17.0 / 2.0);
    assert!(close(f.params[0].se, 8.5 / 2f64.sqrt(), 1e-14));
    assert_eq!((f.observed, f.censored), (2, 2));
    assert!(close(f.log_likelihood, -2.0 * 8.5f64.ln() - 2.0, 1e-14));
    assert!(close(f.aic, 2.0 - 2.0 * f.log_likelihood, 1e-14));
}

#[test]
fn uncensored_lognormal_matches_its_closed_form() {
    let xs = [0.5, 1.0, 2.0, 3.5, 8.0, 13.0, 40.0];
    let obs: Vec<Observation> = xs.iter().map(|&x| Observation::observed(x)).collect();
    let f = fit(Family::Lognormal, &obs).unwrap();
    let n = xs.len() as f64;
    let mu = xs.iter().map(|x| x.ln()).sum::<f64>() / n;
    let sigma = (xs.iter().map(|x| (x.ln() - mu).powi(2)).sum::<f64>() / n).sqrt();
    assert!(close(f.params[0].value, mu.exp(), 1e-7), "{:?}", f.params);
    assert!(close(f.params[1].value, sigma, 1e-7), "{:?}", f.params);
    // Observed information of (mu, ln sigma) for a normal sample: n / sigma^2
    // and 2n, uncorrelated; so se(median) = median sigma / sqrt n and
    // se(sigma) = sigma / sqrt(2n).
    assert!(close(f.params[0].se, mu.exp() * sigma / n.sqrt(), 1e-4));
    assert!(close(f.params[1].se, sigma / (2.0 * n).sqrt(), 1e-4));
}

/// The score equations hold at the fitted point: for a censored Weibull,
/// `lambda^k = sum x^k / d` and
/// `d / k + sum_obs ln x - sum x^k ln x / lambda^k = 0`.
#[test]
fn censored_weibull_solves_its_score_equations() {
    let obs = [
        Observation::observed(0.7),
        Observation::observed(2.0),
        Observation::censored(2.5),
        Observation::observed(4.1),
        Observation::censored(6.0),
        Observation::observed(9.0),
    ];
    let f = fit(Family::Weibull, &obs).unwrap();
    let (k, lam) = (f.params[0].value, f.params[1].value);
    let d = obs.iter().filter(|o| !o.censored).count() as f64;
    let sk: f64 = obs.iter().map(|o| o.time.powf(k)).sum();
    assert!(close(lam.powf(k), sk / d, 1e-7), "{k} {lam}");
    let score = d / k
        + obs
            .iter()
            .filter(|o| !o.censored)
            .map(|o| o.time.ln())
            .sum::<f64>()
        - obs
            .iter()
            .map(|o| o.time.powf(k) * o.time.ln())
            .sum::<f64>()
            / lam.powf(k);
    assert!(score.abs() < 1e-6, "{score}");
}

/// For the censored lognormal and gamma the gradient of the log-likelihood
/// vanishes at the fit (central differences on each parameter).
#[test]
fn censored_lognormal_and_gamma_fits_are_stationary() {
    let obs = [
        Observation::observed(1.0),
        Observation::observed(1.7),
        Observation::censored(2.0),
        Observation::observed(3.0),
        Observation::observed(5.5),
        Observation::censored(8.0),
        Observation::observed(12.0),
    ];
    for family in [Family::Lognormal, Family::Gamma, Family::Weibull] {
        let f = fit(family, &obs).unwrap();
        let theta: Vec<f64> = f.params.iter().map(|p| p.value).collect();
        for i in 0..2 {
            let h = 1e-6 * theta[i];
            let mut up = theta.clone();
            up[i] += h;
            let mut down = theta.clone();
            down[i] -= h;
            let g = (log_likelihood(family, &up, &obs) - log_likelihood(family, &down, &obs))
                / (2.0 * h)
                * theta[i];
            assert!(g.abs() < 1e-5, "{family:?} parameter {i}: {g}");
        }
    }
}

#[test]
fn kaplan_meier_by_hand() {
    let obs = [
        Observation::observed(1.0),
        Observation::censored(2.0),
        Observation::observed(3.0),
        Observation::observed(3.0),
        Observation::censored(3.0),
        Observation::censored(4.0),
    ];
    let km = kaplan_meier(&obs);
    assert_eq!(km.len(), 2);
    assert_eq!(km[0], (1.0, 5.0 / 6.0));
    // At 3 h: 4 at risk (the censored 3 h included), 2 failures.
    assert!(close(km[1].1, 5.0 / 6.0 * 0.5, 1e-15));
}

/// Samples from zonesim's own samplers, censored at a fixed time (type I),
/// refitted: each parameter within 3 standard errors of the truth, and the
/// true family wins on AIC against the exponential.
#[test]
fn recovers_known_parameters_from_zonesims_samplers() {
    let truths = [
        (
            Family::Exponential,
            Duration::exponential(5.0).unwrap(),
            vec![5.0],
            8.0,
        ),
        (
            Family::Weibull,
            Duration::weibull(0.7, 1000.0).unwrap(),
            vec![0.7, 1000.0],
            3000.0,
        ),
        (
            Family::Lognormal,
            Duration::lognormal(2.0, 1.5).unwrap(),
            vec![2.0, 1.5],
            20.0,
        ),
        (
            Family::Gamma,
            Duration::gamma(3.0, 2.0).unwrap(),
            vec![3.0, 2.0],
            9.0,
        ),
    ];
    for (seed, (family, truth, params, cutoff)) in truths.into_iter().enumerate() {
        let sampler = truth.sampler();
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(100 + seed as u64);
        let obs: Vec<Observation> = (0..1500)
            .map(|_| {
                let x = sampler.sample(&mut rng);
                if x > cutoff {
                    Observation::censored(cutoff)
                } else {
                    Observation::observed(x)
                }
            })
            .collect();
        let censored = obs.iter().filter(|o| o.censored).count();
        assert!(
            censored > 50,
            "{family:?}: the test should censor, {censored}"
        );
        let f = fit(family, &obs).unwrap();
        for (p, t) in f.params.iter().zip(&params) {
            assert!(
                (p.value - t).abs() < 3.0 * p.se,
                "{family:?} {}: {} +- {} vs {t}",
                p.name,
                p.value,
                p.se
            );
            assert!(p.ci95[0] < p.value && p.value < p.ci95[1]);
        }
        assert!(f.ks < 0.05, "{family:?}: KS {}", f.ks);
        if family != Family::Exponential {
            let e = fit(Family::Exponential, &obs).unwrap();
            assert!(
                f.aic < e.aic,
                "{family:?}: {} vs exponential {}",
                f.aic,
                e.aic
            );
        }
    }
}

#[test]
fn too_few_and_bad_durations_are_refused() {
    let one = [Observation::observed(1.0), Observation::censored(5.0)];
    assert!(fit(Family::Exponential, &one).is_ok());
    let e = fit(Family::Weibull, &one).unwrap_err();
    assert!(
        matches!(
            e,
            FitError::TooFew {
                needed: 2,
                got: 1,
                ..
            }
        ),
        "{e}"
    );
    let none = [Observation::censored(100.0)];
    let e = fit(Family::Exponential, &none).unwrap_err();
    assert!(e.to_string().contains("lower bound"), "{e}");
    let e = fit(Family::Exponential, &[Observation::observed(f64::NAN)]).unwrap_err();
    assert!(matches!(e, FitError::BadTime { index: 0, .. }));
    let (fits, errors) = fit_all(&one);
    assert_eq!((fits.len(), errors.len()), (1, 3));
}

fn read(text: &str, window: Window) -> Result<IncidentLog, FitError> {
    IncidentLog::from_reader(text.as_bytes(), "log.csv", &window)
}

#[test]
fn bad_rows_are_reported_with_their_line_and_column() {
    let w = Window::Hours(1000.0);
    let cases = [
        (
            "zone,start,end\na,1,2\na,x,4\n",
            "log.csv:3: start: expected hours",
        ),
        (
            "zone,start,end\n# a comment\na,5,4\n",
            "log.csv:3: end: \"4\" is not after",
        ),
        (
            "zone,start,end\na,5,2000\n",
            "log.csv:2: end: \"2000\" lies outside",
        ),
        (
            "zone,start,end\na,-1,2\n",
            "log.csv:2: start: \"-1\" lies outside",
        ),
        (
            "zone,start,end\na,1,10\nb,1,2\na,5,20\n",
            "log.csv:4: start: overlaps",
        ),
        (
            "zone,start,end\na,1,\na,5,20\n",
            "log.csv:3: start: zone \"a\" has an outage still open from line 2",
        ),
        ("zone,start,end\n,1,2\n", "log.csv:2: zone: is empty"),
        ("zone,start,end\na,1,2,9\n", "log.csv:2: row:"),
        (
            "id,start,end\na,1,2\n",
            "log.csv: the header must name a `zone`",
        ),
        ("zone,region,start,end\n", "log.csv: the header names both"),
        (
            "zone,begin,end\n",
            "log.csv: the header must name `start` and `end`",
        ),
    ];
    for (text, want) in cases {
        let e = read(text, w).unwrap_err().to_string();
        assert!(e.starts_with(want), "{text:?}: {e}");
    }
    let times = Window::parse_times("2025-01-01T00:00:00Z..2025-02-01T00:00:00Z").unwrap();
    let e = read(
        "region,start,end\nr,2025-01-03,2025-01-04T00:00:00Z\n",
        times,
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("log.csv:2: start: \"2025-01-03\" is not an RFC 3339 time"),
        "{e}"
    );
    assert!(read("zone,start,end\n", Window::Hours(0.0)).is_err());
}

/// Times become hours since the window's start; the last up time and an
/// outage open at the end are censored at the window's end.
#[test]
fn a_log_becomes_exactly_these_observations() {
    let times = Window::parse_times("2025-01-01T00:00:00Z..2025-01-11T00:00:00Z").unwrap();
    let text = "region,start,end,note\n\
                r,2025-01-02T00:00:00Z,2025-01-02T06:00:00+00:00,x\n\
                r,2025-01-05T00:00:00Z,2025-01-05T01:30:00Z,\n\
                s,2025-01-10T12:00:00Z,,still down\n";
    let log = read(text, times).unwrap();
    assert_eq!(log.subject, Subject::Region);
    assert_eq!(log.window_hours, 240.0);
    let o = log.observations(&["quiet".to_string()]);
    assert_eq!(o.ids, ["r", "s", "quiet"]);
    let obs = Observation::observed;
    let cen = Observation::censored;
    assert_eq!(
        o.time_to_failure,
        [
            obs(24.0),
            obs(66.0),
            cen(240.0 - 97.5),
            obs(228.0),
            cen(240.0)
        ]
    );
    assert_eq!(o.time_to_repair, [obs(6.0), obs(1.5), cen(12.0)]);
}
