//! Services composed of deployments (and of other services).
//!
//! A real service is rarely one replica set: a web tier **and** a database
//! quorum **and** a cache. A [`Service`] names its parts (deployments or other
//! services of the same study) and says when it is up ([`UpWhen`]): when all
//! of them are, when any of them is, or when at least `k` of them are. It is
//! judged on the **same** sampled timelines as its parts, trial by trial, and
//! reported with every figure a deployment has.
//!
//! In files:
//!
//! ```toml
//! [[service]]
//! name = "shop"
//! up_when = { all = ["web", "db"] }   # or { any = [...] }, or { at_least = 2, of = [...] }
//! # optional: a bad release of the whole service takes it down, whatever its parts do
//! release_failures = { time_to_failure = { dist = "exponential", mean = 4380.0 }, time_to_repair = { dist = "fixed", value = 1.0 } }
//! ```
//!
//! ```
//! use zonesim::prelude::*;
//! use zonesim::service::{Service, UpWhen};
//!
//! let exp = |m| Duration::exponential(m).unwrap();
//! let mut study = Study::new(Settings::new(2000, 8760.0))
//!     .region(Region::new("r", "R", "p", "FR"));
//! for z in ["a", "b", "c"] {
//!     study = study.zone(Zone::new(z, "r", exp(2190.0), exp(4.0)));
//! }
//! let study = study
//!     .deployment(Deployment::new("web", ["a", "b"], Rule::AtLeast(1)))
//!     .deployment(Deployment::new("db", ["a", "b", "c"], Rule::Majority))
//!     .service(Service::new("shop", UpWhen::all(["web", "db"])));
//! let result = zonesim::run(&study).unwrap();
//! let (web, db) = (result.deployment("web").unwrap(), result.deployment("db").unwrap());
//! let shop = result.service("shop").unwrap();
//! // Down whenever a part is down: never more available than its weakest part.
//! assert!(shop.availability.mean <= web.availability.mean.min(db.availability.mean));
//! ```
//!
//! Names of deployments and services share one namespace. Unknown parts,
//! parts named twice, `k` out of range and cycles (a service that needs
//! itself, directly or through others) are problems of the study, each with
//! its path (`service[1] "shop".up_when.all[0]`).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::study::{Problem, Study};
use crate::topology::OutageProcess;

mod target;
pub use target::ServiceTarget;

/// When a service counts as up, over the names of its parts (deployments or
/// other services).
///
/// In files: `{ all = [...] }`, `{ any = [...] }`, `{ at_least = K, of = [...] }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawUpWhen", into = "RawUpWhen")]
#[non_exhaustive]
pub enum UpWhen {
    /// Up while every part is up (a chain of tiers).
    All(Vec<String>),
    /// Up while at least one part is up (redundant alternatives).
    Any(Vec<String>),
    /// Up while at least `k` of the parts are up.
    AtLeast {
        /// Parts needed up.
        k: u32,
        /// The parts.
        of: Vec<String>,
    },
}

impl UpWhen {
    /// Up while every one of `parts` is up.
    pub fn all<I>(parts: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        UpWhen::All(names(parts))
    }

    /// Up while at least one of `parts` is up.
    pub fn any<I>(parts: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        UpWhen::Any(names(parts))
    }

    /// Up while at least `k` of `parts` are up.
    pub fn at_least<I>(k: u32, parts: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        UpWhen::AtLeast {
            k,
            of: names(parts),
        }
    }

    /// The parts, in the order given.
    pub fn parts(&self) -> &[String] {
        match self {
            UpWhen::All(p) | UpWhen::Any(p) => p,
            UpWhen::AtLeast { of, .. } => of,
        }
    }

    /// The number of parts that must be up: all of them, one, or `k`.
    pub fn needed(&self) -> usize {
        match self {
            UpWhen::All(p) => p.len(),
            UpWhen::Any(_) => 1,
            UpWhen::AtLeast { k, .. } => *k as usize,
        }
    }

    /// The key of the parts' list in files (`all`, `any`, `of`).
    fn key(&self) -> &'static str {
        match self {
            UpWhen::All(_) => "all",
            UpWhen::Any(_) => "any",
            UpWhen::AtLeast { .. } => "of",
        }
    }
}

