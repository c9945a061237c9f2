//! The `[sweep]`, `[[uncertain]]` and `[uncertainty]` tables: parameter
//! paths checked against the resolved study, each problem with its line.
//!
//! ```toml
//! [[sweep.axis]]                     # one or two
//! path = "zone.alibaba-fr-par-*.time_to_repair.median"
//! values = [1, 2, 4, 8]
//!
//! [[sweep.range]]                    # tornado ranges; the catalogue's when none
//! label = "Paris repair median"
//! path = "zone.alibaba-fr-par-*.time_to_repair.median"
//! low = 1
//! high = 4
//!
//! [uncertainty]                      # optional: draws (100) and seed (the study's)
//! draws = 200
//!
//! [[uncertain]]
//! path = "zone.*.time_to_failure.mean"
//! prior = { dist = "lognormal", median = 48667, sigma = 0.7 }
//! ```

use serde::Deserialize;

use super::parse::line_col;
use super::{LocatedProblem, NestedPrior};
use crate::distributions::Duration;
use crate::sensitivity::{Axis, ParamPath, SweepSpec, TornadoParam};
use crate::study::{Problem, Study};
use crate::uncertainty::{DEFAULT_DRAWS, Uncertain, UncertaintySpec};

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "the sweep table (axis, range, deployment)"
)]
pub(super) struct RawSweep {
    #[serde(default)]
    axis: Vec<RawAxis>,
    #[serde(default)]
    range: Vec<RawRange>,
    deployment: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a sweep axis (path, values)")]
struct RawAxis {
    path: String,
    values: Vec<f64>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a tornado range (label, path, low, high)"
)]
struct RawRange {
    label: Option<String>,
    path: String,
    low: f64,
    high: f64,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, expecting = "the uncertainty table (draws, seed)")]
pub(super) struct RawUncertainty {
    draws: Option<u32>,
    seed: Option<u64>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "an uncertain parameter (path, prior)"
)]
pub(super) struct RawUncertain {
    path: String,
    prior: Duration,
}

impl super::Scenario {
    /// The `[sweep]` table, if the file has one.
    pub fn sweep(&self) -> Option<&SweepSpec> {
        self.sweep.as_ref()
    }

    /// The `[[uncertain]]` parameters and `[uncertainty]` settings, if the
    /// file has uncertain parameters.
    pub fn uncertainty(&self) -> Option<&UncertaintySpec> {
        self.uncertainty.as_ref()
    }
}

/// The line of the first quoted `value` in the text.
fn line_of(text: &str, value: &str) -> Option<usize> {
    text.find(&format!("\"{value}\""))
        .or_else(|| text.find(&format!("'{value}'")))
        .map(|off| line_col(text, off).0)
}

struct Collect<'a> {
    text: &'a str,
    study: &'a Study,
    problems: Vec<LocatedProblem>,
}

impl Collect<'_> {
    fn bad(&mut self, at: String, path: &str, message: String) {
        self.problems.push(LocatedProblem {
            line: line_of(self.text, path),
            problem: Problem { at, message },
        });
    }

    /// The path, checked against the study and with each value tried.
    fn path(&mut self, at: &str, text: &str, values: &[f64]) -> Option<ParamPath> {
        let p = match text.parse::<ParamPath>() {
            Ok(p) => p,
            Err(e) => {
                self.bad(at.to_string(), text, e.to_string());
                return None;
            }
        };
        if let Err(e) = p.get(self.study) {
            self.bad(at.to_string(), text, e.to_string());
            return None;
        }
        for &v in values {
            if let Err(e) = p.set(&mut self.study.clone(), v) {
                self.bad(at.to_string(), text, e.to_string());
                return None;
            }
        }
        Some(p)
    }
}

/// The `[sweep]`, `[[uncertain]]` and `[uncertainty]` tables, taken out of
/// the raw scenario before the study is resolved, and checked against it.
pub(super) struct Extra {
    sweep: Option<RawSweep>,
    uncertain: Vec<RawUncertain>,
    uncertainty: Option<RawUncertainty>,
}

impl Extra {
    pub(super) fn take(raw: &mut super::RawScenario) -> Extra {
        Extra {
            sweep: raw.sweep.take(),
            uncertain: std::mem::take(&mut raw.uncertain),
            uncertainty: raw.uncertainty.take(),
        }
    }

    /// Sets the scenario's specs; returns their problems.
    pub(super) fn resolve(self, scenario: &mut super::Scenario, text: &str) -> Vec<LocatedProblem> {
        for n in &mut scenario.nested {
            let at = Problem {
                at: n.at.clone(),
                message: String::new(),
            };
            n.line = super::locate(text, &at);
        }
        let (sweep, spec, problems) = resolve(
            self.sweep,
            self.uncertain,
            self.uncertainty,
            &scenario.nested,
            &scenario.study,
            text,
        );
        (scenario.sweep, scenario.uncertainty) = (sweep, spec);
        problems
    }
}

