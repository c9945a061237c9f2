//! `run --trials-out` as CSV, Parquet and Arrow IPC (issue 11): the files
//! read back (with the arrow-rs crates) hold the same values bit for bit,
//! their means are the JSON's, the importance-sampled deployment's weighted
//! excursions give its estimate, the bytes do not depend on the threads, the
//! rows are written one window at a time, and bad names are refused first.

use std::fs::File;
use std::path::{Path, PathBuf};

use arrow_array::{Array, Float64Array, RecordBatch, UInt32Array, UInt64Array};
use zonesim::stats::ExactSum;

use super::{scratch, stderr, zonesim};

/// Three deployments over two providers; `pair` is estimated by importance
/// sampling. 40,000 trials: two full windows of 16,384 and a short one.
const STUDY: &str = r#"
[simulation]
trials = 40000
horizon_hours = 720
seed = 7

[[region]]
id = "r1"
name = "R1"
provider = "p1"
country = "FR"

[[region]]
id = "r2"
name = "R2"
provider = "p2"
country = "DE"

[[zone]]
id = "a"
region = "r1"
time_to_failure = { dist = "exponential", mean = 500.0 }
time_to_repair = { dist = "exponential", mean = 5.0 }

[[zone]]
id = "b"
region = "r2"
time_to_failure = { dist = "exponential", mean = 600.0 }
time_to_repair = { dist = "lognormal", median = 3.0, sigma = 1.0 }

[[zone]]
id = "c"
region = "r2"
time_to_failure = { dist = "weibull", shape = 1.5, scale = 700.0 }
time_to_repair = { dist = "fixed", value = 4.0 }

[[deployment]]
name = "single"
replicas = ["a"]
rule = { at_least = 1 }

[[deployment]]
name = "pair"
replicas = ["a", "b"]
rule = { at_least = 1 }
estimator = "importance"

[[deployment]]
name = "quorum"
replicas = ["a", "b", "c"]
rule = "majority"
"#;

const TRIALS: usize = 40_000;
const WINDOW: usize = 16_384;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Named columns, every value as `f64` (the integers are exact in it).
type Columns = Vec<(String, Vec<f64>)>;

fn from_batches(batches: impl Iterator<Item = RecordBatch>) -> Columns {
    let mut cols: Columns = Vec::new();
    for b in batches {
        if cols.is_empty() {
            cols = b
                .schema()
                .fields()
                .iter()
                .map(|f| (f.name().clone(), Vec::new()))
                .collect();
        }
        for (i, (_, v)) in cols.iter_mut().enumerate() {
            let a = b.column(i);
            assert_eq!(a.null_count(), 0);
            if let Some(x) = a.as_any().downcast_ref::<Float64Array>() {
                v.extend(x.values().iter().copied());
            } else if let Some(x) = a.as_any().downcast_ref::<UInt64Array>() {
                v.extend(x.values().iter().map(|&u| u as f64));
            } else if let Some(x) = a.as_any().downcast_ref::<UInt32Array>() {
                v.extend(x.values().iter().map(|&u| f64::from(u)));
            } else {
                panic!("column {i}: unexpected type {}", a.data_type());
            }
        }
    }
    cols
}

/// A Parquet file's columns and the rows of each of its row groups.
fn read_parquet(p: &Path) -> (Columns, Vec<i64>) {
    let b = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
        File::open(p).unwrap(),
    )
    .unwrap();
    let groups = b
        .metadata()
        .row_groups()
        .iter()
        .map(|g| g.num_rows())
        .collect();
    (from_batches(b.build().unwrap().map(Result::unwrap)), groups)
}

/// An Arrow IPC file's columns and the number of its record batches.
fn read_arrow(p: &Path) -> (Columns, usize) {
    let r = arrow_ipc::reader::FileReader::try_new(File::open(p).unwrap(), None).unwrap();
    let n = r.num_batches();
    (from_batches(r.map(Result::unwrap)), n)
}

fn read_csv(p: &Path) -> Columns {
    let mut rd = csv::Reader::from_path(p).unwrap();
    let mut cols: Columns = rd
        .headers()
        .unwrap()
        .iter()
        .map(|h| (h.to_string(), Vec::new()))
        .collect();
    for r in rd.records() {
        for ((_, v), x) in cols.iter_mut().zip(r.unwrap().iter()) {
            v.push(x.parse().unwrap());
        }
    }
    cols
}

