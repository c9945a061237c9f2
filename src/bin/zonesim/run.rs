//! `zonesim run`: a study from a file or the built-in one, as a table or
//! JSON, and optionally the downtime picture.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::Instant;

use zonesim::catalog;
use zonesim::engine::{RunOptions, Simulation};
use zonesim::study::Study;

use crate::args::{OutputFormat, RunArgs};
use crate::error::{CliError, with_source};
use crate::input::read_scenario;
use crate::output::{check_distinct, emit, to_json};
use crate::table;

/// Loads a scenario file, or the built-in default study when `file` is `None`.
///
/// # Errors
/// [`CliError::Input`] with every problem of the file.
pub fn load_study(file: Option<&Path>) -> Result<Study, CliError> {
    match file {
        Some(path) => Ok(read_scenario(path)?.into_study()),
        None => Ok(catalog::default_study()),
    }
}

/// Runs `zonesim run`.
///
/// # Errors
/// Bad input, a failed run, or output that could not be written.
pub fn run(a: &RunArgs) -> Result<(), CliError> {
    check_distinct(
        a.file.as_deref(),
        &outputs(a.plot.as_deref(), a.out.output.as_deref()),
    )?;
    let mut study = load_study(a.file.as_deref())?;
    let source = a
        .file
        .as_ref()
        .map_or("the default study".to_string(), |p| p.display().to_string());
    a.sim.apply(&mut study);
    if let Some(b) = &a.baseline {
        study.simulation.baseline = Some(b.clone());
    }
    let study = study;
    let sim = Simulation::new(&study).map_err(|e| with_source(&source, e.into()))?;
    let (acc, result) = with_progress(sim.trials(), a.sim.threads, |opts| {
        let acc = sim
            .run_accumulators(opts)
            .map_err(|e| CliError::Run(e.to_string()))?;
        let mut result = sim.summarise(&acc);
        sim.estimate_rare(&mut result, opts)
            .map_err(|e| CliError::Run(e.to_string()))?;
        Ok((acc, result))
    })?;
    let text = match a.out.format {
        OutputFormat::Table => table::study_table(&result, &study),
        OutputFormat::Json => to_json(&result)?,
    };
    if let Some(path) = &a.plot {
        let svg = zonesim::plot::downtime_ccdf_svg(&result, &acc)
            .map_err(|e| CliError::Run(e.to_string()))?;
        emit(&svg, Some(path))?;
    }
    emit(&text, a.out.output.as_deref())
}

/// Runs `f` with a progress bar on stderr when stderr is a terminal, then
/// prints `ran N trials in X s (Y trials/s)` on stderr (never on stdout).
///
/// # Errors
/// Whatever `f` returns.
pub fn with_progress<T>(
    trials: u64,
    threads: Option<u64>,
    f: impl FnOnce(&RunOptions<'_>) -> Result<T, CliError>,
) -> Result<T, CliError> {
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(trials);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:30} {human_pos}/{human_len} trials, eta {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let tick = |n: u64| {
        if let Some(b) = &bar {
            b.inc(n);
        }
    };
    let mut opts = RunOptions::new();
    if let Some(t) = threads {
        opts = opts.threads(t as usize);
    }
    if bar.is_some() {
        opts = opts.progress(&tick);
    }
    let started = Instant::now();
    let result = f(&opts);
    let secs = started.elapsed().as_secs_f64();
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let result = result?;
    // Never panic on a closed stderr (eprintln! would).
    let _ = writeln!(
        std::io::stderr(),
        "ran {trials} trials in {secs:.2} s ({:.0} trials/s)",
        trials as f64 / secs.max(1e-9)
    );
    Ok(result)
}

/// The output flags that name files, for [`check_distinct`].
pub fn outputs<'a>(
    plot: Option<&'a Path>,
    output: Option<&'a Path>,
) -> Vec<(&'static str, &'a Path)> {
    let mut v = Vec::new();
    if let Some(p) = plot {
        v.push(("--plot", p));
    }
    if let Some(p) = output {
        v.push(("--output", p));
    }
    v
}
