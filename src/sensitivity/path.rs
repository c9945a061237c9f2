//! Parameter paths: parsing them. What they name in a study, and reading
//! and setting it, is in `slots`.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use super::ParamError;

/// Whose outage process a duration path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Owner {
    /// A zone's own process.
    Zone,
    /// A common cause's process (or its zone recovery).
    Cause,
    /// A deployment's `replica_failures`.
    Replica,
    /// A deployment's `release_failures`.
    Release,
}

/// Which duration of the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Which {
    Failure,
    Repair,
    /// A common cause's `zone_recovery`.
    Recovery,
}

/// Whose maintenance schedule a path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Schedule {
    /// A `[[maintenance]]` entry of zones.
    Zones,
    /// A deployment's replica `maintenance`.
    Replicas,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Target {
    Process {
        owner: Owner,
        id: String,
        which: Which,
        param: String,
    },
    Failover {
        deployment: String,
    },
    Maintenance {
        schedule: Schedule,
        id: String,
        field: &'static str,
    },
}

/// One number of a study, named as a scenario file names it (see the module
/// docs). Parse it with [`str::parse`].
///
/// ```
/// use zonesim::sensitivity::ParamPath;
/// let p: ParamPath = "zone.alibaba-fr-par-*.time_to_repair.median".parse().unwrap();
/// assert_eq!(p.to_string(), "zone.alibaba-fr-par-*.time_to_repair.median");
/// assert!("maintenance.patching.duration_hours".parse::<ParamPath>().is_ok());
/// assert!("deployment.q.replica_failures.time_to_failure.mean".parse::<ParamPath>().is_ok());
/// assert!("zone.a.time_to_lunch.mean".parse::<ParamPath>().is_err());
/// assert!("maintenance.patching.length_hours".parse::<ParamPath>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamPath {
    pub(super) text: String,
    pub(super) target: Target,
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

/// The parameter names a duration path may end in.
pub(super) const PARAMS: [&str; 9] = [
    "mean", "per_year", "shape", "scale", "median", "sigma", "low", "high", "value",
];

/// The numbers of a maintenance schedule a path may name.
pub(super) const SCHEDULE_FIELDS: [&str; 3] = ["every_hours", "duration_hours", "offset_hours"];

fn which(word: &str, recovery: bool) -> Result<Which, String> {
    match word {
        "time_to_failure" => Ok(Which::Failure),
        "time_to_repair" => Ok(Which::Repair),
        "zone_recovery" if recovery => Ok(Which::Recovery),
        other if recovery => Err(format!(
            "\"{other}\" is none of time_to_failure, time_to_repair, zone_recovery"
        )),
        other => Err(format!(
            "\"{other}\" is neither time_to_failure nor time_to_repair"
        )),
    }
}

fn duration_param(word: &str) -> Result<String, String> {
    if PARAMS.contains(&word) {
        Ok(word.to_string())
    } else {
        Err(format!(
            "\"{word}\" is not a duration parameter ({})",
            PARAMS.join(", ")
        ))
    }
}

fn schedule_field(word: &str) -> Result<&'static str, String> {
    SCHEDULE_FIELDS
        .iter()
        .find(|f| **f == word)
        .copied()
        .ok_or_else(|| {
            format!(
                "\"{word}\" is not a maintenance number ({})",
                SCHEDULE_FIELDS.join(", ")
            )
        })
}

fn parse_target(parts: &[&str]) -> Result<Target, String> {
    let n = parts.len();
    let id = |from: usize, to: usize| parts[from..to].join(".");
    match parts[0] {
        kind @ ("zone" | "common_cause") => {
            let cause = kind == "common_cause";
            if n < 4 {
                return Err(if cause {
                    "expected common_cause.NAME.time_to_failure|time_to_repair|zone_recovery.PARAM"
                        .into()
                } else {
                    "expected zone.ID.time_to_failure|time_to_repair.PARAM".into()
                });
            }
            Ok(Target::Process {
                owner: if cause { Owner::Cause } else { Owner::Zone },
                which: which(parts[n - 2], cause)?,
                param: duration_param(parts[n - 1])?,
                id: id(1, n - 2),
            })
        }
        "maintenance" => {
            if n < 3 {
                return Err("expected maintenance.NAME.FIELD".into());
            }
            Ok(Target::Maintenance {
                schedule: Schedule::Zones,
                field: schedule_field(parts[n - 1])?,
                id: id(1, n - 1),
            })
        }
        "deployment" => {
            if n >= 5 && parts[n - 3..] == ["rule", "active_passive", "failover_hours"] {
                return Ok(Target::Failover {
                    deployment: id(1, n - 3),
                });
            }
            if n >= 4 && parts[n - 2] == "maintenance" {
                return Ok(Target::Maintenance {
                    schedule: Schedule::Replicas,
                    field: schedule_field(parts[n - 1])?,
                    id: id(1, n - 2),
                });
            }
            let owner = match parts.get(n.wrapping_sub(3)) {
                Some(&"replica_failures") if n >= 5 => Owner::Replica,
                Some(&"release_failures") if n >= 5 => Owner::Release,
                _ => {
                    return Err(
                        "a deployment's parameter is NAME.rule.active_passive.failover_hours, \
                         NAME.replica_failures.time_to_failure|time_to_repair.PARAM (or \
                         release_failures), or NAME.maintenance.FIELD"
                            .into(),
                    );
                }
            };
            Ok(Target::Process {
                owner,
                which: which(parts[n - 2], false)?,
                param: duration_param(parts[n - 1])?,
                id: id(1, n - 3),
            })
        }
        _ => Err("it starts with none of zone, common_cause, maintenance, deployment".into()),
    }
}

impl FromStr for ParamPath {
    type Err = ParamError;
    fn from_str(text: &str) -> Result<ParamPath, ParamError> {
        let bad = |reason: String| ParamError::BadPath {
            path: text.to_string(),
            reason,
        };
        let parts: Vec<&str> = text.split('.').collect();
        let target = parse_target(&parts).map_err(bad)?;
        let id = match &target {
            Target::Process { id, .. } | Target::Maintenance { id, .. } => id,
            Target::Failover { deployment } => deployment,
        };
        if id.is_empty() {
            return Err(bad("the id is empty".into()));
        }
        Ok(ParamPath {
            text: text.to_string(),
            target,
        })
    }
}

impl ParamPath {
    /// The path as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The last part of the path: the parameter's own name (`median`,
    /// `failover_hours`, `duration_hours`, ...).
    pub(super) fn param(&self) -> &str {
        match &self.target {
            Target::Process { param, .. } => param,
            Target::Failover { .. } => "failover_hours",
            Target::Maintenance { field, .. } => field,
        }
    }
}

/// Whether `id` matches `pattern`: equal, or, where the pattern holds one
/// `*`, starting with what precedes it and ending with what follows it.
pub(super) fn id_matches(pattern: &str, id: &str) -> bool {
    match pattern.split_once('*') {
        Some((prefix, suffix)) => {
            id.len() >= prefix.len() + suffix.len()
                && id.starts_with(prefix)
                && id.ends_with(suffix)
        }
        None => pattern == id,
    }
}
