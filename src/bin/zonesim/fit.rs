//! `zonesim fit`: an incident log to fitted outage distributions, as
//! scenario overrides (TOML) or the full fit (JSON).

use std::io::Read;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde::Serialize;

use zonesim::distributions::RawDuration;
use zonesim::fit::{
    Family, FamilyFit, FitError, IncidentLog, Observation, Observations, Subject, Window, fit_all,
};

use crate::error::CliError;
use crate::output::{check_distinct, emit, to_json};

/// The largest incident log read (64 MiB).
const MAX_LOG_BYTES: u64 = 64 << 20;

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

#[derive(Serialize)]
struct QuantityFit {
    observed: usize,
    censored: usize,
    /// Every family fitted, lowest AIC first.
    fits: Vec<FamilyFit>,
    /// Why the other families could not be fitted.
    not_fitted: Vec<String>,
    /// The family used for the overrides.
    chosen: Option<Family>,
}

#[derive(Serialize)]
struct FitReport<'a> {
    file: &'a str,
    subject: Subject,
    window_hours: f64,
    ids: &'a [String],
    time_to_failure: QuantityFit,
    time_to_repair: QuantityFit,
}

fn quantity(obs: &[Observation], forced: Option<FamilyArg>) -> Result<QuantityFit, FitError> {
    let (mut fits, errors) = fit_all(obs);
    let chosen = match forced {
        Some(f) => {
            let family = f.family();
            if !fits.iter().any(|x| x.family == family) {
                // Report why the forced family failed.
                zonesim::fit::fit(family, obs)?;
            }
            Some(family)
        }
        None => fits.first().map(|f| f.family),
    };
    if let Some(c) = chosen {
        // The chosen family first, then the rest by AIC.
        fits.sort_by_key(|f| f.family != c);
    }
    Ok(QuantityFit {
        observed: obs.iter().filter(|o| !o.censored).count(),
        censored: obs.iter().filter(|o| o.censored).count(),
        fits,
        not_fitted: errors.iter().map(|e| e.to_string()).collect(),
        chosen,
    })
}

/// `{ dist = "lognormal", median = 2.1, sigma = 1.4 }`.
fn inline(f: &FamilyFit) -> String {
    let p = |x: f64| format!("{}", sig(x));
    match f.duration.params() {
        RawDuration::Exponential { mean } => {
            format!("{{ dist = \"exponential\", mean = {} }}", p(*mean))
        }
        RawDuration::Weibull { shape, scale } => format!(
            "{{ dist = \"weibull\", shape = {}, scale = {} }}",
            p(*shape),
            p(*scale)
        ),
        RawDuration::Lognormal { median, sigma } => format!(
            "{{ dist = \"lognormal\", median = {}, sigma = {} }}",
            p(*median),
            p(*sigma)
        ),
        RawDuration::Gamma { shape, scale } => format!(
            "{{ dist = \"gamma\", shape = {}, scale = {} }}",
            p(*shape),
            p(*scale)
        ),
        other => format!("# not a fitted family: {other:?}"),
    }
}

/// Six significant digits, as a TOML float.
// Rounding for display: `std`'s log10 and powi may stay (clippy.toml).
#[allow(clippy::disallowed_methods)]
fn sig(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let e = x.abs().log10().floor() as i32;
    let f = 10f64.powi(5 - e);
    (x * f).round() / f
}

fn describe(q: &QuantityFit, what: &str) -> String {
    let mut s = format!(
        "# {what}: {} complete, {} censored\n",
        q.observed, q.censored
    );
    for f in &q.fits {
        let params: Vec<String> = f
            .params
            .iter()
            .map(|p| {
                format!(
                    "{} {} (SE {}, 95% {}..{})",
                    p.name,
                    sig(p.value),
                    sig(p.se),
                    sig(p.ci95[0]),
                    sig(p.ci95[1])
                )
            })
            .collect();
        s.push_str(&format!(
            "#   {:<11} AIC {:>10.2}  KS {:.3}  {}{}\n",
            f.family.name(),
            f.aic,
            f.ks,
            params.join(", "),
            if Some(f.family) == q.chosen {
                "  <- used"
            } else {
                ""
            }
        ));
    }
    for e in &q.not_fitted {
        s.push_str(&format!("#   not fitted: {e}\n"));
    }
    s
}

