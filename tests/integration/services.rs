//! Services composed of deployments, and release failures (issues 13 and 17):
//! exact timelines with fixed durations, `all = [x]` against `x` on every
//! trial, services over independent deployments against the product and
//! k-of-n formulas (within 4 standard errors of the estimate), the paired
//! comparison with a service as the baseline, thread-count invariance, and
//! scenario files.

use zonesim::analytic::{at_least_up, service_availability, steady_state_availability};
use zonesim::prelude::*;
use zonesim::stats::TrialOutcome;

use crate::common::*;

fn fz(id: &str, region: &str, ttf: f64, ttr: f64) -> Zone {
    zone(id, region, fixed(ttf), fixed(ttr))
}

fn one(name: &str, z: &str) -> Deployment {
    Deployment::new(name, [z], Rule::AtLeast(1))
}

/// Three zones in three regions, horizon 100 h, all-up start:
///
/// ```text
/// a (up 10, down 2):  [10,12] [22,24] [34,36] [46,48] [58,60] [70,72] [82,84] [94,96]   16 h
/// b (up 15, down 5):  [15,20] [35,40] [55,60] [75,80] [95,100]                            25 h
/// c (up 30, down 10): [30,40] [70,80]                                                     20 h
/// ```
///
/// Deployments x = {a}, y = {b}, z = {c}; w = {b} with release failures
/// (up 25, down 3: [25,28] [53,56] [81,84]). Services:
///
/// ```text
/// all_xy  = all [x, y]       a ∪ b: [10,12] [15,20] [22,24] [34,40] [46,48] [55,60] [70,72]
///                            [75,80] [82,84] [94,100]                          37 h, 10, longest 6
/// any_xy  = any [x, y]       a ∩ b: [35,36] [58,60] [95,96]                   4 h, 3, longest 2
/// two_of  = 2 of [x, y, z]   [34,40] [58,60] [70,72] [75,80] [95,96]          16 h, 5, longest 6
/// nested  = any [all_xy, z]  all_xy ∩ c: [34,40] [70,72] [75,80]              13 h, 3, longest 6
/// only_x  = all [x]          = a                                              16 h, 8, longest 2
/// any_yz  = any [y, z]       b ∩ c (both back at 40 and 80): [35,40] [75,80]  10 h, 2, longest 5
/// rel     = any [x, y] + release (up 40, down 1: [40,41] [81,82])
///                            [35,36] [40,41] [58,60] [81,82] [95,96]           6 h, 5, longest 2
/// w       = b ∪ release: [15,20] [25,28] [35,40] [53,60] [75,80] [81,84] [95,100]
///                                                                              33 h, 7, longest 7
/// ```
fn timeline_study(trials: u64) -> Study {
    let rel = |up, down| OutageProcess::new(fixed(up), fixed(down));
    Study::new(settings(trials, 100.0, 11, Start::AllUp))
        .region(region("ra"))
        .region(region("rb"))
        .region(region("rc"))
        .zone(fz("a", "ra", 10.0, 2.0))
        .zone(fz("b", "rb", 15.0, 5.0))
        .zone(fz("c", "rc", 30.0, 10.0))
        .deployment(one("x", "a"))
        .deployment(one("y", "b"))
        .deployment(one("z", "c"))
        .deployment(one("w", "b").with_release_failures(rel(25.0, 3.0)))
        .service(Service::new("all_xy", UpWhen::all(["x", "y"])))
        .service(Service::new("any_xy", UpWhen::any(["x", "y"])))
        .service(Service::new("two_of", UpWhen::at_least(2, ["x", "y", "z"])))
        // Listed before a part it is made of: judged after it all the same.
        .service(Service::new("nested", UpWhen::any(["all_xy2", "z"])))
        .service(Service::new("all_xy2", UpWhen::all(["x", "y"])))
        .service(Service::new("only_x", UpWhen::all(["x"])))
        .service(Service::new("any_yz", UpWhen::any(["y", "z"])))
        .service(Service::new("rel", UpWhen::any(["x", "y"])).with_release_failures(rel(40.0, 1.0)))
}

