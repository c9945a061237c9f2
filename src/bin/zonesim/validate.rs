//! `zonesim validate`: every problem of a scenario file, or a one-line summary.

use zonesim::engine::Simulation;
use zonesim::scenario::Scenario;

use crate::args::ValidateArgs;
use crate::error::{CliError, with_source};
use crate::output::emit;
use crate::table;
use crate::table::format::count;

/// Runs `zonesim validate`.
///
/// # Errors
/// [`CliError::Input`] with every problem of the file.
///
/// It runs exactly the checks `run` and `plan` run before they simulate
/// anything, so a file it accepts never fails them for a reason it could
/// have found: a file with a `[plan]` and no deployments is checked as a
/// plan, any other file as a study to run (an empty file is refused, as `run`
/// refuses it). The study's warnings follow the summary line.
pub fn validate(a: &ValidateArgs) -> Result<(), CliError> {
    let s = Scenario::from_path(&a.file)?;
    let source = a.file.display().to_string();
    let st = s.study();
    if s.plan().is_none() || !st.deployments.is_empty() {
        Simulation::new(st).map_err(|e| with_source(&source, e.into()))?;
    }
    if let Some(spec) = s.plan() {
        spec.check(st).map_err(|e| with_source(&source, e.into()))?;
    }
    let mut parts = vec![
        count(st.regions.len(), "region"),
        count(st.zones.len(), "zone"),
        count(st.common_causes.len(), "common cause"),
        count(st.deployments.len(), "deployment"),
    ];
    if !st.maintenance.is_empty() {
        parts.insert(3, count(st.maintenance.len(), "maintenance schedule"));
    }
    if !st.services.is_empty() {
        parts.push(count(st.services.len(), "service"));
    }
    if s.plan().is_some() {
        parts.push("a plan".into());
    }
    let from = s
        .catalog()
        .map_or(String::new(), |c| format!(" (catalogue {c})"));
    let warnings = zonesim::diagnostics::warnings(st);
    emit(
        &format!(
            "ok: {}: {}{from}\n{}",
            a.file.display(),
            parts.join(", "),
            table::warnings::warning_lines(&warnings)
        ),
        None,
    )
}
