//! Checking a study once, whole: every problem found, each with where it is.

use std::collections::{HashMap, HashSet};
use std::fmt;

use super::{Estimator, Study};
use crate::deployment::Rule;
use crate::distributions::is_positive_finite;

/// One problem found in a study: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where, as a path into the study: `zone "fr-par-a"`, `deployment[2] "x".rule`.
    pub at: String,
    /// What is wrong, naming the offending value.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

/// Every problem found in a study.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct StudyError {
    /// The problems, in the order they appear in the study.
    pub problems: Vec<Problem>,
}

impl Problem {
    /// Writes `N problem(s) in WHERE` and then each problem on a line of its
    /// own: how [`StudyError`] and the plan's error show themselves.
    pub(crate) fn write_list(
        f: &mut fmt::Formatter<'_>,
        problems: &[Problem],
        place: &str,
    ) -> fmt::Result {
        let n = problems.len();
        write!(f, "{n} problem{} in {place}", if n == 1 { "" } else { "s" })?;
        for p in problems {
            write!(f, "\n  - {p}")?;
        }
        Ok(())
    }
}

impl fmt::Display for StudyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Problem::write_list(f, &self.problems, "the study")
    }
}

/// The problem of an item's name, if any: empty (where the list's names may
/// not be, `empty_at` says where), or taken by an earlier item in `names`
/// (the problem is then at the item, `at`).
fn name_problem<'a>(
    at: &str,
    empty_at: Option<String>,
    name: &'a str,
    names: &mut HashSet<&'a str>,
) -> Option<(String, String)> {
    match empty_at {
        Some(empty_at) if name.trim().is_empty() => Some((empty_at, "is empty".into())),
        _ if !names.insert(name) => Some((at.to_string(), "name is used twice".into())),
        _ => None,
    }
}

/// The problems of a periodic schedule of `windows` back-to-back windows of
/// `duration` every `every`, first at `offset`: `(field, message)` pairs.
pub(crate) fn check_schedule(
    every: f64,
    duration: f64,
    windows: usize,
    offset: Option<f64>,
) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let every_ok = is_positive_finite(every);
    if !every_ok {
        out.push((
            "every_hours",
            format!("must be a finite number > 0, got {every}"),
        ));
    }
    if !is_positive_finite(duration) {
        out.push((
            "duration_hours",
            format!("must be a finite number > 0, got {duration}"),
        ));
    } else if every_ok && duration * windows as f64 >= every {
        out.push((
            "duration_hours",
            if windows == 1 {
                format!("{duration} h must be shorter than every_hours ({every} h)")
            } else {
                format!(
                    "{windows} rolling windows of {duration} h must fit in every_hours ({every} h) \
                     with time to spare"
                )
            },
        ));
    }
    if let Some(o) = offset
        && !(o.is_finite() && o >= 0.0)
    {
        out.push((
            "offset_hours",
            format!("must be a finite number >= 0, got {o}"),
        ));
    }
    out
}

