//! The planner's answer as text (`zonesim plan`).

use std::fmt::Write as _;

use super::format::{escape, fmt_avail, fmt_num, fmt_prob};
use super::layout::{WIDTH, wrap};

/// The planner's answer: the best placement (or the closest when none meets
/// the target) and the cost/quality frontier. `horizon_hours` is the
/// trial's length: a trial is called a year only when it is 8760 h.
pub fn plan_table(r: &zonesim::plan::PlanResult, horizon_hours: f64) -> String {
    let mut out = String::new();
    let (trials_word, trial_word) = if horizon_hours == 8760.0 {
        ("years".to_string(), "year")
    } else {
        (format!("{horizon_hours} h trials"), "trial")
    };
    let n = r.candidate_zones.len();
    out.push_str(&wrap(
        &format!(
            "Plan: rule {} over {n} candidate zone{}; {} placements, judged on the same {} trials (seed {})",
            r.rule,
            if n == 1 { "" } else { "s" },
            r.candidates_judged,
            r.trials,
            r.seed
        ),
        WIDTH,
        "  ",
    ));
    if let Some(w) = &r.within {
        out.push_str(&wrap(
            &format!(
                "each placement stands in for deployment \"{}\" and is judged by the availability \
                 of service \"{}\" (its other parts as the study has them)",
                escape(&w.part),
                escape(&w.service)
            ),
            WIDTH,
            "  ",
        ));
    }
    let _ = writeln!(
        out,
        "target: availability >= {}% in at least {}% of {trials_word}, judged at the low end of the 95% CI",
        fmt_num(r.target.availability * 100.0),
        fmt_num(r.target.in_fraction_of_years * 100.0)
    );
    out.push_str(&wrap(
        &format!(
            "candidate zones: {}",
            r.candidate_zones
                .iter()
                .map(|z| escape(z))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        WIDTH,
        "  ",
    ));
    if !r.constraints.is_empty() {
        out.push_str(&wrap(
            &format!(
                "constraints: {} ({} placement{} the rule allows excluded before simulating)",
                r.constraints.join(", "),
                r.excluded_by_constraints,
                if r.excluded_by_constraints == 1 {
                    ""
                } else {
                    "s"
                }
            ),
            WIDTH,
            "  ",
        ));
    }
    if let Some(why) = &r.infeasible {
        out.push_str(&wrap(&format!("no placement possible: {why}"), WIDTH, "  "));
        return out;
    }
    if let Some(s) = &r.screening {
        let mut parts = vec![format!(
            "{} exchangeable class{} of placements",
            s.classes,
            if s.classes == 1 { "" } else { "es" }
        )];
        if let Some(cut) = s.analytic_cost_cut {
            parts.push(format!(
                "{} dropped above cost {} (a cheaper one surely qualifies by the exact analytic bound)",
                s.dropped_by_cost,
                fmt_num(cut)
            ));
        }
        if s.pilot_trials > 0 {
            parts.push(format!(
                "{} dropped by a {}-trial pilot",
                s.dropped_by_pilot, s.pilot_trials
            ));
        }
        parts.push(format!("{} judged on all trials", s.judged_in_full));
        out.push_str(&wrap(&format!("judged: {}", parts.join("; ")), WIDTH, "  "));
    }
    let line = |label: &str, p: &zonesim::plan::Placement| {
        format!(
            "{label}: {} (cost {}): P({trial_word} meets target) {} [{}, {}], mean availability {}, p5 {}",
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
    if let Some(why) = &r.unsatisfiable {
        out.push_str(&wrap(&format!("refused: {why}"), WIDTH, "  "));
        if let Some(c) = &r.closest {
            out.push_str(&wrap(&line("closest", c), WIDTH, "  "));
            out.push_str(&wrap(
                &format!("  which misses: {}", r.closest_violates.join(", ")),
                WIDTH,
                "    ",
            ));
        }
    } else {
        match (&r.best, &r.closest) {
            (Some(b), _) => out.push_str(&wrap(&line("best", b), WIDTH, "  ")),
            (None, closest) => {
                out.push_str("no placement within the limits meets the target\n");
                if let Some(c) = closest {
                    out.push_str(&wrap(&line("closest", c), WIDTH, "  "));
                }
            }
        }
    }
    if r.tied_within_noise {
        out.push('\n');
        out.push_str(&wrap(
            &format!(
                "tied within noise: {} placements of cost {} are not significantly different from the \
                 leader on the paired test of the same trials; chosen by {}",
                r.tied_count,
                r.best.as_ref().map_or("-".into(), |b| fmt_num(b.cost)),
                r.tie_rule
            ),
            WIDTH,
            "  ",
        ));
        for p in &r.tied {
            out.push_str(&wrap(
                &format!(
                    "  {}: P(meets) {}, mean A {}",
                    placement_label(&p.replicas),
                    fmt_prob(p.p_meets),
                    fmt_avail(p.availability_mean)
                ),
                WIDTH,
                "      ",
            ));
        }
        if r.tied_count > r.tied.len() {
            let _ = writeln!(out, "  ... and {} more", r.tied_count - r.tied.len());
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
        // Long placements continue under the placement column.
        let row = format!(
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
        out.push_str(&wrap(&row, WIDTH, &" ".repeat(56)));
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
                escape(z)
            } else {
                format!("{} x{n}", escape(z))
            }
        })
        .collect::<Vec<_>>()
        .join(" + ")
}
