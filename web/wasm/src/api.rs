//! What the page asks of the library, as functions from text to JSON text.
//!
//! Every reply is one JSON object with `"ok": true` and its payload, or
//! `"ok": false` and `"errors"`: the library's messages (the ones the CLI
//! prints for the same file), each with the field path it is about, so the
//! page can show it next to that field. Nothing here panics on bad input.

use serde::Serialize;
use serde_json::{Value, json};

use zonesim::catalog;
use zonesim::engine::{Accumulators, RunOptions, Simulation, StudyResult};
use zonesim::scenario::{Format, Scenario, ScenarioError, catalog_scenario};
use zonesim::stats::DeploymentSummary;
use zonesim::study::Study;

use crate::table;
use crate::table::format::{escape, fmt_target};
use crate::table::layout::CONTINUE;

/// The most deployments the page builds at once.
pub const MAX_DEPLOYMENTS: usize = 4;

/// One message of the library about the input, placed for the page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldError {
    /// Path of the field in the scenario (`simulation.trials`,
    /// `deployment[1].rule`, `deployment[0].replicas[2]`), empty when the
    /// message is about the file as a whole.
    pub field: String,
    /// 1-based line in the scenario text, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// What is wrong, as the library says it (without file or location).
    pub message: String,
    /// The whole line the CLI prints for it (`study.json:12:7: field: message`).
    pub text: String,
}

/// The name the page's scenario goes by in messages (the file the page
/// saves and the CLI reads: `study.toml` or `study.json`).
pub fn file_name(format: Format) -> &'static str {
    match format {
        Format::Toml => "study.toml",
        Format::Json => "study.json",
    }
}

/// A field path from a problem's `at`, the quoted name dropped:
/// `deployment[0] "x".rule` becomes `deployment[0].rule`. The library
/// writes the name as it is, quotes and all (`deployment[{i}] "{name}"`),
/// and no path after it holds a quote, so the name runs from the first
/// ` "` to the last `"`.
pub fn field_path(at: &str) -> String {
    match (at.find(" \""), at.rfind('"')) {
        (Some(open), Some(close)) if close > open + 1 => {
            format!("{}{}", &at[..open], &at[close + 1..])
        }
        _ => at.to_string(),
    }
}

/// The library's errors for a scenario, one per problem.
pub fn field_errors(e: &ScenarioError) -> Vec<FieldError> {
    match e {
        ScenarioError::Parse {
            line,
            column,
            field,
            message,
            ..
        } => vec![FieldError {
            field: field.clone(),
            line: *line,
            column: *column,
            message: message.clone(),
            text: e.to_string(),
        }],
        ScenarioError::Invalid { file, problems } => problems
            .iter()
            .map(|p| FieldError {
                field: field_path(&p.problem.at),
                line: p.line,
                column: None,
                message: p.problem.message.clone(),
                text: p.to_string_in(file),
            })
            .collect(),
        other => vec![FieldError {
            field: String::new(),
            line: None,
            column: None,
            message: other.to_string(),
            text: other.to_string(),
        }],
    }
}

fn error_reply(summary: String, errors: Vec<FieldError>) -> Value {
    json!({ "ok": false, "summary": summary, "errors": errors })
}

fn parse(text: &str, format: Format) -> Result<Scenario, Value> {
    parse_named(text, format, file_name(format))
}

fn parse_named(text: &str, format: Format, name: &str) -> Result<Scenario, Value> {
    Scenario::from_str(text, format, name).map_err(|e| error_reply(e.to_string(), field_errors(&e)))
}

/// The format code the page passes: 0 TOML, 1 JSON.
pub fn format_of(code: u32) -> Format {
    if code == 0 {
        Format::Toml
    } else {
        Format::Json
    }
}

/// The eu-hubs catalogue for the page: regions (provider, country, EU
/// membership, provider code, zone codes, note), zones with their steady
/// state availability, common causes, and the default study's deployments
/// and settings.
pub fn catalogue() -> Value {
    let cat = catalog::eu_hubs();
    let study = catalog::default_study();
    json!({
        "ok": true,
        "name": cat.name,
        "model": model_of(&cat.study(study.simulation.clone())),
        "default_study": {
            "simulation": study.simulation,
            "deployment": study.deployments,
        },
        "max_deployments": MAX_DEPLOYMENTS,
    })
}

/// Regions, zones and common causes of a study, as the scenario file writes
/// them (`"region"`, `"zone"`, `"common_cause"`), and beside them what the
/// page shows but a file does not hold: each region's EU membership (derived
/// from its country when the file leaves it out) and each zone's own
/// steady-state availability.
fn model_of(study: &Study) -> Value {
    let in_eu: serde_json::Map<String, Value> = study
        .regions
        .iter()
        .map(|r| (r.id.clone(), json!(r.is_in_eu())))
        .collect();
    let own: serde_json::Map<String, Value> = study
        .zones
        .iter()
        .map(|z| (z.id.clone(), json!(z.process().steady_state_availability())))
        .collect();
    json!({
        "region": study.regions,
        "zone": study.zones,
        "common_cause": study.common_causes,
        "region_in_eu": in_eu,
        "zone_availability": own,
    })
}