/// (name, hours down, outages, longest) of every deployment, then every service.
const WANT: [(&str, f64, u32, f64); 12] = [
    ("x", 16.0, 8, 2.0),
    ("y", 25.0, 5, 5.0),
    ("z", 20.0, 2, 10.0),
    ("w", 33.0, 7, 7.0),
    ("all_xy", 37.0, 10, 6.0),
    ("any_xy", 4.0, 3, 2.0),
    ("two_of", 16.0, 5, 6.0),
    ("nested", 13.0, 3, 6.0),
    ("all_xy2", 37.0, 10, 6.0),
    ("only_x", 16.0, 8, 2.0),
    ("any_yz", 10.0, 2, 5.0),
    ("rel", 6.0, 5, 2.0),
];

#[test]
fn exact_timelines_of_services_and_release_failures() {
    let study = timeline_study(2100);
    let sim = Simulation::new(&study).unwrap();
    let mut out = Vec::new();
    for trial in [0, 1, 1023, 1024, 2099] {
        sim.trial(trial, &mut out).unwrap();
        assert_eq!(out.len(), WANT.len());
        for (o, &(name, down, outages, longest)) in out.iter().zip(&WANT) {
            let got = (o.downtime_hours, o.outages, o.longest_hours);
            assert_eq!(got, (down, outages, longest), "trial {trial}: {name}");
        }
    }
    let r = sim.run(&RunOptions::default()).unwrap();
    let units: Vec<_> = r.deployments.iter().chain(&r.services).collect();
    assert_eq!(units.len(), WANT.len());
    for (u, &(name, down, outages, longest)) in units.iter().zip(&WANT) {
        assert_eq!(u.name, name);
        assert_close(name, u.downtime_minutes.mean, down * 60.0, 1e-12);
        assert_close(name, u.availability.mean, 1.0 - down / 100.0, 1e-12);
        assert_eq!(u.outages.mean, outages as f64, "{name}");
        assert_close(name, u.longest_outage_minutes.mean, longest * 60.0, 1e-12);
        assert_eq!(u.downtime_minutes.std, 0.0, "{name}");
    }
    assert_eq!(r.service("rel").unwrap().name, "rel");
    assert!(r.service("x").is_none() && r.deployment("rel").is_none());
}

#[test]
fn a_service_is_a_baseline_with_exact_paired_differences() {
    let mut study = timeline_study(1500);
    study.simulation.baseline = Some("any_xy".into());
    let r = zonesim::run(&study).unwrap();
    assert_eq!(r.comparison.baseline, "any_xy");
    // Every other unit, deployments first, then services, in study order.
    let names: Vec<&str> = r
        .comparison
        .against
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    let want: Vec<&str> = WANT
        .iter()
        .map(|w| w.0)
        .filter(|&n| n != "any_xy")
        .collect();
    assert_eq!(names, want);
    for &(name, down, _, _) in WANT.iter().filter(|w| w.0 != "any_xy") {
        let p = r.paired(name).unwrap();
        let diff = (down - 4.0) * 60.0;
        assert_close(name, p.downtime_minutes_diff.mean, diff, 1e-12);
        assert_eq!(p.p_more_downtime, (down > 4.0) as u8 as f64, "{name}");
        assert_eq!(p.p_less_downtime, (down < 4.0) as u8 as f64, "{name}");
    }
    // A name that is neither is refused, naming both kinds.
    study.simulation.baseline = Some("nope".into());
    let e = Simulation::new(&study).unwrap_err().to_string();
    assert!(
        e.contains("no deployment or service is named \"nope\""),
        "{e}"
    );
}

