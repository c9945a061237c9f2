//! Priors in place of numbers: the same model as `[[uncertain]]`, in TOML
//! and JSON, errors at their line, and the two-level closed form.

use super::*;
use crate::engine::RunOptions;

const NESTED: &str = r#"[simulation]
trials = 400
[[region]]
id = "r"
[[zone]]
id = "z"
region = "r"
time_to_failure = { dist = "exponential", mean = { dist = "uniform", low = 300, high = 1500 } }
time_to_repair = { dist = "exponential", mean = 40 }
[[deployment]]
name = "one"
replicas = ["z"]
rule = { at_least = 1 }
[uncertainty]
draws = 400
seed = 11
"#;

fn toml(text: &str) -> Result<Scenario, ScenarioError> {
    Scenario::from_str(text, Format::Toml, "f.toml")
}

/// The `[[uncertain]]` form of `NESTED`, its number at the prior's mean.
fn table_form() -> String {
    NESTED.replace("{ dist = \"uniform\", low = 300, high = 1500 }", "900")
        + "[[uncertain]]\npath = \"zone.z.time_to_failure.mean\"\n\
         prior = { dist = \"uniform\", low = 300, high = 1500 }\n"
}

#[test]
fn nested_toml_json_and_table_forms_are_one_model() {
    let nested = toml(NESTED).unwrap();
    let table = toml(&table_form()).unwrap();
    assert_eq!(nested.study(), table.study());
    assert_eq!(nested.uncertainty(), table.uncertainty());
    assert_eq!(nested.study().zones[0].time_to_failure.mean(), 900.0);
    assert_eq!(nested.nested_priors().len(), 1);
    assert_eq!(nested.nested_priors()[0].line, Some(8));
    assert!(table.nested_priors().is_empty());
    let json = r#"{
  "simulation": { "trials": 400 },
  "region": [{ "id": "r" }],
  "zone": [{ "id": "z", "region": "r",
    "time_to_failure": { "dist": "exponential",
      "mean": { "dist": "uniform", "low": 300, "high": 1500 } },
    "time_to_repair": { "dist": "exponential", "mean": 40 } }],
  "deployment": [{ "name": "one", "replicas": ["z"], "rule": { "at_least": 1 } }],
  "uncertainty": { "draws": 400, "seed": 11 }
}"#;
    let json = Scenario::from_str(json, Format::Json, "f.json").unwrap();
    assert_eq!(json.study(), nested.study());
    assert_eq!(json.uncertainty(), nested.uncertainty());
    assert_eq!(json.nested_priors()[0].line, Some(5));
}

/// The closed form of `uncertainty::tests`: exponential up times whose mean
/// is uniform on [a, b], exponential repairs of mean r: the pooled
/// availability is 1 - r / (b - a) ln((b + r) / (a + r)). The nested form
/// gives the very numbers of the table form.
#[test]
fn the_nested_form_meets_the_closed_form() {
    let (a, b, r) = (300.0f64, 1500.0, 40.0);
    let nested = toml(NESTED).unwrap();
    let spec = nested.uncertainty().unwrap();
    let res = spec.run(nested.study(), &RunOptions::default()).unwrap();
    let exact = 1.0 - r / (b - a) * ((b + r) / (a + r)).ln();
    let d = &res.deployments[0].availability;
    let se = d.std / (res.draws as f64).sqrt();
    assert!(
        (d.mean - exact).abs() < 4.0 * se,
        "{} vs {exact} (se {se})",
        d.mean
    );
    let table = toml(&table_form()).unwrap();
    let same = table
        .uncertainty()
        .unwrap()
        .run(table.study(), &RunOptions::default());
    assert_eq!(res, same.unwrap());
}

