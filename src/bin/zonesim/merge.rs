//! `zonesim merge`: partial results back into what one `zonesim run`
//! prints (the JSON byte for byte), or into one partial.

use std::io::Read;
use std::path::Path;

use zonesim::engine::{RunOptions, Simulation};
use zonesim::partial::{Partial, PartialProblem, PlanPartial, is_plan_partial};

use crate::args::{MergeArgs, OutputFormat};
use crate::error::{CliError, with_source};
use crate::output::{check_distinct, emit, to_json, write_file};
use crate::run::outputs;
use crate::table;

/// The largest partial file read (a partial of thousands of deployments is
/// tens of MiB).
const MAX_PARTIAL_BYTES: u64 = 1 << 32;

/// Reads one partial file's bytes.
fn read_bytes(path: &Path) -> Result<Vec<u8>, CliError> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path)
        .map_err(|e| CliError::Input(format!("{name}: cannot read: {e}")))?;
    let mut bytes = Vec::new();
    file.take(MAX_PARTIAL_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| CliError::Input(format!("{name}: cannot read: {e}")))?;
    if bytes.len() as u64 > MAX_PARTIAL_BYTES {
        return Err(CliError::Input(format!(
            "{name}: over {MAX_PARTIAL_BYTES} bytes, not a partial result"
        )));
    }
    Ok(bytes)
}

/// Runs `zonesim merge`.
///
/// # Errors
/// A file that cannot be read, is not a partial, is damaged or does not
/// belong with the others (exit 2), missing batches (exit 2), or output
/// that could not be written (exit 1).
pub fn merge(a: &MergeArgs) -> Result<(), CliError> {
    let outs = outputs(a.plot.as_deref(), a.out.output.as_deref());
    for f in &a.files {
        check_distinct(Some(f), &outs)?;
    }
    if a.partial && a.out.output.is_none() {
        return Err(CliError::Input(
            "--partial writes a merged partial result: give --output merged.zsp".into(),
        ));
    }
    if a.partial && a.plot.is_some() {
        return Err(CliError::Input(
            "--plot draws the whole run: leave out --partial".into(),
        ));
    }
    let mut bytes = Vec::with_capacity(a.files.len());
    for f in &a.files {
        bytes.push(read_bytes(f)?);
    }
    // The first file says which kind of partials these are.
    if is_plan_partial(&bytes[0]) {
        return merge_plan(a, &bytes);
    }
    let mut parts = Vec::with_capacity(a.files.len());
    for (f, b) in a.files.iter().zip(&bytes) {
        let name = f.display().to_string();
        let part = Partial::from_bytes(b, &name).map_err(|e| CliError::Input(e.to_string()))?;
        parts.push((part, name));
    }
    let first = parts[0].1.clone();
    let merged = Partial::merge_all(parts).map_err(|e| CliError::Input(e.to_string()))?;
    if a.partial {
        let out = a.out.output.as_deref().expect("checked above");
        return write_file(out, &merged.to_bytes())
            .map_err(|e| CliError::Run(format!("cannot write {}: {e}", out.display())));
    }
    let names = || {
        a.files
            .iter()
            .map(|f| f.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !merged.is_complete() {
        let problem = PartialProblem::Missing {
            missing: merged.missing(),
            batches: merged.header().batches,
        };
        return Err(CliError::Input(format!("{}: {problem}", names())));
    }
    let study = merged
        .study(&first)
        .map_err(|e| CliError::Input(e.to_string()))?;
    let sim = Simulation::new(&study).map_err(|e| with_source(&first, e.into()))?;
    // Finishing only summarises: nothing is simulated, on no threads.
    let opts = RunOptions::new().threads(1);
    let result = merged
        .finish(&sim, &opts)
        .map_err(|e| with_source(&names(), e.into()))?;
    let text = match a.out.format {
        OutputFormat::Table => table::study_table(&result, &study),
        OutputFormat::Json => to_json(&result)?,
    };
    if let Some(path) = &a.plot {
        let svg = zonesim::plot::downtime_ccdf_svg(&result, merged.accumulators())
            .map_err(|e| CliError::Run(e.to_string()))?;
        emit(&svg, Some(path))?;
    }
    emit(&text, a.out.output.as_deref())
}

/// `zonesim merge` of plan partials: prints what `zonesim plan` prints.
fn merge_plan(a: &MergeArgs, bytes: &[Vec<u8>]) -> Result<(), CliError> {
    let mut parts = Vec::with_capacity(bytes.len());
    for (f, b) in a.files.iter().zip(bytes) {
        let name = f.display().to_string();
        let part = PlanPartial::from_bytes(b, &name).map_err(|e| CliError::Input(e.to_string()))?;
        parts.push((part, name));
    }
    let merged = PlanPartial::merge_all(parts).map_err(|e| CliError::Input(e.to_string()))?;
    if a.partial {
        let out = a.out.output.as_deref().expect("checked by merge");
        return write_file(out, &merged.to_bytes())
            .map_err(|e| CliError::Run(format!("cannot write {}: {e}", out.display())));
    }
    let names = a
        .files
        .iter()
        .map(|f| f.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    if !merged.is_complete() {
        let problem = PartialProblem::Missing {
            missing: merged.missing(),
            batches: merged.header().batches,
        };
        return Err(CliError::Input(format!("{names}: {problem}")));
    }
    let result = merged
        .finish(&names)
        .map_err(|e| CliError::Input(e.to_string()))?;
    let (study, _) = merged
        .study_and_spec(&names)
        .map_err(|e| CliError::Input(e.to_string()))?;
    let horizon = study.simulation.horizon_hours;
    let text = match a.out.format {
        OutputFormat::Table => table::plan_table(&result, horizon),
        OutputFormat::Json => to_json(&result)?,
    };
    if let Some(path) = &a.plot {
        let svg = zonesim::plot::frontier_svg_over(&result, horizon)
            .map_err(|e| CliError::Run(e.to_string()))?;
        emit(&svg, Some(path))?;
    }
    emit(&text, a.out.output.as_deref())
}