/// The file's sweep and uncertainty specs, and their problems.
fn resolve(
    sweep: Option<RawSweep>,
    uncertain: Vec<RawUncertain>,
    settings: Option<RawUncertainty>,
    nested: &[NestedPrior],
    study: &Study,
    text: &str,
) -> (
    Option<SweepSpec>,
    Option<UncertaintySpec>,
    Vec<LocatedProblem>,
) {
    let mut c = Collect {
        text,
        study,
        problems: Vec::new(),
    };
    let sweep = sweep.map(|s| {
        if s.axis.len() > 2 {
            c.bad(
                "sweep.axis".into(),
                "sweep.axis",
                format!("a sweep takes one or two axes, got {}", s.axis.len()),
            );
        }
        let axes = s
            .axis
            .iter()
            .enumerate()
            .filter_map(|(i, a)| {
                let at = format!("sweep.axis[{i}].path");
                if a.values.is_empty() {
                    c.bad(
                        format!("sweep.axis[{i}].values"),
                        &a.path,
                        "is empty: give the values to sweep".into(),
                    );
                }
                let p = c.path(&at, &a.path, &a.values)?;
                Some(Axis::new(p, a.values.clone()))
            })
            .collect();
        let ranges = s
            .range
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                if r.low.partial_cmp(&r.high) != Some(std::cmp::Ordering::Less) {
                    c.bad(
                        format!("sweep.range[{i}]"),
                        &r.path,
                        format!("needs low < high, got low = {}, high = {}", r.low, r.high),
                    );
                }
                let p = c.path(&format!("sweep.range[{i}].path"), &r.path, &[r.low, r.high])?;
                Some(TornadoParam::new(
                    r.label.clone().unwrap_or_else(|| r.path.clone()),
                    p,
                    r.low,
                    r.high,
                ))
            })
            .collect();
        if let Some(d) = &s.deployment
            && !study.deployments.iter().any(|x| &x.name == d)
        {
            c.bad(
                "sweep.deployment".into(),
                d,
                format!("no deployment is named \"{d}\""),
            );
        }
        SweepSpec {
            axes,
            ranges,
            deployment: s.deployment,
        }
    });
    let draws = settings
        .as_ref()
        .and_then(|s| s.draws)
        .unwrap_or(DEFAULT_DRAWS);
    if draws == 0 {
        c.bad(
            "uncertainty.draws".into(),
            "draws",
            "must be at least 1, got 0".into(),
        );
    }
    // The priors given in place (they cannot be wrong: the path is the
    // parameter's own), then the [[uncertain]] tables, applied in this order.
    let mut params: Vec<Uncertain> = Vec::new();
    for n in nested {
        let path = n.path.parse::<ParamPath>().map_err(|e| e.to_string());
        let path = path.and_then(|p| match p.get(study) {
            _ if n.path.contains('*') => Err(format!(
                "{}: an id holding `*` names a pattern; give this prior as an [[uncertain]] table",
                n.path
            )),
            Ok(_) => Ok(p),
            Err(e) => Err(e.to_string()),
        });
        match path {
            Ok(p) => params.push(Uncertain::new(p, n.prior.clone())),
            Err(message) => c.problems.push(LocatedProblem {
                line: n.line,
                problem: Problem {
                    at: n.at.clone(),
                    message,
                },
            }),
        }
    }
    for (i, u) in uncertain.iter().enumerate() {
        let at = format!("uncertain[{i}].path");
        if let Some(n) = nested.iter().find(|n| n.path == u.path) {
            let line = n.line.map_or(String::new(), |l| format!(" (line {l})"));
            c.bad(
                at,
                &u.path,
                format!(
                    "{} already has a prior in place{line}; give it once",
                    u.path
                ),
            );
            continue;
        }
        if let Some(p) = c.path(&at, &u.path, &[]) {
            params.push(Uncertain::new(p, u.prior.clone()));
        }
    }
    if settings.is_some() && uncertain.is_empty() && nested.is_empty() {
        c.bad(
            "uncertainty".into(),
            "uncertainty",
            "there is no uncertain parameter to draw (an [[uncertain]] table, or a prior in \
             place of a number)"
                .into(),
        );
    }
    let spec = (!params.is_empty()).then(|| {
        UncertaintySpec::new(
            params,
            draws,
            settings
                .and_then(|s| s.seed)
                .unwrap_or(study.simulation.seed),
        )
    });
    (sweep, spec, c.problems)
}
