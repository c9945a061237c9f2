//! The k-way merge of per-list down intervals into one time-ordered stream
//! of down (at an interval's start) and up (at its end) events.

use super::process::Interval;

/// One change of state: a zone or replica going down or coming back up.
#[derive(Debug, Clone, Copy)]
pub(super) struct Event {
    /// When it happens (hours).
    pub(super) t: f64,
    /// `index << 2 | replica << 1 | down`.
    pub(super) code: u32,
}

/// The event flag of a down event (else up).
pub(super) const DOWN: u32 = 1;
/// The event flag of a replica's own event (else a zone's).
pub(super) const REPLICA: u32 = 2;
/// No slot: a zone outside a deployment.
pub(super) const NONE: u32 = u32::MAX;

/// Merges per-list sorted, disjoint intervals into one time-ordered stream of
/// down (at start) and up (at end) events. List k is `iv[lists[k].0..lists[k].1]`;
/// its events carry index k and the given `flag`.
pub(super) fn merge_events(
    iv: &[Interval],
    lists: &[(usize, usize)],
    flag: u32,
    heads: &mut Vec<Head>,
    out: &mut Vec<Event>,
) {
    out.clear();
    heads.clear();
    let mut total = 0;
    for (k, &(a, b)) in lists.iter().enumerate() {
        if a < b {
            total += 2 * (b - a);
            heads.push(Head {
                t: iv[a].start,
                pos: a,
                end: b,
                code: (k as u32) << 2 | flag,
            });
        }
    }
    out.reserve(total);
    match heads.len() {
        0 => return,
        1 => {
            // One list: its events are already in order.
            push_list_events(iv, &heads[0], out);
            return;
        }
        n if n > 16 => {
            // Many lists: sorting all events beats scanning many heads per event.
            for h in heads.iter() {
                push_list_events(iv, h, out);
            }
            out.sort_unstable_by(|a, b| a.t.total_cmp(&b.t));
            return;
        }
        _ => {}
    }
    // A few lists: scan their next event times for the earliest, with the
    // number of lists fixed at compile time (unused ones wait at infinity).
    out.resize(total, Event { t: 0.0, code: 0 });
    match heads.len() {
        2 => merge_few::<2>(iv, heads, out),
        3 => merge_few::<3>(iv, heads, out),
        4 => merge_few::<4>(iv, heads, out),
        5..=8 => merge_few::<8>(iv, heads, out),
        _ => merge_few::<16>(iv, heads, out),
    }
}

/// The k-way merge of [`merge_events`] for at most `K` lists, into `out`
/// already sized to the number of events. Event j of a list is its interval
/// j/2's start (down) for even j, its end (up) for odd j; an exhausted list
/// waits at infinity, so nothing is removed.
#[inline]
fn merge_few<const K: usize>(iv: &[Interval], heads: &[Head], out: &mut [Event]) {
    let mut next = [f64::INFINITY; K];
    let mut pos = [0usize; K];
    let mut end = [0usize; K];
    let mut code = [0u32; K];
    for (k, h) in heads.iter().enumerate() {
        next[k] = h.t;
        pos[k] = 2 * h.pos;
        end[k] = 2 * h.end;
        code[k] = h.code;
    }
    for e in out.iter_mut() {
        let mut best = 0;
        let mut bt = next[0];
        for (k, &t) in next.iter().enumerate().skip(1) {
            if t < bt {
                best = k;
                bt = t;
            }
        }
        let p = pos[best];
        *e = Event {
            t: bt,
            code: code[best] | (!p as u32 & DOWN),
        };
        let p = p + 1;
        pos[best] = p;
        next[best] = if p < end[best] {
            let x = iv[p >> 1];
            if p & 1 == 0 { x.start } else { x.end }
        } else {
            f64::INFINITY
        };
    }
}

/// Appends one list's down and up events, in the list's (time) order.
#[inline]
fn push_list_events(iv: &[Interval], h: &Head, out: &mut Vec<Event>) {
    for x in &iv[h.pos..h.end] {
        out.push(Event {
            t: x.start,
            code: h.code | DOWN,
        });
        out.push(Event {
            t: x.end,
            code: h.code,
        });
    }
}

/// Merges two time-ordered event streams.
pub(super) fn merge_two(a: &[Event], b: &[Event], out: &mut Vec<Event>) {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i].t <= b[j].t {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
}

/// The next event of one list in the merge.
#[derive(Debug, Clone, Copy)]
pub(super) struct Head {
    t: f64,
    pos: usize,
    end: usize,
    code: u32,
}
