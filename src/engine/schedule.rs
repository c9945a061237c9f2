//! Zone and replica timelines beyond the plain up/down processes: the
//! recovery tails common causes leave behind (`zone_recovery`), periodic
//! maintenance windows of zones, and rolling maintenance of a deployment's
//! replicas.
//!
//! Each trial first samples the zones' and causes' processes (`trial`); the
//! lists built here are appended to the same buffer as extra sources of the
//! zones they cover, so the union that forms each zone's timeline takes them
//! in like any common cause. They draw from streams of their own
//! ([`super::streams`]): a study without these features draws exactly as
//! before.

use rand::RngExt;
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::distributions::DurationSampler;
use crate::study::Start;

use super::compile::CompiledDeployment;
use super::process::Interval;
use super::streams::trial_rng;
use super::trial::Scratch;
use super::{RunError, Simulation};

/// Recovery tails older than this many mean recoveries are not looked for
/// before time 0 (for a lognormal with sigma 1.5, a tail that long has
/// probability about 5e-8).
const TAIL_LOOKBACK_MEANS: f64 = 1000.0;
/// The most earlier events looked at before time 0.
const TAIL_LOOKBACK_EVENTS: usize = 1000;

/// A common cause that leaves each affected zone down for its own draw.
#[derive(Debug, Clone)]
pub(super) struct RecoveryCause {
    /// The cause's index.
    pub(super) cause: usize,
    /// How many zones it affects (one list each, in zone order).
    pub(super) zones: usize,
    /// The cause's own up and down laws, for the events before time 0.
    pub(super) up: DurationSampler,
    pub(super) down: DurationSampler,
    pub(super) recovery: DurationSampler,
    pub(super) mean_recovery: f64,
}

/// A periodic schedule: windows of `duration` every `every`, the first at
/// `offset` or at a phase drawn per trial.
#[derive(Debug, Clone, Copy)]
pub(super) struct Periodic {
    pub(super) every: f64,
    pub(super) duration: f64,
    pub(super) offset: Option<f64>,
}

impl Periodic {
    /// The start of the first cycle and the first cycle index: the fixed
    /// offset (cycles 0, 1, ...), or a phase drawn uniformly in
    /// `[0, every)`, from cycle -1 from a steady-state start (a window may be
    /// in progress at time 0) and from cycle 0 from an all-up one.
    #[inline]
    pub(super) fn phase(&self, rng: &mut Xoshiro256PlusPlus, start: Start) -> (f64, i64) {
        match self.offset {
            Some(o) => (o, 0),
            None => {
                let phase = rng.random::<f64>() * self.every;
                let k0 = match start {
                    Start::SteadyState => -1,
                    Start::AllUp => 0,
                };
                (phase, k0)
            }
        }
    }

    /// Calls `push(start, end)` for every window `[a + k every + lead,
    /// a + k every + lead + duration]`, `k >= k0`, clipped to `[0, horizon]`.
    #[inline]
    pub(super) fn windows(
        &self,
        (a, k0): (f64, i64),
        lead: f64,
        horizon: f64,
        mut push: impl FnMut(f64, f64) -> bool,
    ) -> bool {
        let mut k = k0;
        loop {
            let s = a + k as f64 * self.every + lead;
            if s >= horizon {
                return true;
            }
            let e = s + self.duration;
            if e > 0.0 && !push(s.max(0.0), e.min(horizon)) {
                return false;
            }
            k += 1;
        }
    }

    /// Expected windows in one horizon, plus the edges.
    pub(super) fn expected_windows(&self, horizon: f64) -> f64 {
        horizon / self.every + 2.0
    }
}

/// A deployment's replica maintenance.
#[derive(Debug, Clone, Copy)]
pub(super) struct ReplicaSchedule {
    pub(super) periodic: Periodic,
    pub(super) rolling: bool,
    pub(super) key: u64,
}

/// The compiled extra sources of the zones' timelines.
#[derive(Debug, Clone, Default)]
pub(super) struct ZoneExtras {
    pub(super) recovery: Vec<RecoveryCause>,
    pub(super) maintenance: Vec<Periodic>,
    pub(super) recovery_key: u64,
    pub(super) maintenance_key: u64,
}

impl ZoneExtras {
    pub(super) fn is_empty(&self) -> bool {
        self.recovery.is_empty() && self.maintenance.is_empty()
    }
}

/// Sorts `v[from..]` by start and merges overlapping or touching intervals
/// in place.
pub(super) fn union_tail(v: &mut Vec<Interval>, from: usize) {
    v[from..].sort_unstable_by(|a, b| a.start.total_cmp(&b.start));
    let mut w = from;
    for i in from..v.len() {
        let iv = v[i];
        if w > from && iv.start <= v[w - 1].end {
            v[w - 1].end = v[w - 1].end.max(iv.end);
        } else {
            v[w] = iv;
            w += 1;
        }
    }
    v.truncate(w);
}

