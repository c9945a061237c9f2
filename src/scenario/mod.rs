//! Scenario files: a [`Study`] (and optionally a [`PlanSpec`]) written as TOML
//! or JSON.
//!
//! The format is chosen by the file's extension (`.toml` or `.json`); both
//! follow one schema and both are strict: an unknown field anywhere is an
//! error. Every duration is in hours.
//!
//! ```toml
//! catalog = "eu-hubs"          # optional: bring in a built-in catalogue
//!
//! [simulation]                 # optional, and so is each of its fields
//! trials = 100000              # default 100000
//! horizon_hours = 8760         # default 8760 (one year)
//! seed = 2026                  # default 2026
//! start = "steady_state"       # or "all_up"; default steady_state
//! sla_targets = [0.999, 0.9995, 0.9999]   # the default
//!
//! [[deployment]]
//! name = "paris-quorum"
//! replicas = ["alibaba-fr-par-a", "alibaba-fr-par-b", "alibaba-de-fra-a"]
//! rule = "majority"
//! ```
//!
//! With `catalog`, the catalogue's regions, zones and common causes come first;
//! a `[[region]]`, `[[zone]]` or `[[common_cause]]` whose id (name, for common
//! causes) is already in the catalogue overrides it, and a `[[zone]]` or
//! `[[region]]` that overrides may give only the fields it changes. Anything
//! else is added.
//!
//! Loading reports parse and type errors with the file, line and column and the
//! path of the offending field (`deployment[1].rule`), and semantic problems
//! (unknown ids, `k` larger than the number of replicas, ...) all at once, each
//! with the line of the file it most likely comes from.
//!
//! ```
//! use zonesim::scenario::{Format, Scenario};
//!
//! let text = r#"
//! catalog = "eu-hubs"
//! [simulation]
//! trials = 1000
//! [[deployment]]
//! name = "pair"
//! replicas = ["alibaba-fr-par-a", "alibaba-fr-par-b"]
//! rule = { at_least = 1 }
//! "#;
//! let scenario = Scenario::from_str(text, Format::Toml, "pair.toml").unwrap();
//! assert_eq!(scenario.study().simulation.seed, 2026);
//! assert_eq!(scenario.study().deployments.len(), 1);
//!
//! let bad = text.replace("alibaba-fr-par-b", "nowhere");
//! let err = Scenario::from_str(&bad, Format::Toml, "pair.toml").unwrap_err();
//! assert!(err.to_string().contains("pair.toml:7: deployment[0] \"pair\".replicas[1]"));
//! ```

use std::fmt;
use std::path::Path;

use serde::Deserialize;

use crate::catalog;
use crate::distributions::Duration;
use crate::plan::PlanSpec;
use crate::study::{DEFAULT_SEED, DEFAULT_SLA_TARGETS, Problem, Settings, Start, Study};
use crate::topology::{Confidence, Maintenance, Region, RegionStatus, Zone};

/// Trials when a scenario does not give `simulation.trials`.
pub const DEFAULT_TRIALS: u64 = 100_000;
/// Horizon when a scenario does not give `simulation.horizon_hours` (one year).
pub const DEFAULT_HORIZON_HOURS: f64 = 8760.0;

/// The syntax of a scenario file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// TOML (`.toml`).
    Toml,
    /// JSON (`.json`).
    Json,
}

