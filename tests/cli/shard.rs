//! Issue 11 through the binary: `run --shard I/N`, `merge` (JSON byte for
//! byte, the table, the picture, `--partial`), `--shard auto/N` from the
//! batch engines' variables, every refusal with exit 2 naming the file,
//! `--precision` and `--trials-out`.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{scratch, stderr, stdout, zonesim};

/// A small study: a common cause, replica failures, active-passive; 7
/// batches and a short one.
const STUDY: &str = r#"
[simulation]
trials = 7200
horizon_hours = 720
seed = 42
start = "STARTSTATE"

[[region]]
id = "r1"
name = "R1"
provider = "test"
country = "FR"

[[region]]
id = "r2"
name = "R2"
provider = "test"
country = "DE"

[[zone]]
id = "a"
region = "r1"
time_to_failure = { dist = "exponential", mean = 500.0 }
time_to_repair = { dist = "lognormal", median = 2.0, sigma = 1.0 }

[[zone]]
id = "b"
region = "r1"
time_to_failure = { dist = "exponential", mean = 600.0 }
time_to_repair = { dist = "fixed", value = 3.0 }

[[zone]]
id = "c"
region = "r2"
time_to_failure = { dist = "weibull", shape = 1.5, scale = 700.0 }
time_to_repair = { dist = "exponential", mean = 4.0 }

[[common_cause]]
name = "r1-event"
affects = ["r1"]
time_to_failure = { dist = "exponential", mean = 4000.0 }
time_to_repair = { dist = "exponential", mean = 6.0 }

[[deployment]]
name = "single"
replicas = ["a"]
rule = { at_least = 1 }

[[deployment]]
name = "quorum"
replicas = ["a", "b", "c"]
rule = "majority"
replica_failures = { time_to_failure = { dist = "exponential", mean = 2000.0 }, time_to_repair = { dist = "fixed", value = 1.0 } }

[[deployment]]
name = "ap"
replicas = ["a", "c"]
rule = { active_passive = { failover_hours = 0.25 } }
"#;

