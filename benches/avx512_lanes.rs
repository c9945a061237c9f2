//! Issue 14's open question, measured: how much would sampling eight trials
//! at once in AVX-512 buy? Each vector lane is one trial, with the generator
//! the engine seeds for it (Xoshiro256++ from `seed_from_u64(trial)`) and
//! the draws the scalar code makes, in the same order, so the results are
//! bit-identical per trial (asserted before anything is timed, and by
//! `cargo test --release --bench avx512_lanes` in CI). Benches, all at the
//! 200,000 trials an iteration of `plain-floor/ref-2of3` runs:
//!
//! - `avx512/plain`: the plain floor (27 exponential draws a trial, summed).
//! - `avx512/ref-2of3-sampling-scalar` and `avx512/ref-2of3-sampling`:
//!   ref-2of3's sampling (three zones, steady-state start, exponential up
//!   and down times, the down intervals' lengths summed: what the engine's
//!   `draws-floor/ref-2of3` does), as scalar code and in the lanes. A lane
//!   that ends its trial takes the next one at once.
//! - `avx512/plain-no-slow-path` and `avx512/ref-2of3-sampling-no-slow-path`:
//!   upper bounds, not results: the lanes keep the ziggurat's first
//!   candidate even where it fails the fast test (2.2% of draws), which
//!   takes away the branch and the scalar `exp` and `log` that exact draws
//!   need there. Their sums are wrong.
//!
//! Run it with the engine's benches, so that the ratios come from one run:
//! `cargo bench --bench bench_main --bench avx512_lanes --
//! 'plain-floor/ref-2of3|draws-floor/ref-2of3|ref-2of3/threads/1|avx512'`,
//! then `python3 benches/ratios.py`. Skipped on a CPU without AVX-512 (F
//! and DQ) and compiled only for x86-64. The library itself has no `unsafe`
//! and no target-specific code: this is the measurement behind that design
//! question (docs/PERFORMANCE.md, "Fourth pass").
// The AVX-512 intrinsics are stable since Rust 1.89; the crate's MSRV (1.88)
// is the library's, and this bench is a measurement, not part of it.
#![allow(clippy::incompatible_msrv)]
// Lanes are bits of a mask and indices of arrays alike.
#![allow(clippy::needless_range_loop)]

#[cfg(target_arch = "x86_64")]
criterion::criterion_main!(lanes::benches);

#[cfg(not(target_arch = "x86_64"))]
fn main() {
    eprintln!("avx512_lanes: x86-64 only");
}

// The engine's own exponential sampler and ziggurat tables (those of
// `rand_distr` 0.6, with `libm`), compiled in here, not copied.
#[cfg(target_arch = "x86_64")]
// (Its tests compile here too, without a harness to run them.)
#[allow(dead_code, unused_imports)]
#[path = "../src/distributions/standard.rs"]
mod standard;
#[cfg(target_arch = "x86_64")]
#[allow(dead_code)]
#[path = "../src/distributions/ziggurat_tables.rs"]
mod ziggurat_tables;

#[cfg(target_arch = "x86_64")]
mod lanes {
    use std::arch::x86_64::*;
    use std::hint::black_box;

