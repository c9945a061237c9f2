//! `zonesim._zonesim`: the native module under the `zonesim` Python package.
//!
//! It holds a loaded study (`NativeStudy`) and runs it. Results cross into
//! Python as the crate's serde JSON (the text `zonesim run --format json`
//! prints), so every field the library adds reaches Python without a change
//! here; per-trial outcomes cross as numpy arrays. Every run releases the
//! GIL and runs on a thread of its own while the calling thread checks for
//! signals every 50 ms (`run::POLL`): Ctrl-C sets the run's cancel flag
//! ([`zonesim::RunOptions::cancel`]), the run stops within a batch per
//! thread, and `KeyboardInterrupt` is raised.
//!
//! The Pythonic surface (argument checks, result objects, pandas) is the
//! pure-Python package `zonesim`; this module is private to it.

use std::path::PathBuf;

use numpy::PyArray1;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use zonesim::engine::{RunError, Simulation};
use zonesim::plan::PlanSpec;
use zonesim::scenario::{Format, Scenario, ScenarioError};
use zonesim::sensitivity::SweepSpec;
use zonesim::study::Study;
use zonesim::uncertainty::UncertaintySpec;

mod analysis;
mod errors;
mod run;

use errors::{crate_error, internal, scenario_error, unlocated};
use run::{cancellable, outcomes, run_json};

/// A loaded, validated study (and the `[plan]` of its file, if any).
#[pyclass(frozen, module = "zonesim._zonesim")]
struct NativeStudy {
    study: Study,
    plan: Option<PlanSpec>,
    /// The file's `[sweep]` table, if any.
    sweep: Option<SweepSpec>,
    /// The file's `[[uncertain]]` parameters, if any.
    uncertainty: Option<UncertaintySpec>,
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
        let sweep = s.sweep().cloned();
        let uncertainty = s.uncertainty().cloned();
        NativeStudy {
            study: s.into_study(),
            plan,
            sweep,
            uncertainty,
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

    /// Reads a scenario file as the CLI does (`Scenario::from_path`: the
    /// format from the extension, at most 16 MiB, UTF-8 only).
    #[staticmethod]
    fn from_path(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        Scenario::from_path(&path)
            .map(NativeStudy::from_scenario)
            .map_err(|e| scenario_error(py, &e))
    }

    /// The built-in default study (the eu-hubs catalogue's six deployments).
    #[staticmethod]
    fn default_study() -> Self {
        NativeStudy {
            study: zonesim::catalog::default_study(),
            plan: None,
            sweep: None,
            uncertainty: None,
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
        run_json(py, &self.name, sim.trials(), threads, progress, |opts| {
            sim.run(opts).map_err(zonesim::Error::from)
        })
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
        run_json(py, &self.name, total, threads, progress, |opts| {
            zonesim::plan::plan(&study, spec, opts)
        })
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
    m.add_class::<analysis::NativeFit>()?;
    m.add_function(wrap_pyfunction!(analysis::sweep, m)?)?;
    m.add_function(wrap_pyfunction!(analysis::tornado, m)?)?;
    m.add_function(wrap_pyfunction!(analysis::uncertain, m)?)?;
    m.add_function(wrap_pyfunction!(analysis::fit, m)?)?;
    m.add("BATCH_TRIALS", zonesim::engine::BATCH_TRIALS)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
