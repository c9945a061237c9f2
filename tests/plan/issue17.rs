//! Issue 17 items 1-2 and the planner at catalogue scale (#14): placement
//! constraints (each respected, each refused when unsatisfiable with the
//! closest placement), the tied set (mirror images tie, the choice does not
//! move with the trial count), and the fast search against the exhaustive
//! one.

use super::*;
use zonesim::plan::plan_exhaustive;

/// Six zones over four regions, two providers and three countries (GB is
/// outside the EU): fr1 (p1, FR: a, b), fr2 (p2, FR: a), de (p1, DE: a, b),
/// gb (p2, GB: a). Zones fail and are repaired on their own.
fn spread_study(trials: u64) -> Study {
    let mut s = Settings::new(trials, T);
    s.seed = 5;
    let mut study = Study::new(s)
        .region(Region::new("fr1", "fr1", "p1", "FR"))
        .region(Region::new("fr2", "fr2", "p2", "FR"))
        .region(Region::new("de", "de", "p1", "DE"))
        .region(Region::new("gb", "gb", "p2", "GB"));
    for (z, r) in [
        ("fr1-a", "fr1"),
        ("fr1-b", "fr1"),
        ("fr2-a", "fr2"),
        ("de-a", "de"),
        ("de-b", "de"),
        ("gb-a", "gb"),
    ] {
        study = study.zone(zone(z, r, exp(2000.0), exp(10.0)));
    }
    study
}

fn region_of(z: &str) -> &'static str {
    match &z[..z.len() - 2] {
        "fr1" => "fr1",
        "fr2" => "fr2",
        "de" => "de",
        _ => "gb",
    }
}

fn provider_of(z: &str) -> &'static str {
    match region_of(z) {
        "fr1" | "de" => "p1",
        _ => "p2",
    }
}

fn country_of(z: &str) -> &'static str {
    match region_of(z) {
        "fr1" | "fr2" => "FR",
        "de" => "DE",
        _ => "GB",
    }
}

fn distinct<'a>(v: impl Iterator<Item = &'a str>) -> usize {
    let mut v: Vec<&str> = v.collect();
    v.sort_unstable();
    v.dedup();
    v.len()
}

fn max_count<'a>(v: impl Iterator<Item = &'a str>) -> usize {
    let v: Vec<&str> = v.collect();
    v.iter()
        .map(|x| v.iter().filter(|y| *y == x).count())
        .max()
        .unwrap_or(0)
}

/// Every multiset of 1..=3 of the six zones, in candidate order.
fn all_placements() -> Vec<Vec<&'static str>> {
    let zs = ["fr1-a", "fr1-b", "fr2-a", "de-a", "de-b", "gb-a"];
    let mut out = Vec::new();
    for i in 0..6 {
        out.push(vec![zs[i]]);
        for j in i..6 {
            out.push(vec![zs[i], zs[j]]);
            for k in j..6 {
                out.push(vec![zs[i], zs[j], zs[k]]);
            }
        }
    }
    out
}

type Check = fn(&[&str]) -> bool;

fn spec() -> PlanSpec {
    PlanSpec::new(Rule::AtLeast(1), 3, PlanTarget::new(0.999, 0.5))
}

fn constraint_cases() -> Vec<(&'static str, PlanSpec, Check)> {
    vec![
        ("distinct_zones", spec().with_distinct_zones(), |p| {
            max_count(p.iter().copied()) <= 1
        }),
        ("max_per_zone", spec().with_max_per_zone(2), |p| {
            max_count(p.iter().copied()) <= 2
        }),
        ("max_per_region", spec().with_max_per_region(1), |p| {
            max_count(p.iter().map(|z| region_of(z))) <= 1
        }),
        ("min_regions", spec().with_min_regions(3), |p| {
            distinct(p.iter().map(|z| region_of(z))) >= 3
        }),
        ("min_providers", spec().with_min_providers(2), |p| {
            distinct(p.iter().map(|z| provider_of(z))) >= 2
        }),
        ("must_include zone", spec().with_must_include("gb-a"), |p| {
            p.contains(&"gb-a")
        }),
        ("must_include region", spec().with_must_include("de"), |p| {
            p.iter().any(|z| region_of(z) == "de")
        }),
        ("max_outside_eu", spec().with_max_outside_eu(0), |p| {
            p.iter().all(|z| country_of(z) != "GB")
        }),
        (
            "min_in_countries",
            spec().with_min_in_country("FR", 2),
            |p| p.iter().filter(|z| country_of(z) == "FR").count() >= 2,
        ),
    ]
}

