//! Priors written in place of a duration's parameter:
//!
//! ```toml
//! time_to_failure = { dist = "exponential", mean = { dist = "lognormal", median = 43800, sigma = 0.7 } }
//! ```
//!
//! Any number parameter of a zone's, a common cause's (`time_to_failure`,
//! `time_to_repair`, `zone_recovery`) or a deployment's
//! (`replica_failures`, `release_failures`) duration may be a distribution
//! table instead of a number. It means the same as an `[[uncertain]]` entry
//! for that parameter's path (`zone.ID.time_to_failure.mean`): `zonesim
//! uncertain` draws it. Every other command needs a point value; the
//! resolved study holds each such parameter at its prior's mean (so that it
//! validates and can be inspected), and `zonesim run` refuses the file
//! rather than print figures for parameters the file says are unknown
//! ([`super::Scenario::require_point_values`]).
//!
//! The durations are read in one pass with the rest of the file: a bad
//! prior is a parse error at its own line and column, named by its field
//! (`zone[0].time_to_failure: mean: ...`).

use std::fmt;

use serde::Deserialize;
use serde::de::value::{MapDeserializer, SeqDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, Visitor};

use super::LocatedProblem;
use crate::deployment::{Deployment, ReplicaMaintenance, Rule};
use crate::distributions::Duration;
use crate::study::{Estimator, Problem};
use crate::topology::{CommonCause, OutageProcess};

/// A duration whose number parameters may each be a prior: the point
/// duration (each prior at its mean) and the priors by parameter name.
#[derive(Debug, Clone)]
pub(super) struct NestedDuration {
    point: Duration,
    priors: Vec<(String, Duration)>,
}

/// One parameter given as a distribution in place.
#[derive(Debug, Clone, PartialEq)]
pub struct NestedPrior {
    /// The parameter's path (`zone.ID.time_to_failure.mean`).
    pub path: String,
    /// Where it is in the study, for messages (`zone "ID".time_to_failure`).
    pub at: String,
    /// 1-based line of the file, when it could be found.
    pub line: Option<usize>,
    /// The prior.
    pub prior: Duration,
}

/// A value of a duration table: the `dist` name, a number, the samples of
/// an empirical law, or (in place of a number) a prior.
enum Entry {
    Str(String),
    Num(f64),
    Samples(Vec<f64>),
    Prior(Duration),
}

/// Reads one value of a duration table, knowing its key (for messages).
struct EntrySeed<'k>(&'k str);

