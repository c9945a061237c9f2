//! Exact steady-state values to check simulations against.
//!
//! When every outage process touching a deployment is independent and
//! stationary (the default steady-state start), the probability that a
//! counting-rule deployment is up at a random instant, its long-run
//! availability, follows from the processes' stationary down probabilities
//! alone, whatever their distributions. [`steady_state_availability`]
//! computes it exactly by enumerating the up/down states of those processes
//! (times the up probability of the deployment's release failures, an
//! independent process); [`service_availability`] composes such values for
//! a service whose parts share no process (product and k-of-n forms).
//!
//! ```
//! use zonesim::analytic::steady_state_availability;
//! use zonesim::prelude::*;
//!
//! let exp = |m| Duration::exponential(m).unwrap();
//! let mut study = Study::new(Settings::new(1000, 8760.0))
//!     .region(Region::new("r", "R", "p", "FR"));
//! for z in ["a", "b", "c"] {
//!     study = study.zone(Zone::new(z, "r", exp(2190.0), exp(4.0)));
//! }
//! let d = Deployment::new("2 of 3", &["a", "b", "c"], Rule::AtLeast(2));
//! let a: f64 = 2190.0 / 2194.0;
//! let exact = steady_state_availability(&study, &d).unwrap();
//! assert!((exact - (a.powi(3) + 3.0 * a * a * (1.0 - a))).abs() < 1e-15);
//! ```

use crate::deployment::{Deployment, Rule};
use crate::service::{Part, resolve};
use crate::study::Study;

/// The most outage processes (zones plus common causes touching the
/// deployment) that [`steady_state_availability`] enumerates: 2^20 states.
pub const MAX_PROCESSES: usize = 20;

/// The deepest nesting of services that [`service_availability`] follows.
pub const MAX_NESTING: usize = 64;

/// The exact long-run availability of a counting-rule deployment (`at_least`,
/// `majority`, `zones_up`) with no replica failures, from the stationary down
/// probability `E[down] / (E[up] + E[down])` of each zone and common cause
/// touching it, times the stationary up probability of its release failures
/// when it has them (an independent process that takes every replica down:
/// the product form). `None` for active-passive (it depends on the failover
/// delay and the durations, not only on the stationary state), for replica
/// failures, for ids the study does not hold, when more than
/// [`MAX_PROCESSES`] processes are involved, or when recovery tails
/// (`zone_recovery`) or maintenance windows touch the deployment (they are
/// not independent up/down processes; [`Study::importance_blockers`] lists
/// them).
pub fn steady_state_availability(study: &Study, d: &Deployment) -> Option<f64> {
    if d.replica_failures.is_some() || !study.importance_blockers(d).is_empty() {
        return None;
    }
    let release = d
        .release_failures
        .as_ref()
        .map_or(1.0, |p| p.steady_state_availability());
    // Distinct zones of the deployment and the replicas each holds.
    let mut zones: Vec<usize> = Vec::new();
    let mut per_zone: Vec<usize> = Vec::new();
    for r in &d.replicas {
        let z = study.zones.iter().position(|z| &z.id == r)?;
        match zones.iter().position(|&x| x == z) {
            Some(i) => per_zone[i] += 1,
            None => {
                zones.push(z);
                per_zone.push(1);
            }
        }
    }
    let (need, by_zone) = match d.rule {
        Rule::AtLeast(k) => (k as usize, false),
        Rule::Majority => (d.replicas.len() / 2 + 1, false),
        Rule::ZonesUp(k) => (k as usize, true),
        Rule::ActivePassive { .. } => return None,
    };
    // Each process: its stationary down probability and the zones (positions
    // in `zones`) it takes down.
    let mut procs: Vec<(f64, Vec<usize>)> = zones
        .iter()
        .enumerate()
        .map(|(i, &z)| {
            let p = study.zones[z].process();
            (1.0 - p.steady_state_availability(), vec![i])
        })
        .collect();
    for c in &study.common_causes {
        let hit = study.affected_zones(c).ok()?;
        let covered: Vec<usize> = (0..zones.len())
            .filter(|&i| hit.contains(&zones[i]))
            .collect();
        if !covered.is_empty() {
            procs.push((1.0 - c.process().steady_state_availability(), covered));
        }
    }
    if procs.len() > MAX_PROCESSES {
        return None;
    }
    let mut up = 0.0;
    let mut zone_up = vec![true; zones.len()];
    for state in 0u32..1 << procs.len() {
        let mut p = 1.0;
        zone_up.iter_mut().for_each(|u| *u = true);
        for (j, (q, covered)) in procs.iter().enumerate() {
            if state >> j & 1 == 1 {
                p *= q;
                covered.iter().for_each(|&i| zone_up[i] = false);
            } else {
                p *= 1.0 - q;
            }
        }
        let live: usize = (0..zones.len())
            .filter(|&i| zone_up[i])
            .map(|i| if by_zone { 1 } else { per_zone[i] })
            .sum();
        if live >= need {
            up += p;
        }
    }
    Some(up * release)
}

