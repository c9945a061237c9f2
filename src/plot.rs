//! Pictures as SVG: the complementary CDF of downtime per trial per deployment,
//! and the cost/quality frontier of a plan.
//!
//! Drawn with [plotters](https://docs.rs/plotters)' SVG backend (no fonts are
//! loaded: the viewer renders the text). Every function returns the SVG
//! document as a string; the library never writes files (the `zonesim`
//! binary writes them atomically).

use std::fmt;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::engine::{Accumulators, StudyResult};
use crate::plan::{Placement, PlanResult};

/// Why a picture could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlotError {
    /// Nothing to draw (no deployments, no trials, no placements).
    #[error("nothing to plot: {0}")]
    NoData(String),
    /// The plotting library failed.
    #[error("drawing failed: {0}")]
    Draw(String),
}

fn draw_err<E: fmt::Debug>(e: E) -> PlotError {
    PlotError::Draw(format!("{e:?}"))
}

/// The most frontier placements numbered and named in a frontier picture.
const FRONTIER_KEY_MAX: usize = 12;

/// Picture size in pixels (width, height).
pub const SIZE: (u32, u32) = (960, 600);

/// Line colours (Tableau 10), distinguishable and readable on white.
const COLOURS: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// One deployment's downtime distribution for [`downtime_ccdf_svg_string`].
#[derive(Debug, Clone, PartialEq)]
pub struct CcdfSeries {
    /// Legend text.
    pub name: String,
    /// `(hours, P(downtime > hours))`, increasing in hours, as from
    /// [`crate::stats::DurationHistogram::ccdf_points`].
    pub points: Vec<(f64, f64)>,
}

/// Formats an axis value compactly: `0.5`, `10`, `1e-4`, `2e4`.
fn compact(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let a = v.abs();
    if (0.01..1e5).contains(&a) {
        let s = format!("{v:.3}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        s.to_string()
    } else {
        let e = a.log10().floor() as i32;
        let m = v / 10f64.powi(e);
        if (m - m.round()).abs() < 1e-9 {
            format!("{}e{e}", m.round())
        } else {
            format!("{m:.1}e{e}")
        }
    }
}

/// An SLA target as text: `99.99%`.
fn percent(t: f64) -> String {
    let s = format!("{:.4}", t * 100.0);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}%")
}

