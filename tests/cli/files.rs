//! Issue #9, items 5, 6 and 8: what `--output` and `--plot` write to, outputs
//! that would overwrite the input or each other, and input that is too large
//! or not text.

use std::os::unix::fs::FileTypeExt;
use std::path::Path;

use crate::{data, scratch, stderr, stdout, zonesim};

/// A copy of `fixed_all_up.toml` (a small, fast study) in `dir`.
fn study_in(dir: &Path, name: &str) -> std::path::PathBuf {
    let f = dir.join(name);
    std::fs::copy(data("fixed_all_up.toml"), &f).expect("copy");
    f
}

/// `--output LINK` follows the link: the target gets the report, the link
/// stays a link (item 5).
#[test]
fn output_through_a_symlink_updates_its_target() {
    let dir = scratch("symlink");
    let study = study_in(&dir, "s.toml");
    std::fs::create_dir(dir.join("real")).expect("mkdir");
    let target = dir.join("real").join("report.json");
    std::fs::write(&target, "old").expect("write");
    let link = dir.join("report.json");
    std::os::unix::fs::symlink("real/report.json", &link).expect("symlink");
    let o = zonesim([
        "run".as_ref(),
        study.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
        "--output".as_ref(),
        link.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let meta = std::fs::symlink_metadata(&link).expect("link");
    assert!(meta.file_type().is_symlink(), "the link was replaced");
    let text = std::fs::read_to_string(&target).expect("target");
    assert!(
        text.starts_with('{') && text.contains("\"deployments\""),
        "{text}"
    );
    // Nothing else was left in either directory.
    let names = |d: &Path| {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .expect("read_dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(&dir.join("real")), ["report.json"]);
    assert_eq!(names(&dir), ["real", "report.json", "s.toml"]);
}

/// A dangling link is created through: its target appears.
#[test]
fn plot_through_a_dangling_symlink_creates_its_target() {
    let dir = scratch("dangling");
    let study = study_in(&dir, "s.toml");
    let link = dir.join("p.svg");
    std::os::unix::fs::symlink("drawn.svg", &link).expect("symlink");
    let o = zonesim([
        "run".as_ref(),
        study.as_os_str(),
        "--plot".as_ref(),
        link.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink()
    );
    let svg = std::fs::read_to_string(dir.join("drawn.svg")).expect("target written");
    assert!(svg.starts_with("<svg"));
}

/// `/dev/null` is written, not replaced: it stays a character device
/// (item 5). Run as root, the old rename destroyed the device.
#[test]
fn dev_null_stays_a_device() {
    for flag in ["--output", "--plot"] {
        let o = zonesim([
            "run".as_ref(),
            data("fixed_all_up.toml").as_os_str(),
            flag.as_ref(),
            "/dev/null".as_ref(),
        ]);
        assert!(o.status.success(), "{flag}: {}", stderr(&o));
        let meta = std::fs::symlink_metadata("/dev/null").expect("/dev/null");
        assert!(
            meta.file_type().is_char_device(),
            "{flag}: /dev/null replaced"
        );
    }
}

/// A FIFO gets the bytes, in place (item 5).
#[test]
fn fifo_gets_the_output() {
    let dir = scratch("fifo");
    let fifo = dir.join("pipe.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).expect("read fifo"))
    };
    let o = zonesim([
        "run".as_ref(),
        data("fixed_all_up.toml").as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
        "--output".as_ref(),
        fifo.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = reader.join().expect("reader");
    let _: serde_json::Value = serde_json::from_str(&text).expect("JSON through the FIFO");
    assert!(
        std::fs::symlink_metadata(&fifo)
            .expect("fifo")
            .file_type()
            .is_fifo(),
        "the FIFO was replaced"
    );
}

/// The report never replaces the scenario, however the path is spelled
/// (item 6).
#[test]
fn output_that_is_the_input_is_refused() {
    let dir = scratch("same");
    let study = study_in(&dir, "same.toml");
    let before = std::fs::read(&study).expect("read");
    let link = dir.join("alias.toml");
    std::os::unix::fs::symlink("same.toml", &link).expect("symlink");
    let dotted = dir.join(".").join("same.toml");
    for (input, flag, out) in [
        (&study, "--output", &study),
        (&study, "--output", &dotted),
        (&link, "--output", &study),
        (&study, "--plot", &link),
    ] {
        let o = zonesim([
            "run".as_ref(),
            input.as_os_str(),
            flag.as_ref(),
            out.as_os_str(),
        ]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{flag} {}: {err}", out.display());
        assert!(err.contains(&format!("{flag} {}", out.display())), "{err}");
        assert!(err.contains("is the scenario file"), "{err}");
        assert!(err.contains(&input.display().to_string()), "{err}");
        assert!(o.stdout.is_empty());
        assert_eq!(
            std::fs::read(&study).expect("read"),
            before,
            "input changed"
        );
    }
    // `plan` too.
    let o = zonesim([
        "plan".as_ref(),
        study.as_os_str(),
        "--output".as_ref(),
        study.as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("is the scenario file"),
        "{}",
        stderr(&o)
    );
}

/// `--plot x --output x` is refused before anything is written (item 6).
#[test]
fn plot_and_output_on_one_file_are_refused() {
    let dir = scratch("clash");
    let x = dir.join("x");
    let o = zonesim([
        "run".as_ref(),
        data("fixed_all_up.toml").as_os_str(),
        "--plot".as_ref(),
        x.as_os_str(),
        "--output".as_ref(),
        dir.join(".").join("x").as_os_str(),
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("--plot") && err.contains("--output"), "{err}");
    assert!(err.contains("are the same file"), "{err}");
    assert!(!x.exists(), "something was written");
    // Both to /dev/null is fine.
    let o = zonesim([
        "run".as_ref(),
        data("fixed_all_up.toml").as_os_str(),
        "--plot".as_ref(),
        "/dev/null".as_ref(),
        "--output".as_ref(),
        "/dev/null".as_ref(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// A scenario that never ends (a link to `/dev/zero`) is refused at the
/// size limit, naming the file and the limit (item 8).
#[test]
fn endless_input_is_refused_at_the_limit() {
    let dir = scratch("zero");
    let f = dir.join("zero.toml");
    std::os::unix::fs::symlink("/dev/zero", &f).expect("symlink");
    for cmd in ["run", "validate", "plan"] {
        let o = zonesim([cmd.as_ref(), f.as_os_str()]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{cmd}: {err}");
        assert!(err.contains("zero.toml"), "{cmd}: {err}");
        assert!(err.contains("16 MiB limit"), "{cmd}: {err}");
        assert!(stdout(&o).is_empty());
    }
}

/// Bytes that are not UTF-8 give a clear error naming the file (item 8).
#[test]
fn non_utf8_input_is_refused() {
    let dir = scratch("latin1");
    let f = dir.join("latin1.toml");
    std::fs::write(&f, b"# caf\xe9\n[simulation]\ntrials = 10\n").expect("write");
    let o = zonesim(["validate".as_ref(), f.as_os_str()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("latin1.toml"), "{err}");
    assert!(err.contains("not UTF-8"), "{err}");
}
