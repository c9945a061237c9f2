//! Which parameter the answer hinges on: parameter paths, sweeps over one or
//! two of them, and the tornado summary.
//!
//! A [`ParamPath`] names one number of a study the way a scenario file
//! does: `zone.ID.time_to_repair.median`,
//! `common_cause.NAME.time_to_failure.mean`,
//! `deployment.NAME.rule.active_passive.failover_hours`. An id may hold one
//! `*` to name every zone (cause, deployment) whose id starts with what
//! precedes it and ends with what follows it (`alibaba-fr-par-*`,
//! `*-region-event`); `*` alone names them all. Besides each distribution's own
//! parameters (`mean`; `shape`, `scale`; `median`, `sigma`; `low`, `high`;
//! `value`), every duration has two derived ones: `mean` (the distribution
//! scaled to that mean, its shape kept) and `per_year` (events a year:
//! the mean set to 8760 / value hours).
//!
//! [`sweep`] runs the study at every point of a grid of one or two paths
//! with the study's seed and every process on a stream of its own
//! ([`Simulation::with_process_streams`]), so that every point sees the
//! same random numbers (common random numbers): a process whose parameters
//! do not change draws exactly the same outages at every point, and one
//! whose parameters change draws from the same uniforms (exactly coupled
//! for the exponential, Weibull, lognormal, uniform and fixed laws; the
//! gamma sampler's rejection steps couple only partly). Differences
//! between points are then the parameter's effect, not noise. Because the
//! streams are laid out per process, a sweep's point is not bit-identical
//! to `zonesim run` of the same study and seed (a different, equally valid
//! sample). [`tornado`] moves each parameter alone to the ends of its
//! range and ranks them by how far a figure moves; [`catalog_ranges`] are
//! the ranges the catalogue states.
//!
//! ```
//! use zonesim::prelude::*;
//! use zonesim::sensitivity::{sweep, Axis, ParamPath};
//!
//! let exp = |m| Duration::exponential(m).unwrap();
//! let study = Study::new(Settings::new(2000, 8760.0))
//!     .region(Region::new("r", "R", "p", "FR"))
//!     .zone(Zone::new("a", "r", exp(2000.0), exp(10.0)))
//!     .deployment(Deployment::new("one", ["a"], Rule::AtLeast(1)));
//! let path: ParamPath = "zone.a.time_to_repair.mean".parse().unwrap();
//! let axis = Axis::new(path, vec![5.0, 10.0, 20.0]);
//! let result = sweep(&study, &[axis], &RunOptions::default()).unwrap();
//! let a: Vec<f64> = result.points.iter().map(|p| p.deployments[0].mean_availability).collect();
//! assert!(a[0] > a[1] && a[1] > a[2]); // same streams: longer repairs, less available
//! ```

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::Error;
use crate::deployment::Rule;
use crate::distributions::{Duration, RawDuration};
use crate::engine::{RunOptions, Simulation, StudyResult};
use crate::stats::DeploymentSummary;
use crate::study::Study;
use crate::topology::{CommonCause, Zone};

/// Hours in a year, for `per_year` paths.
pub const HOURS_PER_YEAR: f64 = 8760.0;

