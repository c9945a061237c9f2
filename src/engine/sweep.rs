//! State shared by the rule sweeps: per-slot and per-replica liveness, and
//! the service's down intervals as a sweep finds them.

use crate::stats::TrialOutcome;

use super::compile::CompiledDeployment;
use super::merge::{DOWN, Event, NONE, REPLICA};
use super::process::Interval;

/// Per-slot and per-replica state reused across trials.
#[derive(Debug, Default)]
pub(super) struct EvalState {
    /// Whether each slot's zone is down.
    pub(super) zone_down: Vec<bool>,
    /// Replicas of each slot not down on their own.
    pub(super) live_own: Vec<u32>,
    /// Whether each replica is down on its own.
    pub(super) own_down: Vec<bool>,
}

impl EvalState {
    pub(super) fn reset(&mut self, d: &CompiledDeployment) {
        self.zone_down.clear();
        self.zone_down.resize(d.slot_replicas.len(), false);
        self.live_own.clear();
        self.live_own.extend_from_slice(&d.slot_replicas);
        self.own_down.clear();
        self.own_down.resize(d.replica_slot.len(), false);
    }
}

/// Tracks the service's down intervals during a sweep, and records them
/// where a service or release failures need them.
#[derive(Debug, Default)]
pub(super) struct OutageTrack<'a> {
    up: bool,
    since: f64,
    o: TrialOutcome,
    /// Where each down interval goes as it closes, if anywhere.
    rec: Option<&'a mut Vec<Interval>>,
}

impl<'a> OutageTrack<'a> {
    /// A track that also appends each down interval to `rec` (when given),
    /// in time order: disjoint, each of positive length, with a positive gap
    /// between one and the next.
    pub(super) fn recording(rec: Option<&'a mut Vec<Interval>>) -> Self {
        OutageTrack {
            up: true,
            rec,
            ..Default::default()
        }
    }

    #[inline]
    pub(super) fn set(&mut self, t: f64, up: bool) {
        if up == self.up {
            return;
        }
        self.up = up;
        if up {
            self.close(t);
        } else {
            self.since = t;
        }
    }

    #[inline]
    fn close(&mut self, t: f64) {
        let len = t - self.since;
        self.o.downtime_hours += len;
        self.o.outages += 1;
        if len > self.o.longest_hours {
            self.o.longest_hours = len;
        }
        if let Some(rec) = self.rec.as_deref_mut() {
            rec.push(Interval {
                start: self.since,
                end: t,
            });
        }
    }

    pub(super) fn finish(mut self, horizon: f64) -> TrialOutcome {
        if !self.up {
            self.close(horizon);
        }
        self.o
    }
}

/// Applies one event to the slot/replica state; returns (live replica delta,
/// live zone delta) for counting rules.
#[inline]
pub(super) fn apply(d: &CompiledDeployment, st: &mut EvalState, e: Event) -> (i32, i32) {
    let idx = (e.code >> 2) as usize;
    let down = e.code & DOWN != 0;
    if e.code & REPLICA == 0 {
        let s = d.zone_slot[idx];
        if s == NONE {
            return (0, 0);
        }
        let s = s as usize;
        if st.zone_down[s] == down {
            return (0, 0);
        }
        st.zone_down[s] = down;
        let live = st.live_own[s] as i32;
        let zones = (live > 0) as i32;
        if down { (-live, -zones) } else { (live, zones) }
    } else {
        let s = d.replica_slot[idx] as usize;
        if st.own_down[idx] == down {
            return (0, 0);
        }
        st.own_down[idx] = down;
        let before = st.live_own[s];
        let after = if down { before - 1 } else { before + 1 };
        st.live_own[s] = after;
        if st.zone_down[s] {
            return (0, 0);
        }
        let dz = (after > 0) as i32 - (before > 0) as i32;
        (if down { -1 } else { 1 }, dz)
    }
}