fn write_study(dir: &Path, start: &str) -> PathBuf {
    let p = dir.join("study.toml");
    std::fs::write(&p, STUDY.replace("STARTSTATE", start)).unwrap();
    p
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Runs shard `i` of `n` into `dir/part-i.zsp`.
fn shard(study: &Path, dir: &Path, i: u64, n: u64, extra: &[&str]) -> PathBuf {
    let out = dir.join(format!("part-{i}-of-{n}.zsp"));
    let mut args = vec![
        "run".to_string(),
        s(study).into(),
        "--shard".into(),
        format!("{i}/{n}"),
        "--output".into(),
        s(&out).into(),
    ];
    args.extend(extra.iter().map(|a| a.to_string()));
    let o = zonesim(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    out
}

/// For N = 1..7 and both start states, the merged JSON is the one-process
/// JSON byte for byte, whatever the order of the files.
#[test]
fn merge_prints_exactly_what_run_prints() {
    for start in ["steady_state", "all_up"] {
        let dir = scratch("shard-json");
        let study = write_study(&dir, start);
        let one = zonesim(["run", s(&study), "--format", "json"]);
        assert!(one.status.success(), "{}", stderr(&one));
        for n in 1..=7 {
            let mut parts: Vec<PathBuf> = (0..n).map(|i| shard(&study, &dir, i, n, &[])).collect();
            parts.rotate_left((n / 2) as usize);
            let mut args = vec!["merge".to_string()];
            args.extend(parts.iter().map(|p| s(p).to_string()));
            args.extend(["--format".into(), "json".into()]);
            let m = zonesim(&args);
            assert!(m.status.success(), "{}", stderr(&m));
            assert!(
                m.stdout == one.stdout,
                "{start}: {n} shards differ from one run"
            );
        }
    }
}

/// The table and the picture too; parts of parts (`--partial`) merge to
/// the same bytes; --threads on a shard changes nothing.
#[test]
fn merged_partials_table_and_picture() {
    let dir = scratch("shard-table");
    let study = write_study(&dir, "steady_state");
    let svg_one = dir.join("one.svg");
    let one = zonesim(["run", s(&study), "--plot", s(&svg_one)]);
    assert!(one.status.success());
    let parts: Vec<PathBuf> = (0..5)
        .map(|i| {
            shard(
                &study,
                &dir,
                i,
                5,
                &["--threads", if i % 2 == 0 { "1" } else { "2" }],
            )
        })
        .collect();
    let left = dir.join("left.zsp");
    let o = zonesim([
        "merge",
        "--partial",
        s(&parts[3]),
        s(&parts[0]),
        "--output",
        s(&left),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let right = dir.join("right.zsp");
    let o = zonesim([
        "merge",
        "--partial",
        s(&parts[4]),
        s(&parts[2]),
        s(&parts[1]),
        "--output",
        s(&right),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = dir.join("merged.svg");
    let m = zonesim(["merge", s(&right), s(&left), "--plot", s(&svg)]);
    assert!(m.status.success(), "{}", stderr(&m));
    assert_eq!(stdout(&m), stdout(&one));
    assert_eq!(
        std::fs::read(&svg).unwrap(),
        std::fs::read(&svg_one).unwrap()
    );
}

/// `--shard auto/N` takes the index from Slurm, Kubernetes or AWS Batch,
/// and fails clearly when none is set or the index is out of range.
#[test]
fn auto_shard_index_comes_from_the_batch_engine() {
    let dir = scratch("shard-auto");
    let study = write_study(&dir, "all_up");
    let want = std::fs::read(shard(&study, &dir, 2, 3, &[])).unwrap();
    let vars = [
        "SLURM_ARRAY_TASK_ID",
        "JOB_COMPLETION_INDEX",
        "AWS_BATCH_JOB_ARRAY_INDEX",
    ];
    let run = |env: &[(&str, &str)], out: &Path| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_zonesim"));
        c.args(["run", s(&study), "--shard", "auto/3", "--output", s(out)]);
        for v in vars {
            c.env_remove(v);
        }
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().unwrap()
    };
    for var in vars {
        let out = dir.join(format!("{var}.zsp"));
        let o = run(&[(var, "2")], &out);
        assert!(o.status.success(), "{var}: {}", stderr(&o));
        assert_eq!(std::fs::read(&out).unwrap(), want, "{var}");
    }
    let out = dir.join("none.zsp");
    let o = run(&[], &out);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains(
            "none of SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX is set"
        ),
        "{e}"
    );
    let o = run(&[("SLURM_ARRAY_TASK_ID", "3")], &out);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("SLURM_ARRAY_TASK_ID=3 is not below the number of shards 3"),
        "{}",
        stderr(&o)
    );
    let o = run(&[("JOB_COMPLETION_INDEX", "x")], &out);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("JOB_COMPLETION_INDEX=\"x\" is not a shard index"));
    assert!(!out.exists());
}

/// Every refusal: exit 2, the file named, nothing written.
#[test]
fn merge_refuses_what_does_not_belong() {
    let dir = scratch("shard-refuse");
    let study = write_study(&dir, "steady_state");
    let p0 = shard(&study, &dir, 0, 3, &[]);
    let p1 = shard(&study, &dir, 1, 3, &[]);
    let p2 = shard(&study, &dir, 2, 3, &[]);
    let other_seed = dir.join("seed.zsp");
    let o = zonesim([
        "run",
        s(&study),
        "--seed",
        "43",
        "--shard",
        "2/3",
        "--output",
        s(&other_seed),
    ]);
    assert!(o.status.success());
    let other_est = dir.join("est.zsp");
    let o = zonesim([
        "run",
        s(&study),
        "--estimator",
        "importance",
        "--shard",
        "2/3",
        "--output",
        s(&other_est),
    ]);
    // active-passive cannot be importance-sampled: refused before running.
    assert_eq!(o.status.code(), Some(2));
    let other_trials = dir.join("trials.zsp");
    let o = zonesim([
        "run",
        s(&study),
        "--trials",
        "7300",
        "--shard",
        "2/3",
        "--output",
        s(&other_trials),
    ]);
    assert!(o.status.success());
    let other_base = dir.join("base.zsp");
    let o = zonesim([
        "run",
        s(&study),
        "--baseline",
        "ap",
        "--shard",
        "2/3",
        "--output",
        s(&other_base),
    ]);
    assert!(o.status.success());
    let bytes = std::fs::read(&p2).unwrap();
    let truncated = dir.join("truncated.zsp");
    std::fs::write(&truncated, &bytes[..bytes.len() - 10]).unwrap();
    let corrupted = dir.join("corrupted.zsp");
    let mut bad = bytes.clone();
    let mid = bad.len() / 2;
    bad[mid] ^= 1;
    std::fs::write(&corrupted, bad).unwrap();
    let foreign = dir.join("foreign.zsp");
    std::fs::write(&foreign, STUDY).unwrap();
    let out = dir.join("out.json");
    let cases: [(&Path, &str); 7] = [
        (&other_seed, "the seed differs"),
        (&other_trials, "the number of trials differs"),
        (&other_base, "the study (SHA-256) differs"),
        (&p1, "overlap"),
        (&truncated, "truncated"),
        (&corrupted, "corrupted"),
        (&foreign, "not a zonesim partial result"),
    ];
    for (file, says) in cases {
        let o = zonesim(["merge", s(&p0), s(&p1), s(file), "--output", s(&out)]);
        assert_eq!(o.status.code(), Some(2), "{says}");
        let e = stderr(&o);
        assert!(
            e.contains(&format!("{}: ", s(file))) && e.contains(says),
            "{says}: {e}"
        );
        assert!(!out.exists());
    }
    // Missing shards: the batches are named.
    let o = zonesim(["merge", s(&p0), s(&p2), "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("batches 2..5 are missing (of 8)"),
        "{}",
        stderr(&o)
    );
    // Not a file; --partial without --output; --shard without --output, with
    // --plot, with --precision.
    let o = zonesim(["merge", s(&dir.join("nope.zsp"))]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nope.zsp: cannot read"));
    let o = zonesim(["merge", "--partial", s(&p0), s(&p1)]);
    assert_eq!(o.status.code(), Some(2));
    for (extra, says) in [
        (vec![], "give --output"),
        (
            vec!["--output", "x.zsp", "--plot", "x.svg"],
            "--plot draws the whole run",
        ),
        (
            vec!["--output", "x.zsp", "--precision", "0.1"],
            "target precision",
        ),
        (
            vec!["--output", "x.zsp", "--trials-out", "x.csv"],
            "--trials-out",
        ),
    ] {
        let mut args = vec!["run", s(&study), "--shard", "0/2"];
        args.extend(extra);
        let o = zonesim(&args);
        assert_eq!(o.status.code(), Some(2), "{says}");
        assert!(stderr(&o).contains(says), "{says}: {}", stderr(&o));
    }
    for bad in ["3/3", "1", "a/2", "0/0", "-1/2"] {
        let o = zonesim(["run", s(&study), "--shard", bad, "--output", "x.zsp"]);
        assert_eq!(o.status.code(), Some(2), "{bad}");
    }
}

/// `--precision`: the same JSON on 1 and 2 threads, the trials and the
/// outcome in it; a bad value is refused.
#[test]
fn precision_on_the_command_line() {
    let dir = scratch("precision");
    let study = write_study(&dir, "steady_state");
    let run = |threads: &str| {
        zonesim([
            "run",
            s(&study),
            "--trials",
            "400000",
            "--precision",
            "0.05",
            "--threads",
            threads,
            "--format",
            "json",
        ])
    };
    let (a, b) = (run("1"), run("2"));
    assert!(a.status.success(), "{}", stderr(&a));
    assert_eq!(a.stdout, b.stdout);
    let r: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    let p = &r["precision"];
    assert_eq!(p["met"], true);
    assert_eq!(p["trials"], r["trials"]);
    assert!(r["trials"].as_u64().unwrap() < 400_000);
    assert!(stderr(&a).contains("precision: every deployment within ±5.00%"));
    for bad in ["0", "1", "x", "-0.1"] {
        let o = zonesim(["run", s(&study), "--precision", bad]);
        assert_eq!(o.status.code(), Some(2), "{bad}");
    }
    // [simulation] precision in the file, with max_trials.
    let text = STUDY.replace("STARTSTATE", "all_up").replace(
        "seed = 42",
        "seed = 42\nprecision = { relative_half_width = 0.0001, max_trials = 3000 }",
    );
    let f = dir.join("p.toml");
    std::fs::write(&f, text).unwrap();
    let o = zonesim(["run", s(&f), "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (r["trials"].as_u64(), r["precision"]["met"].as_bool()),
        (Some(3000), Some(false))
    );
    assert!(stderr(&o).contains("NOT met after max_trials = 3000"));
}

/// `--trials-out`: one row per trial in order; its means are the JSON's;
/// the same bytes on 1 and 3 threads; nothing written when the run fails.
#[test]
fn trials_out_rows_match_the_json() {
    let dir = scratch("trials-out");
    let study = write_study(&dir, "steady_state");
    let csv1 = dir.join("t1.csv");
    let csv3 = dir.join("t3.csv");
    let o1 = zonesim([
        "run",
        s(&study),
        "--format",
        "json",
        "--threads",
        "1",
        "--trials-out",
        s(&csv1),
    ]);
    let o3 = zonesim([
        "run",
        s(&study),
        "--format",
        "json",
        "--threads",
        "3",
        "--trials-out",
        s(&csv3),
    ]);
    assert!(o1.status.success(), "{}", stderr(&o1));
    assert_eq!(o1.stdout, o3.stdout);
    assert_eq!(std::fs::read(&csv1).unwrap(), std::fs::read(&csv3).unwrap());
    let plain = zonesim(["run", s(&study), "--format", "json"]);
    assert_eq!(plain.stdout, o1.stdout, "the export changes nothing");
    let r: serde_json::Value = serde_json::from_slice(&o1.stdout).unwrap();
    let mut rd = csv::Reader::from_path(&csv1).unwrap();
    let head: Vec<String> = rd.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(head[0], "trial");
    assert_eq!(
        head[1..4],
        [
            "single.downtime_minutes",
            "single.outages",
            "single.longest_outage_minutes"
        ]
    );
    let rows: Vec<Vec<f64>> = rd
        .records()
        .map(|r| r.unwrap().iter().map(|x| x.parse().unwrap()).collect())
        .collect();
    assert_eq!(rows.len(), 7200);
    assert!(rows.iter().enumerate().all(|(i, r)| r[0] == i as f64));
    let n = rows.len() as f64;
    for (j, d) in r["deployments"].as_array().unwrap().iter().enumerate() {
        let col = |k: usize| rows.iter().map(|r| r[1 + 3 * j + k]).collect::<Vec<f64>>();
        let mean = |x: Vec<f64>| {
            let mut s = zonesim::stats::ExactSum::new();
            x.iter().for_each(|&v| s.add(v));
            s.value() / n
        };
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1e-300);
        let name = d["name"].as_str().unwrap();
        // Outage counts are integers: exactly the JSON's mean.
        assert_eq!(
            mean(col(1)),
            d["outages"]["mean"].as_f64().unwrap(),
            "{name}"
        );
        assert!(
            close(
                mean(col(0)),
                d["downtime_minutes"]["mean"].as_f64().unwrap()
            ),
            "{name}"
        );
        assert!(
            close(
                mean(col(2)),
                d["longest_outage_minutes"]["mean"].as_f64().unwrap()
            ),
            "{name}"
        );
        let p_none = rows.iter().filter(|r| r[1 + 3 * j + 1] == 0.0).count() as f64 / n;
        assert_eq!(p_none, d["outages"]["p_none"].as_f64().unwrap(), "{name}");
    }
    // Another extension is refused; a directory fails with nothing written.
    let o = zonesim(["run", s(&study), "--trials-out", s(&dir.join("t.xlsx"))]);
    assert_eq!(o.status.code(), Some(2));
    let d = dir.join("d.csv");
    std::fs::create_dir(&d).unwrap();
    let o = zonesim(["run", s(&study), "--trials-out", s(&d)]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read_dir(&d).unwrap().count(), 0);
}
