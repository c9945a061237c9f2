//! Sweeps: the study at every point of a grid of one or two parameters.

use serde::Serialize;

use super::{ParamError, ParamPath};
use crate::Error;
use crate::engine::{RunOptions, Simulation, StudyResult};
use crate::stats::DeploymentSummary;
use crate::study::Study;

/// One axis of a sweep: a path and its values.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Axis {
    /// The parameter.
    pub path: ParamPath,
    /// Its values, in the order they are run.
    pub values: Vec<f64>,
}

impl Axis {
    /// An axis over `values` of `path`.
    pub fn new(path: ParamPath, values: Vec<f64>) -> Self {
        Axis { path, values }
    }
}

/// The figures of one deployment at one point.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PointFigures {
    /// Deployment name.
    pub name: String,
    /// Mean availability.
    pub mean_availability: f64,
    /// Its 95% interval.
    pub ci95: [f64; 2],
    /// Mean downtime a trial (minutes).
    pub downtime_minutes: f64,
    /// Unavailability by the deployment's estimator.
    pub unavailability: f64,
    /// P(meeting each SLA target), in the study's target order.
    pub p_sla: Vec<f64>,
    /// Mean downtime minus the first point's (minutes), which is the mean of
    /// the trial-by-trial differences: on common random numbers it is the
    /// parameter's effect, with far less noise than the figures' own
    /// intervals (no interval is reported for it).
    pub downtime_minutes_vs_first: f64,
}

/// One point of a sweep grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SweepPoint {
    /// The value of each axis, in axis order.
    pub values: Vec<f64>,
    /// Each deployment's figures, in study order.
    pub deployments: Vec<PointFigures>,
}

/// A sweep's result: every grid point, first axis outermost.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SweepResult {
    /// The axes.
    pub axes: Vec<Axis>,
    /// SLA targets, the columns of `p_sla`.
    pub sla_targets: Vec<f64>,
    /// Trials at each point.
    pub trials: u64,
    /// Horizon of each trial (hours).
    pub horizon_hours: f64,
    /// Seed of every point.
    pub seed: u64,
    /// The points.
    pub points: Vec<SweepPoint>,
}

pub(super) fn figures(d: &DeploymentSummary) -> PointFigures {
    PointFigures {
        name: d.name.clone(),
        mean_availability: d.availability.mean,
        ci95: d.availability.ci95,
        downtime_minutes: d.downtime_minutes.mean,
        unavailability: d.unavailability.mean,
        p_sla: d.sla.iter().map(|s| s.p_meets).collect(),
        downtime_minutes_vs_first: 0.0,
    }
}

/// Runs `study` with every parameter at `values` (one per path) applied,
/// every process on a stream of its own
/// ([`Simulation::with_process_streams`]).
///
/// # Errors
/// The path's or the study's problems, or why the run failed.
pub fn run_at(
    study: &Study,
    paths: &[&ParamPath],
    values: &[f64],
    opts: &RunOptions<'_>,
) -> Result<StudyResult, Error> {
    let mut s = study.clone();
    for (p, &v) in paths.iter().zip(values) {
        p.set(&mut s, v)?;
    }
    Ok(Simulation::new(&s)?.with_process_streams().run(opts)?)
}

/// Runs the study at every point of the grid of one or two axes, each
/// point with the study's seed (common random numbers; see the module docs).
///
/// # Errors
/// [`ParamError::BadSweep`] for no axis, more than two, or an axis with no
/// value; a path's or the study's problems; why a run failed.
pub fn sweep(study: &Study, axes: &[Axis], opts: &RunOptions<'_>) -> Result<SweepResult, Error> {
    if axes.is_empty() || axes.len() > 2 {
        return Err(ParamError::BadSweep(format!(
            "a sweep takes one or two parameters, got {}",
            axes.len()
        ))
        .into());
    }
    if let Some(a) = axes.iter().find(|a| a.values.is_empty()) {
        return Err(ParamError::BadSweep(format!("{}: no values to sweep", a.path)).into());
    }
    let grid: Vec<Vec<f64>> = match axes {
        [a] => a.values.iter().map(|&v| vec![v]).collect(),
        [a, b] => a
            .values
            .iter()
            .flat_map(|&x| b.values.iter().map(move |&y| vec![x, y]))
            .collect(),
        _ => unreachable!("checked above"),
    };
    // Check every value before running anything.
    let paths: Vec<&ParamPath> = axes.iter().map(|a| &a.path).collect();
    for (a, p) in axes.iter().zip(&paths) {
        for &v in &a.values {
            p.set(&mut study.clone(), v)?;
        }
    }
    let mut points = Vec::with_capacity(grid.len());
    let mut first_downtime: Vec<f64> = Vec::new();
    for values in grid {
        let r = run_at(study, &paths, &values, opts)?;
        let mut deployments: Vec<PointFigures> = r.deployments.iter().map(figures).collect();
        if first_downtime.is_empty() {
            first_downtime = deployments.iter().map(|d| d.downtime_minutes).collect();
        }
        for (d, f) in deployments.iter_mut().zip(&first_downtime) {
            d.downtime_minutes_vs_first = d.downtime_minutes - f;
        }
        points.push(SweepPoint {
            values,
            deployments,
        });
    }
    Ok(SweepResult {
        axes: axes.to_vec(),
        sla_targets: study.simulation.sla_targets.clone(),
        trials: study.simulation.trials,
        horizon_hours: study.simulation.horizon_hours,
        seed: study.simulation.seed,
        points,
    })
}
