//! Running to a target precision ([`crate::study::Precision`]): batches in
//! windows of [`CHECKPOINT_BATCHES`], the stopping test after each window.
//!
//! The checkpoints are fixed batch counts and every accumulator merges
//! exactly, so the test sees the same figures, and the run stops at the same
//! trial, on any number of threads; a run that stops after `M` trials gives
//! exactly the result of a run of `M` trials.

use serde::{Deserialize, Serialize};

use crate::stats::{DeploymentAccumulator, Z95};

use super::drivers::RarePart;
use super::{
    Accumulators, CHECKPOINT_BATCHES, RunError, RunOptions, Simulation, StudyResult, TrialObserver,
};

/// How a run to a target precision ended (`"precision"` in the JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PrecisionOutcome {
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
    /// The 95% half-width of its unavailability estimate over the estimate
    /// (`1.96` times the relative standard error); `None` while no downtime
    /// was seen (the target cannot be met then).
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
            let window = if observer.is_some() {
                CHECKPOINT_BATCHES
            } else {
                all.end
            };
            let acc = self.run_windows(&exec, all, opts, window, &mut observer, |_, _| true)?;
            let mut result = self.summarise(&acc);
            self.estimate_rare(&mut result, opts)?;
            return Ok((acc, result));
        };
        let goal = target.relative_half_width;
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
            |end, sets| {
                checkpoints += 1;
                match self.check_precision(goal, done..end, sets, &mut rare, opts) {
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
    /// importance-sampled deployment's excursions to `rare`, then judges
    /// every deployment.
    fn check_precision(
        &self,
        goal: f64,
        new: std::ops::Range<u64>,
        sets: &[&Accumulators],
        rare: &mut [RarePart],
        opts: &RunOptions<'_>,
    ) -> Result<Vec<PrecisionCheck>, RunError> {
        for (part, more) in rare.iter_mut().zip(self.rare_range(new, opts)?) {
            part.acc.merge(&more.acc);
        }
        let opts_rare = self.rare_options(opts);
        self.deployments
            .iter()
            .enumerate()
            .map(|(j, d)| {
                let relative_error = match rare.iter().find(|p| p.deployment == d.name) {
                    Some(p) => {
                        crate::rare::finish(&self.study, &d.name, &p.acc, &opts_rare)
                            .map_err(|e| RunError::Estimator {
                                deployment: d.name.clone(),
                                message: e.to_string(),
                            })?
                            .unavailability
                            .relative_error
                    }
                    None => {
                        let parts: Vec<&DeploymentAccumulator> =
                            sets.iter().map(|s| &s.deployments[j]).collect();
                        DeploymentAccumulator::merged_unavailability(&parts).relative_error
                    }
                };
                let relative_half_width = relative_error.map(|r| Z95 * r);
                Ok(PrecisionCheck {
                    name: d.name.clone(),
                    relative_half_width,
                    met: relative_half_width.is_some_and(|r| r <= goal),
                })
            })
            .collect()
    }
}