/// A scenario file (TOML or JSON) read for the page: its settings and
/// deployments, and its model (regions, zones, common causes) unless it is
/// exactly the eu-hubs catalogue (`"catalog": "eu-hubs"`). Messages name
/// the file `name`, as the CLI's name the path it was given.
pub fn load(text: &str, format: Format, name: &str) -> Value {
    let scenario = match parse_named(text, format, name) {
        Ok(s) => s,
        Err(reply) => return reply,
    };
    let study = scenario.study();
    let cat = catalog::eu_hubs();
    let is_catalogue = study.regions == cat.regions
        && study.zones == cat.zones
        && study.common_causes == cat.common_causes;
    json!({
        "ok": true,
        "catalog": if is_catalogue { Some("eu-hubs") } else { None },
        "model": if is_catalogue { Value::Null } else { model_of(study) },
        "simulation": study.simulation,
        // A u64 seed may exceed what a JS number holds exactly.
        "seed_text": study.simulation.seed.to_string(),
        "deployment": study.deployments,
        "service": study.services,
        "has_plan": scenario.plan().is_some(),
        // A run to a target precision is the CLI's (`zonesim run`): the
        // page runs exactly `trials` trials and says it left it out.
        "has_precision": study.simulation.precision.is_some(),
    })
}

/// A scenario written as TOML, for "save as TOML": the page's JSON
/// scenario converted, checked by loading it back.
pub fn to_toml(json_text: &str) -> Value {
    let value: Value = match serde_json::from_str(json_text) {
        Ok(v) => v,
        Err(e) => return error_reply(e.to_string(), Vec::new()),
    };
    match toml_text(&value) {
        Ok(text) => json!({ "ok": true, "text": text }),
        Err(e) => error_reply(e.clone(), Vec::new()),
    }
}

/// The top-level keys of a scenario in the order a person writes them.
const TOML_ORDER: [&str; 8] = [
    "catalog",
    "simulation",
    "region",
    "zone",
    "common_cause",
    "deployment",
    "service",
    "plan",
];

fn toml_text(value: &Value) -> Result<String, String> {
    let Value::Object(map) = value else {
        return Err("a scenario must be a JSON object".into());
    };
    if let Some(k) = map.keys().find(|k| !TOML_ORDER.contains(&k.as_str())) {
        // Left for the loader to explain, in its words.
        return Err(format!("unknown top-level key `{k}`"));
    }
    // One key at a time, in TOML_ORDER (a JSON object has no order of its
    // own here). A scenario's values are strings, numbers, booleans, arrays
    // and tables: all have TOML forms (the page leaves unset fields out).
    let mut parts = Vec::new();
    for key in TOML_ORDER {
        if let Some(v) = map.get(key) {
            let one = serde_json::Map::from_iter([(key.to_string(), v.clone())]);
            let text =
                toml::to_string(&one).map_err(|e| format!("cannot write `{key}` as TOML: {e}"))?;
            parts.push(text.trim_end().to_string());
        }
    }
    let mut text = parts.join("\n\n");
    text.push('\n');
    Ok(text)
}

/// Runs a scenario on the calling thread (a Web Worker in the page):
/// everything the page shows.
pub fn run(text: &str, format: Format, progress: &(dyn Fn(u64) + Sync)) -> Value {
    let scenario = match parse(text, format) {
        Ok(s) => s,
        Err(reply) => return reply,
    };
    let study = scenario.study();
    if study.deployments.len() > MAX_DEPLOYMENTS {
        let message = format!(
            "the page runs at most {MAX_DEPLOYMENTS} deployments at once, got {}",
            study.deployments.len()
        );
        return error_reply(
            message.clone(),
            vec![FieldError {
                field: "deployment".into(),
                line: None,
                column: None,
                text: format!("{}: {message}", file_name(format)),
                message,
            }],
        );
    }
    let file = file_name(format);
    let sim = match Simulation::new(study) {
        Ok(s) => s,
        Err(e) => {
            let text = format!("{file}: {e}");
            return error_reply(
                text.clone(),
                vec![FieldError {
                    field: String::new(),
                    line: None,
                    column: None,
                    message: e.to_string(),
                    text,
                }],
            );
        }
    };
    // No threads: the global pool is the calling thread on wasm (and the
    // results do not depend on the thread count anywhere).
    let opts = RunOptions::new().progress(progress);
    let outcome = sim.run_accumulators(&opts).and_then(|acc| {
        let mut result = sim.summarise(&acc);
        sim.estimate_rare(&mut result, &opts)?;
        Ok((acc, result))
    });
    let (acc, result) = match outcome {
        Ok(x) => x,
        Err(e) => {
            let text = format!("error: {e}");
            return error_reply(
                text.clone(),
                vec![FieldError {
                    field: String::new(),
                    line: None,
                    column: None,
                    message: e.to_string(),
                    text,
                }],
            );
        }
    };
    let mut result_json = serde_json::to_string_pretty(&result).unwrap_or_default();
    result_json.push('\n');
    json!({
        "ok": true,
        "result_json": result_json,
        "table": table::study_table(&result, study),
        "rows": rows(&result.deployments, result.trials),
        "service_rows": rows(&result.services, result.trials),
        "service_rules": study.services.iter().map(table::study::service_line).collect::<Vec<_>>(),
        "windows": windows(&result),
        "headers": headers(&result),
        "notes": notes(&result),
        "comparison_rows": comparison_rows(&result),
        "ccdf": ccdf(&result, &acc),
        "budgets": budgets(&result),
    })
}

