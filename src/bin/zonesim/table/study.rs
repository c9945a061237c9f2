//! The result of `zonesim run` as text.

use std::collections::HashMap;
use std::fmt::Write as _;

use zonesim::engine::StudyResult;
use zonesim::stats::DeploymentSummary;
use zonesim::study::Study;

use super::format::{
    escape, fmt_avail, fmt_halfwidth, fmt_minutes, fmt_nines, fmt_prob, fmt_target, nines_bound,
    no_downtime_bound,
};
use super::layout::{CONTINUE, Table, WIDTH, wrap};
use super::warnings::warning_lines;

/// The result of a study as text: settings, the per-deployment table, quorum
/// warnings, the paired comparison and per-zone availability.
pub fn study_table(result: &StudyResult, study: &Study) -> String {
    let mut out = String::new();
    let year = result.horizon_hours == 8760.0;
    // Every figure is per trial; a trial is called a year only when it is one.
    let per = if year {
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

    let headers = summary_headers(result);
    let hdr: Vec<(&str, &str)> = headers
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let mut t = Table::new(&hdr);
    let mut never_down = Vec::new();
    summary_rows(&mut t, &result.deployments, result.trials, &mut never_down);
    out.push_str(&t.render(WIDTH));
    if !result.services.is_empty() {
        // The same columns for the services, judged on the same trials.
        let mut hdr = hdr.clone();
        hdr[0] = ("", "service");
        let mut t = Table::new(&hdr);
        summary_rows(&mut t, &result.services, result.trials, &mut never_down);
        out.push('\n');
        out.push_str(&t.render(WIDTH));
        for s in &study.services {
            out.push_str(&wrap(&service_line(s), WIDTH, "  "));
        }
    }
    if !never_down.is_empty() {
        out.push('\n');
        for name in &never_down {
            out.push_str(&wrap(&no_downtime_line(name, result, true), WIDTH, "  "));
        }
    }
    let rare: Vec<_> = result
        .deployments
        .iter()
        .filter_map(|d| d.importance.as_ref().map(|e| (d, e)))
        .collect();
    if !rare.is_empty() {
        out.push('\n');
        for (d, e) in rare {
            out.push_str(&wrap(&importance_line(d, e), WIDTH, "  "));
        }
    }
    if !result.warnings.is_empty() {
        out.push('\n');
    }
    out.push_str(&warning_lines(&result.warnings));
    out.push_str(&super::windows::windows_table(result));

    if !result.comparison.against.is_empty() {
        let _ = write!(
            out,
            "\nPaired comparison with \"{}\" on the same sampled outages\n\
             (downtime difference in minutes per {per}; negative means less downtime)\n\n",
            escape(&result.comparison.baseline)
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
            t.row(comparison_row(p));
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
            let none_seen = z.mean_availability >= 1.0;
            t.row(vec![
                escape(&z.id),
                escape(region.get(z.id.as_str()).copied().unwrap_or("")),
                if none_seen {
                    "no downtime".into()
                } else {
                    fmt_avail(z.mean_availability)
                },
                if none_seen {
                    nines_bound(result.trials)
                } else {
                    fmt_nines(z.mean_availability)
                },
                fmt_minutes((1.0 - z.mean_availability) * result.horizon_hours * 60.0),
            ]);
        }
        out.push_str(&t.render(WIDTH));
    }
    out
}

/// One row per summary (a deployment or a service) with the table's columns;
/// the names of those with no downtime in any trial go to `never_down`.
fn summary_rows(
    t: &mut Table,
    list: &[DeploymentSummary],
    trials: u64,
    never_down: &mut Vec<String>,
) {
    for d in list {
        if d.downtime_minutes.mean == 0.0 && d.importance.is_none() {
            never_down.push(escape(&d.name));
        }
        t.row(summary_row(d, trials));
    }
}

/// The summary table's two header rows, column by column: the group above
/// (`CONTINUE` where the group to the left goes on) and the column's own
/// name. The same for deployments and services (whose first is `service`).
pub fn summary_headers(result: &StudyResult) -> Vec<(String, String)> {
    let year = result.horizon_hours == 8760.0;
    let mut headers: Vec<(String, String)> = vec![
        ("".into(), "deployment".into()),
        ("availability".into(), "mean".into()),
        ("95% CI".into(), "±".into()),
        ("".into(), "nines".into()),
        ("downtime".into(), "mean".into()),
        (CONTINUE.into(), "p50".into()),
        (CONTINUE.into(), "p95".into()),
        (CONTINUE.into(), "p99".into()),
        (
            "outages".into(),
            if year { "per year" } else { "per trial" }.into(),
        ),
        ("".into(), "P(none)".into()),
        ("longest outage".into(), "mean".into()),
        (CONTINUE.into(), "p99".into()),
    ];
    if let Some(d) = result.deployments.first() {
        for (i, s) in d.sla.iter().enumerate() {
            let top = match (i, year) {
                (0, true) => "P(year meets)",
                (0, false) => "P(trial meets)",
                _ => CONTINUE,
            };
            headers.push((top.into(), fmt_target(s.target)));
        }
    }
    headers
}

/// The summary table's row of one deployment or service, cell by cell.
pub fn summary_row(d: &DeploymentSummary, trials: u64) -> Vec<String> {
    let a = &d.availability;
    let dm = &d.downtime_minutes;
    let u = &d.unavailability;
    // No downtime in any trial is not an availability of 1: say so, and
    // bound it (below the table).
    let none_seen = dm.mean == 0.0;
    // The nines are text (also in the page's wasm, without `libm`): `std`'s
    // log10 may stay (clippy.toml).
    #[allow(clippy::disallowed_methods)]
    let (name, avail, half, nines) = match &d.importance {
        // Importance-sampled: unavailability in scientific notation, the
        // interval's relative half-width, and the nines it implies.
        Some(_) => (
            format!("{} (IS)", escape(&d.name)),
            format!("U {:.2e}", u.mean),
            if u.mean > 0.0 {
                format!("±{:.1}%", (u.ci95[1] - u.mean) / u.mean * 100.0)
            } else {
                "-".into()
            },
            if u.mean > 0.0 {
                format!("{:.2}", -u.mean.log10())
            } else {
                "-".into()
            },
        ),
        None if none_seen => (
            escape(&d.name),
            "no downtime".into(),
            "-".into(),
            nines_bound(trials),
        ),
        None => (
            escape(&d.name),
            fmt_avail(a.mean),
            fmt_halfwidth((a.mean - a.ci95[0]).max(a.ci95[1] - a.mean)),
            fmt_nines(a.mean),
        ),
    };
    let mut row = vec![
        name,
        avail,
        half,
        nines,
        fmt_minutes(dm.mean),
        fmt_minutes(dm.percentiles.p50),
        fmt_minutes(dm.percentiles.p95),
        fmt_minutes(dm.percentiles.p99),
        format!("{:.4}", d.outages.mean),
        fmt_prob(d.outages.p_none),
        fmt_minutes(d.longest_outage_minutes.mean),
        fmt_minutes(d.longest_outage_minutes.p99),
    ];
    row.extend(d.sla.iter().map(|s| fmt_prob(s.p_meets)));
    row
}

/// The line under the table for a deployment or service (`name`, escaped)
/// with no downtime in any trial: a bound on its availability. `cli` adds
/// the command line's flag to the advice.
pub fn no_downtime_line(name: &str, result: &StudyResult, cli: bool) -> String {
    let bound = no_downtime_bound(result.trials);
    let year = result.horizon_hours == 8760.0;
    format!(
        "{name}: no downtime in {} trials; P(a {trial} has any downtime) < {bound:.1e} \
         (95%), so availability > {:.7}; estimate its unavailability with \
         estimator = \"importance\"{flag}",
        result.trials,
        1.0 - bound,
        trial = if year { "year" } else { "trial" },
        flag = if cli {
            " (or --estimator importance)"
        } else {
            ""
        },
    )
}

/// The line under the table for an importance-sampling estimate.
pub fn importance_line(d: &DeploymentSummary, e: &zonesim::rare::RareEstimate) -> String {
    let u = &d.unavailability;
    let rel = u
        .relative_error
        .map_or("-".to_string(), |r| format!("{:.1}%", r * 100.0));
    format!(
        "{} (importance sampling, {} cycles): unavailability {:.3e} [{:.3e}, {:.3e}], \
         relative error {rel}; {:.2e} outages per trial; effective sample size {:.0}",
        escape(&d.name),
        e.diagnostics.cycles,
        u.mean,
        u.ci95[0],
        u.ci95[1],
        e.outages_per_trial.mean,
        e.diagnostics.ess,
    )
}

/// A service's rule as the table states it under the services' block.
pub fn service_line(s: &zonesim::service::Service) -> String {
    let mut line = format!(
        "{}: up when {}",
        escape(&s.name),
        escape(&s.up_when.to_string())
    );
    if s.release_failures.is_some() {
        line.push_str(", and its release process is up");
    }
    line
}

/// The paired comparison's row of one deployment or service: name, mean
/// difference, its 95% interval, P(less downtime), P(more downtime),
/// variance reduction.
pub fn comparison_row(p: &zonesim::engine::PairedDiff) -> Vec<String> {
    let d = &p.downtime_minutes_diff;
    vec![
        escape(&p.name),
        fmt_minutes(d.mean),
        format!("{} to {}", fmt_minutes(d.ci95[0]), fmt_minutes(d.ci95[1])),
        fmt_prob(p.p_less_downtime),
        fmt_prob(p.p_more_downtime),
        p.variance_reduction
            .map_or("-".into(), |v| format!("{v:.1}x")),
    ]
}
