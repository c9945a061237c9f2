//! Paired comparison, planner and pictures, checked against exact values.
//!
//! Tolerances are at least 4 standard errors of the estimate, with fixed
//! seeds, so these tests are deterministic and fail with a wrong engine or a
//! wrong planner.
// Expected values may use `std`'s elementary functions; the library's
// figures use `libm`'s (clippy.toml, issue 16).
#![allow(clippy::disallowed_methods)]

use zonesim::catalog;
use zonesim::engine::RunOptions;
use zonesim::plan::{Placement, PlanResult, PlanSpec, PlanTarget, plan};

mod issue17;
use zonesim::prelude::*;

const T: f64 = 8760.0;

fn exp(mean: f64) -> Duration {
    Duration::exponential(mean).unwrap()
}

fn fixed(v: f64) -> Duration {
    Duration::fixed(v).unwrap()
}

fn region(id: &str, country: &str) -> Region {
    Region::new(id, id, "test", country)
}

fn zone(id: &str, region: &str, ttf: Duration, ttr: Duration) -> Zone {
    Zone::new(id, region, ttf, ttr)
}

fn opts(threads: usize) -> RunOptions<'static> {
    RunOptions::new().threads(threads)
}

// ---------------------------------------------------------------------------
// (a) Paired comparison
// ---------------------------------------------------------------------------

/// Zone a: up exp(1000 h), down exp(10 h); zone b: up exp(2000 h), down
/// fixed 20 h; steady-state start. Baseline: one replica in a. Against it:
/// a pair in a and b (down only when both are), and a service needing both
/// (down when either is). By stationarity and independence:
/// E[pair - single] = -T (1 - A_a) A_b and E[both - single] = T A_a (1 - A_b).
#[test]
fn paired_difference_matches_exact_mean_and_is_narrower_than_unpaired() {
    let (aa, ab) = (1000.0 / 1010.0, 2000.0 / 2020.0);
    let study = Study::new(Settings::new(40_000, T))
        .region(region("r", "FR"))
        .zone(zone("a", "r", exp(1000.0), exp(10.0)))
        .zone(zone("b", "r", exp(2000.0), fixed(20.0)))
        .deployment(Deployment::new("single", &["a"], Rule::AtLeast(1)))
        .deployment(Deployment::new("pair", &["a", "b"], Rule::AtLeast(1)))
        .deployment(Deployment::new("both", &["a", "b"], Rule::AtLeast(2)));
    let r = Simulation::new(&study).unwrap().run(&opts(2)).unwrap();
    let n = r.trials as f64;
    assert_eq!(r.comparison.baseline, "single");
    // "both" shares all of the baseline's outages, so pairing must pay off;
    // "pair" is down only inside the baseline's outages (positively
    // correlated, but its own variance is tiny), so the gain is small.
    let exact = [
        ("pair", -T * (1.0 - aa) * ab * 60.0, 1.0),
        ("both", T * aa * (1.0 - ab) * 60.0, 2.0),
    ];
    let base_std = r.deployments[0].downtime_minutes.std;
    for (i, (name, want, min_vr)) in exact.into_iter().enumerate() {
        let c = &r.comparison.against[i];
        assert_eq!(c.name, name);
        let d = &c.downtime_minutes_diff;
        let half = (d.ci95[1] - d.ci95[0]) / 2.0;
        let se = half / 1.959_963_984_540_054;
        assert!(se > 0.0);
        assert!(
            (d.mean - want).abs() <= 4.0 * se,
            "{name}: paired mean {} vs exact {want} (SE {se})",
            d.mean
        );
        // The interval is centred on the mean.
        assert!(((d.ci95[0] + d.ci95[1]) / 2.0 - d.mean).abs() < 1e-9 * d.mean.abs().max(1.0));
        // The unpaired interval from the two standard deviations.
        let other_std = r.deployments[i + 1].downtime_minutes.std;
        let unpaired_half =
            1.959_963_984_540_054 * ((base_std.powi(2) + other_std.powi(2)) / n).sqrt();
        let vr = c.variance_reduction.expect("the difference varies");
        println!(
            "{name}: diff {:.1} min, exact {want:.1}; paired half-width {half:.2}, unpaired {unpaired_half:.2}, variance reduction {vr:.2}",
            d.mean
        );
        assert!(vr > min_vr, "{name}: variance reduction {vr}");
        assert!(half < unpaired_half, "{name}: {half} vs {unpaired_half}");
        // The two views agree: (unpaired / paired)^2 is the variance reduction.
        assert!(((unpaired_half / half).powi(2) / vr - 1.0).abs() < 1e-6);
    }
    // The pair is never worse than its own first zone; needing both is never better.
    assert_eq!(r.comparison.against[0].p_more_downtime, 0.0);
    assert_eq!(r.comparison.against[1].p_less_downtime, 0.0);
    assert!(r.comparison.against[0].p_less_downtime > 0.5);
}