/// The column headers of [`rows`], as the CLI's table names them (its
/// two header rows joined: `availability mean`, `downtime p99`, ...; an SLA
/// target's column by the target alone).
fn headers(result: &StudyResult) -> Vec<String> {
    let mut group = String::new();
    table::study::summary_headers(result)
        .into_iter()
        .enumerate()
        .map(|(i, (top, name))| {
            if top != CONTINUE {
                group = top;
            }
            if i >= SLA_COLUMN || group.is_empty() {
                name
            } else {
                format!("{group} {name}")
            }
        })
        .collect()
}

/// The first column of [`rows`] that is an SLA target's.
const SLA_COLUMN: usize = 12;

/// The CLI table's row of each deployment (or service), cell by cell, with
/// the same formatting: the CLI's own code (`table::study::summary_row`).
pub fn rows(list: &[DeploymentSummary], trials: u64) -> Vec<Vec<String>> {
    list.iter()
        .map(|d| table::study::summary_row(d, trials))
        .collect()
}

/// The lines the CLI prints under its table, unwrapped: a bound for each
/// deployment or service with no downtime in any trial, and each
/// importance-sampling estimate.
fn notes(result: &StudyResult) -> Vec<Value> {
    let mut out = Vec::new();
    for d in result.deployments.iter().chain(&result.services) {
        if d.downtime_minutes.mean == 0.0 && d.importance.is_none() {
            out.push(json!({
                "deployment": d.name,
                "kind": "no_downtime",
                "text": table::study::no_downtime_line(&escape(&d.name), result, false),
            }));
        }
    }
    for d in &result.deployments {
        if let Some(e) = &d.importance {
            out.push(json!({
                "deployment": d.name,
                "kind": "importance",
                "text": table::study::importance_line(d, e),
            }));
        }
    }
    out
}

/// The CLI's paired-comparison rows: deployment (or service), mean
/// difference, its 95% interval, P(less downtime), P(more downtime),
/// variance reduction.
fn comparison_rows(result: &StudyResult) -> Vec<Vec<String>> {
    result
        .comparison
        .against
        .iter()
        .map(table::study::comparison_row)
        .collect()
}

/// The SLA windows' block as the CLI prints it, in parts; null when no
/// trial holds a whole window.
fn windows(result: &StudyResult) -> Value {
    match table::windows::windows_view(result) {
        None => Value::Null,
        Some(v) => json!({
            "head": v.head,
            "legend": v.legend,
            "headers": v.headers.iter().map(|(a, b)| [a, b]).collect::<Vec<_>>(),
            "continue": CONTINUE,
            "rows": v.rows,
            "credit_note": v.credit_note,
        }),
    }
}

/// Each deployment's and then each service's downtime CCDF: `[minutes,
/// P(downtime > minutes)]` steps, and the earlier one it repeats exactly,
/// if any.
fn ccdf(result: &StudyResult, acc: &Accumulators) -> Vec<Value> {
    let points: Vec<Vec<(f64, f64)>> = acc
        .deployments
        .iter()
        .chain(&acc.services)
        .map(|d| {
            d.downtime_histogram()
                .ccdf_points()
                .into_iter()
                .map(|(h, p)| (h * 60.0, p))
                .collect()
        })
        .collect();
    let all: Vec<&DeploymentSummary> = result.deployments.iter().chain(&result.services).collect();
    all.iter()
        .zip(&points)
        .enumerate()
        .map(|(i, (d, p))| {
            let twin = points[..i].iter().position(|e| e == p);
            json!({
                "name": d.name,
                "points": p,
                "twin_of": twin.map(|t| all[t].name.clone()),
                "importance": d.importance.is_some(),
                "service": i >= result.deployments.len(),
            })
        })
        .collect()
}

/// Each SLA target's downtime budget per trial, in minutes.
fn budgets(result: &StudyResult) -> Vec<Value> {
    result
        .deployments
        .first()
        .map(|d| {
            d.sla
                .iter()
                .map(|s| {
                    json!({
                        "target": s.target,
                        "label": fmt_target(s.target),
                        "minutes": (1.0 - s.target) * result.horizon_hours * 60.0,
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The eu-hubs catalogue as a TOML scenario file (regions, zones, common
/// causes, the default study's deployments), for "download the catalogue".
pub fn catalogue_toml() -> String {
    catalog_scenario(&catalog::eu_hubs(), Format::Toml)
}
