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
use crate::deployment::Deployment;
use crate::distributions::Duration;
use crate::plan::PlanSpec;
use crate::study::{DEFAULT_SEED, DEFAULT_SLA_TARGETS, Problem, Settings, Start, Study};
use crate::topology::{CommonCause, Confidence, Region, RegionStatus, Zone};

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
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a scenario (a table of simulation, region, zone, common_cause, deployment, plan)"
)]
struct RawScenario {
    catalog: Option<String>,
    simulation: Option<RawSimulation>,
    #[serde(default, rename = "region")]
    regions: Vec<RawRegion>,
    #[serde(default, rename = "zone")]
    zones: Vec<RawZone>,
    #[serde(default, rename = "common_cause")]
    common_causes: Vec<CommonCause>,
    #[serde(default, rename = "deployment")]
    deployments: Vec<Deployment>,
    plan: Option<PlanSpec>,
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
    time_to_failure: Option<Duration>,
    time_to_repair: Option<Duration>,
}

impl Scenario {
    /// Reads, parses, resolves and validates a scenario file; the format comes
    /// from the extension.
    ///
    /// # Errors
    /// [`ScenarioError`] naming the file, the line and column where known, and
    /// the offending field or id; semantic problems are all reported at once.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Scenario, ScenarioError> {
        let path = path.as_ref();
        let file = path.display().to_string();
        let format = Format::from_path(path)
            .ok_or_else(|| ScenarioError::UnknownFormat { file: file.clone() })?;
        let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Io {
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
        let raw = parse(text, format, name)?;
        let (scenario, mut problems) = resolve(raw, name);
        problems.extend(scenario.study.validate().err().map_or(Vec::new(), |e| {
            e.problems
                .into_iter()
                .filter(|p| !scenario_suppressed(&scenario.study, p))
                .collect()
        }));
        if let Some(plan) = &scenario.plan {
            check_plan(&scenario.study, plan, &mut problems);
        }
        if problems.is_empty() {
            return Ok(scenario);
        }
        let problems = problems
            .into_iter()
            .map(|problem| LocatedProblem {
                line: locate(text, &problem),
                problem,
            })
            .collect();
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

fn parse(text: &str, format: Format, name: &str) -> Result<RawScenario, ScenarioError> {
    match format {
        Format::Toml => {
            let de = toml::Deserializer::parse(text).map_err(|e| toml_error(text, name, "", &e))?;
            serde_path_to_error::deserialize::<_, RawScenario>(de).map_err(|e| {
                let field = e.path().to_string();
                toml_error(text, name, &field, e.inner())
            })
        }
        Format::Json => {
            let mut de = serde_json::Deserializer::from_str(text);
            let raw = serde_path_to_error::deserialize::<_, RawScenario>(&mut de)
                .map_err(|e| json_error(name, &e.path().to_string(), e.inner()))?;
            de.end().map_err(|e| json_error(name, "", &e))?;
            Ok(raw)
        }
    }
}

/// The field path without serde_path_to_error's placeholders (`.` for the
/// root, `?` for a position it could not name).
fn clean_field(field: &str) -> String {
    field
        .split('.')
        .filter(|s| !s.is_empty() && *s != "?")
        .collect::<Vec<_>>()
        .join(".")
}

fn toml_error(text: &str, name: &str, field: &str, e: &toml::de::Error) -> ScenarioError {
    let (line, column) = match e.span() {
        Some(span) => {
            let (l, c) = line_col(text, span.start);
            (Some(l), Some(c))
        }
        None => (None, None),
    };
    ScenarioError::Parse {
        file: name.to_string(),
        line,
        column,
        field: clean_field(field),
        message: e.message().trim_end().to_string(),
    }
}

fn json_error(name: &str, field: &str, e: &serde_json::Error) -> ScenarioError {
    // serde_json appends " at line L column C" to its message; we print the
    // position ourselves.
    let msg = e.to_string();
    let message = match msg.rfind(" at line ") {
        Some(i) if e.line() > 0 => msg[..i].to_string(),
        _ => msg,
    };
    ScenarioError::Parse {
        file: name.to_string(),
        line: (e.line() > 0).then_some(e.line()),
        column: (e.line() > 0).then_some(e.column()),
        field: clean_field(field),
        message,
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() + 1;
    (line, column)
}

/// Builds the study: catalogue first, then the file's entries (overriding by
/// id), then defaults. Returns the problems found on the way.
fn resolve(raw: RawScenario, name: &str) -> (Scenario, Vec<Problem>) {
    let mut problems = Vec::new();
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
                if let Some(v) = z.time_to_failure {
                    x.time_to_failure = v;
                }
                if let Some(v) = z.time_to_repair {
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
                if z.time_to_failure.is_none() {
                    missing("time_to_failure");
                }
                if z.time_to_repair.is_none() {
                    missing("time_to_repair");
                }
                study.zones.push(Zone {
                    id: z.id,
                    region: z.region.unwrap_or_else(|| MISSING.into()),
                    time_to_failure: z.time_to_failure.unwrap_or_else(placeholder),
                    time_to_repair: z.time_to_repair.unwrap_or_else(placeholder),
                });
            }
        }
    }
    let from_catalog = study.common_causes.len();
    for c in raw.common_causes {
        match study.common_causes[..from_catalog]
            .iter_mut()
            .find(|x| x.name == c.name)
        {
            Some(x) => *x = c,
            None => study.common_causes.push(c),
        }
    }
    study.deployments = raw.deployments;
    (
        Scenario {
            name: name.to_string(),
            catalog: raw.catalog,
            study,
            plan: raw.plan,
        },
        problems,
    )
}

/// Checks of a `[plan]` table that need the study: known zone ids and
/// targets in range.
fn check_plan(study: &Study, plan: &PlanSpec, problems: &mut Vec<Problem>) {
    let known = |id: &str| study.zones.iter().any(|z| z.id == id);
    if let Some(c) = &plan.candidate_zones {
        if c.is_empty() {
            problems.push(Problem {
                at: "plan.candidate_zones".into(),
                message: "is empty".into(),
            });
        }
        for (i, z) in c.iter().enumerate() {
            if !known(z) {
                problems.push(Problem {
                    at: format!("plan.candidate_zones[{i}]"),
                    message: format!("unknown zone \"{z}\""),
                });
            }
        }
    }
    if plan.max_replicas == 0 {
        problems.push(Problem {
            at: "plan.max_replicas".into(),
            message: "must be at least 1, got 0".into(),
        });
    }
    for (k, &v) in &plan.replica_cost {
        if k != "default" && !known(k) {
            problems.push(Problem {
                at: format!("plan.replica_cost.{k}"),
                message: format!("unknown zone \"{k}\""),
            });
        }
        if !(v.is_finite() && v >= 0.0) {
            problems.push(Problem {
                at: format!("plan.replica_cost.{k}"),
                message: format!("must be a finite number >= 0, got {v}"),
            });
        }
    }
    let t = plan.target;
    for (field, v) in [
        ("availability", t.availability),
        ("in_fraction_of_years", t.in_fraction_of_years),
    ] {
        if !(v > 0.0 && v <= 1.0) {
            problems.push(Problem {
                at: format!("plan.target.{field}"),
                message: format!("must be in (0, 1], got {v}"),
            });
        }
    }
}

// ---------------------------------------------------------------------------
// A catalogue written as a scenario file (`zonesim catalog --format toml|json`).

/// The scenario-file shape of a catalogue: no `catalog` key and no
/// deployments, every region, zone and common cause written out.
#[derive(serde::Serialize)]
struct CatalogScenario<'a> {
    #[serde(rename = "region")]
    regions: &'a [Region],
    #[serde(rename = "zone")]
    zones: &'a [Zone],
    #[serde(rename = "common_cause")]
    common_causes: &'a [CommonCause],
}

