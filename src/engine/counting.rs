//! Counting rules (`at_least`, `majority`, `zones_up`): how many units are up.

use crate::stats::TrialOutcome;

use super::compile::CompiledDeployment;
use super::merge::Event;
use super::process::Interval;
use super::sweep::{EvalState, OutageTrack, apply};

/// A counting rule on the zone timelines alone (no replica failures), swept
/// interval by interval over the deployment's own zones: the intervals are
/// taken in order of their starts, and the ones in progress are retired in
/// order of their ends before each start. Each zone's intervals are disjoint,
/// so a zone takes its units down at a start and gives them back at an end
/// with no per-slot state. The state is judged once all changes of an
/// instant are applied, as [`sweep_counting`] does on the merged events.
pub(super) fn sweep_zone_intervals(
    d: &CompiledDeployment,
    raw: &[Interval],
    zone_rng: &[(usize, usize)],
    horizon: f64,
    lists: &mut Vec<IntervalList>,
    rec: Option<&mut Vec<Interval>>,
) -> TrialOutcome {
    lists.clear();
    for &z in &d.slot_zone {
        let (a, b) = zone_rng[z as usize];
        let w = d.zone_units[z as usize];
        if a < b && w > 0 {
            lists.push(IntervalList {
                next: raw[a].start,
                end: f64::INFINITY,
                pos: a,
                last: b,
                w,
            });
        }
    }
    let mut track = OutageTrack::new(&d.windows).recording(rec);
    let tolerance = d.units - d.need;
    let mut lost = 0i32;
    // The instant whose changes are being applied (NaN before the first).
    let mut instant = f64::NAN;
    // The earliest end in progress and its list, and how many are in progress.
    let (mut min_end, mut min_k, mut active) = (f64::INFINITY, 0, 0usize);
    loop {
        let mut k = 0;
        let mut s = f64::INFINITY;
        for (j, l) in lists.iter().enumerate() {
            if l.next < s {
                k = j;
                s = l.next;
            }
        }
        while active > 0 && min_end <= s {
            if min_end != instant {
                if !instant.is_nan() {
                    track.set(instant, lost <= tolerance);
                }
                instant = min_end;
            }
            lost -= lists[min_k].w;
            lists[min_k].end = f64::INFINITY;
            active -= 1;
            min_end = f64::INFINITY;
            if active > 0 {
                for (j, l) in lists.iter().enumerate() {
                    if l.end < min_end {
                        min_end = l.end;
                        min_k = j;
                    }
                }
            }
        }
        if s == f64::INFINITY {
            break;
        }
        if s != instant {
            if !instant.is_nan() {
                track.set(instant, lost <= tolerance);
            }
            instant = s;
        }
        let l = &mut lists[k];
        lost += l.w;
        let e = raw[l.pos].end;
        l.end = e;
        l.pos += 1;
        l.next = if l.pos < l.last {
            raw[l.pos].start
        } else {
            f64::INFINITY
        };
        active += 1;
        if e < min_end {
            min_end = e;
            min_k = k;
        }
    }
    if !instant.is_nan() {
        track.set(instant, lost <= tolerance);
    }
    track.finish(horizon)
}

