//! The complementary CDF of downtime per trial, one line per deployment.

use super::*;

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

pub(super) fn compact_minutes(m: f64) -> String {
    if m >= 100.0 {
        format!("{m:.0}")
    } else {
        format!("{m:.1}")
    }
}

/// The CCDF as a step line in minutes, clipped to the plotted range: level
/// `p_i` from `x_i` to `x_{i+1}`, then a drop to the bottom at the largest
/// downtime seen.
pub(super) fn ccdf_steps(points: &[(f64, f64)], x_lo: f64, y_lo: f64) -> Vec<(f64, f64)> {
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

/// The downtime CCDF of every deployment (then every service) of a run as
/// an SVG document,
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
        .chain(result.services.iter().zip(&acc.services))
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