/// A random study: zones with exponential durations under a common cause,
/// replica failures, active-passive, a deployment over many zones, release
/// failures.
fn random_study(trials: u64) -> Study {
    let mut s = Study::new(settings(trials, 2000.0, 5, Start::SteadyState))
        .region(region("r"))
        .region(region("q"));
    let ids: Vec<String> = (0..18).map(|i| format!("z{i}")).collect();
    for (i, id) in ids.iter().enumerate() {
        let r = if i < 9 { "r" } else { "q" };
        s = s.zone(zone(id, r, exp(300.0 + 10.0 * i as f64), exp(6.0)));
    }
    let rep = OutageProcess::new(exp(500.0), Duration::lognormal(2.0, 1.0).unwrap());
    let rel = OutageProcess::new(exp(700.0), fixed(3.0));
    s = s
        .common_cause(CommonCause::new("cc", ["r"], exp(900.0), exp(4.0)))
        .deployment(Deployment::new("pair", ["z0", "z1"], Rule::AtLeast(1)))
        .deployment(Deployment::new("maj", ["z0", "z9", "z10"], Rule::Majority))
        .deployment(
            Deployment::new("ap", ["z2", "z11"], Rule::active_passive(0.5))
                .with_replica_failures(rep.clone()),
        )
        .deployment(Deployment::new("wide", &ids, Rule::ZonesUp(15)))
        .deployment(
            Deployment::new("rel", ["z3", "z12"], Rule::AtLeast(1)).with_release_failures(rel),
        )
        .deployment(
            Deployment::new("reps", ["z4", "z13", "z14"], Rule::AtLeast(2))
                .with_replica_failures(rep),
        );
    s
}

#[test]
fn all_of_one_part_equals_the_part_on_every_trial() {
    let mut study = random_study(3000);
    let parts: Vec<String> = study.deployments.iter().map(|d| d.name.clone()).collect();
    for p in &parts {
        study = study.service(Service::new(format!("just-{p}"), UpWhen::all([p])));
    }
    // And a service of such a service, and `any`/`1 of` of one part.
    study = study
        .service(Service::new("just-just-ap", UpWhen::all(["just-ap"])))
        .service(Service::new("any-wide", UpWhen::any(["wide"])))
        .service(Service::new("1of-rel", UpWhen::at_least(1, ["rel"])));
    let sim = Simulation::new(&study).unwrap();
    let nd = parts.len();
    let twin = |j: usize| match j {
        j if j < nd => j,
        _ => [2, 3, 4][j - nd],
    };
    let mut out: Vec<TrialOutcome> = Vec::new();
    let mut down_trials = vec![0u32; nd];
    for trial in 0..3000 {
        sim.trial(trial, &mut out).unwrap();
        for j in 0..nd + 3 {
            let (dep, svc) = (out[twin(j)], out[nd + j]);
            assert_eq!(dep, svc, "trial {trial}: service {j} vs its part");
        }
        for (c, o) in down_trials.iter_mut().zip(&out) {
            *c += (o.outages > 0) as u32;
        }
    }
    // The comparison is not vacuous: every part is down in many trials.
    assert!(down_trials.iter().all(|&c| c > 300), "{down_trials:?}");
    let r = sim.run(&RunOptions::default()).unwrap();
    for (j, s) in r.services.iter().enumerate() {
        let d = &r.deployments[twin(j)];
        let mut s = s.clone();
        s.name = d.name.clone();
        assert_eq!(&s, d, "the summary of service {j} equals its part's");
    }
}