/// Why a parameter path, value or sweep is not usable.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ParamError {
    /// The path does not have the form of a parameter path.
    #[error(
        "\"{path}\" is not a parameter path: {reason}; the forms are zone.ID.time_to_failure.P, \
         zone.ID.time_to_repair.P, common_cause.NAME.time_to_failure.P (or time_to_repair), \
         deployment.NAME.rule.active_passive.failover_hours"
    )]
    BadPath {
        /// The path as given.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// The path names nothing in this study.
    #[error("{path}: {reason}")]
    NotFound {
        /// The path.
        path: String,
        /// What was not found.
        reason: String,
    },
    /// The value cannot be given to the parameter.
    #[error("{path} = {value}: {reason}")]
    BadValue {
        /// The path.
        path: String,
        /// The value.
        value: f64,
        /// Why (the distribution's own check).
        reason: String,
    },
    /// A sweep or tornado that cannot run (no axis, too many, no values).
    #[error("{0}")]
    BadSweep(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Zone,
    Cause,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Which {
    Failure,
    Repair,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Process {
        kind: Kind,
        id: String,
        which: Which,
        param: String,
    },
    Failover {
        deployment: String,
    },
}

/// One number of a study, named as a scenario file names it (see the module
/// docs). Parse it with [`str::parse`].
///
/// ```
/// use zonesim::sensitivity::ParamPath;
/// let p: ParamPath = "zone.alibaba-fr-par-*.time_to_repair.median".parse().unwrap();
/// assert_eq!(p.to_string(), "zone.alibaba-fr-par-*.time_to_repair.median");
/// assert!("zone.a.time_to_lunch.mean".parse::<ParamPath>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamPath {
    text: String,
    target: Target,
}

impl fmt::Display for ParamPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for ParamPath {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl FromStr for ParamPath {
    type Err = ParamError;
    fn from_str(text: &str) -> Result<ParamPath, ParamError> {
        let bad = |reason: &str| ParamError::BadPath {
            path: text.to_string(),
            reason: reason.to_string(),
        };
        let parts: Vec<&str> = text.split('.').collect();
        let target = match parts.first().copied() {
            Some(kind @ ("zone" | "common_cause")) => {
                if parts.len() < 4 {
                    return Err(bad("expected KIND.ID.time_to_failure|time_to_repair.PARAM"));
                }
                let n = parts.len();
                let which = match parts[n - 2] {
                    "time_to_failure" => Which::Failure,
                    "time_to_repair" => Which::Repair,
                    other => {
                        return Err(bad(&format!(
                            "\"{other}\" is neither time_to_failure nor time_to_repair"
                        )));
                    }
                };
                let param = parts[n - 1];
                if !PARAMS.contains(&param) {
                    return Err(bad(&format!(
                        "\"{param}\" is not a duration parameter ({})",
                        PARAMS.join(", ")
                    )));
                }
                Target::Process {
                    kind: if kind == "zone" {
                        Kind::Zone
                    } else {
                        Kind::Cause
                    },
                    id: parts[1..n - 2].join("."),
                    which,
                    param: param.to_string(),
                }
            }
            Some("deployment") => {
                let n = parts.len();
                if n < 5 || parts[n - 3..] != ["rule", "active_passive", "failover_hours"] {
                    return Err(bad(
                        "a deployment's parameter is NAME.rule.active_passive.failover_hours",
                    ));
                }
                Target::Failover {
                    deployment: parts[1..n - 3].join("."),
                }
            }
            _ => {
                return Err(bad(
                    "it starts with neither zone, common_cause nor deployment",
                ));
            }
        };
        let id = match &target {
            Target::Process { id, .. } => id,
            Target::Failover { deployment } => deployment,
        };
        if id.is_empty() {
            return Err(bad("the id is empty"));
        }
        Ok(ParamPath {
            text: text.to_string(),
            target,
        })
    }
}

/// The parameter names a duration path may end in.
const PARAMS: [&str; 9] = [
    "mean", "per_year", "shape", "scale", "median", "sigma", "low", "high", "value",
];

/// Whether `id` matches `pattern`: equal, or, where the pattern holds one
/// `*`, starting with what precedes it and ending with what follows it.
fn id_matches(pattern: &str, id: &str) -> bool {
    match pattern.split_once('*') {
        Some((prefix, suffix)) => {
            id.len() >= prefix.len() + suffix.len()
                && id.starts_with(prefix)
                && id.ends_with(suffix)
        }
        None => pattern == id,
    }
}

/// `d` with parameter `param` set to `v`; `Ok(None)` when `d`'s family has
/// no such parameter.
fn set_duration(d: &Duration, param: &str, v: f64) -> Result<Option<Duration>, String> {
    let scaled = |target_mean: f64| -> Result<Duration, String> {
        let c = target_mean / d.mean();
        let r = match d.params().clone() {
            RawDuration::Exponential { mean } => Duration::exponential(mean * c),
            RawDuration::Weibull { shape, scale } => Duration::weibull(shape, scale * c),
            RawDuration::Lognormal { median, sigma } => Duration::lognormal(median * c, sigma),
            RawDuration::Gamma { shape, scale } => Duration::gamma(shape, scale * c),
            RawDuration::Uniform { low, high } => Duration::uniform(low * c, high * c),
            RawDuration::Fixed { value } => Duration::fixed(value * c),
            RawDuration::Empirical { samples } => {
                Duration::empirical(samples.iter().map(|s| s * c).collect())
            }
        };
        r.map_err(|e| e.to_string())
    };
    let r = match (param, d.params().clone()) {
        ("mean", _) => scaled(v),
        ("per_year", _) => scaled(HOURS_PER_YEAR / v),
        ("shape", RawDuration::Weibull { scale, .. }) => {
            Duration::weibull(v, scale).map_err(|e| e.to_string())
        }
        ("scale", RawDuration::Weibull { shape, .. }) => {
            Duration::weibull(shape, v).map_err(|e| e.to_string())
        }
        ("shape", RawDuration::Gamma { scale, .. }) => {
            Duration::gamma(v, scale).map_err(|e| e.to_string())
        }
        ("scale", RawDuration::Gamma { shape, .. }) => {
            Duration::gamma(shape, v).map_err(|e| e.to_string())
        }
        ("median", RawDuration::Lognormal { sigma, .. }) => {
            Duration::lognormal(v, sigma).map_err(|e| e.to_string())
        }
        ("sigma", RawDuration::Lognormal { median, .. }) => {
            Duration::lognormal(median, v).map_err(|e| e.to_string())
        }
        ("low", RawDuration::Uniform { high, .. }) => {
            Duration::uniform(v, high).map_err(|e| e.to_string())
        }
        ("high", RawDuration::Uniform { low, .. }) => {
            Duration::uniform(low, v).map_err(|e| e.to_string())
        }
        ("value", RawDuration::Fixed { .. }) => Duration::fixed(v).map_err(|e| e.to_string()),
        _ => return Ok(None),
    };
    r.map(Some)
}

fn get_duration(d: &Duration, param: &str) -> Option<f64> {
    match (param, d.params()) {
        ("mean", _) => Some(d.mean()),
        ("per_year", _) => Some(HOURS_PER_YEAR / d.mean()),
        ("shape", RawDuration::Weibull { shape: v, .. } | RawDuration::Gamma { shape: v, .. })
        | ("scale", RawDuration::Weibull { scale: v, .. } | RawDuration::Gamma { scale: v, .. })
        | ("median", RawDuration::Lognormal { median: v, .. })
        | ("sigma", RawDuration::Lognormal { sigma: v, .. })
        | ("low", RawDuration::Uniform { low: v, .. })
        | ("high", RawDuration::Uniform { high: v, .. })
        | ("value", RawDuration::Fixed { value: v }) => Some(*v),
        _ => None,
    }
}

enum Slot<'a> {
    Duration(&'a mut Duration),
    Failover(&'a mut f64),
}

impl ParamPath {
    /// The path's kind and parameter, with the id left out: what a tornado
    /// bar or a plot axis is labelled with when the id is a pattern.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    fn slots<'a>(&self, study: &'a mut Study) -> Result<Vec<Slot<'a>>, ParamError> {
        let not_found = |reason: String| ParamError::NotFound {
            path: self.text.clone(),
            reason,
        };
        match &self.target {
            Target::Process {
                kind, id, which, ..
            } => {
                let pick = |ttf: &'a mut Duration, ttr: &'a mut Duration| match which {
                    Which::Failure => ttf,
                    Which::Repair => ttr,
                };
                let slots: Vec<Slot<'a>> = match kind {
                    Kind::Zone => study
                        .zones
                        .iter_mut()
                        .filter(|z| id_matches(id, &z.id))
                        .map(|z: &'a mut Zone| {
                            Slot::Duration(pick(&mut z.time_to_failure, &mut z.time_to_repair))
                        })
                        .collect(),
                    Kind::Cause => study
                        .common_causes
                        .iter_mut()
                        .filter(|c| id_matches(id, &c.name))
                        .map(|c: &'a mut CommonCause| {
                            Slot::Duration(pick(&mut c.time_to_failure, &mut c.time_to_repair))
                        })
                        .collect(),
                };
                if slots.is_empty() {
                    let what = match kind {
                        Kind::Zone => "zone",
                        Kind::Cause => "common cause",
                    };
                    return Err(not_found(format!("no {what} matches \"{id}\"")));
                }
                Ok(slots)
            }
            Target::Failover { deployment } => {
                let wildcard = deployment.contains('*');
                let mut slots = Vec::new();
                let mut named = false;
                for d in study
                    .deployments
                    .iter_mut()
                    .filter(|d| id_matches(deployment, &d.name))
                {
                    named = true;
                    let described = d.rule.to_string();
                    match &mut d.rule {
                        Rule::ActivePassive { failover_hours } => {
                            slots.push(Slot::Failover(failover_hours))
                        }
                        Rule::AtLeast(_) | Rule::Majority | Rule::ZonesUp(_) if wildcard => {}
                        Rule::AtLeast(_) | Rule::Majority | Rule::ZonesUp(_) => {
                            return Err(not_found(format!(
                                "deployment \"{}\" has rule {described}, not active_passive",
                                d.name
                            )));
                        }
                    }
                }
                if !named {
                    return Err(not_found(format!("no deployment matches \"{deployment}\"")));
                }
                if slots.is_empty() {
                    return Err(not_found(format!(
                        "no active_passive deployment matches \"{deployment}\""
                    )));
                }
                Ok(slots)
            }
        }
    }

    fn param(&self) -> &str {
        match &self.target {
            Target::Process { param, .. } => param,
            Target::Failover { .. } => "failover_hours",
        }
    }

    /// The parameter's value in `study` (of the first zone, cause or
    /// deployment the path matches).
    ///
    /// # Errors
    /// [`ParamError::NotFound`] when the path matches nothing, or the first
    /// match's distribution has no such parameter.
    pub fn get(&self, study: &Study) -> Result<f64, ParamError> {
        let mut copy = study.clone();
        let slots = self.slots(&mut copy)?;
        match &slots[0] {
            Slot::Failover(f) => Ok(**f),
            Slot::Duration(d) => {
                get_duration(d, self.param()).ok_or_else(|| ParamError::NotFound {
                    path: self.text.clone(),
                    reason: format!(
                        "a {} distribution has no parameter \"{}\"",
                        d.name(),
                        self.param()
                    ),
                })
            }
        }
    }

    /// Sets the parameter to `value` in every zone, cause or deployment the
    /// path matches.
    ///
    /// # Errors
    /// [`ParamError::NotFound`] as [`ParamPath::get`];
    /// [`ParamError::BadValue`] when the value is not valid for the
    /// distribution (a failover delay must be finite and >= 0).
    pub fn set(&self, study: &mut Study, value: f64) -> Result<(), ParamError> {
        let param = self.param().to_string();
        let text = self.text.clone();
        for slot in self.slots(study)? {
            match slot {
                Slot::Failover(f) => {
                    if !(value.is_finite() && value >= 0.0) {
                        return Err(ParamError::BadValue {
                            path: text,
                            value,
                            reason: "a failover delay must be a finite number of hours >= 0".into(),
                        });
                    }
                    *f = value;
                }
                Slot::Duration(d) => match set_duration(d, &param, value) {
                    Ok(Some(new)) => *d = new,
                    Ok(None) => {
                        return Err(ParamError::NotFound {
                            path: text,
                            reason: format!(
                                "a {} distribution has no parameter \"{param}\"",
                                d.name()
                            ),
                        });
                    }
                    Err(reason) => {
                        return Err(ParamError::BadValue {
                            path: text,
                            value,
                            reason,
                        });
                    }
                },
            }
        }
        Ok(())
    }
}

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