/// The exact long-run availability of the service named `name`
/// ([`crate::service`]) when its parts share no process: no zone, and no
/// common cause touching zones of two parts (so their up states are
/// independent). Each part's availability comes from
/// [`steady_state_availability`] (a deployment) or from this function (a
/// service); `all` is their product, `any` one minus the product of their
/// unavailabilities, `at_least = k` the probability that at least `k`
/// independent parts are up (the Poisson-binomial sum); the service's own
/// release failures multiply it by their stationary up probability.
/// `None` when parts share a process, when a part has no exact value
/// (active-passive, replica failures), for a name the study does not hold,
/// or for services nested more than [`MAX_NESTING`] deep.
///
/// ```
/// use zonesim::analytic::service_availability;
/// use zonesim::prelude::*;
///
/// let exp = |m| Duration::exponential(m).unwrap();
/// let mut study = Study::new(Settings::new(1000, 8760.0))
///     .region(Region::new("r", "R", "p", "FR"));
/// for z in ["a", "b"] {
///     study = study.zone(Zone::new(z, "r", exp(90.0), exp(10.0)));
/// }
/// let study = study
///     .deployment(Deployment::new("x", ["a"], Rule::AtLeast(1)))
///     .deployment(Deployment::new("y", ["b"], Rule::AtLeast(1)))
///     .service(Service::new("both", UpWhen::all(["x", "y"])))
///     .service(Service::new("either", UpWhen::any(["x", "y"])));
/// let both = service_availability(&study, "both").unwrap();
/// let either = service_availability(&study, "either").unwrap();
/// assert!((both - 0.81).abs() < 1e-15 && (either - 0.99).abs() < 1e-15);
/// ```
pub fn service_availability(study: &Study, name: &str) -> Option<f64> {
    footprint(study, name, 0).map(|(a, _)| a)
}

/// A unit's exact availability and the processes (zones `z`, common causes
/// `zones + c`) its up state depends on; `None` as for
/// [`service_availability`].
fn footprint(study: &Study, name: &str, depth: usize) -> Option<(f64, Vec<usize>)> {
    // A valid study has no cycle; the bound keeps an invalid one finite and
    // the recursion shallow.
    if depth > MAX_NESTING {
        return None;
    }
    let nz = study.zones.len();
    match resolve(study, name)? {
        Part::Deployment(i) => {
            let d = &study.deployments[i];
            let a = steady_state_availability(study, d)?;
            let mut procs: Vec<usize> = Vec::new();
            for r in &d.replicas {
                procs.push(study.zones.iter().position(|z| &z.id == r)?);
            }
            for (c, cause) in study.common_causes.iter().enumerate() {
                let hit = study.affected_zones(cause).ok()?;
                if procs.iter().any(|z| *z < nz && hit.contains(z)) {
                    procs.push(nz + c);
                }
            }
            procs.sort_unstable();
            procs.dedup();
            Some((a, procs))
        }
        Part::Service(j) => {
            let s = &study.services[j];
            let mut procs: Vec<usize> = Vec::new();
            let mut avail = Vec::new();
            for p in s.up_when.parts() {
                let (a, ps) = footprint(study, p, depth + 1)?;
                if ps.iter().any(|x| procs.binary_search(x).is_ok()) {
                    return None; // two parts share a zone or a common cause
                }
                procs.extend(ps);
                procs.sort_unstable();
                avail.push(a);
            }
            let release = s
                .release_failures
                .as_ref()
                .map_or(1.0, |p| p.steady_state_availability());
            Some((at_least_up(&avail, s.up_when.needed()) * release, procs))
        }
    }
}

