//! The tornado: each parameter alone across its range, ranked.

use serde::Serialize;

use super::sweep::{figures, run_at};
use super::{Axis, ParamError, ParamPath, PointFigures};
use crate::Error;
use crate::engine::RunOptions;
use crate::study::Study;

/// A scenario file's `[sweep]` table: the grid of a sweep and the ranges of
/// a tornado.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[non_exhaustive]
pub struct SweepSpec {
    /// The axes of the sweep (`[[sweep.axis]]`), one or two.
    pub axes: Vec<Axis>,
    /// The tornado's ranges (`[[sweep.range]]`); [`catalog_ranges`] when empty.
    pub ranges: Vec<TornadoParam>,
    /// The deployment whose figure the tornado shows (default: the first).
    pub deployment: Option<String>,
}

/// One parameter of a tornado: a path (often with `*`), a label and a range.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct TornadoParam {
    /// What the bar is called.
    pub label: String,
    /// The parameter.
    pub path: ParamPath,
    /// Low end of the range.
    pub low: f64,
    /// High end of the range.
    pub high: f64,
}

impl TornadoParam {
    /// A parameter moved over `[low, high]`.
    pub fn new(label: impl Into<String>, path: ParamPath, low: f64, high: f64) -> Self {
        TornadoParam {
            label: label.into(),
            path,
            low,
            high,
        }
    }
}

/// The ranges the catalogue states for its parameters (the eu-hubs
/// parameter notes and FACTS section 7), as paths into a study built from
/// it: the zones' own outage rate (all-cause 0.05-1.0 a year, of which
/// `1 - beta` is the zone's own), the zone repair median (1-4 h) and sigma
/// (1-2), the region-wide event rate (0.005-0.1 a year) and median
/// (4-12 h), and for each provider with a zone in one of the study's
/// deployments, its provider-wide event's rate and median over the ranges
/// of the catalogue's event register ([`crate::catalog::ProviderEvent`]).
/// Only the parameters the study has are returned.
pub fn catalog_ranges(study: &Study) -> Vec<TornadoParam> {
    let own = 1.0 - crate::catalog::BETA;
    let p = |s: &str| s.parse::<ParamPath>().expect("a valid built-in path");
    let all = [
        TornadoParam::new(
            "zone outage rate (0.05-1.0 a year)",
            p("zone.*.time_to_failure.per_year"),
            0.05 * own,
            1.0 * own,
        ),
        TornadoParam::new(
            "zone repair median (1-4 h)",
            p("zone.*.time_to_repair.median"),
            1.0,
            4.0,
        ),
        TornadoParam::new(
            "zone repair sigma (1-2)",
            p("zone.*.time_to_repair.sigma"),
            1.0,
            2.0,
        ),
        TornadoParam::new(
            "region event rate (0.005-0.1 a year)",
            p("common_cause.*-region-event.time_to_failure.per_year"),
            0.005,
            0.1,
        ),
        TornadoParam::new(
            "region event median (4-12 h)",
            p("common_cause.*-region-event.time_to_repair.median"),
            4.0,
            12.0,
        ),
    ];
    let mut all = all.to_vec();
    // The providers whose zones the deployments use, in catalogue order.
    let used = |provider: &str| {
        study.deployments.iter().any(|d| {
            d.replicas.iter().any(|z| {
                let region = study.zones.iter().find(|x| &x.id == z).map(|x| &x.region);
                study
                    .regions
                    .iter()
                    .any(|r| Some(&r.id) == region && r.provider == provider)
            })
        })
    };
    for e in crate::catalog::eu_hubs().provider_events {
        if !used(&e.provider) {
            continue;
        }
        let cause = crate::catalog::provider_wide_name(&e.provider);
        let [lo, hi] = e.per_year_range;
        all.push(TornadoParam::new(
            format!("{} provider-wide event rate ({lo}-{hi} a year)", e.provider),
            p(&format!("common_cause.{cause}.time_to_failure.per_year")),
            lo,
            hi,
        ));
        let [lo, hi] = e.median_hours_range;
        all.push(TornadoParam::new(
            format!("{} provider-wide event median ({lo}-{hi} h)", e.provider),
            p(&format!("common_cause.{cause}.time_to_repair.median")),
            lo,
            hi,
        ));
    }
    all.into_iter()
        .filter(|t| t.path.get(study).is_ok())
        .collect()
}

