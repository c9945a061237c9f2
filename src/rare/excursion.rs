//! One excursion from the all-up state, simulated under balanced failure
//! biasing, with its likelihood ratio.
//!
//! The excursion starts at the instant process `i` fails while every other
//! process is up, `i` drawn with probability proportional to the rate at
//! which it does so. Under that (Palm) law the other processes are
//! independent and in their stationary up state: their ages follow the
//! equilibrium law `S(a) / E[up]` and, given its age, each one's remaining
//! life its true conditional law (drawn jointly as a length-biased up time
//! split at a uniform point). The excursion ends when every process is up
//! again.
//!
//! While the deployment has not yet been down in this excursion, biasing is
//! on: at each event, with `t` the time to the next repair, every biasable up
//! process gets an exponential life of rate `B / n` where `B = -ln(1 - p) / t`
//! (so a failure comes before the repair with probability `p`, split evenly
//! among the `n` of them). The likelihood ratio of the segment that follows
//! is the true density of what was seen (a failure of one of them after `s`
//! hours, or all of them surviving `s` hours) over the biased one; with
//! `H` the cumulative hazard and `a` the ages, the true factor is
//! `exp(-sum(H(a + s) - H(a)))`, times `h(a + s)` of the one that failed.
//! Once the deployment is down, biasing is off for good: up processes get
//! fresh remaining lives from their true conditional law given their age.

use rand::{Rng, RngExt};

use crate::distributions::exp1;

use super::model::{Model, Process};

/// What one excursion contributes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Outcome {
    /// Log of the likelihood ratio of the whole path (`-inf`: weight 0).
    pub(crate) ln_lr: f64,
    /// Hours the deployment was down during the excursion.
    pub(crate) downtime: f64,
    /// Times the deployment went down (the excursion's start included).
    pub(crate) outages: u32,
}

/// Per-thread buffers, reused from one excursion to the next.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scratch {
    down: Vec<bool>,
    age: Vec<f64>,
    rem: Vec<f64>,
    cands: Vec<usize>,
    zone_down: Vec<bool>,
    zone_live: Vec<bool>,
}

impl Scratch {
    pub(crate) fn new(m: &Model) -> Self {
        let n = m.processes.len();
        Scratch {
            down: vec![false; n],
            age: vec![0.0; n],
            rem: vec![0.0; n],
            cands: Vec::with_capacity(n),
            zone_down: vec![false; m.zones],
            zone_live: vec![false; m.zones],
        }
    }
}

/// The change of measure.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bias {
    /// `-ln(1 - p)`, `p` the biased probability of a failure before the next
    /// repair; 0 for no biasing.
    pub(crate) failure_log: f64,
    /// Share of repairs drawn, while biasing, from the length-biased law.
    pub(crate) repair_mix: f64,
}

/// Draws a repair time; while biasing, from the defensive mixture
/// `(1 - w) f(r) + w r f(r) / E[R]`, whose likelihood ratio
/// `1 / (1 - w + w r / E[R])` is at most `1 / (1 - w)`.
fn repair<R: Rng>(p: &Process, bias: Bias, biased: bool, rng: &mut R, ln_lr: &mut f64) -> f64 {
    let w = bias.repair_mix;
    if !biased || w == 0.0 {
        return p.down.sample(rng);
    }
    let u: f64 = rng.random();
    let r = if u < w {
        p.down.sample_length_biased(rng)
    } else {
        p.down.sample(rng)
    };
    *ln_lr -= libm::log(1.0 - w + w * r / p.means.1);
    r
}

