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
    // Every path gives the same stream: events in time order, ties in list
    // order, each list's own events in its order (so an interval that ends
    // as the list's next one starts stays down at that instant).
    match heads.len() {
        0 => {}
        1 => {
            // One list: its events are already in order.
            push_list_events(iv, &heads[0], out);
        }
        n if n > MAX_SCAN_LISTS => merge_heap(iv, heads, out, total),
        n => {
            // A few lists: scan their next event times for the earliest, with
            // the number of lists fixed at compile time (unused ones wait at
            // infinity).
            out.resize(total, Event { t: 0.0, code: 0 });
            match n {
                2 => merge_few::<2>(iv, heads, out),
                3 => merge_few::<3>(iv, heads, out),
                4 => merge_few::<4>(iv, heads, out),
                5..=8 => merge_few::<8>(iv, heads, out),
                _ => merge_few::<16>(iv, heads, out),
            }
        }
    }
}

/// The most lists merged by scanning every head per event; above it a binary
/// heap takes O(log n) an event. Both order events alike (by time, then list).
pub(super) const MAX_SCAN_LISTS: usize = 16;

/// Whether head `a` comes before head `b`: earlier, or as early and of an
/// earlier list (codes grow with the list index; all lists share the flag).
#[inline(always)]
fn before(a: &Head, b: &Head) -> bool {
    a.t < b.t || (a.t == b.t && a.code < b.code)
}

/// Restores the heap order of `h` below position `i`.
#[inline]
fn sift_down(h: &mut [Head], mut i: usize) {
    let n = h.len();
    loop {
        let l = 2 * i + 1;
        if l >= n {
            return;
        }
        let c = if l + 1 < n && before(&h[l + 1], &h[l]) {
            l + 1
        } else {
            l
        };
        if !before(&h[c], &h[i]) {
            return;
        }
        h.swap(c, i);
        i = c;
    }
}

/// The k-way merge of [`merge_events`] for any number of lists: a binary heap
/// of list heads keyed by (time, list), so it gives exactly the order of
/// [`merge_few`] at O(log n) an event. `heads` is used up as the heap.
pub(super) fn merge_heap(
    iv: &[Interval],
    heads: &mut Vec<Head>,
    out: &mut Vec<Event>,
    total: usize,
) {
    // Positions count events: event j of a list is interval j/2's start (even
    // j, down) or end (odd j, up).
    for h in heads.iter_mut() {
        h.pos *= 2;
        h.end *= 2;
    }
    for i in (0..heads.len() / 2).rev() {
        sift_down(heads, i);
    }
    out.reserve(total);
    while let Some(top) = heads.first_mut() {
        let p = top.pos;
        out.push(Event {
            t: top.t,
            code: top.code | (!p as u32 & DOWN),
        });
        let p = p + 1;
        if p < top.end {
            let x = iv[p >> 1];
            top.t = if p & 1 == 0 { x.start } else { x.end };
            top.pos = p;
        } else {
            let last = heads.pop().expect("not empty");
            if heads.is_empty() {
                break;
            }
            heads[0] = last;
        }
        sift_down(heads, 0);
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

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    /// `n` lists of disjoint intervals on a coarse grid, so that lists tie
    /// with each other and a list's interval often ends where its next starts.
    fn lists(rng: &mut Xoshiro256PlusPlus, n: usize) -> (Vec<Interval>, Vec<(usize, usize)>) {
        let mut iv = Vec::new();
        let mut lists = Vec::new();
        for _ in 0..n {
            let a = iv.len();
            let mut t = rng.random_range(0..4u32) as f64;
            for _ in 0..rng.random_range(0..6u32) {
                let end = t + rng.random_range(1..3u32) as f64;
                iv.push(Interval { start: t, end });
                t = end + rng.random_range(0..2u32) as f64; // often 0: touching
            }
            lists.push((a, iv.len()));
        }
        (iv, lists)
    }

    fn key(e: &Event) -> (u64, u32) {
        (e.t.to_bits(), e.code)
    }

    /// The heap merge gives exactly the scanning merge's stream (same times,
    /// same codes, same order) for every list count the scan handles, and at
    /// any count keeps each list's own order and sorts by (time, list).
    #[test]
    fn heap_merge_matches_the_scan_and_keeps_list_order() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(9);
        let (mut heads, mut a, mut b) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..3000 {
            let n = 1 + round % 40;
            let (iv, ls) = lists(&mut rng, n);
            merge_events(&iv, &ls, REPLICA, &mut heads, &mut a);
            heads.clear();
            let mut total = 0;
            for (k, &(x, y)) in ls.iter().enumerate() {
                if x < y {
                    total += 2 * (y - x);
                    heads.push(Head {
                        t: iv[x].start,
                        pos: x,
                        end: y,
                        code: (k as u32) << 2 | REPLICA,
                    });
                }
            }
            b.clear();
            merge_heap(&iv, &mut heads, &mut b, total);
            let ka: Vec<_> = a.iter().map(key).collect();
            let kb: Vec<_> = b.iter().map(key).collect();
            assert_eq!(ka, kb, "round {round}, {n} lists");
            // Time order, ties by list, and each list's events alternate
            // down, up in its own order.
            assert!(b.windows(2).all(|w| key(&w[0]) < key(&w[1])));
            for (k, &(x, y)) in ls.iter().enumerate() {
                let mine: Vec<_> = b.iter().filter(|e| e.code >> 2 == k as u32).collect();
                assert_eq!(mine.len(), 2 * (y - x));
                for (j, e) in mine.iter().enumerate() {
                    let v = iv[x + j / 2];
                    assert_eq!(e.t, if j % 2 == 0 { v.start } else { v.end });
                    assert_eq!(e.code & DOWN, (j % 2 == 0) as u32);
                }
            }
        }
    }
}
