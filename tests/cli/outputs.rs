//! Good files: table and JSON output, `--output`, determinism, `validate`
//! and `catalog`.

use crate::{data, run_json, scratch, stderr, stdout, zonesim};

/// The issue's example file, exactly as written, runs in both formats.
#[test]
fn issue_example_runs_as_table_and_json() {
    let f = data("issue3_example.toml");
    let o = zonesim([
        "run".as_ref(),
        f.as_os_str(),
        "--trials".as_ref(),
        "2000".as_ref(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let table = stdout(&o);
    for needle in [
        "paris-2+2",
        "paris-ha-pair",
        "A>=99.99%",
        "Paired comparison",
        "fr-par-b",
    ] {
        assert!(table.contains(needle), "missing {needle:?}:\n{table}");
    }
    assert!(
        table.lines().all(|l| l.chars().count() <= 100),
        "table wider than 100 columns:\n{table}"
    );
    let err = stderr(&o);
    assert!(err.starts_with("ran 2000 trials in "), "{err}");
    assert!(err.contains("trials/s)"), "{err}");

    let r = run_json(&f, &["--trials", "2000"]);
    assert_eq!(r["trials"], 2000);
    assert_eq!(r["seed"], 2026);
    assert_eq!(r["start"], "steady_state");
    assert_eq!(r["deployments"].as_array().map(Vec::len), Some(2));
    let d = &r["deployments"][0];
    for key in [
        "availability",
        "downtime_minutes",
        "outages",
        "longest_outage_minutes",
        "sla",
    ] {
        assert!(!d[key].is_null(), "deployment lacks {key}");
    }
    for p in [
        "p0.1", "p1", "p5", "p10", "p50", "p90", "p95", "p99", "p99.9",
    ] {
        assert!(d["availability"]["percentiles"][p].is_f64(), "{p}");
        assert!(d["downtime_minutes"]["percentiles"][p].is_f64(), "{p}");
    }
    let sla: Vec<f64> = d["sla"]
        .as_array()
        .expect("sla")
        .iter()
        .map(|s| s["target"].as_f64().expect("target"))
        .collect();
    assert_eq!(sla, [0.999, 0.9995, 0.9999]);
    assert_eq!(r["zones"][0]["id"], "fr-par-a");
    assert_eq!(r["comparison"]["baseline"], "paris-2+2");
}

/// stdout holds exactly the result's JSON: no timing, no progress.
#[test]
fn json_stdout_is_only_json() {
    let o = zonesim([
        "run".as_ref(),
        data("fixed_all_up.toml").as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert!(o.status.success());
    let text = stdout(&o);
    let _: zonesim::StudyResult = serde_json::from_str(&text).expect("a StudyResult");
    // The same study through the crate API, serialised: the same bytes.
    let study = zonesim::scenario::Scenario::from_path(data("fixed_all_up.toml"))
        .expect("loads")
        .into_study();
    let result = zonesim::run(&study).expect("runs");
    let direct = serde_json::to_string_pretty(&result).expect("serialise") + "\n";
    assert_eq!(
        text, direct,
        "stdout is exactly the StudyResult's pretty JSON"
    );
    assert!(!text.contains("trials/s"));
    assert!(stderr(&o).contains("ran 64 trials"));
}

/// Same seed, same bytes; and the number of threads does not matter.
#[test]
fn byte_identical_across_runs_and_threads() {
    let f = data("issue3_example.toml");
    let run = |threads: &str| {
        let o = zonesim([
            "run".as_ref(),
            f.as_os_str(),
            "--trials".as_ref(),
            "3000".as_ref(),
            "--seed".as_ref(),
            "7".as_ref(),
            "--threads".as_ref(),
            threads.as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        o.stdout
    };
    let one = run("1");
    assert_eq!(one, run("1"), "two runs with the same seed differ");
    assert_eq!(one, run("2"), "1 and 2 threads differ");
    let v: serde_json::Value = serde_json::from_slice(&one).expect("JSON");
    assert_eq!(v["seed"], 7);
    // A different seed gives different (random) results.
    let other = zonesim([
        "run".as_ref(),
        f.as_os_str(),
        "--trials".as_ref(),
        "3000".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert_ne!(one, other.stdout);
}

/// `--output` writes the same bytes as stdout would, and nothing on stdout.
#[test]
fn output_file_matches_stdout() {
    let d = scratch("output");
    let out = d.join("result.json");
    let f = data("fixed_all_up.toml");
    let o = zonesim([
        "run".as_ref(),
        f.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
        "--output".as_ref(),
        out.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let written = std::fs::read(&out).expect("output written");
    let direct = zonesim([
        "run".as_ref(),
        f.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert_eq!(written, direct.stdout);
    // Overwriting an existing file replaces it whole; no temporary file stays.
    let o = zonesim([
        "run".as_ref(),
        f.as_os_str(),
        "--output".as_ref(),
        out.as_os_str(),
    ]);
    assert!(o.status.success());
    assert!(
        std::fs::read_to_string(&out)
            .expect("read")
            .contains("a-then-b")
    );
    assert_eq!(std::fs::read_dir(&d).expect("list").count(), 1);
}

/// The default study runs with no file and shows the two-zone quorum's weakness.
#[test]
fn default_study_shows_quorum_warning() {
    let o = zonesim(["run", "--trials", "2000"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let t = stdout(&o);
    for name in [
        "single-zone",
        "paris-both-zones",
        "paris-quorum-2+1",
        "paris-quorum+frankfurt",
        "three-hubs-active",
        "paris-to-frankfurt-failover",
    ] {
        assert!(t.contains(name), "missing {name}:\n{t}");
    }
    assert!(
        t.contains("warning: paris-quorum-2+1: a single zone outage takes down the quorum"),
        "{t}"
    );
    // Its members span three zones: no single-zone warning (a region-event
    // warning instead, see no_arguments_runs_the_default_study).
    assert!(
        !t.contains("warning: paris-quorum+frankfurt: a single zone"),
        "{t}"
    );
    assert!(t.lines().all(|l| l.chars().count() <= 100), "{t}");
}

#[test]
fn validate_ok_summary() {
    let o = zonesim(["validate".as_ref(), data("issue3_example.toml").as_os_str()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = stdout(&o);
    assert!(s.starts_with("ok: "), "{s}");
    assert!(
        s.contains("1 region, 2 zones, 1 common cause, 2 deployments"),
        "{s}"
    );
    let o = zonesim(["validate".as_ref(), data("never_down.json").as_os_str()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = zonesim([
        "validate".as_ref(),
        data("catalog_override.toml").as_os_str(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("(catalogue eu-hubs)"));
}

#[test]
fn catalog_table_and_json() {
    let o = zonesim(["catalog"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let t = stdout(&o);
    for needle in [
        "alibaba-fr-par",
        "alibaba-fr-par-a",
        "alibaba-gb-lon",
        "lognormal",
        "source: https://",
        "why:",
    ] {
        assert!(t.contains(needle), "missing {needle:?}:\n{t}");
    }
    let london = t
        .lines()
        .find(|l| l.starts_with("alibaba-gb-lon "))
        .expect("London row");
    assert!(
        london.contains(" GB ") && london.contains(" no "),
        "London is not in the EU: {london}"
    );
    assert!(
        t.lines()
            .all(|l| l.chars().count() <= 100 || l.contains("http")),
        "{t}"
    );

    // JSON is a scenario file (see tests/cli/catalog.rs).
    let o = zonesim(["catalog", "--format", "json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert!(v["region"].as_array().is_some_and(|r| !r.is_empty()));
    assert!(v["zone"].as_array().is_some_and(|z| !z.is_empty()));

    let o = zonesim(["catalog", "--name", "nowhere"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown catalogue \"nowhere\""));
}

/// A catalogue file that only names deployments, with one overridden zone.
#[test]
fn catalogue_scenario_runs() {
    let r = run_json(&data("catalog_override.toml"), &["--trials", "200"]);
    // The overridden zone is down [100,110) of every 200 h horizon.
    let z = r["zones"]
        .as_array()
        .expect("zones")
        .iter()
        .find(|z| z["id"] == "alibaba-fr-par-a")
        .expect("zone");
    assert!(z["mean_availability"].as_f64().expect("a") <= 0.95);
    assert_eq!(r["deployments"][0]["name"], "paris-a");
}

/// The README's main command, `cargo run --release`, is `zonesim` with no
/// arguments: it runs the default study and shows the two-zone quorum warning.
#[test]
fn no_arguments_runs_the_default_study() {
    let o = zonesim(std::iter::empty::<&str>());
    assert!(o.status.success(), "{}", stderr(&o));
    let t = stdout(&o);
    for needle in [
        "single-zone",
        "paris-quorum-2+1",
        "three-hubs-active",
        "warning",
    ] {
        assert!(t.contains(needle), "missing {needle:?}:\n{t}");
    }
    assert!(stderr(&o).contains("ran 100000 trials"), "{}", stderr(&o));
    // The quorum with its third member in Frankfurt spans three zones but
    // still falls with every Paris region event: the table says so.
    assert!(
        t.contains("paris-quorum+frankfurt: one common-cause event takes down the quorum"),
        "{t}"
    );
    assert!(
        t.contains("alibaba-provider-wide-event and 1 other common cause(s) covers 3 of 3 members"),
        "{t}"
    );
    assert!(!t.contains("three-hubs-active: one common-cause"), "{t}");
}
