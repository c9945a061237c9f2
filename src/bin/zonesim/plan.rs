//! `zonesim plan`: the cheapest placement meeting a scenario's `[plan]`.

use zonesim::partial::PlanPartial;
use zonesim::plan::PlanSpec;
use zonesim::study::Study;

use crate::args::{OutputFormat, PlanArgs, ShardArg};
use crate::error::{CliError, with_source};
use crate::input::read_scenario;
use crate::output::{check_distinct, emit, to_json, write_file};
use crate::run::{outputs, with_progress};
use crate::shard::shard_index;
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
    let scenario = read_scenario(&a.file)?;
    let source = a.file.display().to_string();
    let spec = scenario.plan().cloned().ok_or_else(|| {
        CliError::Input(format!(
            "{source}: has no [plan] table (see `zonesim plan --help` and the README)"
        ))
    })?;
    let mut study = scenario.into_study();
    a.sim.apply(&mut study);
    if let Some(shard) = a.shard {
        return plan_shard(a, shard, &study, &spec, &source);
    }
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

/// Runs one shard of a plan's judging and writes its partial to `--output`.
///
/// # Errors
/// Bad arguments (no `--output`, `--plot`), a failed run, or a file that
/// could not be written.
fn plan_shard(
    a: &PlanArgs,
    shard: ShardArg,
    study: &Study,
    spec: &PlanSpec,
    source: &str,
) -> Result<(), CliError> {
    let Some(output) = a.out.output.as_deref() else {
        return Err(CliError::Input(
            "--shard writes a partial result: give --output part-I.zsp (merge the parts with \
             zonesim merge)"
                .into(),
        ));
    };
    if a.plot.is_some() {
        return Err(CliError::Input(
            "--plot draws the whole plan: give it to zonesim merge, not to one --shard".into(),
        ));
    }
    let index = shard_index(shard, |v| std::env::var(v).ok())?;
    let part = with_progress(study.simulation.trials, a.sim.threads, |opts| {
        PlanPartial::run(study, spec, index, shard.count, opts)
            .map_err(|e| with_source(source, e.into()))
    })?;
    write_file(output, &part.to_bytes())
        .map_err(|e| CliError::Run(format!("cannot write {}: {e}", output.display())))
}