fn figures(d: &DeploymentSummary) -> PointFigures {
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
/// (4-12 h). Only the parameters the study has are returned.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prelude::*;

    fn study() -> Study {
        let exp = |m| Duration::exponential(m).unwrap();
        Study::new(Settings::new(500, 8760.0))
            .region(Region::new("r", "R", "p", "FR"))
            .zone(Zone::new(
                "r-a",
                "r",
                exp(2000.0),
                Duration::lognormal(2.0, 1.5).unwrap(),
            ))
            .zone(Zone::new("r-b", "r", exp(2000.0), exp(10.0)))
            .common_cause(CommonCause::new(
                "r-region-event",
                ["r"],
                exp(1e5),
                exp(6.0),
            ))
            .deployment(Deployment::new("one", ["r-a"], Rule::AtLeast(1)))
            .deployment(Deployment::new(
                "ap",
                ["r-a", "r-b"],
                Rule::ActivePassive {
                    failover_hours: 0.25,
                },
            ))
    }

    #[test]
    fn paths_get_and_set_every_form() {
        let mut s = study();
        let p = |t: &str| t.parse::<ParamPath>().unwrap();
        assert_eq!(p("zone.r-a.time_to_repair.median").get(&s).unwrap(), 2.0);
        assert_eq!(
            p("zone.r-a.time_to_failure.per_year").get(&s).unwrap(),
            4.38
        );
        p("zone.*.time_to_repair.mean").set(&mut s, 5.0).unwrap();
        for z in &s.zones {
            assert!((z.time_to_repair.mean() - 5.0).abs() < 1e-12);
        }
        // The lognormal kept its sigma.
        assert_eq!(p("zone.r-a.time_to_repair.sigma").get(&s).unwrap(), 1.5);
        p("common_cause.r-region-event.time_to_failure.per_year")
            .set(&mut s, 0.1)
            .unwrap();
        assert_eq!(s.common_causes[0].time_to_failure.mean(), 87_600.0);
        p("deployment.ap.rule.active_passive.failover_hours")
            .set(&mut s, 1.5)
            .unwrap();
        assert_eq!(
            s.deployments[1].rule,
            Rule::ActivePassive {
                failover_hours: 1.5
            }
        );
        p("deployment.*.rule.active_passive.failover_hours")
            .set(&mut s, 0.5)
            .unwrap();
        assert_eq!(
            s.deployments[1].rule,
            Rule::ActivePassive {
                failover_hours: 0.5
            }
        );
    }

    #[test]
    fn bad_paths_and_values_are_named() {
        let s = study();
        let e = "zone.nope.time_to_repair.mean"
            .parse::<ParamPath>()
            .unwrap()
            .get(&s);
        assert!(
            e.unwrap_err()
                .to_string()
                .contains("no zone matches \"nope\"")
        );
        let e = "zone.r-b.time_to_repair.sigma"
            .parse::<ParamPath>()
            .unwrap()
            .get(&s);
        assert!(
            e.unwrap_err()
                .to_string()
                .contains("exponential distribution has no parameter \"sigma\"")
        );
        let e = "deployment.one.rule.active_passive.failover_hours"
            .parse::<ParamPath>()
            .unwrap()
            .set(&mut s.clone(), 1.0);
        assert!(e.unwrap_err().to_string().contains("not active_passive"));
        let e = "zone.r-a.time_to_repair.median"
            .parse::<ParamPath>()
            .unwrap()
            .set(&mut s.clone(), -1.0);
        assert!(
            e.unwrap_err()
                .to_string()
                .contains("must be a finite number > 0")
        );
        for bad in [
            "zone.a.mean",
            "region.a.time_to_failure.mean",
            "zone..time_to_failure.mean",
            "deployment.x.rule.failover_hours",
        ] {
            assert!(bad.parse::<ParamPath>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_failover_sweep_pairs_exactly_and_is_monotone() {
        // Only the failover changes, so every point sees identical outages:
        // downtime grows with the delay in every trial, and the single-zone
        // deployment's figures do not move at all.
        let s = study();
        let axis = Axis::new(
            "deployment.ap.rule.active_passive.failover_hours"
                .parse()
                .unwrap(),
            vec![0.0, 0.25, 1.0, 4.0],
        );
        let r = sweep(&s, &[axis], &RunOptions::default()).unwrap();
        let one: Vec<f64> = r
            .points
            .iter()
            .map(|p| p.deployments[0].mean_availability)
            .collect();
        assert!(one.iter().all(|&a| a == one[0]));
        let ap: Vec<f64> = r
            .points
            .iter()
            .map(|p| p.deployments[1].downtime_minutes)
            .collect();
        assert!(ap.windows(2).all(|w| w[0] < w[1]), "{ap:?}");
    }

    #[test]
    fn a_two_axis_grid_runs_first_axis_outermost() {
        let s = study();
        let a = Axis::new(
            "zone.r-b.time_to_repair.mean".parse().unwrap(),
            vec![1.0, 2.0],
        );
        let b = Axis::new(
            "deployment.ap.rule.active_passive.failover_hours"
                .parse()
                .unwrap(),
            vec![0.1, 0.2, 0.3],
        );
        let r = sweep(&s, &[a, b], &RunOptions::default()).unwrap();
        let v: Vec<Vec<f64>> = r.points.iter().map(|p| p.values.clone()).collect();
        assert_eq!(v.len(), 6);
        assert_eq!(v[0], [1.0, 0.1]);
        assert_eq!(v[2], [1.0, 0.3]);
        assert_eq!(v[3], [2.0, 0.1]);
        assert!(sweep(&s, &[], &RunOptions::default()).is_err());
    }

    #[test]
    fn the_tornado_ranks_the_widest_bar_first() {
        let s = study();
        let params = vec![
            TornadoParam::new(
                "repair",
                "zone.r-a.time_to_repair.median".parse().unwrap(),
                1.0,
                8.0,
            ),
            TornadoParam::new(
                "failover",
                "deployment.ap.rule.active_passive.failover_hours"
                    .parse()
                    .unwrap(),
                0.2,
                0.3,
            ),
        ];
        let t = tornado(&s, &params, &RunOptions::default()).unwrap();
        let ranked = t.ranked("one", Figure::DowntimeMinutes).unwrap();
        assert_eq!(ranked[0].0.param.label, "repair");
        // The failover cannot move the single zone's figure at all.
        assert_eq!(ranked[1].1, ranked[1].2);
        assert!(ranked[0].2 > ranked[0].1);
        assert!(t.ranked("nope", Figure::DowntimeMinutes).is_none());
    }

    /// On per-process streams a change to one zone leaves every other
    /// process's draws exactly as they were; on the default single stream
    /// it does not (the later processes' draws shift).
    #[test]
    fn process_streams_keep_other_processes_fixed() {
        let s = study();
        let mut t = s.clone();
        "zone.r-a.time_to_repair.median"
            .parse::<ParamPath>()
            .unwrap()
            .set(&mut t, 9.0)
            .unwrap();
        let run = |st: &Study, own: bool| {
            let sim = Simulation::new(st).unwrap();
            let sim = if own { sim.with_process_streams() } else { sim };
            sim.run(&RunOptions::default()).unwrap()
        };
        let (a, b) = (run(&s, true), run(&t, true));
        assert_eq!(a.zones[1].mean_availability, b.zones[1].mean_availability);
        assert_ne!(a.zones[0].mean_availability, b.zones[0].mean_availability);
        let (a, b) = (run(&s, false), run(&t, false));
        assert_ne!(a.zones[1].mean_availability, b.zones[1].mean_availability);
        // The option changes the sample, not the model: both layouts agree
        // within their intervals.
        let (x, y) = (run(&s, false), run(&s, true));
        let (dx, dy) = (
            &x.deployments[0].availability,
            &y.deployments[0].availability,
        );
        let half = (dx.ci95[1] - dx.ci95[0]).max(dy.ci95[1] - dy.ci95[0]);
        assert!((dx.mean - dy.mean).abs() < 2.0 * half);
    }

    #[test]
    fn catalog_ranges_cover_the_default_study() {
        let s = crate::catalog::default_study();
        let r = catalog_ranges(&s);
        assert_eq!(r.len(), 5);
        for t in &r {
            t.path.set(&mut s.clone(), t.low).unwrap();
            t.path.set(&mut s.clone(), t.high).unwrap();
        }
    }
}
