//! `zonesim plan`: the cheapest placement meeting a scenario's `[plan]`.

use zonesim::scenario::Scenario;

use crate::args::{OutputFormat, PlanArgs};
use crate::error::{CliError, with_source};
use crate::output::{check_distinct, emit, to_json};
use crate::run::{outputs, with_progress};
use crate::table;

/// Runs `zonesim plan`.
///
/// # Errors
/// Bad input (no `[plan]` table, an invalid plan), a failed run, or output
/// that could not be written.
pub fn plan(a: &PlanArgs) -> Result<(), CliError> {
    check_distinct(
        Some(&a.file),
        &outputs(a.plot.as_deref(), a.out.output.as_deref()),
    )?;
    let scenario = Scenario::from_path(&a.file)?;
    let source = a.file.display().to_string();
    let spec = scenario.plan().cloned().ok_or_else(|| {
        CliError::Input(format!(
            "{source}: has no [plan] table (see `zonesim plan --help` and the README)"
        ))
    })?;
    let mut study = scenario.into_study();
    a.sim.apply(&mut study);
    let result = with_progress(study.simulation.trials, a.sim.threads, |opts| {
        zonesim::plan::plan(&study, &spec, opts).map_err(|e| with_source(&source, e.into()))
    })?;
    let text = match a.out.format {
        OutputFormat::Table => table::plan_table(&result, study.simulation.horizon_hours),
        OutputFormat::Json => to_json(&result)?,
    };
    if let Some(path) = &a.plot {
        let svg = zonesim::plot::frontier_svg_over(&result, study.simulation.horizon_hours)
            .map_err(|e| CliError::Run(e.to_string()))?;
        emit(&svg, Some(path))?;
    }
    emit(&text, a.out.output.as_deref())
}