/// A catalogue as the text of a scenario file: its regions (with their
/// facts: provider code, zone codes, status, confidence, sources, note), zones
/// and common causes, and no deployments. Loading the text back
/// ([`Scenario::from_str`]) gives exactly the catalogue's regions, zones and
/// common causes, so a user can dump it, edit it, add `[[deployment]]`
/// tables and run it. The TOML text opens with the catalogue's parameter
/// notes (value, reasoning, sources) as comments; JSON has no comments.
///
/// ```
/// use zonesim::scenario::{Format, Scenario, catalog_scenario};
///
/// let cat = zonesim::catalog::eu_hubs();
/// for format in [Format::Toml, Format::Json] {
///     let text = catalog_scenario(&cat, format);
///     let back = Scenario::from_str(&text, format, "cat").unwrap();
///     assert_eq!(back.study().zones, cat.zones);
///     assert!(back.study().deployments.is_empty());
/// }
/// ```
///
/// # Panics
/// Never for a catalogue: its types always serialise.
pub fn catalog_scenario(cat: &catalog::Catalog, format: Format) -> String {
    let file = CatalogScenario {
        regions: &cat.regions,
        zones: &cat.zones,
        common_causes: &cat.common_causes,
    };
    match format {
        Format::Toml => {
            let mut out = catalog_comments(cat);
            out.push_str(&toml::to_string(&file).expect("a catalogue serialises to TOML"));
            out
        }
        Format::Json => {
            let mut out =
                serde_json::to_string_pretty(&file).expect("a catalogue serialises to JSON");
            out.push('\n');
            out
        }
    }
}