    use criterion::{Criterion, SamplingMode, Throughput, criterion_group};
    use rand::{RngExt, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    use std::time::Duration;

    use super::standard::exp1;
    use super::ziggurat_tables as zig;

    const TRIALS: usize = 200_000;

    // ---------------------------------------------------------------- scalar

    /// 27 draws a trial, one sum a trial.
    fn plain_scalar(out: &mut [f64]) {
        for (t, o) in out.iter_mut().enumerate() {
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(t as u64);
            *o = (0..DRAWS).map(|_| exp1(&mut rng)).sum();
        }
    }

    const DRAWS: usize = 27;
    const HORIZON: f64 = 8760.0;
    const MEAN_UP: f64 = 2190.0;
    const MEAN_DOWN: f64 = 4.0;
    const P_DOWN: f64 = MEAN_DOWN / (MEAN_UP + MEAN_DOWN);
    const ZONES: i64 = 3;

    /// The engine's `ProcessSampler::sample_local` for a steady-state start
    /// and exponential laws, into a sum of the down intervals' lengths.
    #[inline(always)]
    fn zone_scalar(rng: &mut Xoshiro256PlusPlus, sum: &mut f64) {
        let clip = |end: f64| if end < HORIZON { end } else { HORIZON };
        let mut t = if rng.random::<f64>() < P_DOWN {
            let end = exp1(rng) * MEAN_DOWN;
            if end > 0.0 {
                *sum += clip(end) - 0.0;
            }
            if end >= HORIZON {
                return;
            }
            end + exp1(rng) * MEAN_UP
        } else {
            exp1(rng) * MEAN_UP
        };
        while t < HORIZON {
            let end = t + exp1(rng) * MEAN_DOWN;
            if end > t {
                *sum += clip(end) - t;
            }
            if end >= HORIZON {
                break;
            }
            t = end + exp1(rng) * MEAN_UP;
        }
    }

    /// ref-2of3's sampling, one sum a trial.
    fn ref_scalar(out: &mut [f64]) {
        for (t, o) in out.iter_mut().enumerate() {
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(t as u64);
            let mut sum = 0.0;
            for _ in 0..ZONES {
                zone_scalar(&mut rng, &mut sum);
            }
            *o = sum;
        }
    }

    // ---------------------------------------------------------------- lanes

    /// Eight Xoshiro256++ states, a word of each in a vector.
    struct Lanes {
        s0: __m512i,
        s1: __m512i,
        s2: __m512i,
        s3: __m512i,
    }

    /// SplitMix64's output function, in every lane.
    #[target_feature(enable = "avx512f,avx512dq")]
    fn mix(mut z: __m512i) -> __m512i {
        let m1 = _mm512_set1_epi64(0xbf58_476d_1ce4_e5b9_u64 as i64);
        let m2 = _mm512_set1_epi64(0x94d0_49bb_1331_11eb_u64 as i64);
        z = _mm512_mullo_epi64(_mm512_xor_si512(z, _mm512_srli_epi64::<30>(z)), m1);
        z = _mm512_mullo_epi64(_mm512_xor_si512(z, _mm512_srli_epi64::<27>(z)), m2);
        _mm512_xor_si512(z, _mm512_srli_epi64::<31>(z))
    }

    impl Lanes {
        /// `Xoshiro256PlusPlus::seed_from_u64` of each lane's word.
        #[target_feature(enable = "avx512f,avx512dq")]
        fn seed(x: __m512i) -> Lanes {
            const PHI: u64 = 0x9e37_79b9_7f4a_7c15;
            let word = |i: u64| {
                mix(_mm512_add_epi64(
                    x,
                    _mm512_set1_epi64(PHI.wrapping_mul(i) as i64),
                ))
            };
            Lanes {
                s0: word(1),
                s1: word(2),
                s2: word(3),
                s3: word(4),
            }
        }

        /// The next word of each lane in `m`; the other lanes keep their state.
        #[target_feature(enable = "avx512f,avx512dq")]
        #[inline]
        fn next(&mut self, m: __mmask8) -> __m512i {
            let r = _mm512_add_epi64(
                _mm512_rol_epi64::<23>(_mm512_add_epi64(self.s0, self.s3)),
                self.s0,
            );
            let t = _mm512_slli_epi64::<17>(self.s1);
            let s2 = _mm512_xor_si512(self.s2, self.s0);
            let s3 = _mm512_xor_si512(self.s3, self.s1);
            let s1 = _mm512_xor_si512(self.s1, s2);
            let s0 = _mm512_xor_si512(self.s0, s3);
            self.s0 = _mm512_mask_mov_epi64(self.s0, m, s0);
            self.s1 = _mm512_mask_mov_epi64(self.s1, m, s1);
            self.s2 = _mm512_mask_mov_epi64(self.s2, m, _mm512_xor_si512(s2, t));
            self.s3 = _mm512_mask_mov_epi64(self.s3, m, _mm512_rol_epi64::<45>(s3));
            r
        }

        /// `rng.random::<f64>()` in the lanes of `m`.
        #[target_feature(enable = "avx512f,avx512dq")]
        #[inline]
        fn uniform(&mut self, m: __mmask8) -> __m512d {
            uniform(self.next(m))
        }

        /// Ends the exponential draws of the lanes in `slow`, whose candidates
        /// `x` (from `bits`) failed the fast test, as the engine's `exp1` does: the
        /// extra words come from those lanes' generators, in registers; only
        /// `exp` and `log` are scalar.
        #[target_feature(enable = "avx512f,avx512dq")]
        #[inline]
        fn finish(&mut self, mut bits: __m512i, mut x: __m512d, slow: __mmask8) -> __m512d {
            let mut pending = slow;
            while pending != 0 {
                let u = self.uniform(pending);
                let i = _mm512_and_si512(bits, _mm512_set1_epi64(0xff));
                let tail = _mm512_mask_cmpeq_epi64_mask(pending, i, _mm512_setzero_si512());
                let wedge = pending & !tail;
                let (mut xs, mut us, mut fx) = ([0f64; 8], [0f64; 8], [0f64; 8]);
                // SAFETY: unaligned stores of eight f64 into arrays of eight.
                unsafe {
                    _mm512_storeu_pd(xs.as_mut_ptr(), x);
                    _mm512_storeu_pd(us.as_mut_ptr(), u);
                }
                for l in 0..8 {
                    if tail & (1 << l) != 0 {
                        fx[l] = zig::ZIG_EXP_R - libm::log(us[l]);
                    } else if wedge & (1 << l) != 0 {
                        fx[l] = libm::exp(-xs[l]);
                    }
                }
                // SAFETY: an unaligned load of eight f64; the gathers read
                // entries i and i + 1 < 257 of the tables, as i < 256.
                let (fx, fi, fi1) = unsafe {
                    (
                        _mm512_loadu_pd(fx.as_ptr()),
                        _mm512_i64gather_pd::<8>(i, zig::ZIG_EXP_F.as_ptr()),
                        _mm512_i64gather_pd::<8>(i, zig::ZIG_EXP_F.as_ptr().add(1)),
                    )
                };
                x = _mm512_mask_mov_pd(x, tail, fx);
                let f = _mm512_add_pd(fi1, _mm512_mul_pd(_mm512_sub_pd(fi, fi1), u));
                let accept = _mm512_mask_cmp_pd_mask::<_CMP_LT_OQ>(wedge, f, fx);
                pending = wedge & !accept;
                if pending != 0 {
                    bits = _mm512_mask_mov_epi64(bits, pending, self.next(pending));
                    x = _mm512_mask_mov_pd(x, pending, candidate(bits));
                    pending &= !fast_test(bits, x);
                }
            }
            x
        }

        /// One exponential draw in each lane of `m`; `EXACT` false keeps the
        /// first candidate of every lane (the upper bounds).
        #[target_feature(enable = "avx512f,avx512dq")]
        #[inline]
        fn exp1<const EXACT: bool>(&mut self, m: __mmask8) -> __m512d {
            let bits = self.next(m);
            let x = candidate(bits);
            if !EXACT {
                return x;
            }
            let slow = m & !fast_test(bits, x);
            if slow == 0 {
                x
            } else {
                self.finish(bits, x, slow)
            }
        }
    }

    #[target_feature(enable = "avx512f,avx512dq")]
    #[inline]
    fn uniform(bits: __m512i) -> __m512d {
        let scale = _mm512_set1_pd(1.0 / (1u64 << 53) as f64);
        _mm512_mul_pd(_mm512_cvtepu64_pd(_mm512_srli_epi64::<11>(bits)), scale)
    }

    /// The ziggurat's candidate: 52 of the bits as a float in (0, 1), times
    /// `X[bits & 0xff]`.
    #[target_feature(enable = "avx512f,avx512dq")]
    #[inline]
    fn candidate(bits: __m512i) -> __m512d {
        let i = _mm512_and_si512(bits, _mm512_set1_epi64(0xff));
        let one = _mm512_set1_epi64((1023u64 << 52) as i64);
        let u = _mm512_castsi512_pd(_mm512_or_si512(_mm512_srli_epi64::<12>(bits), one));
        let u = _mm512_sub_pd(u, _mm512_set1_pd(1.0 - f64::EPSILON / 2.0));
        // SAFETY: i < 256 indexes the 257 entries.
        let xi = unsafe { _mm512_i64gather_pd::<8>(i, zig::ZIG_EXP_X.as_ptr()) };
        _mm512_mul_pd(u, xi)
    }

    /// The lanes whose candidate passes the fast test `x < X[i + 1]`.
    #[target_feature(enable = "avx512f,avx512dq")]
    #[inline]
    fn fast_test(bits: __m512i, x: __m512d) -> __mmask8 {
        let i = _mm512_and_si512(bits, _mm512_set1_epi64(0xff));
        // SAFETY: i + 1 <= 256 indexes the 257 entries.
        let next = unsafe { _mm512_i64gather_pd::<8>(i, zig::ZIG_EXP_X.as_ptr().add(1)) };
        _mm512_cmp_pd_mask::<_CMP_LT_OQ>(x, next)
    }

    /// The lane numbers 0 to 7.
    #[target_feature(enable = "avx512f")]
    fn lane_numbers() -> __m512i {
        _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0)
    }

