//! Plain-text tables for the terminal: the study result and the catalogue.
//!
//! [`Table`] lays out columns with two-line headers and, when the columns do
//! not fit the width, splits them into blocks that each repeat the first
//! (name) column.

use std::collections::HashMap;
use std::fmt::Write as _;

use zonesim::catalog::Catalog;
use zonesim::distributions::Duration;
use zonesim::engine::StudyResult;
use zonesim::study::Study;

/// The width the tables are laid out for.
pub const WIDTH: usize = 100;

/// A top header of `^` continues the previous column's group label.
pub const CONTINUE: &str = "^";

/// A text table: the first column is a left-aligned label repeated in every
/// block, the others are right-aligned.
#[derive(Debug, Clone, Default)]
pub struct Table {
    headers: Vec<[String; 2]>,
    rows: Vec<Vec<String>>,
    left: Vec<bool>,
}

impl Table {
    /// A table with these column headers (top line, bottom line).
    pub fn new(headers: &[(&str, &str)]) -> Self {
        Table {
            headers: headers
                .iter()
                .map(|(a, b)| [a.to_string(), b.to_string()])
                .collect(),
            rows: Vec::new(),
            left: vec![false; headers.len()],
        }
    }

    /// Left-aligns column `c` (for text; numbers stay right-aligned).
    pub fn left_align(mut self, c: usize) -> Self {
        if let Some(l) = self.left.get_mut(c) {
            *l = true;
        }
        self
    }

    fn pad(&self, s: &str, c: usize, w: usize) -> String {
        if self.left[c] {
            pad_left_align(s, w)
        } else {
            pad_right_align(s, w)
        }
    }

    /// Adds a row (missing cells are blank).
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Header line `line` of column `c`. A top line of `^` continues the
    /// group label of the column before: blank, unless the column opens a block.
    fn header(&self, c: usize, line: usize, opens_block: bool) -> &str {
        let h = self.headers[c][line].as_str();
        if line != 0 || h != CONTINUE {
            return h;
        }
        if !opens_block {
            return "";
        }
        (0..c)
            .rev()
            .map(|p| self.headers[p][0].as_str())
            .find(|t| *t != CONTINUE)
            .unwrap_or("")
    }

    fn width(&self, c: usize, opens_block: bool) -> usize {
        let h = (0..2)
            .map(|l| self.header(c, l, opens_block).chars().count())
            .max();
        let r = self
            .rows
            .iter()
            .filter_map(|r| r.get(c))
            .map(|s| s.chars().count())
            .max();
        h.unwrap_or(0).max(r.unwrap_or(0))
    }

    /// Renders the table within `max_width` columns where the label column
    /// allows, splitting the other columns into blocks.
    pub fn render(&self, max_width: usize) -> String {
        let n = self.headers.len();
        if n == 0 {
            return String::new();
        }
        let label = self.width(0, true);
        let mut blocks: Vec<Vec<usize>> = Vec::new();
        let mut current: Vec<usize> = Vec::new();
        let mut used = label;
        for c in 1..n {
            let w = self.width(c, current.is_empty());
            if !current.is_empty() && used + 2 + w > max_width {
                blocks.push(std::mem::take(&mut current));
                used = label;
            }
            used += 2 + self.width(c, current.is_empty());
            current.push(c);
        }
        if !current.is_empty() || blocks.is_empty() {
            blocks.push(current);
        }
        let mut out = String::new();
        for (b, cols) in blocks.iter().enumerate() {
            if b > 0 {
                out.push('\n');
            }
            let mut widths = vec![0; n];
            widths[0] = label;
            for (i, &c) in cols.iter().enumerate() {
                widths[c] = self.width(c, i == 0);
            }
            for line in 0..2 {
                let mut s = pad_left_align(&self.headers[0][line], widths[0]);
                for (i, &c) in cols.iter().enumerate() {
                    s.push_str("  ");
                    s.push_str(&self.pad(self.header(c, line, i == 0), c, widths[c]));
                }
                out.push_str(s.trim_end());
                out.push('\n');
            }
            let total = widths[0] + cols.iter().map(|&c| widths[c] + 2).sum::<usize>();
            out.push_str(&"-".repeat(total));
            out.push('\n');
            for r in &self.rows {
                let cell = |c: usize| r.get(c).map_or("", |s| s.as_str());
                let mut s = pad_left_align(cell(0), widths[0]);
                for &c in cols {
                    s.push_str("  ");
                    s.push_str(&self.pad(cell(c), c, widths[c]));
                }
                out.push_str(s.trim_end());
                out.push('\n');
            }
        }
        out
    }
}

