//! Studies built to a target unavailability, and exact values by enumeration.

use zonesim::prelude::*;
use zonesim::rare::Estimate;

/// A duration family, given its mean.
#[derive(Debug, Clone, Copy)]
pub enum Family {
    Exp,
    /// Weibull with this shape.
    Weibull(f64),
    /// Lognormal with this sigma.
    Lognormal(f64),
    /// Gamma with this shape.
    Gamma(f64),
}

impl Family {
    pub fn with_mean(self, mean: f64) -> Duration {
        match self {
            Family::Exp => Duration::exponential(mean),
            Family::Weibull(k) => Duration::weibull(k, mean / libm::tgamma(1.0 + 1.0 / k)),
            Family::Lognormal(s) => Duration::lognormal(mean * (-s * s / 2.0).exp(), s),
            Family::Gamma(k) => Duration::gamma(k, mean / k),
        }
        .unwrap()
    }
}

/// The up and down laws of one process with stationary unavailability `q`
/// and mean repair `repair` hours.
pub fn process(q: f64, repair: f64, up: Family, down: Family) -> (Duration, Duration) {
    (up.with_mean(repair * (1.0 - q) / q), down.with_mean(repair))
}

/// `n` regions `r0..`, each with one zone `r{i}-a`; each site down with
/// probability about `q`: the zone alone, or (with `cause`) 60% from the
/// zone and 40% from a region-wide common cause.
pub fn sites(n: usize, q: f64, cause: bool, up: Family, down: Family) -> Study {
    let mut s = Study::new(Settings::new(1000, 8760.0));
    for i in 0..n {
        let r = format!("r{i}");
        s = s.region(Region::new(r.clone(), "", "", "FR"));
        let qz = if cause { 0.6 * q } else { q };
        let (ttf, ttr) = process(qz, 4.0, up, down);
        s = s.zone(Zone::new(format!("{r}-a"), r.clone(), ttf, ttr));
        if cause {
            let (ttf, ttr) = process(0.4 * q, 8.0, up, down);
            s = s.common_cause(CommonCause::new(format!("{r}-event"), [&r], ttf, ttr));
        }
    }
    s
}

/// The zone ids of `sites(n, ..)`.
pub fn site_zones(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("r{i}-a")).collect()
}

/// Adds a deployment over the given zones.
pub fn with(study: Study, zones: &[String], rule: Rule) -> Study {
    let z: Vec<&str> = zones.iter().map(|s| s.as_str()).collect();
    study.deployment(Deployment::new("d", &z, rule))
}

/// One process for the enumeration: down probability, renewal rate, and
/// what it takes down (zone positions, or a replica).
struct Proc {
    q: f64,
    f: f64,
    zones: Vec<usize>,
    replica: Option<usize>,
}

fn rates(up: &Duration, down: &Duration) -> (f64, f64) {
    let (u, d) = (up.mean(), down.mean());
    (d / (u + d), 1.0 / (u + d))
}

/// Exact long-run unavailability `1 - h` and outage rate
/// `ν = Σ f_i (h(i up) - h(i down))` of deployment `d`, by enumerating the
/// states of every process touching it (replica failures included).
pub fn exact(study: &Study, d: &Deployment) -> (f64, f64) {
    let mut zones: Vec<usize> = Vec::new();
    let mut replica_zone = Vec::new();
    for r in &d.replicas {
        let z = study.zones.iter().position(|z| &z.id == r).unwrap();
        if !zones.contains(&z) {
            zones.push(z);
        }
        replica_zone.push(zones.iter().position(|&x| x == z).unwrap());
    }
    let mut procs = Vec::new();
    for (i, &z) in zones.iter().enumerate() {
        let (q, f) = rates(
            &study.zones[z].time_to_failure,
            &study.zones[z].time_to_repair,
        );
        procs.push(Proc {
            q,
            f,
            zones: vec![i],
            replica: None,
        });
    }
    for c in &study.common_causes {
        let hit = study.affected_zones(c).unwrap();
        let covered: Vec<usize> = (0..zones.len())
            .filter(|&i| hit.contains(&zones[i]))
            .collect();
        if !covered.is_empty() {
            let (q, f) = rates(&c.time_to_failure, &c.time_to_repair);
            procs.push(Proc {
                q,
                f,
                zones: covered,
                replica: None,
            });
        }
    }
    if let Some(p) = &d.replica_failures {
        let (q, f) = rates(&p.time_to_failure, &p.time_to_repair);
        for r in 0..d.replicas.len() {
            procs.push(Proc {
                q,
                f,
                zones: vec![],
                replica: Some(r),
            });
        }
    }
    let n = d.replicas.len();
    let up = |state: u32| -> bool {
        let mut zone_ok = vec![true; zones.len()];
        let mut replica_ok = vec![true; n];
        for (j, p) in procs.iter().enumerate() {
            if state >> j & 1 == 1 {
                p.zones.iter().for_each(|&z| zone_ok[z] = false);
                if let Some(r) = p.replica {
                    replica_ok[r] = false;
                }
            }
        }
        let live: Vec<usize> = (0..n)
            .filter(|&r| replica_ok[r] && zone_ok[replica_zone[r]])
            .collect();
        match d.rule {
            Rule::AtLeast(k) => live.len() >= k as usize,
            Rule::Majority => live.len() > n / 2,
            Rule::ZonesUp(k) => {
                let mut zs: Vec<usize> = live.iter().map(|&r| replica_zone[r]).collect();
                zs.dedup();
                zs.sort_unstable();
                zs.dedup();
                zs.len() >= k as usize
            }
            // Rule is non_exhaustive outside the crate.
            _ => unreachable!("counting rules only"),
        }
    };
    // P(deployment down), with process `fixed` forced (None: free); summed
    // over the down states, so that tiny values keep their precision.
    let g = |fixed: Option<(usize, bool)>| -> f64 {
        let mut total = 0.0;
        for state in 0u32..1 << procs.len() {
            let mut p = 1.0;
            for (j, pr) in procs.iter().enumerate() {
                let down = state >> j & 1 == 1;
                p *= match fixed {
                    Some((i, forced_down)) if i == j => {
                        if down == forced_down {
                            1.0
                        } else {
                            0.0
                        }
                    }
                    _ => {
                        if down {
                            pr.q
                        } else {
                            1.0 - pr.q
                        }
                    }
                };
            }
            if p > 0.0 && !up(state) {
                total += p;
            }
        }
        total
    };
    let nu = procs
        .iter()
        .enumerate()
        .map(|(i, p)| p.f * (g(Some((i, true))) - g(Some((i, false)))))
        .sum();
    (g(None), nu)
}

/// How many standard errors of `e` separate it from `exact`.
pub fn z(e: &Estimate, exact: f64) -> f64 {
    (e.mean - exact) / e.std_error()
}
