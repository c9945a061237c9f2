//! Mapping a study's problems back to lines of the file.

use super::line_col;
use crate::study::Problem;

// ---------------------------------------------------------------------------
// Mapping problems back to lines of the file (a best effort: the study has no
// spans, so we look for the offending id or key in the text).

/// 1-based line of the first occurrence of `"value"` or `'value'` at or after
/// byte `from` whose key (the word before `=` or `:` on its line) is `key`, or
/// any occurrence when `key` is `None`.
fn find_value(text: &str, value: &str, key: Option<&str>, from: usize) -> Option<usize> {
    for quote in ['"', '\''] {
        let needle = format!("{quote}{value}{quote}");
        let mut start = from.min(text.len());
        while let Some(i) = text[start..].find(&needle) {
            let at = start + i;
            let ok = match key {
                None => true,
                Some(k) => {
                    let line_start = text[..at].rfind('\n').map_or(0, |j| j + 1);
                    let before = text[line_start..at].trim_end();
                    let before = before
                        .strip_suffix('=')
                        .or_else(|| before.strip_suffix(':'))
                        .map(|b| b.trim_end().trim_matches('"').trim_matches('\''));
                    before.is_some_and(|b| b.ends_with(k))
                }
            };
            if ok {
                return Some(at);
            }
            start = at + needle.len();
        }
    }
    None
}

/// Byte offset of the first line at or after `from` that sets `key` (TOML
/// `key =`, or JSON `"key":`), stopping at the next TOML table header.
fn find_key(text: &str, key: &str, from: usize) -> Option<usize> {
    let mut offset = text[..from.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let mut first = true;
    for line in text[offset..].split_inclusive('\n') {
        let t = line.trim_start();
        if !first && t.starts_with('[') {
            return None;
        }
        first = false;
        let rest = t
            .strip_prefix(key)
            .or_else(|| t.strip_prefix(&format!("\"{key}\"")));
        if let Some(r) = rest {
            let r = r.trim_start();
            if r.starts_with('=') || r.starts_with(':') {
                return Some(offset + (line.len() - t.len()));
            }
        }
        // JSON on one line: look inside the line too.
        if let Some(i) = line.find(&format!("\"{key}\"")) {
            let r = line[i + key.len() + 2..].trim_start();
            if r.starts_with(':') {
                return Some(offset + i);
            }
        }
        offset += line.len();
    }
    None
}

/// Byte offset of a top-level TOML table header `[name]` or JSON key `"name"`.
fn find_table(text: &str, name: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if t.starts_with(&format!("[{name}]")) {
            return Some(offset);
        }
        offset += line.len();
    }
    text.find(&format!("\"{name}\""))
}

fn line_of(text: &str, offset: usize) -> usize {
    line_col(text, offset).0
}

/// Quoted strings in a message or path, in order.
fn quoted(s: &str) -> Vec<&str> {
    s.split('"').skip(1).step_by(2).collect()
}

/// The line of the file a problem most likely comes from.
pub(super) fn locate(text: &str, p: &Problem) -> Option<usize> {
    let at = p.at.as_str();
    let msg_values = quoted(&p.message);
    // `kind[i] "name".field[j]` or `kind "name".field`.
    if let (Some(q1), Some(q2)) = (at.find('"'), at.rfind('"'))
        && q2 > q1
    {
        let kind = at[..q1].trim_end();
        let kind = kind.split('[').next().unwrap_or(kind);
        let name = &at[q1 + 1..q2];
        let key = match kind {
            "zone" | "region" => "id",
            _ => "name",
        };
        let anchor = find_value(text, name, Some(key), 0)?;
        let field = at[q2 + 1..]
            .strip_prefix('.')
            .map(|f| f.split(['.', '[']).next().unwrap_or(f).to_string());
        // The offending value (e.g. an unknown zone id) near the entry.
        if let Some(v) = msg_values.first()
            && let Some(off) = find_value(text, v, field.as_deref(), anchor)
                .or_else(|| find_value(text, v, None, anchor))
        {
            return Some(line_of(text, off));
        }
        if let Some(f) = field
            && let Some(off) = find_key(text, &f, anchor)
        {
            return Some(line_of(text, off));
        }
        return Some(line_of(text, anchor));
    }
    // `table.key...` or a bare key.
    let mut parts = at.splitn(2, '.');
    let table = parts.next().unwrap_or(at);
    match parts.next() {
        Some(rest) => {
            let key = rest.split(['.', '[']).next().unwrap_or(rest);
            let start = find_table(text, table).unwrap_or(0);
            if let Some(v) = msg_values.first()
                && let Some(off) = find_value(text, v, Some(key), start)
            {
                return Some(line_of(text, off));
            }
            let off = find_key(text, key, start)
                .or_else(|| find_table(text, table))
                .unwrap_or(usize::MAX);
            (off != usize::MAX).then(|| line_of(text, off))
        }
        None => find_key(text, table, 0)
            .or_else(|| find_table(text, table))
            .map(|off| line_of(text, off)),
    }
}
