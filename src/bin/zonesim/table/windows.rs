//! SLA windows and service credits of a run as text (issue 17 item 3).

use std::fmt::Write as _;

use zonesim::engine::StudyResult;

use super::format::{escape, fmt_num, fmt_prob, fmt_target};
use super::layout::{CONTINUE, Table, WIDTH, wrap};

/// For each deployment and SLA target: P(a window misses it), the expected
/// number of missed windows per trial and P(a trial has at least one), then
/// the expected credit per window and per trial when the study gives
/// credit bands. Empty when no trial holds a whole window.
pub fn windows_table(result: &StudyResult) -> String {
    let Some(first) = result.deployments.iter().find_map(|d| d.windows.as_ref()) else {
        return String::new();
    };
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
    let mut out = String::new();
    let remainder = result.horizon_hours - first.per_trial as f64 * first.hours;
    let mut head = format!(
        "SLA windows: each {per} cut into {} whole {window}s of {} h",
        first.per_trial,
        fmt_num(first.hours)
    );
    if remainder > 0.0 {
        let _ = write!(head, " ({} h at the end in none)", fmt_num(remainder));
    }
    out.push('\n');
    out.push_str(&wrap(&head, WIDTH, "  "));
    out.push('\n');
    out.push_str(&wrap(
        &format!(
            "(P({window} misses): a {window}'s availability below the target; \
             missed per {per}; P(any): at least one missed {window} in a {per})"
        ),
        WIDTH,
        " ",
    ));
    out.push('\n');
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
    let h: Vec<(&str, &str)> = headers
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let mut t = Table::new(&h);
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
        t.row(row);
    }
    out.push_str(&t.render(WIDTH));
    if credit {
        let _ = writeln!(
            out,
            "(credit in % of one {window}'s fee; the largest applicable band counts)"
        );
    }
    out
}