/// Draws the complementary CDF of downtime per trial (minutes, log x; a
/// trial is called a year only when `horizon_hours` is 8760) with a
/// log-scale probability axis, one line per deployment, and a vertical
/// dashed line at each SLA target's downtime budget
/// `(1 - target) * horizon_hours * 60` minutes. Returns the SVG text.
///
/// `trials` sets the lowest probability shown (1 / trials). The legend is
/// under the chart; a series identical to an earlier one is drawn dashed
/// over it and its legend entry says so.
///
/// # Errors
/// [`PlotError::NoData`] with no series or no trials; [`PlotError::Draw`].
pub fn downtime_ccdf_svg_string(
    title: &str,
    series: &[CcdfSeries],
    horizon_hours: f64,
    sla_targets: &[f64],
    trials: u64,
) -> Result<String, PlotError> {
    if series.is_empty() || trials == 0 {
        return Err(PlotError::NoData("no deployments or no trials".into()));
    }
    let budgets: Vec<(f64, f64)> = sla_targets
        .iter()
        .filter(|&&t| t < 1.0)
        .map(|&t| (t, (1.0 - t) * horizon_hours * 60.0))
        .collect();
    // Axis ranges: x from a decade below the smallest positive downtime (or
    // budget) to a decade boundary above the largest; y from 1/trials.
    let mut x_min = f64::INFINITY;
    let mut x_max: f64 = 0.0;
    for s in series {
        for &(h, _) in &s.points {
            let m = h * 60.0;
            if m > 0.0 {
                x_min = x_min.min(m);
                x_max = x_max.max(m);
            }
        }
    }
    for &(_, b) in &budgets {
        x_min = x_min.min(b);
        x_max = x_max.max(b);
    }
    if !x_min.is_finite() {
        x_min = 1.0;
        x_max = 10.0;
    }
    let x_lo = 10f64.powf(x_min.log10().floor()).max(1e-3);
    let x_hi = 10f64.powf((x_max * 1.01).log10().ceil()).max(x_lo * 10.0);
    let y_lo = 10f64.powf((1.0 / trials as f64).log10().floor());

    // Series identical to an earlier one (the same CCDF) are drawn dashed
    // over it, and the legend says which they repeat.
    let twin_of: Vec<Option<usize>> = series
        .iter()
        .enumerate()
        .map(|(i, s)| series[..i].iter().position(|e| e.points == s.points))
        .collect();
    let per_trial = if horizon_hours == 8760.0 {
        "in a year".to_string()
    } else {
        format!("in a {horizon_hours} h trial")
    };

    let mut svg = String::new();
    {
        // The legend goes under the chart, outside the plotting area, so
        // that it never covers a line.
        let legend_h = 14 + 20 * series.len() as u32;
        let root =
            SVGBackend::with_string(&mut svg, (SIZE.0, SIZE.1 + legend_h)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let (top, legend) = root.split_vertically(SIZE.1);
        let mut chart = ChartBuilder::on(&top)
            .caption(title, ("sans-serif", 22))
            .margin(16)
            .margin_right(28)
            .x_label_area_size(52)
            .y_label_area_size(78)
            .build_cartesian_2d((x_lo..x_hi).log_scale(), (y_lo..1.0f64).log_scale())
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .x_desc(format!("downtime {per_trial}, x (minutes, log scale)"))
            .y_desc("P(downtime > x)  (log scale)")
            .axis_desc_style(("sans-serif", 17))
            .label_style(("sans-serif", 14))
            .x_label_formatter(&|v| compact(*v))
            .y_label_formatter(&|v| compact(*v))
            .light_line_style(RGBColor(235, 235, 235))
            .bold_line_style(RGBColor(200, 200, 200))
            .draw()
            .map_err(draw_err)?;

        let (px_range, _) = chart.plotting_area().get_pixel_range();
        for (i, &(t, b)) in budgets.iter().enumerate() {
            let style = ShapeStyle::from(&BLACK.mix(0.55)).stroke_width(2);
            chart
                .draw_series(DashedLineSeries::new([(b, y_lo), (b, 1.0)], 8, 6, style))
                .map_err(draw_err)?;
            // The label sits 6 px beside its line, on the side where it fits
            // inside the plotting area; labels are staggered in height so
            // that neighbouring budgets do not collide.
            let text = format!("{} budget: {} min", percent(t), compact_minutes(b));
            let (x, y) = chart.backend_coord(&(b, y_lo * 10f64.powf(0.25 + 0.35 * i as f64)));
            let width = text_width(&text, 13);
            let (x, h) = if x + 6 + width <= px_range.end {
                (x + 6, HPos::Left)
            } else {
                (x - 6, HPos::Right)
            };
            root.draw(&Text::new(
                text,
                (x, y),
                ("sans-serif", 13)
                    .into_font()
                    .color(&BLACK.mix(0.75))
                    .pos(Pos::new(h, VPos::Center)),
            ))
            .map_err(draw_err)?;
        }

        for (i, s) in series.iter().enumerate() {
            let colour = COLOURS[i % COLOURS.len()];
            // Earlier lines are drawn wider, so a line drawn over one still
            // leaves it visible as a border; an identical one is dashed.
            let width = 2 + (series.len() - 1 - i).min(5) as u32;
            let style = ShapeStyle::from(&colour).stroke_width(width);
            // P(downtime > 0): the first point is the zero bucket when any
            // trial had no downtime.
            let p_down = match s.points.first() {
                Some(&(0.0, p)) => p,
                Some(_) => 1.0,
                None => 0.0,
            };
            let steps = ccdf_steps(&s.points, x_lo, y_lo);
            let name = escape(&s.name);
            let mut label = if p_down > 0.0 {
                format!("{name}  (P(any downtime) = {})", compact(p_down))
            } else {
                format!("{name}  (no downtime in any trial: no line)")
            };
            if let Some(j) = twin_of[i] {
                label.push_str(&format!(
                    "; identical to {}, drawn dashed over it",
                    escape(&series[j].name)
                ));
                chart
                    .draw_series(DashedLineSeries::new(steps, 10, 8, style))
                    .map_err(draw_err)?;
            } else {
                chart
                    .draw_series(LineSeries::new(steps, style))
                    .map_err(draw_err)?;
            }
            let y = 10 + 20 * i as i32;
            let sample: Vec<(i32, i32)> = if twin_of[i].is_some() {
                vec![(96, y), (106, y), (114, y), (124, y)]
            } else {
                vec![(96, y), (124, y)]
            };
            for seg in sample.chunks(2) {
                legend
                    .draw(&PathElement::new(seg.to_vec(), colour.stroke_width(width)))
                    .map_err(draw_err)?;
            }
            legend
                .draw(&Text::new(
                    label,
                    (134, y),
                    ("sans-serif", 14)
                        .into_font()
                        .color(&BLACK)
                        .pos(Pos::new(HPos::Left, VPos::Center)),
                ))
                .map_err(draw_err)?;
        }
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}

/// Approximate width in pixels of `text` in a sans-serif font of `size` px
/// (no fonts are loaded to measure it): 0.6 em a character, which errs wide.
fn text_width(text: &str, size: u32) -> i32 {
    (text.chars().count() as f64 * size as f64 * 0.6).ceil() as i32
}

/// Text from the input (a deployment or zone name) with control characters
/// escaped (`\\n`, `\\x1b`): they break lines and are not allowed in SVG.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() && (c as u32) < 0x100 => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

fn compact_minutes(m: f64) -> String {
    if m >= 100.0 {
        format!("{m:.0}")
    } else {
        format!("{m:.1}")
    }
}

/// The CCDF as a step line in minutes, clipped to the plotted range: level
/// `p_i` from `x_i` to `x_{i+1}`, then a drop to the bottom at the largest
/// downtime seen.
fn ccdf_steps(points: &[(f64, f64)], x_lo: f64, y_lo: f64) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(points.len() * 3 + 1);
    let mut level = 1.0f64;
    for &(h, p) in points {
        let x = h * 60.0;
        if x < x_lo {
            level = p;
            continue;
        }
        if out.is_empty() {
            out.push((x_lo, level.max(y_lo)));
        }
        out.push((x, level.max(y_lo)));
        if p <= 0.0 {
            out.push((x, y_lo));
            break;
        }
        out.push((x, p.max(y_lo)));
        level = p;
    }
    out
}

/// The downtime CCDF of every deployment of a run as an SVG document,
/// from the accumulators of [`crate::Simulation::run_accumulators`] and the
/// result of [`crate::Simulation::summarise`] on them. SLA budgets are those
/// of the study's targets.
///
/// # Errors
/// As [`downtime_ccdf_svg_string`].
pub fn downtime_ccdf_svg(result: &StudyResult, acc: &Accumulators) -> Result<String, PlotError> {
    let series: Vec<CcdfSeries> = result
        .deployments
        .iter()
        .zip(&acc.deployments)
        .map(|(d, a)| CcdfSeries {
            name: d.name.clone(),
            points: a.downtime_histogram().ccdf_points(),
        })
        .collect();
    let targets: Vec<f64> = result
        .deployments
        .first()
        .map(|d| d.sla.iter().map(|s| s.target).collect())
        .unwrap_or_default();
    let title = if result.horizon_hours == 8760.0 {
        format!(
            "Yearly downtime: how often a year is worse than x ({} trials of 8760 h)",
            result.trials
        )
    } else {
        format!(
            "Downtime per {h} h trial: how often a trial is worse than x ({} trials of {h} h)",
            result.trials,
            h = result.horizon_hours
        )
    };
    downtime_ccdf_svg_string(
        &title,
        &series,
        result.horizon_hours,
        &targets,
        result.trials,
    )
}

/// Shortens zone ids for labels: drops a provider-like prefix (up to the
/// first `-`) shared by every candidate zone, e.g. `alibaba-`.
fn short_names(zones: &[String]) -> impl Fn(&str) -> String + '_ {
    let cut = zones
        .first()
        .and_then(|z| z.find('-').map(|i| &z[..=i]))
        .filter(|prefix| {
            zones
                .iter()
                .all(|z| z.starts_with(prefix) && z.len() > prefix.len())
        })
        .map_or(0, str::len);
    move |z: &str| z.get(cut..).unwrap_or(z).to_string()
}