/// [`sweep_zone_intervals`] for deployments over many zones: each zone's
/// next change (its next start, or the end of its interval in progress) in
/// a binary heap, at O(log n) a change for n zones. Within an instant the
/// order of changes does not matter (units are summed exactly and the state
/// is judged after all of them), so it gives exactly the outcome of the
/// scanning sweep.
pub(super) fn sweep_zone_intervals_heap(
    d: &CompiledDeployment,
    raw: &[Interval],
    zone_rng: &[(usize, usize)],
    horizon: f64,
    heap: &mut Vec<ZoneHead>,
    rec: Option<&mut Vec<Interval>>,
) -> TrialOutcome {
    heap.clear();
    for &z in &d.slot_zone {
        let (a, b) = zone_rng[z as usize];
        let w = d.zone_units[z as usize];
        if a < b && w > 0 {
            heap.push(ZoneHead {
                key: time_key(raw[a].start),
                pos: 2 * a,
                end: 2 * b,
                w,
            });
        }
    }
    for i in (0..heap.len() / 2).rev() {
        sift_down(heap, i);
    }
    let mut track = OutageTrack::new(&d.windows).recording(rec);
    let tolerance = d.units - d.need;
    let mut lost = 0i32;
    let mut instant = f64::NAN;
    while let Some(top) = heap.first_mut() {
        let t = f64::from_bits(top.key);
        if t != instant {
            if !instant.is_nan() {
                track.set(instant, lost <= tolerance);
            }
            instant = t;
        }
        // Change j of a zone is its interval j/2's start (even j) or end.
        let p = top.pos;
        lost += if p & 1 == 0 { top.w } else { -top.w };
        let p = p + 1;
        if p < top.end {
            let x = raw[p >> 1];
            top.key = time_key(if p & 1 == 0 { x.start } else { x.end });
            top.pos = p;
        } else {
            let last = heap.pop().expect("not empty");
            if heap.is_empty() {
                break;
            }
            heap[0] = last;
        }
        sift_down(heap, 0);
    }
    if !instant.is_nan() {
        track.set(instant, lost <= tolerance);
    }
    track.finish(horizon)
}

/// A time as a key whose integer order is the time order: times are finite
/// and not negative, and `+ 0.0` turns a negative zero into a positive one.
#[inline(always)]
fn time_key(t: f64) -> u64 {
    (t + 0.0).to_bits()
}

/// Restores the (min-)heap order of `h` below position `i`.
#[inline]
fn sift_down(h: &mut [ZoneHead], mut i: usize) {
    let n = h.len();
    loop {
        let l = 2 * i + 1;
        if l >= n {
            return;
        }
        let c = if l + 1 < n && h[l + 1].key < h[l].key {
            l + 1
        } else {
            l
        };
        if h[c].key >= h[i].key {
            return;
        }
        h.swap(c, i);
        i = c;
    }
}

/// A zone's next change in [`sweep_zone_intervals_heap`].
#[derive(Debug, Clone, Copy)]
pub(super) struct ZoneHead {
    /// When ([`time_key`]).
    key: u64,
    /// Changes are numbered from twice the zone's first interval; `end` is
    /// twice its range's end.
    pos: usize,
    end: usize,
    /// Units the zone takes down.
    w: i32,
}

/// The most distinct zones a counting deployment may span and still be swept
/// by scanning its zones ([`sweep_zone_intervals`], whose cost per outage
/// grows with the zones); above, by the heap ([`sweep_zone_intervals_heap`]).
/// Measured by callgrind (docs/PERFORMANCE.md), the scan is the cheaper up to
/// 16 zones and the two cost the same there, so the cost per zone is
/// continuous across it.
pub(super) const MAX_INTERVAL_SWEEP_ZONES: usize = 16;

/// One zone's timeline in [`sweep_zone_intervals`].
#[derive(Debug, Clone, Copy)]
pub(super) struct IntervalList {
    /// Start of the next interval (infinity when none is left).
    next: f64,
    /// End of the interval in progress (infinity when none).
    end: f64,
    /// Position of the next interval and the end of the list.
    pos: usize,
    last: usize,
    /// Units the zone takes down.
    w: i32,
}

/// A counting rule on a merged event stream (zones and, where the deployment
/// has them, replica failures): up while at least `k` replicas are live, or
/// with `zones_rule` at least `k` distinct zones hold a live replica, judged
/// once all changes of an instant are applied.
pub(super) fn sweep_counting(
    d: &CompiledDeployment,
    k: i32,
    zones_rule: bool,
    events: &[Event],
    horizon: f64,
    st: &mut EvalState,
    rec: Option<&mut Vec<Interval>>,
) -> TrialOutcome {
    st.reset(d);
    let mut live = d.replica_slot.len() as i32;
    let mut zones = d.slot_replicas.len() as i32;
    let mut track = OutageTrack::new(&d.windows).recording(rec);
    let mut i = 0;
    while i < events.len() {
        let t = events[i].t;
        while i < events.len() && events[i].t == t {
            let (dl, dz) = apply(d, st, events[i]);
            live += dl;
            zones += dz;
            i += 1;
        }
        track.set(t, if zones_rule { zones >= k } else { live >= k });
    }
    track.finish(horizon)
}
