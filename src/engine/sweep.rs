//! State shared by the rule sweeps: per-slot and per-replica liveness, and
//! the service's down intervals as a sweep finds them.

use crate::stats::{TrialOutcome, WindowRules};

use super::compile::{CRule, CompiledDeployment};
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

/// What a deployment's outcome depends on, where two deployments may share
/// one sweep: equal keys give equal outcomes in every trial.
#[derive(Debug, PartialEq, Eq, Hash)]
enum SweepKey {
    /// A counting rule over at most [`MAX_TABLE_ZONES`] zones: its zones that
    /// can change its state (by zone) and, for every set of them, whether
    /// the deployment is down while exactly that set is down. So a quorum
    /// that one zone takes down on its own, and whose other zone never
    /// matters, shares the key of a deployment in that zone alone.
    Table { zones: Vec<u32>, down: Vec<bool> },
    /// A counting rule over more zones: down exactly while the units of its
    /// down zones exceed `tolerance`. A zone's units are capped at
    /// `tolerance + 1` (one such zone down is already too many), so that,
    /// e.g., `at_least(2)` over three zones and `zones_up(2)` over the same
    /// zones share a key.
    Counting {
        tolerance: i32,
        /// (zone, capped units), by zone; zones with no units left out.
        zones: Vec<(u32, i32)>,
    },
    /// Active-passive: the replicas' zones in priority order (from which
    /// every compiled field follows) and the failover's bits.
    ActivePassive { failover: u64, zones: Vec<u32> },
}

fn sweep_key(d: &CompiledDeployment) -> Option<SweepKey> {
    if d.replica_process.is_some() || d.maintenance.is_some() || d.record || d.release.is_some() {
        // Its own replica failures and maintenance come from streams keyed by
        // its name.
        return None;
    }
    if d.failover.detection_hours != 0.0 || d.failover.success < 1.0 {
        // Failover outcomes come from a stream keyed by its name, and
        // detection delays are not part of the key.
        return None;
    }
    Some(match d.rule {
        CRule::AtLeast(_) | CRule::ZonesUp(_) => {
            let tolerance = d.units - d.need;
            let mut zones: Vec<(u32, i32)> = d
                .slot_zone
                .iter()
                .map(|&z| (z, d.zone_units[z as usize].min(tolerance + 1)))
                .filter(|&(_, w)| w > 0)
                .collect();
            zones.sort_unstable();
            if zones.len() <= MAX_TABLE_ZONES {
                table_key(&zones, tolerance)
            } else {
                SweepKey::Counting { tolerance, zones }
            }
        }
        CRule::ActivePassive(f) => SweepKey::ActivePassive {
            failover: f.to_bits(),
            zones: d
                .replica_slot
                .iter()
                .map(|&s| d.slot_zone[s as usize])
                .collect(),
        },
    })
}

/// The most zones of a counting rule whose down sets are enumerated for its
/// key (`2^n` sets).
const MAX_TABLE_ZONES: usize = 8;

/// The [`SweepKey::Table`] of a counting rule over `zones` (zone, units),
/// down while more than `tolerance` units are: zones that change no set's
/// state are left out, one at a time (what is left of a function stays a
/// function of what is left).
fn table_key(zones: &[(u32, i32)], tolerance: i32) -> SweepKey {
    let table = |zones: &[(u32, i32)]| -> Vec<bool> {
        let mut units = vec![0i32; 1 << zones.len()];
        for set in 1..units.len() {
            let low = set.trailing_zeros() as usize;
            units[set] = units[set & (set - 1)] + zones[low].1;
        }
        units.iter().map(|&u| u > tolerance).collect()
    };
    let mut zones = zones.to_vec();
    let mut i = 0;
    while i < zones.len() {
        let down = table(&zones);
        let bit = 1 << i;
        if (0..down.len()).all(|set| down[set] == down[set | bit]) {
            zones.remove(i);
        } else {
            i += 1;
        }
    }
    SweepKey::Table {
        down: table(&zones),
        zones: zones.iter().map(|&(z, _)| z).collect(),
    }
}

/// For each deployment, the earlier deployment whose outcome it shares in
/// every trial (same zones and an equivalent rule, no replica failures of
/// either), so that a trial sweeps it once.
pub(super) fn shared_sweeps(ds: &[CompiledDeployment]) -> Vec<Option<u32>> {
    let mut first = std::collections::HashMap::new();
    ds.iter()
        .enumerate()
        .map(|(i, d)| {
            let key = sweep_key(d)?;
            match first.entry(key) {
                std::collections::hash_map::Entry::Occupied(e) => Some(*e.get()),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(i as u32);
                    None
                }
            }
        })
        .collect()
}
