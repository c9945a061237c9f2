//! Compiling a study for running: samplers built, ids resolved to indices,
//! rules reduced to what the sweeps need, and the size checks.

use crate::deployment::Rule;
use crate::stats::{PERCENTILE_SIGNIFICANT_DIGITS, TrialOutcome, WindowRules};
use crate::study::{Study, StudyError};

use super::active_passive::Failover;
use super::limits::{MAX_EXPECTED_INTERVALS_PER_TRIAL, MAX_EXPECTED_WORK, RunError};
use super::merge::{Event, NONE};
use super::process::{Interval, ProcessSampler};
use super::schedule::{Periodic, RecoveryCause, ReplicaSchedule, ZoneExtras};
use super::streams::{
    failover_key, maintenance_key, name_stream, recovery_key, release_stream,
    replica_maintenance_key, stream_key,
};
use super::sweep::EvalState;
use super::{Simulation, active_passive, counting};

/// A deployment rule as the sweeps use it (`Majority` is `AtLeast`).
#[derive(Debug, Clone, Copy)]
pub(super) enum CRule {
    /// At least k replicas up.
    AtLeast(u32),
    /// At least k distinct zones hold a live replica.
    ZonesUp(u32),
    /// Active-passive with this failover (hours).
    ActivePassive(f64),
}

impl CRule {
    fn compile(rule: &Rule, replicas: usize) -> CRule {
        match *rule {
            Rule::AtLeast(k) => CRule::AtLeast(k),
            Rule::Majority => CRule::AtLeast(replicas as u32 / 2 + 1),
            Rule::ZonesUp(k) => CRule::ZonesUp(k),
            Rule::ActivePassive { failover_hours, .. } => CRule::ActivePassive(failover_hours),
        }
    }

    /// Whether the rule depends only on how many units its down zones take
    /// with them, so that (without replica failures) it can be swept interval
    /// by interval over its own zones.
    #[inline]
    pub(super) fn is_counting(&self) -> bool {
        match self {
            CRule::AtLeast(_) | CRule::ZonesUp(_) => true,
            CRule::ActivePassive(_) => false,
        }
    }

    /// Judges deployment `d` (whose rule this is) on a time-ordered stream of
    /// zone and replica events.
    #[inline]
    pub(super) fn sweep_events(
        &self,
        d: &CompiledDeployment,
        events: &[Event],
        horizon: f64,
        st: &mut EvalState,
        trial: u64,
        rec: Option<&mut Vec<Interval>>,
    ) -> TrialOutcome {
        match *self {
            CRule::AtLeast(k) => {
                counting::sweep_counting(d, k as i32, false, events, horizon, st, rec)
            }
            CRule::ZonesUp(k) => {
                counting::sweep_counting(d, k as i32, true, events, horizon, st, rec)
            }
            CRule::ActivePassive(f) => {
                active_passive::sweep_active_passive(d, f, events, horizon, st, trial, rec)
            }
        }
    }
}

/// A deployment compiled for running.
#[derive(Debug, Clone)]
pub(super) struct CompiledDeployment {
    pub(super) name: String,
    pub(super) rule: CRule,
    /// Zone index -> slot (distinct zone of this deployment) or NONE.
    pub(super) zone_slot: Vec<u32>,
    /// Replicas per slot.
    pub(super) slot_replicas: Vec<u32>,
    /// Slot of each replica, in priority order.
    pub(super) replica_slot: Vec<u32>,
    /// Zone of each slot.
    pub(super) slot_zone: Vec<u32>,
    /// Lowest replica index in each slot (replicas in list order).
    pub(super) slot_first_replica: Vec<u32>,
    /// For counting rules: units (replicas for `AtLeast`, 1 for `ZonesUp`)
    /// that each zone takes down with it; 0 for zones outside the deployment.
    pub(super) zone_units: Vec<i32>,
    /// For counting rules: the runs of consecutive zones with equal
    /// `zone_units` (the pre-filter's loops).
    pub(super) runs: Vec<super::prefilter::ZoneRun>,
    /// For counting rules: total units and the units needed to be up.
    pub(super) units: i32,
    pub(super) need: i32,
    pub(super) replica_process: Option<ProcessSampler>,
    pub(super) stream_key: u64,
    /// The replicas' own maintenance windows.
    pub(super) maintenance: Option<ReplicaSchedule>,
    /// For active-passive: detection, success and manual recovery.
    pub(super) failover: Failover,
    /// Release failures that take every replica down together, if any.
    pub(super) release: Option<ProcessSampler>,
    pub(super) release_key: u64,
    /// Whether a trial keeps this deployment's down intervals (a service is
    /// made of it, or it has release failures).
    pub(super) record: bool,
    /// How the study's SLA windows are cut and judged (shared by all).
    pub(super) windows: std::sync::Arc<WindowRules>,
    /// An earlier deployment with the same outcome in every trial, whose
    /// sweep this one shares (`sweep::shared_sweeps`).
    pub(super) same_as: Option<u32>,
}

