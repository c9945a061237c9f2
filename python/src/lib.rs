//! `zonesim._zonesim`: the native module under the `zonesim` Python package.
//!
//! It holds a loaded study (`NativeStudy`) and runs it. Results cross into
//! Python as the crate's serde JSON (the text `zonesim run --format json`
//! prints), so every field the library adds reaches Python without a change
//! here; per-trial outcomes cross as numpy arrays. Every run releases the
//! GIL and runs on a thread of its own while the calling thread checks for
//! signals every 50 ms (`POLL`): Ctrl-C sets the run's cancel flag
//! ([`zonesim::RunOptions::cancel`]), the run stops within a batch per
//! thread, and `KeyboardInterrupt` is raised.
//!
//! The Pythonic surface (argument checks, result objects, pandas) is the
//! pure-Python package `zonesim`; this module is private to it.

use std::fs::File;
use std::io::{self, Read};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use numpy::PyArray1;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use rayon::prelude::*;

use zonesim::engine::{RunError, Simulation};
use zonesim::plan::PlanSpec;
use zonesim::scenario::{Format, LocatedProblem, Scenario, ScenarioError};
use zonesim::stats::TrialOutcome;
use zonesim::study::Study;
use zonesim::{ErrorKind, RunOptions};

/// How often a running call checks for signals (Ctrl-C) and reports progress.
const POLL: Duration = Duration::from_millis(50);

/// The largest scenario file read: 16 MiB, as the CLI.
const MAX_SCENARIO_BYTES: u64 = 16 << 20;

/// Trials per parallel unit of `trial_outcomes` (and per cancel check).
const OUTCOME_CHUNK: usize = 1024;

/// A loaded, validated study (and the `[plan]` of its file, if any).
#[pyclass(frozen, module = "zonesim._zonesim")]
struct NativeStudy {
    study: Study,
    plan: Option<PlanSpec>,
    /// The name used in messages: the file's path, `<string>` or `<dict>`.
    name: String,
}

/// Overrides of one call (`None`: the study's own).
struct Overrides {
    trials: Option<u64>,
    seed: Option<u64>,
    baseline: Option<String>,
}

impl NativeStudy {
    fn from_scenario(s: Scenario) -> Self {
        let name = s.name().to_string();
        let plan = s.plan().cloned();
        NativeStudy {
            study: s.into_study(),
            plan,
            name,
        }
    }

    /// The study with this call's overrides.
    fn with(&self, o: Overrides) -> Study {
        let mut study = self.study.clone();
        if let Some(t) = o.trials {
            study.simulation.trials = t;
        }
        if let Some(s) = o.seed {
            study.simulation.seed = s;
        }
        if o.baseline.is_some() {
            study.simulation.baseline = o.baseline;
        }
        study
    }

    /// Compiles the study, with the CLI's message on failure.
    fn compile(&self, py: Python<'_>, study: &Study) -> PyResult<Simulation> {
        Simulation::new(study).map_err(|e| crate_error(py, &self.name, e))
    }
}

#[pymethods]
impl NativeStudy {
    /// Parses, resolves and validates scenario text (`format` "toml" or
    /// "json"); `name` names it in messages. With `located=False` (a dict
    /// written as JSON by the package) errors carry no line or column.
    #[staticmethod]
    #[pyo3(signature = (text, format, name, located = true))]
    fn from_text(
        py: Python<'_>,
        text: &str,
        format: &str,
        name: &str,
        located: bool,
    ) -> PyResult<Self> {
        let format = match format {
            "toml" => Format::Toml,
            "json" => Format::Json,
            other => {
                return Err(PyValueError::new_err(format!(
                    "format must be \"toml\" or \"json\", got {other:?}"
                )));
            }
        };
        match Scenario::from_str(text, format, name) {
            Ok(s) => Ok(NativeStudy::from_scenario(s)),
            Err(e) if located => Err(scenario_error(py, &e)),
            Err(e) => Err(scenario_error(py, &unlocated(e))),
        }
    }

