//! The `zonesim` command line.
//!
//! The binary only consumes the library: [`args`] parses the arguments, one
//! module per subcommand ([`run`], [`plan`], [`validate`], [`catalog`],
//! [`fit`], [`sweep`]) runs
//! the library, [`table`] renders text, and [`output`] writes stdout and
//! files (JSON and SVG come from the library's own types). Nothing here is
//! public API of the crate.
//!
//! Exit codes: 0 on success, 2 for bad input (arguments, scenario files,
//! invalid or too-large studies), 1 when a valid study could not run or the
//! output could not be written.

mod args;
mod catalog;
mod error;
mod fit;
mod merge;
mod output;
mod plan;
mod run;
mod shard;
mod sweep;
mod table;
mod trials_out;
mod validate;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command, OutputArgs, OutputFormat, RunArgs, SimArgs};
use crate::error::CliError;

/// Parses the process arguments, runs the command, prints any error on stderr
/// and returns the exit code.
fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version on stdout (exit 0) and errors on stderr (exit 2).
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match execute(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let msg = e.message();
            let mut stderr = std::io::stderr().lock();
            let _ = if msg.starts_with("error") {
                writeln!(stderr, "{msg}")
            } else {
                writeln!(stderr, "error: {msg}")
            };
            ExitCode::from(e.exit_code())
        }
    }
}

/// Runs a parsed command.
///
/// # Errors
/// A [`CliError`] with the message to print and the exit code to use.
fn execute(cli: &Cli) -> Result<(), CliError> {
    match &cli.command {
        None => run::run(&RunArgs {
            file: None,
            sim: SimArgs {
                trials: None,
                seed: None,
                threads: None,
                estimator: None,
            },
            baseline: None,
            plot: None,
            out: OutputArgs {
                format: OutputFormat::Table,
                output: None,
            },
            shard: None,
            precision: None,
            precision_figure: None,
            trials_out: None,
        }),
        Some(Command::Run(a)) => run::run(a),
        Some(Command::Merge(a)) => merge::merge(a),
        Some(Command::Validate(a)) => validate::validate(a),
        Some(Command::Catalog(a)) => catalog::show_catalog(a),
        Some(Command::Plan(a)) => plan::plan(a),
        Some(Command::Fit(a)) => fit::fit(a),
        Some(Command::Sweep(a)) => sweep::sweep(a),
        Some(Command::Uncertain(a)) => sweep::uncertain(a),
    }
}
