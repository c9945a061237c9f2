//! Issue 11 for the planner: `zonesim plan --shard I/N` and the merge of
//! plan partials. Any N from 1 to 7, merged in any order and grouping,
//! gives exactly the answer of one `plan` (the JSON and the table byte for
//! byte), with the pilot and cost cuts, constraints, an unsatisfiable or
//! infeasible plan, and `within`; every refusal names the file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use zonesim::partial::PlanPartial;
use zonesim::plan::{PlanResult, PlanSpec, PlanTarget, plan};
use zonesim::prelude::*;

const T: f64 = 8760.0;

fn exp(mean: f64) -> Duration {
    Duration::exponential(mean).unwrap()
}

fn zone(id: &str, region: &str, ttf: f64, ttr: f64) -> Zone {
    Zone::new(id, region, exp(ttf), exp(ttr))
}

fn opts(threads: usize) -> RunOptions<'static> {
    RunOptions::new().threads(threads)
}

/// Seven zones, all parameters distinct, over two regions with causes: 329
/// placements of up to 4 replicas, none exchangeable, so the analytic cut
/// and the pilot both apply (the planner's own fast-versus-exhaustive
/// study, on 10 batches).
fn seven_zones() -> (Study, PlanSpec) {
    let mut s = Settings::new(10_240, T);
    s.seed = 21;
    let mut study = Study::new(s)
        .region(Region::new("r1", "r1", "p", "FR"))
        .region(Region::new("r2", "r2", "p", "DE"));
    for i in 0..7 {
        let r = if i < 4 { "r1" } else { "r2" };
        study = study.zone(zone(
            &format!("z{i}"),
            r,
            1500.0 + 400.0 * i as f64,
            4.0 + i as f64,
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
    (study, spec)
}

/// Six alike zones in three regions: mirror images, so the tied set holds
/// several classes and the paired test runs.
fn mirrors(trials: u64) -> Study {
    let mut s = Settings::new(trials, T);
    s.seed = 5;
    let mut study = Study::new(s)
        .region(Region::new("fr", "fr", "p1", "FR"))
        .region(Region::new("de", "de", "p1", "DE"))
        .region(Region::new("gb", "gb", "p2", "GB"));
    for (z, r) in [
        ("fr-a", "fr"),
        ("fr-b", "fr"),
        ("de-a", "de"),
        ("de-b", "de"),
        ("gb-a", "gb"),
        ("gb-b", "gb"),
    ] {
        study = study.zone(zone(z, r, 2000.0, 10.0));
    }
    study.common_cause(CommonCause::new(
        "de-event",
        ["de"],
        exp(20_000.0),
        exp(8.0),
    ))
}

/// The shards of a plan, as files read back.
fn shards(study: &Study, spec: &PlanSpec, n: u64, threads: usize) -> Vec<PlanPartial> {
    (0..n)
        .map(|i| {
            let part = PlanPartial::run(study, spec, i, n, &opts(threads)).unwrap();
            PlanPartial::from_bytes(&part.to_bytes(), &format!("part-{i}")).unwrap()
        })
        .collect()
}

/// Merges in the order given.
fn merge(parts: Vec<PlanPartial>) -> PlanResult {
    PlanPartial::merge_all(parts.into_iter().enumerate().map(|(i, p)| (p, i)))
        .unwrap()
        .finish("merged")
        .unwrap()
}

/// N = 1..7, forwards, backwards and as a merge of two merged halves
/// (written and read back), against one process, by value and by JSON.
fn check_every_split(study: &Study, spec: &PlanSpec) -> PlanResult {
    let one = plan(study, spec, &opts(2)).unwrap();
    let json = serde_json::to_string_pretty(&one).unwrap();
    for n in 1..=7u64 {
        let parts = shards(study, spec, n, 1 + (n as usize % 2));
        let forward = merge(parts.clone());
        assert_eq!(forward, one, "N = {n}");
        assert_eq!(serde_json::to_string_pretty(&forward).unwrap(), json);
        let mut backward = parts.clone();
        backward.reverse();
        assert_eq!(merge(backward), one, "N = {n}, backwards");
        let (a, b) = parts.split_at(n as usize / 2);
        let halves: Vec<PlanPartial> = [a, b]
            .into_iter()
            .filter(|h| !h.is_empty())
            .map(|h| {
                let m = PlanPartial::merge_all(h.iter().cloned().map(|p| (p, "h"))).unwrap();
                PlanPartial::from_bytes(&m.to_bytes(), "half").unwrap()
            })
            .collect();
        assert_eq!(merge(halves), one, "N = {n}, in halves");
    }
    one
}

#[test]
fn shards_of_a_screened_plan_merge_to_its_answer() {
    let (study, spec) = seven_zones();
    let one = check_every_split(&study, &spec);
    let s = one.screening.as_ref().unwrap();
    // The stages a shard replays did run: the pilot and a cost cut.
    assert!(s.pilot_trials > 0 && s.dropped_by_pilot > 0, "{s:?}");
    assert!(s.judged_in_full < s.classes, "{s:?}");
}

#[test]
fn shards_of_a_tied_plan_with_constraints_merge_to_its_answer() {
    let study = mirrors(6_000);
    let spec = PlanSpec::new(Rule::Majority, 3, PlanTarget::new(0.9995, 0.5))
        .with_distinct_zones()
        .with_min_regions(2);
    let one = check_every_split(&study, &spec);
    // The paired test compared classes: several tied, one not (or more).
    assert!(one.tied_count > 1 && one.tied_within_noise, "{one:?}");
    assert!(one.excluded_by_constraints > 0);
    // A significant difference at the same cost: the de-event makes
    // placements with two Frankfurt replicas worse.
    // Zone c is far worse than a and b: at equal cost, {a} and {b} tie,
    // {c} qualifies too but is significantly worse, so it is not tied.
    let mut s = Settings::new(6_000, T);
    s.seed = 3;
    let study = Study::new(s)
        .region(Region::new("r", "r", "p", "FR"))
        .zone(zone("a", "r", 4000.0, 4.0))
        .zone(zone("b", "r", 4000.0, 4.0))
        .zone(zone("c", "r", 1500.0, 4.0));
    let spec = PlanSpec::new(Rule::AtLeast(1), 1, PlanTarget::new(0.995, 0.5));
    let one = check_every_split(&study, &spec);
    let tied: Vec<&str> = one.tied.iter().map(|p| p.replicas[0].as_str()).collect();
    assert_eq!(tied, ["a", "b"]);
    assert!(one.candidates.iter().all(|p| p.qualifies));
}

#[test]
fn shards_of_unsatisfiable_infeasible_and_within_plans_merge_to_their_answer() {
    let study = mirrors(3_000);
    // Three regions, five asked: refused, with the closest placement.
    let spec = PlanSpec::new(Rule::Majority, 3, PlanTarget::new(0.999, 0.9)).with_min_regions(5);
    let one = check_every_split(&study, &spec);
    assert!(one.unsatisfiable.is_some() && one.closest.is_some());
    // No placement can satisfy the rule: answered without simulating.
    let spec = PlanSpec::new(Rule::ZonesUp(3), 3, PlanTarget::new(0.999, 0.9))
        .with_candidate_zones(["fr-a", "fr-b"]);
    let one = check_every_split(&study, &spec);
    assert!(one.infeasible.is_some());
    // Inside a service: every placement judged in full by its copy of it.
    use zonesim::service::{Service, ServiceTarget, UpWhen};
    let study = mirrors(3_000)
        .deployment(Deployment::new("front", ["fr-a"], Rule::AtLeast(1)))
        .deployment(Deployment::new("db", ["fr-a", "fr-b"], Rule::AtLeast(1)))
        .service(Service::new("app", UpWhen::all(["front", "db"])));
    let spec = PlanSpec::new(Rule::AtLeast(1), 2, PlanTarget::new(0.99, 0.5))
        .with_within(ServiceTarget::new("app", "db"));
    let one = check_every_split(&study, &spec);
    assert!(one.within.is_some() && one.best.is_some(), "{one:?}");
}

#[test]
fn mismatched_plan_partials_are_refused_naming_the_file() {
    let study = mirrors(3_000);
    let spec = PlanSpec::new(Rule::AtLeast(1), 2, PlanTarget::new(0.999, 0.5));
    let parts = shards(&study, &spec, 3, 1);
    let text = |r: Result<PlanPartial, zonesim::partial::PartialError>| r.unwrap_err().to_string();
    let two = |a: &PlanPartial, b: &PlanPartial| a.clone().merge("a", b.clone(), "b");
    assert_eq!(
        text(two(&parts[1], &parts[1])),
        "b: batches 1..2 overlap those of a"
    );
    let mut other = study.clone();
    other.simulation.seed = 6;
    let seed = PlanPartial::run(&other, &spec, 0, 3, &opts(1)).unwrap();
    assert_eq!(
        text(two(&parts[1], &seed)),
        "b: the seed differs from a's: 6 here, 5 there"
    );
    let spec2 = PlanSpec::new(Rule::AtLeast(1), 2, PlanTarget::new(0.999, 0.6));
    let other_plan = PlanPartial::run(&study, &spec2, 0, 3, &opts(1)).unwrap();
    assert!(
        text(two(&parts[1], &other_plan))
            .starts_with("b: the study and plan (SHA-256) differs from a's: "),
    );
    let missing = PlanPartial::merge_all([(parts[0].clone(), "a"), (parts[2].clone(), "c")])
        .unwrap()
        .finish("a, c")
        .unwrap_err()
        .to_string();
    assert!(
        missing.contains("incomplete: batches 1..2 are missing (of 3)"),
        "{missing}"
    );
    // Every byte is covered by the checksum; a cut is seen by the length.
    let bytes = parts[0].to_bytes();
    let mut bad = bytes.clone();
    bad[bytes.len() / 2] ^= 1;
    assert!(text(PlanPartial::from_bytes(&bad, "x")).starts_with("x: corrupted: checksum"));
    assert!(
        text(PlanPartial::from_bytes(&bytes[..bytes.len() - 9], "x")).starts_with("x: truncated:")
    );
}

// Through the binary.

fn zonesim<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_zonesim"))
        .args(args)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX")
        .env_remove("AWS_BATCH_JOB_ARRAY_INDEX")
        .output()
        .unwrap()
}

fn scratch(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("zonesim-plan-shards-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[track_caller]
fn ok(o: &Output) -> Vec<u8> {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o.stdout.clone()
}

#[track_caller]
fn refused(o: &Output) -> String {
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A catalogue plan with constraints: EU-wide Alibaba (no provider-wide
/// events), 3 replicas over two regions, 7 batches and a short one.
const PLAN: &str = r#"
catalog = "eu-hubs"

[simulation]
trials = 7_000
horizon_hours = 8760
seed = 2026

[plan]
in_eu = true
providers = ["alibaba"]
rule = "majority"
max_replicas = 3
distinct_zones = true
min_regions = 2
target = { availability = 0.9995, in_fraction_of_years = 0.9 }
"#;

fn plan_file(dir: &Path) -> PathBuf {
    let path = dir.join("plan.toml");
    std::fs::write(&path, PLAN).unwrap();
    path
}

fn shard_files(file: &Path, dir: &Path, n: u64, extra: &[&str]) -> Vec<PathBuf> {
    (0..n)
        .map(|i| {
            // Named by the file and the flags, so that no call overwrites another's.
            let stem = file.file_stem().unwrap().to_str().unwrap();
            let out = dir.join(format!("{stem}{}-{n}-{i}.zsp", extra.join("")));
            let shard = format!("{i}/{n}");
            let mut args = vec![
                "plan",
                file.to_str().unwrap(),
                "--shard",
                &shard,
                "--output",
                out.to_str().unwrap(),
            ];
            args.extend_from_slice(extra);
            ok(&zonesim(&args));
            out
        })
        .collect()
}

fn merged(files: &[&Path], format: &str) -> Vec<u8> {
    let mut args: Vec<&std::ffi::OsStr> = vec!["merge".as_ref()];
    args.extend(files.iter().map(|f| f.as_os_str()));
    args.extend([
        std::ffi::OsStr::new("--format"),
        std::ffi::OsStr::new(format),
    ]);
    ok(&zonesim(args))
}

#[test]
fn merged_plan_shards_print_what_plan_prints_byte_for_byte() {
    let dir = scratch("bytes");
    let file = plan_file(&dir);
    let f = file.to_str().unwrap();
    let json = ok(&zonesim(["plan", f, "--format", "json"]));
    let table = ok(&zonesim(["plan", f]));
    let text = String::from_utf8_lossy(&json);
    assert!(text.contains("\"tied_within_noise\": true"), "{text}");
    for n in 1..=7 {
        let parts = shard_files(&file, &dir, n, &["--threads", "2"]);
        let mut order: Vec<&Path> = parts.iter().map(|p| p.as_path()).collect();
        order.rotate_left(n as usize / 2);
        assert_eq!(merged(&order, "json"), json, "N = {n}");
        assert_eq!(merged(&order, "table"), table, "N = {n}");
    }
    // Parts of parts: a merged partial of shards 0..3 of 5, then the rest.
    let parts = shard_files(&file, &dir, 5, &[]);
    let half = dir.join("half.zsp");
    let mut args: Vec<&str> = vec!["merge"];
    args.extend(parts[..3].iter().map(|p| p.to_str().unwrap()));
    args.extend(["--partial", "--output", half.to_str().unwrap()]);
    ok(&zonesim(&args));
    assert_eq!(merged(&[&half, &parts[3], &parts[4]], "json"), json);
    // The frontier picture is plan's too.
    let (a, b) = (dir.join("a.svg"), dir.join("b.svg"));
    ok(&zonesim(["plan", f, "--plot", a.to_str().unwrap()]));
    let mut args: Vec<&str> = vec!["merge"];
    args.extend(parts.iter().map(|p| p.to_str().unwrap()));
    args.extend(["--plot", b.to_str().unwrap()]);
    ok(&zonesim(&args));
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn plan_shard_refusals_name_the_file() {
    let dir = scratch("refusals");
    let file = plan_file(&dir);
    let f = file.to_str().unwrap();
    let parts = shard_files(&file, &dir, 3, &[]);
    let p: Vec<&str> = parts.iter().map(|p| p.to_str().unwrap()).collect();
    // A run partial among plan partials, and the reverse.
    let run = dir.join("run.zsp");
    ok(&zonesim([
        "run",
        "--trials",
        "2000",
        "--shard",
        "0/1",
        "--output",
        run.to_str().unwrap(),
    ]));
    let r = run.to_str().unwrap();
    let e = refused(&zonesim(["merge", p[0], r, p[1], p[2]]));
    assert!(
        e.contains(&format!(
            "{r}: a run partial (zonesim run --shard), not a plan partial (zonesim plan --shard) \
             like the others"
        )),
        "{e}"
    );
    let e = refused(&zonesim(["merge", r, p[0]]));
    assert!(e.contains(&format!("{}: a plan partial", p[0])), "{e}");
    // Missing and overlapping shards.
    let e = refused(&zonesim(["merge", p[0], p[2]]));
    assert!(
        e.contains("incomplete: batches 2..4 are missing (of 7)"),
        "{e}"
    );
    let e = refused(&zonesim(["merge", p[0], p[1], p[1], p[2]]));
    assert!(
        e.contains(&format!("{}: batches 2..4 overlap those of {}", p[1], p[0])),
        "{e}"
    );
    // Another seed, another number of trials, another plan.
    let other = shard_files(&file, &dir, 3, &["--seed", "7"]);
    let e = refused(&zonesim(["merge", p[0], other[1].to_str().unwrap(), p[2]]));
    assert!(e.contains("the seed differs from"), "{e}");
    let edited = dir.join("edited.toml");
    std::fs::write(&edited, PLAN.replace("0.9995", "0.9999")).unwrap();
    let other = shard_files(&edited, &dir, 3, &[]);
    let e = refused(&zonesim(["merge", p[0], other[1].to_str().unwrap(), p[2]]));
    assert!(
        e.contains("the study and plan (SHA-256) differs from"),
        "{e}"
    );
    // A damaged and a cut file.
    let mut bytes = std::fs::read(&parts[1]).unwrap();
    let bad = dir.join("bad.zsp");
    bytes[100] ^= 0x10;
    std::fs::write(&bad, &bytes).unwrap();
    let b = bad.to_str().unwrap();
    let e = refused(&zonesim(["merge", p[0], b, p[2]]));
    assert!(e.contains(&format!("{b}: corrupted: checksum")), "{e}");
    std::fs::write(&bad, &bytes[..bytes.len() - 1]).unwrap();
    let e = refused(&zonesim(["merge", p[0], b, p[2]]));
    assert!(e.contains(&format!("{b}: truncated:")), "{e}");
    // --shard needs --output, refuses --plot, and auto needs an index.
    let e = refused(&zonesim(["plan", f, "--shard", "0/2"]));
    assert!(e.contains("--shard writes a partial result"), "{e}");
    let out = dir.join("x.zsp");
    let o = out.to_str().unwrap();
    let e = refused(&zonesim([
        "plan", f, "--shard", "0/2", "--output", o, "--plot", "x.svg",
    ]));
    assert!(e.contains("--plot draws the whole plan"), "{e}");
    let e = refused(&zonesim(["plan", f, "--shard", "auto/2", "--output", o]));
    assert!(
        e.contains("--shard auto/2: none of SLURM_ARRAY_TASK_ID"),
        "{e}"
    );
    let o2 = Command::new(env!("CARGO_BIN_EXE_zonesim"))
        .args(["plan", f, "--shard", "auto/3", "--output", o])
        .env("SLURM_ARRAY_TASK_ID", "1")
        .output()
        .unwrap();
    ok(&o2);
    assert_eq!(
        std::fs::read(&out).unwrap(),
        std::fs::read(&parts[1]).unwrap()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
