//! The library's diagnostics ([`zonesim::diagnostics`]) as text, under the
//! study table and in `zonesim validate`.

use zonesim::diagnostics::Warning;

use super::format::escape;
use super::layout::{WIDTH, wrap};

/// Warnings as text: `warning: NAME: what`, with the explanation in
/// parentheses on the next line, wrapped to the table's width. Names are
/// escaped as everywhere in the table.
pub fn warning_lines(warnings: &[Warning]) -> String {
    let mut out = String::new();
    for w in warnings {
        let text = format!("warning: {}: {}", escape(&w.deployment), w.message);
        let (head, detail) = match text.find(" (") {
            Some(i) => (&text[..i], Some(&text[i + 1..])),
            None => (text.as_str(), None),
        };
        out.push_str(&wrap(head, WIDTH, "   "));
        if let Some(detail) = detail {
            out.push_str(&wrap(&format!("  {detail}"), WIDTH, "   "));
        }
    }
    out
}
