//! Pictures as SVG: the complementary CDF of downtime per trial per deployment,
//! the cost/quality frontier of a plan, a sweep's figures against its
//! parameter and a tornado of parameters.
//!
//! Drawn with [plotters](https://docs.rs/plotters)' SVG backend (no fonts are
//! loaded: the viewer renders the text). Every function returns the SVG
//! document as a string; the library never writes files (the `zonesim`
//! binary writes them atomically).
// Axis ranges and tick labels only: `std`'s elementary functions are
// fine here (no figure depends on them; clippy.toml, issue 16).
#![allow(clippy::disallowed_methods)]

use std::fmt;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::engine::{Accumulators, StudyResult};
use crate::plan::{Placement, PlanResult};

mod ccdf;
mod frontier;
mod sweep;
mod tornado;

#[cfg(test)]
use ccdf::ccdf_steps;
pub use ccdf::{downtime_ccdf_svg, downtime_ccdf_svg_string};
pub use frontier::{frontier_svg, frontier_svg_over};
pub use sweep::sweep_svg;
pub use tornado::tornado_svg;

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

pub(super) fn draw_err<E: fmt::Debug>(e: E) -> PlotError {
    PlotError::Draw(format!("{e:?}"))
}

/// The most frontier placements numbered and named in a frontier picture.
pub(super) const FRONTIER_KEY_MAX: usize = 12;

/// Picture size in pixels (width, height).
pub const SIZE: (u32, u32) = (960, 600);

/// Line colours (Tableau 10), distinguishable and readable on white.
pub(super) const COLOURS: [RGBColor; 10] = [
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
pub(super) fn compact(v: f64) -> String {
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
pub(super) fn percent(t: f64) -> String {
    let s = format!("{:.4}", t * 100.0);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}%")
}

/// Approximate width in pixels of `text` in a sans-serif font of `size` px
/// (no fonts are loaded to measure it): 0.6 em a character, which errs wide.
pub(super) fn text_width(text: &str, size: u32) -> i32 {
    (text.chars().count() as f64 * size as f64 * 0.6).ceil() as i32
}

/// Text from the input (a deployment or zone name) with control characters
/// escaped (`\\n`, `\\x1b`): they break lines and are not allowed in SVG.
pub(super) fn escape(s: &str) -> String {
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

    /// The sweep picture names twins and undrawable series; the tornado
    /// puts the widest bar on top and writes both ends' figures.
    #[test]
    fn sweep_and_tornado_pictures_say_what_they_show() {
        use crate::prelude::*;
        use crate::sensitivity::{Axis, Figure, TornadoParam, sweep, tornado};
        let exp = |m| Duration::exponential(m).unwrap();
        let study = Study::new(Settings::new(200, 8760.0))
            .region(Region::new("r", "R", "p", "FR"))
            .zone(Zone::new("a", "r", exp(500.0), exp(10.0)))
            .zone(Zone::new("b", "r", exp(1e9), exp(1e-3)))
            .deployment(Deployment::new("one", ["a"], Rule::AtLeast(1)))
            .deployment(Deployment::new("again", ["a", "a"], Rule::AtLeast(1)))
            .deployment(Deployment::new("never", ["b"], Rule::AtLeast(1)));
        let p = |s: &str| s.parse().unwrap();
        let r = sweep(
            &study,
            &[Axis::new(
                p("zone.a.time_to_repair.mean"),
                vec![1.0, 10.0, 100.0],
            )],
            &RunOptions::default(),
        )
        .unwrap();
        let svg = sweep_svg(&r).unwrap();
        assert!(
            svg.contains("again  (identical to one, drawn over it)"),
            "twin"
        );
        assert!(svg.contains("never  (no downtime at any point: not drawn)"));
        assert!(svg.contains("zone.a.time_to_repair.mean  (log scale)"));
        let t = tornado(
            &study,
            &[
                TornadoParam::new("narrow", p("zone.a.time_to_repair.mean"), 9.0, 11.0),
                TornadoParam::new("wide", p("zone.a.time_to_failure.mean"), 100.0, 5000.0),
            ],
            &RunOptions::default(),
        )
        .unwrap();
        let svg = tornado_svg(&t, "one", Figure::DowntimeMinutes).unwrap();
        let (wide, narrow) = (
            svg.find("\nwide\n").unwrap(),
            svg.find("\nnarrow\n").unwrap(),
        );
        assert!(wide < narrow, "the widest bar is drawn first, on top");
        assert!(svg.contains("low: ") && svg.contains("high: "));
        assert!(tornado_svg(&t, "nobody", Figure::DowntimeMinutes).is_err());
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