impl Format {
    /// The format a path's extension names (case-insensitive), if any.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "toml" => Some(Format::Toml),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// One semantic problem of a scenario, with the line it most likely comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocatedProblem {
    /// 1-based line in the file, when it could be found.
    pub line: Option<usize>,
    /// The problem.
    pub problem: Problem,
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// The file.
        file: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The extension names neither TOML nor JSON.
    #[error("{file}: cannot tell the format from the extension; use .toml or .json")]
    UnknownFormat {
        /// The file.
        file: String,
    },
    /// The text is not valid TOML/JSON, or does not fit the schema (unknown
    /// field, wrong type, bad distribution parameter).
    #[error("{}", fmt_parse(file, *line, *column, field, message))]
    Parse {
        /// The file.
        file: String,
        /// 1-based line, when known.
        line: Option<usize>,
        /// 1-based column (in characters), when known.
        column: Option<usize>,
        /// Path of the offending field (`deployment[1].rule`); empty at the top level.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// The scenario parses but is not a valid study: every problem found.
    #[error("{}", fmt_invalid(file, problems))]
    Invalid {
        /// The file.
        file: String,
        /// Every problem, in study order.
        problems: Vec<LocatedProblem>,
    },
}

fn fmt_parse(
    file: &str,
    line: Option<usize>,
    column: Option<usize>,
    field: &str,
    message: &str,
) -> String {
    let mut s = file.to_string();
    if let Some(l) = line {
        s.push_str(&format!(":{l}"));
        if let Some(c) = column {
            s.push_str(&format!(":{c}"));
        }
    }
    s.push_str(": ");
    if !field.is_empty() {
        s.push_str(field);
        s.push_str(": ");
    }
    s.push_str(message);
    s
}

fn fmt_invalid(file: &str, problems: &[LocatedProblem]) -> String {
    let n = problems.len();
    let mut s = format!(
        "{file}: {n} problem{} in the study",
        if n == 1 { "" } else { "s" }
    );
    for p in problems {
        s.push_str("\n  ");
        s.push_str(&p.to_string_in(file));
    }
    s
}

impl LocatedProblem {
    /// `file:line: at: message` (or `file: at: message` when the line is unknown).
    pub fn to_string_in(&self, file: &str) -> String {
        match self.line {
            Some(l) => format!("{file}:{l}: {}", self.problem),
            None => format!("{file}: {}", self.problem),
        }
    }
}

impl fmt::Display for LocatedProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "line {l}: {}", self.problem),
            None => write!(f, "{}", self.problem),
        }
    }
}

impl ScenarioError {
    /// Every problem as one line each, `file:line:col: field: message`.
    pub fn lines(&self) -> Vec<String> {
        match self {
            ScenarioError::Invalid { file, problems } => {
                problems.iter().map(|p| p.to_string_in(file)).collect()
            }
            other => vec![other.to_string()],
        }
    }
}

/// A loaded, resolved and validated scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    name: String,
    catalog: Option<String>,
    study: Study,
    plan: Option<PlanSpec>,
    sweep: Option<crate::sensitivity::SweepSpec>,
    uncertainty: Option<crate::uncertainty::UncertaintySpec>,
    nested: Vec<NestedPrior>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a scenario (a table of simulation, region, zone, common_cause, maintenance, deployment, service, plan, sweep, uncertain, uncertainty)"
)]
struct RawScenario {
    catalog: Option<String>,
    simulation: Option<RawSimulation>,
    #[serde(default, rename = "region")]
    regions: Vec<RawRegion>,
    #[serde(default, rename = "zone")]
    zones: Vec<RawZone>,
    #[serde(default, rename = "common_cause")]
    common_causes: Vec<prior::RawCommonCause>,
    #[serde(default, rename = "deployment")]
    deployments: Vec<prior::RawDeployment>,
    #[serde(default, rename = "maintenance")]
    maintenance: Vec<Maintenance>,
    #[serde(default, rename = "service")]
    services: Vec<crate::service::Service>,
    plan: Option<PlanSpec>,
    sweep: Option<sweep::RawSweep>,
    #[serde(default)]
    uncertain: Vec<sweep::RawUncertain>,
    uncertainty: Option<sweep::RawUncertainty>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "the simulation table")]
