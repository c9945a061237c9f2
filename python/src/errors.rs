//! Library errors as the package's Python exceptions (`zonesim._errors`),
//! with the CLI's messages.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use zonesim::ErrorKind;
use zonesim::engine::RunError;
use zonesim::fit::FitError;
use zonesim::scenario::{LocatedProblem, ScenarioError};
use zonesim::sensitivity::ParamError;

/// The error without lines and columns (they would point into the JSON the
/// package wrote for a dict, not into anything the user wrote).
pub(crate) fn unlocated(e: ScenarioError) -> ScenarioError {
    match e {
        ScenarioError::Parse {
            file,
            field,
            message,
            ..
        } => ScenarioError::Parse {
            file,
            line: None,
            column: None,
            field,
            message,
        },
        ScenarioError::Invalid { file, problems } => ScenarioError::Invalid {
            file,
            problems: problems
                .into_iter()
                .map(|p| LocatedProblem {
                    line: None,
                    problem: p.problem,
                })
                .collect(),
        },
        other => other,
    }
}

/// One of the package's exception classes (`zonesim._errors`), built with
/// keyword arguments.
fn py_error(
    py: Python<'_>,
    class: &str,
    message: String,
    fill: impl FnOnce(&Bound<'_, PyDict>) -> PyResult<()>,
) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let cls = py.import("zonesim._errors")?.getattr(class)?;
        let kwargs = PyDict::new(py);
        fill(&kwargs)?;
        Ok(PyErr::from_value(
            cls.call((message.clone(),), Some(&kwargs))?,
        ))
    };
    build().unwrap_or_else(|e| e)
}

/// A `zonesim.ScenarioError`: the CLI's message, and the path, line, column
/// and field of the (first) problem, with every problem in `problems`.
pub(crate) fn scenario_error(py: Python<'_>, e: &ScenarioError) -> PyErr {
    let message = e.to_string();
    py_error(py, "ScenarioError", message, |kw| {
        match e {
            ScenarioError::Io { file, .. } | ScenarioError::UnknownFormat { file } => {
                kw.set_item("path", file)?;
            }
            ScenarioError::Parse {
                file,
                line,
                column,
                field,
                message,
            } => {
                kw.set_item("path", file)?;
                kw.set_item("line", line)?;
                kw.set_item("column", column)?;
                kw.set_item("field", (!field.is_empty()).then_some(field))?;
                kw.set_item(
                    "problems",
                    PyList::new(py, [(*line, field.clone(), message.clone())])?,
                )?;
            }
            ScenarioError::Invalid { file, problems } => {
                kw.set_item("path", file)?;
                if let Some(p) = problems.first() {
                    kw.set_item("line", p.line)?;
                    kw.set_item("field", &p.problem.at)?;
                }
                let all: Vec<(Option<usize>, String, String)> = problems
                    .iter()
                    .map(|p| (p.line, p.problem.at.clone(), p.problem.message.clone()))
                    .collect();
                kw.set_item("problems", PyList::new(py, all)?)?;
            }
            // ScenarioError is non_exhaustive: a later variant still names
            // its file in its message.
            _ => {}
        }
        Ok(())
    })
}

/// The Python exception of a library error, with the CLI's wording
/// (`NAME: message`): problems of the study (after this call's overrides)
/// are a `ScenarioError`, a run that could not start or complete a
/// `zonesim.RunError`.
pub(crate) fn crate_error(py: Python<'_>, name: &str, e: zonesim::Error) -> PyErr {
    let message = format!("{name}: {e}");
    let problems = |ps: &[zonesim::study::Problem]| -> Vec<(Option<usize>, String, String)> {
        ps.iter()
            .map(|p| (None, p.at.clone(), p.message.clone()))
            .collect()
    };
    match e.into_kind() {
        ErrorKind::Study(s) => scenario_like(py, name, message, problems(&s.problems)),
        ErrorKind::Plan(p) => scenario_like(py, name, message, problems(&p.problems)),
        ErrorKind::Scenario(s) => scenario_error(py, &s),
        // A path that names nothing in the study, a value it cannot take:
        // bad input, as the CLI's exit 2.
        ErrorKind::Param(_) => scenario_like(py, name, message, Vec::new()),
        ErrorKind::Fit(f) => fit_error(py, &f),
        ErrorKind::Run(r) => {
            let kind = match &r {
                RunError::TooLarge(_) => "too_large",
                RunError::Estimator { .. } => "estimator",
                RunError::TooManyIntervals { .. } => "too_many_intervals",
                RunError::ThreadPool { .. } => "thread_pool",
                RunError::Cancelled => "cancelled",
                _ => "other",
            };
            py_error(py, "RunError", message, |kw| kw.set_item("kind", kind))
        }
        _ => py_error(py, "RunError", message, |kw| kw.set_item("kind", "other")),
    }
}

fn scenario_like(
    py: Python<'_>,
    name: &str,
    message: String,
    problems: Vec<(Option<usize>, String, String)>,
) -> PyErr {
    py_error(py, "ScenarioError", message, |kw| {
        kw.set_item("path", name)?;
        if let Some((_, at, _)) = problems.first() {
            kw.set_item("field", at)?;
        }
        kw.set_item("problems", PyList::new(py, problems)?)
    })
}

/// A `zonesim.ScenarioError` for a sweep, tornado or uncertainty argument
/// (`field`: `set`, `ranges`, `deployment`, `uncertain`) of the study
/// `name`. With `at` (the path given) the message names the argument and
/// the path, `set["zone.x.mean"]: ...`; without, it is the CLI's message
/// for the file, `NAME: ...`.
pub(crate) fn param_error(
    py: Python<'_>,
    name: &str,
    field: &str,
    at: Option<&str>,
    e: ParamError,
) -> PyErr {
    let what = e.to_string();
    let (message, field) = match at {
        Some(path) => (
            format!("{field}[{path:?}]: {what}"),
            format!("{field}[{path:?}]"),
        ),
        None => (format!("{name}: {what}"), field.to_string()),
    };
    py_error(py, "ScenarioError", message, |kw| {
        kw.set_item("path", name)?;
        kw.set_item("field", &field)?;
        kw.set_item(
            "problems",
            PyList::new(py, [(None::<usize>, field.clone(), what)])?,
        )
    })
}

/// A `zonesim.FitError`: the CLI's message, with the log's path, and the
/// line and column of a bad row.
pub(crate) fn fit_error(py: Python<'_>, e: &FitError) -> PyErr {
    py_error(py, "FitError", e.to_string(), |kw| {
        match e {
            FitError::BadRow {
                file, line, field, ..
            } => {
                kw.set_item("path", file)?;
                kw.set_item("line", line)?;
                kw.set_item("field", field)?;
            }
            FitError::BadLog { file, .. } => kw.set_item("path", file)?,
            _ => {}
        }
        Ok(())
    })
}

pub(crate) fn internal(e: impl std::fmt::Display) -> PyErr {
    PyRuntimeError::new_err(format!("zonesim: internal error: {e}"))
}
