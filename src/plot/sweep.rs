//! A sweep: each deployment's mean downtime against the swept parameter.

use super::*;
use crate::sensitivity::SweepResult;

/// A line: legend, deployment, second-axis index, `(x, y, low, high)` points.
type Series = (String, usize, usize, Vec<(f64, f64, f64, f64)>);

/// Draws each deployment's mean downtime per trial (minutes; log scale when
/// it spans more than a decade) against the first axis of a sweep, with the
/// 95% interval of each point as a bar; for a two-axis sweep one line per
/// value of the second axis (dashed in turn). The x axis is logarithmic
/// when the values span more than a decade.
///
/// # Errors
/// [`PlotError::NoData`] for an empty sweep; [`PlotError::Draw`].
pub fn sweep_svg(result: &SweepResult) -> Result<String, PlotError> {
    let (Some(axis), Some(first)) = (result.axes.first(), result.points.first()) else {
        return Err(PlotError::NoData("the sweep has no points".into()));
    };
    let minutes = result.horizon_hours * 60.0;
    let down = |a: f64| ((1.0 - a) * minutes).max(0.0);
    let inner: Vec<f64> = result
        .axes
        .get(1)
        .map_or_else(|| vec![f64::NAN], |a| a.values.clone());
    // Series: (legend, deployment index, second-axis index, points as
    // (x, y, interval low, interval high)).
    let mut series: Vec<Series> = Vec::new();
    for (d, fig) in first.deployments.iter().enumerate() {
        for (k, v2) in inner.iter().enumerate() {
            let name = if v2.is_nan() {
                escape(&fig.name)
            } else {
                format!(
                    "{} @ {} = {}",
                    escape(&fig.name),
                    result.axes[1].path,
                    compact(*v2)
                )
            };
            let pts = result
                .points
                .iter()
                .filter(|p| v2.is_nan() || p.values[1] == *v2)
                .map(|p| {
                    let f = &p.deployments[d];
                    (
                        p.values[0],
                        f.downtime_minutes,
                        down(f.ci95[1]),
                        down(f.ci95[0]),
                    )
                })
                .collect();
            series.push((name, d, k, pts));
        }
    }
    let xs: Vec<f64> = axis.values.clone();
    let (x_min, x_max) = xs
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
            (a.min(x), b.max(x))
        });
    let ys: Vec<f64> = series
        .iter()
        .flat_map(|s| s.3.iter().flat_map(|p| [p.1, p.2, p.3]))
        .filter(|y| *y > 0.0)
        .collect();
    let (y_min, y_max) = ys
        .iter()
        .fold((f64::INFINITY, 0.0f64), |(a, b), &y| (a.min(y), b.max(y)));
    let (y_min, y_max) = if y_min.is_finite() {
        (y_min, y_max)
    } else {
        (0.1, 1.0)
    };
    let log_x = x_min > 0.0 && x_max / x_min > 10.0;
    let log_y = y_max / y_min > 10.0;
    let pad = if x_max > x_min {
        0.04 * (x_max - x_min)
    } else {
        0.5 * x_min.abs().max(1.0)
    };
    let (x_lo, x_hi) = if log_x {
        (x_min / 1.15, x_max * 1.15)
    } else {
        (x_min - pad, x_max + pad)
    };
    let (y_lo, y_hi) = if log_y {
        (
            10f64.powf(y_min.log10().floor()),
            10f64.powf(y_max.log10().ceil()),
        )
    } else {
        (0.0, y_max * 1.1)
    };
    let per = if result.horizon_hours == 8760.0 {
        "a year".to_string()
    } else {
        format!("a {} h trial", result.horizon_hours)
    };
    let title = format!(
        "Mean downtime against the swept parameter ({} trials a point, common random numbers)",
        result.trials
    );
    // A series identical to an earlier one is drawn over it and its legend
    // entry says so; one with no downtime at any point cannot be drawn on a
    // log axis, and its legend entry says that.
    let twin_of: Vec<Option<usize>> = series
        .iter()
        .enumerate()
        .map(|(i, s)| {
            series[..i]
                .iter()
                .position(|e| e.3.iter().map(|p| p.1).eq(s.3.iter().map(|p| p.1)))
        })
        .collect();
    let all_zero: Vec<bool> = series
        .iter()
        .map(|s| s.3.iter().all(|p| p.1 <= 0.0))
        .collect();
    let mut svg = String::new();
    {
        let legend_h = 14 + 20 * series.len() as u32;
        let root =
            SVGBackend::with_string(&mut svg, (SIZE.0, SIZE.1 + legend_h)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let (top, legend) = root.split_vertically(SIZE.1);
        let x_desc = format!("{}{}", axis.path, if log_x { "  (log scale)" } else { "" });
        let y_desc = format!(
            "mean downtime in {per} (minutes{})",
            if log_y { ", log scale" } else { "" }
        );
        // One drawing routine for the four axis kinds.
        macro_rules! draw {
            ($x:expr, $y:expr) => {{
                let mut chart = ChartBuilder::on(&top)
                    .caption(&title, ("sans-serif", 20))
                    .margin(16)
                    .margin_right(28)
                    .x_label_area_size(52)
                    .y_label_area_size(78)
                    .build_cartesian_2d($x, $y)
                    .map_err(draw_err)?;
                chart
                    .configure_mesh()
                    .x_desc(x_desc.as_str())
                    .y_desc(y_desc.as_str())
                    .axis_desc_style(("sans-serif", 17))
                    .label_style(("sans-serif", 14))
                    .x_label_formatter(&|v| compact(*v))
                    .y_label_formatter(&|v| compact(*v))
                    .light_line_style(RGBColor(235, 235, 235))
                    .bold_line_style(RGBColor(200, 200, 200))
                    .draw()
                    .map_err(draw_err)?;
                for (i, (name, d, k, pts)) in series.iter().enumerate() {
                    let colour = COLOURS[*d % COLOURS.len()];
                    // Earlier lines are wider, so a line drawn over one
                    // still leaves it visible as a border.
                    let width = 2 + (series.len() - 1 - i).min(5) as u32;
                    let style = ShapeStyle::from(&colour).stroke_width(width);
                    let mut label = name.clone();
                    if let Some(j) = twin_of[i] {
                        label.push_str(&format!("  (identical to {}, drawn over it)", series[j].0));
                    }
                    let drawn = !(all_zero[i] && log_y);
                    if !drawn {
                        label.push_str("  (no downtime at any point: not drawn)");
                    }
                    let line: Vec<(f64, f64)> = pts.iter().map(|p| (p.0, p.1.max(y_lo))).collect();
                    if drawn {
                        if *k == 0 {
                            chart
                                .draw_series(LineSeries::new(line.clone(), style))
                                .map_err(draw_err)?;
                        } else {
                            chart
                                .draw_series(DashedLineSeries::new(
                                    line.clone(),
                                    6 + 4 * *k as u32,
                                    6,
                                    style,
                                ))
                                .map_err(draw_err)?;
                        }
                        chart
                            .draw_series(line.iter().map(|&p| Circle::new(p, 4, colour.filled())))
                            .map_err(draw_err)?;
                        for p in pts {
                            chart
                                .draw_series(LineSeries::new(
                                    [(p.0, p.2.max(y_lo)), (p.0, p.3.max(y_lo))],
                                    ShapeStyle::from(&colour.mix(0.6)).stroke_width(2),
                                ))
                                .map_err(draw_err)?;
                        }
                    }
                    let y = 10 + 20 * i as i32;
                    legend
                        .draw(&PathElement::new(
                            vec![(96, y), (124, y)],
                            colour.stroke_width(width),
                        ))
                        .map_err(draw_err)?;
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
            }};
        }
        match (log_x, log_y) {
            (true, true) => draw!((x_lo..x_hi).log_scale(), (y_lo..y_hi).log_scale()),
            (true, false) => draw!((x_lo..x_hi).log_scale(), y_lo..y_hi),
            (false, true) => draw!(x_lo..x_hi, (y_lo..y_hi).log_scale()),
            (false, false) => draw!(x_lo..x_hi, y_lo..y_hi),
        }
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}