/// Fixed durations, steady-state start: zone a up 100 h, down 10 h; zone b up
/// 50 h, down 5 h (both available 10/11), phases independent and uniform.
/// The pair (either zone) against a alone: E[diff] = -T (1/11)(10/11).
#[test]
fn paired_difference_exact_with_fixed_durations() {
    let study = Study::new(Settings::new(20_000, 1000.0))
        .region(region("r", "FR"))
        .zone(zone("a", "r", fixed(100.0), fixed(10.0)))
        .zone(zone("b", "r", fixed(50.0), fixed(5.0)))
        .deployment(Deployment::new("single", &["a"], Rule::AtLeast(1)))
        .deployment(Deployment::new("pair", &["a", "b"], Rule::AtLeast(1)));
    let r = Simulation::new(&study).unwrap().run(&opts(2)).unwrap();
    let c = &r.comparison.against[0];
    let d = &c.downtime_minutes_diff;
    let want: f64 = -1000.0 * (1.0 / 11.0) * (10.0 / 11.0) * 60.0;
    let se = (d.ci95[1] - d.ci95[0]) / 2.0 / 1.959_963_984_540_054;
    assert!(se > 0.0 && se < 0.01 * want.abs(), "SE {se}");
    assert!(
        (d.mean - want).abs() <= 4.0 * se,
        "paired mean {} vs exact {want} (SE {se})",
        d.mean
    );
    assert_eq!(c.p_more_downtime, 0.0);
    // Over 1000 h each zone fails about 9 times (a) or 18 times (b): some
    // overlap of a's outages with b's up time is certain.
    assert_eq!(c.p_less_downtime, 1.0);
    // a alone loses ~90.9 h every trial (a deterministic pattern with a random
    // phase), so its downtime barely varies while the difference does: the
    // reduction is large only when the shared part dominates. Check the
    // definition instead: (Var X + Var Y) / Var(X - Y).
    let n = r.trials as f64;
    let sx = r.deployments[0].downtime_minutes.std;
    let sy = r.deployments[1].downtime_minutes.std;
    let var_diff = (se * n.sqrt()).powi(2);
    let vr = c.variance_reduction.unwrap();
    println!(
        "fixed: diff {:.2} min, exact {want:.2}, SE {se:.3}; std single {sx:.1}, pair {sy:.1}, variance reduction {vr:.3}",
        d.mean
    );
    assert!(((sx * sx + sy * sy) / var_diff / vr - 1.0).abs() < 1e-6);
}

/// Fixed durations from an all-up start are deterministic: a is down
/// [110k - 10, 110k] and b [55j - 5, 55j] within 1000 h, so a alone loses
/// 9 x 10 = 90 h and the pair loses only the overlaps [110k - 5, 110k],
/// 9 x 5 = 45 h. The paired difference is exactly -45 h in every trial.
#[test]
fn paired_difference_is_exact_on_a_deterministic_timeline() {
    let mut s = Settings::new(3_000, 1000.0);
    s.start = Start::AllUp;
    let study = Study::new(s)
        .region(region("r", "FR"))
        .zone(zone("a", "r", fixed(100.0), fixed(10.0)))
        .zone(zone("b", "r", fixed(50.0), fixed(5.0)))
        .deployment(Deployment::new("single", &["a"], Rule::AtLeast(1)))
        .deployment(Deployment::new("pair", &["a", "b"], Rule::AtLeast(1)));
    let r = Simulation::new(&study).unwrap().run(&opts(2)).unwrap();
    assert_eq!(r.deployments[0].downtime_minutes.mean, 90.0 * 60.0);
    assert_eq!(r.deployments[1].downtime_minutes.mean, 45.0 * 60.0);
    let c = &r.comparison.against[0];
    assert_eq!(c.downtime_minutes_diff.mean, -45.0 * 60.0);
    assert_eq!(c.downtime_minutes_diff.ci95, [-2700.0, -2700.0]);
    assert_eq!((c.p_less_downtime, c.p_more_downtime), (1.0, 0.0));
    assert_eq!(c.variance_reduction, None);
}

