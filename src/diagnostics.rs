//! Diagnostics: what the model itself says about a deployment before any
//! trial runs.
//!
//! A quorum (a rule that needs more than half of its members live) that one
//! zone outage or one common-cause event can take down is a design flaw no
//! amount of simulation will fix, and it is easy to miss: a three-member
//! majority over Alibaba's two Paris zones puts two members in one zone, so
//! the quorum is a single zone in disguise. [`warnings`] finds these; the
//! engine puts them in every [`crate::StudyResult`] (`"warnings"` in the
//! JSON), and the command line prints them under the table and in
//! `zonesim validate`.
//!
//! ```
//! use zonesim::prelude::*;
//! use zonesim::diagnostics::{warnings, WarningKind};
//!
//! let exp = |m| Duration::exponential(m).unwrap();
//! let mut study = Study::new(Settings::new(1000, 8760.0))
//!     .region(Region::new("par", "Paris", "example", "FR"));
//! for z in ["par-a", "par-b"] {
//!     study = study.zone(Zone::new(z, "par", exp(43_800.0), exp(2.0)));
//! }
//! let study = study.deployment(Deployment::new(
//!     "quorum-2+1", ["par-a", "par-a", "par-b"], Rule::Majority,
//! ));
//! let w = warnings(&study);
//! assert_eq!(w.len(), 1);
//! assert_eq!(w[0].kind, WarningKind::SingleZoneTakesDownQuorum);
//! assert!(w[0].message.contains("par-a holds 2 of 3 members"));
//! ```

use serde::{Deserialize, Serialize};

use crate::deployment::{Deployment, Rule, majority_of};
use crate::study::Study;

/// What a [`Warning`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WarningKind {
    /// One zone holds more members of a quorum than it can lose, so a single
    /// zone outage takes it down.
    SingleZoneTakesDownQuorum,
    /// One common cause covers more members of a quorum than it can lose.
    CommonCauseTakesDownQuorum,
}

/// A warning about one deployment of a study.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Warning {
    /// The deployment it is about.
    pub deployment: String,
    /// What kind of weakness.
    pub kind: WarningKind,
    /// The explanation, naming the zone or common cause and the counts; one
    /// line, without a `warning:` prefix or the deployment's name.
    pub message: String,
}

/// Members and the number that must be live, for a rule that is a quorum
/// (more than half must be up); `None` for other rules.
fn quorum_size(d: &Deployment) -> Option<(usize, usize)> {
    let n = d.replicas.len();
    match d.rule {
        Rule::Majority => Some((n, majority_of(n))),
        Rule::AtLeast(k) => (n >= 2 && 2 * k as usize > n).then_some((n, k as usize)),
        Rule::ZonesUp(_) | Rule::ActivePassive { .. } => None,
    }
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// For a quorum, the warning when one zone holds more members than the
/// quorum can lose.
pub fn single_zone_weakness(d: &Deployment) -> Option<Warning> {
    let (n, quorum) = quorum_size(d)?;
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for r in &d.replicas {
        match counts.iter_mut().find(|(z, _)| *z == r.as_str()) {
            Some((_, c)) => *c += 1,
            None => counts.push((r.as_str(), 1)),
        }
    }
    // The first zone holding the most members, in replica order.
    let (zone, most) = counts.iter().copied().rev().max_by_key(|&(_, c)| c)?;
    if n - most >= quorum {
        return None;
    }
    let spread = if counts.len() < 3 {
        format!(
            "; the members span only {} zone{}, a quorum that survives a zone outage needs 3 or more",
            counts.len(),
            if counts.len() == 1 { "" } else { "s" }
        )
    } else {
        String::new()
    };
    Some(Warning {
        deployment: d.name.clone(),
        kind: WarningKind::SingleZoneTakesDownQuorum,
        message: format!(
            "a single zone outage takes down the quorum ({zone} holds {most} of {n} members, {quorum} needed{spread})"
        ),
    })
}

/// For a quorum, the warning when one common cause (a region-wide event,
/// say) covers more members than the quorum can lose: e.g. a majority over
/// two Paris zones and one in Frankfurt falls with every Paris region event.
pub fn common_cause_weakness(study: &Study, d: &Deployment) -> Option<Warning> {
    let (n, quorum) = quorum_size(d)?;
    let weak: Vec<(&str, usize)> = study
        .common_causes
        .iter()
        .filter_map(|c| {
            let zones = study.affected_zones(c).ok()?;
            let hit = d
                .replicas
                .iter()
                .filter(|r| zones.iter().any(|&z| &study.zones[z].id == *r))
                .count();
            (n - hit < quorum).then_some((c.name.as_str(), hit))
        })
        .collect();
    // The first cause covering the most members, in study order.
    let (cause, hit) = *weak.iter().rev().max_by_key(|(_, hit)| *hit)?;
    let others = if weak.len() > 1 {
        format!(" and {} other common cause(s)", weak.len() - 1)
    } else {
        String::new()
    };
    Some(Warning {
        deployment: d.name.clone(),
        kind: WarningKind::CommonCauseTakesDownQuorum,
        message: format!(
            "one common-cause event takes down the quorum ({cause}{others} covers {hit} of {n} members, {quorum} needed; a quorum that survives it keeps at most {} under one common cause)",
            count(n - quorum, "member")
        ),
    })
}

/// Every warning of a study, in deployment order: for each deployment, a
/// single-zone weakness if it has one, else a common-cause weakness.
pub fn warnings(study: &Study) -> Vec<Warning> {
    study
        .deployments
        .iter()
        .filter_map(|d| single_zone_weakness(d).or_else(|| common_cause_weakness(study, d)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(replicas: &[&str], rule: Rule) -> Deployment {
        Deployment::new("d", replicas, rule)
    }

    #[test]
    fn single_zone_weakness_finds_doubled_up_quorums() {
        let weak = |r: &[&str], rule| single_zone_weakness(&d(r, rule)).is_some();
        assert!(weak(&["a", "a", "b"], Rule::Majority));
        assert!(weak(&["a", "b"], Rule::Majority));
        assert!(!weak(&["a", "b", "c"], Rule::Majority));
        assert!(!weak(&["a", "a", "b", "b", "c"], Rule::Majority));
        assert!(!weak(&["a", "b"], Rule::AtLeast(1)));
        assert!(weak(&["a", "a", "b", "b"], Rule::AtLeast(3)));
        assert!(!weak(&["a", "a", "b", "b"], Rule::AtLeast(2)));
        assert!(!weak(&["a"], Rule::AtLeast(1)));
        assert!(!weak(&["a", "a"], Rule::ZonesUp(1)));
        let w = single_zone_weakness(&d(&["b", "a", "a"], Rule::Majority)).unwrap();
        assert_eq!(
            w.message,
            "a single zone outage takes down the quorum (a holds 2 of 3 members, 2 needed; \
             the members span only 2 zones, a quorum that survives a zone outage needs 3 or more)"
        );
        // A tie between zones names the first in replica order.
        let w = single_zone_weakness(&d(&["b", "a"], Rule::Majority)).unwrap();
        assert!(w.message.contains("(b holds 1 of 2"), "{}", w.message);
    }
}
