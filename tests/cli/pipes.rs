//! Issue #9, item 12: stdout that goes away. A reader that leaves (EPIPE,
//! `| head`) ends the output quietly; a stdout closed before the start
//! (`>&-`, EBADF) is an error with exit 1.

use std::process::{Command, Stdio};

use crate::{data, stderr};

/// The read end of stdout's pipe is dropped before the child writes: the
/// child ends without an error message, with exit 0.
#[test]
fn broken_pipe_ends_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_zonesim"))
        .args(["run".as_ref(), data("fixed_all_up.toml").as_os_str()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let o = child.wait_with_output().expect("wait");
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(!err.contains("error"), "{err}");
    assert!(!err.to_lowercase().contains("broken pipe"), "{err}");
}

/// stdout closed (`>&-`): the output cannot go anywhere, so it is an error.
#[test]
fn closed_stdout_is_an_error() {
    for cmd in ["run", "validate"] {
        let o = Command::new("sh")
            .args(["-c", "exec \"$0\" \"$1\" \"$2\" >&-"])
            .arg(env!("CARGO_BIN_EXE_zonesim"))
            .arg(cmd)
            .arg(data("fixed_all_up.toml"))
            .output()
            .expect("sh");
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{cmd}: {err}");
        assert!(
            err.contains("stdout") && err.contains("closed"),
            "{cmd}: {err}"
        );
    }
}

/// `> /dev/null` is a stdout like any other: no error.
#[test]
fn stdout_to_dev_null_is_fine() {
    let o = Command::new(env!("CARGO_BIN_EXE_zonesim"))
        .args(["run".as_ref(), data("fixed_all_up.toml").as_os_str()])
        .stdout(Stdio::null())
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", stderr(&o));
}
