//! Fitting outage distributions from what was observed (feature `fit`).
//!
//! [`fit`] estimates one family's parameters by maximum likelihood from
//! durations, some of them right-censored (an outage still open at the end
//! of the window, the time since the last outage): an observed duration
//! contributes its density `f(x)`, a censored one its survival `P(X > x)`.
//! Standard errors come from the observed information (the Hessian of the
//! log-likelihood at the maximum, on log-parameters, so intervals stay
//! positive). [`fit_all`] fits every family and compares them by AIC and by
//! the Kolmogorov–Smirnov distance between the fitted CDF and the
//! Kaplan–Meier estimate (which handles the censoring).
//!
//! [`IncidentLog`] reads an incident log (CSV: `zone` or `region`, `start`,
//! `end`, times as RFC 3339 or hours) into the times to failure and times to
//! repair it shows; see `docs/PARAMETERS.md` for the conventions.
//!
//! ```
//! use zonesim::fit::{fit, Family, Observation};
//!
//! // Three repairs seen, one still open after 5 h: the exponential MLE is
//! // the total time over the number of completed repairs.
//! let obs = [
//!     Observation::observed(1.0),
//!     Observation::observed(2.0),
//!     Observation::observed(3.0),
//!     Observation::censored(5.0),
//! ];
//! let f = fit(Family::Exponential, &obs).unwrap();
//! assert!((f.params[0].value - 11.0 / 3.0).abs() < 1e-12);
//! assert!((f.params[0].se - 11.0 / 3.0 / 3f64.sqrt()).abs() < 1e-12);
//! ```

mod families;
mod log;
mod report;

pub use log::{Incident, IncidentLog, MAX_LOG_BYTES, Observations, Subject, Window};
pub use report::{FitOptions, FitReport, QuantityFit};

use serde::Serialize;

use crate::distributions::Duration;

/// One duration (hours) as observed: complete, or right-censored (the true
/// duration is longer than `time`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Observation {
    /// Hours.
    pub time: f64,
    /// Whether the duration was still running when observation stopped.
    pub censored: bool,
}

impl Observation {
    /// A complete duration.
    pub fn observed(time: f64) -> Self {
        Observation {
            time,
            censored: false,
        }
    }
    /// A duration known only to exceed `time`.
    pub fn censored(time: f64) -> Self {
        Observation {
            time,
            censored: true,
        }
    }
}

/// The families [`fit`] supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// Exponential (`mean`).
    Exponential,
    /// Weibull (`shape`, `scale`).
    Weibull,
    /// Lognormal (`median`, `sigma`).
    Lognormal,
    /// Gamma (`shape`, `scale`).
    Gamma,
}

impl Family {
    /// Every family, in the order [`fit_all`] reports them.
    pub const ALL: [Family; 4] = [
        Family::Exponential,
        Family::Weibull,
        Family::Lognormal,
        Family::Gamma,
    ];

    /// The name as files write it (`dist = "weibull"`).
    pub fn name(self) -> &'static str {
        match self {
            Family::Exponential => "exponential",
            Family::Weibull => "weibull",
            Family::Lognormal => "lognormal",
            Family::Gamma => "gamma",
        }
    }

    /// The parameter names as files write them.
    pub fn param_names(self) -> &'static [&'static str] {
        match self {
            Family::Exponential => &["mean"],
            Family::Weibull | Family::Gamma => &["shape", "scale"],
            Family::Lognormal => &["median", "sigma"],
        }
    }

    /// The family by its file name, if it is one of the four.
    pub fn from_name(name: &str) -> Option<Family> {
        Family::ALL.into_iter().find(|f| f.name() == name)
    }

    fn duration(self, theta: &[f64]) -> Result<Duration, crate::distributions::DurationError> {
        match self {
            Family::Exponential => Duration::exponential(theta[0]),
            Family::Weibull => Duration::weibull(theta[0], theta[1]),
            Family::Lognormal => Duration::lognormal(theta[0], theta[1]),
            Family::Gamma => Duration::gamma(theta[0], theta[1]),
        }
    }
}

/// One fitted parameter.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct FittedParam {
    /// Its name as files write it (`mean`, `shape`, `median`, ...).
    pub name: &'static str,
    /// The maximum-likelihood estimate.
    pub value: f64,
    /// Its standard error (delta method from the log-parameter's).
    pub se: f64,
    /// 95% interval, `value * exp(+-1.96 * se(ln value))`: always positive.
    pub ci95: [f64; 2],
}

/// One family fitted to a set of observations.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct FamilyFit {
    /// The family.
    pub family: Family,
    /// Its parameters, in [`Family::param_names`] order.
    pub params: Vec<FittedParam>,
    /// The maximised log-likelihood.
    pub log_likelihood: f64,
    /// Akaike's criterion, `2 p - 2 ln L` (lower is better).
    pub aic: f64,
    /// The Kolmogorov–Smirnov distance between the fitted CDF and the
    /// Kaplan–Meier estimate, over the observed durations.
    pub ks: f64,
    /// Complete durations used.
    pub observed: usize,
    /// Censored durations used.
    pub censored: usize,
    /// The fit as a duration distribution, ready for a study.
    #[serde(skip)]
    pub duration: Duration,
}

