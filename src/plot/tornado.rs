//! A tornado: how far one deployment's figure moves when each parameter
//! alone goes across its range.

use super::*;
use crate::sensitivity::{Figure, TornadoResult};

/// Draws the tornado of `deployment`'s `figure`: one horizontal bar per
/// parameter, widest on top, from the figure at the low end of the
/// parameter's range (blue) to the figure at the high end (orange), with
/// the study's own value as a vertical line. The range and both figures are
/// written beside each bar.
///
/// # Errors
/// [`PlotError::NoData`] when the deployment is not in the result or there
/// is no parameter; [`PlotError::Draw`].
pub fn tornado_svg(
    result: &TornadoResult,
    deployment: &str,
    figure: Figure,
) -> Result<String, PlotError> {
    let ranked = result
        .ranked(deployment, figure)
        .ok_or_else(|| PlotError::NoData(format!("no deployment \"{deployment}\"")))?;
    if ranked.is_empty() {
        return Err(PlotError::NoData("no parameter".into()));
    }
    let base_fig = result
        .base
        .iter()
        .find(|d| d.name == deployment)
        .map(|d| figure.of(d))
        .unwrap_or(f64::NAN);
    let values: Vec<f64> = ranked
        .iter()
        .flat_map(|r| [r.1, r.2])
        .chain([base_fig])
        .filter(|v| v.is_finite())
        .collect();
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    let span = (hi - lo).max(1e-12);
    let (x_lo, x_hi) = (lo - 0.16 * span, hi + 0.16 * span);
    let n = ranked.len();
    let label = figure.label(&result.sla_targets);
    let title = format!(
        "What {} hinges on: {label} with each parameter alone across its range",
        escape(deployment)
    );
    let height = 140 + 64 * n as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (SIZE.0 + 120, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(&title, ("sans-serif", 20))
            .margin(16)
            .margin_right(28)
            .x_label_area_size(52)
            .y_label_area_size(300)
            .build_cartesian_2d(x_lo..x_hi, 0f64..n as f64)
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_desc(format!(
                "{label}  ({} trials a run, common random numbers; study's own value: grey line)",
                result.trials
            ))
            .axis_desc_style(("sans-serif", 15))
            .label_style(("sans-serif", 14))
            .x_label_formatter(&|v| compact(*v))
            .light_line_style(RGBColor(240, 240, 240))
            .bold_line_style(RGBColor(210, 210, 210))
            .draw()
            .map_err(draw_err)?;
        let (low_c, high_c) = (COLOURS[0], COLOURS[1]);
        for (i, (bar, at_low, at_high)) in ranked.iter().enumerate() {
            // Widest on top.
            let yc = n as f64 - i as f64 - 0.5;
            let (y0, y1) = (yc - 0.3, yc + 0.3);
            let base = if base_fig.is_finite() {
                base_fig
            } else {
                *at_low
            };
            for (v, c) in [(*at_low, low_c), (*at_high, high_c)] {
                let (a, b) = if v < base { (v, base) } else { (base, v) };
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(a, y0), (b.max(a + span * 1e-3), y1)],
                        c.mix(0.85).filled(),
                    )))
                    .map_err(draw_err)?;
            }
            let p = &bar.param;
            let (px, py) = chart.backend_coord(&(x_lo, yc));
            root.draw(&Text::new(
                escape(&p.label),
                (px - 10, py - 9),
                ("sans-serif", 14)
                    .into_font()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(draw_err)?;
            root.draw(&Text::new(
                format!("{} .. {}", compact(p.low), compact(p.high)),
                (px - 10, py + 9),
                ("sans-serif", 12)
                    .into_font()
                    .color(&BLACK.mix(0.6))
                    .pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(draw_err)?;
            // The smaller end's label left of the whole bar, the larger's
            // right of it, so that they never overlap however short it is.
            let left_end = at_low.min(*at_high).min(base);
            let right_end = at_low.max(*at_high).max(base);
            let ends = if at_low <= at_high {
                [(*at_low, low_c, "low"), (*at_high, high_c, "high")]
            } else {
                [(*at_high, high_c, "high"), (*at_low, low_c, "low")]
            };
            for (k, (v, c, tag)) in ends.into_iter().enumerate() {
                let right = k == 1;
                let (x, y) = chart.backend_coord(&(if right { right_end } else { left_end }, yc));
                root.draw(&Text::new(
                    format!("{tag}: {}", compact(v)),
                    (if right { x + 6 } else { x - 6 }, y),
                    ("sans-serif", 12).into_font().color(&c).pos(Pos::new(
                        if right { HPos::Left } else { HPos::Right },
                        VPos::Center,
                    )),
                ))
                .map_err(draw_err)?;
            }
        }
        if base_fig.is_finite() {
            chart
                .draw_series(LineSeries::new(
                    [(base_fig, 0.0), (base_fig, n as f64)],
                    ShapeStyle::from(&BLACK.mix(0.5)).stroke_width(2),
                ))
                .map_err(draw_err)?;
        }
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}
