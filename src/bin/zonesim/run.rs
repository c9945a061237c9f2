//! `zonesim run`: a study from a file or the built-in one, as a table or
//! JSON, and optionally the downtime picture.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use zonesim::catalog;
use zonesim::engine::{PrecisionOutcome, RunOptions, Simulation, TrialObserver};
use zonesim::scenario::Scenario;
use zonesim::study::{Precision, PrecisionFigure, Study};

use crate::args::{OutputFormat, RunArgs};
use crate::error::{CliError, with_source};
use crate::output::{check_distinct, emit, to_json};
use crate::{shard, table};

/// Loads a scenario file, or the built-in default study when `file` is `None`.
/// A file that gives a parameter as a distribution in place of a number is
/// refused: `run` would print figures for a value nobody gave (`zonesim
/// uncertain` is the command for it).
///
/// # Errors
/// [`CliError::Input`] with every problem of the file.
pub fn load_study(file: Option<&Path>) -> Result<Study, CliError> {
    match file {
        Some(path) => {
            let scenario = Scenario::from_path(path)?;
            scenario.require_point_values()?;
            Ok(scenario.into_study())
        }
        None => Ok(catalog::default_study()),
    }
}

/// Runs `zonesim run`.
///
/// # Errors
/// Bad input, a failed run, or output that could not be written.
pub fn run(a: &RunArgs) -> Result<(), CliError> {
    let mut outs = outputs(a.plot.as_deref(), a.out.output.as_deref());
    if let Some(p) = &a.trials_out {
        // An unknown extension is refused before any work.
        crate::trials_out::format_of(p)?;
        outs.push(("--trials-out", p));
    }
    check_distinct(a.file.as_deref(), &outs)?;
    let mut study = load_study(a.file.as_deref())?;
    let source = a
        .file
        .as_ref()
        .map_or("the default study".to_string(), |p| p.display().to_string());
    a.sim.apply(&mut study);
    if let Some(b) = &a.baseline {
        study.simulation.baseline = Some(b.clone());
    }
    if let Some(rel) = a.precision {
        let mut p = Precision::new(rel);
        if let Some(old) = study.simulation.precision {
            p = p.with_figure(old.figure);
            if let Some(n) = old.max_trials {
                p = p.with_max_trials(n);
            }
        }
        study.simulation.precision = Some(p);
    }
    if let Some(f) = a.precision_figure {
        let Some(p) = &mut study.simulation.precision else {
            return Err(CliError::Input(
                "--precision-figure needs a target: --precision REL or [simulation] precision"
                    .into(),
            ));
        };
        *p = p.with_figure(f);
    }
    let study = study;
    if let Some(shard) = a.shard {
        return shard::run_shard(a, shard, &study, &source);
    }
    let sim = Simulation::new(&study).map_err(|e| with_source(&source, e.into()))?;
    let (acc, result) = with_progress(sim.trials(), a.sim.threads, |opts| {
        let run = |observer: Option<&mut TrialObserver<'_>>| {
            sim.run_detailed(opts, observer)
                .map_err(|e| CliError::Run(e.to_string()))
        };
        match &a.trials_out {
            None => run(None),
            Some(path) => crate::trials_out::write(path, &study, run),
        }
    })?;
    if let Some(p) = &result.precision {
        note_precision(p);
    }
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

/// One line on stderr saying how a run to a target precision ended.
fn note_precision(p: &PrecisionOutcome) {
    let pct = |r: f64| format!("{:.2}%", r * 100.0);
    // The default figure goes unnamed, as before figures could be named.
    let on = match p.figure {
        PrecisionFigure::Unavailability => String::new(),
        f => format!(" on {f}"),
    };
    let zero = match p.figure {
        PrecisionFigure::PMeetsSla(_) => "no trial met it",
        PrecisionFigure::PMissesSla(_) => "no miss seen",
        _ => "no downtime seen",
    };
    let line = if p.met {
        format!(
            "precision: every deployment within ±{}{on} after {} trials ({} checkpoints)",
            pct(p.relative_half_width),
            p.trials,
            p.checkpoints
        )
    } else {
        let worst: Vec<String> = p
            .deployments
            .iter()
            .filter(|d| !d.met)
            .map(|d| match d.relative_half_width {
                Some(r) => format!("{} ±{}", d.name, pct(r)),
                None => format!("{} ({zero})", d.name),
            })
            .collect();
        format!(
            "precision: target ±{}{on} NOT met after max_trials = {} trials: {}",
            pct(p.relative_half_width),
            p.trials,
            worst.join(", ")
        )
    };
    let _ = writeln!(std::io::stderr(), "{line}");
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
    // Counts the trials run (a shard or a run to a target precision runs
    // fewer than the study's), for the line below.
    let ran = AtomicU64::new(0);
    let tick = |n: u64| {
        ran.fetch_add(n, Ordering::Relaxed);
        if let Some(b) = &bar {
            b.inc(n);
        }
    };
    let mut opts = RunOptions::new().progress(&tick);
    if let Some(t) = threads {
        opts = opts.threads(t as usize);
    }
    let started = Instant::now();
    let result = f(&opts);
    let secs = started.elapsed().as_secs_f64();
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let result = result?;
    let trials = ran.load(Ordering::Relaxed);
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
