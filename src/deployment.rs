//! Deployments: replicas placed in zones, and the rule that says when the
//! service is up.

use serde::{Deserialize, Serialize};

use crate::topology::OutageProcess;

/// When a deployment counts as up.
///
/// In files: `{ at_least = 2 }`, `"majority"`, `{ zones_up = 2 }`,
/// `{ active_passive = { failover_hours = 0.1 } }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Rule {
    /// At least k replicas up (capacity).
    AtLeast(u32),
    /// More than half of the replicas up (quorum).
    Majority,
    /// At least k distinct zones hold a live replica.
    ZonesUp(u32),
    /// The first replica serves; when the serving replica fails, the service is
    /// down until a failover completes `failover_hours` later, then the first
    /// live replica (in list order) serves. If, before the failover completes,
    /// the failed serving replica or any replica earlier in the list returns,
    /// service resumes at once on the first live replica (one earlier in the
    /// list that came back meanwhile takes it). When a replica earlier in the
    /// list than the serving one is live again, traffic returns to it with no
    /// downtime. While no replica is live the
    /// service is down; when a failover completes and finds no live replica,
    /// the first replica to come back serves at once. At the start of a trial,
    /// the first live replica serves with no failover. Several changes at one
    /// instant are applied together: a serving replica that fails just as an
    /// earlier one returns still starts a failover.
    ActivePassive {
        /// Time from the serving replica's failure to traffic on another (hours).
        failover_hours: f64,
    },
}

impl Rule {
    /// A short human-readable form: `at least 2 of 4`, `majority of 3`, ...
    pub fn describe(&self, replicas: usize) -> String {
        match self {
            Rule::AtLeast(k) => format!("at least {k} of {replicas}"),
            Rule::Majority => format!("majority of {replicas}"),
            Rule::ZonesUp(k) => format!("{k} zones up"),
            Rule::ActivePassive { failover_hours } => {
                format!("active-passive, failover {failover_hours} h")
            }
        }
    }
}

/// A replicated service: an ordered list of replicas, each in a zone, and the
/// rule for when it is up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deployment {
    /// Unique name within the study.
    pub name: String,
    /// Zone id of each replica, in priority order; a zone may appear several times.
    pub replicas: Vec<String>,
    /// When the service counts as up.
    pub rule: Rule,
    /// Optional failures of each replica on its own, independent of its zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replica_failures: Option<OutageProcess>,
}

impl Deployment {
    /// A deployment with no replica failures of its own.
    pub fn new(name: impl Into<String>, replicas: &[&str], rule: Rule) -> Self {
        Deployment {
            name: name.into(),
            replicas: replicas.iter().map(|s| s.to_string()).collect(),
            rule,
            replica_failures: None,
        }
    }

    /// Adds independent per-replica failures.
    pub fn with_replica_failures(mut self, process: OutageProcess) -> Self {
        self.replica_failures = Some(process);
        self
    }

    /// The number of live replicas the rule needs, for counting rules
    /// (`at_least`, `majority`), or `None` for the others.
    pub fn replicas_needed(&self) -> Option<usize> {
        match self.rule {
            Rule::AtLeast(k) => Some(k as usize),
            Rule::Majority => Some(self.replicas.len() / 2 + 1),
            _ => None,
        }
    }
}
