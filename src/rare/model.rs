//! One deployment compiled for the excursion simulation: the outage processes
//! that touch it (its zones, the common causes covering them, its replicas'
//! own failures), each with its samplers and up-time law, the rate at which
//! each one starts an excursion from the all-up state, and the rule.

use crate::deployment::{Deployment, Rule};
use crate::distributions::{Duration, DurationSampler};
use crate::study::Study;

use super::RareError;
use super::hazard::Law;

/// What a process takes down while it is down.
#[derive(Debug, Clone)]
pub(crate) enum Hits {
    /// These zones (positions in the deployment's distinct zones).
    Zones(Vec<usize>),
    /// One replica (position in the replica list).
    Replica(usize),
}

/// One independent alternating up/down process.
#[derive(Debug, Clone)]
pub(crate) struct Process {
    /// Name for messages and docs: `zone "x"`, `common_cause "y"`, `replica[2]`.
    pub(crate) name: String,
    pub(crate) up: DurationSampler,
    pub(crate) down: DurationSampler,
    /// `E[up]` and `E[down]` (hours).
    pub(crate) means: (f64, f64),
    /// `None`: the up time has no density and is never biased.
    pub(crate) law: Option<Law>,
    pub(crate) hits: Hits,
}

/// The compiled deployment.
#[derive(Debug, Clone)]
pub(crate) struct Model {
    pub(crate) processes: Vec<Process>,
    /// Zone (position in the distinct zones) of each replica.
    pub(crate) replica_zone: Vec<usize>,
    pub(crate) zones: usize,
    /// Units needed: live replicas, or zones holding one (`by_zone`).
    pub(crate) need: usize,
    pub(crate) by_zone: bool,
    /// Probability that each process is the one that starts an excursion.
    pub(crate) start_prob: Vec<f64>,
    /// Their cumulative sums.
    pub(crate) start_cdf: Vec<f64>,
    /// Rate (per hour) of excursions: the all-up state being left.
    pub(crate) excursion_rate: f64,
}

fn process(name: String, up: &Duration, down: &Duration, hits: Hits) -> Process {
    Process {
        name,
        up: up.sampler(),
        down: down.sampler(),
        means: (up.mean(), down.mean()),
        law: Law::new(up),
        hits,
    }
}

