//! Reading a scenario file: at most [`MAX_SCENARIO_BYTES`], UTF-8 only.
//!
//! A file that never ends (a link to `/dev/zero`) or a huge one is refused
//! with a clear message instead of being read until memory runs out. The
//! command line and the Python package both read files through
//! [`super::Scenario::from_path`], which uses this.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// The largest scenario file read: 16 MiB, far above any real study (the
/// biggest shipped scenario is a few KB).
pub const MAX_SCENARIO_BYTES: u64 = 16 << 20;

/// The text of `path`, refusing more than `limit` bytes and non-UTF-8 bytes.
pub(super) fn read_text(path: &Path, limit: u64) -> io::Result<String> {
    let f = File::open(path)?;
    if f.metadata()?.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "is a directory",
        ));
    }
    let mut bytes = Vec::new();
    f.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "larger than the {} limit for a scenario file",
                human_bytes(limit)
            ),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "not UTF-8 text (invalid byte 0x{:02x} at offset {at})",
                e.as_bytes()[at]
            ),
        )
    })
}

/// `16 MiB`, or bytes when not a whole number of MiB.
fn human_bytes(n: u64) -> String {
    if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{} MiB", n >> 20)
    } else {
        format!("{n} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_and_encoding() {
        let dir = std::env::temp_dir().join(format!("zonesim-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("a.toml");
        std::fs::write(&f, b"0123456789").unwrap();
        assert_eq!(read_text(&f, 10).unwrap(), "0123456789");
        let e = read_text(&f, 9).unwrap_err().to_string();
        assert_eq!(e, "larger than the 9 bytes limit for a scenario file");
        std::fs::write(&f, b"ok\xff").unwrap();
        let e = read_text(&f, 100).unwrap_err().to_string();
        assert_eq!(e, "not UTF-8 text (invalid byte 0xff at offset 2)");
        assert_eq!(human_bytes(MAX_SCENARIO_BYTES), "16 MiB");
        let e = read_text(&dir, 100).unwrap_err().to_string();
        assert_eq!(e, "is a directory");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
