//! What a parameter path names in a study, and reading and setting it.

use super::path::{Owner, ParamPath, Schedule, Target, Which, id_matches};
use super::{HOURS_PER_YEAR, ParamError};
use crate::deployment::Rule;
use crate::distributions::{Duration, RawDuration};
use crate::study::{Study, check_schedule};
use crate::topology::OutageProcess;

/// `d` with parameter `param` set to `v`; `Ok(None)` when `d`'s family has
/// no such parameter.
pub(crate) fn set_duration(d: &Duration, param: &str, v: f64) -> Result<Option<Duration>, String> {
    let scaled = |target_mean: f64| -> Result<Duration, String> {
        let c = target_mean / d.mean();
        let r = match d.params().clone() {
            RawDuration::Exponential { mean } => Duration::exponential(mean * c),
            RawDuration::Weibull { shape, scale } => Duration::weibull(shape, scale * c),
            RawDuration::Lognormal { median, sigma } => Duration::lognormal(median * c, sigma),
            RawDuration::Gamma { shape, scale } => Duration::gamma(shape, scale * c),
            RawDuration::Uniform { low, high } => Duration::uniform(low * c, high * c),
            RawDuration::Fixed { value } => Duration::fixed(value * c),
            RawDuration::Empirical { samples } => {
                Duration::empirical(samples.iter().map(|s| s * c).collect())
            }
        };
        r.map_err(|e| e.to_string())
    };
    let r = match (param, d.params().clone()) {
        ("mean", _) => scaled(v),
        ("per_year", _) => scaled(HOURS_PER_YEAR / v),
        ("shape", RawDuration::Weibull { scale, .. }) => {
            Duration::weibull(v, scale).map_err(|e| e.to_string())
        }
        ("scale", RawDuration::Weibull { shape, .. }) => {
            Duration::weibull(shape, v).map_err(|e| e.to_string())
        }
        ("shape", RawDuration::Gamma { scale, .. }) => {
            Duration::gamma(v, scale).map_err(|e| e.to_string())
        }
        ("scale", RawDuration::Gamma { shape, .. }) => {
            Duration::gamma(shape, v).map_err(|e| e.to_string())
        }
        ("median", RawDuration::Lognormal { sigma, .. }) => {
            Duration::lognormal(v, sigma).map_err(|e| e.to_string())
        }
        ("sigma", RawDuration::Lognormal { median, .. }) => {
            Duration::lognormal(median, v).map_err(|e| e.to_string())
        }
        ("low", RawDuration::Uniform { high, .. }) => {
            Duration::uniform(v, high).map_err(|e| e.to_string())
        }
        ("high", RawDuration::Uniform { low, .. }) => {
            Duration::uniform(low, v).map_err(|e| e.to_string())
        }
        ("value", RawDuration::Fixed { .. }) => Duration::fixed(v).map_err(|e| e.to_string()),
        _ => return Ok(None),
    };
    r.map(Some)
}

pub(crate) fn get_duration(d: &Duration, param: &str) -> Option<f64> {
    match (param, d.params()) {
        ("mean", _) => Some(d.mean()),
        ("per_year", _) => Some(HOURS_PER_YEAR / d.mean()),
        ("shape", RawDuration::Weibull { shape: v, .. } | RawDuration::Gamma { shape: v, .. })
        | ("scale", RawDuration::Weibull { scale: v, .. } | RawDuration::Gamma { scale: v, .. })
        | ("median", RawDuration::Lognormal { median: v, .. })
        | ("sigma", RawDuration::Lognormal { sigma: v, .. })
        | ("low", RawDuration::Uniform { low: v, .. })
        | ("high", RawDuration::Uniform { high: v, .. })
        | ("value", RawDuration::Fixed { value: v }) => Some(*v),
        _ => None,
    }
}

/// A maintenance schedule's numbers.
struct Sched<'a> {
    every: &'a mut f64,
    duration: &'a mut f64,
    offset: &'a mut Option<f64>,
    /// Windows a cycle holds: the replicas of a rolling schedule, else 1.
    windows: usize,
    /// How the schedule is named in messages.
    name: String,
}