fn overrides(
    log: &IncidentLog,
    obs: &Observations,
    ttf: &QuantityFit,
    ttr: &QuantityFit,
) -> String {
    let mut s = format!(
        "# zonesim fit {}: {} {} outage{} over a {} h window, {} id{}\n",
        log.file,
        log.incidents.len(),
        log.subject.as_str(),
        if log.incidents.len() == 1 { "" } else { "s" },
        sig(log.window_hours),
        obs.ids.len(),
        if obs.ids.len() == 1 { "" } else { "s" }
    );
    s.push_str("# Maximum likelihood with right-censoring, pooled over the ids; paste into a\n");
    s.push_str("# scenario that uses the catalogue (the ids must be the scenario's).\n");
    s.push_str(&describe(ttf, "time to failure"));
    s.push_str(&describe(ttr, "time to repair"));
    let pick = |q: &QuantityFit| {
        q.fits
            .iter()
            .find(|f| Some(f.family) == q.chosen)
            .map(inline)
    };
    let (Some(f), Some(r)) = (pick(ttf), pick(ttr)) else {
        return s;
    };
    for id in &obs.ids {
        match log.subject {
            Subject::Zone => s.push_str(&format!(
                "\n[[zone]]\nid = {}\ntime_to_failure = {f}\ntime_to_repair = {r}\n",
                toml_str(id)
            )),
            Subject::Region => s.push_str(&format!(
                "\n[[common_cause]]\nname = {}\naffects = [{}]\ntime_to_failure = {f}\ntime_to_repair = {r}\n",
                toml_str(&format!("{id}-region-event")),
                toml_str(id)
            )),
        }
    }
    s
}

fn toml_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
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
    let file = a.file.display().to_string();
    let f = std::fs::File::open(&a.file)
        .map_err(|e| CliError::Input(format!("{file}: cannot read: {e}")))?;
    let mut bytes = Vec::new();
    f.take(MAX_LOG_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| CliError::Input(format!("{file}: cannot read: {e}")))?;
    if bytes.len() as u64 > MAX_LOG_BYTES {
        return Err(CliError::Input(format!(
            "{file}: larger than the 64 MiB limit for an incident log"
        )));
    }
    let input = |e: FitError| CliError::Input(e.to_string());
    let log = IncidentLog::from_reader(bytes.as_slice(), &file, &window).map_err(input)?;
    let obs = log.observations(&a.no_outages);
    if obs.ids.is_empty() {
        return Err(CliError::Input(format!(
            "{file}: no outage and no --no-outages id: nothing to fit"
        )));
    }
    let in_file = |what: &str, e: FitError| CliError::Input(format!("{file}: {what}: {e}"));
    let ttf =
        quantity(&obs.time_to_failure, a.ttf_family).map_err(|e| in_file("time to failure", e))?;
    let ttr =
        quantity(&obs.time_to_repair, a.ttr_family).map_err(|e| in_file("time to repair", e))?;
    let text = match a.format {
        FitFormat::Toml => {
            for (q, what) in [(&ttf, "time to failure"), (&ttr, "time to repair")] {
                if q.chosen.is_none() {
                    let why = q.not_fitted.first().cloned().unwrap_or_default();
                    return Err(CliError::Input(format!("{file}: {what}: {why}")));
                }
            }
            overrides(&log, &obs, &ttf, &ttr)
        }
        FitFormat::Json => to_json(&FitReport {
            file: &file,
            subject: log.subject,
            window_hours: log.window_hours,
            ids: &obs.ids,
            time_to_failure: ttf,
            time_to_repair: ttr,
        })?,
    };
    emit(&text, a.output.as_deref())
}
