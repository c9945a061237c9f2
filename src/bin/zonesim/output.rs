//! Where results go: stdout, or a file.
//!
//! - stdout: a reader that goes away (`| head`, EPIPE) ends the output
//!   quietly, as Unix tools do; a stdout that was closed when the process
//!   started (`>&-`) is an error, since the output would be lost.
//! - A regular file (or a path that does not exist yet) is replaced
//!   atomically: a temporary file in the same directory, then a rename, so it
//!   is either untouched or complete. A symbolic link is followed and its
//!   target replaced, in the target's directory; the link stays a link.
//! - Anything else (a FIFO, a character device such as `/dev/null`,
//!   `/dev/stdout`) is written in place: renaming over it would destroy it.
//! - [`check_distinct`] refuses, before anything runs, an output that is the
//!   input or the other output.

use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::error::CliError;

/// Pretty JSON of a serialisable value, ending in a newline.
///
/// # Errors
/// [`CliError::Run`] if serialisation fails (it does not for zonesim's types).
pub fn to_json<T: serde::Serialize>(value: &T) -> Result<String, CliError> {
    let mut s = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::Run(format!("cannot serialise the result: {e}")))?;
    s.push('\n');
    Ok(s)
}

/// Prints `text` on stdout, or writes it to `output` (see [`write_file`]).
///
/// # Errors
/// [`CliError::Run`] when stdout was closed or the file cannot be written;
/// a file is then left as it was.
pub fn emit(text: &str, output: Option<&Path>) -> Result<(), CliError> {
    match output {
        None => write_stdout(text.as_bytes()),
        Some(path) => write_file(path, text.as_bytes())
            .map_err(|e| CliError::Run(format!("{}: cannot write: {e}", path.display()))),
    }
}

/// Writes to stdout: EPIPE (the reader left) is a quiet success, a closed
/// stdout an error.
fn write_stdout(bytes: &[u8]) -> Result<(), CliError> {
    if stdout_was_closed() {
        return Err(CliError::Run(
            "cannot write to stdout: it is closed (file descriptor 1 is not open); \
             redirect it or use --output PATH"
                .into(),
        ));
    }
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        // `| head` has read what it wanted: stop quietly, as Unix tools do.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::Run(format!("cannot write to stdout: {e}"))),
    }
}

/// Whether file descriptor 1 was closed when the process started.
///
/// The Rust runtime reopens a closed standard descriptor on `/dev/null`
/// before `main` (so writes to it would vanish without an error); the
/// constructor below looks at descriptor 1 before that happens.
fn stdout_was_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::Relaxed)
}

/// Set by [`note_closed_stdout`] when descriptor 1 is not open at start-up.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Runs [`note_closed_stdout`] as a process constructor, before the Rust
/// runtime's own start-up (which would hide a closed descriptor).
#[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
#[used]
#[unsafe(link_section = ".init_array")]
static NOTE_CLOSED_STDOUT: extern "C" fn() = note_closed_stdout;

/// As above, for macOS.
#[cfg(target_os = "macos")]
#[used]
#[unsafe(link_section = "__DATA,__mod_init_func")]
static NOTE_CLOSED_STDOUT: extern "C" fn() = note_closed_stdout;

/// Records whether descriptor 1 is open (`fcntl(1, F_GETFD)` fails with
/// EBADF when it is not).
#[cfg_attr(
    not(any(
        target_os = "linux",
        target_os = "android",
        target_os = "freebsd",
        target_os = "macos"
    )),
    allow(dead_code)
)]
extern "C" fn note_closed_stdout() {
    unsafe extern "C" {
        fn fcntl(fd: i32, cmd: i32, ...) -> i32;
    }
    /// `F_GETFD`, the same on Linux, the BSDs and macOS.
    const F_GETFD: i32 = 1;
    // SAFETY: F_GETFD only reads the descriptor's flags; it takes no third
    // argument and touches no memory.
    if unsafe { fcntl(1, F_GETFD) } == -1 {
        STDOUT_CLOSED.store(true, Ordering::Relaxed);
    }
}

/// How a path is to be written.
#[derive(Debug, PartialEq, Eq)]
enum Plan {
    /// Replace this regular file (or create it) atomically, keeping the
    /// permissions given.
    Replace(PathBuf, Option<fs::Permissions>),
    /// Open this path and write into it (FIFO, device, `/dev/stdout`).
    InPlace(PathBuf),
}

/// The most symbolic links followed (as Linux's `MAXSYMLINKS`).
const MAX_LINKS: usize = 40;