// ---------------------------------------------------------------------------
// (b) Planner on a hand-checkable study
// ---------------------------------------------------------------------------

const ALPHA: f64 = 0.99;
/// P(zone fails before alpha * T) for zones a, b, c.
const P_FAIL: [f64; 3] = [0.25, 0.12, 0.35];

/// Three independent zones that start up, fail once after an exponential time
/// and stay down past the horizon (repair fixed at 10 T). With `at_least(1)`
/// a placement meets availability `ALPHA` iff not every zone it uses has
/// failed before `ALPHA * T`: P(meet) = 1 - prod p_i over its distinct zones.
fn one_shot_study(trials: u64) -> Study {
    let mut s = Settings::new(trials, T);
    s.start = Start::AllUp;
    s.seed = 7;
    let mut study = Study::new(s).region(region("r", "FR"));
    for (id, p) in ["a", "b", "c"].into_iter().zip(P_FAIL) {
        let mean = -ALPHA * T / (1.0 - p).ln();
        study = study.zone(zone(id, "r", exp(mean), fixed(10.0 * T)));
    }
    study
}

fn one_shot_spec(fraction: f64) -> PlanSpec {
    PlanSpec::new(Rule::AtLeast(1), 3, PlanTarget::new(ALPHA, fraction))
        .with_replica_cost("b", 2.0)
        .with_replica_cost("c", 0.8)
}

/// Exact P(meet) of an `at_least(k)` placement in the one-failure model: sum
/// over which zones fail before `ALPHA * T` (independently, zone i with
/// probability `p[i]`) of the chance, when the replicas left are >= k.
fn exact_at_least(replicas: &[String], zones: &[&str], p: &[f64], k: usize) -> f64 {
    let count = |i: usize| replicas.iter().filter(|z| *z == zones[i]).count();
    (0u32..1 << zones.len())
        .map(|failed| {
            let mut prob = 1.0;
            let mut live = 0;
            for (i, &pi) in p.iter().enumerate() {
                if failed >> i & 1 == 1 {
                    prob *= pi;
                } else {
                    prob *= 1.0 - pi;
                    live += count(i);
                }
            }
            if live >= k { prob } else { 0.0 }
        })
        .sum()
}

/// For `at_least(1)` the sum collapses to 1 - prod p_i over the distinct
/// zones used; check both forms agree.
fn exact_p_meets(replicas: &[String]) -> f64 {
    let mut distinct: Vec<usize> = replicas
        .iter()
        .map(|z| ["a", "b", "c"].iter().position(|x| x == z).unwrap())
        .collect();
    distinct.dedup();
    let product_form = 1.0 - distinct.iter().map(|&i| P_FAIL[i]).product::<f64>();
    let general = exact_at_least(replicas, &["a", "b", "c"], &P_FAIL, 1);
    assert!((product_form - general).abs() < 1e-12);
    product_form
}