#[test]
fn a_bad_prior_is_reported_at_its_line() {
    let bad = NESTED.replace("low = 300", "low = -300");
    let e = toml(&bad).unwrap_err().to_string();
    assert_eq!(
        e,
        "f.toml:8:50: zone[0].time_to_failure.mean: the prior: uniform needs 0 <= low < high, \
         got low = -300, high = 1500"
    );
    // A prior whose mean the law refuses (uniform low above high).
    let bad = NESTED.replace(
        "{ dist = \"exponential\", mean = { dist = \"uniform\", low = 300, high = 1500 } }",
        "{ dist = \"uniform\", low = { dist = \"fixed\", value = 9 }, high = 5 }",
    );
    let e = toml(&bad).unwrap_err().to_string();
    assert!(e.starts_with("f.toml:8:"), "{e}");
    assert!(e.contains("with each prior at its mean: "), "{e}");
    // A prior inside a prior.
    let bad = NESTED.replace("low = 300", "low = { dist = \"fixed\", value = 300 }");
    let e = toml(&bad).unwrap_err().to_string();
    assert!(
        e.starts_with("f.toml:8:")
            && e.contains("zone[0].time_to_failure.mean: the prior: ")
            && e.contains("expected f64"),
        "{e}"
    );
    // A string where a number goes.
    let bad = NESTED.replace("mean = 40", "mean = \"forty\"");
    let e = toml(&bad).unwrap_err().to_string();
    assert!(
        e.starts_with("f.toml:9:18: zone[0].time_to_repair: ")
            && e.contains("invalid type: string \"forty\", expected f64"),
        "{e}"
    );
    // JSON: the line of the prior.
    let json = "{\"region\": [{\"id\": \"r\"}],\n\"zone\": [{\"id\": \"z\", \"region\": \"r\",\n\
                \"time_to_repair\": {\"dist\": \"exponential\", \"mean\": 4},\n\
                \"time_to_failure\": {\"dist\": \"exponential\", \"mean\": {\"dist\": \"gamma\", \"shape\": 0}}}]}";
    let e = Scenario::from_str(json, Format::Json, "f.json")
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("f.json:4:"), "{e}");
    assert!(
        e.contains("zone[0].time_to_failure.mean: the prior: "),
        "{e}"
    );
}

#[test]
fn priors_in_place_anywhere_a_duration_has_a_number() {
    let text = r#"catalog = "eu-hubs"
[[common_cause]]
name = "fire"
affects = ["alibaba-fr-par-a"]
time_to_failure = { dist = "exponential", mean = { dist = "lognormal", median = 87600, sigma = 1 } }
time_to_repair = { dist = "lognormal", median = 12, sigma = { dist = "uniform", low = 1, high = 2 } }
zone_recovery = { dist = "weibull", shape = 1.5, scale = { dist = "gamma", shape = 4, scale = 25 } }
[[zone]]
id = "alibaba-fr-par-b"
time_to_repair = { dist = "lognormal", median = { dist = "lognormal", median = 2, sigma = 0.5 }, sigma = 1.5 }
[[deployment]]
name = "pair"
replicas = ["alibaba-fr-par-a", "alibaba-fr-par-b"]
rule = { at_least = 1 }
replica_failures = { time_to_failure = { dist = "exponential", mean = 8760 }, time_to_repair = { dist = "fixed", value = { dist = "uniform", low = 0.5, high = 1.5 } } }
"#;
    let s = toml(text).unwrap();
    let paths: Vec<(&str, Option<usize>)> = s
        .nested_priors()
        .iter()
        .map(|n| (n.path.as_str(), n.line))
        .collect();
    assert_eq!(
        paths,
        [
            ("zone.alibaba-fr-par-b.time_to_repair.median", Some(10)),
            ("common_cause.fire.time_to_failure.mean", Some(5)),
            ("common_cause.fire.time_to_repair.sigma", Some(6)),
            ("common_cause.fire.zone_recovery.scale", Some(7)),
            (
                "deployment.pair.replica_failures.time_to_repair.value",
                Some(15)
            ),
        ]
    );
    let spec = s.uncertainty().unwrap();
    assert_eq!(spec.params.len(), 5);
    assert_eq!(spec.draws, crate::uncertainty::DEFAULT_DRAWS);
    let d = &s.study().deployments[0];
    let rf = d.replica_failures.as_ref().unwrap();
    assert_eq!(
        rf.time_to_repair,
        crate::distributions::Duration::fixed(1.0).unwrap()
    );
    // Point commands are refused, each prior named at its line.
    let e = s.require_point_values().unwrap_err();
    let lines = e.lines();
    assert_eq!(lines.len(), 5);
    assert!(
        lines[0].starts_with("f.toml:10: zone \"alibaba-fr-par-b\".time_to_repair: "),
        "{}",
        lines[0]
    );
    assert!(
        lines[4].starts_with("f.toml:15: deployment[0] \"pair\".replica_failures.time_to_repair: "),
        "{}",
        lines[4]
    );
    assert!(lines[0].contains("`zonesim uncertain`"));
    assert!(toml(&table_form()).unwrap().require_point_values().is_ok());
}

#[test]
fn a_parameter_given_twice_is_refused() {
    let text = NESTED.to_string()
        + "[[uncertain]]\npath = \"zone.z.time_to_failure.mean\"\n\
           prior = { dist = \"uniform\", low = 1, high = 2 }\n";
    let e = toml(&text).unwrap_err().to_string();
    assert!(
        e.contains(
            "uncertain[0].path: zone.z.time_to_failure.mean already has a prior in place (line 8)"
        ),
        "{e}"
    );
}
