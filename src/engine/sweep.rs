//! State shared by the rule sweeps: per-slot and per-replica liveness, and
//! the service's down intervals as a sweep finds them.

use crate::stats::{TrialOutcome, WindowRules};

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

/// Tracks the service's down intervals during a sweep, and the downtime of
/// each SLA window they fall in (windows are judged as the sweep leaves
/// them, so nothing is stored per window); records the intervals where a
/// service or release failures need them.
#[derive(Debug)]
pub(super) struct OutageTrack<'w> {
    up: bool,
    since: f64,
    o: TrialOutcome,
    windows: &'w WindowRules,
    /// The window collecting downtime, and its downtime so far.
    win: u64,
    win_down: f64,
    /// Where each down interval goes as it closes, if anywhere.
    rec: Option<&'w mut Vec<Interval>>,
}

impl<'w> OutageTrack<'w> {
    pub(super) fn new(windows: &'w WindowRules) -> Self {
        OutageTrack {
            up: true,
            since: 0.0,
            o: TrialOutcome::default(),
            windows,
            win: 0,
            win_down: 0.0,
            rec: None,
        }
    }

    /// The same track, also appending each down interval to `rec` (when
    /// given), in time order: disjoint, each of positive length, with a
    /// positive gap between one and the next.
    pub(super) fn recording(mut self, rec: Option<&'w mut Vec<Interval>>) -> Self {
        self.rec = rec;
        self
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
        if self.windows.per_trial() > 0 {
            self.split(self.since, t);
        }
    }

    /// Adds the down interval `[a, b)` to the windows it overlaps; the part
    /// past the last whole window is in none.
    #[cold]
    fn split(&mut self, a: f64, b: f64) {
        let w = self.windows.hours();
        let n = self.windows.per_trial() as u64;
        let mut k = (a / w) as u64;
        let mut from = a;
        while k < n {
            let end = (k + 1) as f64 * w;
            let to = b.min(end);
            if to > from {
                if k != self.win {
                    self.flush();
                    self.win = k;
                }
                self.win_down += to - from;
            }
            if b <= end {
                break;
            }
            from = end;
            k += 1;
        }
    }

    /// Judges the window collecting downtime (one with none misses nothing).
    fn flush(&mut self) {
        if self.win_down > 0.0 {
            self.windows.judge(self.win_down, &mut self.o.windows);
            self.win_down = 0.0;
        }
    }

    pub(super) fn finish(mut self, horizon: f64) -> TrialOutcome {
        if !self.up {
            self.close(horizon);
        }
        self.flush();
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