/// The rule as the tables print it: `all of web, db`, `any of a, b`,
/// `2 of a, b, c`.
impl std::fmt::Display for UpWhen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UpWhen::All(p) => write!(f, "all of {}", p.join(", ")),
            UpWhen::Any(p) => write!(f, "any of {}", p.join(", ")),
            UpWhen::AtLeast { k, of } => write!(f, "{k} of {}", of.join(", ")),
        }
    }
}

fn names<I>(parts: I) -> Vec<String>
where
    I: IntoIterator,
    I::Item: AsRef<str>,
{
    parts.into_iter().map(|s| s.as_ref().to_string()).collect()
}

/// `up_when` as written in files: exactly one of `all`, `any`, or
/// `at_least` with `of`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "up_when: { all = [names] }, { any = [names] } or { at_least = K, of = [names] }"
)]
struct RawUpWhen {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    all: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    any: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    at_least: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    of: Option<Vec<String>>,
}

/// What `up_when` looks like in a file.
const UP_WHEN_FORMS: &str =
    "up_when: { all = [names] }, { any = [names] } or { at_least = K, of = [names] }";

impl TryFrom<RawUpWhen> for UpWhen {
    type Error = String;

    fn try_from(r: RawUpWhen) -> Result<Self, String> {
        match (r.all, r.any, r.at_least, r.of) {
            (Some(p), None, None, None) => Ok(UpWhen::All(p)),
            (None, Some(p), None, None) => Ok(UpWhen::Any(p)),
            (None, None, Some(k), Some(of)) => Ok(UpWhen::AtLeast { k, of }),
            (None, None, Some(_), None) => {
                Err(format!("at_least needs `of`; expected {UP_WHEN_FORMS}"))
            }
            (None, None, None, Some(_)) => {
                Err(format!("`of` needs at_least; expected {UP_WHEN_FORMS}"))
            }
            _ => Err(format!("expected exactly one of {UP_WHEN_FORMS}")),
        }
    }
}

impl From<UpWhen> for RawUpWhen {
    fn from(u: UpWhen) -> Self {
        match u {
            UpWhen::All(p) => RawUpWhen {
                all: Some(p),
                ..Default::default()
            },
            UpWhen::Any(p) => RawUpWhen {
                any: Some(p),
                ..Default::default()
            },
            UpWhen::AtLeast { k, of } => RawUpWhen {
                at_least: Some(k),
                of: Some(of),
                ..Default::default()
            },
        }
    }
}

/// A service composed of deployments and other services: a `[[service]]`
/// of a scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Service {
    /// Unique name among the study's deployments and services.
    pub name: String,
    /// When the service counts as up.
    pub up_when: UpWhen,
    /// Optional release failures of the whole service (a bad release rolled
    /// out to every part): the service is down while this process is down,
    /// whatever its parts do. Independent of zones and of every other
    /// process, from its own random stream keyed by seed, trial and name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_failures: Option<OutageProcess>,
}

impl Service {
    /// A service with no release failures of its own.
    pub fn new(name: impl Into<String>, up_when: UpWhen) -> Self {
        Service {
            name: name.into(),
            up_when,
            release_failures: None,
        }
    }

    /// Adds release failures that take the whole service down
    /// ([`Service::release_failures`]).
    pub fn with_release_failures(mut self, process: OutageProcess) -> Self {
        self.release_failures = Some(process);
        self
    }
}

/// What a name of a study stands for, as the engine resolves a service's
/// parts: a deployment or a service, by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    Deployment(usize),
    Service(usize),
}

/// Resolves a name to a deployment or a service of `study`.
pub(crate) fn resolve(study: &Study, name: &str) -> Option<Part> {
    if let Some(i) = study.deployments.iter().position(|d| d.name == name) {
        return Some(Part::Deployment(i));
    }
    study
        .services
        .iter()
        .position(|s| s.name == name)
        .map(Part::Service)
}

/// Every name of the study, resolved once (the first deployment or service
/// of each name; duplicates are reported by [`check`]).
pub(crate) fn name_index(study: &Study) -> HashMap<&str, Part> {
    let mut index = HashMap::new();
    for (i, s) in study.services.iter().enumerate().rev() {
        index.insert(s.name.as_str(), Part::Service(i));
    }
    for (i, d) in study.deployments.iter().enumerate().rev() {
        index.insert(d.name.as_str(), Part::Deployment(i));
    }
    index
}