impl<'de> DeserializeSeed<'de> for EntrySeed<'_> {
    type Value = Entry;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Entry, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EntrySeed<'_> {
    type Value = Entry;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a number for `{}`, or a prior for it (a distribution table such as \
             {{ dist = \"lognormal\", median = 43800, sigma = 0.7 }})",
            self.0
        )
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Entry, E> {
        Ok(Entry::Str(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Entry, E> {
        Ok(Entry::Num(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Entry, E> {
        Ok(Entry::Num(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Entry, E> {
        Ok(Entry::Num(v as f64))
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Entry, A::Error> {
        let mut v = Vec::new();
        while let Some(x) = seq.next_element::<f64>()? {
            v.push(x);
        }
        Ok(Entry::Samples(v))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Entry, A::Error> {
        Duration::deserialize(de::value::MapAccessDeserializer::new(map))
            .map(Entry::Prior)
            .map_err(|e| de::Error::custom(format!("the prior: {e}")))
    }
}

impl<'de> Deserializer<'de> for Entry {
    type Error = de::value::Error;
    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Self::Error> {
        match self {
            Entry::Str(s) => v.visit_string(s),
            Entry::Num(x) => v.visit_f64(x),
            Entry::Samples(s) => v.visit_seq(SeqDeserializer::new(s.into_iter())),
            Entry::Prior(_) => Err(de::Error::custom("a prior where a number is needed")),
        }
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

impl IntoDeserializer<'_, de::value::Error> for Entry {
    type Deserializer = Entry;
    fn into_deserializer(self) -> Entry {
        self
    }
}

struct DurationVisitor;

impl<'de> Visitor<'de> for DurationVisitor {
    type Value = NestedDuration;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "a distribution table such as { dist = \"exponential\", mean = 43800 } (any \
             number of it may be a prior table)",
        )
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NestedDuration, A::Error> {
        let mut entries: Vec<(String, Entry)> = Vec::new();
        let mut priors = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(EntrySeed(&key))?;
            let value = match value {
                Entry::Prior(p) => {
                    let mean = p.mean();
                    priors.push((key.clone(), p));
                    Entry::Num(mean)
                }
                other => other,
            };
            entries.push((key, value));
        }
        // The plain law (priors at their means), read and checked as any
        // duration is.
        let point =
            Duration::deserialize(MapDeserializer::new(entries.into_iter())).map_err(|e| {
                if priors.is_empty() {
                    de::Error::custom(e)
                } else {
                    de::Error::custom(format!("with each prior at its mean: {e}"))
                }
            })?;
        Ok(NestedDuration { point, priors })
    }
}

impl<'de> Deserialize<'de> for NestedDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DurationVisitor)
    }
}

impl NestedDuration {
    /// The point duration; records the priors under `path.PARAM`.
    pub(super) fn take(self, path: &str, at: &str, out: &mut Vec<NestedPrior>) -> Duration {
        for (param, prior) in self.priors {
            out.push(NestedPrior {
                path: format!("{path}.{param}"),
                at: at.to_string(),
                line: None,
                prior,
            });
        }
        self.point
    }
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "an outage process table (time_to_failure, time_to_repair)"
)]
pub(super) struct RawProcess {
    time_to_failure: NestedDuration,
    time_to_repair: NestedDuration,
}

impl RawProcess {
    fn take(self, path: &str, at: &str, out: &mut Vec<NestedPrior>) -> OutageProcess {
        OutageProcess::new(
            self.time_to_failure.take(
                &format!("{path}.time_to_failure"),
                &format!("{at}.time_to_failure"),
                out,
            ),
            self.time_to_repair.take(
                &format!("{path}.time_to_repair"),
                &format!("{at}.time_to_repair"),
                out,
            ),
        )
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a common_cause table")]
pub(super) struct RawCommonCause {
    pub(super) name: String,
    affects: Vec<String>,
    time_to_failure: NestedDuration,
    time_to_repair: NestedDuration,
    zone_recovery: Option<NestedDuration>,
}

impl RawCommonCause {
    pub(super) fn take(self, out: &mut Vec<NestedPrior>) -> CommonCause {
        let path = format!("common_cause.{}", self.name);
        let at = format!("common_cause \"{}\"", self.name);
        let field = |f: &str| (format!("{path}.{f}"), format!("{at}.{f}"));
        let (p, a) = field("time_to_failure");
        let ttf = self.time_to_failure.take(&p, &a, out);
        let (p, a) = field("time_to_repair");
        let ttr = self.time_to_repair.take(&p, &a, out);
        let (p, a) = field("zone_recovery");
        let mut c = CommonCause::new(self.name, self.affects, ttf, ttr);
        c.zone_recovery = self.zone_recovery.map(|r| r.take(&p, &a, out));
        c
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a deployment table")]
pub(super) struct RawDeployment {
    name: String,
    replicas: Vec<String>,
    rule: Rule,
    replica_failures: Option<RawProcess>,
    estimator: Option<Estimator>,
    maintenance: Option<ReplicaMaintenance>,
    release_failures: Option<RawProcess>,
}

impl RawDeployment {
    /// The deployment, `index` being its place in the file.
    pub(super) fn take(self, index: usize, out: &mut Vec<NestedPrior>) -> Deployment {
        let path = format!("deployment.{}", self.name);
        let at = format!("deployment[{index}] \"{}\"", self.name);
        let mut d = Deployment::new(self.name, self.replicas, self.rule);
        d.replica_failures = self.replica_failures.map(|p| {
            p.take(
                &format!("{path}.replica_failures"),
                &format!("{at}.replica_failures"),
                out,
            )
        });
        d.release_failures = self.release_failures.map(|p| {
            p.take(
                &format!("{path}.release_failures"),
                &format!("{at}.release_failures"),
                out,
            )
        });
        d.estimator = self.estimator;
        d.maintenance = self.maintenance;
        d
    }
}

impl super::Scenario {
    /// The parameters the file gives as distributions in place of numbers
    /// (`mean = { dist = "lognormal", ... }`), in file order. They are part
    /// of [`super::Scenario::uncertainty`]; the study holds each at its
    /// prior's mean.
    pub fn nested_priors(&self) -> &[NestedPrior] {
        &self.nested
    }

    /// `Ok` when every parameter of the file is a number; otherwise the
    /// parameters given as distributions, each with its line, and what to
    /// do: a point run of a study whose parameters the file says are
    /// unknown would print figures for values nobody gave.
    ///
    /// # Errors
    /// [`super::ScenarioError::Invalid`] listing each nested prior.
    pub fn require_point_values(&self) -> Result<(), super::ScenarioError> {
        if self.nested.is_empty() {
            return Ok(());
        }
        let problems = self
            .nested
            .iter()
            .map(|n| LocatedProblem {
                line: n.line,
                problem: Problem {
                    at: n.at.clone(),
                    message: format!(
                        "{} is given as a distribution (a prior), not a number: \
                         `zonesim uncertain` carries it into the answer; for a point \
                         run give a number here and the prior as an [[uncertain]] \
                         table (path = \"{}\")",
                        n.path, n.path
                    ),
                },
            })
            .collect();
        Err(super::ScenarioError::Invalid {
            file: self.name.clone(),
            problems,
        })
    }
}