#[test]
fn services_over_independent_deployments_match_the_product_and_k_of_n_forms() {
    // Four regions, no common cause: parts in different regions share no
    // process. Zone availability 0.9 (exponential 90 h up, 10 h down).
    let trials = 4000;
    let mut s = Study::new(settings(trials, 1000.0, 2026, Start::SteadyState));
    for (r, zones) in [
        ("ra", &["a"][..]),
        ("rb", &["b1", "b2"]),
        ("rc", &["c"]),
        ("rd", &["d"]),
    ] {
        s = s.region(region(r));
        for z in zones {
            s = s.zone(zone(z, r, exp(90.0), exp(10.0)));
        }
    }
    let rel = |up: f64, down: f64| OutageProcess::new(exp(up), fixed(down));
    let study = s
        .deployment(one("x", "a"))
        .deployment(Deployment::new("y", ["b1", "b2"], Rule::AtLeast(1)))
        // z: 0.9 times its release process's 190 / 200.
        .deployment(one("z", "c").with_release_failures(rel(190.0, 10.0)))
        .deployment(one("v", "d"))
        .service(Service::new("all", UpWhen::all(["x", "y", "z"])))
        .service(Service::new("any", UpWhen::any(["x", "z"])))
        .service(Service::new("two", UpWhen::at_least(2, ["x", "y", "z"])))
        .service(
            Service::new("nest", UpWhen::all(["any", "y"])).with_release_failures(rel(490.0, 10.0)),
        )
        .service(Service::new(
            "three",
            UpWhen::at_least(3, ["x", "y", "z", "v"]),
        ));
    let (ax, ay, az, av) = (0.9, 1.0 - 0.01, 0.9 * 0.95, 0.9);
    let any = 1.0 - (1.0 - ax) * (1.0 - az);
    let two = ax * ay * az + (1.0 - ax) * ay * az + ax * (1.0 - ay) * az + ax * ay * (1.0 - az);
    // At least 3 of 4: all four, or exactly one of them down.
    let p = [ax, ay, az, av];
    let all4: f64 = p.iter().product();
    let three = all4 + p.iter().map(|&q| all4 / q * (1.0 - q)).sum::<f64>();
    let want = [
        ("all", ax * ay * az),
        ("any", any),
        ("two", two),
        ("nest", any * ay * 0.98),
        ("three", three),
    ];
    let r = zonesim::run(&study).unwrap();
    for (name, exact) in want {
        // The analytic module agrees with the hand formula...
        let analytic = service_availability(&study, name).unwrap();
        assert!(
            (analytic - exact).abs() < 1e-12,
            "{name}: analytic {analytic} vs {exact}"
        );
        // ...and the simulation with both, within 4 of its standard errors.
        let a = &r.service(name).unwrap().availability;
        let se = a.std / (trials as f64).sqrt();
        assert!(se > 0.0 && se < 0.01, "{name}: se {se}");
        assert!(
            (a.mean - exact).abs() < 4.0 * se,
            "{name}: simulated {} vs exact {exact} (se {se})",
            a.mean
        );
    }
    let z = r.deployment("z").unwrap().availability.mean;
    let exact_z = steady_state_availability(&study, &study.deployments[2]).unwrap();
    assert!((exact_z - az).abs() < 1e-15);
    let se = r.deployment("z").unwrap().availability.std / (trials as f64).sqrt();
    assert!((z - az).abs() < 4.0 * se, "z: {z} vs {az} (se {se})");
    assert!((at_least_up(&p, 3) - three).abs() < 1e-15);
}

#[test]
fn services_are_bit_identical_on_any_thread_count() {
    let mut study = random_study(2500);
    let rel = OutageProcess::new(exp(800.0), Duration::gamma(2.0, 1.0).unwrap());
    study = study
        .service(
            Service::new("tiers", UpWhen::all(["pair", "maj", "ap"])).with_release_failures(rel),
        )
        .service(Service::new(
            "alt",
            UpWhen::at_least(2, ["tiers", "wide", "reps", "rel"]),
        ));
    study.simulation.baseline = Some("tiers".into());
    let sim = Simulation::new(&study).unwrap();
    let one = sim.run(&RunOptions::new().threads(1)).unwrap();
    let three = sim.run(&RunOptions::new().threads(3)).unwrap();
    assert_eq!(one, three);
    assert!(one.service("tiers").unwrap().downtime_minutes.mean > 0.0);
    // Adding a service leaves every other figure as it was, bit for bit.
    let fewer = {
        let mut s = study.clone();
        s.services.pop();
        zonesim::Simulation::new(&s)
            .unwrap()
            .run(&RunOptions::new().threads(2))
            .unwrap()
    };
    assert_eq!(fewer.deployments, one.deployments);
    assert_eq!(fewer.services[0], one.services[0]);
    // Release failures on one deployment leave every other one as it was.
    let without = {
        let mut s = study.clone();
        s.services.clear();
        s.simulation.baseline = None;
        s.deployments[4].release_failures = None;
        zonesim::run(&s).unwrap()
    };
    let with = {
        let mut s = study.clone();
        s.services.clear();
        s.simulation.baseline = None;
        zonesim::run(&s).unwrap()
    };
    for (j, (a, b)) in without
        .deployments
        .iter()
        .zip(&with.deployments)
        .enumerate()
    {
        assert_eq!(a == b, j != 4, "deployment {j}");
    }
}