impl CompiledDeployment {
    /// Whether the deployment (with no replica failures of its own) can be
    /// down at all in a trial whose zone timelines are `zone_rng`:
    /// active-passive serves from its first replica as long as that one's
    /// zone stays up. When false, its outcome is exactly the all-up outcome.
    /// Counting rules are answered by the pre-filter
    /// (`prefilter::Prefilter::may_fail`, `prefilter::any_outage`), which
    /// the trial asks instead; here they may always fail.
    #[inline]
    pub(super) fn may_fail(&self, zone_rng: &[(usize, usize)]) -> bool {
        match self.rule {
            CRule::ActivePassive(_) => {
                let (a, b) = zone_rng[self.slot_zone[self.replica_slot[0] as usize] as usize];
                a != b
            }
            CRule::AtLeast(_) | CRule::ZonesUp(_) => true,
        }
    }
}

impl Simulation {
    /// Validates and compiles a study.
    ///
    /// # Errors
    /// The study's problems ([`StudyError`]), or [`RunError::TooLarge`] wrapped
    /// in [`crate::Error`] when it would need too much time or memory.
    pub fn new(study: &Study) -> Result<Self, crate::Error> {
        study.validate()?;
        if study.deployments.is_empty() {
            // A study without deployments is valid (a plan file is one), but
            // there is nothing to simulate.
            return Err(StudyError {
                problems: vec![crate::study::Problem {
                    at: "deployment".into(),
                    message: "the study has no deployment to simulate".into(),
                }],
            }
            .into());
        }
        let s = &study.simulation;
        let horizon = s.horizon_hours;
        let zone_index = |id: &str| study.zones.iter().position(|z| z.id == id);
        let zones: Vec<ProcessSampler> = study
            .zones
            .iter()
            .map(|z| ProcessSampler::new(&z.process(), horizon))
            .collect();
        let causes: Vec<ProcessSampler> = study
            .common_causes
            .iter()
            .map(|c| ProcessSampler::new(&c.process(), horizon))
            .collect();
        // The extra lists of each zone, numbered after the zones' own lists:
        // causes (list c), then one list per (cause with zone_recovery,
        // affected zone), then one per maintenance schedule (`schedule`).
        let mut zone_causes = vec![Vec::new(); zones.len()];
        let mut extras = ZoneExtras {
            recovery_key: recovery_key(s.seed),
            maintenance_key: maintenance_key(s.seed),
            ..ZoneExtras::default()
        };
        let unknown = |at: String, id: String| StudyError {
            problems: vec![crate::study::Problem {
                at,
                message: format!("unknown id \"{id}\""),
            }],
        };
        let mut next_list = study.common_causes.len() as u32;
        for (ci, c) in study.common_causes.iter().enumerate() {
            let hit = study
                .affected_zones(c)
                .map_err(|id| unknown(format!("common_cause \"{}\".affects", c.name), id))?;
            match &c.zone_recovery {
                None => hit.iter().for_each(|&z| zone_causes[z].push(ci as u32)),
                Some(recovery) => {
                    for &z in &hit {
                        zone_causes[z].push(next_list);
                        next_list += 1;
                    }
                    extras.recovery.push(RecoveryCause {
                        cause: ci,
                        zones: hit.len(),
                        up: c.time_to_failure.sampler(),
                        down: c.time_to_repair.sampler(),
                        recovery: recovery.sampler(),
                        mean_recovery: recovery.mean(),
                    });
                }
            }
        }
        for m in &study.maintenance {
            let hit = study
                .zones_named(&m.zones)
                .map_err(|id| unknown(format!("maintenance \"{}\".zones", m.name), id))?;
            hit.iter().for_each(|&z| zone_causes[z].push(next_list));
            next_list += 1;
            extras.maintenance.push(Periodic {
                every: m.every_hours,
                duration: m.duration_hours,
                offset: m.offset_hours,
            });
        }
        let windows = std::sync::Arc::new(WindowRules::new(
            s.sla_window_hours,
            horizon,
            &s.sla_targets,
            &s.sla_credits,
        ));
        let mut deployments = Vec::with_capacity(study.deployments.len());
        for d in &study.deployments {
            let mut zone_slot = vec![NONE; zones.len()];
            let mut slot_replicas = Vec::new();
            let mut replica_slot = Vec::with_capacity(d.replicas.len());
            let mut slot_zone = Vec::new();
            let mut slot_first_replica = Vec::new();
            for r in &d.replicas {
                let z = zone_index(r).expect("validated");
                if zone_slot[z] == NONE {
                    zone_slot[z] = slot_replicas.len() as u32;
                    slot_replicas.push(0);
                    slot_zone.push(z as u32);
                    slot_first_replica.push(replica_slot.len() as u32);
                }
                slot_replicas[zone_slot[z] as usize] += 1;
                replica_slot.push(zone_slot[z]);
            }
            let rule = CRule::compile(&d.rule, d.replicas.len());
            let (zone_units, units, need) = match rule {
                CRule::AtLeast(k) => (
                    zone_slot
                        .iter()
                        .map(|&s| {
                            if s == NONE {
                                0
                            } else {
                                slot_replicas[s as usize] as i32
                            }
                        })
                        .collect(),
                    replica_slot.len() as i32,
                    k as i32,
                ),
                CRule::ZonesUp(k) => (
                    zone_slot.iter().map(|&s| (s != NONE) as i32).collect(),
                    slot_replicas.len() as i32,
                    k as i32,
                ),
                CRule::ActivePassive(_) => (Vec::new(), 0, 0),
            };
            let runs = super::prefilter::zone_runs(&zone_units);
            deployments.push(CompiledDeployment {
                name: d.name.clone(),
                rule,
                runs,
                zone_slot,
                slot_replicas,
                replica_slot,
                slot_zone,
                slot_first_replica,
                zone_units,
                units,
                need,
                replica_process: d
                    .replica_failures
                    .as_ref()
                    .map(|p| ProcessSampler::new(p, horizon)),
                stream_key: stream_key(s.seed, name_stream(&d.name)),
                maintenance: d.maintenance.as_ref().map(|m| ReplicaSchedule {
                    periodic: Periodic {
                        every: m.every_hours,
                        duration: m.duration_hours,
                        offset: m.offset_hours,
                    },
                    rolling: m.rolling,
                    key: replica_maintenance_key(s.seed, &d.name),
                }),
                failover: match &d.rule {
                    Rule::ActivePassive {
                        detection_hours,
                        success,
                        manual_recovery,
                        ..
                    } => Failover {
                        detection_hours: *detection_hours,
                        success: *success,
                        manual: manual_recovery.as_ref().map(|m| m.sampler()),
                        key: failover_key(s.seed, &d.name),
                    },
                    Rule::AtLeast(_) | Rule::Majority | Rule::ZonesUp(_) => Failover::default(),
                },
                release: d
                    .release_failures
                    .as_ref()
                    .map(|p| ProcessSampler::new(p, horizon)),
                release_key: stream_key(s.seed, release_stream(&d.name)),
                record: d.release_failures.is_some(),
                windows: windows.clone(),
                same_as: None,
            });
        }
        let (services, service_order, part_of_service) =
            super::service::compile_services(study, horizon);
        for (d, part) in deployments.iter_mut().zip(part_of_service) {
            d.record |= part;
        }
        // Deployments recorded for services or with release failures are
        // judged on their own (`sweep_key` declines them).
        let shared = super::sweep::shared_sweeps(&deployments);
        for (d, same) in deployments.iter_mut().zip(shared) {
            d.same_as = same;
        }
        // The baseline is a unit: deployment i, or service j as unit
        // `deployments + j`.
        let baseline = s
            .baseline
            .as_ref()
            .and_then(|b| {
                study
                    .deployments
                    .iter()
                    .position(|d| &d.name == b)
                    .or_else(|| {
                        study
                            .services
                            .iter()
                            .position(|x| &x.name == b)
                            .map(|j| study.deployments.len() + j)
                    })
            })
            .unwrap_or(0);
        let grid =
            super::prefilter::BucketGrid::for_processes(horizon, zones.iter().chain(&causes));
        let sim = Simulation {
            warnings: crate::diagnostics::warnings(study),
            study: study.clone(),
            trials: s.max_trials(),
            horizon,
            seed: s.seed,
            start: s.start,
            sla_targets: s.sla_targets.clone(),
            zone_ids: study.zones.iter().map(|z| z.id.clone()).collect(),
            zones,
            causes,
            zone_cause_masks: (next_list <= 64).then(|| {
                zone_causes
                    .iter()
                    .map(|lists| lists.iter().fold(0, |m, &c| m | 1u64 << c))
                    .collect()
            }),
            zone_causes,
            extras,
            deployments,
            services,
            service_order,
            baseline,
            zone_stream_key: stream_key(s.seed, 0),
            grid,
            process_keys: Vec::new(),
            interval_cap: 0,
            histogram_digits: PERCENTILE_SIGNIFICANT_DIGITS,
            longest_percentile: true,
            memory_budget: super::RUN_MEMORY_BUDGET,
            windows,
        };
        sim.checked_size(study)
    }

