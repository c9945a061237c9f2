//! `zonesim plan` and `--plot`: a hand-checkable plan, infeasible filters,
//! missing `[plan]`, and the SVG pictures.

use super::*;

/// Three zones with fixed durations and an all-up start, so every trial is
/// the same and each placement's P(meets) is exactly 0 or 1:
/// zone a is down [100,110), [210,220), ... (9 outages in 1000 h: A = 0.91);
/// zones b and c are down [150,160), [310,320), ... (6 outages: A = 0.94) and
/// never overlap a for a positive time. So a alone, b alone and c alone miss
/// 99.9%; a+b and a+c (1 of 2) are never down. Costs a = 1, b = 2, c = 1.5:
/// the cheapest placement meeting the target is a+c at 2.5.
const PLAN: &str = r#"
[simulation]
trials = 200
horizon_hours = 1000
start = "all_up"

[[region]]
id = "r1"
country = "FR"

[[region]]
id = "r2"
country = "DE"

[[zone]]
id = "a"
region = "r1"
time_to_failure = { dist = "fixed", value = 100.0 }
time_to_repair = { dist = "fixed", value = 10.0 }

[[zone]]
id = "b"
region = "r2"
time_to_failure = { dist = "fixed", value = 150.0 }
time_to_repair = { dist = "fixed", value = 10.0 }

[[zone]]
id = "c"
region = "r2"
time_to_failure = { dist = "fixed", value = 150.0 }
time_to_repair = { dist = "fixed", value = 10.0 }

[plan]
rule = { at_least = 1 }
max_replicas = 2
replica_cost = { default = 1.0, b = 2.0, c = 1.5 }
target = { availability = 0.999, in_fraction_of_years = 0.9 }
"#;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write scenario");
    p
}