/// The figure a tornado ranks by.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Figure {
    /// Mean downtime a trial, in minutes.
    DowntimeMinutes,
    /// Mean availability.
    MeanAvailability,
    /// P(meeting the SLA target at this index of the study's targets).
    PMeetsSla(usize),
}

impl Figure {
    /// The figure of one point's deployment.
    pub fn of(&self, d: &PointFigures) -> f64 {
        match *self {
            Figure::DowntimeMinutes => d.downtime_minutes,
            Figure::MeanAvailability => d.mean_availability,
            Figure::PMeetsSla(i) => d.p_sla.get(i).copied().unwrap_or(f64::NAN),
        }
    }

    /// A label for axes and tables.
    pub fn label(&self, targets: &[f64]) -> String {
        match *self {
            Figure::DowntimeMinutes => "mean downtime (minutes a trial)".into(),
            Figure::MeanAvailability => "mean availability".into(),
            Figure::PMeetsSla(i) => format!(
                "P(meets {})",
                targets
                    .get(i)
                    .map_or("?".into(), |t| format!("{}%", t * 100.0))
            ),
        }
    }
}

/// One bar of a tornado.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct TornadoBar {
    /// The parameter and its range.
    pub param: TornadoParam,
    /// Every deployment's figures with the parameter at the low end.
    pub at_low: Vec<PointFigures>,
    /// ... and at the high end.
    pub at_high: Vec<PointFigures>,
}

/// A tornado: the study at its own parameters and each parameter alone at
/// the ends of its range, on common random numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct TornadoResult {
    /// SLA targets, the columns of `p_sla`.
    pub sla_targets: Vec<f64>,
    /// Trials of each run.
    pub trials: u64,
    /// Every deployment's figures at the study's own parameters.
    pub base: Vec<PointFigures>,
    /// One bar per parameter, in the order given.
    pub bars: Vec<TornadoBar>,
}

impl TornadoResult {
    /// The bars ranked by how far `figure` of `deployment` moves across the
    /// range (widest first), with its low-end and high-end values; `None`
    /// when no deployment has that name.
    pub fn ranked(&self, deployment: &str, figure: Figure) -> Option<Vec<(&TornadoBar, f64, f64)>> {
        let i = self.base.iter().position(|d| d.name == deployment)?;
        let mut v: Vec<(&TornadoBar, f64, f64)> = self
            .bars
            .iter()
            .map(|b| (b, figure.of(&b.at_low[i]), figure.of(&b.at_high[i])))
            .collect();
        v.sort_by(|a, b| (b.2 - b.1).abs().total_cmp(&(a.2 - a.1).abs()));
        Some(v)
    }
}

/// Runs the study at its own parameters and with each parameter alone at
/// the low and the high end of its range (2 n + 1 runs, all with the
/// study's seed).
///
/// # Errors
/// [`ParamError::BadSweep`] with no parameter; a path's or the study's
/// problems; why a run failed.
pub fn tornado(
    study: &Study,
    params: &[TornadoParam],
    opts: &RunOptions<'_>,
) -> Result<TornadoResult, Error> {
    if params.is_empty() {
        return Err(ParamError::BadSweep("a tornado needs at least one parameter".into()).into());
    }
    for t in params {
        for v in [t.low, t.high] {
            t.path.set(&mut study.clone(), v)?;
        }
    }
    let base = run_at(study, &[], &[], opts)?;
    let mut bars = Vec::with_capacity(params.len());
    for t in params {
        let lo = run_at(study, &[&t.path], &[t.low], opts)?;
        let hi = run_at(study, &[&t.path], &[t.high], opts)?;
        bars.push(TornadoBar {
            param: t.clone(),
            at_low: lo.deployments.iter().map(figures).collect(),
            at_high: hi.deployments.iter().map(figures).collect(),
        });
    }
    Ok(TornadoResult {
        sla_targets: study.simulation.sla_targets.clone(),
        trials: study.simulation.trials,
        base: base.deployments.iter().map(figures).collect(),
        bars,
    })
}
