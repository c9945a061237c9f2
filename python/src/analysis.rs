//! Sweeps, tornadoes, parameter uncertainty and fits: the library's
//! `sensitivity`, `uncertainty` and `fit` modules, resolved exactly as the
//! CLI resolves them (`Axis`, `TornadoParam`, `SweepSpec::axes_or`, ...),
//! with results crossing as the CLI's JSON.

use std::path::PathBuf;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use zonesim::fit::{Family, FitOptions, FitReport, IncidentLog, Window};
use zonesim::sensitivity::{Axis, ParamError, ParamPath, SweepSpec, TornadoParam};
use zonesim::uncertainty::UncertaintySpec;

use crate::errors::{fit_error, internal, param_error};
use crate::run::run_json;
use crate::{NativeStudy, Overrides};

/// A sweep over `axes` (`[(path, values)]`, one or two; none: the file's
/// `[[sweep.axis]]`): the JSON of `zonesim sweep --format json`.
#[pyfunction]
#[pyo3(signature = (study, axes, trials = None, seed = None, threads = None, progress = None))]
pub(crate) fn sweep(
    py: Python<'_>,
    study: PyRef<'_, NativeStudy>,
    axes: Vec<(String, Vec<f64>)>,
    trials: Option<u64>,
    seed: Option<u64>,
    threads: Option<usize>,
    progress: Option<Bound<'_, PyAny>>,
) -> PyResult<String> {
    let name = study.name.clone();
    let given = axes
        .into_iter()
        .map(|(path, values)| {
            let p: ParamPath = path
                .trim()
                .parse()
                .map_err(|e| param_error(py, &name, "set", Some(&path), e))?;
            Ok(Axis::new(p, values))
        })
        .collect::<PyResult<Vec<Axis>>>()?;
    let spec = study.sweep.clone().unwrap_or_default();
    let axes = spec
        .axes_or(given)
        .map_err(|e| param_error(py, &name, "set", None, e))?;
    let s = study.with(Overrides {
        trials,
        seed,
        baseline: None,
    });
    let points: usize = axes.iter().map(|x| x.values.len()).product();
    let total = s.simulation.trials.saturating_mul(points as u64);
    run_json(py, &name, total, threads, progress, |opts| {
        zonesim::sensitivity::sweep(&s, &axes, opts)
    })
}

/// A tornado over `ranges` (`[(path, low, high)]`; none: the file's
/// `[[sweep.range]]`, else the catalogue's): the JSON of
/// `zonesim sweep --tornado --format json`.
#[pyfunction]
#[pyo3(signature = (study, ranges, deployment = None, trials = None, seed = None, threads = None, progress = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn tornado(
    py: Python<'_>,
    study: PyRef<'_, NativeStudy>,
    ranges: Vec<(String, f64, f64)>,
    deployment: Option<String>,
    trials: Option<u64>,
    seed: Option<u64>,
    threads: Option<usize>,
    progress: Option<Bound<'_, PyAny>>,
) -> PyResult<String> {
    let name = study.name.clone();
    let given = ranges
        .into_iter()
        .map(|(path, lo, hi)| {
            TornadoParam::checked(&path, lo, hi)
                .map_err(|e| param_error(py, &name, "ranges", Some(&path), e))
        })
        .collect::<PyResult<Vec<TornadoParam>>>()?;
    let s = study.with(Overrides {
        trials,
        seed,
        baseline: None,
    });
    let spec: SweepSpec = study.sweep.clone().unwrap_or_default();
    let ranges = spec
        .ranges_or(&s, given)
        .map_err(|e| param_error(py, &name, "ranges", None, e))?;
    spec.deployment_or(&s, deployment.as_deref())
        .map_err(|e| param_error(py, &name, "deployment", None, e))?;
    let total = s
        .simulation
        .trials
        .saturating_mul(2 * ranges.len() as u64 + 1);
    run_json(py, &name, total, threads, progress, |opts| {
        zonesim::sensitivity::tornado(&s, &ranges, opts)
    })
}

/// Two-level Monte Carlo over the file's `[[uncertain]]` parameters: the
/// JSON of `zonesim uncertain --format json`.
#[pyfunction]
#[pyo3(signature = (study, draws = None, trials = None, seed = None, threads = None, progress = None))]
pub(crate) fn uncertain(
    py: Python<'_>,
    study: PyRef<'_, NativeStudy>,
    draws: Option<u32>,
    trials: Option<u64>,
    seed: Option<u64>,
    threads: Option<usize>,
    progress: Option<Bound<'_, PyAny>>,
) -> PyResult<String> {
    let name = study.name.clone();
    let spec = UncertaintySpec::required(study.uncertainty.as_ref(), draws)
        .map_err(|e: ParamError| param_error(py, &name, "uncertain", None, e))?;
    let s = study.with(Overrides {
        trials,
        seed,
        baseline: None,
    });
    let total = s.simulation.trials.saturating_mul(spec.draws as u64);
    run_json(py, &name, total, threads, progress, |opts| {
        spec.run(&s, opts)
    })
}

/// A fitted incident log (`zonesim fit`).
#[pyclass(frozen, module = "zonesim._zonesim")]
pub(crate) struct NativeFit {
    report: FitReport,
}

#[pymethods]
impl NativeFit {
    /// The full fit: the JSON of `zonesim fit --format json`.
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.report).map_err(internal)
    }

    /// The scenario overrides: what `zonesim fit` prints by default.
    fn to_toml(&self, py: Python<'_>) -> PyResult<String> {
        self.report.to_toml().map_err(|e| fit_error(py, &e))
    }
}

fn family(what: &str, name: Option<String>) -> PyResult<Option<Family>> {
    name.map(|n| {
        Family::from_name(&n).ok_or_else(|| {
            PyValueError::new_err(format!(
                "{what} must be one of \"exponential\", \"weibull\", \"lognormal\", \"gamma\", got {n:?}"
            ))
        })
    })
    .transpose()
}

/// Fits an incident log: the file at `path`, or CSV `text` named `name` in
/// messages; the window is `[0, window_hours]` (hour columns) or `window`
/// (`FROM..TO`, RFC 3339 columns).
#[pyfunction]
#[pyo3(signature = (path, text, name, window_hours, window, no_outages, ttf_family, ttr_family))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn fit(
    py: Python<'_>,
    path: Option<PathBuf>,
    text: Option<String>,
    name: String,
    window_hours: Option<f64>,
    window: Option<String>,
    no_outages: Vec<String>,
    ttf_family: Option<String>,
    ttr_family: Option<String>,
) -> PyResult<NativeFit> {
    let window = match (window, window_hours) {
        (Some(w), None) => {
            Window::parse_times(&w).map_err(|e| PyValueError::new_err(format!("window: {e}")))?
        }
        (None, Some(h)) => Window::Hours(h),
        _ => {
            return Err(PyValueError::new_err(
                "give window_hours=H (hour columns) or window=\"FROM..TO\" (RFC 3339 columns), \
                 not both",
            ));
        }
    };
    let opts = FitOptions::new().no_outages(no_outages).families(
        family("ttf_family", ttf_family)?,
        family("ttr_family", ttr_family)?,
    );
    let report = py
        .detach(|| {
            let log = match (&path, &text) {
                (Some(p), _) => IncidentLog::from_path(p, &window)?,
                (None, t) => IncidentLog::from_reader(
                    t.as_deref().unwrap_or_default().as_bytes(),
                    &name,
                    &window,
                )?,
            };
            FitReport::new(&log, &opts)
        })
        .map_err(|e| fit_error(py, &e))?;
    Ok(NativeFit { report })
}
