//! Parameter paths: parsing, and reading and setting the number they name.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use super::{HOURS_PER_YEAR, ParamError};
use crate::deployment::Rule;
use crate::distributions::{Duration, RawDuration};
use crate::study::Study;
use crate::topology::{CommonCause, Zone};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Zone,
    Cause,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Which {
    Failure,
    Repair,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Process {
        kind: Kind,
        id: String,
        which: Which,
        param: String,
    },
    Failover {
        deployment: String,
    },
}

/// One number of a study, named as a scenario file names it (see the module
/// docs). Parse it with [`str::parse`].
///
/// ```
/// use zonesim::sensitivity::ParamPath;
/// let p: ParamPath = "zone.alibaba-fr-par-*.time_to_repair.median".parse().unwrap();
/// assert_eq!(p.to_string(), "zone.alibaba-fr-par-*.time_to_repair.median");
/// assert!("zone.a.time_to_lunch.mean".parse::<ParamPath>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamPath {
    text: String,
    target: Target,
}

impl fmt::Display for ParamPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for ParamPath {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl FromStr for ParamPath {
    type Err = ParamError;
    fn from_str(text: &str) -> Result<ParamPath, ParamError> {
        let bad = |reason: &str| ParamError::BadPath {
            path: text.to_string(),
            reason: reason.to_string(),
        };
        let parts: Vec<&str> = text.split('.').collect();
        let target = match parts.first().copied() {
            Some(kind @ ("zone" | "common_cause")) => {
                if parts.len() < 4 {
                    return Err(bad("expected KIND.ID.time_to_failure|time_to_repair.PARAM"));
                }
                let n = parts.len();
                let which = match parts[n - 2] {
                    "time_to_failure" => Which::Failure,
                    "time_to_repair" => Which::Repair,
                    other => {
                        return Err(bad(&format!(
                            "\"{other}\" is neither time_to_failure nor time_to_repair"
                        )));
                    }
                };
                let param = parts[n - 1];
                if !PARAMS.contains(&param) {
                    return Err(bad(&format!(
                        "\"{param}\" is not a duration parameter ({})",
                        PARAMS.join(", ")
                    )));
                }
                Target::Process {
                    kind: if kind == "zone" {
                        Kind::Zone
                    } else {
                        Kind::Cause
                    },
                    id: parts[1..n - 2].join("."),
                    which,
                    param: param.to_string(),
                }
            }
            Some("deployment") => {
                let n = parts.len();
                if n < 5 || parts[n - 3..] != ["rule", "active_passive", "failover_hours"] {
                    return Err(bad(
                        "a deployment's parameter is NAME.rule.active_passive.failover_hours",
                    ));
                }
                Target::Failover {
                    deployment: parts[1..n - 3].join("."),
                }
            }
            _ => {
                return Err(bad(
                    "it starts with neither zone, common_cause nor deployment",
                ));
            }
        };
        let id = match &target {
            Target::Process { id, .. } => id,
            Target::Failover { deployment } => deployment,
        };
        if id.is_empty() {
            return Err(bad("the id is empty"));
        }
        Ok(ParamPath {
            text: text.to_string(),
            target,
        })
    }
}

/// The parameter names a duration path may end in.
const PARAMS: [&str; 9] = [
    "mean", "per_year", "shape", "scale", "median", "sigma", "low", "high", "value",
];

/// Whether `id` matches `pattern`: equal, or, where the pattern holds one
/// `*`, starting with what precedes it and ending with what follows it.
fn id_matches(pattern: &str, id: &str) -> bool {
    match pattern.split_once('*') {
        Some((prefix, suffix)) => {
            id.len() >= prefix.len() + suffix.len()
                && id.starts_with(prefix)
                && id.ends_with(suffix)
        }
        None => pattern == id,
    }
}

/// `d` with parameter `param` set to `v`; `Ok(None)` when `d`'s family has
/// no such parameter.
fn set_duration(d: &Duration, param: &str, v: f64) -> Result<Option<Duration>, String> {
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

fn get_duration(d: &Duration, param: &str) -> Option<f64> {
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

enum Slot<'a> {
    Duration(&'a mut Duration),
    Failover(&'a mut f64),
}

impl ParamPath {
    /// The path's kind and parameter, with the id left out: what a tornado
    /// bar or a plot axis is labelled with when the id is a pattern.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    fn slots<'a>(&self, study: &'a mut Study) -> Result<Vec<Slot<'a>>, ParamError> {
        let not_found = |reason: String| ParamError::NotFound {
            path: self.text.clone(),
            reason,
        };
        match &self.target {
            Target::Process {
                kind, id, which, ..
            } => {
                let pick = |ttf: &'a mut Duration, ttr: &'a mut Duration| match which {
                    Which::Failure => ttf,
                    Which::Repair => ttr,
                };
                let slots: Vec<Slot<'a>> = match kind {
                    Kind::Zone => study
                        .zones
                        .iter_mut()
                        .filter(|z| id_matches(id, &z.id))
                        .map(|z: &'a mut Zone| {
                            Slot::Duration(pick(&mut z.time_to_failure, &mut z.time_to_repair))
                        })
                        .collect(),
                    Kind::Cause => study
                        .common_causes
                        .iter_mut()
                        .filter(|c| id_matches(id, &c.name))
                        .map(|c: &'a mut CommonCause| {
                            Slot::Duration(pick(&mut c.time_to_failure, &mut c.time_to_repair))
                        })
                        .collect(),
                };
                if slots.is_empty() {
                    let what = match kind {
                        Kind::Zone => "zone",
                        Kind::Cause => "common cause",
                    };
                    return Err(not_found(format!("no {what} matches \"{id}\"")));
                }
                Ok(slots)
            }
            Target::Failover { deployment } => {
                let wildcard = deployment.contains('*');
                let mut slots = Vec::new();
                let mut named = false;
                for d in study
                    .deployments
                    .iter_mut()
                    .filter(|d| id_matches(deployment, &d.name))
                {
                    named = true;
                    let described = d.rule.to_string();
                    match &mut d.rule {
                        Rule::ActivePassive { failover_hours } => {
                            slots.push(Slot::Failover(failover_hours))
                        }
                        Rule::AtLeast(_) | Rule::Majority | Rule::ZonesUp(_) if wildcard => {}
                        Rule::AtLeast(_) | Rule::Majority | Rule::ZonesUp(_) => {
                            return Err(not_found(format!(
                                "deployment \"{}\" has rule {described}, not active_passive",
                                d.name
                            )));
                        }
                    }
                }
                if !named {
                    return Err(not_found(format!("no deployment matches \"{deployment}\"")));
                }
                if slots.is_empty() {
                    return Err(not_found(format!(
                        "no active_passive deployment matches \"{deployment}\""
                    )));
                }
                Ok(slots)
            }
        }
    }

