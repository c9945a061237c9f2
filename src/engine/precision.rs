//! Running to a target precision ([`crate::study::Precision`]): batches in
//! windows of [`CHECKPOINT_BATCHES`], the stopping test after each window.
//!
//! The checkpoints are fixed batch counts and every accumulator merges
//! exactly, so the test sees the same figures, and the run stops at the same
//! trial, on any number of threads; a run that stops after `M` trials gives
//! exactly the result of a run of `M` trials.

use serde::{Deserialize, Serialize};

use crate::stats::{DeploymentAccumulator, Z95, wilson_ci95};
use crate::study::PrecisionFigure;

use super::drivers::RarePart;
use super::{
    Accumulators, CHECKPOINT_BATCHES, RunError, RunOptions, Simulation, StudyResult, TrialObserver,
};

/// How a run to a target precision ended (`"precision"` in the JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PrecisionOutcome {
    /// The figure judged (`"unavailability"`, `"downtime_mean"`,
    /// `"p_meets_sla:<target>"`, `"p_misses_sla:<target>"`).
    pub figure: PrecisionFigure,
    /// The target: the 95% half-width over the estimate.
    pub relative_half_width: f64,
    /// The most trials the run could do.
    pub max_trials: u64,
    /// Trials run (and cycles of each importance-sampled deployment).
    pub trials: u64,
    /// Whether every deployment met the target.
    pub met: bool,
    /// Checkpoints passed (one each [`CHECKPOINT_BATCHES`] batches).
    pub checkpoints: u64,
    /// Each deployment's precision at the end, in study order.
    pub deployments: Vec<PrecisionCheck>,
}

/// One deployment's precision at a checkpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PrecisionCheck {
    /// The deployment.
    pub name: String,
    /// The 95% half-width of its estimate of the figure over the estimate
    /// (for unavailability and the mean downtime `1.96` times the relative
    /// standard error; for an SLA probability half the Wilson interval over
    /// the probability); `None` while the figure is 0 (no downtime, or no
    /// miss, seen yet: the target cannot be met then).
    pub relative_half_width: Option<f64>,
    /// Whether it is within the target.
    pub met: bool,
}

impl Simulation {
    /// Runs the study and returns its accumulators and result, honouring the
    /// study's target precision ([`crate::study::Settings::precision`]) and
    /// calling `observer` (if any) for every trial in trial order (see
    /// [`Simulation::run_observed`]). [`Simulation::run`] is this without an
    /// observer.
    ///
    /// ```
    /// use zonesim::prelude::*;
    /// use zonesim::study::Precision;
    ///
    /// let exp = |m| Duration::exponential(m).unwrap();
    /// let settings = Settings::new(200_000, 8760.0).with_precision(Precision::new(0.05));
    /// let study = Study::new(settings)
    ///     .region(Region::new("r", "R", "p", "FR"))
    ///     .zone(Zone::new("a", "r", exp(2190.0), exp(4.0)))
    ///     .deployment(Deployment::new("one", ["a"], Rule::AtLeast(1)));
    /// let sim = Simulation::new(&study).unwrap();
    /// let (_, result) = sim.run_detailed(&RunOptions::new(), None).unwrap();
    /// let p = result.precision.as_ref().unwrap();
    /// assert!(p.met && p.trials < 200_000 && p.trials == result.trials);
    /// ```
    ///
    /// # Errors
    /// As [`Simulation::run`].
    pub fn run_detailed(
        &self,
        opts: &RunOptions<'_>,
        observer: Option<&mut TrialObserver<'_>>,
    ) -> Result<(Accumulators, StudyResult), RunError> {
        let exec = self.executor(opts)?;
        let all = 0..self.batches();
        let mut observer = observer;
        let Some(target) = self.study.simulation.precision else {
            let Some(obs) = observer else {
                let acc =
                    self.run_windows(&exec, all.clone(), opts, all.end, &mut None, |_, _, _| true)?;
                let mut result = self.summarise(&acc);
                self.estimate_rare(&mut result, opts)?;
                return Ok((acc, result));
            };
            // The observer's windows run the excursions too: their sums make
            // the estimate.
            let mut rare = self.rare_range(0..0, opts)?;
            let acc = self.run_windows(
                &exec,
                all,
                opts,
                CHECKPOINT_BATCHES,
                &mut Some(obs),
                |_, _, window| {
                    merge_rare(&mut rare, window.unwrap_or_default());
                    true
                },
            )?;
            let mut result = self.summarise(&acc);
            self.finish_rare(&mut result, &rare, opts)?;
            return Ok((acc, result));
        };
        let goal = target.relative_half_width;
        let figure = target.figure;
        let mut rare = self.rare_range(0..0, opts)?;
        let mut done = 0;
        let mut checkpoints = 0;
        let mut checks: Vec<PrecisionCheck> = Vec::new();
        let mut failure: Option<RunError> = None;
        let acc = self.run_windows(
            &exec,
            all,
            opts,
            CHECKPOINT_BATCHES,
            &mut observer,
            |end, sets, window| {
                checkpoints += 1;
                match self.check_precision(goal, figure, done..end, sets, window, &mut rare, opts) {
                    Ok(c) => {
                        done = end;
                        let met = c.iter().all(|c| c.met);
                        checks = c;
                        !met
                    }
                    Err(e) => {
                        failure = Some(e);
                        false
                    }
                }
            },
        )?;
        if let Some(e) = failure {
            return Err(e);
        }
        let mut result = self.summarise(&acc);
        self.finish_rare(&mut result, &rare, opts)?;
        result.precision = Some(PrecisionOutcome {
            figure,
            relative_half_width: goal,
            max_trials: self.trials,
            trials: acc.trials,
            met: !checks.is_empty() && checks.iter().all(|c| c.met),
            checkpoints,
            deployments: checks,
        });
        Ok((acc, result))
    }