    /// Refuses studies that would need unbounded time or memory, naming the
    /// process responsible; sets the per-trial interval cap.
    pub(super) fn checked_size(mut self, study: &Study) -> Result<Self, crate::Error> {
        let mut worst = (0.0f64, String::new());
        let mut total = 0.0;
        let mut note = |n: f64, what: String| {
            total += n;
            if n > worst.0 {
                worst = (n, what);
            }
        };
        for (z, p) in study.zones.iter().zip(&self.zones) {
            note(p.expected_intervals, format!("zone \"{}\"", z.id));
        }
        for (c, p) in study.common_causes.iter().zip(&self.causes) {
            note(p.expected_intervals, format!("common cause \"{}\"", c.name));
        }
        for rc in &self.extras.recovery {
            let c = &study.common_causes[rc.cause];
            note(
                self.causes[rc.cause].expected_intervals * rc.zones as f64,
                format!("zone recoveries of common cause \"{}\"", c.name),
            );
        }
        for (m, p) in study.maintenance.iter().zip(&self.extras.maintenance) {
            note(
                p.expected_windows(self.horizon),
                format!("maintenance \"{}\"", m.name),
            );
        }
        let mut replica_work = 0.0;
        for d in &self.deployments {
            if let Some(p) = &d.replica_process {
                let n = p.expected_intervals * d.replica_slot.len() as f64;
                replica_work += n;
                note(n, format!("replicas of deployment \"{}\"", d.name));
            }
            if let Some(m) = &d.maintenance {
                let n = m.periodic.expected_windows(self.horizon) * d.replica_slot.len() as f64;
                replica_work += n;
                note(n, format!("maintenance of deployment \"{}\"", d.name));
            }
            if let Some(p) = &d.release {
                replica_work += p.expected_intervals;
                note(
                    p.expected_intervals,
                    format!("release failures of deployment \"{}\"", d.name),
                );
            }
        }
        for c in &self.services {
            if let Some(p) = &c.release {
                replica_work += p.expected_intervals;
                note(
                    p.expected_intervals,
                    format!("release failures of service \"{}\"", c.name),
                );
            }
        }
        if total > MAX_EXPECTED_INTERVALS_PER_TRIAL {
            return Err(RunError::TooLarge(format!(
                "one trial would hold about {total:.3e} outage intervals (most from {}, about {:.3e}), \
                 over the limit of {MAX_EXPECTED_INTERVALS_PER_TRIAL:.0}; \
                 check that durations are in hours, or shorten horizon_hours",
                worst.1, worst.0
            ))
            .into());
        }
        let d = self.deployments.len() as f64;
        let zones_events = total - replica_work;
        // A service combines its parts' down intervals, at most every zone
        // event each.
        let services = self.services.len() as f64;
        let per_trial = 1.0
            + self.zones.len() as f64
            + zones_events * (2.0 + d + services)
            + replica_work * (4.0 + services);
        let work = per_trial * self.trials as f64;
        if work > MAX_EXPECTED_WORK {
            return Err(RunError::TooLarge(format!(
                "{} trials of about {per_trial:.0} work units each is {work:.3e} units, over the limit of \
                 {MAX_EXPECTED_WORK:.0e} (roughly an hour of CPU time); use at most {:.0} trials",
                self.trials,
                (MAX_EXPECTED_WORK / per_trial).floor()
            ))
            .into());
        }
        self.interval_cap = ((total * 64.0).max(100_000.0) as usize).min(1_000_000);
        Ok(self)
    }

    /// Overrides the number of trials (e.g. from a command-line flag), keeping
    /// the size checks.
    ///
    /// # Errors
    /// As [`Simulation::new`] when the new total is too large, or 0 trials.
    pub fn with_trials(mut self, study: &Study, trials: u64) -> Result<Self, crate::Error> {
        if trials == 0 {
            return Err(StudyError {
                problems: vec![crate::study::Problem {
                    at: "simulation.trials".into(),
                    message: "must be at least 1, got 0".into(),
                }],
            }
            .into());
        }
        self.trials = trials;
        self.checked_size(study)
    }
}