#[test]
fn release_failures_are_refused_by_importance_sampling_and_services_too() {
    let mut study = random_study(100);
    study.deployments[4].estimator = Some(zonesim::study::Estimator::Importance);
    let e = Simulation::new(&study).unwrap_err().to_string();
    assert!(
        e.contains(
            "deployment[4] \"rel\".estimator: importance sampling does not model release_failures"
        ),
        "{e}"
    );
    let study = random_study(100).service(Service::new("s", UpWhen::all(["pair"])));
    let e = zonesim::rare::estimate(&study, "s", &zonesim::rare::RareOptions::for_study(&study))
        .unwrap_err()
        .to_string();
    assert!(e.contains("\"s\": is a service"), "{e}");
}

#[cfg(feature = "scenario")]
mod files {
    use zonesim::scenario::{Format, Scenario};

    const HEAD: &str = r#"
[[region]]
id = "r"
country = "FR"

[[zone]]
id = "a"
region = "r"
time_to_failure = { dist = "fixed", value = 10.0 }
time_to_repair = { dist = "fixed", value = 1.0 }

[[deployment]]
name = "web"
replicas = ["a"]
rule = { at_least = 1 }
release_failures = { time_to_failure = { dist = "fixed", value = 5.0 }, time_to_repair = { dist = "fixed", value = 1.0 } }
"#;

    #[test]
    fn the_three_tier_example_file_loads() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scenarios/three-tier-service.toml"
        );
        let s = Scenario::from_path(path).unwrap();
        assert_eq!(s.study().services.len(), 6);
        assert_eq!(
            s.study().simulation.baseline.as_deref(),
            Some("shop-france-only")
        );
    }

    #[test]
    fn services_in_files_and_their_located_errors() {
        let ok = format!(
            "{HEAD}\n[[service]]\nname = \"shop\"\nup_when = {{ at_least = 1, of = [\"web\"] }}\n"
        );
        let s = Scenario::from_str(&ok, Format::Toml, "s.toml").unwrap();
        assert_eq!(s.study().services[0].up_when.needed(), 1);
        assert!(s.study().deployments[0].release_failures.is_some());

        // Unknown part and a cycle: semantic problems with their lines.
        let bad = format!(
            "{HEAD}\n[[service]]\nname = \"shop\"\nup_when = {{ all = [\"web\", \"cart\"] }}\n\n\
             [[service]]\nname = \"p\"\nup_when = {{ all = [\"q\"] }}\n\n\
             [[service]]\nname = \"q\"\nup_when = {{ any = [\"p\"] }}\n"
        );
        let e = Scenario::from_str(&bad, Format::Toml, "s.toml")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("s.toml:20: service[0] \"shop\".up_when.all[1]: unknown deployment or service \"cart\""),
            "{e}"
        );
        assert!(
            e.contains("service[1] \"p\".up_when: services form a cycle: p -> q -> p"),
            "{e}"
        );

        // A malformed rule: a parse error with its line and the forms.
        let bad = format!("{HEAD}\n[[service]]\nname = \"shop\"\nup_when = {{ at_least = 2 }}\n");
        let e = Scenario::from_str(&bad, Format::Toml, "s.toml")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("s.toml:20:"), "{e}");
        assert!(e.contains("at_least needs `of`"), "{e}");
        let bad = format!(
            "{HEAD}\n[[service]]\nname = \"shop\"\nup_when = {{ all = [\"web\"] }}\ncolour = 1\n"
        );
        let e = Scenario::from_str(&bad, Format::Toml, "s.toml")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("service[0].colour: unknown field `colour`"),
            "{e}"
        );
    }
}

