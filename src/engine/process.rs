//! Sampling one outage process's down intervals over a trial's horizon.

use rand::RngExt;
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::distributions::DurationSampler;
use crate::study::Start;
use crate::topology::OutageProcess;

/// A down interval `[start, end]` (hours).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Interval {
    pub(super) start: f64,
    pub(super) end: f64,
}

/// A compiled outage process: its samplers and stationary down probability.
#[derive(Debug, Clone)]
pub(super) struct ProcessSampler {
    up: DurationSampler,
    down: DurationSampler,
    p_down: f64,
    /// Mean time to repair (hours).
    pub(super) mean_down: f64,
    /// Expected down intervals in one horizon (plus one for the edge).
    pub(super) expected_intervals: f64,
}

impl ProcessSampler {
    pub(super) fn new(p: &OutageProcess, horizon: f64) -> Self {
        let (mu, md) = (p.time_to_failure.mean(), p.time_to_repair.mean());
        ProcessSampler {
            up: p.time_to_failure.sampler(),
            down: p.time_to_repair.sampler(),
            p_down: md / (mu + md),
            mean_down: md,
            expected_intervals: horizon / (mu + md) + 1.0,
        }
    }

    /// Samples the process's down intervals within `[0, horizon]` into `out`,
    /// each clipped to the horizon. Returns false if `out` reached `cap`.
    #[inline(always)]
    pub(super) fn sample_into<S: IntervalSink>(
        &self,
        rng: &mut Xoshiro256PlusPlus,
        horizon: f64,
        start: Start,
        out: &mut S,
    ) -> bool {
        // The loop draws from a local copy whose address no call is given,
        // so its state stays in registers (see `DurationSampler::draw`).
        let mut local = rng.clone();
        let done = self.sample_local(&mut local, horizon, start, out);
        *rng = local;
        done
    }

    #[inline(always)]
    fn sample_local<S: IntervalSink>(
        &self,
        rng: &mut Xoshiro256PlusPlus,
        horizon: f64,
        start: Start,
        out: &mut S,
    ) -> bool {
        let mut t = match start {
            Start::AllUp => self.up.draw(rng),
            Start::SteadyState => {
                if rng.random::<f64>() < self.p_down {
                    let end = self.down.draw_residual(rng);
                    if end > 0.0 && !out.push(0.0, clip(end, horizon)) {
                        return false;
                    }
                    if end >= horizon {
                        return true;
                    }
                    end + self.up.draw(rng)
                } else {
                    self.up.draw_residual(rng)
                }
            }
        };
        // Durations of zero (a gamma with a tiny shape underflows) do not
        // advance time, so the loop is bounded by the sink's capacity too.
        let mut cycles = 0usize;
        while t < horizon {
            cycles += 1;
            if cycles > out.capacity() {
                return false;
            }
            let end = t + self.down.draw(rng);
            if end > t && !out.push(t, clip(end, horizon)) {
                return false;
            }
            if end >= horizon {
                break;
            }
            t = end + self.up.draw(rng);
        }
        true
    }

    /// Appends the process's down intervals in this trial to `raw`, at most
    /// `cap` of them; returns their total length (summed in push order), or
    /// `None` past the cap.
    #[inline(always)]
    pub(super) fn sample_capped(
        &self,
        rng: &mut Xoshiro256PlusPlus,
        horizon: f64,
        start: Start,
        cap: usize,
        raw: &mut Vec<Interval>,
    ) -> Option<f64> {
        let mut sink = CappedVec {
            v: raw,
            cap,
            sum: 0.0,
        };
        self.sample_into(rng, horizon, start, &mut sink)
            .then_some(sink.sum)
    }
}

/// Where sampled intervals go: a buffer, or (for the draws floor) a sum.
pub(super) trait IntervalSink {
    /// Takes one interval; false if full.
    fn push(&mut self, start: f64, end: f64) -> bool;
    /// The most up/down cycles one process may take in a trial.
    fn capacity(&self) -> usize;
}

/// A buffer of intervals with a cap, summing their lengths.
struct CappedVec<'a> {
    v: &'a mut Vec<Interval>,
    cap: usize,
    /// Total length of the intervals pushed, in push order.
    sum: f64,
}

impl IntervalSink for CappedVec<'_> {
    #[inline]
    fn push(&mut self, start: f64, end: f64) -> bool {
        if self.v.len() >= self.cap {
            return false;
        }
        self.v.push(Interval { start, end });
        self.sum += end - start;
        true
    }

    #[inline]
    fn capacity(&self) -> usize {
        self.cap
    }
}

/// `end.min(horizon)` for an `end` that is never NaN, as one instruction
/// (`f64::min`'s NaN rule costs five more, once a cycle).
#[inline(always)]
fn clip(end: f64, horizon: f64) -> f64 {
    if end < horizon { end } else { horizon }
}

/// Only sums the intervals' lengths (the draws floor).
pub(super) struct SumSink(pub(super) f64);

impl IntervalSink for SumSink {
    #[inline]
    fn push(&mut self, start: f64, end: f64) -> bool {
        self.0 += end - start;
        true
    }

    #[inline]
    fn capacity(&self) -> usize {
        usize::MAX
    }
}