/// A placement's replicas as `a×2 + b`.
fn placement_label(p: &Placement, short: &dyn Fn(&str) -> String) -> String {
    let mut parts: Vec<(String, usize)> = Vec::new();
    for z in &p.replicas {
        match parts.last_mut() {
            Some((last, n)) if *last == *z => *n += 1,
            _ => parts.push((z.clone(), 1)),
        }
    }
    parts
        .iter()
        .map(|(z, n)| {
            if *n > 1 {
                format!("{}×{n}", escape(&short(z)))
            } else {
                escape(&short(z))
            }
        })
        .collect::<Vec<_>>()
        .join("+")
}

/// Draws a plan's frontier: cost against P(meeting the target) (left) and
/// against the p5 availability (right), every judged placement as
/// a grey dot, the frontier as a line, the required fraction of years as a
/// dashed line, and the best (green) or closest (orange) placement ringed and
/// named. Returns the SVG text.
///
/// Trials are called years: use [`frontier_svg_over`] when the study's
/// horizon is not 8760 h.
///
/// # Errors
/// [`PlotError::NoData`] when the plan judged no placement; [`PlotError::Draw`].
pub fn frontier_svg(result: &PlanResult) -> Result<String, PlotError> {
    frontier_svg_over(result, 8760.0)
}