    /// `plain_scalar`, eight trials a vector. `out.len()` a multiple of 8.
    #[target_feature(enable = "avx512f,avx512dq")]
    fn plain_lanes<const EXACT: bool>(out: &mut [f64]) {
        for (c, chunk) in out.chunks_exact_mut(8).enumerate() {
            let first = _mm512_set1_epi64(8 * c as i64);
            let mut rng = Lanes::seed(_mm512_add_epi64(first, lane_numbers()));
            let mut sum = _mm512_setzero_pd();
            for _ in 0..DRAWS {
                sum = _mm512_add_pd(sum, rng.exp1::<EXACT>(0xff));
            }
            // SAFETY: an unaligned store of eight f64 into a chunk of eight.
            unsafe { _mm512_storeu_pd(chunk.as_mut_ptr(), sum) };
        }
    }

    /// `ref_scalar`, a trial a lane: each step draws one number in every live
    /// lane (a uniform for a zone's start, else an exponential) and moves that
    /// lane's zone on; a lane whose trial ends writes its sum and takes the
    /// next trial.
    #[target_feature(enable = "avx512f,avx512dq")]
    fn ref_lanes<const EXACT: bool>(out: &mut [f64]) {
        let n = out.len();
        let horizon = _mm512_set1_pd(HORIZON);
        let (mean_up, mean_down) = (_mm512_set1_pd(MEAN_UP), _mm512_set1_pd(MEAN_DOWN));
        let p_down = _mm512_set1_pd(P_DOWN);
        let zones = _mm512_set1_epi64(ZONES);
        let mut trial = [0u64; 8];
        let mut live: __mmask8 = 0;
        let mut next_trial = 0;
        for (l, t) in trial.iter_mut().enumerate() {
            if next_trial < n {
                *t = next_trial as u64;
                live |= 1 << l;
                next_trial += 1;
            }
        }
        // SAFETY: an unaligned load of eight u64.
        let mut rng = Lanes::seed(unsafe { _mm512_loadu_si512(trial.as_ptr().cast()) });
        // Zones left in each lane's trial; which lanes are at a zone's start or
        // in an up time (the others are in a down time); the time it starts at.
        let mut left = zones;
        let mut at_start = live;
        let mut in_up: __mmask8 = 0;
        let mut t = _mm512_setzero_pd();
        let mut sum = _mm512_setzero_pd();
        while live != 0 {
            let drawing = live & !at_start;
            let bits = rng.next(live);
            let mut x = candidate(bits);
            if EXACT {
                let slow = drawing & !fast_test(bits, x);
                if slow != 0 {
                    x = rng.finish(bits, x, slow);
                }
            }
            let starts_down =
                _mm512_mask_cmp_pd_mask::<_CMP_LT_OQ>(at_start, uniform(bits), p_down);
            let in_down = drawing & !in_up;
            let end = _mm512_add_pd(
                t,
                _mm512_mul_pd(x, _mm512_mask_blend_pd(in_down, mean_up, mean_down)),
            );
            let pushed = _mm512_mask_cmp_pd_mask::<_CMP_GT_OQ>(in_down, end, t);
            sum = _mm512_mask_add_pd(
                sum,
                pushed,
                sum,
                _mm512_sub_pd(_mm512_min_pd(end, horizon), t),
            );
            let past = _mm512_mask_cmp_pd_mask::<_CMP_GE_OQ>(drawing, end, horizon);
            let goes_on = drawing & !past;
            t = _mm512_mask_mov_pd(t, goes_on, end);
            t = _mm512_mask_mov_pd(t, at_start, _mm512_setzero_pd());
            in_up = (in_down & goes_on) | (at_start & !starts_down);
            left = _mm512_mask_sub_epi64(left, past, left, _mm512_set1_epi64(1));
            let ended = _mm512_mask_cmpeq_epi64_mask(past, left, _mm512_setzero_si512());
            at_start = past & !ended;
            if ended != 0 {
                let mut sums = [0f64; 8];
                // SAFETY: an unaligned store of eight f64.
                unsafe { _mm512_storeu_pd(sums.as_mut_ptr(), sum) };
                let mut fresh: __mmask8 = 0;
                for l in 0..8 {
                    if ended & (1 << l) != 0 {
                        out[trial[l] as usize] = sums[l];
                        if next_trial < n {
                            trial[l] = next_trial as u64;
                            next_trial += 1;
                            fresh |= 1 << l;
                        }
                    }
                }
                live &= !ended;
                if fresh != 0 {
                    // SAFETY: an unaligned load of eight u64.
                    let seeded = Lanes::seed(unsafe { _mm512_loadu_si512(trial.as_ptr().cast()) });
                    rng.s0 = _mm512_mask_mov_epi64(rng.s0, fresh, seeded.s0);
                    rng.s1 = _mm512_mask_mov_epi64(rng.s1, fresh, seeded.s1);
                    rng.s2 = _mm512_mask_mov_epi64(rng.s2, fresh, seeded.s2);
                    rng.s3 = _mm512_mask_mov_epi64(rng.s3, fresh, seeded.s3);
                    left = _mm512_mask_mov_epi64(left, fresh, zones);
                    sum = _mm512_mask_mov_pd(sum, fresh, _mm512_setzero_pd());
                    live |= fresh;
                    at_start |= fresh;
                }
            }
            in_up &= live;
        }
    }

