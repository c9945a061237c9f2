//! `zonesim validate` runs exactly the checks `run` and `plan` run: on every
//! file in `tests/data` and `scenarios/`, on an empty file and on a zero-cost
//! plan, a file it accepts runs, and a file it refuses is refused by the
//! command it is for, with the same exit code.

use std::path::{Path, PathBuf};

use crate::{scratch, stderr, zonesim};

fn files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in ["tests/data", "scenarios"] {
        for e in std::fs::read_dir(root.join(dir)).expect("dir") {
            let p = e.expect("entry").path();
            if matches!(
                p.extension().and_then(|x| x.to_str()),
                Some("toml" | "json")
            ) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The command a file is for: `plan` when it has a `[plan]` and no
/// deployment, else `run`.
fn command_for(path: &Path) -> &'static str {
    let text = std::fs::read_to_string(path).expect("read");
    if (text.contains("[plan]") || text.contains("\"plan\"")) && !text.contains("deployment") {
        "plan"
    } else {
        "run"
    }
}

fn agree(path: &Path) {
    let v = zonesim([std::ffi::OsStr::new("validate"), path.as_os_str()]);
    let cmd = command_for(path);
    let r = zonesim([
        std::ffi::OsStr::new(cmd),
        path.as_os_str(),
        "--trials".as_ref(),
        "300".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert_eq!(
        v.status.code(),
        r.status.code(),
        "{}: validate says {:?} ({}), {cmd} says {:?} ({})",
        path.display(),
        v.status.code(),
        stderr(&v),
        r.status.code(),
        stderr(&r)
    );
}

#[test]
fn validate_agrees_with_run_and_plan_on_every_shipped_file() {
    let files = files();
    assert!(files.len() >= 10, "{files:?}");
    for f in &files {
        agree(f);
    }
}

#[test]
fn validate_agrees_on_an_empty_file_and_a_zero_cost_plan() {
    let dir = scratch("agreement");
    let empty = dir.join("empty.toml");
    std::fs::write(&empty, "").expect("write");
    agree(&empty);
    let v = zonesim([std::ffi::OsStr::new("validate"), empty.as_os_str()]);
    assert_eq!(v.status.code(), Some(2), "an empty file has nothing to run");

    let zero = dir.join("zero-cost.toml");
    std::fs::write(
        &zero,
        "catalog = \"eu-hubs\"\n[plan]\nproviders = [\"alibaba\"]\nrule = \"majority\"\n\
         max_replicas = 3\nreplica_cost = { default = 0.0 }\n\
         target = { availability = 0.999, in_fraction_of_years = 0.9 }\n",
    )
    .expect("write");
    agree(&zero);
    let v = zonesim([std::ffi::OsStr::new("validate"), zero.as_os_str()]);
    assert_eq!(v.status.code(), Some(2));
    assert!(stderr(&v).contains("replica_cost"), "{}", stderr(&v));
}