/// Follows `path`'s symbolic links one at a time to what a write should change.
///
/// A link into `/proc` (`/dev/stdout`, `/dev/fd/N`) names an open
/// descriptor, not a file to replace: it is written in place.
fn plan_write(path: &Path) -> io::Result<Plan> {
    let mut p = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        if under_proc(&p) {
            return Ok(Plan::InPlace(path.to_path_buf()));
        }
        let meta = match fs::symlink_metadata(&p) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Plan::Replace(p, None)),
            Err(e) => return Err(e),
        };
        let kind = meta.file_type();
        if kind.is_symlink() {
            let link = fs::read_link(&p)?;
            p = match p.parent() {
                Some(dir) if link.is_relative() => dir.join(link),
                _ => link,
            };
        } else if kind.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::IsADirectory,
                "is a directory",
            ));
        } else if kind.is_file() {
            return Ok(Plan::Replace(p, Some(meta.permissions())));
        } else {
            return Ok(Plan::InPlace(p));
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// Whether `p`'s directory is in `/proc` (where `/dev/fd` leads on Linux).
fn under_proc(p: &Path) -> bool {
    let dir = match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    p.starts_with("/proc") || fs::canonicalize(dir).is_ok_and(|d| d.starts_with("/proc"))
}

/// Writes `bytes` to `path`: a regular file (or a new one) atomically, in
/// its real directory when `path` is a symbolic link; a FIFO or a device in
/// place.
///
/// # Errors
/// Any I/O error; a regular file is then untouched and no temporary file
/// is left.
pub fn write_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_file_with(path, |f| f.write_all(bytes))
}

/// Writes to `path` what `write` writes (streamed, in constant memory), as
/// [`write_file`] does: a regular file atomically (complete or untouched),
/// a FIFO or a device in place.
///
/// # Errors
/// Any I/O error, `write`'s included; a regular file is then untouched and
/// no temporary file is left.
pub fn write_file_with(
    path: &Path,
    write: impl FnOnce(&mut (dyn Write + Send)) -> io::Result<()>,
) -> io::Result<()> {
    match plan_write(path)? {
        Plan::Replace(target, perms) => write_atomically(&target, write, perms),
        Plan::InPlace(target) => {
            let mut f = io::BufWriter::new(fs::OpenOptions::new().write(true).open(target)?);
            write(&mut f)?;
            f.flush()
        }
    }
}

/// Writes what `write` writes to a new temporary file next to `path`, then
/// renames it over `path`, so `path` is either untouched or complete. `perms` (the
/// replaced file's) are given to the new file.
///
/// # Errors
/// Any I/O error; the temporary file is removed.
fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut (dyn Write + Send)) -> io::Result<()>,
    perms: Option<fs::Permissions>,
) -> io::Result<()> {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::other("the path names no file"))?;
    let tmp = dir.join(format!(
        ".{}.{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let written = (|| {
        // create_new: never follow or reuse something already at that name.
        let f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        let mut buf = io::BufWriter::new(f);
        write(&mut buf)?;
        let f = buf.into_inner().map_err(io::IntoInnerError::into_error)?;
        if let Some(p) = perms {
            f.set_permissions(p)?;
        }
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

/// What a path stands for when comparing inputs and outputs.
#[derive(Debug, PartialEq, Eq)]
enum Identity {
    /// An existing file: its device and inode (hard links and symlinks match).
    Inode(u64, u64),
    /// A file not there yet: its canonical directory and name.
    Path(PathBuf),
}

/// `path`'s identity; `None` for a character device (`/dev/null`, a
/// terminal), which several outputs may share, or when it cannot be told.
fn identity(path: &Path) -> Option<Identity> {
    match fs::metadata(path) {
        Ok(m) if m.file_type().is_char_device() => None,
        Ok(m) => Some(Identity::Inode(m.dev(), m.ino())),
        Err(_) => match plan_write(path).ok()? {
            Plan::Replace(target, _) => {
                let dir = match target.parent() {
                    Some(d) if !d.as_os_str().is_empty() => d,
                    _ => Path::new("."),
                };
                Some(Identity::Path(
                    fs::canonicalize(dir).ok()?.join(target.file_name()?),
                ))
            }
            Plan::InPlace(_) => None,
        },
    }
}

/// Refuses outputs that would overwrite the input or each other: `input` is
/// the scenario file, `outputs` the flags and their paths (`--output`,
/// `--plot`). Paths are compared as files (same device and inode, or the
/// same canonical path for files not there yet), so `./x` and a symbolic
/// link to `x` count as `x`.
///
/// # Errors
/// [`CliError::Input`] naming both paths.
pub fn check_distinct(input: Option<&Path>, outputs: &[(&str, &Path)]) -> Result<(), CliError> {
    let input_id = input.and_then(identity);
    for (i, &(flag, path)) in outputs.iter().enumerate() {
        let Some(id) = identity(path) else { continue };
        if let (Some(inp), Some(input)) = (&input_id, input)
            && *inp == id
        {
            return Err(CliError::Input(format!(
                "{flag} {} is the scenario file {}: writing it would replace the input; \
                     choose another path",
                path.display(),
                input.display()
            )));
        }
        for &(other_flag, other) in &outputs[..i] {
            if identity(other).as_ref() == Some(&id) {
                return Err(CliError::Input(format!(
                    "{other_flag} {} and {flag} {} are the same file: one output would \
                     overwrite the other; give each its own path",
                    other.display(),
                    path.display()
                )));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_are_written_in_place() {
        assert_eq!(
            plan_write(Path::new("/dev/null")).ok(),
            Some(Plan::InPlace("/dev/null".into()))
        );
        assert!(identity(Path::new("/dev/null")).is_none());
    }

    #[test]
    fn a_new_file_is_replaced_atomically() {
        let p = std::env::temp_dir().join(format!("zonesim-plan-{}", std::process::id()));
        assert_eq!(plan_write(&p).ok(), Some(Plan::Replace(p.clone(), None)));
    }
}