/// As [`frontier_svg`], with every label by the trial's horizon: "of years"
/// when `horizon_hours` is 8760, else "of 720 h trials".
///
/// # Errors
/// As [`frontier_svg`].
// The key's legend entries take a drawing closure; naming its type does not
// fit the borrow of the key area.
#[allow(clippy::type_complexity)]
pub fn frontier_svg_over(result: &PlanResult, horizon_hours: f64) -> Result<String, PlotError> {
    let (of_trials, in_a_trial, bad_trial) = if horizon_hours == 8760.0 {
        (
            "years".to_string(),
            "in a year".to_string(),
            "a 1-in-20 bad year",
        )
    } else {
        (
            format!("{horizon_hours} h trials"),
            format!("in a {horizon_hours} h trial"),
            "a 1-in-20 bad trial",
        )
    };
    if result.frontier.is_empty() {
        return Err(PlotError::NoData(
            result
                .infeasible
                .clone()
                .unwrap_or_else(|| "the plan judged no placement".into()),
        ));
    }
    let all: &[Placement] = if result.candidates.is_empty() {
        &result.frontier
    } else {
        &result.candidates
    };
    let short = short_names(&result.candidate_zones);
    let max_cost = all.iter().map(|p| p.cost).fold(0.0, f64::max);
    let min_cost = all.iter().map(|p| p.cost).fold(f64::INFINITY, f64::min);
    let pad = ((max_cost - min_cost) * 0.06).max(0.25);
    let (c_lo, c_hi) = ((min_cost - pad).max(0.0), max_cost + pad * 3.0);
    let p5_lo = all
        .iter()
        .map(|p| p.availability_p5)
        .fold(result.target.availability, f64::min);
    let p5_span = (1.0 - p5_lo).max(1e-6);
    let (a_lo, a_hi) = ((p5_lo - p5_span * 0.08).max(0.0), 1.0 + p5_span * 0.04);
    // Enough decimals of a percentage to tell the ticks apart.
    let decimals = (-(p5_span * 100.0 / 5.0).log10()).ceil().clamp(0.0, 8.0) as usize;
    let pick = result
        .best
        .as_ref()
        .map(|b| (b, RGBColor(0, 150, 60), "best"));
    let pick = pick.or(result
        .closest
        .as_ref()
        .map(|c| (c, RGBColor(230, 110, 0), "closest (none meets the target)")));
    let t = result.target;
    let title = format!(
        "Plan: cheapest placement with availability ≥ {} in ≥ {} of {of_trials} ({} rule, {} trials)",
        percent(t.availability),
        percent(t.in_fraction_of_years),
        result.rule.describe(0).replace(" of 0", ""),
        result.trials
    );

    let mut svg = String::new();
    {
        let shown = result.frontier.len().min(FRONTIER_KEY_MAX);
        let rows = shown.div_ceil(2) as u32;
        // The key under the panels: first the panels' legend (outside them,
        // so it covers no point), then the numbered frontier placements.
        let key_h = 56 + 20 * rows;
        let root = SVGBackend::with_string(&mut svg, (1200, 600 + key_h)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let root = root.titled(&title, ("sans-serif", 19)).map_err(draw_err)?;
        let (charts, key) = root.split_vertically(570);
        let (left, right) = charts.split_horizontally(620);
        let blue = COLOURS[0];
        let legend_font = ("sans-serif", 13)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Left, VPos::Center));
        let mut x = 24;
        let mut entry =
            |key: &DrawingArea<SVGBackend<'_>, Shift>,
             symbol: &dyn Fn(&DrawingArea<SVGBackend<'_>, Shift>, i32) -> Result<(), PlotError>,
             text: String|
             -> Result<(), PlotError> {
                symbol(key, x)?;
                let w = text_width(&text, 13);
                key.draw(&Text::new(text, (x + 30, 10), legend_font.clone()))
                    .map_err(draw_err)?;
                x += 30 + w + 24;
                Ok(())
            };
        entry(
            &key,
            &|k, x| {
                k.draw(&Circle::new((x + 12, 10), 3, BLACK.mix(0.25).filled()))
                    .map_err(draw_err)
            },
            "every placement judged".into(),
        )?;
        entry(
            &key,
            &|k, x| {
                k.draw(&PathElement::new(
                    [(x, 10), (x + 24, 10)],
                    blue.stroke_width(2),
                ))
                .map_err(draw_err)?;
                k.draw(&Circle::new((x + 12, 10), 5, blue.filled()))
                    .map_err(draw_err)
            },
            "frontier (left: best P(meets) for the cost)".into(),
        )?;
        if let Some((p, colour, what)) = pick {
            entry(
                &key,
                &|k, x| {
                    k.draw(&Circle::new((x + 12, 10), 6, colour.stroke_width(3)))
                        .map_err(draw_err)
                },
                format!(
                    "{what}: {} (cost {})",
                    placement_label(p, &short),
                    compact(p.cost)
                ),
            )?;
        }
        key.draw(&Text::new(
            format!(
                "Frontier (cheapest way to each level of P(meets)){}:",
                if result.frontier.len() > shown {
                    format!(", first {shown} of {}", result.frontier.len())
                } else {
                    String::new()
                }
            ),
            (24, 30),
            ("sans-serif", 14).into_font(),
        ))
        .map_err(draw_err)?;
        for (i, p) in result.frontier.iter().take(shown).enumerate() {
            let (col, row) = ((i % 2) as i32, (i / 2) as i32);
            key.draw(&Text::new(
                format!(
                    "{}. {}  (cost {}, P(meets) {:.4}, p5 {:.4}%)",
                    i + 1,
                    placement_label(p, &short),
                    compact(p.cost),
                    p.p_meets,
                    p.availability_p5 * 100.0
                ),
                (40 + 580 * col, 52 + 20 * row),
                ("sans-serif", 13).into_font().color(&blue),
            ))
            .map_err(draw_err)?;
        }
        frontier_panel(
            &left,
            all,
            &result.frontier,
            pick,
            (c_lo, c_hi),
            (0.0, 1.0),
            &format!("P(availability ≥ target) {in_a_trial}"),
            |p| p.p_meets,
            Some((
                t.in_fraction_of_years,
                format!("required: {}", percent(t.in_fraction_of_years)),
            )),
            &|v| compact(v),
        )?;
        frontier_panel(
            &right,
            all,
            &result.frontier,
            pick,
            (c_lo, c_hi),
            (a_lo, a_hi),
            &format!("availability in {bad_trial} (p5)"),
            |p| p.availability_p5,
            Some((
                t.availability,
                format!("target {}", percent(t.availability)),
            )),
            &|v| format!("{:.*}%", decimals, v * 100.0),
        )?;
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}

#[allow(clippy::too_many_arguments)]
fn frontier_panel(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    all: &[Placement],
    frontier: &[Placement],
    pick: Option<(&Placement, RGBColor, &str)>,
    (c_lo, c_hi): (f64, f64),
    (y_lo, y_hi): (f64, f64),
    y_desc: &str,
    y_of: impl Fn(&Placement) -> f64,
    line: Option<(f64, String)>,
    y_fmt: &dyn Fn(f64) -> String,
) -> Result<(), PlotError> {
    let steps = y_lo == 0.0 && y_hi == 1.0;
    let mut chart = ChartBuilder::on(area)
        .margin(14)
        .x_label_area_size(48)
        .y_label_area_size(92)
        .build_cartesian_2d(c_lo..c_hi, y_lo..y_hi)
        .map_err(draw_err)?;
    chart
        .configure_mesh()
        .x_desc("cost (sum of replica costs)")
        .y_desc(y_desc)
        .axis_desc_style(("sans-serif", 15))
        .label_style(("sans-serif", 13))
        .x_label_formatter(&|v| compact(*v))
        .y_label_formatter(&|v| y_fmt(*v))
        .light_line_style(RGBColor(238, 238, 238))
        .bold_line_style(RGBColor(205, 205, 205))
        .draw()
        .map_err(draw_err)?;
    let clamp = |y: f64| y.clamp(y_lo, y_hi);
    if let Some((y, text)) = line {
        chart
            .draw_series(DashedLineSeries::new(
                [(c_lo, clamp(y)), (c_hi, clamp(y))],
                8,
                6,
                ShapeStyle::from(&RED.mix(0.7)).stroke_width(2),
            ))
            .map_err(draw_err)?;
        // 5 px above the line (below it when the line is at the top).
        let (x, py) = chart.backend_coord(&(c_lo + (c_hi - c_lo) * 0.02, clamp(y)));
        let (_, py_range) = chart.plotting_area().get_pixel_range();
        let (py, v) = if py - 22 >= py_range.start {
            (py - 5, VPos::Bottom)
        } else {
            (py + 5, VPos::Top)
        };
        area.draw(&Text::new(
            text,
            (x - area.get_base_pixel().0, py - area.get_base_pixel().1),
            ("sans-serif", 13)
                .into_font()
                .color(&RED.mix(0.8))
                .pos(Pos::new(HPos::Left, v)),
        ))
        .map_err(draw_err)?;
    }
    chart
        .draw_series(
            all.iter()
                .map(|p| Circle::new((p.cost, clamp(y_of(p))), 3, BLACK.mix(0.25).filled())),
        )
        .map_err(draw_err)?;
    let blue = COLOURS[0];
    if steps {
        // The frontier is a staircase: paying more buys nothing until the
        // next frontier placement.
        let mut line = Vec::new();
        for (i, p) in frontier.iter().enumerate() {
            let y = clamp(y_of(p));
            line.push((p.cost, y));
            let next = frontier.get(i + 1).map_or(c_hi, |q| q.cost);
            line.push((next, y));
        }
        chart
            .draw_series(LineSeries::new(line, blue.stroke_width(2)))
            .map_err(draw_err)?;
    }
    chart
        .draw_series(
            frontier
                .iter()
                .map(|p| Circle::new((p.cost, clamp(y_of(p))), 5, blue.filled())),
        )
        .map_err(draw_err)?;
    // Number the frontier points; the key under the panels names them.
    for (i, p) in frontier.iter().enumerate().take(FRONTIER_KEY_MAX) {
        chart
            .draw_series(std::iter::once(Text::new(
                (i + 1).to_string(),
                (
                    p.cost - (c_hi - c_lo) * 0.012,
                    clamp(y_of(p)) + (y_hi - y_lo) * 0.012,
                ),
                ("sans-serif", 13)
                    .into_font()
                    .color(&blue)
                    .pos(Pos::new(HPos::Right, VPos::Bottom)),
            )))
            .map_err(draw_err)?;
    }
    if let Some((p, colour, _)) = pick {
        let at = (p.cost, clamp(y_of(p)));
        chart
            .draw_series(std::iter::once(Circle::new(at, 10, colour.stroke_width(3))))
            .map_err(draw_err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_formats() {
        assert_eq!(compact(0.5), "0.5");
        assert_eq!(compact(10.0), "10");
        assert_eq!(compact(1e-4), "1e-4");
        assert_eq!(compact(2e5), "2e5");
        assert_eq!(percent(0.9999), "99.99%");
        assert_eq!(percent(0.95), "95%");
    }

    #[test]
    fn steps_follow_the_ccdf() {
        // Values 0 (half the trials) and 60 min (the other half).
        let pts = [(0.0, 0.5), (1.0, 0.0)];
        let s = ccdf_steps(&pts, 1.0, 1e-3);
        assert_eq!(s.first(), Some(&(1.0, 0.5)));
        assert_eq!(s.last(), Some(&(60.0, 1e-3)));
        assert!(s.iter().all(|&(_, p)| p == 0.5 || p == 1e-3));
    }
}