impl Study {
    /// Checks the whole study and reports every problem found, not just the first.
    ///
    /// # Errors
    /// A [`StudyError`] listing each problem with where it is.
    ///
    /// ```
    /// use zonesim::prelude::*;
    /// let study = Study::new(Settings::new(0, -1.0));
    /// let err = study.validate().unwrap_err();
    /// assert!(err.to_string().contains("trials"));
    /// assert!(err.to_string().contains("horizon_hours"));
    /// ```
    pub fn validate(&self) -> Result<(), StudyError> {
        let mut problems = Vec::new();
        let mut bad = |at: String, message: String| problems.push(Problem { at, message });
        let s = &self.simulation;
        if s.trials == 0 {
            bad(
                "simulation.trials".into(),
                "must be at least 1, got 0".into(),
            );
        }
        if !is_positive_finite(s.horizon_hours) {
            bad(
                "simulation.horizon_hours".into(),
                format!("must be a finite number > 0, got {}", s.horizon_hours),
            );
        } else if s.horizon_hours > 1e7 {
            bad(
                "simulation.horizon_hours".into(),
                format!(
                    "{:e} hours is over the limit of 1e7 hours (about 1,100 years)",
                    s.horizon_hours
                ),
            );
        }
        for (i, &t) in s.sla_targets.iter().enumerate() {
            if !(t > 0.0 && t <= 1.0) {
                bad(
                    format!("simulation.sla_targets[{i}]"),
                    format!("must be in (0, 1], got {t}"),
                );
            }
        }
        if s.sla_targets.len() > crate::stats::MAX_SLA_TARGETS {
            bad(
                "simulation.sla_targets".into(),
                format!(
                    "{} targets, over the limit of {}",
                    s.sla_targets.len(),
                    crate::stats::MAX_SLA_TARGETS
                ),
            );
        }
        if !(is_positive_finite(s.sla_window_hours) && s.sla_window_hours <= 1e7) {
            bad(
                "simulation.sla_window_hours".into(),
                format!(
                    "must be a finite number > 0 and at most 1e7, got {}",
                    s.sla_window_hours
                ),
            );
        }
        if s.sla_credits.len() > crate::stats::MAX_CREDIT_BANDS {
            bad(
                "simulation.sla_credits".into(),
                format!(
                    "{} bands, over the limit of {}",
                    s.sla_credits.len(),
                    crate::stats::MAX_CREDIT_BANDS
                ),
            );
        }
        for (i, b) in s.sla_credits.iter().enumerate() {
            if !(b.below > 0.0 && b.below <= 1.0) {
                bad(
                    format!("simulation.sla_credits[{i}].below"),
                    format!("must be in (0, 1], got {}", b.below),
                );
            }
            if !(b.credit > 0.0 && b.credit <= 1.0) {
                bad(
                    format!("simulation.sla_credits[{i}].credit"),
                    format!(
                        "must be in (0, 1] (a fraction of the window's fee), got {}",
                        b.credit
                    ),
                );
            }
            if s.sla_credits[..i].iter().any(|o| o.below == b.below) {
                bad(
                    format!("simulation.sla_credits[{i}].below"),
                    format!("{} is given twice", b.below),
                );
            }
        }
        if let Some(p) = &s.precision {
            p.check(&s.sla_targets, &mut bad);
        }
        if let Some(b) = &s.baseline
            && !self.deployments.iter().any(|d| &d.name == b)
            && !self.services.iter().any(|d| &d.name == b)
        {
            bad(
                "simulation.baseline".into(),
                format!("no deployment or service is named \"{b}\""),
            );
        }

        let mut seen = HashSet::new();
        for r in &self.regions {
            if r.id.is_empty() {
                bad("region".into(), "id is empty".into());
            } else if !seen.insert(r.id.as_str()) {
                bad(format!("region \"{}\"", r.id), "id is used twice".into());
            }
        }
        for r in &self.regions {
            if !r.country.is_empty() && !crate::topology::is_iso_country(&r.country) {
                bad(
                    format!("region \"{}\".country", r.id),
                    format!(
                        "\"{}\" is not an ISO 3166-1 alpha-2 country code (e.g. \"FR\", \"DE\", \"GB\"); \
                         EU membership is derived from it",
                        r.country
                    ),
                );
            }
        }
        let regions: HashSet<&str> = self.regions.iter().map(|r| r.id.as_str()).collect();
        let mut zone_ids: HashMap<&str, usize> = HashMap::new();
        for z in &self.zones {
            if z.id.is_empty() {
                bad("zone".into(), "id is empty".into());
            } else if regions.contains(z.id.as_str()) {
                bad(
                    format!("zone \"{}\"", z.id),
                    "id is also a region id; common causes could not tell them apart".into(),
                );
            } else if zone_ids.insert(z.id.as_str(), 0).is_some() {
                bad(format!("zone \"{}\"", z.id), "id is used twice".into());
            }
            if !regions.contains(z.region.as_str()) {
                bad(
                    format!("zone \"{}\".region", z.id),
                    format!("unknown region \"{}\"", z.region),
                );
            }
        }
        let mut names = HashSet::new();
        for c in &self.common_causes {
            let at = format!("common_cause \"{}\"", c.name);
            if let Some((at, message)) = name_problem(&at, None, &c.name, &mut names) {
                bad(at, message);
            }
            if c.affects.is_empty() {
                bad(format!("{at}.affects"), "is empty".into());
            }
            if let Err(id) = self.affected_zones(c) {
                bad(
                    format!("{at}.affects"),
                    format!("\"{id}\" is neither a region id nor a zone id"),
                );
            }
        }
        let mut names = HashSet::new();
        for (i, m) in self.maintenance.iter().enumerate() {
            let at = format!("maintenance[{i}] \"{}\"", m.name);
            if let Some((at, message)) = name_problem(
                &at,
                Some(format!("maintenance[{i}].name")),
                &m.name,
                &mut names,
            ) {
                bad(at, message);
            }
            if m.zones.is_empty() {
                bad(format!("{at}.zones"), "is empty".into());
            }
            if let Err(id) = self.zones_named(&m.zones) {
                bad(
                    format!("{at}.zones"),
                    format!("\"{id}\" is neither a region id nor a zone id"),
                );
            }
            for (field, message) in
                check_schedule(m.every_hours, m.duration_hours, 1, m.offset_hours)
            {
                bad(format!("{at}.{field}"), message);
            }
        }
        let mut names = HashSet::new();
        for (i, d) in self.deployments.iter().enumerate() {
            let at = format!("deployment[{i}] \"{}\"", d.name);
            if let Some((at, message)) = name_problem(
                &at,
                Some(format!("deployment[{i}].name")),
                &d.name,
                &mut names,
            ) {
                bad(at, message);
            }
            if d.replicas.is_empty() {
                bad(format!("{at}.replicas"), "is empty".into());
            }
            for (j, z) in d.replicas.iter().enumerate() {
                if !zone_ids.contains_key(z.as_str()) {
                    bad(
                        format!("{at}.replicas[{j}]"),
                        format!("unknown zone \"{z}\""),
                    );
                }
            }
            let n = d.replicas.len();
            let distinct: HashSet<&String> = d.replicas.iter().collect();
            let estimator = d.estimator.unwrap_or(s.estimator);
            match (estimator, &d.rule) {
                (Estimator::Importance, Rule::ActivePassive { .. }) => bad(
                    format!("{at}.estimator"),
                    "importance sampling supports the counting rules (at_least, majority, \
                     zones_up); active_passive is dominated by failover delays, not rare: \
                     use estimator = \"crude\""
                        .into(),
                ),
                (Estimator::Importance, Rule::AtLeast(_) | Rule::Majority | Rule::ZonesUp(_))
                | (Estimator::Crude, _) => {}
            }
            if let Err((field, message)) = d.rule.check(n, distinct.len()) {
                let sep = if field.is_empty() { "" } else { "." };
                bad(format!("{at}.rule{sep}{field}"), message);
            }
            if let Some(m) = &d.maintenance {
                let windows = if m.rolling { n.max(1) } else { 1 };
                for (field, message) in
                    check_schedule(m.every_hours, m.duration_hours, windows, m.offset_hours)
                {
                    bad(format!("{at}.maintenance.{field}"), message);
                }
            }
            if estimator == Estimator::Importance {
                for why in self.importance_blockers(d) {
                    bad(format!("{at}.estimator"), why);
                }
            }
            if estimator == Estimator::Importance && d.release_failures.is_some() {
                bad(
                    format!("{at}.estimator"),
                    "importance sampling does not model release_failures (they take every \
                     replica down at once, so they are not rare coincidences of zone outages): \
                     use estimator = \"crude\""
                        .into(),
                );
            }
        }
        problems.extend(crate::service::check(self));
        if problems.is_empty() {
            Ok(())
        } else {
            Err(StudyError { problems })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::StudyError;
    use crate::prelude::*;
    use crate::topology::{CommonCause, Maintenance};

    /// Empty and repeated names of common causes, maintenance and
    /// deployments, each at its own path, and how the error reads.
    #[test]
    fn names_that_are_empty_or_repeated_are_located() {
        let exp = |m| Duration::exponential(m).unwrap();
        let cause = |name: &str| CommonCause::new(name, ["a"], exp(1000.0), exp(1.0));
        let window = |name: &str| Maintenance::new(name, ["a"], 100.0, 1.0);
        let dep = |name: &str| Deployment::new(name, ["a"], Rule::AtLeast(1));
        let study = Study::new(Settings::new(10, 100.0))
            .region(Region::new("r", "R", "p", "FR"))
            .zone(Zone::new("a", "r", exp(100.0), exp(1.0)))
            .common_cause(cause("c"))
            .common_cause(cause("c"))
            .maintenance(window(" "))
            .maintenance(window("m"))
            .maintenance(window("m"))
            .deployment(dep(""))
            .deployment(dep("x"))
            .deployment(dep("x"));
        let err = study.validate().unwrap_err();
        let got: Vec<String> = err.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            got,
            [
                "common_cause \"c\": name is used twice",
                "maintenance[0].name: is empty",
                "maintenance[2] \"m\": name is used twice",
                "deployment[0].name: is empty",
                "deployment[2] \"x\": name is used twice",
            ]
        );
        assert!(
            err.to_string()
                .starts_with("5 problems in the study\n  - common_cause")
        );
        let one = StudyError {
            problems: err.problems[..1].to_vec(),
        };
        assert_eq!(
            one.to_string(),
            "1 problem in the study\n  - common_cause \"c\": name is used twice"
        );
    }
}
