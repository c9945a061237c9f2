//! SLA windows: each trial's horizon cut into whole windows (a calendar
//! month, 730 h, by default), each judged against every SLA target and the
//! provider's service-credit bands, as provider SLAs are.
//!
//! A trial of horizon `H` holds `floor(H / W)` windows `[kW, (k+1)W)`; the
//! remainder `H - floor(H / W)·W` at the end of the horizon belongs to no
//! window and is judged by no window figure (it still counts in the
//! per-trial figures). With `H < W` there are no windows and no window
//! figures.
//!
//! Every figure is an integer count ([`WindowAccumulator`]), so merging is
//! exact and results do not depend on the thread count.
//!
//! ```
//! use zonesim::stats::{CreditBand, WindowOutcome, WindowRules};
//! // Windows of 100 h over a 250 h horizon: two windows, 50 h left over.
//! let bands = [CreditBand::new(0.99, 0.1), CreditBand::new(0.95, 0.5)];
//! let rules = WindowRules::new(100.0, 250.0, &[0.999, 0.99], &bands);
//! assert_eq!(rules.per_trial(), 2);
//! let mut o = WindowOutcome::default();
//! rules.judge(3.0, &mut o); // availability 0.97: misses both targets, credit 0.1
//! assert_eq!(o.missed(0), 1);
//! assert_eq!(o.missed(1), 1);
//! assert_eq!(o.credited(0), 1);
//! ```

use serde::{Deserialize, Serialize};

use super::meets_target;

/// The most SLA targets a study may judge (each window keeps one count per
/// target in a fixed-size array).
pub const MAX_SLA_TARGETS: usize = 8;

/// The most service-credit bands a study may give.
pub const MAX_CREDIT_BANDS: usize = 8;

/// The default SLA window: a calendar month's mean length, 730 hours
/// (8760 / 12).
pub const DEFAULT_SLA_WINDOW_HOURS: f64 = 730.0;

/// One band of a provider's service-credit schedule: when a window's
/// availability is below `below`, `credit` (a fraction of the window's fee)
/// is owed. Of all the bands that apply to a window, the largest credit
/// counts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CreditBand {
    /// Availability threshold in (0, 1]: the band applies below it.
    pub below: f64,
    /// Credit owed, as a fraction of the window's fee, in (0, 1].
    pub credit: f64,
}

impl CreditBand {
    /// A band owing `credit` of the window's fee when availability is below `below`.
    pub fn new(below: f64, credit: f64) -> Self {
        CreditBand { below, credit }
    }
}

/// What one trial's windows gave one deployment: per SLA target the number
/// of windows that missed it, and per credit band the number of windows
/// whose (largest applicable) credit is that band's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WindowOutcome {
    missed: [u16; MAX_SLA_TARGETS],
    credited: [u16; MAX_CREDIT_BANDS],
}

impl WindowOutcome {
    /// Windows of the trial that missed target `i` (0 past the targets).
    pub fn missed(&self, i: usize) -> u16 {
        self.missed.get(i).copied().unwrap_or(0)
    }

    /// Windows of the trial owed the credit of band `i` (0 past the bands).
    pub fn credited(&self, i: usize) -> u16 {
        self.credited.get(i).copied().unwrap_or(0)
    }
}

/// How windows are cut and judged: their length, how many fit in a trial,
/// the SLA targets and the credit bands.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowRules {
    hours: f64,
    per_trial: u32,
    targets: Vec<f64>,
    bands: Vec<CreditBand>,
}

impl WindowRules {
    /// Windows of `hours` over a horizon of `horizon` hours, judged against
    /// `targets` and `bands` (only the first [`MAX_SLA_TARGETS`] targets and
    /// [`MAX_CREDIT_BANDS`] bands; `Study::validate` refuses more).
    pub fn new(hours: f64, horizon: f64, targets: &[f64], bands: &[CreditBand]) -> Self {
        let per_trial = if hours > 0.0 && hours.is_finite() && horizon >= hours {
            (horizon / hours).floor().min(u16::MAX as f64) as u32
        } else {
            0
        };
        WindowRules {
            hours,
            per_trial,
            targets: targets.iter().copied().take(MAX_SLA_TARGETS).collect(),
            bands: bands.iter().copied().take(MAX_CREDIT_BANDS).collect(),
        }
    }

    /// No windows at all (nothing judged per window).
    pub fn none() -> Self {
        WindowRules {
            hours: DEFAULT_SLA_WINDOW_HOURS,
            per_trial: 0,
            targets: Vec::new(),
            bands: Vec::new(),
        }
    }

    /// Length of a window (hours).
    #[inline]
    pub fn hours(&self) -> f64 {
        self.hours
    }

    /// Whole windows in one trial (0: no window figures).
    #[inline]
    pub fn per_trial(&self) -> u32 {
        self.per_trial
    }