#[test]
fn each_constraint_is_respected_and_applied_before_simulating() {
    let study = spread_study(400);
    let all = all_placements();
    assert_eq!(all.len(), 83);
    for (name, spec, ok) in constraint_cases() {
        let r = plan_exhaustive(&study, &spec, &opts(1)).unwrap();
        let allowed = all.iter().filter(|p| ok(p)).count();
        // Exactly the placements that meet the constraint were judged.
        assert_eq!(r.candidates_judged, allowed, "{name}");
        assert_eq!(r.excluded_by_constraints, 83 - allowed, "{name}");
        assert_eq!(r.candidates.len(), allowed, "{name}");
        for c in &r.candidates {
            let p: Vec<&str> = c.replicas.iter().map(String::as_str).collect();
            assert!(ok(&p), "{name}: {p:?}");
        }
        assert_eq!(r.constraints.len(), 1, "{name}: reported");
        assert!(r.unsatisfiable.is_none(), "{name}");
        let best = r.best.as_ref().expect("a placement qualifies");
        let p: Vec<&str> = best.replicas.iter().map(String::as_str).collect();
        assert!(ok(&p), "{name}: best {p:?}");
        // The fast search judges the same placements (in classes).
        let fast = plan(&study, &spec, &opts(1)).unwrap();
        assert_eq!(fast.candidates_judged, allowed, "{name}");
        assert_eq!(
            fast.best.as_ref().unwrap().replicas,
            best.replicas,
            "{name}"
        );
    }
}

#[test]
fn unsatisfiable_constraints_are_refused_with_the_closest_placement() {
    let study = spread_study(400);
    let cases: Vec<(PlanSpec, &str, Check)> = vec![
        // Four regions at most three replicas can span: the closest spans three.
        (spec().with_min_regions(5), "min_regions (by 2)", |p| {
            distinct(p.iter().map(|z| region_of(z))) == 3
        }),
        (spec().with_min_providers(3), "min_providers (by 1)", |p| {
            distinct(p.iter().map(|z| provider_of(z))) == 2
        }),
        (
            spec().with_min_in_country("DE", 4),
            "min_in_countries.DE (by 1)",
            |p| p.iter().all(|z| country_of(z) == "DE") && p.len() == 3,
        ),
        // GB is filtered out, yet must be included.
        (
            spec().with_in_eu(true).with_must_include("gb-a"),
            "must_include \"gb-a\" (by 1)",
            |p| p.iter().all(|z| country_of(z) != "GB"),
        ),
        (
            spec().with_distinct_zones().with_min_in_country("GB", 2),
            "min_in_countries.GB (by 1)",
            |p| p.iter().filter(|z| **z == "gb-a").count() == 1,
        ),
    ];
    for (spec, misses, ok) in cases {
        let r = plan(&study, &spec, &opts(1)).unwrap();
        assert!(r.best.is_none(), "{misses}");
        assert!(r.unsatisfiable.is_some(), "{misses}");
        let c = r.closest.as_ref().expect("a closest placement");
        let p: Vec<&str> = c.replicas.iter().map(String::as_str).collect();
        assert!(ok(&p), "{misses}: closest {p:?}");
        assert_eq!(r.closest_violates, vec![misses.to_string()], "{misses}");
        let json = serde_json::to_value(&r).unwrap();
        assert!(json["unsatisfiable"].is_string());
        assert!(json["best"].is_null());
    }
}

#[test]
fn bad_constraints_are_refused_naming_the_field() {
    let study = spread_study(100);
    let mut s = spec()
        .with_max_per_zone(0)
        .with_min_regions(0)
        .with_must_include("nowhere")
        .with_must_include("de")
        .with_must_include("de")
        .with_min_in_country("XX", 1)
        .with_min_in_country("IT", 1)
        .with_min_in_country("FR", 0);
    s.max_per_region = Some(0);
    s.min_providers = Some(0);
    let msg = plan_problems(&study, &s);
    for want in [
        "plan.max_per_zone: must be at least 1",
        "plan.max_per_region: must be at least 1",
        "plan.min_regions: must be at least 1",
        "plan.min_providers: must be at least 1",
        "plan.must_include[0]: unknown zone or region \"nowhere\"",
        "plan.must_include[2]: \"de\" is listed twice",
        "plan.min_in_countries.XX: \"XX\" is not an ISO",
        "plan.min_in_countries.IT: no region of the study is in country \"IT\"",
        "plan.min_in_countries.FR: must be at least 1",
    ] {
        assert!(msg.contains(want), "{want} in {msg}");
    }
}

