//! SLA windows and service credits of a run as text (issue 17 item 3).

use std::fmt::Write as _;

use zonesim::engine::StudyResult;

use super::format::{escape, fmt_num, fmt_prob, fmt_target};
use super::layout::{CONTINUE, Table, WIDTH, wrap};

/// The SLA windows' block of a run, its parts apart: the text renders it
/// ([`windows_table`]), the planning page lays it out as HTML.
pub struct WindowsView {
    /// The first line: how each trial is cut into windows.
    pub head: String,
    /// The line explaining the columns.
    pub legend: String,
    /// The two header rows, column by column (group above, `CONTINUE`
    /// where the group to the left goes on; the column's own name).
    pub headers: Vec<(String, String)>,
    /// One row per deployment, then per service, with windows.
    pub rows: Vec<Vec<String>>,
    /// The line under the table when the study gives credit bands.
    pub credit_note: Option<String>,
}

/// For each deployment and SLA target: P(a window misses it), the expected
/// number of missed windows per trial and P(a trial has at least one), then
/// the expected credit per window and per trial when the study gives
/// credit bands. `None` when no trial holds a whole window.
pub fn windows_view(result: &StudyResult) -> Option<WindowsView> {
    let first = result.deployments.iter().find_map(|d| d.windows.as_ref())?;
    let month = first.hours == 730.0;
    let window = if month {
        "month".to_string()
    } else {
        format!("{} h window", fmt_num(first.hours))
    };
    let per = if result.horizon_hours == 8760.0 {
        "year"
    } else {
        "trial"
    };
    let remainder = result.horizon_hours - first.per_trial as f64 * first.hours;
    let mut head = format!(
        "SLA windows: each {per} cut into {} whole {window}s of {} h",
        first.per_trial,
        fmt_num(first.hours)
    );
    if remainder > 0.0 {
        let _ = write!(head, " ({} h at the end in none)", fmt_num(remainder));
    }
    let legend = format!(
        "(P({window} misses): a {window}'s availability below the target; \
         missed per {per}; P(any): at least one missed {window} in a {per})"
    );
    let mut headers: Vec<(String, String)> = vec![("".into(), "deployment".into())];
    for s in &first.sla {
        headers.push((fmt_target(s.target), format!("P({window} misses)")));
        headers.push((CONTINUE.into(), format!("per {per}")));
        headers.push((CONTINUE.into(), "P(any)".into()));
    }
    let credit = first.credit.is_some();
    if credit {
        headers.push(("expected credit".into(), format!("per {window}")));
        headers.push((CONTINUE.into(), format!("per {per}")));
    }
    let mut rows = Vec::new();
    // Deployments, then services (same columns).
    for d in result.deployments.iter().chain(&result.services) {
        let Some(w) = &d.windows else { continue };
        let mut row = vec![escape(&d.name)];
        for s in &w.sla {
            row.push(fmt_prob(s.p_window_misses));
            row.push(format!("{:.3}", s.missed_per_trial));
            row.push(fmt_prob(s.p_any_missed));
        }
        if credit {
            match &w.credit {
                Some(c) => {
                    row.push(format!("{:.2}%", c.per_window * 100.0));
                    row.push(format!("{:.2}%", c.per_trial * 100.0));
                }
                None => row.extend(["-".to_string(), "-".to_string()]),
            }
        }
        rows.push(row);
    }
    Some(WindowsView {
        head,
        legend,
        headers,
        rows,
        credit_note: credit.then(|| {
            format!("(credit in % of one {window}'s fee; the largest applicable band counts)")
        }),
    })
}

/// The SLA windows' block as text ([`windows_view`]); empty when no trial
/// holds a whole window.
pub fn windows_table(result: &StudyResult) -> String {
    let Some(v) = windows_view(result) else {
        return String::new();
    };
    let mut out = String::new();
    out.push('\n');
    out.push_str(&wrap(&v.head, WIDTH, "  "));
    out.push('\n');
    out.push_str(&wrap(&v.legend, WIDTH, " "));
    out.push('\n');
    let h: Vec<(&str, &str)> = v
        .headers
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let mut t = Table::new(&h);
    for row in v.rows {
        t.row(row);
    }
    out.push_str(&t.render(WIDTH));
    if let Some(note) = v.credit_note {
        let _ = writeln!(out, "{note}");
    }
    out
}
