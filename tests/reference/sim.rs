//! The reference simulator: event by event, no fast paths.
//!
//! Written from the README's "The model" section, not from the engine:
//! 1. every process (zone, common cause, each replica's own failures) is
//!    sampled as alternating up/down intervals over `[0, horizon]`, from a
//!    steady-state start (down with probability `E[down] / (E[up] + E[down])`,
//!    the time left drawn from the equilibrium distribution) or all up;
//! 2. a zone is down while its own process or any common cause covering it is
//!    down; a replica is down while its zone or its own process is down;
//! 3. each deployment is judged by walking every instant at which something
//!    it depends on changes (plus failover deadlines), in time order, applying
//!    all changes at one instant before judging the rule there;
//! 4. the service's up/down segments give downtime, outages (maximal down
//!    intervals; one cut by the horizon counts) and the longest outage.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256StarStar;
use zonesim::distributions::DurationSampler;

use crate::model::{Dist, Proc, RuleSpec, StudySpec};

/// One trial's result for one deployment.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Outcome {
    pub downtime: f64,
    pub outages: u32,
    pub longest: f64,
}

/// A process's down intervals `[start, end)`, clipped to the horizon, in order.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    pub down: Vec<(f64, f64)>,
}

impl Timeline {
    /// Down at `t`, i.e. on `[t, t + dt)` for small dt: after every change at `t`.
    pub fn down_at(&self, t: f64) -> bool {
        self.down.iter().any(|&(s, e)| s <= t && t < e)
    }
}

struct ProcSampler {
    up: DurationSampler,
    down: DurationSampler,
    p_down: f64,
}

impl ProcSampler {
    fn new(p: &Proc) -> Self {
        let (mu, md) = (p.ttf.mean(), p.ttr.mean());
        ProcSampler {
            up: p.ttf.duration().sampler(),
            down: p.ttr.duration().sampler(),
            p_down: md / (mu + md),
        }
    }

    fn sample(&self, rng: &mut Xoshiro256StarStar, horizon: f64, all_up: bool) -> Timeline {
        use rand::RngExt;
        let (mut down, first) = if all_up {
            (false, self.up.sample(rng))
        } else if rng.random::<f64>() < self.p_down {
            (true, self.down.sample_residual(rng))
        } else {
            (false, self.up.sample_residual(rng))
        };
        let mut tl = Timeline::default();
        let mut t = 0.0;
        let mut len = first;
        loop {
            let end = t + len;
            if down && end.min(horizon) > t {
                tl.down.push((t, end.min(horizon)));
            }
            if end >= horizon {
                return tl;
            }
            t = end;
            down = !down;
            len = if down {
                self.down.sample(rng)
            } else {
                self.up.sample(rng)
            };
        }
    }
}

/// Engine behaviours the reference can imitate, to attribute a discrepancy.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Imitate {
    /// Known defect (b): during a failover only the failed serving replica's
    /// return restores service early (the README: it, or any earlier replica).
    pub b: bool,
    /// Discrepancy (c): a serving replica that fails at the instant an
    /// earlier replica returns starts a failover (the README: judged after
    /// both changes, traffic is on a live earlier replica, no downtime).
    pub c: bool,
}

/// A prepared reference simulation of one study.
pub struct Reference {
    spec: StudySpec,
    zones: Vec<ProcSampler>,
    causes: Vec<ProcSampler>,
    /// Zones covered by each cause.
    cause_zones: Vec<Vec<usize>>,
    replicas: Vec<Option<ProcSampler>>,
    /// Imitations of engine behaviours, only to attribute a failure (see
    /// `Reference::imitating`).
    imitate: Imitate,
}

impl Reference {
    pub fn new(spec: &StudySpec) -> Self {
        Reference {
            spec: spec.clone(),
            zones: spec
                .zones
                .iter()
                .map(|(_, p)| ProcSampler::new(p))
                .collect(),
            causes: spec
                .causes
                .iter()
                .map(|c| ProcSampler::new(&c.proc))
                .collect(),
            cause_zones: (0..spec.causes.len())
                .map(|c| spec.cause_zones(c))
                .collect(),
            replicas: spec
                .deployments
                .iter()
                .map(|d| d.replica_failures.as_ref().map(ProcSampler::new))
                .collect(),
            imitate: Imitate::default(),
        }
    }

    /// The same reference imitating engine behaviours that differ from the
    /// README. Used only to attribute a failing comparison, never to pass one.
    pub fn imitating(mut self, imitate: Imitate) -> Self {
        self.imitate = imitate;
        self
    }

    /// Trial `i` with the reference's own generator, seeded from `seed` and `i`.
    pub fn trial(&self, seed: u64, i: u64) -> Vec<Outcome> {
        let mut rng = Xoshiro256StarStar::seed_from_u64(
            seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ i.wrapping_mul(0xD1B5_4A32_D192_ED03),
        );
        let (h, all_up) = (self.spec.horizon, self.spec.all_up);
        let zone_tl: Vec<Timeline> = self
            .zones
            .iter()
            .map(|p| p.sample(&mut rng, h, all_up))
            .collect();
        let cause_tl: Vec<Timeline> = self
            .causes
            .iter()
            .map(|p| p.sample(&mut rng, h, all_up))
            .collect();
        // Each zone's down-state sources: its own process and its causes.
        let sources: Vec<Vec<&Timeline>> = (0..zone_tl.len())
            .map(|z| {
                let mut v = vec![&zone_tl[z]];
                for (c, zs) in self.cause_zones.iter().enumerate() {
                    if zs.contains(&z) {
                        v.push(&cause_tl[c]);
                    }
                }
                v
            })
            .collect();
        self.spec
            .deployments
            .iter()
            .zip(&self.replicas)
            .map(|(d, rp)| {
                let own: Vec<Timeline> = match rp {
                    Some(p) => d
                        .replicas
                        .iter()
                        .map(|_| p.sample(&mut rng, h, all_up))
                        .collect(),
                    None => Vec::new(),
                };
                // Every timeline each replica depends on.
                let deps: Vec<Vec<&Timeline>> = d
                    .replicas
                    .iter()
                    .enumerate()
                    .map(|(r, &z)| {
                        let mut v = sources[z].clone();
                        if let Some(t) = own.get(r) {
                            v.push(t);
                        }
                        v
                    })
                    .collect();
                judge(&deps, &d.replicas, d.rule, h, self.imitate)
            })
            .collect()
    }
}

