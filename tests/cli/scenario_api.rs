//! Scenario loading through the crate API: the schema, defaults, catalogue
//! overrides, plan files and error positions.

use zonesim::deployment::Rule;
use zonesim::distributions::Duration;
use zonesim::scenario::{Format, Scenario, ScenarioError};
use zonesim::study::{DEFAULT_SEED, Start};

use crate::data;

#[test]
fn issue_example_is_read_exactly() {
    let s = Scenario::from_path(data("issue3_example.toml")).expect("example loads");
    let st = s.study();
    assert_eq!(st.simulation.trials, 100_000);
    assert_eq!(st.simulation.horizon_hours, 8760.0);
    assert_eq!(st.simulation.seed, 2026);
    assert_eq!(st.simulation.start, Start::SteadyState);
    assert_eq!(st.simulation.sla_targets, [0.999, 0.9995, 0.9999]);
    assert_eq!(st.regions.len(), 1);
    assert_eq!(st.regions[0].country, "FR");
    assert!(st.regions[0].is_in_eu());
    assert_eq!(
        st.zones[0].time_to_failure,
        Duration::exponential(43800.0).unwrap()
    );
    assert_eq!(
        st.zones[0].time_to_repair,
        Duration::lognormal(2.0, 1.5).unwrap()
    );
    assert_eq!(
        st.zones[1].time_to_failure,
        Duration::weibull(0.8, 40000.0).unwrap()
    );
    assert_eq!(
        st.zones[1].time_to_repair,
        Duration::empirical(vec![0.5, 1.2, 3.0, 9.7, 14.0]).unwrap()
    );
    assert_eq!(st.common_causes[0].affects, ["fr-par"]);
    assert_eq!(
        st.common_causes[0].time_to_repair,
        Duration::gamma(2.0, 3.0).unwrap()
    );
    assert_eq!(st.deployments[0].rule, Rule::AtLeast(2));
    assert_eq!(st.deployments[0].replicas.len(), 4);
    assert_eq!(st.deployments[1].rule, Rule::active_passive(0.25));
    let rf = st.deployments[1]
        .replica_failures
        .as_ref()
        .expect("replica failures");
    assert_eq!(rf.time_to_repair, Duration::fixed(0.5).unwrap());
    assert!(s.plan().is_none());
    assert!(s.catalog().is_none());
}

/// TOML and JSON are one schema: the study written as JSON reads back equal.
#[test]
fn json_is_the_same_schema() {
    let toml = Scenario::from_path(data("issue3_example.toml")).expect("loads");
    let json = serde_json::to_string_pretty(toml.study()).expect("serialise");
    let back = Scenario::from_str(&json, Format::Json, "example.json").expect("JSON loads");
    assert_eq!(back.study(), toml.study());
}

#[test]
fn defaults_when_left_out() {
    let text = "[[region]]\nid = \"r\"\n[[zone]]\nid = \"z\"\nregion = \"r\"\n\
                time_to_failure = { dist = \"exponential\", mean = 1000.0 }\n\
                time_to_repair = { dist = \"fixed\", value = 1.0 }\n\
                [[deployment]]\nname = \"d\"\nreplicas = [\"z\"]\nrule = \"majority\"\n";
    let s = Scenario::from_str(text, Format::Toml, "min.toml").expect("loads");
    let sim = &s.study().simulation;
    assert_eq!(sim.trials, 100_000);
    assert_eq!(sim.horizon_hours, 8760.0);
    assert_eq!(sim.seed, DEFAULT_SEED);
    assert_eq!(sim.seed, 2026);
    assert_eq!(sim.start, Start::SteadyState);
    assert_eq!(sim.sla_targets, [0.999, 0.9995, 0.9999]);
    assert_eq!(sim.baseline, None);
}

#[test]
fn catalogue_entries_and_overrides() {
    let s = Scenario::from_path(data("catalog_override.toml")).expect("loads");
    let cat = zonesim::catalog::catalog("eu-hubs").expect("catalogue");
    let st = s.study();
    assert_eq!(s.catalog(), Some("eu-hubs"));
    assert_eq!(st.zones.len(), cat.zones.len(), "an override adds no zone");
    assert_eq!(st.regions.len(), cat.regions.len());
    assert_eq!(st.common_causes, cat.common_causes);
    let a = st
        .zones
        .iter()
        .find(|z| z.id == "alibaba-fr-par-a")
        .expect("zone");
    assert_eq!(a.region, "alibaba-fr-par", "region kept from the catalogue");
    assert_eq!(a.time_to_failure, Duration::fixed(100.0).unwrap());
    assert_eq!(a.time_to_repair, Duration::fixed(10.0).unwrap());
    let b = st
        .zones
        .iter()
        .find(|z| z.id == "alibaba-fr-par-b")
        .expect("zone");
    let cat_b = cat
        .zones
        .iter()
        .find(|z| z.id == "alibaba-fr-par-b")
        .expect("zone");
    assert_eq!(b, cat_b, "other zones untouched");
    let par = st
        .regions
        .iter()
        .find(|r| r.id == "alibaba-fr-par")
        .expect("region");
    assert_eq!(par.name, "Paris (renamed)");
    assert_eq!(par.country, "FR", "country kept from the catalogue");
    let lon = st
        .regions
        .iter()
        .find(|r| r.id == "alibaba-gb-lon")
        .expect("London");
    assert!(!lon.is_in_eu(), "London is not in the EU");
}

