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
use zonesim::study::Study;

use crate::table;
use crate::table::format::{
    escape, fmt_avail, fmt_halfwidth, fmt_minutes, fmt_nines, fmt_prob, fmt_target, nines_bound,
    no_downtime_bound,
};

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
        "has_plan": scenario.plan().is_some(),
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
const TOML_ORDER: [&str; 7] = [
    "catalog",
    "simulation",
    "region",
    "zone",
    "common_cause",
    "deployment",
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
        "rows": rows(&result),
        "headers": headers(&result),
        "notes": notes(&result),
        "comparison_rows": comparison_rows(&result),
        "ccdf": ccdf(&result, &acc),
        "budgets": budgets(&result),
    })
}

/// The column headers of [`rows`], as the CLI's table names them.
fn headers(result: &StudyResult) -> Vec<String> {
    let mut h: Vec<String> = [
        "deployment",
        "availability mean",
        "95% CI ±",
        "nines",
        "downtime mean",
        "downtime p50",
        "downtime p95",
        "downtime p99",
        "outages",
        "P(no outage)",
        "longest outage mean",
        "longest outage p99",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if let Some(d) = result.deployments.first() {
        h.extend(d.sla.iter().map(|s| fmt_target(s.target)));
    }
    h
}

/// The CLI table's row of each deployment, cell by cell, with the same
/// formatting (`zonesim run`'s table, `src/bin/zonesim/table/study.rs`).
pub fn rows(result: &StudyResult) -> Vec<Vec<String>> {
    result
        .deployments
        .iter()
        .map(|d| {
            let a = &d.availability;
            let dm = &d.downtime_minutes;
            let u = &d.unavailability;
            let none_seen = dm.mean == 0.0;
            let (name, avail, half, nines) = match &d.importance {
                Some(_) => (
                    format!("{} (IS)", escape(&d.name)),
                    format!("U {:.2e}", u.mean),
                    if u.mean > 0.0 {
                        format!("±{:.1}%", (u.ci95[1] - u.mean) / u.mean * 100.0)
                    } else {
                        "-".into()
                    },
                    if u.mean > 0.0 {
                        format!("{:.2}", -u.mean.log10())
                    } else {
                        "-".into()
                    },
                ),
                None if none_seen => (
                    escape(&d.name),
                    "no downtime".into(),
                    "-".into(),
                    nines_bound(result.trials),
                ),
                None => (
                    escape(&d.name),
                    fmt_avail(a.mean),
                    fmt_halfwidth((a.mean - a.ci95[0]).max(a.ci95[1] - a.mean)),
                    fmt_nines(a.mean),
                ),
            };
            let mut row = vec![
                name,
                avail,
                half,
                nines,
                fmt_minutes(dm.mean),
                fmt_minutes(dm.percentiles.p50),
                fmt_minutes(dm.percentiles.p95),
                fmt_minutes(dm.percentiles.p99),
                format!("{:.4}", d.outages.mean),
                fmt_prob(d.outages.p_none),
                fmt_minutes(d.longest_outage_minutes.mean),
                fmt_minutes(d.longest_outage_minutes.p99),
            ];
            row.extend(d.sla.iter().map(|s| fmt_prob(s.p_meets)));
            row
        })
        .collect()
}

/// The lines the CLI prints under its table, unwrapped: a bound for each
/// deployment with no downtime in any trial, and each importance-sampling
/// estimate.
fn notes(result: &StudyResult) -> Vec<Value> {
    let year = result.horizon_hours == 8760.0;
    let mut out = Vec::new();
    for d in &result.deployments {
        if d.downtime_minutes.mean == 0.0 && d.importance.is_none() {
            let bound = no_downtime_bound(result.trials);
            out.push(json!({
                "deployment": d.name,
                "kind": "no_downtime",
                "text": format!(
                    "{}: no downtime in {} trials; P(a {trial} has any downtime) < {bound:.1e} \
                     (95%), so availability > {:.7}; estimate its unavailability with \
                     estimator = \"importance\"",
                    escape(&d.name),
                    result.trials,
                    1.0 - bound,
                    trial = if year { "year" } else { "trial" },
                ),
            }));
        }
    }
    for d in &result.deployments {
        if let Some(e) = &d.importance {
            let u = &d.unavailability;
            let rel = u
                .relative_error
                .map_or("-".to_string(), |r| format!("{:.1}%", r * 100.0));
            out.push(json!({
                "deployment": d.name,
                "kind": "importance",
                "text": format!(
                    "{} (importance sampling, {} cycles): unavailability {:.3e} [{:.3e}, {:.3e}], \
                     relative error {rel}; {:.2e} outages per trial; effective sample size {:.0}",
                    escape(&d.name),
                    e.diagnostics.cycles,
                    u.mean,
                    u.ci95[0],
                    u.ci95[1],
                    e.outages_per_trial.mean,
                    e.diagnostics.ess,
                ),
            }));
        }
    }
    out
}

/// The CLI's paired-comparison rows: deployment, mean difference, its 95%
/// interval, P(less downtime), P(more downtime), variance reduction.
fn comparison_rows(result: &StudyResult) -> Vec<Vec<String>> {
    result
        .comparison
        .against
        .iter()
        .map(|p| {
            let d = &p.downtime_minutes_diff;
            vec![
                escape(&p.name),
                fmt_minutes(d.mean),
                format!("{} to {}", fmt_minutes(d.ci95[0]), fmt_minutes(d.ci95[1])),
                fmt_prob(p.p_less_downtime),
                fmt_prob(p.p_more_downtime),
                p.variance_reduction
                    .map_or("-".into(), |v| format!("{v:.1}x")),
            ]
        })
        .collect()
}

/// Each deployment's downtime CCDF: `[minutes, P(downtime > minutes)]`
/// steps, and the earlier deployment it repeats exactly, if any.
fn ccdf(result: &StudyResult, acc: &Accumulators) -> Vec<Value> {
    let points: Vec<Vec<(f64, f64)>> = acc
        .deployments
        .iter()
        .map(|d| {
            d.downtime_histogram()
                .ccdf_points()
                .into_iter()
                .map(|(h, p)| (h * 60.0, p))
                .collect()
        })
        .collect();
    result
        .deployments
        .iter()
        .zip(&points)
        .enumerate()
        .map(|(i, (d, p))| {
            let twin = points[..i].iter().position(|e| e == p);
            json!({
                "name": d.name,
                "points": p,
                "twin_of": twin.map(|t| result.deployments[t].name.clone()),
                "importance": d.importance.is_some(),
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
