//! `zonesim run --shard I/N`: one shard of a run, written as a partial
//! result for `zonesim merge`.

use zonesim::engine::Simulation;
use zonesim::partial::Partial;
use zonesim::study::Study;

use crate::args::{RunArgs, SHARD_INDEX_VARS, ShardArg};
use crate::error::{CliError, with_source};
use crate::output::write_file;
use crate::run::with_progress;

/// The shard index: given, or (`auto`) from the first of
/// [`SHARD_INDEX_VARS`] that is set.
///
/// # Errors
/// [`CliError::Input`] when none is set, or the value is not an index below
/// the number of shards.
pub fn shard_index(shard: ShardArg, env: impl Fn(&str) -> Option<String>) -> Result<u64, CliError> {
    if let Some(i) = shard.index {
        return Ok(i);
    }
    let Some((var, value)) = SHARD_INDEX_VARS
        .iter()
        .find_map(|v| env(v).map(|value| (*v, value)))
    else {
        return Err(CliError::Input(format!(
            "--shard auto/{}: none of {} is set (not in a Slurm array, Kubernetes Indexed Job or \
             AWS Batch array job); give the index: --shard I/{}",
            shard.count,
            SHARD_INDEX_VARS.join(", "),
            shard.count
        )));
    };
    match value.trim().parse::<u64>() {
        Ok(i) if i < shard.count => Ok(i),
        Ok(i) => Err(CliError::Input(format!(
            "--shard auto/{n}: {var}={i} is not below the number of shards {n} (shards are \
             0-based: a Slurm array of {n} tasks is --array=0-{last})",
            n = shard.count,
            last = shard.count - 1
        ))),
        Err(_) => Err(CliError::Input(format!(
            "--shard auto/{}: {var}=\"{value}\" is not a shard index",
            shard.count
        ))),
    }
}

/// Runs one shard of `study` and writes its partial result to `--output`.
///
/// # Errors
/// Bad arguments (no `--output`, `--plot`, `--trials-out`, a target
/// precision), a failed run, or a file that could not be written.
pub fn run_shard(
    a: &RunArgs,
    shard: ShardArg,
    study: &Study,
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
            "--plot draws the whole run: give it to zonesim merge, not to one --shard".into(),
        ));
    }
    if a.trials_out.is_some() {
        return Err(CliError::Input(
            "--trials-out is not supported with --shard: run the per-trial export in one process"
                .into(),
        ));
    }
    if study.simulation.precision.is_some() {
        return Err(CliError::Input(
            "--shard cannot run to a target precision (--precision or [simulation] precision): \
             the stopping test needs every trial so far; give a fixed number of trials"
                .into(),
        ));
    }
    let index = shard_index(shard, |v| std::env::var(v).ok())?;
    let sim = Simulation::new(study).map_err(|e| with_source(source, e.into()))?;
    let batches = sim.shard_batches(index, shard.count);
    let part = with_progress(sim.trials(), a.sim.threads, |opts| {
        Partial::run(&sim, batches.clone(), opts).map_err(|e| CliError::Run(e.to_string()))
    })?;
    write_file(output, &part.to_bytes())
        .map_err(|e| CliError::Run(format!("cannot write {}: {e}", output.display())))
}
