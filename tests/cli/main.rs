//! Integration tests of the `zonesim` binary and of scenario loading.
//!
//! Every test runs the built binary (`CARGO_BIN_EXE_zonesim`) on files in
//! `tests/data/` or written on the fly, with small trial counts.

mod agreement;
mod bad_input;
mod catalog;
mod exact;
mod files;
mod fit_sweep;
mod labels;
mod outputs;
mod pipes;
mod plan;
mod precision_figure;
mod scenario_api;
mod services;
mod shard;
mod trials_out;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Path of a file in `tests/data/`.
pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// A fresh, empty directory for one test.
pub fn scratch(tag: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "cli-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

/// Runs `zonesim` with the given arguments.
pub fn zonesim<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_zonesim"))
        .args(args)
        .output()
        .expect("run zonesim")
}

/// stdout as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

/// stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 stderr")
}

/// Runs `zonesim run FILE --format json ARGS..`, asserts success and parses stdout.
pub fn run_json(file: &Path, extra: &[&str]) -> serde_json::Value {
    let mut args: Vec<std::ffi::OsString> = vec!["run".into(), file.into()];
    args.extend(["--format", "json"].iter().map(Into::into));
    args.extend(extra.iter().map(Into::into));
    let o = zonesim(&args);
    assert!(o.status.success(), "zonesim failed: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("stdout is JSON")
}