fn names(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn planner_finds_the_binomial_optimum() {
    let trials = 50_000;
    let study = one_shot_study(trials);
    let r = plan(&study, &one_shot_spec(0.9), &opts(2)).unwrap();
    // 3 + 6 + 10 multisets of 1..=3 replicas over 3 zones.
    assert_eq!(r.candidates_judged, 19);
    assert_eq!(r.candidates.len(), 19);
    assert_eq!(r.trials, trials);
    // Every candidate's P(meet) agrees with the exact value within 4 SE, and
    // its Wilson interval brackets the estimate.
    for c in &r.candidates {
        let p = exact_p_meets(&c.replicas);
        let se = (p * (1.0 - p) / trials as f64).sqrt();
        assert!(
            (c.p_meets - p).abs() <= 4.0 * se,
            "{:?}: {} vs exact {p}",
            c.replicas,
            c.p_meets
        );
        assert!(c.p_meets_ci95[0] <= c.p_meets && c.p_meets <= c.p_meets_ci95[1]);
        assert_eq!(c.qualifies, c.p_meets_ci95[0] >= 0.9);
    }
    // Single zones: availability is 1 - E[(T - F)^+] / T, F ~ exp(mean m).
    for c in r.candidates.iter().filter(|c| c.replicas.len() == 1) {
        let i = ["a", "b", "c"]
            .iter()
            .position(|x| *x == c.replicas[0])
            .unwrap();
        let m = -ALPHA * T / (1.0 - P_FAIL[i]).ln();
        let e1 = T - m * (1.0 - (-T / m).exp());
        let e2 = T * T - 2.0 * T * m + 2.0 * m * m * (1.0 - (-T / m).exp());
        let se = (e2 - e1 * e1).sqrt() / T / (trials as f64).sqrt();
        let want = 1.0 - e1 / T;
        assert!(
            (c.availability_mean - want).abs() <= 4.0 * se,
            "{:?}: mean availability {} vs exact {want}",
            c.replicas,
            c.availability_mean
        );
    }
    // Hand-checked: costs a 1, b 2, c 0.8; P(meet) {c} .65, {a} .75, {b} .88,
    // {a,c} .9125, {b,c} .958, {a,b} .97, {a,b,c} .9895. The cheapest set whose
    // P(meet) clears 0.9 with room for its interval is {a, c} at 1.8.
    let best = r.best.as_ref().expect("a placement qualifies");
    assert_eq!(best.replicas, names(&["a", "c"]));
    assert_eq!(best.cost, 1.8);
    assert!(r.closest.is_none());
    // The frontier: each step buys a strictly higher P(meet).
    let frontier: Vec<Vec<String>> = r.frontier.iter().map(|p| p.replicas.clone()).collect();
    assert_eq!(
        frontier,
        vec![
            names(&["c"]),
            names(&["a"]),
            names(&["a", "c"]),
            names(&["b", "c"]),
            names(&["a", "b"]),
            names(&["a", "b", "c"]),
        ]
    );
    let costs: Vec<f64> = r.frontier.iter().map(|p| p.cost).collect();
    assert_eq!(costs, vec![0.8, 1.0, 1.8, 2.8, 3.0, 3.8]);
}

/// k of n: four identical zones, each failing before `ALPHA * T` with
/// probability 0.3, `at_least(2)`. n distinct zones meet the target with the
/// binomial P(at most n - 2 fail): 0.49 (n = 2), 0.784 (3), 0.9163 (4). Only
/// the four distinct zones clear 90%; doubling up a zone (2+1+1) gives
/// 0.7 + 0.3 * 0.49 = 0.847.
#[test]
fn planner_matches_the_binomial_k_of_n() {
    let trials = 50_000;
    let p = 0.3;
    let mut s = Settings::new(trials, T);
    s.start = Start::AllUp;
    s.seed = 99;
    let mut study = Study::new(s).region(region("r", "DE"));
    let zones = ["a", "b", "c", "d"];
    for id in zones {
        study = study.zone(zone(
            id,
            "r",
            exp(-ALPHA * T / (1.0f64 - p).ln()),
            fixed(10.0 * T),
        ));
    }
    let spec = PlanSpec::new(Rule::AtLeast(2), 4, one_shot_spec(0.9).target);
    let r = plan(&study, &spec, &opts(2)).unwrap();
    // Multisets of 2, 3 and 4 replicas over 4 zones: 10 + 20 + 35.
    assert_eq!(r.candidates_judged, 65);
    let binomial = |n: i32| {
        // P(Bin(n, p) <= n - 2) = 1 - P(n - 1 fail) - P(n fail).
        1.0 - n as f64 * p.powi(n - 1) * (1.0 - p) - p.powi(n)
    };
    for c in &r.candidates {
        let want = exact_at_least(&c.replicas, &zones, &[p; 4], 2);
        let mut distinct = c.replicas.clone();
        distinct.dedup();
        if distinct.len() == c.replicas.len() {
            assert!((want - binomial(c.replicas.len() as i32)).abs() < 1e-12);
        }
        let se = (want * (1.0 - want) / trials as f64).sqrt().max(1e-9);
        assert!(
            (c.p_meets - want).abs() <= 4.0 * se,
            "{:?}: {} vs exact {want}",
            c.replicas,
            c.p_meets
        );
    }
    let best = r.best.expect("four distinct zones qualify");
    assert_eq!(best.replicas, names(&zones));
    assert!((binomial(4) - 0.9163).abs() < 1e-12);
}

#[test]
fn planner_reports_the_closest_when_nothing_qualifies() {
    let trials = 50_000;
    let study = one_shot_study(trials);
    // 99.5% of years: the best any placement of <= 3 replicas reaches is
    // {a, b, c} at 1 - .25 * .12 * .35 = 0.9895.
    let r = plan(&study, &one_shot_spec(0.995), &opts(2)).unwrap();
    assert!(r.best.is_none());
    let closest = r.closest.as_ref().expect("closest is reported");
    assert_eq!(closest.replicas, names(&["a", "b", "c"]));
    let p = exact_p_meets(&closest.replicas);
    let se = (p * (1.0 - p) / trials as f64).sqrt();
    assert!((closest.p_meets - p).abs() <= 4.0 * se);
    assert!(closest.p_meets_ci95[1] < 0.995);
    assert!(!closest.qualifies);
    let json = serde_json::to_value(&r).unwrap();
    assert!(json["best"].is_null());
    assert_eq!(
        json["closest"]["replicas"],
        serde_json::json!(["a", "b", "c"])
    );
}

#[test]
fn plan_json_has_the_public_shape() {
    let study = one_shot_study(2_000);
    let r = plan(&study, &one_shot_spec(0.9), &opts(1)).unwrap();
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["target"]["availability"], 0.99);
    assert_eq!(json["target"]["in_fraction_of_years"], 0.9);
    for key in ["best", "closest", "frontier"] {
        assert!(json.get(key).is_some(), "missing {key}");
    }
    let best = &json["best"];
    for key in [
        "replicas",
        "cost",
        "availability_mean",
        "availability_p5",
        "p_meets",
        "p_meets_ci95",
    ] {
        assert!(best.get(key).is_some(), "PLACEMENT lacks {key}");
    }
    assert_eq!(best["p_meets_ci95"].as_array().unwrap().len(), 2);
    assert!(json["frontier"].as_array().unwrap().len() >= 2);
    // Every judged placement is kept for tools but not written out.
    assert!(json.get("candidates").is_none());
    // And it reads back.
    let back: PlanResult = serde_json::from_value(json).unwrap();
    assert_eq!(back.best, r.best);
}