#[test]
fn constraints_read_from_toml() {
    let spec: PlanSpec = toml::from_str(
        r#"
rule = "majority"
max_replicas = 5
target = { availability = 0.9999, in_fraction_of_years = 0.95 }
distinct_zones = true
max_per_zone = 1
max_per_region = 2
min_regions = 2
min_providers = 1
must_include = ["fr-par", "de-fra-a"]
max_outside_eu = 1
min_in_countries = { FR = 1 }
"#,
    )
    .unwrap();
    assert_eq!(
        spec.constraint_labels(),
        vec![
            "distinct_zones = true",
            "max_per_zone = 1",
            "max_per_region = 2",
            "min_regions = 2",
            "min_providers = 1",
            "max_outside_eu = 1",
            "must_include = [\"fr-par\", \"de-fra-a\"]",
            "min_in_countries = { FR = 1 }",
        ]
    );
}

/// Two regions alike (two zones each, one region-wide cause each, all
/// parameters equal): {r1-a, r1-b, r2-a} and {r1-a, r2-a, r2-b} are mirror
/// images, as are all four "two in one region, one in the other" quorums.
fn mirror_study(trials: u64) -> Study {
    let mut s = Settings::new(trials, T);
    s.seed = 9;
    let mut study = Study::new(s)
        .region(region("r1", "FR"))
        .region(region("r2", "DE"));
    for z in ["r1-a", "r1-b", "r2-a", "r2-b"] {
        study = study.zone(zone(z, &z[..2], exp(3000.0), exp(8.0)));
    }
    for r in ["r1", "r2"] {
        study = study.common_cause(CommonCause::new(
            format!("{r}-event"),
            [r],
            exp(100_000.0),
            exp(6.0),
        ));
    }
    study
}

fn mirror_spec() -> PlanSpec {
    PlanSpec::new(Rule::Majority, 3, PlanTarget::new(0.9995, 0.85)).with_distinct_zones()
}

#[test]
fn mirror_images_tie_and_the_choice_follows_the_stated_rule() {
    let r = plan(&mirror_study(20_000), &mirror_spec(), &opts(2)).unwrap();
    let best = r.best.as_ref().expect("a quorum qualifies");
    assert!(r.tied_within_noise);
    // The four 2+1 quorums are one class: identical figures, all tied.
    let mirrors: Vec<&Placement> = r.tied.iter().filter(|p| p.replicas.len() == 3).collect();
    assert_eq!(mirrors.len(), 4, "{:?}", r.tied);
    for p in &mirrors {
        assert_eq!(p.p_meets, mirrors[0].p_meets);
        assert_eq!(p.availability_mean, mirrors[0].availability_mean);
    }
    // Chosen among them by the stated rule: the first zone ids.
    assert_eq!(best.replicas, names(&["r1-a", "r1-b", "r2-a"]));
    assert_eq!(r.tie_rule, zonesim::plan::TIE_RULE);
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["tied_within_noise"], true);
    assert_eq!(json["tied_count"], 4);
    // Judged one by one (exhaustive), the mirror images differ by noise
    // only, and the paired test says so: still a tie, the same choice.
    let e = plan_exhaustive(&mirror_study(20_000), &mirror_spec(), &opts(2)).unwrap();
    assert!(e.tied_within_noise);
    assert_eq!(e.tied_count, 4);
    assert_eq!(e.best.unwrap().replicas, best.replicas);
}

#[test]
fn the_choice_does_not_move_with_the_trial_count() {
    let spec = mirror_spec();
    let mut chosen = Vec::new();
    for trials in [5_000, 20_000, 60_000] {
        for e in [false, true] {
            let study = mirror_study(trials);
            let r = if e {
                plan_exhaustive(&study, &spec, &opts(2))
            } else {
                plan(&study, &spec, &opts(2))
            }
            .unwrap();
            chosen.push(r.best.unwrap().replicas);
        }
    }
    assert!(chosen.iter().all(|c| *c == chosen[0]), "{chosen:?}");
}

