//! The standard samplers the engine draws from: the exponential of rate 1,
//! the standard normal and the gamma.
//!
//! They are `rand_distr` 0.6's algorithms, step for step and with its
//! ziggurat tables (the ZIGNOR variant of Doornik 2005 for the exponential
//! and the normal, Marsaglia and Tsang 2000 for the gamma), so they read the
//! same random words and make the same comparisons. What differs is where
//! the elementary functions come from: here `exp`, `log` and `pow` are the
//! `libm` crate's, in every build. `rand_distr` calls them through
//! `num-traits`, which means glibc natively (where some dependency turns on
//! `num-traits/std`) and the compiler's port of musl in WebAssembly, and the
//! two differ in the last bit for about a tenth of `exp`'s arguments. With
//! one implementation compiled from the same source everywhere, a seed gives
//! the same bits natively and in the browser.

use rand::distr::Open01;
use rand::{Rng, RngExt};

use super::ziggurat_tables as zig;

/// 52 random bits as a float in `[2^e, 2^(e+1))` (`rand`'s
/// `into_float_with_exponent` for `f64`).
#[inline(always)]
fn with_exponent(fraction: u64, exponent: i32) -> f64 {
    f64::from_bits(fraction | (((1023 + exponent) as u64) << 52))
}

/// The ziggurat method, as `rand_distr`'s `utils::ziggurat`: `symmetric` for
/// a distribution on the whole line, `x_tab` and `f_tab` the abscissae and
/// the density at them, `pdf` the (unnormalised) density, `zero_case` the
/// draw from the tail when the bottom box is chosen.
#[inline(always)]
fn ziggurat<R, P, Z>(
    rng: &mut R,
    symmetric: bool,
    x_tab: zig::ZigTable,
    f_tab: zig::ZigTable,
    mut pdf: P,
    mut zero_case: Z,
) -> f64
where
    R: Rng + ?Sized,
    P: FnMut(f64) -> f64,
    Z: FnMut(&mut R, f64) -> f64,
{
    loop {
        // 8 of the 12 bits the float leaves out choose the box.
        let bits = rng.next_u64();
        let i = bits as usize & 0xff;
        let u = if symmetric {
            // [2, 4) - 3: [-1, 1).
            with_exponent(bits >> 12, 1) - 3.0
        } else {
            // [1, 2) - (1 - eps/2): (0, 1).
            with_exponent(bits >> 12, 0) - (1.0 - f64::EPSILON / 2.0)
        };
        let x = u * x_tab[i];
        let test_x = if symmetric { x.abs() } else { x };
        if test_x < x_tab[i + 1] {
            return x;
        }
        if i == 0 {
            return zero_case(rng, u);
        }
        if f_tab[i + 1] + (f_tab[i] - f_tab[i + 1]) * rng.random::<f64>() < pdf(x) {
            return x;
        }
    }
}

/// The exponential distribution of rate 1 (`rand_distr::Exp1`).
#[inline(always)]
pub(crate) fn exp1<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    ziggurat(
        rng,
        false,
        &zig::ZIG_EXP_X,
        &zig::ZIG_EXP_F,
        exp1_pdf,
        |rng, _u| exp1_tail(rng.random::<f64>()),
    )
}

// Both below are reached by about 1.2% of the draws: out of the hot loop.
// Neither takes the generator: a generator passed to a function that is not
// inlined lives in memory for the whole of its caller's loop (every draw
// then loads and stores its state: ref-2of3 ran about 15% slower), so the
// tail's uniform is drawn inline and only the logarithm is called.
#[inline(never)]
fn exp1_pdf(x: f64) -> f64 {
    libm::exp(-x)
}

#[inline(never)]
fn exp1_tail(u: f64) -> f64 {
    zig::ZIG_EXP_R - libm::log(u)
}

/// The standard normal distribution (`rand_distr::StandardNormal`).
#[inline]
pub(crate) fn standard_normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    ziggurat(
        rng,
        true,
        &zig::ZIG_NORM_X,
        &zig::ZIG_NORM_F,
        |x| libm::exp(-x * x / 2.0),
        |rng, u| {
            // The tail beyond R, by Marsaglia's method.
            let mut x = 1.0f64;
            let mut y = 0.0f64;
            while -2.0 * y < x * x {
                let x_: f64 = rng.sample(Open01);
                let y_: f64 = rng.sample(Open01);
                x = libm::log(x_) / zig::ZIG_NORM_R;
                y = libm::log(y_);
            }
            if u < 0.0 {
                x - zig::ZIG_NORM_R
            } else {
                zig::ZIG_NORM_R - x
            }
        },
    )
}

/// The gamma distribution with a shape and a scale (`rand_distr::Gamma`:
/// Marsaglia and Tsang for shapes above 1, boosted by `U^(1/shape)` below,
/// the exponential at 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Gamma {
    /// Shape above 1.
    Large(LargeShape),
    /// Shape 1 (or an infinite parameter): an exponential.
    One {
        /// The mean, computed as `rand_distr` does: `1 / (1 / scale)`.
        lambda_inverse: f64,
    },
    /// Shape below 1: a draw of shape + 1 times `U^(1 / shape)`.
    Small {
        /// `1 / shape`.
        inv_shape: f64,
        /// The sampler of shape + 1.
        large: LargeShape,
    },
}