/// A majority of 3 over the two Paris zones is a 2+1 split: losing the zone
/// with two replicas loses the quorum. France-only can give a quorum, but not
/// one spread over three zones.
#[test]
fn france_only_cannot_spread_a_quorum_over_three_zones() {
    let study = catalog::eu_hubs().study(Settings::new(2_000, T).with_seed(11));
    let target = PlanTarget::new(0.9999, 0.9);
    let spec = |countries: Option<Vec<String>>, in_eu, rule| {
        // Alibaba Cloud's hubs: Paris has two zones, Frankfurt three, London two.
        let mut spec = PlanSpec::new(rule, 3, target).with_providers(["alibaba"]);
        spec.countries = countries;
        spec.in_eu = in_eu;
        spec
    };
    let france = Some(vec!["FR".to_string()]);
    // Three distinct live zones needed: impossible with France's two.
    let r = plan(
        &study,
        &spec(france.clone(), None, Rule::ZonesUp(3)),
        &opts(2),
    )
    .unwrap();
    assert_eq!(
        r.candidate_zones,
        names(&["alibaba-fr-par-a", "alibaba-fr-par-b"])
    );
    assert_eq!(r.candidates_judged, 0);
    assert!(r.best.is_none() && r.closest.is_none() && r.frontier.is_empty());
    let why = r.infeasible.as_deref().unwrap();
    assert!(why.contains("2 candidate zones"), "{why}");
    // EU-wide has Frankfurt's three zones too, but not London.
    let eu = plan(&study, &spec(None, Some(true), Rule::ZonesUp(3)), &opts(2)).unwrap();
    assert_eq!(eu.candidate_zones.len(), 5);
    assert!(eu.candidate_zones.iter().all(|z| !z.contains("gb-lon")));
    assert!(eu.infeasible.is_none());
    assert!(eu.candidates.iter().all(|c| {
        let mut d = c.replicas.clone();
        d.dedup();
        d.len() == 3
    }));
    // A majority quorum in France: every 3-replica candidate doubles up a zone.
    let fr = plan(&study, &spec(france, None, Rule::Majority), &opts(2)).unwrap();
    assert!(fr.candidates.iter().all(|c| {
        c.replicas.iter().all(|z| z.starts_with("alibaba-fr-par-"))
            && (c.replicas.len() < 3
                || c.replicas[0] == c.replicas[1]
                || c.replicas[1] == c.replicas[2])
    }));
    assert_eq!(fr.candidates_judged, 2 + 3 + 4);
    // With every provider, France has other three-zone regions: a quorum fits.
    let mut all = spec(Some(vec!["FR".to_string()]), None, Rule::ZonesUp(3));
    all.providers = None;
    all.max_replicas = 3;
    let multi = plan(&study, &all, &opts(2)).unwrap();
    assert!(multi.infeasible.is_none());
    assert!(multi.candidate_zones.len() > 2);
}