/// Walks every change instant of the replicas' timelines and judges the rule.
pub fn judge(
    deps: &[Vec<&Timeline>],
    zones: &[usize],
    rule: RuleSpec,
    h: f64,
    imitate: Imitate,
) -> Outcome {
    let mut instants: Vec<f64> = vec![0.0];
    for tls in deps {
        for tl in tls {
            for &(s, e) in &tl.down {
                instants.push(s);
                instants.push(e);
            }
        }
    }
    instants.retain(|&t| t < h);
    instants.sort_by(f64::total_cmp);
    instants.dedup();
    let live_at = |t: f64| -> Vec<bool> {
        deps.iter()
            .map(|tls| !tls.iter().any(|tl| tl.down_at(t)))
            .collect()
    };
    // (instant, service up from this instant until the next one)
    let mut segments: Vec<(f64, bool)> = Vec::new();
    match rule {
        RuleSpec::ActivePassive(failover) => {
            let mut state = ApState::Waiting;
            let mut next = 0;
            loop {
                let deadline = match state {
                    ApState::Pending { deadline, .. } if deadline < h => Some(deadline),
                    _ => None,
                };
                let t = match (instants.get(next), deadline) {
                    (Some(&a), Some(d)) => a.min(d),
                    (Some(&a), None) => a,
                    (None, Some(d)) => d,
                    (None, None) => break,
                };
                if instants.get(next) == Some(&t) {
                    next += 1;
                }
                let live = live_at(t);
                state = state.step(&live, t, failover, imitate);
                segments.push((t, matches!(state, ApState::Serving(_))));
            }
        }
        _ => {
            for &t in &instants {
                let live = live_at(t);
                let n = live.len();
                let up_count = live.iter().filter(|&&l| l).count();
                let up = match rule {
                    RuleSpec::AtLeast(k) => up_count >= k,
                    RuleSpec::Majority => 2 * up_count > n,
                    RuleSpec::ZonesUp(k) => {
                        let mut zs: Vec<usize> =
                            (0..n).filter(|&r| live[r]).map(|r| zones[r]).collect();
                        zs.sort_unstable();
                        zs.dedup();
                        zs.len() >= k
                    }
                    RuleSpec::ActivePassive(_) => unreachable!(),
                };
                segments.push((t, up));
            }
        }
    }
    outcome(&segments, h)
}

/// Active-passive state after the changes at an instant.
#[derive(Debug, Clone, Copy, PartialEq)]
enum ApState {
    /// This replica serves.
    Serving(usize),
    /// Replica `failed` (the serving one) failed; a failover completes at `deadline`.
    Pending { failed: usize, deadline: f64 },
    /// No replica is live (at the start, or a failover found none): the first
    /// to come back serves at once.
    Waiting,
}

impl ApState {
    fn step(self, live: &[bool], t: f64, failover: f64, imitate: Imitate) -> ApState {
        let first_live = live.iter().position(|&l| l);
        let serve_first = || first_live.map_or(ApState::Waiting, ApState::Serving);
        match self {
            ApState::Waiting => serve_first(),
            ApState::Serving(s) => {
                if live[s] || (!imitate.c && first_live.is_some_and(|f| f < s)) {
                    // Still up, or traffic moves to a live earlier replica
                    // with no downtime.
                    serve_first()
                } else {
                    ApState::Pending {
                        failed: s,
                        deadline: t + failover,
                    }
                    .step(live, t, failover, imitate)
                }
            }
            ApState::Pending { failed, deadline } => {
                let back = if imitate.b {
                    live[failed]
                } else {
                    first_live.is_some_and(|f| f <= failed)
                };
                if back {
                    // The failed replica, or an earlier one, is back: at once.
                    serve_first()
                } else if t >= deadline {
                    serve_first()
                } else {
                    self
                }
            }
        }
    }
}

/// Downtime, outages and longest outage of `segments` (sorted, first at 0).
pub fn outcome(segments: &[(f64, bool)], h: f64) -> Outcome {
    let mut o = Outcome::default();
    let mut run_start: Option<f64> = None;
    for (i, &(t, up)) in segments.iter().enumerate() {
        let end = segments.get(i + 1).map_or(h, |s| s.0);
        if up {
            if let Some(s) = run_start.take() {
                o.longest = o.longest.max(t - s);
            }
        } else {
            o.downtime += end - t;
            if run_start.is_none() {
                run_start = Some(t);
                o.outages += 1;
            }
        }
    }
    if let Some(s) = run_start {
        o.longest = o.longest.max(h - s);
    }
    o
}

/// Fixed-duration process helper for hand-written cases.
pub fn fixed_proc(up: f64, down: f64) -> Proc {
    Proc::new(Dist::Fixed(up), Dist::Fixed(down))
}
