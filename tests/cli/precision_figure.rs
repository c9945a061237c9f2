//! `--precision-figure` and `[simulation] precision.figure` (issue 11): a
//! target precision on a named figure. The same JSON on 1 and 2 threads; the
//! run stops at the first checkpoint where every deployment's figure, as the
//! JSON of a plain run of that many trials reports it, is within the target,
//! and not at the checkpoint before; bad names are refused with a clear
//! message.

use std::path::Path;

use serde_json::Value;

use super::{scratch, stderr, zonesim};

/// Two single-zone deployments that miss a 99.9% month often (a few hours
/// down a month), so `p_misses_sla:0.999` is a figure to be precise about.
const STUDY: &str = r#"
[simulation]
trials = 1000000
horizon_hours = 720
seed = 11

[[region]]
id = "r1"
name = "R1"
provider = "p1"
country = "FR"

[[zone]]
id = "a"
region = "r1"
time_to_failure = { dist = "exponential", mean = 900.0 }
time_to_repair = { dist = "exponential", mean = 3.0 }

[[zone]]
id = "b"
region = "r1"
time_to_failure = { dist = "weibull", shape = 1.5, scale = 1500.0 }
time_to_repair = { dist = "lognormal", median = 1.0, sigma = 1.0 }

[[deployment]]
name = "in-a"
replicas = ["a"]
rule = { at_least = 1 }

[[deployment]]
name = "in-b"
replicas = ["b"]
rule = { at_least = 1 }
"#;

