//! The active-passive rule: one replica serves, a failover costs downtime.

use crate::stats::TrialOutcome;

use super::compile::CompiledDeployment;
use super::merge::{DOWN, Event, NONE, REPLICA};
use super::process::Interval;
use super::sweep::{EvalState, OutageTrack, apply};

/// The active-passive rule on a merged event stream (see
/// [`crate::deployment::Rule::ActivePassive`]).
pub(super) fn sweep_active_passive(
    d: &CompiledDeployment,
    failover: f64,
    events: &[Event],
    horizon: f64,
    st: &mut EvalState,
    rec: Option<&mut Vec<Interval>>,
) -> TrialOutcome {
    st.reset(d);
    let n = d.replica_slot.len();
    let is_live =
        |st: &EvalState, r: usize| !st.zone_down[d.replica_slot[r] as usize] && !st.own_down[r];
    let first_live = |st: &EvalState| (0..n).find(|&r| is_live(st, r));
    // The lowest replica index that came up in the current instant: fail-back
    // is possible only to a replica below the serving one that just came up,
    // so the common instant costs O(1) however many replicas there are.
    let mut serving: Option<usize> = Some(0);
    let mut deadline = f64::INFINITY;
    let mut track = OutageTrack::new(&d.windows).recording(rec);
    let mut i = 0;
    let mut first_group = true;
    loop {
        let te = events.get(i).map_or(f64::INFINITY, |e| e.t);
        let t = te.min(if deadline <= horizon {
            deadline
        } else {
            f64::INFINITY
        });
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
        } else if deadline.is_finite() {
            // During a failover, the failed serving replica coming back, or
            // any replica above it, restores service at once on the first
            // live replica (which is then at or above the serving one); so
            // does the failover completing.
            let back = serving.is_some_and(|s| {
                is_live(st, s) || (lowest_up < s && (lowest_up..s).any(|r| is_live(st, r)))
            });
            if back || deadline <= t {
                deadline = f64::INFINITY;
                serving = first_live(st);
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
                    } else if failover > 0.0 {
                        deadline = t + failover;
                    } else {
                        serving = first_live(st);
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
        let up = deadline == f64::INFINITY && serving.is_some_and(|s| is_live(st, s));
        track.set(t, up);
    }
    track.finish(horizon)
}
