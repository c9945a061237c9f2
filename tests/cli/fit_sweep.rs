//! `zonesim fit`, `zonesim sweep` and `zonesim uncertain` (issue 15): the
//! outputs a user pastes or reads, and bad input named with its line.

use std::path::PathBuf;

use crate::{scratch, stderr, stdout, zonesim};

fn write(dir: &std::path::Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p
}

/// Two zones over 1000 h: a (outages 100-102, 500-504), b (300-301). Up
/// times a: 100, 398, 496+ (censored); b: 300, 699+. Total up time 1993 h
/// over 3 failures: the exponential mean is 1993 / 3 exactly.
const LOG: &str = "# test log\nzone,start,end\nalibaba-fr-par-a,100,102\nalibaba-fr-par-b,300,301\nalibaba-fr-par-a,500,504\n";

#[test]
fn fit_prints_overrides_a_scenario_accepts() {
    let dir = scratch("fit");
    let log = write(&dir, "log.csv", LOG);
    let o = zonesim([
        "fit".as_ref(),
        log.as_os_str(),
        "--window-hours".as_ref(),
        "1000".as_ref(),
        "--ttf-family".as_ref(),
        "exponential".as_ref(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let toml = stdout(&o);
    assert!(toml.contains("id = \"alibaba-fr-par-a\""), "{toml}");
    assert!(toml.contains("id = \"alibaba-fr-par-b\""), "{toml}");
    let mean = format!("mean = {}", (1993.0f64 / 3.0 * 1000.0).round() / 1000.0);
    assert!(toml.contains(&mean), "{mean} not in {toml}");
    // The overrides, pasted under a catalogue scenario, validate.
    let scenario = format!(
        "catalog = \"eu-hubs\"\n[simulation]\ntrials = 100\n{toml}\n[[deployment]]\nname = \"p\"\nreplicas = [\"alibaba-fr-par-a\"]\nrule = {{ at_least = 1 }}\n"
    );
    let file = write(&dir, "s.toml", &scenario);
    let v = zonesim(["validate".as_ref(), file.as_os_str()]);
    assert!(v.status.success(), "{}\n{scenario}", stderr(&v));

    let o = zonesim([
        "fit".as_ref(),
        log.as_os_str(),
        "--window-hours".as_ref(),
        "1000".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(j["time_to_failure"]["observed"], 3);
    assert_eq!(j["time_to_failure"]["censored"], 2);
    let fits = j["time_to_repair"]["fits"].as_array().expect("fits");
    assert!(
        fits.iter()
            .all(|f| f["aic"].is_number() && f["ks"].is_number())
    );
}

#[test]
fn fit_names_the_bad_row() {
    let dir = scratch("fit-bad");
    let log = write(&dir, "log.csv", "zone,start,end\na,1,2\na,x,4\n");
    let out = dir.join("out.toml");
    let o = zonesim([
        "fit".as_ref(),
        log.as_os_str(),
        "--window-hours".as_ref(),
        "10".as_ref(),
        "--output".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("log.csv:3: start: expected hours"), "{e}");
    assert!(!out.exists());
    // A zone with no outage cannot give a time to failure: said plainly.
    let log = write(&dir, "quiet.csv", "zone,start,end\n");
    let o = zonesim([
        "fit".as_ref(),
        log.as_os_str(),
        "--window-hours".as_ref(),
        "10".as_ref(),
        "--no-outages".as_ref(),
        "a".as_ref(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("lower bound"), "{}", stderr(&o));
    let o = zonesim([
        "fit".as_ref(),
        log.as_os_str(),
        "--window".as_ref(),
        "2025..".as_ref(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--window"), "{}", stderr(&o));
}

const SCENARIO: &str = r#"
[simulation]
trials = 300
horizon_hours = 8760
[[region]]
id = "r"
country = "FR"
[[zone]]
id = "r-a"
region = "r"
time_to_failure = { dist = "exponential", mean = 2000 }
time_to_repair = { dist = "lognormal", median = 2, sigma = 1.5 }
[[zone]]
id = "r-b"
region = "r"
time_to_failure = { dist = "exponential", mean = 2000 }
time_to_repair = { dist = "exponential", mean = 10 }
[[deployment]]
name = "one"
replicas = ["r-a"]
rule = { at_least = 1 }
[[deployment]]
name = "ap"
replicas = ["r-a", "r-b"]
rule = { active_passive = { failover_hours = 0.25 } }

[[sweep.axis]]
path = "deployment.ap.rule.active_passive.failover_hours"
values = [0, 0.5, 2]

[[sweep.range]]
label = "repair of a"
path = "zone.r-a.time_to_repair.median"
low = 1
high = 8

[[uncertain]]
path = "zone.*.time_to_failure.mean"
prior = { dist = "uniform", low = 1000, high = 3000 }

[uncertainty]
draws = 8
"#;

#[test]
fn sweep_from_the_file_and_from_set() {
    let dir = scratch("sweep");
    let file = write(&dir, "s.toml", SCENARIO);
    let svg = dir.join("s.svg");
    let o = zonesim([
        "sweep".as_ref(),
        file.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
        "--plot".as_ref(),
        svg.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let pts = j["points"].as_array().expect("points");
    assert_eq!(pts.len(), 3);
    let ap: Vec<f64> = pts
        .iter()
        .map(|p| p["deployments"][1]["downtime_minutes"].as_f64().unwrap())
        .collect();
    assert!(ap[0] < ap[1] && ap[1] < ap[2], "{ap:?}");
    assert!(std::fs::read_to_string(&svg).unwrap().contains("<svg"));

    let o = zonesim([
        "sweep",
        file.to_str().unwrap(),
        "--set",
        "zone.r-b.time_to_repair.mean=1,2",
        "--set",
        "deployment.ap.rule.active_passive.failover_hours=0.1,0.2",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let t = stdout(&o);
    assert_eq!(t.lines().filter(|l| l.contains(" ap ")).count(), 4, "{t}");

    let o = zonesim([
        "sweep",
        file.to_str().unwrap(),
        "--set",
        "zone.nope.time_to_repair.mean=1",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no zone matches \"nope\""),
        "{}",
        stderr(&o)
    );
}

#[test]
fn tornado_and_uncertain_from_the_file() {
    let dir = scratch("tornado");
    let file = write(&dir, "s.toml", SCENARIO);
    let o = zonesim(["sweep", file.to_str().unwrap(), "--tornado"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let t = stdout(&o);
    assert!(
        t.contains("Tornado for one") && t.contains("repair of a"),
        "{t}"
    );

    let o = zonesim(["uncertain", file.to_str().unwrap(), "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(j["parameter_sets"].as_array().unwrap().len(), 8);
    assert_eq!(j["pairs"][0]["first"], "one");
}

#[test]
fn bad_sweep_and_uncertain_tables_are_located() {
    let dir = scratch("sweep-bad");
    let text = SCENARIO
        .replace(
            "zone.r-a.time_to_repair.median",
            "zone.r-a.time_to_repair.shape",
        )
        .replace("zone.*.time_to_failure.mean", "zone.q.time_to_failure.mean");
    let file = write(&dir, "bad.toml", &text);
    let o = zonesim(["validate", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    let line = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    assert!(
        e.contains(&format!(
            "bad.toml:{}: sweep.range[0].path",
            line("time_to_repair.shape")
        )),
        "{e}"
    );
    assert!(
        e.contains("lognormal distribution has no parameter \"shape\""),
        "{e}"
    );
    assert!(
        e.contains(&format!("bad.toml:{}: uncertain[0].path", line("zone.q."))),
        "{e}"
    );
}

/// A prior in place of a number: `validate` and `uncertain` take it, `run`
/// refuses the file, naming the parameter at its line; a maintenance window
/// is a sweep axis.
#[test]
fn nested_priors_feed_uncertain_and_stop_run() {
    let dir = scratch("nested-prior");
    let text = SCENARIO
        .replace(
            "time_to_repair = { dist = \"exponential\", mean = 10 }",
            "time_to_repair = { dist = \"exponential\", mean = { dist = \"lognormal\", median = 10, sigma = 0.5 } }",
        )
        + "[[maintenance]]\nname = \"patch\"\nzones = [\"r-a\"]\nevery_hours = 720\nduration_hours = 2\n";
    let file = write(&dir, "nested.toml", &text);
    let line = text
        .lines()
        .position(|l| l.contains("median = 10"))
        .unwrap()
        + 1;
    let o = zonesim(["validate", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = zonesim(["run", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains(&format!(
            "nested.toml:{line}: zone \"r-b\".time_to_repair: zone.r-b.time_to_repair.mean is given as a distribution"
        )),
        "{e}"
    );
    assert!(e.contains("zonesim uncertain"), "{e}");
    let o = zonesim(["uncertain", file.to_str().unwrap(), "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let paths: Vec<&str> = j["params"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "zone.r-b.time_to_repair.mean",
            "zone.*.time_to_failure.mean"
        ]
    );
    let o = zonesim([
        "sweep",
        file.to_str().unwrap(),
        "--set",
        "maintenance.patch.duration_hours=1,4",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = zonesim([
        "sweep",
        file.to_str().unwrap(),
        "--set",
        "maintenance.pach.duration_hours=1,4",
    ]);
    assert_ne!(o.status.code(), Some(0));
    assert!(
        stderr(&o).contains("no maintenance matches \"pach\" (the study has: patch)"),
        "{}",
        stderr(&o)
    );
}
