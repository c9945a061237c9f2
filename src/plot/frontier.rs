//! A plan's cost/quality frontier.

use super::*;

/// Shortens zone ids for labels: drops a provider-like prefix (up to the
/// first `-`) shared by every candidate zone, e.g. `alibaba-`.
pub(super) fn short_names(zones: &[String]) -> impl Fn(&str) -> String + '_ {
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
pub(super) fn placement_label(p: &Placement, short: &dyn Fn(&str) -> String) -> String {
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
    // One dot per distinct point: exchangeable placements share their
    // figures, and a catalogue-wide plan has a hundred thousand of them.
    let mut seen = std::collections::HashSet::new();
    let dots: Vec<Placement> = all
        .iter()
        .filter(|p| {
            seen.insert((
                p.cost.to_bits(),
                p.p_meets.to_bits(),
                p.availability_p5.to_bits(),
            ))
        })
        .cloned()
        .collect();
    let all: &[Placement] = &dots;
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
pub(super) fn frontier_panel(
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