#[test]
fn plan_finds_the_hand_checked_optimum() {
    let dir = scratch("plan");
    let file = write(&dir, "plan.toml", PLAN);
    let o = zonesim([
        "plan".as_ref(),
        file.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let best = &v["best"];
    assert_eq!(best["replicas"], serde_json::json!(["a", "c"]));
    assert_eq!(best["cost"], 2.5);
    assert_eq!(best["p_meets"], 1.0);
    assert_eq!(best["availability_mean"], 1.0);
    assert!(v["closest"].is_null());
    // Every single zone meets nothing; the frontier is a (cost 1, p 0) then a+c.
    let frontier = v["frontier"].as_array().expect("frontier");
    assert_eq!(
        frontier.first().unwrap()["replicas"],
        serde_json::json!(["a"])
    );
    assert_eq!(frontier.first().unwrap()["p_meets"], 0.0);
    assert_eq!(frontier.first().unwrap()["availability_mean"], 0.91);
    assert_eq!(
        frontier.last().unwrap()["replicas"],
        serde_json::json!(["a", "c"])
    );
    assert_eq!(v["target"]["availability"], 0.999);

    // The table says the same in words.
    let o = zonesim(["plan".as_ref(), file.as_os_str()]);
    assert!(o.status.success());
    let t = stdout(&o);
    assert!(t.contains("best: a + c (cost 2.5)"), "{t}");
    assert!(t.lines().all(|l| l.chars().count() <= 100), "{t}");
}

#[test]
fn plan_reports_closest_when_nothing_qualifies_and_infeasible_filters() {
    let dir = scratch("plan-none");
    // Only zones of FR (zone a alone) may be used: nothing meets the target.
    let file = write(
        &dir,
        "fr.toml",
        &PLAN.replace("[plan]\n", "[plan]\ncountries = [\"FR\"]\n"),
    );
    let o = zonesim([
        "plan".as_ref(),
        file.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert!(v["best"].is_null());
    assert_eq!(v["closest"]["replicas"], serde_json::json!(["a"]));
    let o = zonesim(["plan".as_ref(), file.as_os_str()]);
    assert!(stdout(&o).contains("no placement within the limits meets the target"));

    // Two distinct zones cannot be found in one country with one zone.
    let file = write(
        &dir,
        "fr2.toml",
        &PLAN
            .replace("[plan]\n", "[plan]\ncountries = [\"FR\"]\n")
            .replace("rule = { at_least = 1 }", "rule = { zones_up = 2 }"),
    );
    let o = zonesim([
        "plan".as_ref(),
        file.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert!(v["infeasible"].as_str().expect("reason").contains("zones"));
}

#[test]
fn plan_without_a_plan_table_is_an_input_error() {
    let o = zonesim(["plan".as_ref(), data("fixed_all_up.toml").as_os_str()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no [plan] table"), "{}", stderr(&o));
}

#[test]
fn plots_are_written_whole_or_not_at_all() {
    let dir = scratch("plot");
    let svg = dir.join("ccdf.svg");
    let o = zonesim([
        "run".as_ref(),
        data("fixed_all_up.toml").as_os_str(),
        "--plot".as_ref(),
        svg.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&svg).expect("svg written");
    assert!(text.starts_with("<svg") && text.trim_end().ends_with("</svg>"));
    assert!(text.contains("downtime"), "axis label present");

    let file = write(&dir, "plan.toml", PLAN);
    let frontier = dir.join("frontier.svg");
    let o = zonesim([
        "plan".as_ref(),
        file.as_os_str(),
        "--plot".as_ref(),
        frontier.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&frontier).expect("svg written");
    assert!(text.starts_with("<svg") && text.contains("cost"));

    // A plot into a missing directory fails with exit 1 and leaves nothing.
    let bad = dir.join("missing").join("x.svg");
    let o = zonesim([
        "run".as_ref(),
        data("fixed_all_up.toml").as_os_str(),
        "--plot".as_ref(),
        bad.as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!bad.exists());
    assert!(stderr(&o).contains("x.svg"), "{}", stderr(&o));
}

#[test]
fn bad_constraints_and_windows_are_located_errors() {
    let dir = scratch("plan-constraints");
    let plan = write(
        &dir,
        "plan.toml",
        "catalog = \"eu-hubs\"\n[plan]\nrule = \"majority\"\nmax_replicas = 3\n\
         target = { availability = 0.9999, in_fraction_of_years = 0.95 }\n\
         min_regions = 0\nmust_include = [\"nowhere\"]\nmin_in_countries = { XX = 1 }\n",
    );
    for cmd in ["validate", "plan"] {
        let o = zonesim([cmd.as_ref(), plan.as_os_str()]);
        assert_eq!(o.status.code(), Some(2), "{cmd}");
        let e = stderr(&o);
        for want in [
            "plan.toml:6: plan.min_regions: must be at least 1, got 0",
            "plan.toml:7: plan.must_include[0]: unknown zone or region \"nowhere\"",
            "plan.toml:8: plan.min_in_countries.XX",
        ] {
            assert!(e.contains(want), "{cmd}: {want} in {e}");
        }
        assert!(o.stdout.is_empty(), "{cmd}: nothing on stdout");
    }
    let run = write(
        &dir,
        "run.toml",
        "catalog = \"eu-hubs\"\n[simulation]\ntrials = 100\nsla_window_hours = -3\n\
         sla_credits = [ { below = 0.9, credit = 0.1, extra = 1 } ]\n",
    );
    let o = zonesim(["run".as_ref(), run.as_os_str()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("run.toml:5:") && stderr(&o).contains("unknown field `extra`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn refused_constraints_and_ties_are_said_in_the_table() {
    let o = zonesim([
        "plan",
        "scenarios/plan-france-vs-eu.toml",
        "--trials",
        "5000",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let t = stdout(&o);
    assert!(
        t.contains("constraints: distinct_zones = true, min_regions = 2"),
        "{t}"
    );
    assert!(
        t.contains("tied within noise: 9 placements of cost 3"),
        "{t}"
    );
    assert!(t.lines().all(|l| l.chars().count() <= 100), "{t}");
    let dir = scratch("plan-refused");
    let f = write(
        &dir,
        "fr.toml",
        "catalog = \"eu-hubs\"\n[simulation]\ntrials = 2000\n[plan]\ncountries = [\"FR\"]\n\
         providers = [\"alibaba\"]\nrule = \"majority\"\nmax_replicas = 3\n\
         target = { availability = 0.9999, in_fraction_of_years = 0.95 }\nmin_regions = 2\n",
    );
    let o = zonesim(["plan".as_ref(), f.as_os_str()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let t = stdout(&o);
    assert!(t.contains("refused: no placement"), "{t}");
    assert!(t.contains("which misses: min_regions (by 1)"), "{t}");
    let o = zonesim([
        "plan".as_ref(),
        f.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert!(v["best"].is_null());
    assert_eq!(
        v["closest_violates"],
        serde_json::json!(["min_regions (by 1)"])
    );
}
