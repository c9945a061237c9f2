//! Text to the raw schema, with the file, line, column and field of any
//! syntax or schema error, worded in the file's terms.

use super::{Format, RawScenario, ScenarioError};

pub(super) fn parse(text: &str, format: Format, name: &str) -> Result<RawScenario, ScenarioError> {
    match format {
        Format::Toml => {
            let de = toml::Deserializer::parse(text).map_err(|e| toml_error(text, name, "", &e))?;
            serde_path_to_error::deserialize::<_, RawScenario>(de).map_err(|e| {
                let field = e.path().to_string();
                toml_error(text, name, &field, e.inner())
            })
        }
        Format::Json => {
            let mut de = serde_json::Deserializer::from_str(text);
            let raw = serde_path_to_error::deserialize::<_, RawScenario>(&mut de)
                .map_err(|e| json_error(name, &e.path().to_string(), e.inner()))?;
            de.end().map_err(|e| json_error(name, "", &e))?;
            Ok(raw)
        }
    }
}

/// The field path without serde_path_to_error's placeholders (`.` for the
/// root, `?` for a position it could not name).
fn clean_field(field: &str) -> String {
    field
        .split('.')
        .filter(|s| !s.is_empty() && *s != "?")
        .collect::<Vec<_>>()
        .join(".")
}

fn toml_error(text: &str, name: &str, field: &str, e: &toml::de::Error) -> ScenarioError {
    let (line, column) = match e.span() {
        Some(span) => {
            let (l, c) = line_col(text, span.start);
            (Some(l), Some(c))
        }
        None => (None, None),
    };
    ScenarioError::Parse {
        file: name.to_string(),
        line,
        column,
        message: in_file_terms(&clean_field(field), e.message().trim_end()),
        field: clean_field(field),
    }
}

/// What a rule looks like in a file.
const RULE_FORMS: &str = "{ at_least = K }, \"majority\", { zones_up = K } or \
                          { active_passive = { failover_hours = H } } (with optional \
                          detection_hours, success and manual_recovery)";

/// serde's wording for a mistyped rule or distribution ("invalid type: unit
/// variant, expected newtype variant") in the file's terms: what is expected.
fn in_file_terms(field: &str, message: &str) -> String {
    let in_rule = field.split('.').any(|part| part == "rule");
    let variant_mixup = message.contains("variant") && message.starts_with("invalid type");
    if in_rule && (variant_mixup || message.starts_with("unknown variant")) {
        format!("expected a rule: {RULE_FORMS}; got: {message}")
    } else {
        message.to_string()
    }
}

fn json_error(name: &str, field: &str, e: &serde_json::Error) -> ScenarioError {
    // serde_json appends " at line L column C" to its message; we print the
    // position ourselves.
    let msg = e.to_string();
    let message = match msg.rfind(" at line ") {
        Some(i) if e.line() > 0 => msg[..i].to_string(),
        _ => msg,
    };
    ScenarioError::Parse {
        file: name.to_string(),
        line: (e.line() > 0).then_some(e.line()),
        column: (e.line() > 0).then_some(e.column()),
        message: in_file_terms(&clean_field(field), &message),
        field: clean_field(field),
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(super) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() + 1;
    (line, column)
}