enum Slot<'a> {
    Duration(&'a mut Duration),
    Failover(&'a mut f64),
    Schedule(Sched<'a>),
}

fn pick(p: &mut OutageProcess, which: Which) -> &mut Duration {
    match which {
        Which::Failure | Which::Recovery => &mut p.time_to_failure,
        Which::Repair => &mut p.time_to_repair,
    }
}

impl ParamPath {
    fn not_found(&self, reason: String) -> ParamError {
        ParamError::NotFound {
            path: self.text.clone(),
            reason,
        }
    }

    fn slots<'a>(&self, study: &'a mut Study) -> Result<Vec<Slot<'a>>, ParamError> {
        let mut slots = Vec::new();
        match &self.target {
            Target::Process {
                owner, id, which, ..
            } => {
                let which = *which;
                let mut matched = false;
                match owner {
                    Owner::Zone => {
                        for z in study.zones.iter_mut().filter(|z| id_matches(id, &z.id)) {
                            matched = true;
                            slots.push(Slot::Duration(match which {
                                Which::Repair => &mut z.time_to_repair,
                                Which::Failure | Which::Recovery => &mut z.time_to_failure,
                            }));
                        }
                    }
                    Owner::Cause => {
                        for c in study
                            .common_causes
                            .iter_mut()
                            .filter(|c| id_matches(id, &c.name))
                        {
                            matched = true;
                            match which {
                                Which::Failure => {
                                    slots.push(Slot::Duration(&mut c.time_to_failure))
                                }
                                Which::Repair => slots.push(Slot::Duration(&mut c.time_to_repair)),
                                Which::Recovery => {
                                    if let Some(r) = &mut c.zone_recovery {
                                        slots.push(Slot::Duration(r));
                                    } else if !id.contains('*') {
                                        return Err(self.not_found(format!(
                                            "common cause \"{}\" has no zone_recovery",
                                            c.name
                                        )));
                                    }
                                }
                            }
                        }
                    }
                    Owner::Replica | Owner::Release => {
                        let field = if *owner == Owner::Replica {
                            "replica_failures"
                        } else {
                            "release_failures"
                        };
                        for d in study
                            .deployments
                            .iter_mut()
                            .filter(|d| id_matches(id, &d.name))
                        {
                            matched = true;
                            let p = if *owner == Owner::Replica {
                                &mut d.replica_failures
                            } else {
                                &mut d.release_failures
                            };
                            match p {
                                Some(p) => slots.push(Slot::Duration(pick(p, which))),
                                None if id.contains('*') => {}
                                None => {
                                    return Err(self.not_found(format!(
                                        "deployment \"{}\" has no {field}",
                                        d.name
                                    )));
                                }
                            }
                        }
                    }
                }
                let what = match owner {
                    Owner::Zone => "zone",
                    Owner::Cause => "common cause",
                    Owner::Replica | Owner::Release => "deployment",
                };
                if !matched {
                    return Err(self.not_found(format!("no {what} matches \"{id}\"")));
                }
                if slots.is_empty() {
                    let field = match (owner, which) {
                        (Owner::Replica, _) => "replica_failures",
                        (Owner::Release, _) => "release_failures",
                        _ => "zone_recovery",
                    };
                    return Err(self.not_found(format!("no {what} matching \"{id}\" has {field}")));
                }
            }
            Target::Failover { deployment } => {
                let wildcard = deployment.contains('*');
                let mut named = false;
                for d in study
                    .deployments
                    .iter_mut()
                    .filter(|d| id_matches(deployment, &d.name))
                {
                    named = true;
                    let described = d.rule.to_string();
                    match &mut d.rule {
                        Rule::ActivePassive { failover_hours, .. } => {
                            slots.push(Slot::Failover(failover_hours))
                        }
                        Rule::AtLeast(_) | Rule::Majority | Rule::ZonesUp(_) if wildcard => {}
                        Rule::AtLeast(_) | Rule::Majority | Rule::ZonesUp(_) => {
                            return Err(self.not_found(format!(
                                "deployment \"{}\" has rule {described}, not active_passive",
                                d.name
                            )));
                        }
                    }
                }
                if !named {
                    return Err(self.not_found(format!("no deployment matches \"{deployment}\"")));
                }
                if slots.is_empty() {
                    return Err(self.not_found(format!(
                        "no active_passive deployment matches \"{deployment}\""
                    )));
                }
            }
            Target::Maintenance { schedule, id, .. } => {
                match schedule {
                    Schedule::Zones => {
                        let names: Vec<String> =
                            study.maintenance.iter().map(|m| m.name.clone()).collect();
                        for m in study
                            .maintenance
                            .iter_mut()
                            .filter(|m| id_matches(id, &m.name))
                        {
                            slots.push(Slot::Schedule(Sched {
                                name: format!("maintenance \"{}\"", m.name),
                                every: &mut m.every_hours,
                                duration: &mut m.duration_hours,
                                offset: &mut m.offset_hours,
                                windows: 1,
                            }));
                        }
                        if slots.is_empty() {
                            return Err(self.not_found(if names.is_empty() {
                            format!("no maintenance matches \"{id}\": the study has no [[maintenance]]")
                        } else {
                            format!(
                                "no maintenance matches \"{id}\" (the study has: {})",
                                names.join(", ")
                            )
                        }));
                        }
                    }
                    Schedule::Replicas => {
                        let mut named = false;
                        for d in study
                            .deployments
                            .iter_mut()
                            .filter(|d| id_matches(id, &d.name))
                        {
                            named = true;
                            let n = d.replicas.len();
                            match &mut d.maintenance {
                                Some(m) => slots.push(Slot::Schedule(Sched {
                                    name: format!("maintenance of deployment \"{}\"", d.name),
                                    windows: if m.rolling { n.max(1) } else { 1 },
                                    every: &mut m.every_hours,
                                    duration: &mut m.duration_hours,
                                    offset: &mut m.offset_hours,
                                })),
                                None if id.contains('*') => {}
                                None => {
                                    return Err(self.not_found(format!(
                                        "deployment \"{}\" has no maintenance",
                                        d.name
                                    )));
                                }
                            }
                        }
                        if !named {
                            return Err(self.not_found(format!("no deployment matches \"{id}\"")));
                        }
                        if slots.is_empty() {
                            return Err(self.not_found(format!(
                                "no deployment matching \"{id}\" has maintenance"
                            )));
                        }
                    }
                }
            }
        }
        Ok(slots)
    }

    /// The parameter's value in `study` (of the first zone, cause,
    /// deployment or schedule the path matches).
    ///
    /// # Errors
    /// [`ParamError::NotFound`] when the path matches nothing, the first
    /// match's distribution has no such parameter, or a maintenance
    /// schedule has no `offset_hours` (its phase is drawn in each trial).
    pub fn get(&self, study: &Study) -> Result<f64, ParamError> {
        let mut copy = study.clone();
        let slots = self.slots(&mut copy)?;
        match &slots[0] {
            Slot::Failover(f) => Ok(**f),
            Slot::Duration(d) => get_duration(d, self.param()).ok_or_else(|| {
                self.not_found(format!(
                    "a {} distribution has no parameter \"{}\"",
                    d.name(),
                    self.param()
                ))
            }),
            Slot::Schedule(s) => match self.param() {
                "every_hours" => Ok(*s.every),
                "duration_hours" => Ok(*s.duration),
                _ => (*s.offset).ok_or_else(|| self.no_offset(&s.name)),
            },
        }
    }

    fn no_offset(&self, name: &str) -> ParamError {
        self.not_found(format!(
            "{name} has no offset_hours (its phase is drawn in each trial); give \
             offset_hours in the file to vary it"
        ))
    }

    /// Sets the parameter to `value` in every zone, cause, deployment or
    /// schedule the path matches.
    ///
    /// # Errors
    /// [`ParamError::NotFound`] as [`ParamPath::get`];
    /// [`ParamError::BadValue`] when the value is not valid for the
    /// distribution (a failover delay must be finite and >= 0; a
    /// maintenance window must be shorter than its period, and a rolling
    /// one times the replicas must fit in it).
    pub fn set(&self, study: &mut Study, value: f64) -> Result<(), ParamError> {
        let param = self.param().to_string();
        let bad = |reason: String| ParamError::BadValue {
            path: self.text.clone(),
            value,
            reason,
        };
        for slot in self.slots(study)? {
            match slot {
                Slot::Failover(f) => {
                    if !(value.is_finite() && value >= 0.0) {
                        return Err(bad(
                            "a failover delay must be a finite number of hours >= 0".into(),
                        ));
                    }
                    *f = value;
                }
                Slot::Duration(d) => match set_duration(d, &param, value) {
                    Ok(Some(new)) => *d = new,
                    Ok(None) => {
                        return Err(self.not_found(format!(
                            "a {} distribution has no parameter \"{param}\"",
                            d.name()
                        )));
                    }
                    Err(reason) => return Err(bad(reason)),
                },
                Slot::Schedule(s) => {
                    let (mut every, mut duration, mut offset) = (*s.every, *s.duration, *s.offset);
                    match param.as_str() {
                        "every_hours" => every = value,
                        "duration_hours" => duration = value,
                        _ if offset.is_none() => return Err(self.no_offset(&s.name)),
                        _ => offset = Some(value),
                    }
                    let problems = check_schedule(every, duration, s.windows, offset);
                    if let Some((field, message)) = problems.first() {
                        return Err(bad(format!("{}.{field}: {message}", s.name)));
                    }
                    (*s.every, *s.duration, *s.offset) = (every, duration, offset);
                }
            }
        }
        Ok(())
    }
}