struct RawSimulation {
    trials: Option<u64>,
    horizon_hours: Option<f64>,
    seed: Option<u64>,
    start: Option<Start>,
    sla_targets: Option<Vec<f64>>,
    baseline: Option<String>,
    estimator: Option<crate::study::Estimator>,
    sla_window_hours: Option<f64>,
    sla_credits: Option<Vec<crate::stats::CreditBand>>,
    precision: Option<crate::study::Precision>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a region table")]
struct RawRegion {
    id: String,
    name: Option<String>,
    provider: Option<String>,
    country: Option<String>,
    in_eu: Option<bool>,
    // Metadata (see `Region`): carried, never simulated.
    provider_code: Option<String>,
    zone_codes: Option<Vec<String>>,
    status: Option<RegionStatus>,
    confidence: Option<Confidence>,
    sources: Option<Vec<String>>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a zone table")]
struct RawZone {
    id: String,
    region: Option<String>,
    time_to_failure: Option<prior::NestedDuration>,
    time_to_repair: Option<prior::NestedDuration>,
}

impl Scenario {
    /// Reads, parses, resolves and validates a scenario file; the format comes
    /// from the extension. At most [`MAX_SCENARIO_BYTES`] are read, and only
    /// UTF-8 text is accepted (a file that never ends is refused, not read
    /// until memory runs out).
    ///
    /// # Errors
    /// [`ScenarioError`] naming the file, the line and column where known, and
    /// the offending field or id; semantic problems are all reported at once.
    /// A directory, a file over the limit or one that is not UTF-8 is a
    /// [`ScenarioError::Io`] that says so.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Scenario, ScenarioError> {
        let path = path.as_ref();
        let file = path.display().to_string();
        let format = Format::from_path(path)
            .ok_or_else(|| ScenarioError::UnknownFormat { file: file.clone() })?;
        let text =
            read::read_text(path, MAX_SCENARIO_BYTES).map_err(|source| ScenarioError::Io {
                file: file.clone(),
                source,
            })?;
        Scenario::from_str(&text, format, &file)
    }

    /// Parses, resolves and validates scenario text; `name` is the file name
    /// used in messages.
    ///
    /// # Errors
    /// As [`Scenario::from_path`].
    #[allow(clippy::should_implement_trait)]
    pub fn from_str(text: &str, format: Format, name: &str) -> Result<Scenario, ScenarioError> {
        let mut raw = parse(text, format, name)?;
        let extra = sweep::Extra::take(&mut raw);
        let (mut scenario, mut problems) = resolve(raw, name);
        let mut located = extra.resolve(&mut scenario, text);
        problems.extend(scenario.study.validate().err().map_or(Vec::new(), |e| {
            e.problems
                .into_iter()
                .filter(|p| !scenario_suppressed(&scenario.study, p))
                .collect()
        }));
        // The plan's own checker, the one `plan` runs (its checks of the
        // study are a subset of the study's, already made above).
        if let Some(plan) = &scenario.plan
            && let Err(e) = plan.candidate_zone_indices(&scenario.study)
        {
            problems.extend(e.problems);
        }
        if problems.is_empty() && located.is_empty() {
            return Ok(scenario);
        }
        let mut problems: Vec<LocatedProblem> = problems
            .into_iter()
            .map(|problem| LocatedProblem {
                line: locate(text, &problem),
                problem,
            })
            .collect();
        problems.append(&mut located);
        Err(ScenarioError::Invalid {
            file: name.to_string(),
            problems,
        })
    }

    /// The resolved study: catalogue entries, overrides and defaults applied.
    pub fn study(&self) -> &Study {
        &self.study
    }

    /// The resolved study, by value.
    pub fn into_study(self) -> Study {
        self.study
    }

    /// The `[plan]` table, if the file has one.
    pub fn plan(&self) -> Option<&PlanSpec> {
        self.plan.as_ref()
    }

    /// The catalogue the file brings in, if any.
    pub fn catalog(&self) -> Option<&str> {
        self.catalog.as_deref()
    }