/// The head of a TOML catalogue dump: what it is, then the parameter notes.
fn catalog_comments(cat: &catalog::Catalog) -> String {
    let mut lines = vec![
        format!(
            "The {} catalogue as a scenario file: {}.",
            cat.name, cat.description
        ),
        "Written by `zonesim catalog --format toml`. Add [[deployment]] tables, edit any \
         parameter (every duration is in hours), then `zonesim validate` and `zonesim run` it."
            .to_string(),
        String::new(),
        "Default parameters (estimates) and their reasoning:".to_string(),
    ];
    for n in &cat.parameter_notes {
        lines.push(String::new());
        lines.push(format!("- {}: {}", n.parameter, n.value));
        lines.push(format!("  Why: {}", n.reasoning));
        for s in &n.sources {
            lines.push(format!("  Source: {s}"));
        }
    }
    let mut out = String::new();
    for line in lines {
        if line.starts_with("  Source: ") {
            // A URL is not broken across lines.
            out.push_str(&format!("# {line}\n"));
            continue;
        }
        let indent = if line.starts_with("  ") { "    " } else { "  " };
        for l in wrap_comment(&line, 78, indent) {
            out.push_str(l.trim_end());
            out.push('\n');
        }
    }
    out.push('\n');
    out
}

/// `# `-prefixed lines of at most `width` characters where the words allow;
/// continuation lines start with `indent`.
fn wrap_comment(text: &str, width: usize, indent: &str) -> Vec<String> {
    let lead = text.len() - text.trim_start().len();
    let mut lines = vec![format!("# {}", &text[..lead])];
    let mut fresh = true;
    for word in text.split_whitespace() {
        let last = lines.last_mut().expect("one line at least");
        if !fresh && last.chars().count() + 1 + word.chars().count() > width {
            lines.push(format!("# {indent}{word}"));
        } else {
            if !fresh {
                last.push(' ');
            }
            last.push_str(word);
        }
        fresh = false;
    }
    lines
}

// ---------------------------------------------------------------------------
// Mapping problems back to lines of the file (a best effort: the study has no
// spans, so we look for the offending id or key in the text).

/// 1-based line of the first occurrence of `"value"` or `'value'` at or after
/// byte `from` whose key (the word before `=` or `:` on its line) is `key`, or
/// any occurrence when `key` is `None`.
fn find_value(text: &str, value: &str, key: Option<&str>, from: usize) -> Option<usize> {
    for quote in ['"', '\''] {
        let needle = format!("{quote}{value}{quote}");
        let mut start = from.min(text.len());
        while let Some(i) = text[start..].find(&needle) {
            let at = start + i;
            let ok = match key {
                None => true,
                Some(k) => {
                    let line_start = text[..at].rfind('\n').map_or(0, |j| j + 1);
                    let before = text[line_start..at].trim_end();
                    let before = before
                        .strip_suffix('=')
                        .or_else(|| before.strip_suffix(':'))
                        .map(|b| b.trim_end().trim_matches('"').trim_matches('\''));
                    before.is_some_and(|b| b.ends_with(k))
                }
            };
            if ok {
                return Some(at);
            }
            start = at + needle.len();
        }
    }
    None
}