impl Model {
    /// Compiles `d` (already validated as part of `study`).
    pub(crate) fn new(study: &Study, d: &Deployment) -> Result<Model, RareError> {
        let (need, by_zone) = match d.rule {
            Rule::AtLeast(k) => (k as usize, false),
            Rule::Majority => (d.replicas.len() / 2 + 1, false),
            Rule::ZonesUp(k) => (k as usize, true),
            Rule::ActivePassive { .. } => {
                return Err(RareError::Unsupported {
                    deployment: d.name.clone(),
                    reason: "active_passive downtime is dominated by failover delays, not by \
                             rare coincident failures; use the plain Monte Carlo estimator"
                        .into(),
                });
            }
        };
        // Recovery tails and maintenance windows are not alternating
        // renewal processes: refused (validation says so first).
        if let Some(reason) = study.importance_blockers(d).into_iter().next() {
            return Err(RareError::Unsupported {
                deployment: d.name.clone(),
                reason,
            });
        }
        if d.release_failures.is_some() {
            return Err(RareError::Unsupported {
                deployment: d.name.clone(),
                reason: "release_failures take every replica down at once, which the \
                         excursion model of coincident zone and replica outages does not \
                         cover; use the plain Monte Carlo estimator"
                    .into(),
            });
        }
        let mut zones: Vec<usize> = Vec::new();
        let mut replica_zone = Vec::with_capacity(d.replicas.len());
        for r in &d.replicas {
            let z = study
                .zones
                .iter()
                .position(|z| &z.id == r)
                .ok_or_else(|| RareError::UnknownDeployment(d.name.clone()))?;
            let pos = match zones.iter().position(|&x| x == z) {
                Some(p) => p,
                None => {
                    zones.push(z);
                    zones.len() - 1
                }
            };
            replica_zone.push(pos);
        }
        let mut processes = Vec::new();
        for (i, &z) in zones.iter().enumerate() {
            let zone = &study.zones[z];
            processes.push(process(
                format!("zone \"{}\"", zone.id),
                &zone.time_to_failure,
                &zone.time_to_repair,
                Hits::Zones(vec![i]),
            ));
        }
        for c in &study.common_causes {
            let hit = study
                .affected_zones(c)
                .map_err(|_| RareError::UnknownDeployment(d.name.clone()))?;
            let covered: Vec<usize> = (0..zones.len())
                .filter(|&i| hit.contains(&zones[i]))
                .collect();
            if !covered.is_empty() {
                processes.push(process(
                    format!("common_cause \"{}\"", c.name),
                    &c.time_to_failure,
                    &c.time_to_repair,
                    Hits::Zones(covered),
                ));
            }
        }
        if let Some(p) = &d.replica_failures {
            for r in 0..d.replicas.len() {
                processes.push(process(
                    format!("deployment \"{}\".replica_failures (replica {r})", d.name),
                    &p.time_to_failure,
                    &p.time_to_repair,
                    Hits::Replica(r),
                ));
            }
        }
        // Excursion rates: process i fails (renewal rate 1 / (E[up] + E[down]))
        // while every other process is up (independent, stationary).
        let avail: Vec<f64> = processes
            .iter()
            .map(|p| p.means.0 / (p.means.0 + p.means.1))
            .collect();
        let rates: Vec<f64> = (0..processes.len())
            .map(|i| {
                let others: f64 = (0..processes.len())
                    .filter(|&j| j != i)
                    .map(|j| avail[j])
                    .product();
                others / (processes[i].means.0 + processes[i].means.1)
            })
            .collect();
        let excursion_rate: f64 = rates.iter().sum();
        let mut acc = 0.0;
        let mut start_cdf: Vec<f64> = rates
            .iter()
            .map(|r| {
                acc += r;
                acc / excursion_rate
            })
            .collect();
        if let Some(last) = start_cdf.last_mut() {
            *last = 1.0;
        }
        Ok(Model {
            processes,
            replica_zone,
            zones: zones.len(),
            need,
            by_zone,
            start_prob: rates.iter().map(|r| r / excursion_rate).collect(),
            start_cdf,
            excursion_rate,
        })
    }

    /// Whether the deployment is up, given which processes are down.
    pub(crate) fn is_up(
        &self,
        down: &[bool],
        zone_down: &mut [bool],
        zone_live: &mut [bool],
    ) -> bool {
        zone_down.iter_mut().for_each(|z| *z = false);
        zone_live.iter_mut().for_each(|z| *z = false);
        let mut replica_down = 0u64;
        let mut replica_down_big = false;
        for (p, &is_down) in self.processes.iter().zip(down) {
            if !is_down {
                continue;
            }
            match &p.hits {
                Hits::Zones(zs) => zs.iter().for_each(|&z| zone_down[z] = true),
                Hits::Replica(r) => {
                    if *r < 64 {
                        replica_down |= 1 << r;
                    } else {
                        replica_down_big = true;
                    }
                }
            }
        }
        let mut live = 0;
        for (r, &z) in self.replica_zone.iter().enumerate() {
            let own_down = if r < 64 {
                replica_down >> r & 1 == 1
            } else {
                replica_down_big && self.replica_down_slow(down, r)
            };
            if zone_down[z] || own_down {
                continue;
            }
            if self.by_zone {
                if !zone_live[z] {
                    zone_live[z] = true;
                    live += 1;
                }
            } else {
                live += 1;
            }
        }
        live >= self.need
    }

    fn replica_down_slow(&self, down: &[bool], r: usize) -> bool {
        self.processes
            .iter()
            .zip(down)
            .any(|(p, &d)| d && matches!(p.hits, Hits::Replica(x) if x == r))
    }
}