fn col<'a>(c: &'a Columns, name: &str) -> &'a [f64] {
    &c.iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no column {name}"))
        .1
}

fn exact_mean(x: impl Iterator<Item = f64>) -> f64 {
    let mut s = ExactSum::new();
    let mut n = 0u64;
    x.for_each(|v| {
        s.add(v);
        n += 1;
    });
    s.value() / n as f64
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * b.abs().max(1e-300)
}

fn run_to(study: &Path, out: &Path, threads: &str) -> Vec<u8> {
    let o = zonesim([
        "run",
        s(study),
        "--format",
        "json",
        "--threads",
        threads,
        "--trials-out",
        s(out),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    o.stdout
}

/// The three formats: the same values bit for bit, the same bytes on 1 and
/// 2 threads, the JSON unchanged by the export, the means equal to the
/// JSON's, and the importance-sampled deployment's weighted excursions equal
/// to its estimate.
#[test]
fn every_format_reads_back_to_the_json() {
    let dir = scratch("trials-formats");
    let study = dir.join("study.toml");
    std::fs::write(&study, STUDY).unwrap();
    let plain = zonesim(["run", s(&study), "--format", "json"]);
    assert!(plain.status.success(), "{}", stderr(&plain));
    let mut files: Vec<PathBuf> = Vec::new();
    for ext in ["csv", "parquet", "arrow", "feather"] {
        let (one, two) = (dir.join(format!("t1.{ext}")), dir.join(format!("t2.{ext}")));
        assert_eq!(run_to(&study, &one, "1"), plain.stdout, "{ext}: the JSON");
        assert_eq!(run_to(&study, &two, "2"), plain.stdout, "{ext}: the JSON");
        assert_eq!(
            std::fs::read(&one).unwrap(),
            std::fs::read(&two).unwrap(),
            "{ext}: 1 and 2 threads"
        );
        files.push(one);
    }
    // Nothing else is left in the directory (no temporary file).
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 9, "{names:?}");

    let csv = read_csv(&files[0]);
    let (parquet, groups) = read_parquet(&files[1]);
    let (arrow, batches) = read_arrow(&files[2]);
    let (feather, _) = read_arrow(&files[3]);
    // Streamed: one row group (record batch) per window of 16,384 trials.
    assert_eq!(
        groups,
        [WINDOW as i64, WINDOW as i64, (TRIALS - 2 * WINDOW) as i64]
    );
    assert_eq!(batches, 3);
    let bits = |c: &Columns| -> Vec<(String, Vec<u64>)> {
        c.iter()
            .map(|(n, v)| (n.clone(), v.iter().map(|x| x.to_bits()).collect()))
            .collect()
    };
    assert_eq!(bits(&csv), bits(&parquet), "CSV and Parquet");
    assert_eq!(bits(&csv), bits(&arrow), "CSV and Arrow");
    assert_eq!(bits(&csv), bits(&feather), "CSV and Feather");

    let names: Vec<&str> = csv.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names.len(), 1 + 3 * 3 + 3);
    assert_eq!(
        names[names.len() - 3..],
        [
            "pair.excursion.likelihood_ratio",
            "pair.excursion.downtime_minutes",
            "pair.excursion.outages"
        ]
    );
    let trial = col(&csv, "trial");
    assert_eq!(trial.len(), TRIALS);
    assert!(trial.iter().enumerate().all(|(i, &t)| t == i as f64));

    let r: serde_json::Value = serde_json::from_slice(&plain.stdout).unwrap();
    for d in r["deployments"].as_array().unwrap() {
        let name = d["name"].as_str().unwrap();
        let c = |f: &str| col(&parquet, &format!("{name}.{f}")).iter().copied();
        let json = |a: &str, b: &str| d[a][b].as_f64().unwrap();
        // Integer counts: exactly the JSON's figures.
        assert_eq!(exact_mean(c("outages")), json("outages", "mean"), "{name}");
        let p_none = c("outages").filter(|&o| o == 0.0).count() as f64 / TRIALS as f64;
        assert_eq!(p_none, json("outages", "p_none"), "{name}");
        // Minutes: the JSON's to its rounding (it converts the mean in hours).
        let down = exact_mean(c("downtime_minutes"));
        assert!(close(down, json("downtime_minutes", "mean")), "{name}");
        let longest = exact_mean(c("longest_outage_minutes"));
        assert!(
            close(longest, json("longest_outage_minutes", "mean")),
            "{name}"
        );
    }

    // The importance-sampled deployment: R × mean(L × D) is its estimate.
    let pair = &r["deployments"][1];
    assert_eq!(pair["estimator"], "importance");
    let diag = &pair["importance"]["diagnostics"];
    let rate = diag["excursion_rate_per_hour"].as_f64().unwrap();
    let lr = col(&arrow, "pair.excursion.likelihood_ratio");
    let dm = col(&arrow, "pair.excursion.downtime_minutes");
    let weighted = exact_mean(lr.iter().zip(dm).map(|(l, d)| l * (d / 60.0)));
    let u = pair["unavailability"]["mean"].as_f64().unwrap();
    assert!(u > 0.0);
    assert!(close(rate * weighted, u), "{} vs {u}", rate * weighted);
    assert_eq!(
        exact_mean(lr.iter().copied()),
        diag["mean_likelihood_ratio"]["mean"].as_f64().unwrap()
    );
    let with_downtime = dm.iter().filter(|&&d| d > 0.0).count() as u64;
    assert_eq!(
        with_downtime,
        diag["cycles_with_downtime"].as_u64().unwrap()
    );
    assert_eq!(lr.len() as u64, diag["cycles"].as_u64().unwrap());
}