    /// The lanes' sums equal the scalar code's, bit for bit, trial by trial.
    fn assert_identical(what: &str, scalar: &[f64], lanes: &[f64]) {
        let differ = scalar
            .iter()
            .zip(lanes)
            .filter(|(a, b)| a.to_bits() != b.to_bits())
            .count();
        assert_eq!(
            differ, 0,
            "{what}: lanes differ from the scalar code in {differ} trials"
        );
    }

    fn lanes_against_scalar(c: &mut Criterion) {
        if !(is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx512dq")) {
            eprintln!("avx512: this CPU has no AVX-512 F and DQ; skipped");
            return;
        }
        // The scalar code is rand_xoshiro's generator and the engine's own
        // `exp1` (held to `rand_distr::Exp1` by the engine's tests), and for
        // ref-2of3 the engine's cycle loop; the lanes must equal it.
        let (mut scalar, mut lanes) = (vec![0.0; TRIALS], vec![-1.0; TRIALS]);
        plain_scalar(&mut scalar);
        // SAFETY (for every call below): the CPU has AVX-512 F and DQ.
        unsafe { plain_lanes::<true>(&mut lanes) };
        assert_identical("plain floor", &scalar, &lanes);
        ref_scalar(&mut scalar);
        unsafe { ref_lanes::<true>(&mut lanes) };
        assert_identical("ref-2of3 sampling", &scalar, &lanes);

        let mut group = c.benchmark_group("avx512");
        group.sampling_mode(SamplingMode::Flat);
        group.throughput(Throughput::Elements(TRIALS as u64));
        let mut bench = |name: &str, f: &dyn Fn(&mut [f64])| {
            group.bench_function(name, |b| {
                b.iter(|| {
                    f(&mut lanes);
                    black_box(&lanes);
                })
            });
        };
        bench("plain", &|o| unsafe { plain_lanes::<true>(o) });
        bench("plain-no-slow-path", &|o| unsafe {
            plain_lanes::<false>(o)
        });
        bench("ref-2of3-sampling-scalar", &ref_scalar);
        bench("ref-2of3-sampling", &|o| unsafe { ref_lanes::<true>(o) });
        bench("ref-2of3-sampling-no-slow-path", &|o| unsafe {
            ref_lanes::<false>(o)
        });
        group.finish();
    }

    /// As the engine's benches (`benches/benchmarks/mod.rs`).
    fn config() -> Criterion {
        Criterion::default()
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3))
            .sample_size(10)
    }

    criterion_group! {
        name = benches;
        config = config();
        targets = lanes_against_scalar
    }
}