    /// Reads a scenario file as the CLI does: the format from the extension,
    /// at most 16 MiB, UTF-8 only.
    #[staticmethod]
    fn from_path(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let file = path.display().to_string();
        let loaded = (|| {
            let format = Format::from_path(&path)
                .ok_or_else(|| ScenarioError::UnknownFormat { file: file.clone() })?;
            let text = read_text(&path).map_err(|source| ScenarioError::Io {
                file: file.clone(),
                source,
            })?;
            Scenario::from_str(&text, format, &file)
        })();
        loaded
            .map(NativeStudy::from_scenario)
            .map_err(|e| scenario_error(py, &e))
    }

    /// The built-in default study (the eu-hubs catalogue's six deployments).
    #[staticmethod]
    fn default_study() -> Self {
        NativeStudy {
            study: zonesim::catalog::default_study(),
            plan: None,
            name: "the default study".to_string(),
        }
    }

    /// The name used in messages.
    #[getter]
    fn name(&self) -> &str {
        &self.name
    }

    /// The deployments' names, in study order.
    #[getter]
    fn deployment_names(&self) -> Vec<String> {
        self.study
            .deployments
            .iter()
            .map(|d| d.name.clone())
            .collect()
    }

    /// Whether the file had a `[plan]` table.
    #[getter]
    fn has_plan(&self) -> bool {
        self.plan.is_some()
    }

    /// The study in the scenario schema as JSON (every catalogue entry
    /// written out), with its `plan` when it has one.
    fn to_json(&self) -> PyResult<String> {
        let mut v = serde_json::to_value(&self.study).map_err(internal)?;
        if let (Some(plan), Some(obj)) = (&self.plan, v.as_object_mut()) {
            obj.insert(
                "plan".to_string(),
                serde_json::to_value(plan).map_err(internal)?,
            );
        }
        serde_json::to_string(&v).map_err(internal)
    }

    /// Runs the study; returns the result's JSON (the CLI's `--format json`).
    /// `progress(done, total)` is called from this thread as trials complete.
    #[pyo3(signature = (trials = None, seed = None, threads = None, baseline = None, progress = None))]
    fn run(
        &self,
        py: Python<'_>,
        trials: Option<u64>,
        seed: Option<u64>,
        threads: Option<usize>,
        baseline: Option<String>,
        progress: Option<Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let study = self.with(Overrides {
            trials,
            seed,
            baseline,
        });
        let sim = self.compile(py, &study)?;
        let result = cancellable(py, sim.trials(), progress.as_ref(), |cancel, done| {
            let tick = |n: u64| {
                done.fetch_add(n, Ordering::Relaxed);
            };
            let mut opts = RunOptions::new().progress(&tick).cancel(cancel);
            if let Some(t) = threads {
                opts = opts.threads(t);
            }
            sim.run(&opts).map_err(zonesim::Error::from)
        })?
        .map_err(|e| crate_error(py, &self.name, e))?;
        serde_json::to_string(&result).map_err(internal)
    }

    /// Runs the file's `[plan]`; returns the plan result's JSON (the CLI's
    /// `zonesim plan --format json`).
    #[pyo3(signature = (trials = None, seed = None, threads = None, progress = None))]
    fn plan(
        &self,
        py: Python<'_>,
        trials: Option<u64>,
        seed: Option<u64>,
        threads: Option<usize>,
        progress: Option<Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let Some(spec) = &self.plan else {
            return Err(scenario_error(
                py,
                &ScenarioError::Parse {
                    file: self.name.clone(),
                    line: None,
                    column: None,
                    field: "plan".to_string(),
                    message: "has no [plan] table (see the README's Planning section)".to_string(),
                },
            ));
        };
        let study = self.with(Overrides {
            trials,
            seed,
            baseline: None,
        });
        let total = study.simulation.trials;
        let result = cancellable(py, total, progress.as_ref(), |cancel, done| {
            let tick = |n: u64| {
                done.fetch_add(n, Ordering::Relaxed);
            };
            let mut opts = RunOptions::new().progress(&tick).cancel(cancel);
            if let Some(t) = threads {
                opts = opts.threads(t);
            }
            zonesim::plan::plan(&study, spec, &opts)
        })?
        .map_err(|e| crate_error(py, &self.name, e))?;
        serde_json::to_string(&result).map_err(internal)
    }