/// Each service's parts that are services (indices), with unknown names left out.
fn service_edges(study: &Study, index: &HashMap<&str, Part>) -> Vec<Vec<usize>> {
    study
        .services
        .iter()
        .map(|s| {
            s.up_when
                .parts()
                .iter()
                .filter_map(|p| match index.get(p.as_str()) {
                    Some(Part::Service(j)) => Some(*j),
                    Some(Part::Deployment(_)) | None => None,
                })
                .collect()
        })
        .collect()
}

/// The study's services in an order where every service comes after the
/// services it is made of, as indices; `None` when there is a cycle or an
/// unknown part (which [`check`] reports). Iterative (Kahn's algorithm), so
/// a deeply nested file cannot exhaust the stack.
pub(crate) fn topological_order(study: &Study) -> Option<Vec<usize>> {
    let index = name_index(study);
    let known = study.services.iter().all(|s| {
        s.up_when
            .parts()
            .iter()
            .all(|p| index.contains_key(p.as_str()))
    });
    if !known {
        return None;
    }
    kahn(&service_edges(study, &index)).ok()
}

/// Kahn's algorithm over `edges[i]` = the services `i` is made of: the order
/// (parts first), or the services left on or behind a cycle.
fn kahn(edges: &[Vec<usize>]) -> Result<Vec<usize>, Vec<bool>> {
    let n = edges.len();
    // users[j]: the services made of j; pending[i]: parts of i not yet ordered.
    let mut users = vec![Vec::new(); n];
    let mut pending = vec![0usize; n];
    for (i, e) in edges.iter().enumerate() {
        pending[i] = e.len();
        for &j in e {
            users[j].push(i);
        }
    }
    let mut ready: Vec<usize> = (0..n).rev().filter(|&i| pending[i] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(j) = ready.pop() {
        order.push(j);
        for &i in users[j].iter().rev() {
            pending[i] -= 1;
            if pending[i] == 0 {
                ready.push(i);
            }
        }
    }
    if order.len() == n {
        Ok(order)
    } else {
        Err(pending.iter().map(|&p| p > 0).collect())
    }
}

/// Every problem of the study's services, each with its path:
/// `service[i] "name".up_when.all[j]` for an unknown part.
pub(crate) fn check(study: &Study) -> Vec<Problem> {
    let index = name_index(study);
    let mut problems = Vec::new();
    let mut bad = |at: String, message: String| problems.push(Problem { at, message });
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, s) in study.services.iter().enumerate() {
        let at = format!("service[{i}] \"{}\"", s.name);
        if s.name.trim().is_empty() {
            bad(format!("service[{i}].name"), "is empty".into());
        } else if study.deployments.iter().any(|d| d.name == s.name) {
            bad(
                at.clone(),
                "name is also a deployment's; a service's parts could not tell them apart".into(),
            );
        } else if seen.insert(s.name.as_str(), i).is_some() {
            bad(at.clone(), "name is used twice".into());
        }
        let parts = s.up_when.parts();
        let key = s.up_when.key();
        if parts.is_empty() {
            bad(format!("{at}.up_when.{key}"), "is empty".into());
        }
        let mut named = HashMap::new();
        for (j, p) in parts.iter().enumerate() {
            if !index.contains_key(p.as_str()) {
                bad(
                    format!("{at}.up_when.{key}[{j}]"),
                    format!("unknown deployment or service \"{p}\""),
                );
            } else if *p == s.name {
                bad(
                    format!("{at}.up_when.{key}[{j}]"),
                    format!("a service cannot be made of itself (\"{p}\")"),
                );
            }
            if let Some(first) = named.insert(p.as_str(), j) {
                bad(
                    format!("{at}.up_when.{key}[{j}]"),
                    format!("\"{p}\" is named twice (also at [{first}])"),
                );
            }
        }
        if let UpWhen::AtLeast { k, of } = &s.up_when
            && (*k == 0 || *k as usize > of.len())
        {
            bad(
                format!("{at}.up_when.at_least"),
                format!(
                    "at_least = {k} needs 1 <= k <= {} (the number of parts)",
                    of.len()
                ),
            );
        }
    }
    // Cycles through other services (a direct self-reference is reported above).
    if let Some(cycle) = find_cycle(study) {
        let first = cycle[0];
        // A long cycle is shown by its first few services.
        const SHOWN: usize = 8;
        let mut path: Vec<&str> = cycle
            .iter()
            .take(SHOWN)
            .map(|&i| study.services[i].name.as_str())
            .collect();
        let more = format!("... ({} services in all)", cycle.len());
        if cycle.len() > SHOWN {
            path.push(&more);
        }
        path.push(study.services[first].name.as_str());
        bad(
            format!(
                "service[{first}] \"{}\".up_when",
                study.services[first].name
            ),
            format!("services form a cycle: {}", path.join(" -> ")),
        );
    }
    problems
}