fn pad_left_align(s: &str, w: usize) -> String {
    format!("{s:<w$}")
}

fn pad_right_align(s: &str, w: usize) -> String {
    format!("{s:>w$}")
}

/// `-log10(1 - a)`, the number of nines of an availability.
pub fn nines(a: f64) -> f64 {
    -(1.0 - a).log10()
}

fn fmt_nines(a: f64) -> String {
    if a >= 1.0 {
        "inf".into()
    } else {
        format!("{:.2}", nines(a))
    }
}

fn fmt_avail(a: f64) -> String {
    format!("{a:.7}")
}

fn fmt_minutes(m: f64) -> String {
    if m.abs() >= 1e5 {
        format!("{m:.3e}")
    } else {
        format!("{m:.1}")
    }
}

fn fmt_prob(p: f64) -> String {
    format!("{p:.4}")
}

fn fmt_target(t: f64) -> String {
    let pct = format!("{}", t * 100.0);
    // Round-trip noise such as 99.94999999999999 -> 99.95.
    let pct = if pct.len() > 8 {
        format!("{:.4}", t * 100.0)
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    } else {
        pct
    };
    format!("A>={pct}%")
}

/// The result of a study as text: settings, the per-deployment table, quorum
/// warnings, the paired comparison and per-zone availability.
pub fn study_table(result: &StudyResult, study: &Study) -> String {
    let mut out = String::new();
    let per = if result.horizon_hours == 8760.0 {
        "year".to_string()
    } else {
        format!("{} h trial", result.horizon_hours)
    };
    let start = match result.start {
        zonesim::study::Start::SteadyState => "steady-state start",
        zonesim::study::Start::AllUp => "all-up start",
    };
    let _ = writeln!(
        out,
        "{} trials of {} h, {start}, seed {}; downtime in minutes per {per}",
        result.trials, result.horizon_hours, result.seed
    );
    out.push('\n');

    let mut headers: Vec<(String, String)> = vec![
        ("".into(), "deployment".into()),
        ("availability".into(), "mean".into()),
        ("95% CI".into(), "±".into()),
        ("".into(), "nines".into()),
        ("downtime".into(), "mean".into()),
        (CONTINUE.into(), "p50".into()),
        (CONTINUE.into(), "p95".into()),
        (CONTINUE.into(), "p99".into()),
        ("outages".into(), format!("per {}", short_per(result))),
        ("".into(), "P(none)".into()),
        ("longest outage".into(), "mean".into()),
        (CONTINUE.into(), "p99".into()),
    ];
    if let Some(d) = result.deployments.first() {
        for (i, s) in d.sla.iter().enumerate() {
            let top = if i == 0 { "P(year meets)" } else { CONTINUE };
            headers.push((top.into(), fmt_target(s.target)));
        }
    }
    let hdr: Vec<(&str, &str)> = headers
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let mut t = Table::new(&hdr);
    let scale = 8760.0 / result.horizon_hours;
    for d in &result.deployments {
        let a = &d.availability;
        let dm = &d.downtime_minutes;
        let mut row = vec![
            d.name.clone(),
            fmt_avail(a.mean),
            format!("±{:.7}", (a.mean - a.ci95[0]).max(a.ci95[1] - a.mean)),
            fmt_nines(a.mean),
            fmt_minutes(dm.mean),
            fmt_minutes(dm.percentiles.p50),
            fmt_minutes(dm.percentiles.p95),
            fmt_minutes(dm.percentiles.p99),
            if result.horizon_hours == 8760.0 {
                format!("{:.4}", d.outages.mean)
            } else {
                format!("{:.4}", d.outages.mean * scale)
            },
            fmt_prob(d.outages.p_none),
            fmt_minutes(d.longest_outage_minutes.mean),
            fmt_minutes(d.longest_outage_minutes.p99),
        ];
        row.extend(d.sla.iter().map(|s| fmt_prob(s.p_meets)));
        t.row(row);
    }
    out.push_str(&t.render(WIDTH));
    if !result.warnings.is_empty() {
        out.push('\n');
    }
    out.push_str(&warning_lines(&result.warnings));

    if !result.comparison.against.is_empty() {
        let _ = write!(
            out,
            "\nPaired comparison with \"{}\" on the same sampled outages\n\
             (downtime difference in minutes per {per}; negative means less downtime)\n\n",
            result.comparison.baseline
        );
        let mut t = Table::new(&[
            ("", "deployment"),
            ("downtime diff", "mean"),
            ("", "95% CI"),
            ("P(less", "downtime)"),
            ("P(more", "downtime)"),
            ("variance", "reduction"),
        ]);
        for p in &result.comparison.against {
            let d = &p.downtime_minutes_diff;
            t.row(vec![
                p.name.clone(),
                fmt_minutes(d.mean),
                format!("{} to {}", fmt_minutes(d.ci95[0]), fmt_minutes(d.ci95[1])),
                fmt_prob(p.p_less_downtime),
                fmt_prob(p.p_more_downtime),
                p.variance_reduction
                    .map_or("-".into(), |v| format!("{v:.1}x")),
            ]);
        }
        out.push_str(&t.render(WIDTH));
    }

    if !result.zones.is_empty() {
        out.push_str("\nZones (own outages and common causes)\n\n");
        let mut t = Table::new(&[
            ("", "zone"),
            ("", "region"),
            ("availability", "mean"),
            ("", "nines"),
            ("downtime", "mean"),
        ])
        .left_align(1);
        let region: HashMap<&str, &str> = study
            .zones
            .iter()
            .map(|z| (z.id.as_str(), z.region.as_str()))
            .collect();
        for z in &result.zones {
            t.row(vec![
                z.id.clone(),
                region.get(z.id.as_str()).copied().unwrap_or("").to_string(),
                fmt_avail(z.mean_availability),
                fmt_nines(z.mean_availability),
                fmt_minutes((1.0 - z.mean_availability) * result.horizon_hours * 60.0),
            ]);
        }
        out.push_str(&t.render(WIDTH));
    }
    out
}