/// The probability that at least `k` of independent parts, up with
/// probabilities `p`, are up: the Poisson-binomial tail, by dynamic
/// programming over the number up.
pub fn at_least_up(p: &[f64], k: usize) -> f64 {
    // dist[j]: probability that exactly j of the parts so far are up.
    let mut dist = vec![0.0; p.len() + 1];
    dist[0] = 1.0;
    for (i, &a) in p.iter().enumerate() {
        for j in (0..=i + 1).rev() {
            let up = if j > 0 { dist[j - 1] * a } else { 0.0 };
            dist[j] = dist[j] * (1.0 - a) + up;
        }
    }
    dist[k.min(p.len())..].iter().sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prelude::*;

    fn study() -> Study {
        let exp = |m| Duration::exponential(m).unwrap();
        let mut s = Study::new(Settings::new(10, 100.0)).region(Region {
            id: "r".into(),
            name: String::new(),
            provider: String::new(),
            country: "DE".into(),
            in_eu: None,
            ..Default::default()
        });
        for z in ["a", "b"] {
            s = s.zone(Zone {
                id: z.into(),
                region: "r".into(),
                time_to_failure: exp(90.0),
                time_to_repair: exp(10.0),
            });
        }
        s.common_cause(CommonCause::new(
            "c",
            ["r"],
            exp(190.0),
            Duration::fixed(10.0).unwrap(),
        ))
    }

    #[test]
    fn product_form_with_a_common_cause() {
        let s = study();
        let (q, a_cc) = (0.1, 0.95);
        let one = Deployment::new("1 of 2", &["a", "b"], Rule::AtLeast(1));
        let got = steady_state_availability(&s, &one).unwrap();
        assert!((got - a_cc * (1.0 - q * q)).abs() < 1e-15, "{got}");
        // Two replicas in zone a and one in b: the majority needs zone a.
        let two_one = Deployment::new("2+1", &["a", "a", "b"], Rule::Majority);
        let got = steady_state_availability(&s, &two_one).unwrap();
        assert!((got - a_cc * (1.0 - q)).abs() < 1e-15, "{got}");
        // zones_up counts zones, not replicas.
        let zones = Deployment::new("2 zones", &["a", "a", "b"], Rule::ZonesUp(2));
        let got = steady_state_availability(&s, &zones).unwrap();
        assert!((got - a_cc * (1.0 - q) * (1.0 - q)).abs() < 1e-15, "{got}");
    }

    #[test]
    fn k_of_n_tail_by_hand() {
        let p = [0.9, 0.8, 0.7];
        assert!((at_least_up(&p, 3) - 0.504).abs() < 1e-15);
        assert!((at_least_up(&p, 1) - (1.0 - 0.1 * 0.2 * 0.3)).abs() < 1e-15);
        // Exactly two up: .9*.8*.3 + .9*.2*.7 + .1*.8*.7 = .398.
        assert!((at_least_up(&p, 2) - (0.398 + 0.504)).abs() < 1e-15);
        assert_eq!(at_least_up(&p, 0), 1.0);
    }

    #[test]
    fn services_need_parts_that_share_no_process() {
        let s = study()
            .deployment(Deployment::new("x", ["a"], Rule::AtLeast(1)))
            .deployment(Deployment::new("y", ["b"], Rule::AtLeast(1)))
            .service(Service::new("xy", UpWhen::all(["x", "y"])))
            .service(Service::new("xx", UpWhen::all(["x", "xy"])));
        // x and y share the region's common cause: not independent.
        assert_eq!(service_availability(&s, "xy"), None);
        let mut s = s;
        s.common_causes.clear();
        let got = service_availability(&s, "xy").unwrap();
        assert!((got - 0.81).abs() < 1e-15, "{got}");
        // x twice (directly and through xy): not independent.
        assert_eq!(service_availability(&s, "xx"), None);
        assert_eq!(service_availability(&s, "nope"), None);
        // Release failures multiply: a deployment's and a service's.
        let rel = OutageProcess::new(
            Duration::fixed(99.0).unwrap(),
            Duration::fixed(1.0).unwrap(),
        );
        s.deployments[0].release_failures = Some(rel.clone());
        s.services[0].release_failures = Some(rel);
        let got = service_availability(&s, "xy").unwrap();
        assert!((got - 0.9 * 0.99 * 0.9 * 0.99).abs() < 1e-15, "{got}");
    }

    #[test]
    fn none_where_the_stationary_state_is_not_enough() {
        let s = study();
        let ap = Deployment::new("ap", &["a", "b"], Rule::active_passive(0.1));
        assert_eq!(steady_state_availability(&s, &ap), None);
        let unknown = Deployment::new("x", &["nope"], Rule::AtLeast(1));
        assert_eq!(steady_state_availability(&s, &unknown), None);
    }
}