/// A cycle of two or more services (indices, in order), if there is one;
/// iterative, like [`topological_order`].
fn find_cycle(study: &Study) -> Option<Vec<usize>> {
    let index = name_index(study);
    // Self-references are reported on their own.
    let edges: Vec<Vec<usize>> = service_edges(study, &index)
        .into_iter()
        .enumerate()
        .map(|(i, e)| e.into_iter().filter(|&j| j != i).collect())
        .collect();
    let left = kahn(&edges).err()?;
    // Every service left waits on another one left: walk from the first
    // until a service repeats; the walk from there on is a cycle.
    let start = left.iter().position(|&l| l)?;
    let mut seen = vec![usize::MAX; edges.len()];
    let mut path = Vec::new();
    let mut i = start;
    while seen[i] == usize::MAX {
        seen[i] = path.len();
        path.push(i);
        i = *edges[i].iter().find(|&&j| left[j])?;
    }
    Some(path[seen[i]..].to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prelude::*;

    fn study() -> Study {
        let exp = |m| Duration::exponential(m).unwrap();
        Study::new(Settings::new(10, 100.0))
            .region(Region::new("r", "R", "p", "FR"))
            .zone(Zone::new("a", "r", exp(100.0), exp(1.0)))
            .deployment(Deployment::new("x", ["a"], Rule::AtLeast(1)))
            .deployment(Deployment::new("y", ["a"], Rule::AtLeast(1)))
    }

    fn problems(s: &Study) -> Vec<String> {
        check(s).iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn unknown_parts_and_k_are_located() {
        let s = study()
            .service(Service::new("s", UpWhen::all(["x", "nope"])))
            .service(Service::new("t", UpWhen::at_least(3, ["x", "y"])))
            .service(Service::new("u", UpWhen::any(Vec::<String>::new())));
        assert_eq!(
            problems(&s),
            [
                "service[0] \"s\".up_when.all[1]: unknown deployment or service \"nope\"",
                "service[1] \"t\".up_when.at_least: at_least = 3 needs 1 <= k <= 2 (the number of parts)",
                "service[2] \"u\".up_when.any: is empty",
            ]
        );
    }

    #[test]
    fn names_are_unique_across_deployments_and_services() {
        let s = study()
            .service(Service::new("x", UpWhen::all(["y"])))
            .service(Service::new("s", UpWhen::all(["y", "y"])))
            .service(Service::new("s", UpWhen::all(["y"])));
        let p = problems(&s);
        assert!(
            p[0].contains("service[0] \"x\": name is also a deployment's"),
            "{p:?}"
        );
        assert!(
            p[1].contains("up_when.all[1]: \"y\" is named twice (also at [0])"),
            "{p:?}"
        );
        assert!(
            p[2].contains("service[2] \"s\": name is used twice"),
            "{p:?}"
        );
    }

    #[test]
    fn cycles_are_found_with_their_path() {
        let s = study()
            .service(Service::new("top", UpWhen::all(["a1"])))
            .service(Service::new("a1", UpWhen::all(["x", "b1"])))
            .service(Service::new("b1", UpWhen::any(["a1", "y"])));
        assert_eq!(
            problems(&s),
            ["service[1] \"a1\".up_when: services form a cycle: a1 -> b1 -> a1"]
        );
        assert_eq!(topological_order(&s), None);
        let s = study().service(Service::new("me", UpWhen::all(["me"])));
        assert_eq!(
            problems(&s),
            ["service[0] \"me\".up_when.all[0]: a service cannot be made of itself (\"me\")"]
        );
    }

    #[test]
    fn services_come_after_their_parts() {
        let s = study()
            .service(Service::new("top", UpWhen::all(["mid", "x"])))
            .service(Service::new("mid", UpWhen::any(["low", "y"])))
            .service(Service::new("low", UpWhen::all(["x"])));
        assert!(problems(&s).is_empty());
        assert_eq!(topological_order(&s), Some(vec![2, 1, 0]));
    }

    #[test]
    fn deep_nesting_is_checked_without_recursion() {
        let n = 100_000;
        let mut s = study();
        for i in 0..n {
            let part = if i == 0 {
                "x".to_string()
            } else {
                format!("s{}", i - 1)
            };
            s = s.service(Service::new(format!("s{i}"), UpWhen::all([part])));
        }
        assert!(problems(&s).is_empty());
        let order = topological_order(&s).unwrap();
        assert_eq!(order.len(), n);
        assert!(order.windows(2).all(|w| w[0] < w[1]));
        // Close the chain into one long cycle.
        s.services[0].up_when = UpWhen::all([format!("s{}", n - 1)]);
        let p = problems(&s);
        assert_eq!(p.len(), 1);
        assert_eq!(
            p[0],
            "service[0] \"s0\".up_when: services form a cycle: s0 -> s99999 -> s99998 -> \
             s99997 -> s99996 -> s99995 -> s99994 -> s99993 -> ... (100000 services in all) -> s0"
        );
        assert_eq!(topological_order(&s), None);
    }

    #[test]
    fn planning_copies_every_service_that_depends_on_the_part() {
        let s = study()
            .service(Service::new("dbs", UpWhen::any(["y", "x"])))
            .service(Service::new("shop", UpWhen::all(["x", "dbs"])))
            .service(Service::new("other", UpWhen::all(["x"])));
        let t = ServiceTarget::new("shop", "y");
        assert!(t.check(&s).is_empty());
        let cands = vec![
            Deployment::new("#0 a", ["a"], Rule::AtLeast(1)),
            Deployment::new("#1 a+a", ["a", "a"], Rule::AtLeast(2)),
        ];
        let (deps, svcs, judged) = t.planning_units(&s, cands);
        let names: Vec<&str> = deps.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["x", "#0 a", "#1 a+a"]);
        let got: Vec<String> = svcs
            .iter()
            .map(|s| format!("{}: {}", s.name, s.up_when))
            .collect();
        assert_eq!(
            got,
            [
                "other: all of x",
                "#0 a in dbs: any of #0 a, x",
                "#0 a in shop: all of x, #0 a in dbs",
                "#1 a+a in dbs: any of #1 a+a, x",
                "#1 a+a in shop: all of x, #1 a+a in dbs",
            ]
        );
        assert_eq!(judged, [2, 4]);
        let mut planning = s.clone();
        planning.deployments = deps;
        planning.services = svcs;
        assert!(planning.validate().is_ok());
    }

    #[test]
    fn the_file_forms_round_trip() {
        for (text, want) in [
            (r#"{"all":["a","b"]}"#, UpWhen::all(["a", "b"])),
            (r#"{"any":["a"]}"#, UpWhen::any(["a"])),
            (
                r#"{"at_least":2,"of":["a","b","c"]}"#,
                UpWhen::at_least(2, ["a", "b", "c"]),
            ),
        ] {
            let got: UpWhen = serde_json::from_str(text).unwrap();
            assert_eq!(got, want);
            assert_eq!(serde_json::to_string(&got).unwrap(), text);
        }
        for bad in [
            r#"{"all":["a"],"any":["b"]}"#,
            r#"{"at_least":2}"#,
            r#"{"of":["a"]}"#,
            "{}",
        ] {
            let e = serde_json::from_str::<UpWhen>(bad).unwrap_err().to_string();
            assert!(e.contains("at_least = K, of = [names]"), "{bad}: {e}");
        }
        assert!(serde_json::from_str::<UpWhen>(r#"{"every":["a"]}"#).is_err());
        assert_eq!(UpWhen::at_least(2, ["a", "b"]).to_string(), "2 of a, b");
    }
}