    fn param(&self) -> &str {
        match &self.target {
            Target::Process { param, .. } => param,
            Target::Failover { .. } => "failover_hours",
        }
    }

    /// The parameter's value in `study` (of the first zone, cause or
    /// deployment the path matches).
    ///
    /// # Errors
    /// [`ParamError::NotFound`] when the path matches nothing, or the first
    /// match's distribution has no such parameter.
    pub fn get(&self, study: &Study) -> Result<f64, ParamError> {
        let mut copy = study.clone();
        let slots = self.slots(&mut copy)?;
        match &slots[0] {
            Slot::Failover(f) => Ok(**f),
            Slot::Duration(d) => {
                get_duration(d, self.param()).ok_or_else(|| ParamError::NotFound {
                    path: self.text.clone(),
                    reason: format!(
                        "a {} distribution has no parameter \"{}\"",
                        d.name(),
                        self.param()
                    ),
                })
            }
        }
    }

    /// Sets the parameter to `value` in every zone, cause or deployment the
    /// path matches.
    ///
    /// # Errors
    /// [`ParamError::NotFound`] as [`ParamPath::get`];
    /// [`ParamError::BadValue`] when the value is not valid for the
    /// distribution (a failover delay must be finite and >= 0).
    pub fn set(&self, study: &mut Study, value: f64) -> Result<(), ParamError> {
        let param = self.param().to_string();
        let text = self.text.clone();
        for slot in self.slots(study)? {
            match slot {
                Slot::Failover(f) => {
                    if !(value.is_finite() && value >= 0.0) {
                        return Err(ParamError::BadValue {
                            path: text,
                            value,
                            reason: "a failover delay must be a finite number of hours >= 0".into(),
                        });
                    }
                    *f = value;
                }
                Slot::Duration(d) => match set_duration(d, &param, value) {
                    Ok(Some(new)) => *d = new,
                    Ok(None) => {
                        return Err(ParamError::NotFound {
                            path: text,
                            reason: format!(
                                "a {} distribution has no parameter \"{param}\"",
                                d.name()
                            ),
                        });
                    }
                    Err(reason) => {
                        return Err(ParamError::BadValue {
                            path: text,
                            value,
                            reason,
                        });
                    }
                },
            }
        }
        Ok(())
    }
}