#[test]
fn a_significant_difference_is_not_a_tie() {
    // Zone c is far worse than a and b: at equal cost, {a} and {b} tie,
    // {c} qualifies too but is significantly worse, so it is not tied.
    let mut s = Settings::new(20_000, T);
    s.seed = 3;
    let study = Study::new(s)
        .region(region("r", "FR"))
        .zone(zone("a", "r", exp(4000.0), exp(4.0)))
        .zone(zone("b", "r", exp(4000.0), exp(4.0)))
        .zone(zone("c", "r", exp(1500.0), exp(4.0)));
    let spec = PlanSpec::new(Rule::AtLeast(1), 1, PlanTarget::new(0.995, 0.5));
    let r = plan(&study, &spec, &opts(1)).unwrap();
    let tied: Vec<&Vec<String>> = r.tied.iter().map(|p| &p.replicas).collect();
    assert_eq!(tied, vec![&names(&["a"]), &names(&["b"])]);
    assert!(r.candidates.iter().all(|p| p.qualifies));
    assert_eq!(r.best.as_ref().unwrap().replicas, names(&["a"]));
    // The paired test's counts do not depend on the thread count.
    assert_eq!(plan(&study, &spec, &opts(2)).unwrap(), r);
}

/// Seven zones with distinct parameters over two regions with causes: no
/// two placements are exchangeable, 329 placements of up to 4 replicas, so
/// the screens apply; the fast answer must be the exhaustive one.
#[test]
fn fast_search_equals_exhaustive_search() {
    let mut s = Settings::new(10_000, T);
    s.seed = 21;
    let mut study = Study::new(s)
        .region(region("r1", "FR"))
        .region(region("r2", "DE"));
    for i in 0..7 {
        let r = if i < 4 { "r1" } else { "r2" };
        study = study.zone(zone(
            &format!("z{i}"),
            r,
            exp(1500.0 + 400.0 * i as f64),
            exp(4.0 + i as f64),
        ));
    }
    for r in ["r1", "r2"] {
        study = study.common_cause(CommonCause::new(
            format!("{r}-event"),
            [r],
            exp(30_000.0),
            exp(6.0),
        ));
    }
    let spec = PlanSpec::new(Rule::Majority, 4, PlanTarget::new(0.9995, 0.9))
        .with_replica_cost("z0", 1.5)
        .with_replica_cost("z5", 0.7);
    let fast = plan(&study, &spec, &opts(2)).unwrap();
    let exact = plan_exhaustive(&study, &spec, &opts(2)).unwrap();
    let s = fast.screening.as_ref().unwrap();
    assert_eq!(s.classes, 329, "no exchangeable placements here");
    assert!(s.pilot_trials > 0 || s.analytic_cost_cut.is_some(), "{s:?}");
    assert!(s.judged_in_full < 329, "screening dropped something: {s:?}");
    println!("{s:?}");
    assert_eq!(fast.best, exact.best);
    assert_eq!(fast.tied, exact.tied);
    assert_eq!(fast.tied_count, exact.tied_count);
    // And on the catalogue, where zones are exchangeable.
    let cat = catalog::eu_hubs();
    let mut study = Study::new(Settings::new(10_000, T));
    study.regions = cat.regions;
    study.zones = cat.zones;
    study.common_causes = cat.common_causes;
    let spec = PlanSpec::new(Rule::Majority, 4, PlanTarget::new(0.9999, 0.95))
        .with_providers(["alibaba"])
        .with_replica_cost("alibaba-gb-lon-a", 1.2);
    let fast = plan(&study, &spec, &opts(2)).unwrap();
    let exact = plan_exhaustive(&study, &spec, &opts(2)).unwrap();
    let fs = fast.screening.as_ref().unwrap();
    println!("{fs:?}");
    assert!(fs.classes < exact.screening.as_ref().unwrap().classes);
    assert!(
        fs.analytic_cost_cut.is_some() && fs.dropped_by_cost > 0,
        "{fs:?}"
    );
    assert_eq!(
        fast.best.as_ref().map(|b| &b.replicas),
        exact.best.as_ref().map(|b| &b.replicas)
    );
    // Active-passive: only swaps within a zone class, in priority order.
    let ap = PlanSpec::new(
        Rule::ActivePassive {
            failover_hours: 0.25,
        },
        2,
        PlanTarget::new(0.9999, 0.9),
    )
    .with_providers(["alibaba"]);
    let fast = plan(&study, &ap, &opts(2)).unwrap();
    let exact = plan_exhaustive(&study, &ap, &opts(2)).unwrap();
    assert!(fast.screening.as_ref().unwrap().classes < 35);
    assert_eq!(
        fast.best.as_ref().map(|b| &b.replicas),
        exact.best.as_ref().map(|b| &b.replicas)
    );
    assert!(fast.best.is_some());
}
