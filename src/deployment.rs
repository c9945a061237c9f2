//! Deployments: replicas placed in zones, and the rule that says when the
//! service is up.

use serde::{Deserialize, Serialize};

use crate::distributions::Duration;
use crate::topology::OutageProcess;

fn one() -> f64 {
    1.0
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

fn is_one(x: &f64) -> bool {
    *x == 1.0
}

/// When a deployment counts as up.
///
/// In files: `{ at_least = 2 }`, `"majority"`, `{ zones_up = 2 }`,
/// `{ active_passive = { failover_hours = 0.1 } }` (optionally with
/// `detection_hours`, `success` and `manual_recovery`).
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
    ///
    /// Failovers that can fail: the loss of the serving replica goes unnoticed
    /// for `detection_hours` before the failover's `failover_hours` start
    /// (down throughout). When the failover is due it works with probability
    /// `success`; when it does not, the service stays down for a
    /// `manual_recovery` draw (then the first live replica serves), or until
    /// the failed serving replica or one earlier in the list is back, whichever
    /// is first (with no `manual_recovery`, only the latter). A failover that
    /// finds no live replica is no attempt: the first replica back serves. The
    /// defaults (`detection_hours = 0`, `success = 1`) are the plain failover
    /// above, with the same results for a given seed.
    ActivePassive {
        /// Time from the serving replica's failure (once detected) to traffic
        /// on another (hours).
        failover_hours: f64,
        /// Time the loss goes unnoticed before the failover starts (hours, default 0).
        #[serde(default, skip_serializing_if = "is_zero")]
        detection_hours: f64,
        /// Probability that an automatic failover works (default 1).
        #[serde(default = "one", skip_serializing_if = "is_one")]
        success: f64,
        /// Time to restore service by hand after a failed failover (hours);
        /// `None`: until the failed replica or one above it is back.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        manual_recovery: Option<Duration>,
    },
}

/// The number of live members a majority of `members` needs: more than half.
pub fn majority_of(members: usize) -> usize {
    members / 2 + 1
}

impl Rule {
    /// Active-passive with a plain failover of `failover_hours`: detected at
    /// once, always working.
    ///
    /// ```
    /// use zonesim::prelude::*;
    /// let rule = Rule::active_passive(0.25);
    /// assert_eq!(rule.to_string(), "active_passive (failover 0.25 h)");
    /// let flaky = Rule::active_passive_failing(0.25, 0.1, 0.9, Some(Duration::fixed(2.0).unwrap()));
    /// assert!(flaky.to_string().contains("success 0.9"));
    /// ```
    pub fn active_passive(failover_hours: f64) -> Rule {
        Rule::ActivePassive {
            failover_hours,
            detection_hours: 0.0,
            success: 1.0,
            manual_recovery: None,
        }
    }

    /// Active-passive whose failover may go undetected for `detection_hours`,
    /// works with probability `success`, and otherwise waits for
    /// `manual_recovery` (see [`Rule::ActivePassive`]).
    pub fn active_passive_failing(
        failover_hours: f64,
        detection_hours: f64,
        success: f64,
        manual_recovery: Option<Duration>,
    ) -> Rule {
        Rule::ActivePassive {
            failover_hours,
            detection_hours,
            success,
            manual_recovery,
        }
    }

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
        match self {
            &Rule::AtLeast(k) if k == 0 || k as usize > replicas => Err((
                "",
                format!("at_least = {k} needs 1 <= k <= {replicas} (the number of replicas)"),
            )),
            &Rule::ZonesUp(k) if k == 0 || k as usize > distinct_zones => Err((
                "",
                format!(
                    "zones_up = {k} needs 1 <= k <= {distinct_zones} (the number of distinct zones holding replicas)"
                ),
            )),
            &Rule::ActivePassive { failover_hours, .. }
                if !(failover_hours.is_finite() && failover_hours >= 0.0) =>
            {
                Err((
                    "active_passive.failover_hours",
                    format!("must be a finite number >= 0, got {failover_hours}"),
                ))
            }
            &Rule::ActivePassive {
                detection_hours, ..
            } if !(detection_hours.is_finite() && detection_hours >= 0.0) => Err((
                "active_passive.detection_hours",
                format!("must be a finite number >= 0, got {detection_hours}"),
            )),
            &Rule::ActivePassive { success, .. } if !(0.0..=1.0).contains(&success) => Err((
                "active_passive.success",
                format!("must be a probability in [0, 1], got {success}"),
            )),
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
            Rule::ActivePassive { .. } => format!("active-passive{}", self.failover_terms(", ")),
        }
    }
}