    /// Per-trial outcomes of trials `first .. first + trials`, trial-major:
    /// `(names, downtime_minutes, outages, longest_outage_minutes)`, each
    /// array of `trials * len(names)` values (row `t` holds trial
    /// `first + t`, one column per deployment).
    #[pyo3(signature = (trials, first = 0, seed = None, threads = None, progress = None))]
    #[allow(clippy::type_complexity)]
    fn trial_outcomes<'py>(
        &self,
        py: Python<'py>,
        trials: u64,
        first: u64,
        seed: Option<u64>,
        threads: Option<usize>,
        progress: Option<Bound<'py, PyAny>>,
    ) -> PyResult<(
        Vec<String>,
        Bound<'py, PyArray1<f64>>,
        Bound<'py, PyArray1<u32>>,
        Bound<'py, PyArray1<f64>>,
    )> {
        let study = self.with(Overrides {
            trials: None,
            seed,
            baseline: None,
        });
        let sim = self.compile(py, &study)?;
        let names = self.deployment_names();
        let n = usize::try_from(trials)
            .ok()
            .and_then(|t| t.checked_mul(names.len()))
            .filter(|&cells| cells <= isize::MAX as usize / 8)
            .ok_or_else(|| PyValueError::new_err(format!("trials: {trials} is too many")))?;
        if first.checked_add(trials).is_none() {
            return Err(PyValueError::new_err(format!(
                "first + trials overflows: {first} + {trials}"
            )));
        }
        let (down, outs, long) = cancellable(py, trials, progress.as_ref(), |cancel, done| {
            let work = || outcomes(&sim, first, n, names.len(), cancel, done);
            match threads {
                None => work(),
                Some(t) => rayon::ThreadPoolBuilder::new()
                    .num_threads(t.max(1))
                    .build()
                    .map_err(|e| RunError::ThreadPool {
                        threads: t,
                        message: e.to_string(),
                    })?
                    .install(work),
            }
            .map_err(zonesim::Error::from)
        })?
        .map_err(|e| crate_error(py, &self.name, e))?;
        Ok((
            names,
            PyArray1::from_vec(py, down),
            PyArray1::from_vec(py, outs),
            PyArray1::from_vec(py, long),
        ))
    }
}

/// Per-trial downtime minutes, outage counts and longest outage minutes,
/// trial-major.
type OutcomeArrays = (Vec<f64>, Vec<u32>, Vec<f64>);

/// Fills the trial-major outcome arrays of `n / width` trials from `first`,
/// in parallel chunks; memory beyond the arrays is one outcome buffer per
/// thread.
fn outcomes(
    sim: &Simulation,
    first: u64,
    n: usize,
    width: usize,
    cancel: &AtomicBool,
    done: &AtomicU64,
) -> Result<OutcomeArrays, RunError> {
    let mut down = vec![0.0f64; n];
    let mut outs = vec![0u32; n];
    let mut long = vec![0.0f64; n];
    if width == 0 {
        return Ok((down, outs, long));
    }
    let rows = OUTCOME_CHUNK * width;
    down.par_chunks_mut(rows)
        .zip(outs.par_chunks_mut(rows))
        .zip(long.par_chunks_mut(rows))
        .enumerate()
        .try_for_each_init(Vec::<TrialOutcome>::new, |buf, (c, ((d, o), l))| {
            if cancel.load(Ordering::Relaxed) {
                return Err(RunError::Cancelled);
            }
            let start = first + (c * OUTCOME_CHUNK) as u64;
            let trials = d.len() / width;
            for t in 0..trials {
                sim.trial(start + t as u64, buf)?;
                debug_assert_eq!(buf.len(), width);
                for (j, x) in buf.iter().enumerate() {
                    d[t * width + j] = x.downtime_hours * 60.0;
                    o[t * width + j] = x.outages;
                    l[t * width + j] = x.longest_hours * 60.0;
                }
            }
            done.fetch_add(trials as u64, Ordering::Relaxed);
            Ok(())
        })?;
    Ok((down, outs, long))
}

