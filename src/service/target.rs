//! Planning inside a service: the plan's `within` target, checked against
//! the study and turned into the deployments and services that judge each
//! candidate placement.

use serde::{Deserialize, Serialize};

use super::{Part, Service, UpWhen, resolve};
use crate::study::{Problem, Study};

/// A planning target inside a service: the `within` key of `[plan]`,
/// `within = { service = "shop", part = "db" }`. Each candidate placement
/// replaces the deployment `part` (judged by the plan's rule), and is judged
/// by the availability of `service` with its other parts as the study has
/// them, on the same sampled outages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ServiceTarget {
    /// The service whose availability the plan must reach.
    pub service: String,
    /// The deployment of the study that the candidate placements replace;
    /// the service must be made of it, directly or through other services.
    pub part: String,
}

impl ServiceTarget {
    /// Plan `part`'s placement for `service`'s availability.
    pub fn new(service: impl Into<String>, part: impl Into<String>) -> Self {
        ServiceTarget {
            service: service.into(),
            part: part.into(),
        }
    }

    /// The problems of this target in `study` (paths under `plan.within`).
    pub(crate) fn check(&self, study: &Study) -> Vec<Problem> {
        let mut problems = Vec::new();
        let mut bad = |at: &str, message: String| {
            problems.push(Problem {
                at: format!("plan.within.{at}"),
                message,
            })
        };
        let part_ok = match resolve(study, &self.part) {
            Some(Part::Deployment(_)) => true,
            Some(Part::Service(_)) => {
                bad(
                    "part",
                    format!(
                        "\"{}\" is a service; the plan places one deployment",
                        self.part
                    ),
                );
                false
            }
            None => {
                bad("part", format!("no deployment is named \"{}\"", self.part));
                false
            }
        };
        match resolve(study, &self.service) {
            Some(Part::Service(j)) => {
                if part_ok && !dependents(study, &self.part).contains(&j) {
                    bad(
                        "part",
                        format!(
                            "service \"{}\" is not made of \"{}\"",
                            self.service, self.part
                        ),
                    );
                }
            }
            Some(Part::Deployment(_)) | None => bad(
                "service",
                format!("no service is named \"{}\"", self.service),
            ),
        }
        problems
    }

    /// The deployments and services of a planning study in which each of
    /// `candidates` (deployments with distinct names) stands in for `part`:
    /// the study's other deployments, the candidates, the services that do
    /// not depend on `part`, and for each candidate a copy of every service
    /// that does, renamed `"{candidate} in {service}"`. Also the index, among
    /// the returned services, of each candidate's copy of the target.
    pub(crate) fn planning_units(
        &self,
        study: &Study,
        candidates: Vec<crate::deployment::Deployment>,
    ) -> (Vec<crate::deployment::Deployment>, Vec<Service>, Vec<usize>) {
        let dependent = dependents(study, &self.part);
        let mut deployments: Vec<_> = study
            .deployments
            .iter()
            .filter(|d| d.name != self.part)
            .cloned()
            .collect();
        let mut services: Vec<Service> = study
            .services
            .iter()
            .enumerate()
            .filter(|(j, _)| !dependent.contains(j))
            .map(|(_, s)| s.clone())
            .collect();
        let mut judged = Vec::with_capacity(candidates.len());
        for c in &candidates {
            let rename = |name: &str| format!("{} in {name}", c.name);
            for &j in &dependent {
                let s = &study.services[j];
                let map = |p: &String| {
                    if *p == self.part {
                        c.name.clone()
                    } else if study
                        .services
                        .iter()
                        .enumerate()
                        .any(|(k, x)| x.name == *p && dependent.contains(&k))
                    {
                        rename(p)
                    } else {
                        p.clone()
                    }
                };
                let up_when = match &s.up_when {
                    UpWhen::All(p) => UpWhen::All(p.iter().map(map).collect()),
                    UpWhen::Any(p) => UpWhen::Any(p.iter().map(map).collect()),
                    UpWhen::AtLeast { k, of } => UpWhen::AtLeast {
                        k: *k,
                        of: of.iter().map(map).collect(),
                    },
                };
                if s.name == self.service {
                    judged.push(services.len());
                }
                services.push(Service {
                    name: rename(&s.name),
                    up_when,
                    release_failures: s.release_failures.clone(),
                });
            }
        }
        deployments.extend(candidates);
        (deployments, services, judged)
    }
}

/// Indices of the services made of `name`, directly or through others.
fn dependents(study: &Study, name: &str) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    let mut frontier = vec![name.to_string()];
    while let Some(n) = frontier.pop() {
        for (j, s) in study.services.iter().enumerate() {
            if !out.contains(&j) && s.up_when.parts().contains(&n) {
                out.push(j);
                frontier.push(s.name.clone());
            }
        }
    }
    out.sort_unstable();
    out
}