fn short_per(result: &StudyResult) -> &'static str {
    if result.horizon_hours == 8760.0 {
        "year"
    } else {
        "8760 h"
    }
}

/// Wraps text at spaces to `width`, indenting continuation lines.
fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let body = text.trim_start();
    let mut line = text[..text.len() - body.len()].to_string();
    for word in body.split(' ') {
        let has_words = !line.trim().is_empty();
        if has_words && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            line = indent.to_string();
        } else if has_words {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// A duration in words: `lognormal median 2 h, sigma 1.5 (mean 6.16 h)`.
pub fn describe_duration(d: &Duration) -> String {
    let v = serde_json::to_value(d).unwrap_or_default();
    let mut parts = Vec::new();
    if let Some(obj) = v.as_object() {
        for (k, val) in obj {
            if k == "dist" {
                continue;
            }
            let shown = match val {
                serde_json::Value::Array(a) => format!("{} samples", a.len()),
                serde_json::Value::Number(n) => n.as_f64().map_or(n.to_string(), fmt_num),
                other => other.to_string(),
            };
            let unit = match k.as_str() {
                "mean" | "median" | "scale" | "value" | "low" | "high" => " h",
                _ => "",
            };
            parts.push(format!("{k} {shown}{unit}"));
        }
    }
    let mean = match d.name() {
        "exponential" | "fixed" => String::new(),
        _ => format!(" (mean {})", fmt_hours(d.mean())),
    };
    format!("{} {}{mean}", d.name(), parts.join(", "))
}

/// A number with 6 significant digits, without trailing zeros.
fn fmt_num(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return x.to_string();
    }
    let decimals = (5 - x.abs().log10().floor() as i32).clamp(0, 12) as usize;
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

fn fmt_hours(h: f64) -> String {
    if h >= 1000.0 {
        format!("{h:.0} h = {:.3} y", h / 8760.0)
    } else {
        format!("{h:.3} h")
    }
}

/// The catalogue as text: regions with their facts, zones with their
/// parameters, common causes, and the reasoning behind each default.
pub fn catalog_table(cat: &Catalog) -> String {
    let mut out = String::new();
    out.push_str(&wrap(
        &format!("catalogue {}: {}", cat.name, cat.description),
        WIDTH,
        "  ",
    ));
    out.push('\n');
    let mut t = Table::new(&[
        ("", "region"),
        ("", "name"),
        ("", "provider"),
        ("", "country"),
        ("", "EU"),
        ("provider", "code"),
        ("", "confidence"),
    ])
    .left_align(1)
    .left_align(2)
    .left_align(6);
    for r in &cat.regions {
        let info = cat.region_info.iter().find(|i| i.id == r.id);
        t.row(vec![
            r.id.clone(),
            r.name.clone(),
            r.provider.clone(),
            r.country.clone(),
            if r.is_in_eu() { "yes" } else { "no" }.into(),
            info.map_or(String::new(), |i| i.provider_code.clone()),
            info.map_or(String::new(), |i| i.confidence.to_string()),
        ]);
    }
    out.push_str(&t.render(WIDTH));
    out.push('\n');
    for r in &cat.regions {
        if let Some(i) = cat.region_info.iter().find(|i| i.id == r.id) {
            let zones: Vec<&str> = cat
                .zones
                .iter()
                .filter(|z| z.region == r.id)
                .map(|z| z.id.as_str())
                .collect();
            out.push_str(&wrap(
                &format!(
                    "{} ({}, {}): zones {}; {}",
                    r.id,
                    r.name,
                    i.status,
                    zones.join(", "),
                    i.note
                ),
                WIDTH,
                "    ",
            ));
            for s in &i.sources {
                let _ = writeln!(out, "    source: {s}");
            }
        }
    }
    out.push_str("\nZones (time to failure, then time to repair, in hours)\n\n");
    for z in &cat.zones {
        let _ = writeln!(out, "{}  (region {})", z.id, z.region);
        let _ = writeln!(
            out,
            "    availability on its own: {:.6}",
            z.process().steady_state_availability()
        );
        describe_process(&mut out, &z.time_to_failure, &z.time_to_repair);
    }
    out.push_str("\nCommon causes\n\n");
    for c in &cat.common_causes {
        let _ = writeln!(out, "{}  (affects {})", c.name, c.affects.join(", "));
        describe_process(&mut out, &c.time_to_failure, &c.time_to_repair);
    }
    out.push_str("\nDefault parameters and their reasoning\n\n");
    for n in &cat.parameter_notes {
        out.push_str(&wrap(
            &format!("{}: {}", n.parameter, n.value),
            WIDTH,
            "    ",
        ));
        out.push_str(&wrap(&format!("    why: {}", n.reasoning), WIDTH, "    "));
    }
    out
}

/// A placement as `zone x2 + zone`: repeated zones counted, in order.
fn placement_label(replicas: &[String]) -> String {
    let mut parts: Vec<(String, usize)> = Vec::new();
    for z in replicas {
        match parts.last_mut() {
            Some((last, n)) if last == z => *n += 1,
            _ => parts.push((z.clone(), 1)),
        }
    }
    parts
        .iter()
        .map(|(z, n)| {
            if *n == 1 {
                z.clone()
            } else {
                format!("{z} x{n}")
            }
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

/// Two indented lines: how long a process stays up, and how long it stays down.
fn describe_process(out: &mut String, ttf: &Duration, ttr: &Duration) {
    let _ = writeln!(out, "    fails after: {}", describe_duration(ttf));
    let _ = writeln!(out, "    repaired in: {}", describe_duration(ttr));
}

/// The planner's answer: the best placement (or the closest when none meets
/// the target) and the cost/quality frontier.
pub fn plan_table(r: &zonesim::plan::PlanResult) -> String {
    let mut out = String::new();
    let n = r.candidate_zones.len();
    let _ = writeln!(
        out,
        "Plan: rule {} over {n} candidate zone{}; {} placements judged on the same {} trials (seed {})",
        r.rule,
        if n == 1 { "" } else { "s" },
        r.candidates_judged,
        r.trials,
        r.seed
    );
    let _ = writeln!(
        out,
        "target: availability >= {}% in at least {}% of years, judged at the low end of the 95% CI",
        fmt_num(r.target.availability * 100.0),
        fmt_num(r.target.in_fraction_of_years * 100.0)
    );
    out.push_str(&wrap(
        &format!("candidate zones: {}", r.candidate_zones.join(", ")),
        WIDTH,
        "  ",
    ));
    if let Some(why) = &r.infeasible {
        out.push_str(&wrap(&format!("no placement possible: {why}"), WIDTH, "  "));
        return out;
    }
    let line = |label: &str, p: &zonesim::plan::Placement| {
        format!(
            "{label}: {} (cost {}): P(year meets target) {} [{}, {}], mean availability {}, p5 {}",
            placement_label(&p.replicas),
            fmt_num(p.cost),
            fmt_prob(p.p_meets),
            fmt_prob(p.p_meets_ci95[0]),
            fmt_prob(p.p_meets_ci95[1]),
            fmt_avail(p.availability_mean),
            fmt_avail(p.availability_p5)
        )
    };
    out.push('\n');
    match (&r.best, &r.closest) {
        (Some(b), _) => out.push_str(&wrap(&line("best", b), WIDTH, "  ")),
        (None, closest) => {
            out.push_str("no placement within the limits meets the target\n");
            if let Some(c) = closest {
                out.push_str(&wrap(&line("closest", c), WIDTH, "  "));
            }
        }
    }
    out.push_str("\nFrontier: placements that no cheaper or equal-cost one beats\n\n");
    let _ = writeln!(
        out,
        "{:>6}  {:>8}  {:>13}  {:>9}  {:>9}  placement",
        "cost", "P(meets)", "95% CI", "mean A", "p5 A"
    );
    let _ = writeln!(out, "{}", "-".repeat(WIDTH));
    for p in &r.frontier {
        let _ = writeln!(
            out,
            "{:>6}  {:>8}  {:>13}  {:>9}  {:>9}  {}",
            fmt_num(p.cost),
            fmt_prob(p.p_meets),
            format!(
                "{}-{}",
                fmt_prob(p.p_meets_ci95[0]),
                fmt_prob(p.p_meets_ci95[1])
            ),
            fmt_avail(p.availability_mean),
            fmt_avail(p.availability_p5),
            placement_label(&p.replicas)
        );
    }
    out
}

/// Warnings as text: `warning: NAME: what` with the explanation in
/// parentheses on the next line, wrapped to the table's width.
pub fn warning_lines(warnings: &[zonesim::diagnostics::Warning]) -> String {
    let mut out = String::new();
    for w in warnings {
        let text = format!("warning: {}: {}", w.deployment, w.message);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_splits_into_blocks_within_width() {
        let mut t = Table::new(&[("", "name"), ("a", "1"), ("b", "2"), ("c", "3")]);
        t.row(vec![
            "row".into(),
            "x".repeat(30),
            "y".repeat(30),
            "z".repeat(30),
        ]);
        let s = t.render(80);
        assert!(s.lines().all(|l| l.chars().count() <= 80), "{s}");
        assert_eq!(s.matches("row").count(), 2, "{s}");
    }

    #[test]
    fn numbers_print_with_six_digits() {
        assert_eq!(fmt_num(48666.666666666664), "48666.7");
        assert_eq!(fmt_num(437999.99999999994), "438000");
        assert_eq!(fmt_num(2.0), "2");
        assert_eq!(fmt_num(1.5), "1.5");
        assert_eq!(fmt_num(0.25), "0.25");
    }

    #[test]
    fn targets_print_cleanly() {
        assert_eq!(fmt_target(0.999), "A>=99.9%");
        assert_eq!(fmt_target(0.9995), "A>=99.95%");
        assert_eq!(fmt_target(0.9999), "A>=99.99%");
        assert_eq!(fmt_target(1.0), "A>=100%");
    }
}