/// Runs `job` on a thread of its own with the GIL released, checking for
/// signals every [`POLL`] on this thread and reporting progress. A signal
/// handler that raises (Ctrl-C: `KeyboardInterrupt`) or a progress callback
/// that raises sets the cancel flag; the job stops within a batch and that
/// exception is returned. Otherwise the job's own result comes back.
fn cancellable<T: Send>(
    py: Python<'_>,
    total: u64,
    progress: Option<&Bound<'_, PyAny>>,
    job: impl FnOnce(&AtomicBool, &AtomicU64) -> T + Send,
) -> PyResult<T> {
    let cancel = AtomicBool::new(false);
    let done = AtomicU64::new(0);
    std::thread::scope(|s| {
        let (tx, mut rx) = mpsc::channel::<()>();
        let (c, d) = (&cancel, &done);
        let handle = s.spawn(move || {
            let r = job(c, d);
            let _ = tx.send(());
            r
        });
        let mut raised: Option<PyErr> = None;
        loop {
            let (back, got) = py.detach(move || {
                let got = rx.recv_timeout(POLL);
                (rx, got)
            });
            rx = back;
            match got {
                Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => break,
                Err(mpsc::RecvTimeoutError::Timeout) => {}
            }
            if raised.is_some() {
                continue;
            }
            let report = || -> PyResult<()> {
                py.check_signals()?;
                if let Some(p) = progress {
                    p.call1((done.load(Ordering::Relaxed).min(total), total))?;
                }
                Ok(())
            };
            if let Err(e) = report() {
                cancel.store(true, Ordering::Relaxed);
                raised = Some(e);
            }
        }
        let joined = py.detach(move || handle.join());
        if let Some(e) = raised {
            return Err(e);
        }
        let r = joined.map_err(|_| PyRuntimeError::new_err("zonesim: a run panicked"))?;
        if let Some(p) = progress {
            p.call1((total, total))?;
        }
        Ok(r)
    })
}

/// The text of a scenario file: at most 16 MiB, UTF-8 (the CLI's wording).
fn read_text(path: &std::path::Path) -> io::Result<String> {
    let f = File::open(path)?;
    if f.metadata()?.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "is a directory",
        ));
    }
    let mut bytes = Vec::new();
    f.take(MAX_SCENARIO_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_SCENARIO_BYTES {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "larger than the 16 MiB limit for a scenario file",
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "not UTF-8 text (invalid byte 0x{:02x} at offset {at})",
                e.as_bytes()[at]
            ),
        )
    })
}

/// The error without lines and columns (they would point into the JSON the
/// package wrote for a dict, not into anything the user wrote).
fn unlocated(e: ScenarioError) -> ScenarioError {
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
fn scenario_error(py: Python<'_>, e: &ScenarioError) -> PyErr {
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
fn crate_error(py: Python<'_>, name: &str, e: zonesim::Error) -> PyErr {
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

fn internal(e: impl std::fmt::Display) -> PyErr {
    PyRuntimeError::new_err(format!("zonesim: internal error: {e}"))
}

/// The built-in catalogue `name` as scenario JSON (its regions, zones,
/// common causes and, for eu-hubs, the default study's deployments), or
/// `None` for an unknown name.
#[pyfunction]
fn catalog_json(name: &str) -> Option<String> {
    zonesim::catalog::catalog(name).map(|c| zonesim::scenario::catalog_scenario(&c, Format::Json))
}

/// The names of the built-in catalogues.
#[pyfunction]
fn catalog_names() -> Vec<&'static str> {
    zonesim::catalog::CATALOG_NAMES.to_vec()
}

/// The native module.
#[pymodule]
fn _zonesim(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<NativeStudy>()?;
    m.add_function(wrap_pyfunction!(catalog_json, m)?)?;
    m.add_function(wrap_pyfunction!(catalog_names, m)?)?;
    m.add("BATCH_TRIALS", zonesim::engine::BATCH_TRIALS)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
