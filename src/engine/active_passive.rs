//! The active-passive rule: one replica serves, a failover costs downtime,
//! and (optionally) goes unnoticed for a while or fails and waits for a
//! manual recovery.

use rand::RngExt;
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::distributions::DurationSampler;
use crate::stats::TrialOutcome;

use super::compile::CompiledDeployment;
use super::merge::{DOWN, Event, NONE, REPLICA};
use super::process::Interval;
use super::streams::trial_rng;
use super::sweep::{EvalState, OutageTrack, apply};

/// How a deployment's failovers can go wrong (the defaults: never).
#[derive(Debug, Clone)]
pub(super) struct Failover {
    /// Time the loss goes unnoticed before the failover starts (hours).
    pub(super) detection_hours: f64,
    /// Probability that an automatic failover works.
    pub(super) success: f64,
    /// Time to restore service by hand after a failed failover.
    pub(super) manual: Option<DurationSampler>,
    /// The key of the failover outcomes' stream (`streams::failover_key`).
    pub(super) key: u64,
}

impl Default for Failover {
    fn default() -> Self {
        Failover {
            detection_hours: 0.0,
            success: 1.0,
            manual: None,
            key: 0,
        }
    }
}

/// What the service is waiting for while it is down after losing its
/// serving replica.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Pending {
    /// Nothing: it serves, or no replica is live.
    No,
    /// Detection and failover, due at this time.
    Failover(f64),
    /// A manual recovery after a failed failover, due at this time.
    Manual(f64),
    /// A failed failover with no manual recovery: only a return ends it.
    Waiting,
}

impl Pending {
    /// When the pending step is due (infinity when none is timed).
    #[inline]
    fn due(self) -> f64 {
        match self {
            Pending::Failover(t) | Pending::Manual(t) => t,
            Pending::No | Pending::Waiting => f64::INFINITY,
        }
    }
}

/// An automatic failover due at `t` to `target` (the first live replica):
/// the new serving replica and what is pending. It works unless the
/// failover stream (present only when `success < 1`) says otherwise; a failed
/// one keeps `serving` (the failed replica) and waits for a manual recovery.
#[inline]
fn attempt(
    fo: &Failover,
    rng: &mut Option<Xoshiro256PlusPlus>,
    serving: Option<usize>,
    target: Option<usize>,
    t: f64,
) -> (Option<usize>, Pending) {
    let Some(target) = target else {
        // No live replica to fail over to: the first one back serves.
        return (None, Pending::No);
    };
    match rng {
        None => (Some(target), Pending::No),
        Some(rng) => {
            if rng.random::<f64>() < fo.success {
                (Some(target), Pending::No)
            } else {
                match &fo.manual {
                    Some(m) => (serving, Pending::Manual(t + m.sample(rng))),
                    None => (serving, Pending::Waiting),
                }
            }
        }
    }
}

/// The active-passive rule on a merged event stream (see
/// [`crate::deployment::Rule::ActivePassive`]).
pub(super) fn sweep_active_passive(
    d: &CompiledDeployment,
    failover: f64,
    events: &[Event],
    horizon: f64,
    st: &mut EvalState,
    trial: u64,
    rec: Option<&mut Vec<Interval>>,
) -> TrialOutcome {
    st.reset(d);
    let fo = &d.failover;
    // Draws only where a failover can fail: with `success = 1` nothing is
    // drawn, and the results are those of the plain failover.
    let mut rng = (fo.success < 1.0).then(|| trial_rng(fo.key, trial));
    // With no detection time this is `failover` exactly.
    let delay = fo.detection_hours + failover;
    let n = d.replica_slot.len();
    let is_live =
        |st: &EvalState, r: usize| !st.zone_down[d.replica_slot[r] as usize] && !st.own_down[r];
    let first_live = |st: &EvalState| (0..n).find(|&r| is_live(st, r));
    // The lowest replica index that came up in the current instant: fail-back
    // is possible only to a replica below the serving one that just came up,
    // so the common instant costs O(1) however many replicas there are.
    let mut serving: Option<usize> = Some(0);
    let mut pending = Pending::No;
    let mut track = OutageTrack::new(&d.windows).recording(rec);
    let mut i = 0;
    let mut first_group = true;
    loop {
        let due = pending.due();
        let te = events.get(i).map_or(f64::INFINITY, |e| e.t);
        let t = te.min(if due <= horizon { due } else { f64::INFINITY });
        if t == f64::INFINITY {
            break;
        }
        let mut lowest_up = usize::MAX;
        while i < events.len() && events[i].t == t {
            let e = events[i];
            apply(d, st, e);
            if e.code & DOWN == 0 {
                let idx = (e.code >> 2) as usize;
                let r = if e.code & REPLICA != 0 {
                    idx
                } else {
                    match d.zone_slot[idx] {
                        NONE => usize::MAX,
                        slot => d.slot_first_replica[slot as usize] as usize,
                    }
                };
                lowest_up = lowest_up.min(r);
            }
            i += 1;
        }
        if first_group && t == 0.0 {
            // At the start of a trial the first live replica serves, no failover.
            serving = first_live(st);
        } else if pending != Pending::No {
            // While down after losing the serving replica, that replica
            // coming back, or any replica above it, restores service at once
            // on the first live replica (which is then at or above the
            // serving one).
            let back = serving.is_some_and(|s| {
                is_live(st, s) || (lowest_up < s && (lowest_up..s).any(|r| is_live(st, r)))
            });
            if back {
                pending = Pending::No;
                serving = first_live(st);
            } else if due <= t {
                match pending {
                    Pending::Failover(_) => {
                        (serving, pending) = attempt(fo, &mut rng, serving, first_live(st), t);
                    }
                    Pending::Manual(_) => {
                        pending = Pending::No;
                        serving = first_live(st);
                    }
                    Pending::No | Pending::Waiting => {}
                }
            }
        } else {
            match serving {
                None => serving = first_live(st),
                Some(s) if !is_live(st, s) => {
                    // The instant is judged after all its changes: an earlier
                    // replica back at the very instant the serving one fails
                    // takes the traffic with no downtime.
                    let back = (lowest_up < s)
                        .then(|| (lowest_up..s).find(|&r| is_live(st, r)))
                        .flatten();
                    if let Some(f) = back {
                        serving = Some(f);
                    } else if delay > 0.0 {
                        pending = Pending::Failover(t + delay);
                    } else {
                        (serving, pending) = attempt(fo, &mut rng, serving, first_live(st), t);
                    }
                }
                Some(s) => {
                    if lowest_up < s
                        && let Some(f) = (lowest_up..s).find(|&r| is_live(st, r))
                    {
                        serving = Some(f); // fail back with no downtime
                    }
                }
            }
        }
        first_group = false;
        let up = pending == Pending::No && serving.is_some_and(|s| is_live(st, s));
        track.set(t, up);
    }
    track.finish(horizon)
}