    /// The name used for the file in messages.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// Placeholder durations for zones whose own entry lacks one (the missing
/// field is reported as a problem, so the study never runs with them).
fn placeholder() -> Duration {
    Duration::fixed(1.0).expect("positive constant")
}

/// Marker region of a zone that names none; its "unknown region" problem is
/// replaced by the "missing field" one.
const MISSING: &str = "\u{0}missing";

fn scenario_suppressed(study: &Study, p: &Problem) -> bool {
    study
        .zones
        .iter()
        .any(|z| z.region == MISSING && p.at == format!("zone \"{}\".region", z.id))
}

/// Builds the study: catalogue first, then the file's entries (overriding by
/// id), then defaults. Returns the problems found on the way.
fn resolve(raw: RawScenario, name: &str) -> (Scenario, Vec<Problem>) {
    let (mut problems, mut nested) = (Vec::new(), Vec::new());
    let sim = raw.simulation.unwrap_or_default();
    let simulation = Settings {
        trials: sim.trials.unwrap_or(DEFAULT_TRIALS),
        horizon_hours: sim.horizon_hours.unwrap_or(DEFAULT_HORIZON_HOURS),
        seed: sim.seed.unwrap_or(DEFAULT_SEED),
        start: sim.start.unwrap_or_default(),
        sla_targets: sim
            .sla_targets
            .unwrap_or_else(|| DEFAULT_SLA_TARGETS.to_vec()),
        baseline: sim.baseline,
        estimator: sim.estimator.unwrap_or_default(),
        sla_window_hours: sim
            .sla_window_hours
            .unwrap_or(crate::stats::DEFAULT_SLA_WINDOW_HOURS),
        sla_credits: sim.sla_credits.unwrap_or_default(),
        precision: sim.precision,
    };
    let mut study = Study::new(simulation);
    if let Some(c) = &raw.catalog {
        match catalog::catalog(c) {
            Some(cat) => {
                study.regions = cat.regions;
                study.zones = cat.zones;
                study.common_causes = cat.common_causes;
            }
            None => problems.push(Problem {
                at: "catalog".into(),
                message: format!(
                    "unknown catalogue \"{c}\"; the built-in ones are: {}",
                    catalog::CATALOG_NAMES.join(", ")
                ),
            }),
        }
    }
    let from_catalog = study.regions.len();
    for r in raw.regions {
        let existing = study.regions[..from_catalog]
            .iter_mut()
            .find(|x| x.id == r.id);
        match existing {
            Some(x) => {
                if let Some(v) = r.name {
                    x.name = v;
                }
                if let Some(v) = r.provider {
                    x.provider = v;
                }
                if let Some(v) = r.country {
                    x.country = v;
                }
                if r.in_eu.is_some() {
                    x.in_eu = r.in_eu;
                }
                if let Some(v) = r.provider_code {
                    x.provider_code = v;
                }
                if let Some(v) = r.zone_codes {
                    x.zone_codes = v;
                }
                if r.status.is_some() {
                    x.status = r.status;
                }
                if r.confidence.is_some() {
                    x.confidence = r.confidence;
                }
                if let Some(v) = r.sources {
                    x.sources = v;
                }
                if let Some(v) = r.note {
                    x.note = v;
                }
            }
            None => study.regions.push(Region {
                id: r.id,
                name: r.name.unwrap_or_default(),
                provider: r.provider.unwrap_or_default(),
                country: r.country.unwrap_or_default(),
                in_eu: r.in_eu,
                provider_code: r.provider_code.unwrap_or_default(),
                zone_codes: r.zone_codes.unwrap_or_default(),
                status: r.status,
                confidence: r.confidence,
                sources: r.sources.unwrap_or_default(),
                note: r.note.unwrap_or_default(),
            }),
        }
    }
    let from_catalog = study.zones.len();
    let mut overridden = std::collections::HashSet::new();
    for z in raw.zones {
        let (path, at) = (format!("zone.{}", z.id), format!("zone \"{}\"", z.id));
        let mut take = |d: Option<prior::NestedDuration>, f: &str| {
            d.map(|d| d.take(&format!("{path}.{f}"), &format!("{at}.{f}"), &mut nested))
        };
        let (ttf, ttr) = (
            take(z.time_to_failure, "time_to_failure"),
            take(z.time_to_repair, "time_to_repair"),
        );
        let existing = study.zones[..from_catalog]
            .iter_mut()
            .find(|x| x.id == z.id);
        match existing {
            Some(x) => {
                if !overridden.insert(z.id.clone()) {
                    problems.push(Problem {
                        at: format!("zone \"{}\"", z.id),
                        message: "id is used twice (the catalogue zone is overridden twice)".into(),
                    });
                }
                if let Some(v) = z.region {
                    x.region = v;
                }
                if let Some(v) = ttf {
                    x.time_to_failure = v;
                }
                if let Some(v) = ttr {
                    x.time_to_repair = v;
                }
            }
            None => {
                let at = format!("zone \"{}\"", z.id);
                let mut missing = |field: &str| {
                    problems.push(Problem {
                        at: at.clone(),
                        message: format!(
                            "missing field `{field}` (only a zone of the catalogue may leave it out)"
                        ),
                    })
                };
                if z.region.is_none() {
                    missing("region");
                }
                if ttf.is_none() {
                    missing("time_to_failure");
                }
                if ttr.is_none() {
                    missing("time_to_repair");
                }
                study.zones.push(Zone {
                    id: z.id,
                    region: z.region.unwrap_or_else(|| MISSING.into()),
                    time_to_failure: ttf.unwrap_or_else(placeholder),
                    time_to_repair: ttr.unwrap_or_else(placeholder),
                });
            }
        }
    }
    let from_catalog = study.common_causes.len();
    for c in raw.common_causes {
        let c = c.take(&mut nested);
        match study.common_causes[..from_catalog]
            .iter_mut()
            .find(|x| x.name == c.name)
        {
            Some(x) => *x = c,
            None => study.common_causes.push(c),
        }
    }
    study.deployments = (raw.deployments.into_iter().enumerate())
        .map(|(i, d)| d.take(i, &mut nested))
        .collect();
    study.maintenance = raw.maintenance;
    study.services = raw.services;
    (
        Scenario {
            name: name.to_string(),
            catalog: raw.catalog,
            study,
            plan: raw.plan,
            sweep: None,
            uncertainty: None,
            nested,
        },
        problems,
    )
}

mod dump;
mod locate;
mod parse;
mod prior;
mod read;
mod sweep;
#[cfg(test)]
mod tests_prior;

pub use dump::catalog_scenario;
use locate::locate;
use parse::{line_col, parse};
pub use prior::NestedPrior;
pub use read::MAX_SCENARIO_BYTES;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let t = "a = 1\nbé = x\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 6), (2, 1));
        assert_eq!(line_col(t, t.find('x').unwrap()), (2, 6));
    }

    #[test]
    fn locate_finds_keys_and_values() {
        let t = "[simulation]\ntrials = 0\n\n[[deployment]]\nname = \"d\"\nreplicas = [\"z\", \"nope\"]\nrule = { at_least = 3 }\n";
        let p = |at: &str, m: &str| Problem {
            at: at.into(),
            message: m.into(),
        };
        assert_eq!(locate(t, &p("simulation.trials", "must be")), Some(2));
        assert_eq!(
            locate(
                t,
                &p("deployment[0] \"d\".replicas[1]", "unknown zone \"nope\"")
            ),
            Some(6)
        );
        assert_eq!(
            locate(t, &p("deployment[0] \"d\".rule", "at_least")),
            Some(7)
        );
        assert_eq!(locate(t, &p("deployment[0] \"d\"", "name")), Some(5));
        assert_eq!(locate(t, &p("zone \"q\"", "x")), None);
    }
}
