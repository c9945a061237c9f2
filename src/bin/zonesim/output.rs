//! Where results go: stdout, or a file written whole or not at all.

use std::io::Write;
use std::path::{Path, PathBuf};

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

/// Prints `text` on stdout, or writes it atomically to `output`.
///
/// # Errors
/// [`CliError::Run`] when the file cannot be written; nothing is left behind.
pub fn emit(text: &str, output: Option<&Path>) -> Result<(), CliError> {
    match output {
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|_| out.flush())
                .map_err(|e| CliError::Run(format!("cannot write to stdout: {e}")))
        }
        Some(path) => write_atomically(path, text.as_bytes())
            .map_err(|e| CliError::Run(format!("{}: cannot write: {e}", path.display()))),
    }
}

/// Writes `bytes` to a temporary file next to `path`, then renames it over
/// `path`, so `path` is either untouched or complete.
///
/// # Errors
/// Any I/O error; the temporary file is removed.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("the path names no file"))?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}