/// The planner ignores a study's services, as it ignores its deployments
/// (it replaces them with its placements): a plan file may hold both.
#[test]
fn the_planner_runs_on_a_study_with_services() {
    use zonesim::plan::{PlanSpec, PlanTarget, plan};
    let study = timeline_study(200);
    let spec = PlanSpec::new(Rule::AtLeast(1), 1, PlanTarget::new(0.8, 0.5));
    let r = plan(&study, &spec, &RunOptions::default()).unwrap();
    // a is down 16 h of 100, b 25 h, c 20 h: only a and c reach 80%.
    let best = r.best.expect("a zone qualifies");
    assert_eq!(best.replicas, ["a"]);
    spec.check(&study).unwrap();
}

/// The mixed study of the value-stability pins with a deployment with
/// release failures and two services (one with release failures of its own).
fn pinned_study() -> Study {
    let rel = OutageProcess::new(exp(3000.0), Duration::lognormal(2.0, 1.0).unwrap());
    crate::determinism::mixed_study(2026, Start::SteadyState)
        .deployment(
            Deployment::new("rel", ["a", "d"], Rule::AtLeast(1)).with_release_failures(rel.clone()),
        )
        .service(
            Service::new("tiers", UpWhen::all(["2of3", "ap", "rel"])).with_release_failures(rel),
        )
        .service(Service::new(
            "either",
            UpWhen::at_least(1, ["single", "zones2"]),
        ))
}

/// (downtime hours, outages, longest hours) of `rel`, `tiers` and `either`
/// in trials 0 to 3: the release streams, their draws and the service
/// judgement, pinned like the deployments' in value_stability.rs.
const PINNED: [[(f64, u32, f64); 3]; 4] = [
    [
        (17.89178847294943, 3, 15.637859695561929),
        (101.71584795844637, 17, 35.67849591429149),
        (16.13785969556193, 2, 15.637859695561929),
    ],
    [
        (4.5892956926722945, 4, 2.0796976323172203),
        (27.439103298498367, 19, 4.821435532702708),
        (0.0, 0, 0.0),
    ],
    [
        (5.539631707834815, 1, 5.539631707834815),
        (34.91282790026543, 11, 16.900488182456684),
        (0.0, 0, 0.0),
    ],
    [
        (12.59543595676314, 2, 10.388283086629599),
        (49.037583519976124, 19, 17.80924425444846),
        (0.0, 0, 0.0),
    ],
];

#[test]
fn release_and_service_outcomes_are_pinned() {
    let study = pinned_study();
    let nd = study.deployments.len();
    let sim = Simulation::new(&study).unwrap();
    let mut out: Vec<TrialOutcome> = Vec::new();
    for (t, want) in PINNED.iter().enumerate() {
        sim.trial(t as u64, &mut out).unwrap();
        let got = [out[nd - 1], out[nd], out[nd + 1]];
        for (j, (o, &(down, outages, longest))) in got.iter().zip(want).enumerate() {
            let at = format!("trial {t}, unit {j}");
            assert_close(&format!("{at}: downtime"), o.downtime_hours, down, 1e-12);
            assert_eq!(o.outages, outages, "{at}: outages");
            assert_close(&format!("{at}: longest"), o.longest_hours, longest, 1e-12);
        }
    }
}

