//! A target precision ([`Precision`]) and the figure it is judged on
//! ([`PrecisionFigure`]).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A target precision: the `[simulation] precision` table of a scenario
/// file, or `--precision` (and `--precision-figure`) on the command line.
///
/// A run with a target goes on, batch checkpoint after checkpoint
/// ([`crate::engine::CHECKPOINT_BATCHES`] batches each), until the 95%
/// interval on every deployment's [`figure`](Precision::figure) (by default
/// its unavailability: the importance-sampling estimate for an
/// importance-sampled deployment) is within `±relative_half_width` of its
/// value, or `max_trials` trials have run. The checkpoints are fixed, so
/// where it stops does not depend on the thread count.
///
/// ```
/// use zonesim::study::{Precision, PrecisionFigure};
/// let p = Precision::new(0.05).with_max_trials(1_000_000);
/// assert_eq!((p.relative_half_width, p.max_trials), (0.05, Some(1_000_000)));
/// assert_eq!(p.figure, PrecisionFigure::Unavailability);
/// let p = p.with_figure("p_misses_sla:0.999".parse().unwrap());
/// assert_eq!(p.figure, PrecisionFigure::PMissesSla(0.999));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Precision {
    /// The target: the 95% half-width over the estimate, in (0, 1).
    pub relative_half_width: f64,
    /// The most trials to run; `None`: the study's `trials`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_trials: Option<u64>,
    /// The figure whose interval is judged (`figure = "..."` in a file,
    /// [`PrecisionFigure`]'s names); unavailability by default (and then
    /// left out of the study's JSON, so its hash is the one it always was).
    #[serde(default, skip_serializing_if = "PrecisionFigure::is_default")]
    pub figure: PrecisionFigure,
}

impl Precision {
    /// A target relative half-width on unavailability, with the study's
    /// `trials` as the cap.
    pub fn new(relative_half_width: f64) -> Self {
        Precision {
            relative_half_width,
            max_trials: None,
            figure: PrecisionFigure::Unavailability,
        }
    }

    /// The same target with at most `max_trials` trials.
    pub fn with_max_trials(mut self, max_trials: u64) -> Self {
        self.max_trials = Some(max_trials);
        self
    }

    /// The same target on another figure.
    pub fn with_figure(mut self, figure: PrecisionFigure) -> Self {
        self.figure = figure;
        self
    }

    /// Reports each problem of the target (`sla_targets`: the study's) to
    /// `bad` as (field, message).
    pub(super) fn check(&self, sla_targets: &[f64], bad: &mut impl FnMut(String, String)) {
        let r = self.relative_half_width;
        if !(r > 0.0 && r < 1.0) {
            bad(
                "simulation.precision.relative_half_width".into(),
                format!("must be in (0, 1), got {r}"),
            );
        }
        if self.max_trials == Some(0) {
            bad(
                "simulation.precision.max_trials".into(),
                "must be at least 1, got 0".into(),
            );
        }
        if let Some(t) = self.figure.sla_target()
            && !sla_targets.contains(&t)
        {
            let listed: Vec<String> = sla_targets.iter().map(f64::to_string).collect();
            bad(
                "simulation.precision.figure".into(),
                format!(
                    "\"{}\": {t} is not one of the study's SLA targets [{}] \
                     (simulation.sla_targets)",
                    self.figure,
                    listed.join(", ")
                ),
            );
        }
    }
}

/// The figure a target precision is judged on: for every deployment, the
/// 95% interval of this figure, as the JSON reports it, over the figure.
///
/// Written as a string: `unavailability`, `downtime_mean`,
/// `p_meets_sla:<target>` or `p_misses_sla:<target>` (`<target>` one of the
/// study's `sla_targets`, e.g. `p_misses_sla:0.9995`).
///
/// ```
/// use zonesim::study::PrecisionFigure;
/// let f: PrecisionFigure = "p_meets_sla:0.999".parse().unwrap();
/// assert_eq!(f, PrecisionFigure::PMeetsSla(0.999));
/// assert_eq!(f.to_string(), "p_meets_sla:0.999");
/// assert!("p95".parse::<PrecisionFigure>().unwrap_err().contains("unavailability"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[non_exhaustive]
pub enum PrecisionFigure {
    /// `unavailability`: the long-run fraction of time down (the
    /// importance-sampling estimate and its standard error for an
    /// importance-sampled deployment, else the crude one).
    #[default]
    Unavailability,
    /// `downtime_mean`: the mean downtime per trial (`downtime_minutes.mean`,
    /// from the trials for every deployment; its relative interval is the
    /// crude unavailability's).
    DowntimeMean,
    /// `p_meets_sla:<target>`: the probability that a trial meets the
    /// target (`sla[].p_meets`, with its Wilson interval).
    PMeetsSla(f64),
    /// `p_misses_sla:<target>`: one minus it (the same interval, over the
    /// smaller figure: the one to name when misses are rare).
    PMissesSla(f64),
}

impl PrecisionFigure {
    fn is_default(&self) -> bool {
        *self == PrecisionFigure::Unavailability
    }

    /// The SLA target the figure is about, if any.
    pub fn sla_target(&self) -> Option<f64> {
        match *self {
            PrecisionFigure::PMeetsSla(t) | PrecisionFigure::PMissesSla(t) => Some(t),
            _ => None,
        }
    }
}

impl fmt::Display for PrecisionFigure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrecisionFigure::Unavailability => f.write_str("unavailability"),
            PrecisionFigure::DowntimeMean => f.write_str("downtime_mean"),
            PrecisionFigure::PMeetsSla(t) => write!(f, "p_meets_sla:{t}"),
            PrecisionFigure::PMissesSla(t) => write!(f, "p_misses_sla:{t}"),
        }
    }
}

impl FromStr for PrecisionFigure {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let expected = "expected unavailability, downtime_mean, p_meets_sla:<target> or \
                        p_misses_sla:<target> (a target of simulation.sla_targets, e.g. \
                        p_meets_sla:0.999)";
        let target = |t: &str| -> Result<f64, String> {
            match t.trim().parse::<f64>() {
                Ok(v) if v > 0.0 && v <= 1.0 => Ok(v),
                _ => Err(format!(
                    "figure \"{s}\": the SLA target must be a number in (0, 1], got \"{t}\""
                )),
            }
        };
        match s.trim() {
            "unavailability" => Ok(PrecisionFigure::Unavailability),
            "downtime_mean" => Ok(PrecisionFigure::DowntimeMean),
            other => {
                if let Some(t) = other.strip_prefix("p_meets_sla:") {
                    target(t).map(PrecisionFigure::PMeetsSla)
                } else if let Some(t) = other.strip_prefix("p_misses_sla:") {
                    target(t).map(PrecisionFigure::PMissesSla)
                } else {
                    Err(format!("unknown figure \"{s}\": {expected}"))
                }
            }
        }
    }
}

impl TryFrom<String> for PrecisionFigure {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

impl From<PrecisionFigure> for String {
    fn from(f: PrecisionFigure) -> String {
        f.to_string()
    }
}