    /// Judges one window with `down_hours` of downtime into `out`: a target
    /// is missed when the window's availability `1 - down / hours` is below
    /// it (the same comparison as a trial's SLA figures); the band with the
    /// largest credit among those whose `below` exceeds that availability
    /// counts (the first such band on equal credits).
    pub fn judge(&self, down_hours: f64, out: &mut WindowOutcome) {
        for (m, &t) in out.missed.iter_mut().zip(&self.targets) {
            if !meets_target(down_hours, self.hours, t) {
                *m = m.saturating_add(1);
            }
        }
        let availability = 1.0 - down_hours / self.hours;
        let mut best: Option<(usize, f64)> = None;
        for (i, b) in self.bands.iter().enumerate() {
            if availability < b.below && best.is_none_or(|(_, c)| b.credit > c) {
                best = Some((i, b.credit));
            }
        }
        if let Some((i, _)) = best {
            out.credited[i] = out.credited[i].saturating_add(1);
        }
    }
}

/// Streaming, exactly mergeable window statistics of one deployment:
/// integer counts only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WindowAccumulator {
    hours: f64,
    per_trial: u32,
    targets: Vec<f64>,
    bands: Vec<CreditBand>,
    /// Windows that missed each target, over all trials.
    missed: Vec<u64>,
    /// Trials with at least one window missing each target.
    any_missed: Vec<u64>,
    /// Windows owed each band's credit, over all trials.
    credited: Vec<u64>,
}

impl WindowAccumulator {
    /// An empty accumulator for these rules.
    pub fn new(rules: &WindowRules) -> Self {
        WindowAccumulator {
            hours: rules.hours,
            per_trial: rules.per_trial,
            targets: rules.targets.clone(),
            bands: rules.bands.clone(),
            missed: vec![0; rules.targets.len()],
            any_missed: vec![0; rules.targets.len()],
            credited: vec![0; rules.bands.len()],
        }
    }

    /// Records one trial's windows (a trial with no downtime needs no call).
    #[inline]
    pub fn record(&mut self, o: &WindowOutcome) {
        for ((m, a), &k) in self
            .missed
            .iter_mut()
            .zip(&mut self.any_missed)
            .zip(&o.missed)
        {
            *m += k as u64;
            *a += (k > 0) as u64;
        }
        for (c, &k) in self.credited.iter_mut().zip(&o.credited) {
            *c += k as u64;
        }
    }

    /// Merges another accumulator of the same deployment, exactly.
    pub fn merge(&mut self, o: &WindowAccumulator) {
        for (a, b) in self.missed.iter_mut().zip(&o.missed) {
            *a += b;
        }
        for (a, b) in self.any_missed.iter_mut().zip(&o.any_missed) {
            *a += b;
        }
        for (a, b) in self.credited.iter_mut().zip(&o.credited) {
            *a += b;
        }
    }

    /// The window figures over `trials` trials; `None` when a trial holds no
    /// whole window.
    pub fn summary(&self, trials: u64) -> Option<WindowStats> {
        if self.per_trial == 0 {
            return None;
        }
        let n = trials.max(1) as f64;
        let windows = n * self.per_trial as f64;
        let sla = self
            .targets
            .iter()
            .zip(self.missed.iter().zip(&self.any_missed))
            .map(|(&target, (&m, &a))| WindowSla {
                target,
                p_window_misses: m as f64 / windows,
                missed_per_trial: m as f64 / n,
                p_any_missed: a as f64 / n,
            })
            .collect();
        let credit = (!self.bands.is_empty()).then(|| {
            // Integer counts times each band's credit: exact up to the one
            // rounding of each product and of the sum (in band order).
            let total: f64 = self
                .bands
                .iter()
                .zip(&self.credited)
                .map(|(b, &k)| b.credit * k as f64)
                .sum();
            CreditStats {
                per_window: total / windows,
                per_trial: total / n,
            }
        });
        Some(WindowStats {
            hours: self.hours,
            per_trial: self.per_trial,
            sla,
            credit,
        })
    }
}

/// The window figures of one deployment (JSON `"windows"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WindowStats {
    /// Length of a window (hours).
    pub hours: f64,
    /// Whole windows per trial; the horizon's remainder is in none.
    pub per_trial: u32,
    /// One entry per SLA target.
    pub sla: Vec<WindowSla>,
    /// Expected service credit; only when the study gives `sla_credits`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<CreditStats>,
}

/// How often windows miss one SLA target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WindowSla {
    /// Availability target.
    pub target: f64,
    /// P(a window's availability is below the target).
    pub p_window_misses: f64,
    /// Expected number of windows per trial that miss the target.
    pub missed_per_trial: f64,
    /// P(at least one window of a trial misses the target).
    pub p_any_missed: f64,
}

/// Expected service credit, in fractions of one window's fee.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreditStats {
    /// Expected credit per window.
    pub per_window: f64,
    /// Expected credit summed over the windows of one trial.
    pub per_trial: f64,
}