/// Simulates one excursion.
pub(crate) fn excursion<R: Rng>(m: &Model, bias: Bias, rng: &mut R, s: &mut Scratch) -> Outcome {
    let n = m.processes.len();
    let u: f64 = rng.random();
    let mut first = m.start_cdf.partition_point(|&c| c <= u).min(n - 1);
    let mut ln_lr = 0.0;
    if bias.failure_log > 0.0 {
        // Balanced start: half the excursions start with a process drawn
        // uniformly, so that rarely failing ones (a wide common cause) start
        // excursions too; the likelihood ratio is at most 2.
        if rng.random::<bool>() {
            first = rng.random_range(0..n);
        }
        let pi = m.start_prob[first];
        ln_lr = libm::log(pi / (0.5 * pi + 0.5 / n as f64));
    }
    for (j, p) in m.processes.iter().enumerate() {
        if j == first {
            s.down[j] = true;
            s.age[j] = 0.0;
        } else {
            s.down[j] = false;
            if p.law.as_ref().is_some_and(|l| l.is_exponential()) {
                s.age[j] = 0.0;
                s.rem[j] = p.up.sample(rng);
            } else {
                let x = p.up.sample_length_biased(rng);
                let v: f64 = rng.random();
                s.age[j] = v * x;
                s.rem[j] = x - s.age[j];
            }
        }
    }
    let mut n_down = 1usize;
    let mut up = m.is_up(&s.down, &mut s.zone_down, &mut s.zone_live);
    let mut ever_down = !up;
    let mut out = Outcome {
        ln_lr,
        downtime: 0.0,
        outages: u32::from(!up),
    };
    let biased_start = up && bias.failure_log > 0.0;
    s.rem[first] = repair(&m.processes[first], bias, biased_start, rng, &mut out.ln_lr);
    // Whether biasable up processes' `rem` were discarded by biasing.
    let mut stale = false;
    while n_down > 0 {
        s.cands.clear();
        if bias.failure_log > 0.0 && !ever_down {
            s.cands
                .extend((0..n).filter(|&j| !s.down[j] && m.processes[j].law.is_some()));
        }
        // The next event: (hours to it, process it happens to).
        let biased = !s.cands.is_empty();
        let (step, j) = if s.cands.is_empty() {
            if stale {
                for j in 0..n {
                    if let (false, Some(law)) = (s.down[j], &m.processes[j].law) {
                        let e = exp1(rng);
                        s.rem[j] = law.remaining_life(s.age[j], e);
                    }
                }
                stale = false;
            }
            argmin(&s.rem, |_| true)
        } else {
            stale = true;
            // Repairs and unbiased up processes keep their true draws.
            let (t_rep, j_rep) = argmin(&s.rem, |j| s.down[j]);
            let (t_other, j_other) = argmin(&s.rem, |j| s.down[j] || m.processes[j].law.is_none());
            if t_rep <= 0.0 {
                // A repair due now: no time for anything to fail first.
                (0.0, j_rep)
            } else {
                let b = bias.failure_log / t_rep;
                let e = exp1(rng) / b;
                let (step, j) = if e < t_other {
                    let c = s.cands[rng.random_range(0..s.cands.len())];
                    (e, c)
                } else {
                    (t_other, j_other)
                };
                let mut ln = b * step;
                for &c in &s.cands {
                    let law = m.processes[c].law.as_ref().expect("candidates have a law");
                    ln -= law.hazard_increment(s.age[c], step);
                }
                if e < t_other {
                    let law = m.processes[j].law.as_ref().expect("candidates have a law");
                    ln += law.ln_hazard(s.age[j] + step) - libm::log(b / s.cands.len() as f64);
                }
                out.ln_lr += ln;
                if out.ln_lr == f64::NEG_INFINITY || out.ln_lr.is_nan() {
                    out.ln_lr = f64::NEG_INFINITY;
                    return out;
                }
                (step, j)
            }
        };
        if !up {
            out.downtime += step;
        }
        for k in 0..n {
            s.rem[k] -= step;
            if !s.down[k] {
                s.age[k] += step;
            }
        }
        let p = &m.processes[j];
        if s.down[j] {
            s.down[j] = false;
            n_down -= 1;
            s.age[j] = 0.0;
            s.rem[j] = p.up.sample(rng);
        } else {
            s.down[j] = true;
            n_down += 1;
            s.rem[j] = repair(p, bias, biased, rng, &mut out.ln_lr);
        }
        let now_up = m.is_up(&s.down, &mut s.zone_down, &mut s.zone_live);
        if up && !now_up {
            out.outages += 1;
            ever_down = true;
        }
        up = now_up;
    }
    out
}

/// The smallest `rem[j]` over the `j` that pass `keep` (`inf` if none), and its index.
#[inline]
fn argmin(rem: &[f64], keep: impl Fn(usize) -> bool) -> (f64, usize) {
    let mut best = (f64::INFINITY, 0);
    for (j, &r) in rem.iter().enumerate() {
        if r < best.0 && keep(j) {
            best = (r, j);
        }
    }
    best
}
