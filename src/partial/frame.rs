//! The file framing every partial shares: magic, format version, body
//! length, body, CRC-32; and the two kinds of partial by their magic.

use super::{FORMAT_VERSION, MAGIC, PLAN_MAGIC, PartialError, PartialProblem};

/// What each kind of partial is called in messages, by its magic.
fn kind_of(magic: &[u8]) -> Option<&'static str> {
    if magic == MAGIC {
        Some(RUN_KIND)
    } else if magic == PLAN_MAGIC {
        Some(PLAN_KIND)
    } else {
        None
    }
}

/// A run partial, in messages.
const RUN_KIND: &str = "a run partial (zonesim run --shard)";

/// A plan partial, in messages.
const PLAN_KIND: &str = "a plan partial (zonesim plan --shard)";

/// Whether `bytes` start like a plan partial ([`PLAN_MAGIC`]) rather than
/// a run partial: what `zonesim merge` reads them as.
pub fn is_plan_partial(bytes: &[u8]) -> bool {
    bytes.starts_with(&PLAN_MAGIC)
}

/// The file around a body: magic, version, length, body, CRC-32.
pub(super) fn frame(magic: &[u8; 8], body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 24);
    out.extend_from_slice(magic);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(body);
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// The body of a file of the kind `magic` names, after checking the
/// magic, the version, the length and the checksum.
pub(super) fn unframe<'b>(
    bytes: &'b [u8],
    magic: &[u8; 8],
    file: &str,
) -> Result<&'b [u8], PartialError> {
    let err = |problem| PartialError {
        file: file.to_string(),
        problem,
    };
    if bytes.len() < MAGIC.len() || bytes[..MAGIC.len()] != *magic {
        let found = bytes.get(..MAGIC.len()).and_then(kind_of);
        return Err(err(match (found, kind_of(magic)) {
            (Some(found), Some(expected)) => PartialProblem::OtherKind { found, expected },
            _ => PartialProblem::NotPartial,
        }));
    }
    let fixed = MAGIC.len() + 12;
    if bytes.len() < fixed + 4 {
        return Err(err(PartialProblem::Truncated {
            expected: fixed as u64 + 4,
            got: bytes.len() as u64,
        }));
    }
    let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
    if version != FORMAT_VERSION {
        return Err(err(PartialProblem::Version { found: version }));
    }
    let len = u64::from_le_bytes(bytes[12..20].try_into().expect("8 bytes"));
    let expected = (fixed as u64).saturating_add(len).saturating_add(4);
    if bytes.len() as u64 != expected {
        return Err(err(PartialProblem::Truncated {
            expected,
            got: bytes.len() as u64,
        }));
    }
    let (content, tail) = bytes.split_at(bytes.len() - 4);
    let found = u32::from_le_bytes(tail.try_into().expect("4 bytes"));
    let computed = crc32fast::hash(content);
    if found != computed {
        return Err(err(PartialProblem::Corrupted { found, computed }));
    }
    Ok(&content[fixed..])
}
