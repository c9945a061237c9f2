//! `zonesim fit`: an incident log to fitted outage distributions, as
//! scenario overrides (TOML) or the full fit (JSON).

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use zonesim::fit::{Family, FitError, FitOptions, FitReport, IncidentLog, Window};

use crate::error::CliError;
use crate::output::{check_distinct, emit, to_json};

/// Arguments of `zonesim fit`.
#[derive(Debug, Clone, Args)]
pub struct FitArgs {
    /// Incident log (CSV): a header naming `zone` (or `region`), `start`, `end`,
    /// then one outage a row; `#` lines are comments; an empty `end` is still open.
    pub file: PathBuf,
    /// The times are hours and the observation window is [0, H].
    #[arg(
        long,
        value_name = "H",
        conflicts_with = "window",
        required_unless_present = "window"
    )]
    pub window_hours: Option<f64>,
    /// The times are RFC 3339 and the observation window is FROM..TO.
    #[arg(long, value_name = "FROM..TO")]
    pub window: Option<String>,
    /// An id observed through the whole window with no outage (repeatable):
    /// it adds exposure (a censored up time) and gets an override too.
    #[arg(long = "no-outages", value_name = "ID")]
    pub no_outages: Vec<String>,
    /// Family of the time to failure (default: the lowest AIC).
    #[arg(long, value_enum, value_name = "F")]
    pub ttf_family: Option<FamilyArg>,
    /// Family of the time to repair (default: the lowest AIC).
    #[arg(long, value_enum, value_name = "F")]
    pub ttr_family: Option<FamilyArg>,
    /// `toml`: `[[zone]]` / `[[common_cause]]` overrides to paste into a
    /// scenario; `json`: every family's fit with standard errors, AIC and KS.
    #[arg(long, value_enum, default_value_t = FitFormat::Toml)]
    pub format: FitFormat,
    /// Write the output to this file (atomically) instead of stdout.
    #[arg(long, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

/// A family on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FamilyArg {
    /// Exponential.
    Exponential,
    /// Weibull.
    Weibull,
    /// Lognormal.
    Lognormal,
    /// Gamma.
    Gamma,
}

impl FamilyArg {
    fn family(self) -> Family {
        match self {
            FamilyArg::Exponential => Family::Exponential,
            FamilyArg::Weibull => Family::Weibull,
            FamilyArg::Lognormal => Family::Lognormal,
            FamilyArg::Gamma => Family::Gamma,
        }
    }
}

/// How `zonesim fit` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FitFormat {
    /// Scenario overrides.
    Toml,
    /// The full fit.
    Json,
}

/// Runs `zonesim fit`.
///
/// # Errors
/// Bad arguments or log rows (exit 2), a family that cannot be fitted
/// (exit 2), output that cannot be written (exit 1).
pub fn fit(a: &FitArgs) -> Result<(), CliError> {
    let mut outs = Vec::new();
    if let Some(o) = &a.output {
        outs.push(("--output", o.as_path()));
    }
    check_distinct(Some(&a.file), &outs)?;
    let window = match (&a.window, a.window_hours) {
        (Some(w), _) => {
            Window::parse_times(w).map_err(|e| CliError::Input(format!("--window: {e}")))?
        }
        (None, Some(h)) => Window::Hours(h),
        (None, None) => {
            return Err(CliError::Input(
                "give --window-hours H or --window FROM..TO".into(),
            ));
        }
    };
    let input = |e: FitError| CliError::Input(e.to_string());
    let log = IncidentLog::from_path(&a.file, &window).map_err(input)?;
    let opts = FitOptions::new().no_outages(a.no_outages.clone()).families(
        a.ttf_family.map(FamilyArg::family),
        a.ttr_family.map(FamilyArg::family),
    );
    let report = FitReport::new(&log, &opts).map_err(input)?;
    let text = match a.format {
        FitFormat::Toml => report.to_toml().map_err(input)?,
        FitFormat::Json => to_json(&report)?,
    };
    emit(&text, a.output.as_deref())
}