/// Why a fit could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum FitError {
    /// Too few complete durations for the family (the MLE does not exist).
    #[error(
        "{family} needs at least {needed} complete (uncensored) duration{} with distinct values, got {got}; \
         with no outage seen the data give only a lower bound on the mean",
        if *needed == 1 { "" } else { "s" }
    )]
    TooFew {
        /// Family name.
        family: &'static str,
        /// Complete durations needed.
        needed: usize,
        /// Distinct complete durations given.
        got: usize,
    },
    /// A duration that is not finite and > 0.
    #[error("observation #{index} must be a finite number of hours > 0, got {value}")]
    BadTime {
        /// Zero-based position.
        index: usize,
        /// The value.
        value: f64,
    },
    /// The maximum lies where the family's parameters stop making sense
    /// (e.g. a lognormal sigma near 0): the data do not support this family.
    #[error("{family}: no usable maximum of the likelihood ({reason})")]
    NoMaximum {
        /// Family name.
        family: &'static str,
        /// What went wrong.
        reason: String,
    },
    /// A row of an incident log is not valid.
    #[error("{file}:{line}: {field}: {message}")]
    BadRow {
        /// The file.
        file: String,
        /// 1-based line of the file.
        line: usize,
        /// The column (`zone`, `start`, `end`) or `row`.
        field: String,
        /// What is wrong, naming the value.
        message: String,
    },
    /// The log as a whole is not usable (no header, no id column, I/O).
    #[error("{file}: {message}")]
    BadLog {
        /// The file.
        file: String,
        /// What is wrong.
        message: String,
    },
}

/// Fits `family` to `obs` by maximum likelihood with right-censoring.
///
/// # Errors
/// [`FitError::BadTime`] for a duration that is not finite and > 0,
/// [`FitError::TooFew`] without enough complete durations (one for the
/// exponential, two distinct ones for the others), [`FitError::NoMaximum`]
/// when the likelihood has no interior maximum.
pub fn fit(family: Family, obs: &[Observation]) -> Result<FamilyFit, FitError> {
    for (index, o) in obs.iter().enumerate() {
        if !crate::distributions::is_positive_finite(o.time) {
            return Err(FitError::BadTime {
                index,
                value: o.time,
            });
        }
    }
    let mut distinct: Vec<f64> = obs.iter().filter(|o| !o.censored).map(|o| o.time).collect();
    let observed = distinct.len();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    let needed = if family == Family::Exponential { 1 } else { 2 };
    if distinct.len() < needed {
        return Err(FitError::TooFew {
            family: family.name(),
            needed,
            got: distinct.len(),
        });
    }
    let (theta, ll) = families::maximise(family, obs);
    let no_max = |reason: String| FitError::NoMaximum {
        family: family.name(),
        reason,
    };
    if !ll.is_finite()
        || theta
            .iter()
            .any(|t| !crate::distributions::is_positive_finite(*t))
    {
        return Err(no_max(format!("parameters {theta:?}")));
    }
    let cov = if family == Family::Exponential {
        // Exact: the observed information of ln(mean) is the number of
        // complete durations.
        Some(vec![vec![1.0 / observed as f64]])
    } else {
        families::log_covariance(family, &theta, obs)
    };
    let cov =
        cov.ok_or_else(|| no_max("the observed information is not positive definite".into()))?;
    let params = family
        .param_names()
        .iter()
        .zip(&theta)
        .enumerate()
        .map(|(i, (&name, &value))| {
            let sl = cov[i][i].sqrt();
            FittedParam {
                name,
                value,
                se: value * sl,
                ci95: [value * libm::exp(-1.96 * sl), value * libm::exp(1.96 * sl)],
            }
        })
        .collect();
    let duration = family.duration(&theta).map_err(|e| no_max(e.to_string()))?;
    Ok(FamilyFit {
        family,
        params,
        log_likelihood: ll,
        aic: 2.0 * theta.len() as f64 - 2.0 * ll,
        ks: ks_against_kaplan_meier(family, &theta, obs),
        observed,
        censored: obs.len() - observed,
        duration,
    })
}

/// Every family that can be fitted, best (lowest AIC) first, and the
/// reasons the others could not be.
pub fn fit_all(obs: &[Observation]) -> (Vec<FamilyFit>, Vec<FitError>) {
    let mut fits = Vec::new();
    let mut errors = Vec::new();
    for family in Family::ALL {
        match fit(family, obs) {
            Ok(f) => fits.push(f),
            Err(e) => errors.push(e),
        }
    }
    fits.sort_by(|a, b| a.aic.total_cmp(&b.aic));
    (fits, errors)
}

/// The Kaplan–Meier estimate of the survival function: `(time, S(time+))`
/// at each distinct complete duration. A censored duration tied with
/// complete ones is still at risk at that time.
pub fn kaplan_meier(obs: &[Observation]) -> Vec<(f64, f64)> {
    let mut sorted: Vec<Observation> = obs.to_vec();
    sorted.sort_by(|a, b| a.time.total_cmp(&b.time).then(a.censored.cmp(&b.censored)));
    let mut at_risk = sorted.len() as f64;
    let mut s = 1.0;
    let mut out = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let t = sorted[i].time;
        let (mut deaths, mut leaving) = (0.0, 0.0);
        while i < sorted.len() && sorted[i].time == t {
            if !sorted[i].censored {
                deaths += 1.0;
            }
            leaving += 1.0;
            i += 1;
        }
        if deaths > 0.0 {
            s *= 1.0 - deaths / at_risk;
            out.push((t, s));
        }
        at_risk -= leaving;
    }
    out
}

fn ks_against_kaplan_meier(family: Family, theta: &[f64], obs: &[Observation]) -> f64 {
    let mut before = 1.0;
    let mut d: f64 = 0.0;
    for (t, after) in kaplan_meier(obs) {
        let model = families::survival(family, theta, t);
        d = d.max((model - before).abs()).max((model - after).abs());
        before = after;
    }
    d
}

#[cfg(test)]
mod tests;
