//! `zonesim validate`: every problem of a scenario file, or a one-line summary.

use zonesim::engine::Simulation;

use crate::args::ValidateArgs;
use crate::error::{CliError, with_source};
use crate::input::read_scenario;
use crate::output::emit;

/// Runs `zonesim validate`.
///
/// # Errors
/// [`CliError::Input`] with every problem of the file.
pub fn validate(a: &ValidateArgs) -> Result<(), CliError> {
    let s = read_scenario(&a.file)?;
    let st = s.study();
    // The size limits: a study that would take too long is refused before it
    // runs. (A plan file has no deployments of its own; its size is checked
    // when the plan runs.)
    if !st.deployments.is_empty() {
        Simulation::new(st).map_err(|e| with_source(&a.file.display().to_string(), e.into()))?;
    }
    let mut parts = vec![
        count(st.regions.len(), "region"),
        count(st.zones.len(), "zone"),
        count(st.common_causes.len(), "common cause"),
        count(st.deployments.len(), "deployment"),
    ];
    if s.plan().is_some() {
        parts.push("a plan".into());
    }
    let from = s
        .catalog()
        .map_or(String::new(), |c| format!(" (catalogue {c})"));
    emit(
        &format!("ok: {}: {}{from}\n", a.file.display(), parts.join(", ")),
        None,
    )
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}
