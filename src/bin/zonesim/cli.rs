//! The `zonesim` command line: argument parsing, running, and output.
//!
//! The binary (`src/main.rs`) only calls [`main`]. Each subcommand is a
//! variant of [`Command`] with its own argument struct and a function that
//! returns `Result<(), CliError>`; adding one is a variant, a struct and a
//! match arm. Output shared by subcommands ([`OutputArgs`]: `--format`,
//! `--output`) is flattened into each.
//!
//! Exit codes: 0 on success, 2 for bad input (arguments, scenario files,
//! invalid or too-large studies), 1 when a valid study could not run or the
//! output could not be written.

use crate::table;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};

use zonesim::catalog;
use zonesim::engine::{RunOptions, Simulation};
use zonesim::scenario::{self, Scenario, ScenarioError};
use zonesim::study::Study;

/// Monte Carlo availability of replicated deployments across cloud zones.
#[derive(Debug, Parser)]
#[command(name = "zonesim", version, about, long_about = None)]
pub struct Cli {
    /// What to do; with none, `run` the default study.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a study: a scenario file, or the built-in eu-hubs study when no file is given.
    Run(RunArgs),
    /// Check a scenario file and report every problem found.
    Validate(ValidateArgs),
    /// Show the built-in catalogue: regions, zones, parameters and sources.
    Catalog(CatalogArgs),
    /// Find the cheapest placement meeting the `[plan]` target of a scenario file.
    Plan(PlanArgs),
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum OutputFormat {
    /// An aligned text table.
    #[default]
    Table,
    /// Pretty JSON (the public result contract).
    Json,
}

/// Output options shared by subcommands that print results.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
    /// Write the output to this file (atomically: all or nothing) instead of stdout.
    #[arg(long, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

/// Simulation options shared by `run` and `plan`.
#[derive(Debug, Clone, Args)]
pub struct SimArgs {
    /// Number of trials (overrides the file).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub trials: Option<u64>,
    /// Seed (overrides the file).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Worker threads (default: one per core); results do not depend on it.
    #[arg(long, value_name = "T", value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub threads: Option<u64>,
}

impl SimArgs {
    /// Applies `--trials` and `--seed` to a study's settings.
    fn apply(&self, study: &mut Study) {
        if let Some(seed) = self.seed {
            study.simulation.seed = seed;
        }
        if let Some(n) = self.trials {
            study.simulation.trials = n;
        }
    }
}

/// Arguments of `zonesim run`.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Scenario file (.toml or .json); the built-in eu-hubs study when left out.
    pub file: Option<PathBuf>,
    /// Trials, seed and threads.
    #[command(flatten)]
    pub sim: SimArgs,
    /// Deployment the others are compared with (default: the file's, else the first).
    #[arg(long, value_name = "NAME")]
    pub baseline: Option<String>,
    /// Also draw the complementary CDF of yearly downtime per deployment (SVG).
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    /// Output options.
    #[command(flatten)]
    pub out: OutputArgs,
}

/// Arguments of `zonesim plan`.
#[derive(Debug, Clone, Args)]
pub struct PlanArgs {
    /// Scenario file (.toml or .json) with a `[plan]` table.
    pub file: PathBuf,
    /// Trials, seed and threads.
    #[command(flatten)]
    pub sim: SimArgs,
    /// Also draw the cost/quality frontier (SVG).
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    /// Output options.
    #[command(flatten)]
    pub out: OutputArgs,
}

/// Arguments of `zonesim validate`.
#[derive(Debug, Clone, Args)]
pub struct ValidateArgs {
    /// Scenario file (.toml or .json).
    pub file: PathBuf,
}

/// Arguments of `zonesim catalog`.
#[derive(Debug, Clone, Args)]
pub struct CatalogArgs {
    /// Which catalogue.
    #[arg(long, default_value = "eu-hubs")]
    pub name: String,
    /// Output format: a text table, or the catalogue as a scenario file
    /// (TOML, with the parameters' reasoning as comments, or JSON) that
    /// `zonesim validate` and `zonesim run` accept.
    #[arg(long, value_enum, default_value_t = CatalogFormat::Table)]
    pub format: CatalogFormat,
    /// Write the output to this file (atomically: all or nothing) instead of stdout.
    #[arg(long, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

/// How `zonesim catalog` prints a catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum CatalogFormat {
    /// An aligned text table with every fact, parameter and source.
    #[default]
    Table,
    /// A JSON scenario file: regions, zones and common causes, no deployments.
    Json,
    /// A TOML scenario file, the same as JSON plus the parameter notes as comments.
    Toml,
}

/// A failed command: the message for stderr and the exit code.
#[derive(Debug)]
pub enum CliError {
    /// Bad input: arguments, a scenario file, an invalid or too-large study (exit 2).
    Input(String),
    /// A valid study could not run, or output could not be written (exit 1).
    Run(String),
}

