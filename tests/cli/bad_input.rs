//! Bad input: each kind gives exit code 2, a message naming the file, the
//! line (and column where the parser knows it) and the offending field or id,
//! no panic, and no output file.

use std::path::{Path, PathBuf};

use crate::{data, scratch, stderr, zonesim};

/// The issue's example with one textual replacement, written to a scratch file.
fn variant(dir: &Path, name: &str, from: &str, to: &str) -> PathBuf {
    let text = std::fs::read_to_string(data("issue3_example.toml")).expect("example");
    assert!(text.contains(from), "{from:?} not in the example");
    let path = dir.join(name);
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write variant");
    path
}

/// Runs `zonesim run FILE --output OUT` and checks exit code 2, that stderr
/// holds every `needle`, and that OUT was not written.
fn rejected(file: &Path, needles: &[&str]) -> String {
    let out = file.with_extension("out.json");
    let o = zonesim([
        "run".as_ref(),
        file.as_os_str(),
        "--trials".as_ref(),
        "100".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        "--output".as_ref(),
        out.as_os_str(),
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "stderr: {err}");
    assert!(!err.contains("panicked"), "{err}");
    for n in needles {
        assert!(err.contains(n), "missing {n:?} in: {err}");
    }
    assert!(o.stdout.is_empty(), "nothing on stdout");
    assert!(!out.exists(), "no output file may be written");
    let leftovers: Vec<_> = std::fs::read_dir(file.parent().expect("dir"))
        .expect("list")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    err
}

#[test]
fn malformed_toml() {
    let d = scratch("malformed-toml");
    let f = variant(&d, "bad.toml", "[[zone]]", "[[zone]");
    rejected(&f, &["bad.toml:14:", "expected"]);
}

#[test]
fn malformed_json() {
    let d = scratch("malformed-json");
    let text = std::fs::read_to_string(data("never_down.json")).expect("read");
    let f = d.join("bad.json");
    std::fs::write(
        &f,
        text.replacen("\"start\": \"all_up\",", "\"start\": \"all_up\"", 1),
    )
    .expect("write");
    rejected(&f, &["bad.json:6:5:", "simulation", "expected `,` or `}`"]);
}

#[test]
fn unknown_field() {
    let d = scratch("unknown-field");
    let f = variant(
        &d,
        "bad.toml",
        "rule = { at_least = 2 }",
        "rule = { at_least = 2 }\ncolour = \"red\"",
    );
    rejected(
        &f,
        &[
            "bad.toml:36:1:",
            "deployment[0].colour",
            "unknown field `colour`",
        ],
    );
}

#[test]
fn unknown_field_in_distribution() {
    let d = scratch("unknown-dist-field");
    let f = variant(
        &d,
        "bad.toml",
        "mean = 43800.0",
        "mean = 43800.0, rate = 2.0",
    );
    rejected(&f, &["bad.toml:17:", "zone[0].time_to_failure", "rate"]);
}

#[test]
fn unknown_zone_id() {
    let d = scratch("unknown-zone");
    let f = variant(
        &d,
        "bad.toml",
        r#"replicas = ["fr-par-a", "fr-par-b"]"#,
        r#"replicas = ["fr-par-a", "fr-par-q"]"#,
    );
    rejected(
        &f,
        &[
            "bad.toml:39:",
            "deployment[1] \"paris-ha-pair\".replicas[1]",
            "unknown zone \"fr-par-q\"",
        ],
    );
}

#[test]
fn unknown_region_id() {
    let d = scratch("unknown-region");
    let f = variant(
        &d,
        "bad.toml",
        "id = \"fr-par-b\"\nregion = \"fr-par\"",
        "id = \"fr-par-b\"\nregion = \"fr-lyon\"",
    );
    rejected(
        &f,
        &[
            "bad.toml:22:",
            "zone \"fr-par-b\".region",
            "unknown region \"fr-lyon\"",
        ],
    );
}

#[test]
fn unknown_id_in_common_cause() {
    let d = scratch("unknown-affects");
    let f = variant(
        &d,
        "bad.toml",
        r#"affects = ["fr-par"]"#,
        r#"affects = ["fr-nice"]"#,
    );
    rejected(
        &f,
        &[
            "bad.toml:28:",
            "common_cause \"paris-campus\".affects",
            "fr-nice",
        ],
    );
}

#[test]
fn k_larger_than_replicas() {
    let d = scratch("k-too-large");
    let f = variant(&d, "bad.toml", "at_least = 2", "at_least = 5");
    rejected(
        &f,
        &[
            "bad.toml:35:",
            "deployment[0] \"paris-2+2\".rule",
            "at_least = 5",
            "<= 4",
        ],
    );
}

#[test]
fn empty_replica_list() {
    let d = scratch("empty-replicas");
    let f = variant(
        &d,
        "bad.toml",
        r#"replicas = ["fr-par-a", "fr-par-a", "fr-par-b", "fr-par-b"]"#,
        "replicas = []",
    );
    rejected(
        &f,
        &[
            "bad.toml:34:",
            "deployment[0] \"paris-2+2\".replicas",
            "is empty",
        ],
    );
}

#[test]
fn non_positive_parameter() {
    let d = scratch("non-positive");
    let f = variant(&d, "bad.toml", "mean = 43800.0", "mean = 0.0");
    rejected(
        &f,
        &[
            "bad.toml:17:19:",
            "zone[0].time_to_failure",
            "exponential mean",
            "got 0",
        ],
    );
}

#[test]
fn non_finite_parameter() {
    let d = scratch("non-finite");
    let f = variant(&d, "bad.toml", "scale = 40000.0", "scale = inf");
    rejected(
        &f,
        &[
            "bad.toml:23:19:",
            "zone[1].time_to_failure",
            "weibull scale",
            "inf",
        ],
    );
    let f = variant(&d, "nan.toml", "sigma = 1.5", "sigma = nan");
    rejected(
        &f,
        &[
            "nan.toml:18:",
            "zone[0].time_to_repair",
            "lognormal sigma",
            "NaN",
        ],
    );
}

#[test]
fn low_above_high() {
    let d = scratch("low-high");
    let f = variant(
        &d,
        "bad.toml",
        r#"dist = "fixed", value = 0.5"#,
        r#"dist = "uniform", low = 3.0, high = 1.0"#,
    );
    rejected(
        &f,
        &[
            "bad.toml:41:",
            "deployment[1].replica_failures.time_to_repair",
            "low = 3, high = 1",
        ],
    );
}

#[test]
fn wrong_type() {
    let d = scratch("wrong-type");
    let f = variant(&d, "bad.toml", "trials = 100000", "trials = \"many\"");
    rejected(&f, &["bad.toml:2:", "simulation.trials", "invalid type"]);
}

#[test]
fn bad_rule() {
    let d = scratch("bad-rule");
    let f = variant(&d, "bad.toml", "rule = { at_least = 2 }", "rule = \"most\"");
    rejected(&f, &["bad.toml:35:", "deployment[0].rule", "most"]);
    // A rule's name without its parameter is explained in the file's terms,
    // not serde's ("invalid type: unit variant, expected newtype variant").
    let f = variant(
        &d,
        "bare.toml",
        "rule = { at_least = 2 }",
        "rule = \"at_least\"",
    );
    rejected(
        &f,
        &[
            "bare.toml:35:",
            "expected a rule: { at_least = K }, \"majority\"",
        ],
    );
}

#[test]
fn too_large_study() {
    let d = scratch("too-large");
    let f = variant(&d, "bad.toml", "trials = 100000", "trials = 1000000000000");
    // The file's own trial count is refused by `validate` ...
    let o = zonesim(["validate".as_ref(), f.as_os_str()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("study too large"), "{}", stderr(&o));
    // ... and by `run` when asked for on the command line.
    let out = d.join("out.json");
    let o = zonesim([
        "run".as_ref(),
        data("issue3_example.toml").as_os_str(),
        "--trials".as_ref(),
        "1000000000000".as_ref(),
        "--output".as_ref(),
        out.as_os_str(),
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("issue3_example.toml") && err.contains("study too large"),
        "{err}"
    );
    assert!(err.contains("use at most"), "{err}");
    assert!(!out.exists());
}

#[test]
fn sla_target_out_of_range() {
    let d = scratch("sla");
    let f = variant(
        &d,
        "bad.toml",
        "sla_targets = [0.999, 0.9995, 0.9999]",
        "sla_targets = [0.999, 1.5]",
    );
    rejected(&f, &["bad.toml:6:", "simulation.sla_targets[1]", "(0, 1]"]);
}

#[test]
fn unknown_catalogue() {
    let d = scratch("catalogue");
    let f = d.join("bad.toml");
    std::fs::write(&f, "catalog = \"us-hubs\"\n\n[[deployment]]\nname = \"x\"\nreplicas = [\"alibaba-fr-par-a\"]\nrule = { at_least = 1 }\n").expect("write");
    rejected(
        &f,
        &[
            "bad.toml:1:",
            "unknown catalogue \"us-hubs\"",
            "eu-hubs",
            "unknown zone \"alibaba-fr-par-a\"",
        ],
    );
}

#[test]
fn missing_file_and_unknown_extension() {
    let d = scratch("missing");
    rejected(&d.join("nope.toml"), &["nope.toml", "cannot read"]);
    let f = d.join("study.yaml");
    std::fs::write(&f, "simulation: {}").expect("write");
    rejected(&f, &["study.yaml", ".toml or .json"]);
}

#[test]
fn unknown_baseline_flag() {
    let o = zonesim([
        "run".as_ref(),
        data("fixed_all_up.toml").as_os_str(),
        "--baseline".as_ref(),
        "nobody".as_ref(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("simulation.baseline: no deployment or service is named \"nobody\""),
        "{}",
        stderr(&o)
    );
}

#[test]
fn bad_flags_exit_2() {
    for args in [
        &["run", "--trials", "0"][..],
        &["run", "--threads", "0"],
        &["run", "--format", "xml"],
        &["frobnicate"],
    ] {
        let o = zonesim(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    }
}

/// `validate` lists every problem at once, each with its line.
#[test]
fn validate_lists_every_problem() {
    let d = scratch("validate-many");
    let text = std::fs::read_to_string(data("issue3_example.toml"))
        .expect("example")
        .replacen("trials = 100000", "trials = 0", 1)
        .replacen(r#"region = "fr-par""#, r#"region = "fr-xx""#, 1)
        .replacen("at_least = 2", "at_least = 9", 1)
        .replacen(
            r#"replicas = ["fr-par-a", "fr-par-b"]"#,
            r#"replicas = ["fr-par-a", "nowhere"]"#,
            1,
        );
    let f = d.join("many.toml");
    std::fs::write(&f, text).expect("write");
    let o = zonesim(["validate".as_ref(), f.as_os_str()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("4 problems"), "{err}");
    for needle in [
        "many.toml:2: simulation.trials: must be at least 1, got 0",
        "many.toml:16: zone \"fr-par-a\".region: unknown region \"fr-xx\"",
        "many.toml:35: deployment[0] \"paris-2+2\".rule: at_least = 9",
        "many.toml:39: deployment[1] \"paris-ha-pair\".replicas[1]: unknown zone \"nowhere\"",
    ] {
        assert!(err.contains(needle), "missing {needle:?} in:\n{err}");
    }
    assert!(o.stdout.is_empty());
}

/// A valid file whose output cannot be written is a run error (exit 1), and
/// leaves nothing behind.
#[test]
fn unwritable_output_is_exit_1() {
    let d = scratch("unwritable");
    let out = d.join("no-such-dir").join("out.json");
    let o = zonesim([
        "run".as_ref(),
        data("fixed_all_up.toml").as_os_str(),
        "--output".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot write"), "{}", stderr(&o));
    assert!(!out.exists());
}