#[test]
fn new_zone_must_be_complete() {
    let text = "catalog = \"eu-hubs\"\n[[zone]]\nid = \"my-zone\"\nregion = \"alibaba-fr-par\"\n";
    let err = Scenario::from_str(text, Format::Toml, "z.toml").unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("z.toml:3: zone \"my-zone\": missing field `time_to_failure`"),
        "{msg}"
    );
    assert!(msg.contains("missing field `time_to_repair`"), "{msg}");
    let text = "[[zone]]\nid = \"z\"\n";
    let msg = Scenario::from_str(text, Format::Toml, "z.toml")
        .unwrap_err()
        .to_string();
    assert!(msg.contains("missing field `region`"), "{msg}");
    assert!(
        !msg.contains("unknown region"),
        "one problem per missing field: {msg}"
    );
}

#[test]
fn plan_file_needs_no_deployments() {
    let text = r#"
catalog = "eu-hubs"

[plan]
candidate_zones = ["alibaba-fr-par-a", "alibaba-fr-par-b", "alibaba-de-fra-a"]
rule = "majority"
max_replicas = 5
replica_cost = { default = 1.0, "alibaba-de-fra-a" = 1.3 }
target = { availability = 0.9999, in_fraction_of_years = 0.95 }
"#;
    let s = Scenario::from_str(text, Format::Toml, "plan.toml").expect("plan loads");
    let plan = s.plan().expect("plan");
    assert_eq!(plan.max_replicas, 5);
    assert_eq!(plan.rule, Rule::Majority);
    assert!(s.study().deployments.is_empty());

    let bad = text
        .replace("\"alibaba-de-fra-a\"]", "\"de-fra-z\"]")
        .replace("in_fraction_of_years = 0.95", "in_fraction_of_years = 1.5");
    let err = Scenario::from_str(&bad, Format::Toml, "plan.toml").unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("plan.toml:5: plan.candidate_zones[2]: unknown zone \"de-fra-z\""),
        "{msg}"
    );
    assert!(
        msg.contains("plan.target.in_fraction_of_years: must be in (0, 1]"),
        "{msg}"
    );
}

#[test]
fn json_errors_have_positions() {
    let text = "{\n  \"simulation\": { \"trials\": 10 },\n  \"zone\": [ { \"id\": \"z\", \"colour\": 1 } ]\n}\n";
    match Scenario::from_str(text, Format::Json, "x.json").unwrap_err() {
        ScenarioError::Parse {
            line,
            column,
            field,
            message,
            ..
        } => {
            assert_eq!(line, Some(3));
            assert!(column.is_some());
            assert_eq!(field, "zone[0].colour");
            assert!(message.contains("unknown field `colour`"), "{message}");
        }
        other => panic!("expected a parse error, got {other}"),
    }
    let err = Scenario::from_str("{} x", Format::Json, "x.json").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("x.json:1:4: trailing characters"),
        "{err}"
    );
}

#[test]
fn errors_convert_to_the_umbrella_error() {
    let err = Scenario::from_str("[[zone]]\nid = 1\n", Format::Toml, "e.toml").unwrap_err();
    let e: zonesim::Error = err.into();
    assert!(e.to_string().starts_with("e.toml:2:"), "{e}");
}

#[test]
fn catalogue_zone_overridden_twice_is_a_problem() {
    let text = "catalog = \"eu-hubs\"\n\
                [[zone]]\nid = \"alibaba-fr-par-a\"\ntime_to_repair = { dist = \"fixed\", value = 1.0 }\n\
                [[zone]]\nid = \"alibaba-fr-par-a\"\ntime_to_repair = { dist = \"fixed\", value = 2.0 }\n";
    let msg = Scenario::from_str(text, Format::Toml, "twice.toml")
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("zone \"alibaba-fr-par-a\": id is used twice"),
        "{msg}"
    );
}

#[test]
fn not_a_table() {
    let msg = Scenario::from_str("[]", Format::Json, "arr.json")
        .unwrap_err()
        .to_string();
    assert!(msg.starts_with("arr.json:1:"), "{msg}");
    assert!(msg.contains("expected a scenario"), "{msg}");
}