/// Marsaglia and Tsang's constants for a shape above 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct LargeShape {
    scale: f64,
    c: f64,
    d: f64,
}

impl LargeShape {
    fn new(shape: f64, scale: f64) -> Self {
        let d = shape - 1. / 3.;
        LargeShape {
            scale,
            c: 1.0 / (9.0 * d).sqrt(),
            d,
        }
    }

    fn sample_unscaled<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        loop {
            let x = standard_normal(rng);
            let v_cbrt = 1.0 + self.c * x;
            if v_cbrt <= 0.0 {
                continue;
            }
            let v = v_cbrt * v_cbrt * v_cbrt;
            let u: f64 = rng.sample(Open01);
            let x_sqr = x * x;
            if u < 1.0 - 0.0331 * x_sqr * x_sqr
                || libm::log(u) < 0.5 * x_sqr + self.d * (1.0 - v + libm::log(v))
            {
                return v;
            }
        }
    }
}

impl Gamma {
    /// The gamma distribution of `shape` and `scale`; `None` unless both
    /// are > 0 (as `rand_distr::Gamma::new`'s errors).
    pub(crate) fn new(shape: f64, scale: f64) -> Option<Self> {
        if !(shape > 0.0 && scale > 0.0) {
            return None;
        }
        Some(if shape == f64::INFINITY || scale == f64::INFINITY {
            Gamma::One {
                lambda_inverse: 1.0 / 0.0,
            }
        } else if shape == 1.0 {
            Gamma::One {
                lambda_inverse: 1.0 / (1.0 / scale),
            }
        } else if shape < 1.0 {
            Gamma::Small {
                inv_shape: 1.0 / shape,
                large: LargeShape::new(shape + 1.0, scale),
            }
        } else {
            Gamma::Large(LargeShape::new(shape, scale))
        })
    }

    /// One draw.
    pub(crate) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Gamma::Large(g) => g.sample_unscaled(rng) * (g.d * g.scale),
            Gamma::One { lambda_inverse } => exp1(rng) * lambda_inverse,
            Gamma::Small { inv_shape, large } => {
                let u: f64 = rng.sample(Open01);
                let a = large.sample_unscaled(rng);
                let b = libm::pow(u, *inv_shape);
                // Scale last: the other factors are finite and small.
                (a * b * large.d) * large.scale
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_distr::Distribution;
    use rand_xoshiro::Xoshiro256PlusPlus;

    /// `ours` and `theirs` draw `n` values from generators of the same seed:
    /// every pair within `ulps` units in the last place (0 where no
    /// elementary function is involved), the generators in the same state
    /// after each draw (the same words read). Returns how many pairs differ.
    fn same_stream(
        n: usize,
        ulps: u64,
        mut ours: impl FnMut(&mut Xoshiro256PlusPlus) -> f64,
        mut theirs: impl FnMut(&mut Xoshiro256PlusPlus) -> f64,
    ) -> usize {
        let mut a = Xoshiro256PlusPlus::seed_from_u64(16);
        let mut b = a.clone();
        let mut differ = 0;
        for k in 0..n {
            let (x, y) = (ours(&mut a), theirs(&mut b));
            let gap = x.to_bits().abs_diff(y.to_bits());
            assert!(gap <= ulps, "draw {k}: {x:e} against rand_distr's {y:e}");
            differ += usize::from(gap != 0);
            assert_eq!(a, b, "draw {k} read another number of words");
        }
        differ
    }

    #[test]
    fn exp1_is_rand_distrs_up_to_the_elementary_functions() {
        // Only the rejection test (1.2% of draws) and the tail call `exp` and
        // `log`, and where they differ a draw may at most be accepted or
        // rejected the other way: that never happened in a million draws.
        let differ = same_stream(1_000_000, 1, exp1, |r| rand_distr::Exp1.sample(r));
        assert!(differ <= 10, "{differ} of a million draws differ");
    }

    #[test]
    fn standard_normal_is_rand_distrs_up_to_the_elementary_functions() {
        let differ = same_stream(1_000_000, 1, standard_normal, |r| {
            rand_distr::StandardNormal.sample(r)
        });
        assert!(differ <= 10, "{differ} of a million draws differ");
    }

    #[test]
    fn gamma_is_rand_distrs_up_to_the_elementary_functions() {
        // Shapes below, at and above 1; a draw passes through `log` and `pow`,
        // so it may move by a few ulps, never by more.
        for (shape, scale) in [(0.4, 3.0), (1.0, 2.5), (1.7, 0.5), (12.0, 100.0)] {
            let ours = Gamma::new(shape, scale).expect("valid");
            let theirs = rand_distr::Gamma::new(shape, scale).expect("valid");
            same_stream(200_000, 4, |r| ours.sample(r), |r| theirs.sample(r));
        }
        assert_eq!(Gamma::new(0.0, 1.0), None);
        assert_eq!(Gamma::new(1.0, f64::NAN), None);
    }
}
