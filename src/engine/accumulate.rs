//! Exactly mergeable statistics of a run, and one thread's worker.

use crate::stats::{DeploymentAccumulator, ExactSum, TrialOutcome};

use super::trial::Scratch;
use super::{RunError, Simulation};

/// Exactly mergeable statistics of a whole run (or part of one).
///
/// They serialise (serde) exactly, so a part of a run written by one
/// process and read by another merges to the same bits
/// ([`crate::partial`]).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Accumulators {
    /// Trials recorded.
    pub trials: u64,
    /// One accumulator per deployment, in study order.
    pub deployments: Vec<DeploymentAccumulator>,
    /// One accumulator per service, in study order (the same figures as a
    /// deployment's, paired with the same baseline).
    pub services: Vec<DeploymentAccumulator>,
    /// Exact sum of each zone's downtime (hours) over trials.
    pub zone_down: Vec<ExactSum>,
}

impl Accumulators {
    pub(super) fn new(sim: &Simulation) -> Self {
        Accumulators {
            trials: 0,
            deployments: sim
                .deployments
                .iter()
                .map(|_| deployment_accumulator(sim))
                .collect(),
            services: sim
                .services
                .iter()
                .map(|_| deployment_accumulator(sim))
                .collect(),
            zone_down: vec![ExactSum::new(); sim.zones.len()],
        }
    }

    /// Whether these accumulators have the shape `sim`'s runs give (its
    /// deployments and zones, horizon, SLA targets and histogram bounds),
    /// so they merge with them and summarise with it. Each deployment's
    /// trials must also be the set's trials.
    pub fn fits(&self, sim: &Simulation) -> bool {
        let fresh = deployment_accumulator(sim);
        self.deployments.len() == sim.deployments.len()
            && self.zone_down.len() == sim.zones.len()
            && self
                .deployments
                .iter()
                .all(|d| d.same_shape(&fresh) && d.trials() == self.trials)
    }

    /// Whether `other` has the same shape as these, so the two merge.
    pub fn same_shape(&self, other: &Accumulators) -> bool {
        self.deployments.len() == other.deployments.len()
            && self.zone_down.len() == other.zone_down.len()
            && self
                .deployments
                .iter()
                .zip(&other.deployments)
                .all(|(a, b)| a.same_shape(b))
    }

    /// Approximate heap memory of these accumulators, in bytes.
    pub fn approx_bytes(&self) -> usize {
        self.deployments
            .iter()
            .chain(&self.services)
            .map(DeploymentAccumulator::approx_bytes)
            .sum::<usize>()
            + self.zone_down.len() * ExactSum::approx_bytes()
    }

    /// Merges the accumulators of other trials of the same simulation
    /// (another range of batches, another thread's), exactly: the order and
    /// grouping of merges never changes a bit.
    pub fn merge(&mut self, o: &Accumulators) {
        self.trials += o.trials;
        for (a, b) in self.deployments.iter_mut().zip(&o.deployments) {
            a.merge(b);
        }
        for (a, b) in self.services.iter_mut().zip(&o.services) {
            a.merge(b);
        }
        for (a, b) in self.zone_down.iter_mut().zip(&o.zone_down) {
            a.merge(b);
        }
    }
}

/// An empty accumulator of one deployment, as the run's settings make it.
pub(super) fn deployment_accumulator(sim: &Simulation) -> DeploymentAccumulator {
    let a = DeploymentAccumulator::new(sim.horizon, &sim.sla_targets, sim.histogram_digits)
        .with_windows(&sim.windows);
    if sim.longest_percentile {
        a
    } else {
        a.without_longest_percentile()
    }
}

impl Simulation {
    /// Approximate memory of one set of accumulators (one per deployment,
    /// service and zone), in bytes: what each worker thread of a run holds.
    pub fn accumulator_bytes(&self) -> usize {
        deployment_accumulator(self).approx_bytes() * (self.deployments.len() + self.services.len())
            + self.zones.len() * ExactSum::approx_bytes()
    }
}

/// One thread's accumulators and scratch buffers.
pub(super) struct Worker {
    pub(super) acc: Accumulators,
    scratch: Scratch,
    zone_partial: Vec<f64>,
}

impl Worker {
    pub(super) fn new(sim: &Simulation) -> Self {
        Worker {
            acc: Accumulators::new(sim),
            scratch: Scratch::default(),
            zone_partial: vec![0.0; sim.zones.len()],
        }
    }

    /// Runs trials `first..last` (one batch) into the accumulators; with
    /// `rows`, also appends every trial's outcomes (one per deployment).
    pub(super) fn run_batch(
        &mut self,
        sim: &Simulation,
        first: u64,
        last: u64,
        mut rows: Option<&mut Vec<TrialOutcome>>,
    ) -> Result<(), RunError> {
        self.zone_partial.fill(0.0);
        for trial in first..last {
            sim.run_trial(trial, &mut self.scratch)?;
            let sc = &self.scratch;
            let base = sc.outcomes[sim.baseline].downtime_hours;
            let (deps, svcs) = sc.outcomes.split_at(sim.deployments.len());
            for (a, o) in self.acc.deployments.iter_mut().zip(deps) {
                a.record(o, base);
            }
            for (a, o) in self.acc.services.iter_mut().zip(svcs) {
                a.record(o, base);
            }
            for (p, &down) in self.zone_partial.iter_mut().zip(&sc.zone_down) {
                *p += down;
            }
            if let Some(rows) = rows.as_mut() {
                rows.extend_from_slice(&sc.outcomes);
            }
        }
        self.acc.trials += last - first;
        for a in self
            .acc
            .deployments
            .iter_mut()
            .chain(&mut self.acc.services)
        {
            a.end_batch();
        }
        for (s, p) in self.acc.zone_down.iter_mut().zip(&self.zone_partial) {
            s.add(*p);
        }
        Ok(())
    }
}