/// The excursion columns also come with a run to a target precision, which
/// stops at a checkpoint: as many excursions as trials, and their weighted
/// mean is the estimate of the trials run.
#[test]
fn trials_out_with_a_target_precision() {
    let dir = scratch("trials-precision");
    let study = dir.join("study.toml");
    std::fs::write(&study, STUDY.replace("trials = 40000", "trials = 400000")).unwrap();
    let out = dir.join("t.parquet");
    let o = zonesim([
        "run",
        s(&study),
        "--precision",
        "0.1",
        "--format",
        "json",
        "--trials-out",
        s(&out),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let trials = r["trials"].as_u64().unwrap() as usize;
    assert!(
        trials < 400_000 && trials.is_multiple_of(WINDOW),
        "{trials}"
    );
    let plain = zonesim(["run", s(&study), "--precision", "0.1", "--format", "json"]);
    assert_eq!(plain.stdout, o.stdout, "the export changes nothing");
    let (cols, _) = read_parquet(&out);
    assert_eq!(col(&cols, "trial").len(), trials);
    let pair = &r["deployments"][1];
    let rate = pair["importance"]["diagnostics"]["excursion_rate_per_hour"]
        .as_f64()
        .unwrap();
    let lr = col(&cols, "pair.excursion.likelihood_ratio");
    let dm = col(&cols, "pair.excursion.downtime_minutes");
    let weighted = exact_mean(lr.iter().zip(dm).map(|(l, d)| l * (d / 60.0)));
    let u = pair["unavailability"]["mean"].as_f64().unwrap();
    assert!(close(rate * weighted, u), "{} vs {u}", rate * weighted);
}

/// An unknown extension (or none) is refused before any work, naming the
/// formats; a failed run leaves an existing file as it was.
#[test]
fn bad_names_are_refused_first() {
    let dir = scratch("trials-bad");
    let study = dir.join("study.toml");
    std::fs::write(&study, STUDY).unwrap();
    for name in ["t.xlsx", "t", "t.json"] {
        let o = zonesim(["run", s(&study), "--trials-out", s(&dir.join(name))]);
        assert_eq!(o.status.code(), Some(2), "{name}");
        let e = stderr(&o);
        assert!(e.contains(".parquet") && e.contains(".arrow"), "{e}");
        assert!(!e.contains("ran "), "no trial ran: {e}");
        assert!(!dir.join(name).exists());
    }
    // A run that fails (here: no trials) keeps the old file.
    let old = dir.join("old.parquet");
    std::fs::write(&old, b"old").unwrap();
    let o = zonesim(["run", s(&study), "--trials", "0", "--trials-out", s(&old)]);
    assert_ne!(o.status.code(), Some(0));
    assert_eq!(std::fs::read(&old).unwrap(), b"old");
}