// ---------------------------------------------------------------------------
// (c) Determinism
// ---------------------------------------------------------------------------

#[test]
fn plan_is_identical_on_any_number_of_threads() {
    let study = one_shot_study(5_000);
    let spec = one_shot_spec(0.9);
    let one = plan(&study, &spec, &opts(1)).unwrap();
    let three = plan(&study, &spec, &opts(3)).unwrap();
    assert_eq!(one, three);
    assert_eq!(
        serde_json::to_string(&one).unwrap(),
        serde_json::to_string(&three).unwrap()
    );
}

// ---------------------------------------------------------------------------
// (d) Spec validation
// ---------------------------------------------------------------------------

fn plan_problems(study: &Study, spec: &PlanSpec) -> String {
    match plan(study, spec, &opts(1)) {
        Err(e) if matches!(e.kind(), zonesim::ErrorKind::Plan(_)) => e.to_string(),
        Err(other) => panic!("expected a plan error, got {other}"),
        Ok(_) => panic!("expected a plan error"),
    }
}

#[test]
fn bad_specs_are_refused_naming_the_field() {
    let study = one_shot_study(100).region(region("uk", "GB"));
    let good = one_shot_spec(0.9);
    let check = |edit: &dyn Fn(&mut PlanSpec), wants: &[&str]| {
        let mut spec = good.clone();
        edit(&mut spec);
        let msg = plan_problems(&study, &spec);
        for w in wants {
            assert!(msg.contains(w), "{msg:?} lacks {w:?}");
        }
    };
    check(
        &|s| s.candidate_zones = Some(names(&["a", "nope"])),
        &["plan.candidate_zones[1]", "unknown zone \"nope\""],
    );
    check(
        &|s| s.candidate_zones = Some(names(&["a", "a"])),
        &["plan.candidate_zones[1]", "twice"],
    );
    check(
        &|s| s.candidate_zones = Some(vec![]),
        &["plan.candidate_zones", "empty"],
    );
    check(
        &|s| s.countries = Some(names(&["IT"])),
        &["plan.countries[0]", "\"IT\""],
    );
    // GB has a region but no zone: the filter leaves nothing.
    check(
        &|s| s.countries = Some(names(&["GB"])),
        &["plan.countries", "leave no zone"],
    );
    check(&|s| s.in_eu = Some(false), &["plan.in_eu", "leave no zone"]);
    check(&|s| s.max_replicas = 0, &["plan.max_replicas", "got 0"]);
    check(&|s| s.max_replicas = 65, &["plan.max_replicas", "got 65"]);
    check(
        &|s| s.target.availability = 0.0,
        &["plan.target.availability", "(0, 1]"],
    );
    check(
        &|s| s.target.availability = f64::NAN,
        &["plan.target.availability", "NaN"],
    );
    check(
        &|s| s.target.in_fraction_of_years = 1.5,
        &["plan.target.in_fraction_of_years", "1.5"],
    );
    check(
        &|s| {
            s.replica_cost.insert("a".into(), -1.0);
        },
        &["plan.replica_cost.\"a\"", "-1"],
    );
    check(
        &|s| {
            s.replica_cost.insert("default".into(), f64::INFINITY);
        },
        &["plan.replica_cost.\"default\"", "inf"],
    );
    check(
        &|s| {
            s.replica_cost.insert("zz".into(), 1.0);
        },
        &["plan.replica_cost.\"zz\"", "unknown zone"],
    );
    check(&|s| s.rule = Rule::AtLeast(0), &["plan.rule", "at least 1"]);
    check(
        &|s| s.rule = Rule::AtLeast(4),
        &["plan.rule", "max_replicas is 3"],
    );
    check(
        &|s| s.rule = Rule::active_passive(-1.0),
        &["plan.rule.active_passive.failover_hours"],
    );
    // Several problems are all reported.
    check(
        &|s| {
            s.max_replicas = 0;
            s.target.availability = 2.0;
        },
        &[
            "2 problems in [plan]\n  - plan.",
            "plan.max_replicas",
            "plan.target.availability",
        ],
    );
}

