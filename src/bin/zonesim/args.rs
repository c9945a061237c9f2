//! The command line's arguments, as clap parses them.
//!
//! Each subcommand is a variant of [`Command`] with its own argument struct;
//! options shared by several ([`SimArgs`], [`OutputArgs`]) are flattened in.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
    /// Merge partial results (`run --shard I/N --output part-I.zsp`, or
    /// `plan --shard ...`) into what one `run` (or `plan`) prints, or
    /// (`--partial`) into one partial.
    Merge(MergeArgs),
    /// Fit time-to-failure and time-to-repair distributions from an incident log (CSV).
    Fit(crate::fit::FitArgs),
    /// Sweep one or two parameters on common random numbers, or rank them in a tornado.
    Sweep(crate::sweep::SweepArgs),
    /// Carry parameter uncertainty into the answer: the file's `[[uncertain]]` parameters.
    Uncertain(crate::sweep::UncertainArgs),
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
    /// Estimator of every deployment that does not name its own (overrides
    /// the file's `simulation.estimator`): `importance` for counting rules too
    /// reliable for plain Monte Carlo.
    #[arg(long, value_enum, value_name = "E")]
    pub estimator: Option<EstimatorArg>,
}

/// `--estimator`: how unavailability is estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EstimatorArg {
    /// Plain Monte Carlo.
    Crude,
    /// Importance sampling of rare outages.
    Importance,
}

impl SimArgs {
    /// Applies `--trials` and `--seed` to a study's settings.
    pub fn apply(&self, study: &mut Study) {
        if let Some(seed) = self.seed {
            study.simulation.seed = seed;
        }
        if let Some(n) = self.trials {
            study.simulation.trials = n;
        }
        if let Some(e) = self.estimator {
            study.simulation.estimator = match e {
                EstimatorArg::Crude => zonesim::study::Estimator::Crude,
                EstimatorArg::Importance => zonesim::study::Estimator::Importance,
            };
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
    /// Run only shard I of N (0-based) and write its partial result to
    /// --output (merge them with `zonesim merge`); `auto/N` takes I from
    /// SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<ShardArg>,
    /// Run until every deployment's 95% interval on unavailability is within
    /// ±REL of its value (checked every 16,384 trials), or the file's
    /// `precision.max_trials` (else its trials) have run.
    #[arg(long, value_name = "REL", value_parser = parse_precision)]
    pub precision: Option<f64>,
    /// Write one row per trial (trial, and per deployment downtime minutes,
    /// outages, longest outage minutes) to this CSV file, in trial order.
    #[arg(long, value_name = "FILE.csv")]
    pub trials_out: Option<PathBuf>,
}

/// `--shard I/N`: which part of a run this process does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardArg {
    /// The shard's index (0-based); `None` for `auto`.
    pub index: Option<u64>,
    /// The number of shards.
    pub count: u64,
}

/// The environment variables `--shard auto/N` reads, in this order.
pub const SHARD_INDEX_VARS: [&str; 3] = [
    "SLURM_ARRAY_TASK_ID",
    "JOB_COMPLETION_INDEX",
    "AWS_BATCH_JOB_ARRAY_INDEX",
];

fn parse_shard(s: &str) -> Result<ShardArg, String> {
    let (i, n) = s
        .split_once('/')
        .ok_or_else(|| format!("expected I/N or auto/N (e.g. 0/4), got \"{s}\""))?;
    let count: u64 = n
        .parse()
        .ok()
        .filter(|&n| n >= 1)
        .ok_or_else(|| format!("the number of shards must be an integer >= 1, got \"{n}\""))?;
    let index = if i == "auto" {
        None
    } else {
        let i: u64 = i
            .parse()
            .map_err(|_| format!("the shard index must be an integer or auto, got \"{i}\""))?;
        if i >= count {
            return Err(format!(
                "shard index {i} is not below the number of shards {count} (shards are 0-based)"
            ));
        }
        Some(i)
    };
    Ok(ShardArg { index, count })
}

fn parse_precision(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(r) if r > 0.0 && r < 1.0 => Ok(r),
        _ => Err(format!(
            "the relative half-width must be a number in (0, 1) (0.05 for ±5%), got \"{s}\""
        )),
    }
}

/// Arguments of `zonesim merge`.
#[derive(Debug, Clone, Args)]
pub struct MergeArgs {
    /// Partial results (`zonesim run --shard I/N --output part-I.zsp`, or
    /// `zonesim plan --shard I/N ...`), in any order.
    #[arg(required = true, value_name = "PART.zsp")]
    pub files: Vec<PathBuf>,
    /// Write one merged partial to --output instead of the result (parts of
    /// parts merge too).
    #[arg(long)]
    pub partial: bool,
    /// Also draw the complementary CDF of yearly downtime per deployment
    /// (SVG); for plan partials, the cost/quality frontier.
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
    /// Judge on shard I of N (0-based) of the trials only and write its
    /// partial result to --output (merge them with `zonesim merge`);
    /// `auto/N` takes I from SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX or
    /// AWS_BATCH_JOB_ARRAY_INDEX.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<ShardArg>,
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
    /// A JSON scenario file: regions, zones, common causes and the default study's deployments.
    Json,
    /// A TOML scenario file, the same as JSON plus the parameter notes as comments.
    Toml,
}