/// Release failures over active-passive: the union with the rule's own down
/// time. a (up 10, down 2) serves, b never fails in 100 h, failover 1 h:
/// the rule is down [10,11] [22,23] [34,35] [46,47] [58,59] [70,71] [82,83]
/// [94,95] (fail-back to a is free). The release (up 25, down 3) adds
/// [25,28] [53,56] [81,84], which swallows [82,83]: 16 h, 10 outages,
/// longest 3. A service of it alone sees exactly the same.
#[test]
fn release_failures_over_active_passive_by_hand() {
    let rel = OutageProcess::new(fixed(25.0), fixed(3.0));
    let ap = Rule::active_passive(1.0);
    let study = Study::new(settings(50, 100.0, 1, Start::AllUp))
        .region(region("r"))
        .zone(fz("a", "r", 10.0, 2.0))
        .zone(fz("b", "r", 1000.0, 1.0))
        .deployment(Deployment::new("ap", ["a", "b"], ap.clone()))
        .deployment(Deployment::new("ap+rel", ["a", "b"], ap).with_release_failures(rel))
        .service(Service::new("s", UpWhen::all(["ap+rel"])));
    let sim = Simulation::new(&study).unwrap();
    let mut out = Vec::new();
    sim.trial(7, &mut out).unwrap();
    let got: Vec<_> = out
        .iter()
        .map(|o| (o.downtime_hours, o.outages, o.longest_hours))
        .collect();
    assert_eq!(got, [(8.0, 8, 1.0), (16.0, 10, 3.0), (16.0, 10, 3.0)]);
}

/// The planner with a service target: `db` is placed for `shop = all [web,
/// db]` with `web` in zone a (fixed timelines of the first test). A db that
/// shares a's outages costs the shop nothing more; one in b or c adds their
/// outages. Judged alone, every zone would look the same to db's own target.
#[test]
fn the_planner_places_a_tier_for_a_service() {
    use zonesim::plan::{PlanSpec, PlanTarget, plan};
    use zonesim::service::ServiceTarget;
    let study = Study::new(settings(600, 100.0, 3, Start::AllUp))
        .region(region("ra"))
        .region(region("rb"))
        .region(region("rc"))
        .zone(fz("a", "ra", 10.0, 2.0))
        .zone(fz("b", "rb", 15.0, 5.0))
        .zone(fz("c", "rc", 30.0, 10.0))
        .deployment(one("web", "a"))
        .deployment(one("db", "b"))
        .service(Service::new("shop", UpWhen::all(["web", "db"])));
    let target = PlanTarget::new(0.7, 0.5);
    let spec =
        PlanSpec::new(Rule::AtLeast(1), 2, target).with_within(ServiceTarget::new("shop", "db"));
    let r = plan(&study, &spec, &RunOptions::default()).unwrap();
    // The shop's availability with db at each placement (hours down of 100):
    // a: a's 16; b: a ∪ b 37; c: a ∪ c 32; a+b: a ∪ (a ∩ b) = 16;
    // b+c: a ∪ (b ∩ c) = 25.
    let want = [
        (&["a"][..], 0.84),
        (&["b"], 0.63),
        (&["c"], 0.68),
        (&["a", "b"], 0.84),
        (&["b", "c"], 0.75),
        (&["b", "b"], 0.63),
    ];
    for (replicas, avail) in want {
        let p = r
            .candidates
            .iter()
            .find(|p| p.replicas == replicas)
            .unwrap_or_else(|| panic!("{replicas:?} judged"));
        assert_close(&format!("{replicas:?}"), p.availability_mean, avail, 1e-12);
        assert_eq!(p.qualifies, avail >= 0.7, "{replicas:?}");
    }
    assert_eq!(r.best.unwrap().replicas, ["a"]);
    // Without `within`, db is judged alone: b (0.75) and c (0.8) qualify too.
    let alone = plan(
        &study,
        &PlanSpec::new(Rule::AtLeast(1), 1, target),
        &RunOptions::default(),
    )
    .unwrap();
    assert!(alone.candidates.iter().all(|p| p.qualifies));

    // The choice itself moves: with web in c (down 20 h of 100), db alone
    // would go to a (down 16 h, the best single zone), but for the shop a
    // adds a's outages to c's (a ∪ c: 32 h) while db in c adds nothing
    // (20 h); b and b ∪ c are at most 75%. Only c reaches 78% for the shop.
    let mut in_c = study.clone();
    in_c.deployments[0] = one("web", "c");
    let target = PlanTarget::new(0.78, 0.5);
    let alone = plan(
        &in_c,
        &PlanSpec::new(Rule::AtLeast(1), 2, target),
        &RunOptions::default(),
    )
    .unwrap();
    assert_eq!(alone.best.as_ref().unwrap().replicas, ["a"]);
    let spec =
        PlanSpec::new(Rule::AtLeast(1), 2, target).with_within(ServiceTarget::new("shop", "db"));
    let r = plan(&in_c, &spec, &RunOptions::default()).unwrap();
    let best = r.best.as_ref().unwrap();
    assert_eq!(best.replicas, ["c"]);
    assert_close("db in c", best.availability_mean, 0.80, 1e-12);
    assert_eq!(r.tied_count, 1);
    let a = r.candidates.iter().find(|p| p.replicas == ["a"]).unwrap();
    assert_close("db in a", a.availability_mean, 0.68, 1e-12);
    assert!(!a.qualifies);
    // Every placement judged in full, none screened or grouped.
    let screening = r.screening.as_ref().unwrap();
    assert_eq!(screening.classes, r.candidates_judged);
    assert_eq!(screening.judged_in_full, r.candidates_judged);
    assert_eq!(r.within, Some(ServiceTarget::new("shop", "db")));
    // Constraints still apply inside a service.
    let r = plan(
        &in_c,
        &spec.clone().with_distinct_zones(),
        &RunOptions::default(),
    )
    .unwrap();
    assert!(r.candidates.iter().all(|p| p.replicas != ["c", "c"]));
    assert_eq!(r.best.unwrap().replicas, ["c"]);

    // A target that names no service or a part it is not made of is refused.
    let study = study.deployment(one("other", "c"));
    for (w, msg) in [
        (
            ServiceTarget::new("nope", "db"),
            "plan.within.service: no service is named \"nope\"",
        ),
        (
            ServiceTarget::new("shop", "other"),
            "plan.within.part: service \"shop\" is not made of \"other\"",
        ),
        (
            ServiceTarget::new("shop", "zz"),
            "plan.within.part: no deployment is named \"zz\"",
        ),
    ] {
        let spec = PlanSpec::new(Rule::AtLeast(1), 2, target).with_within(w);
        let e = plan(&study, &spec, &RunOptions::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains(msg), "{e}");
    }
}