    /// The stopping test at a checkpoint: adds batches `new` of every
    /// importance-sampled deployment's excursions to `rare` (`window`: their
    /// sums when an observer already ran them), then judges every deployment
    /// on `figure`.
    #[allow(clippy::too_many_arguments)]
    fn check_precision(
        &self,
        goal: f64,
        figure: PrecisionFigure,
        new: std::ops::Range<u64>,
        sets: &[&Accumulators],
        window: Option<&[RarePart]>,
        rare: &mut [RarePart],
        opts: &RunOptions<'_>,
    ) -> Result<Vec<PrecisionCheck>, RunError> {
        match window {
            Some(w) => merge_rare(rare, w),
            None => merge_rare(rare, &self.rare_range(new, opts)?),
        }
        let opts_rare = self.rare_options(opts);
        self.deployments
            .iter()
            .enumerate()
            .map(|(j, d)| {
                let parts: Vec<&DeploymentAccumulator> =
                    sets.iter().map(|s| &s.deployments[j]).collect();
                let crude = || DeploymentAccumulator::merged_unavailability(&parts).relative_error;
                let sla = |t: f64, misses: bool| {
                    let k = self
                        .study
                        .simulation
                        .sla_targets
                        .iter()
                        .position(|&x| x == t)?;
                    let (meets, n) = DeploymentAccumulator::merged_sla_meets(&parts, k);
                    let [lo, hi] = wilson_ci95(meets, n);
                    let p = meets as f64 / n.max(1) as f64;
                    let value = if misses { 1.0 - p } else { p };
                    (n > 0 && value > 0.0).then(|| (hi - lo) / 2.0 / value)
                };
                let relative_half_width = match figure {
                    PrecisionFigure::Unavailability => {
                        match rare.iter().find(|p| p.deployment == d.name) {
                            Some(p) => {
                                crate::rare::finish(&self.study, &d.name, &p.acc, &opts_rare)
                                    .map_err(|e| RunError::Estimator {
                                        deployment: d.name.clone(),
                                        message: e.to_string(),
                                    })?
                                    .unavailability
                                    .relative_error
                            }
                            None => crude(),
                        }
                        .map(|r| Z95 * r)
                    }
                    PrecisionFigure::DowntimeMean => crude().map(|r| Z95 * r),
                    PrecisionFigure::PMeetsSla(t) => sla(t, false),
                    PrecisionFigure::PMissesSla(t) => sla(t, true),
                };
                Ok(PrecisionCheck {
                    name: d.name.clone(),
                    relative_half_width,
                    met: relative_half_width.is_some_and(|r| r <= goal),
                })
            })
            .collect()
    }
}

/// Adds the sums of `more` (the same deployments, in the same order, over
/// later batches) to `total`.
fn merge_rare(total: &mut [RarePart], more: &[RarePart]) {
    for (part, more) in total.iter_mut().zip(more) {
        part.acc.merge(&more.acc);
    }
}