impl Simulation {
    /// Appends, after the zones' and causes' lists in `sc.raw`, one list per
    /// (cause with `zone_recovery`, affected zone) and one per maintenance
    /// schedule (their order is the one `compile` numbered them in).
    pub(super) fn sample_zone_extras(&self, trial: u64, sc: &mut Scratch) -> Result<(), RunError> {
        let ex = &self.extras;
        if ex.is_empty() {
            return Ok(());
        }
        let h = self.horizon;
        let cap = self.interval_cap;
        let too_many = || RunError::TooManyIntervals { trial, limit: cap };
        let nz = self.zones.len();
        let mut rng = trial_rng(ex.recovery_key, trial);
        let mut tails = Vec::new();
        for rc in &ex.recovery {
            let (a, b) = (sc.raw_off[nz + rc.cause], sc.raw_off[nz + rc.cause + 1]);
            tails.clear();
            tails.resize(rc.zones, 0.0f64);
            if self.start == Start::SteadyState {
                self.tails_before_zero(rc, a != b && sc.raw[a].start == 0.0, &mut rng, &mut tails);
            }
            for &tail in &tails {
                if tail > 0.0 {
                    sc.raw.push(Interval {
                        start: 0.0,
                        end: tail.min(h),
                    });
                }
                for j in a..b {
                    let iv = sc.raw[j];
                    let end = if iv.end < h {
                        (iv.end + rc.recovery.sample(&mut rng)).min(h)
                    } else {
                        h
                    };
                    sc.raw.push(Interval {
                        start: iv.start,
                        end,
                    });
                }
                if sc.raw.len() > cap {
                    return Err(too_many());
                }
                sc.raw_off.push(sc.raw.len());
            }
        }
        let mut rng = trial_rng(ex.maintenance_key, trial);
        for m in &ex.maintenance {
            let phase = m.phase(&mut rng, self.start);
            let raw = &mut sc.raw;
            let ok = m.windows(phase, 0.0, h, |start, end| {
                raw.push(Interval { start, end });
                raw.len() <= cap
            });
            if !ok {
                return Err(too_many());
            }
            sc.raw_off.push(sc.raw.len());
        }
        Ok(())
    }

    /// From a steady-state start, how long after time 0 each affected zone
    /// is still recovering from events that ended before 0 (`tails[k]`, 0
    /// when none). Walks back through the cause's stationary history: the
    /// age of the period in progress at 0, then whole down and up periods,
    /// each earlier event leaving an independent recovery per zone. Exact
    /// when the cause's up and down times are exponential (their ages are
    /// then independent of the residuals sampled forward), up to tails older
    /// than [`TAIL_LOOKBACK_MEANS`] mean recoveries.
    fn tails_before_zero(
        &self,
        rc: &RecoveryCause,
        down_at_zero: bool,
        rng: &mut Xoshiro256PlusPlus,
        tails: &mut [f64],
    ) {
        // `back`: how long before 0 the latest earlier event ended.
        let mut back = if down_at_zero {
            rc.down.sample_residual(rng) + rc.up.sample(rng)
        } else {
            rc.up.sample_residual(rng)
        };
        let limit = TAIL_LOOKBACK_MEANS * rc.mean_recovery;
        for _ in 0..TAIL_LOOKBACK_EVENTS {
            if back > limit {
                break;
            }
            for t in tails.iter_mut() {
                let left = rc.recovery.sample(rng) - back;
                if left > *t {
                    *t = left;
                }
            }
            back += rc.down.sample(rng) + rc.up.sample(rng);
        }
    }

    /// Fills `sc.rep_iv` / `sc.rep_rng` with each replica's own down
    /// intervals: its failures (the deployment's stream, drawn as before) and
    /// its maintenance windows, as one disjoint, sorted list per replica.
    pub(super) fn replica_timelines(
        &self,
        d: &CompiledDeployment,
        trial: u64,
        sc: &mut Scratch,
    ) -> Result<(), RunError> {
        let h = self.horizon;
        let cap = self.interval_cap;
        let too_many = || RunError::TooManyIntervals { trial, limit: cap };
        let mut rng = trial_rng(d.stream_key, trial);
        let phase = d.maintenance.map(|m| {
            let mut rng = trial_rng(m.key, trial);
            m.periodic.phase(&mut rng, self.start)
        });
        sc.rep_iv.clear();
        sc.rep_rng.clear();
        for r in 0..d.replica_slot.len() {
            let a = sc.rep_iv.len();
            if let Some(p) = &d.replica_process {
                p.sample_capped(&mut rng, h, self.start, cap, &mut sc.rep_iv)
                    .ok_or_else(too_many)?;
            }
            if let (Some(m), Some(phase)) = (&d.maintenance, phase) {
                let lead = if m.rolling {
                    r as f64 * m.periodic.duration
                } else {
                    0.0
                };
                let b = sc.rep_iv.len();
                let iv = &mut sc.rep_iv;
                let ok = m.periodic.windows(phase, lead, h, |start, end| {
                    iv.push(Interval { start, end });
                    iv.len() <= cap
                });
                if !ok {
                    return Err(too_many());
                }
                if b > a {
                    union_tail(&mut sc.rep_iv, a);
                }
            }
            sc.rep_rng.push((a, sc.rep_iv.len()));
        }
        Ok(())
    }
}