/// Byte offset of the first line at or after `from` that sets `key` (TOML
/// `key =`, or JSON `"key":`), stopping at the next TOML table header.
fn find_key(text: &str, key: &str, from: usize) -> Option<usize> {
    let mut offset = text[..from.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let mut first = true;
    for line in text[offset..].split_inclusive('\n') {
        let t = line.trim_start();
        if !first && t.starts_with('[') {
            return None;
        }
        first = false;
        let rest = t
            .strip_prefix(key)
            .or_else(|| t.strip_prefix(&format!("\"{key}\"")));
        if let Some(r) = rest {
            let r = r.trim_start();
            if r.starts_with('=') || r.starts_with(':') {
                return Some(offset + (line.len() - t.len()));
            }
        }
        // JSON on one line: look inside the line too.
        if let Some(i) = line.find(&format!("\"{key}\"")) {
            let r = line[i + key.len() + 2..].trim_start();
            if r.starts_with(':') {
                return Some(offset + i);
            }
        }
        offset += line.len();
    }
    None
}

/// Byte offset of a top-level TOML table header `[name]` or JSON key `"name"`.
fn find_table(text: &str, name: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if t.starts_with(&format!("[{name}]")) {
            return Some(offset);
        }
        offset += line.len();
    }
    text.find(&format!("\"{name}\""))
}

fn line_of(text: &str, offset: usize) -> usize {
    line_col(text, offset).0
}

/// Quoted strings in a message or path, in order.
fn quoted(s: &str) -> Vec<&str> {
    s.split('"').skip(1).step_by(2).collect()
}

/// The line of the file a problem most likely comes from.
fn locate(text: &str, p: &Problem) -> Option<usize> {
    let at = p.at.as_str();
    let msg_values = quoted(&p.message);
    // `kind[i] "name".field[j]` or `kind "name".field`.
    if let (Some(q1), Some(q2)) = (at.find('"'), at.rfind('"'))
        && q2 > q1
    {
        let kind = at[..q1].trim_end();
        let kind = kind.split('[').next().unwrap_or(kind);
        let name = &at[q1 + 1..q2];
        let key = match kind {
            "zone" | "region" => "id",
            _ => "name",
        };
        let anchor = find_value(text, name, Some(key), 0)?;
        let field = at[q2 + 1..]
            .strip_prefix('.')
            .map(|f| f.split(['.', '[']).next().unwrap_or(f).to_string());
        // The offending value (e.g. an unknown zone id) near the entry.
        if let Some(v) = msg_values.first()
            && let Some(off) = find_value(text, v, field.as_deref(), anchor)
                .or_else(|| find_value(text, v, None, anchor))
        {
            return Some(line_of(text, off));
        }
        if let Some(f) = field
            && let Some(off) = find_key(text, &f, anchor)
        {
            return Some(line_of(text, off));
        }
        return Some(line_of(text, anchor));
    }
    // `table.key...` or a bare key.
    let mut parts = at.splitn(2, '.');
    let table = parts.next().unwrap_or(at);
    match parts.next() {
        Some(rest) => {
            let key = rest.split(['.', '[']).next().unwrap_or(rest);
            let start = find_table(text, table).unwrap_or(0);
            if let Some(v) = msg_values.first()
                && let Some(off) = find_value(text, v, Some(key), start)
            {
                return Some(line_of(text, off));
            }
            let off = find_key(text, key, start)
                .or_else(|| find_table(text, table))
                .unwrap_or(usize::MAX);
            (off != usize::MAX).then(|| line_of(text, off))
        }
        None => find_key(text, table, 0)
            .or_else(|| find_table(text, table))
            .map(|off| line_of(text, off)),
    }
}

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