const WINDOW: u64 = 16_384;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn json(args: &[&str]) -> Value {
    let o = zonesim(args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// Each deployment's `p_misses_sla:target` relative half-width as the
/// JSON's `sla` entry gives it: half its Wilson interval over `1 - p_meets`.
fn misses_half_widths(r: &Value, target: f64) -> Vec<f64> {
    r["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let sla = d["sla"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["target"].as_f64() == Some(target))
                .unwrap();
            let p = sla["p_meets"].as_f64().unwrap();
            let lo = sla["p_meets_ci95"][0].as_f64().unwrap();
            let hi = sla["p_meets_ci95"][1].as_f64().unwrap();
            (hi - lo) / 2.0 / (1.0 - p)
        })
        .collect()
}

#[test]
fn a_named_figure_stops_at_its_checkpoint() {
    let dir = scratch("precision-figure");
    let study = dir.join("study.toml");
    std::fs::write(&study, STUDY).unwrap();
    let rel = 0.02;
    let run = |threads: &str| {
        json(&[
            "run",
            s(&study),
            "--precision",
            "0.02",
            "--precision-figure",
            "p_misses_sla:0.999",
            "--threads",
            threads,
            "--format",
            "json",
        ])
    };
    let (one, two) = (run("1"), run("2"));
    assert_eq!(one, two, "1 and 2 threads");
    let p = &one["precision"];
    assert_eq!(p["figure"], "p_misses_sla:0.999");
    assert_eq!(p["met"], true);
    let m = one["trials"].as_u64().unwrap();
    assert_eq!(p["trials"].as_u64(), Some(m));
    assert_eq!(m % WINDOW, 0);
    assert_eq!(p["checkpoints"].as_u64(), Some(m / WINDOW));
    assert!(m >= 2 * WINDOW, "stops after a few checkpoints: {m}");

    // The result is the plain run's of m trials, with the figures it judged.
    let at = json(&[
        "run",
        s(&study),
        "--trials",
        &m.to_string(),
        "--format",
        "json",
    ]);
    let mut without = one.clone();
    without.as_object_mut().unwrap().remove("precision");
    assert_eq!(without, at);
    let widths = misses_half_widths(&at, 0.999);
    let judged: Vec<f64> = p["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["relative_half_width"].as_f64().unwrap())
        .collect();
    assert_eq!(judged, widths);
    assert!(widths.iter().all(|&w| w <= rel), "{widths:?}");
    // One checkpoint earlier, some deployment was not within the target.
    let before = json(&[
        "run",
        s(&study),
        "--trials",
        &(m - WINDOW).to_string(),
        "--format",
        "json",
    ]);
    let widths = misses_half_widths(&before, 0.999);
    assert!(widths.iter().any(|&w| w > rel), "{widths:?}");
    assert!(
        stderr(&zonesim([
            "run",
            s(&study),
            "--precision",
            "0.02",
            "--precision-figure",
            "p_misses_sla:0.999"
        ]))
        .contains("within ±2.00% on p_misses_sla:0.999 after")
    );
}

/// `figure = "..."` in the file; `--precision` keeps the file's figure and
/// `--precision-figure` replaces it.
#[test]
fn the_figure_in_the_file() {
    let dir = scratch("precision-figure-file");
    let f = dir.join("p.toml");
    let text = STUDY.replace(
        "seed = 11",
        "seed = 11\nprecision = { relative_half_width = 0.05, figure = \"downtime_mean\" }",
    );
    std::fs::write(&f, text).unwrap();
    let r = json(&["run", s(&f), "--format", "json", "--threads", "2"]);
    assert_eq!(r["precision"]["figure"], "downtime_mean");
    assert_eq!(r["precision"]["met"], true);
    let r1 = json(&["run", s(&f), "--format", "json", "--threads", "1"]);
    assert_eq!(r, r1);
    // The mean downtime's relative interval is the crude unavailability's.
    for (d, c) in r["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .zip(r["precision"]["deployments"].as_array().unwrap())
    {
        let u = &d["unavailability"];
        let want = zonesim::stats::Z95 * u["relative_error"].as_f64().unwrap();
        assert_eq!(c["relative_half_width"].as_f64().unwrap(), want);
    }
    let r = json(&["run", s(&f), "--format", "json", "--precision", "0.1"]);
    assert_eq!(r["precision"]["figure"], "downtime_mean");
    assert_eq!(r["precision"]["relative_half_width"], 0.1);
    let r = json(&[
        "run",
        s(&f),
        "--format",
        "json",
        "--precision-figure",
        "p_meets_sla:0.9999",
    ]);
    assert_eq!(r["precision"]["figure"], "p_meets_sla:0.9999");
    assert_eq!(r["precision"]["relative_half_width"], 0.05);
}

/// Bad names and targets: exit 2 with the accepted names, or the field and
/// the study's targets; a figure with no target is refused.
#[test]
fn bad_figures_are_refused() {
    let dir = scratch("precision-figure-bad");
    let study = dir.join("study.toml");
    std::fs::write(&study, STUDY).unwrap();
    let refused = |args: &[&str], want: &[&str]| {
        let o = zonesim(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let e = stderr(&o);
        for w in want {
            assert!(e.contains(w), "{args:?}: {e}");
        }
    };
    let with = |figure: &'static str| {
        vec![
            "run",
            s(&study),
            "--precision",
            "0.05",
            "--precision-figure",
            figure,
        ]
    };
    refused(
        &with("p95"),
        &[
            "unknown figure \"p95\"",
            "downtime_mean",
            "p_meets_sla:<target>",
        ],
    );
    refused(
        &with("p_meets_sla:x"),
        &["SLA target must be a number in (0, 1]"],
    );
    refused(
        &with("p_misses_sla:1.5"),
        &["SLA target must be a number in (0, 1]"],
    );
    refused(
        &with("p_meets_sla:0.5"),
        &[
            "simulation.precision.figure",
            "0.5 is not one of the study's SLA targets [0.999, 0.9995, 0.9999]",
        ],
    );
    refused(
        &["run", s(&study), "--precision-figure", "downtime_mean"],
        &["--precision-figure needs a target"],
    );
    let f = dir.join("bad.toml");
    let text = STUDY.replace(
        "seed = 11",
        "seed = 11\nprecision = { relative_half_width = 0.05, figure = \"median\" }",
    );
    std::fs::write(&f, text).unwrap();
    refused(&["run", s(&f)], &["bad.toml", "unknown figure \"median\""]);
}