impl CliError {
    /// The process exit code: 2 for input errors, 1 for run errors.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Input(_) => 2,
            CliError::Run(_) => 1,
        }
    }

    fn message(&self) -> &str {
        match self {
            CliError::Input(m) | CliError::Run(m) => m,
        }
    }
}

impl From<ScenarioError> for CliError {
    fn from(e: ScenarioError) -> Self {
        CliError::Input(e.to_string())
    }
}

impl From<zonesim::Error> for CliError {
    fn from(e: zonesim::Error) -> Self {
        match e.phase() {
            zonesim::Phase::Load | zonesim::Phase::Build => CliError::Input(e.to_string()),
            _ => CliError::Run(e.to_string()),
        }
    }
}

/// Parses the process arguments, runs the command, prints any error on stderr
/// and returns the exit code.
pub fn main() -> ExitCode {
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
pub fn execute(cli: &Cli) -> Result<(), CliError> {
    match &cli.command {
        None => run(&RunArgs {
            file: None,
            sim: SimArgs {
                trials: None,
                seed: None,
                threads: None,
            },
            baseline: None,
            plot: None,
            out: OutputArgs {
                format: OutputFormat::Table,
                output: None,
            },
        }),
        Some(Command::Run(a)) => run(a),
        Some(Command::Validate(a)) => validate(a),
        Some(Command::Catalog(a)) => show_catalog(a),
        Some(Command::Plan(a)) => plan(a),
    }
}

/// Loads a scenario file, or the built-in default study when `file` is `None`.
///
/// # Errors
/// [`CliError::Input`] with every problem of the file.
pub fn load_study(file: Option<&Path>) -> Result<Study, CliError> {
    match file {
        Some(path) => Ok(Scenario::from_path(path)?.into_study()),
        None => Ok(catalog::default_study()),
    }
}

fn run(a: &RunArgs) -> Result<(), CliError> {
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
    let acc = with_progress(sim.trials(), a.sim.threads, |opts| {
        sim.run_accumulators(opts)
            .map_err(|e| CliError::Run(e.to_string()))
    })?;
    let result = sim.summarise(&acc);
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

fn plan(a: &PlanArgs) -> Result<(), CliError> {
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
        OutputFormat::Table => table::plan_table(&result),
        OutputFormat::Json => to_json(&result)?,
    };
    if let Some(path) = &a.plot {
        let svg = zonesim::plot::frontier_svg(&result).map_err(|e| CliError::Run(e.to_string()))?;
        emit(&svg, Some(path))?;
    }
    emit(&text, a.out.output.as_deref())
}

fn with_source(source: &str, e: CliError) -> CliError {
    match e {
        CliError::Input(m) => CliError::Input(format!("{source}: {m}")),
        CliError::Run(m) => CliError::Run(format!("{source}: {m}")),
    }
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

/// Pretty JSON of a serialisable value, ending in a newline.
///
/// # Errors
/// [`CliError::Run`] if serialisation fails (it does not for zonesim's types).
pub fn to_json<T: serde::Serialize>(value: &T) -> Result<String, CliError> {
    let mut s = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::Run(format!("cannot serialise the result: {e}")))?;
    s.push('\n');
    Ok(s)
}

/// Prints `text` on stdout, or writes it atomically to `output`.
///
/// # Errors
/// [`CliError::Run`] when the file cannot be written; nothing is left behind.
pub fn emit(text: &str, output: Option<&Path>) -> Result<(), CliError> {
    match output {
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|_| out.flush())
                .map_err(|e| CliError::Run(format!("cannot write to stdout: {e}")))
        }
        Some(path) => write_atomically(path, text.as_bytes())
            .map_err(|e| CliError::Run(format!("{}: cannot write: {e}", path.display()))),
    }
}

/// Writes `bytes` to a temporary file next to `path`, then renames it over
/// `path`, so `path` is either untouched or complete.
///
/// # Errors
/// Any I/O error; the temporary file is removed.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("the path names no file"))?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Runs exactly the checks `run` and `plan` run before they simulate
/// anything: a file `validate` accepts never fails them for a reason it could
/// have found. A file with a `[plan]` and no deployments is checked as a
/// plan; any other file as a study to run (so an empty file is refused, as
/// `run` refuses it).
fn validate(a: &ValidateArgs) -> Result<(), CliError> {
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
            table::warning_lines(&warnings)
        ),
        None,
    )
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

fn show_catalog(a: &CatalogArgs) -> Result<(), CliError> {
    let cat = catalog::catalog(&a.name).ok_or_else(|| {
        CliError::Input(format!(
            "unknown catalogue \"{}\"; the built-in ones are: {}",
            a.name,
            catalog::CATALOG_NAMES.join(", ")
        ))
    })?;
    let text = match a.format {
        CatalogFormat::Table => table::catalog_table(&cat),
        CatalogFormat::Json => scenario::catalog_scenario(&cat, scenario::Format::Json),
        CatalogFormat::Toml => scenario::catalog_scenario(&cat, scenario::Format::Toml),
    };
    emit(&text, a.output.as_deref())
}
