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
#[non_exhaustive]
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
    /// instant are applied together before the instant is judged: a serving
    /// replica that fails just as an earlier one returns hands the traffic to
    /// it with no downtime.
    ActivePassive {
        /// Time from the serving replica's failure to traffic on another (hours).
        failover_hours: f64,
    },
}

/// The number of live members a majority of `members` needs: more than half.
pub fn majority_of(members: usize) -> usize {
    members / 2 + 1
}

impl Rule {
    /// The number of live replicas a counting rule needs out of `replicas`
    /// (`at_least`, `majority`), or `None` for the others.
    pub fn replicas_needed(&self, replicas: usize) -> Option<usize> {
        match self {
            Rule::AtLeast(k) => Some(*k as usize),
            Rule::Majority => Some(majority_of(replicas)),
            Rule::ZonesUp(_) | Rule::ActivePassive { .. } => None,
        }
    }

    /// Checks the rule against a placement of `replicas` replicas over
    /// `distinct_zones` distinct zones. `Err` holds the field below the rule
    /// (empty for the rule itself) and what is wrong. The one check of a rule,
    /// shared by studies and plans.
    pub fn check(
        &self,
        replicas: usize,
        distinct_zones: usize,
    ) -> Result<(), (&'static str, String)> {
        match *self {
            Rule::AtLeast(k) if k == 0 || k as usize > replicas => Err((
                "",
                format!("at_least = {k} needs 1 <= k <= {replicas} (the number of replicas)"),
            )),
            Rule::ZonesUp(k) if k == 0 || k as usize > distinct_zones => Err((
                "",
                format!(
                    "zones_up = {k} needs 1 <= k <= {distinct_zones} (the number of distinct zones holding replicas)"
                ),
            )),
            Rule::ActivePassive { failover_hours }
                if !(failover_hours.is_finite() && failover_hours >= 0.0) =>
            {
                Err((
                    "active_passive.failover_hours",
                    format!("must be a finite number >= 0, got {failover_hours}"),
                ))
            }
            Rule::AtLeast(_) | Rule::ZonesUp(_) | Rule::Majority | Rule::ActivePassive { .. } => {
                Ok(())
            }
        }
    }

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

/// The rule as the tables print it: `at_least 2`, `majority`, `zones_up 2`,
/// `active_passive (failover 0.25 h)`.
impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rule::AtLeast(k) => write!(f, "at_least {k}"),
            Rule::Majority => write!(f, "majority"),
            Rule::ZonesUp(k) => write!(f, "zones_up {k}"),
            Rule::ActivePassive { failover_hours } => {
                write!(f, "active_passive (failover {failover_hours} h)")
            }
        }
    }
}

/// A replicated service: an ordered list of replicas, each in a zone, and the
/// rule for when it is up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
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
    /// This deployment's estimator, overriding `simulation.estimator`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimator: Option<crate::study::Estimator>,
    /// Optional release failures: an outage process of the deployment's own
    /// software (a bad release rolled out everywhere) that takes all its
    /// replicas down together, independent of zones. The deployment is down
    /// while this process is down, whatever its rule says of the replicas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_failures: Option<OutageProcess>,
}

impl Deployment {
    /// A deployment with no replica failures of its own: replicas in the
    /// zones named, in priority order (a zone may repeat).
    ///
    /// ```
    /// use zonesim::prelude::*;
    /// let zones = vec!["par-a".to_string(), "par-b".to_string()];
    /// let pair = Deployment::new("pair", &zones, Rule::AtLeast(1));
    /// let same = Deployment::new("pair", ["par-a", "par-b"], Rule::AtLeast(1));
    /// assert_eq!(pair, same);
    /// ```
    pub fn new<I>(name: impl Into<String>, replicas: I, rule: Rule) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        Deployment {
            name: name.into(),
            replicas: replicas
                .into_iter()
                .map(|s| s.as_ref().to_string())
                .collect(),
            rule,
            replica_failures: None,
            estimator: None,
            release_failures: None,
        }
    }

    /// Estimates this deployment with `estimator` whatever the study's default.
    pub fn with_estimator(mut self, estimator: crate::study::Estimator) -> Self {
        self.estimator = Some(estimator);
        self
    }

    /// Adds independent per-replica failures.
    pub fn with_replica_failures(mut self, process: OutageProcess) -> Self {
        self.replica_failures = Some(process);
        self
    }

    /// Adds release failures that take every replica down together
    /// ([`Deployment::release_failures`]).
    ///
    /// ```
    /// use zonesim::prelude::*;
    /// let bad_release = OutageProcess::new(
    ///     Duration::exponential(4380.0).unwrap(), // about two a year
    ///     Duration::fixed(1.0).unwrap(),          // an hour to roll back
    /// );
    /// let d = Deployment::new("web", ["a", "b"], Rule::AtLeast(1))
    ///     .with_release_failures(bad_release);
    /// assert!(d.release_failures.is_some());
    /// ```
    pub fn with_release_failures(mut self, process: OutageProcess) -> Self {
        self.release_failures = Some(process);
        self
    }

    /// The number of live replicas the rule needs, for counting rules
    /// (`at_least`, `majority`), or `None` for the others.
    pub fn replicas_needed(&self) -> Option<usize> {
        self.rule.replicas_needed(self.replicas.len())
    }
}