#[test]
fn a_bad_study_is_reported_as_a_study_error() {
    let mut study = one_shot_study(100);
    study.zones[0].region = "nowhere".into();
    match plan(&study, &one_shot_spec(0.9), &opts(1)) {
        Err(e) if matches!(e.kind(), zonesim::ErrorKind::Study(_)) => {
            assert!(e.to_string().contains("nowhere"), "{e}")
        }
        other => panic!("expected a study error, got {other:?}"),
    }
    // The study's own deployments are not part of the plan: a broken one is ignored.
    let study = one_shot_study(100).deployment(Deployment::new("x", &["nope"], Rule::AtLeast(1)));
    assert!(plan(&study, &one_shot_spec(0.9), &opts(1)).is_ok());
}

#[test]
fn too_many_candidates_are_refused_before_running() {
    let mut study = Study::new(Settings::new(100, T)).region(region("r", "DE"));
    for i in 0..40 {
        study = study.zone(zone(&format!("z{i}"), "r", exp(1000.0), exp(1.0)));
    }
    let mut spec = one_shot_spec(0.9);
    spec.replica_cost.clear();
    // 40 zones and up to 6 replicas: 9.3 million placements.
    spec.max_replicas = 6;
    let msg = plan_problems(&study, &spec);
    assert!(msg.contains("plan.max_replicas"), "{msg}");
    assert!(msg.contains("fewer candidate_zones"), "{msg}");
    // 12 zones and 3 replicas (454 placements) are fine.
    study.zones.truncate(12);
    spec.max_replicas = 3;
    assert_eq!(
        plan(&study, &spec, &opts(1)).unwrap().candidates_judged,
        454
    );
}

#[test]
fn plan_spec_reads_from_toml() {
    let spec: PlanSpec = toml::from_str(
        r#"
        candidate_zones = ["fr-par-a", "fr-par-b", "de-fra-a"]
        countries = ["FR", "DE"]
        in_eu = true
        rule = "majority"
        max_replicas = 7
        replica_cost = { default = 1.0, "de-fra-a" = 1.3 }
        target = { availability = 0.9999, in_fraction_of_years = 0.95 }
        "#,
    )
    .unwrap();
    assert_eq!(spec.rule, Rule::Majority);
    assert_eq!(spec.cost_of("de-fra-a"), 1.3);
    assert_eq!(spec.cost_of("fr-par-a"), 1.0);
    let err = toml::from_str::<PlanSpec>(
        "rule = \"majority\"\nmax_replicas = 3\ntarget = { availability = 0.9, in_fraction_of_years = 0.9 }\nbudget = 3\n",
    )
    .unwrap_err();
    assert!(err.to_string().contains("budget"), "{err}");
}

// ---------------------------------------------------------------------------
// Pictures
// ---------------------------------------------------------------------------

#[test]
fn downtime_ccdf_picture_names_every_deployment_and_budget() {
    let study = Study::new(Settings::new(3_000, T))
        .region(region("r", "FR"))
        .zone(zone("a", "r", exp(4000.0), exp(6.0)))
        .zone(zone("b", "r", exp(4000.0), exp(6.0)))
        .deployment(Deployment::new("single-zone", &["a"], Rule::AtLeast(1)))
        .deployment(Deployment::new("two-zones", &["a", "b"], Rule::AtLeast(1)));
    let sim = Simulation::new(&study).unwrap();
    let acc = sim.run_accumulators(&opts(2)).unwrap();
    let result = sim.summarise(&acc);
    let svg = zonesim::plot::downtime_ccdf_svg(&result, &acc).unwrap();
    assert!(svg.starts_with("<svg"));
    for text in [
        "single-zone",
        "two-zones",
        "99.9% budget: 526 min",
        "99.99% budget: 52.6 min",
        "minutes",
        "P(downtime &gt; x)",
    ] {
        assert!(svg.contains(text), "picture lacks {text:?}");
    }
}