impl Rule {
    /// `failover H h`, then `detection H h`, `success P`, `manual DIST` where
    /// they differ from the defaults, each after `sep`; empty for counting rules.
    fn failover_terms(&self, sep: &str) -> String {
        match self {
            Rule::ActivePassive {
                failover_hours,
                detection_hours,
                success,
                manual_recovery,
            } => {
                let mut s = format!("{sep}failover {failover_hours} h");
                if *detection_hours != 0.0 {
                    s.push_str(&format!(", detection {detection_hours} h"));
                }
                if *success != 1.0 {
                    s.push_str(&format!(", success {success}"));
                }
                if let Some(m) = manual_recovery {
                    s.push_str(&format!(", manual recovery mean {} h", m.mean()));
                }
                s
            }
            Rule::AtLeast(_) | Rule::Majority | Rule::ZonesUp(_) => String::new(),
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
            Rule::ActivePassive { .. } => {
                write!(f, "active_passive ({})", self.failover_terms(""))
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
    /// Scheduled downtime of the deployment's own replicas (patching,
    /// upgrades), on top of their zones' outages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maintenance: Option<ReplicaMaintenance>,
    /// Optional release failures: an outage process of the deployment's own
    /// software (a bad release rolled out everywhere) that takes all its
    /// replicas down together, independent of zones. The deployment is down
    /// while this process is down, whatever its rule says of the replicas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_failures: Option<OutageProcess>,
}

/// Scheduled downtime of a deployment's replicas: in files,
/// `maintenance = { every_hours = 168, duration_hours = 0.5, rolling = true, offset_hours = 0 }`.
///
/// Every `every_hours` a cycle starts (the first at `offset_hours`, or at a
/// phase drawn uniformly in each trial when it is left out, as for
/// [`crate::topology::Maintenance`]). With `rolling`, replica `i` (in list
/// order) is down from `i x duration_hours` to `(i + 1) x duration_hours`
/// after the cycle's start, one replica at a time, so
/// `replicas x duration_hours` must fit in `every_hours`; without it
/// (the default), every replica is down for the first `duration_hours`.
///
/// ```
/// use zonesim::prelude::*;
/// let upgrade = ReplicaMaintenance::new(168.0, 0.5).rolling().with_offset(0.0);
/// let d = Deployment::new("q", ["a", "b", "c"], Rule::Majority).with_maintenance(upgrade);
/// assert!(d.maintenance.unwrap().rolling);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ReplicaMaintenance {
    /// Time from the start of one cycle to the start of the next (hours).
    pub every_hours: f64,
    /// Length of each replica's window (hours).
    pub duration_hours: f64,
    /// One replica at a time (true) or all together (false, the default).
    #[serde(default)]
    pub rolling: bool,
    /// Start of the first cycle (hours, at least 0); `None` draws a phase
    /// uniformly in each trial.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset_hours: Option<f64>,
}

impl ReplicaMaintenance {
    /// Every replica down together for `duration_hours` every `every_hours`,
    /// at a phase drawn in each trial.
    pub fn new(every_hours: f64, duration_hours: f64) -> Self {
        ReplicaMaintenance {
            every_hours,
            duration_hours,
            rolling: false,
            offset_hours: None,
        }
    }

    /// One replica at a time, in list order.
    pub fn rolling(mut self) -> Self {
        self.rolling = true;
        self
    }

    /// The first cycle starting at `offset_hours`.
    pub fn with_offset(mut self, offset_hours: f64) -> Self {
        self.offset_hours = Some(offset_hours);
        self
    }
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
            maintenance: None,
            release_failures: None,
        }
    }

    /// Adds scheduled downtime of the replicas.
    pub fn with_maintenance(mut self, maintenance: ReplicaMaintenance) -> Self {
        self.maintenance = Some(maintenance);
        self
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