/// A plan inside a service judges every placement in full, so it is
/// refused above `MAX_WITHIN_CANDIDATES` placements, with a located error
/// (62 zones, up to 2 replicas, at least 1 up: 62 + 1953 = 2015).
#[test]
fn the_planner_inside_a_service_refuses_too_many_placements() {
    use zonesim::plan::{MAX_WITHIN_CANDIDATES, PlanSpec, PlanTarget, plan};
    use zonesim::service::ServiceTarget;
    let mut study = Study::new(settings(100, 100.0, 3, Start::AllUp)).region(region("ra"));
    for i in 0..62 {
        study = study.zone(fz(&format!("z{i}"), "ra", 10.0, 2.0));
    }
    let study = study
        .deployment(one("web", "z0"))
        .deployment(one("db", "z1"))
        .service(Service::new("shop", UpWhen::all(["web", "db"])));
    let spec = PlanSpec::new(Rule::AtLeast(1), 2, PlanTarget::new(0.7, 0.5))
        .with_within(ServiceTarget::new("shop", "db"));
    let e = plan(&study, &spec, &RunOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(&format!(
            "plan.within: 2015 placements to judge inside a service, over the limit of {MAX_WITHIN_CANDIDATES}"
        )),
        "{e}"
    );
    // One fewer zone: 61 + 1891 = 1952 placements, judged.
    let mut fewer = spec.clone();
    fewer.candidate_zones = Some((0..61).map(|i| format!("z{i}")).collect());
    assert_eq!(
        plan(&study, &fewer, &RunOptions::default())
            .unwrap()
            .candidates_judged,
        1952
    );
}