#[test]
fn frontier_picture_names_the_best_placement() {
    let study = one_shot_study(5_000);
    let r = plan(&study, &one_shot_spec(0.9), &opts(2)).unwrap();
    let svg = zonesim::plot::frontier_svg(&r).unwrap();
    assert!(svg.contains("best: a+c (cost 1.8)"), "{svg}");
    assert!(svg.contains("required: 90%"));
    let none = plan(&study, &one_shot_spec(0.995), &opts(2)).unwrap();
    let svg = zonesim::plot::frontier_svg(&none).unwrap();
    assert!(svg.contains("closest (none meets the target): a+b+c"));
}

// ---------------------------------------------------------------------------
// The scenario files
// ---------------------------------------------------------------------------

/// Loads a plan scenario through the one scenario loader: its study comes
/// from the catalogue and it has no deployments of its own.
fn load_plan_scenario(path: &str) -> (Study, PlanSpec) {
    let scenario = zonesim::scenario::Scenario::from_path(path).unwrap();
    assert_eq!(scenario.catalog(), Some("eu-hubs"), "{path}");
    let spec = scenario.plan().cloned().expect("a [plan] table");
    let study = scenario.into_study();
    assert!(
        study.deployments.is_empty(),
        "a plan file needs no deployments"
    );
    (study, spec)
}

#[test]
fn plan_scenarios_give_the_france_vs_eu_headline() {
    let (mut eu_study, eu_spec) = load_plan_scenario("scenarios/plan-france-vs-eu.toml");
    let (mut fr_study, fr_spec) = load_plan_scenario("scenarios/plan-france-only.toml");
    assert_eq!(eu_study.simulation.trials, 100_000);
    assert_eq!(eu_spec.in_eu, Some(true));
    assert_eq!(fr_spec.countries, Some(names(&["FR"])));
    // The two files differ only in the filter.
    let unfiltered = |spec: &PlanSpec| {
        let mut spec = spec.clone();
        (spec.countries, spec.in_eu, spec.providers) = (None, None, None);
        spec
    };
    assert_eq!(unfiltered(&eu_spec), unfiltered(&fr_spec));
    eu_study.simulation.trials = 5_000;
    fr_study.simulation.trials = 5_000;
    let eu = plan(&eu_study, &eu_spec, &opts(2)).unwrap();
    let fr = plan(&fr_study, &fr_spec, &opts(2)).unwrap();
    // Both ask for one replica per zone over at least two regions.
    for spec in [&eu_spec, &fr_spec] {
        assert!(spec.distinct_zones && spec.min_regions == Some(2));
    }
    // France only, across providers: a quorum over three Paris regions.
    let best = fr.best.unwrap();
    assert_eq!(best.replicas.len(), 3, "{:?}", best.replicas);
    assert!(best.replicas.iter().all(|z| z.contains("fr-par")));
    // France only with Alibaba alone (one region): refused, with the closest.
    let mut alibaba = fr_spec.clone();
    alibaba.providers = Some(names(&["alibaba"]));
    let refused = plan(&fr_study, &alibaba, &opts(2)).unwrap();
    assert!(refused.best.is_none() && refused.unsatisfiable.is_some());
    assert_eq!(
        refused.closest_violates,
        vec!["min_regions (by 1)".to_string()]
    );
    // EU-wide: Paris and Frankfurt, the mirror images tied.
    let best = eu.best.unwrap();
    assert_eq!(best.replicas.len(), 3);
    assert!(best.replicas.iter().any(|z| z.contains("fr-par")));
    assert!(best.replicas.iter().any(|z| z.contains("de-fra")));
    assert!(eu.tied_within_noise);
    let in_paris = |p: &Placement| p.replicas.iter().filter(|z| z.contains("fr-par")).count();
    assert!(eu.tied.iter().any(|p| in_paris(p) == 2));
    assert!(eu.tied.iter().any(|p| in_paris(p) == 1));
}
