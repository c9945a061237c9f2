//! [`ExactSum`]: a fixed-point sum of `f64` values that never rounds.

/// Number of 32-bit limbs: covers every finite `f64` (2^-1074 .. 2^1024) plus carry room.
const LIMBS: usize = 70;
/// The exponent of limb 0's lowest bit.
const LOW_EXP: i32 = -1088;
/// Adds allowed before limbs are normalised; each add puts < 2^32 into a limb.
const ADDS_BEFORE_CARRY: u32 = 1 << 30;

/// An exact sum of `f64` values: fixed-point limbs wide enough for any finite
/// `f64`, so adding never rounds and the order of additions and merges does
/// not matter. Reading it with [`ExactSum::value`] rounds once.
///
/// ```
/// use zonesim::stats::ExactSum;
/// let (mut a, mut b) = (ExactSum::new(), ExactSum::new());
/// a.add(1e20); a.add(1.0); a.add(-1e20);
/// b.add(1e-30);
/// a.merge(&b);
/// assert_eq!(a.value(), 1.0 + 1e-30);
/// ```
#[derive(Clone)]
pub struct ExactSum {
    limbs: Box<[i64; LIMBS]>,
    adds: u32,
}

impl std::fmt::Debug for ExactSum {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("ExactSum").field(&self.value()).finish()
    }
}

impl Default for ExactSum {
    fn default() -> Self {
        Self::new()
    }
}

impl ExactSum {
    /// An empty sum (zero).
    pub fn new() -> Self {
        ExactSum {
            limbs: Box::new([0; LIMBS]),
            adds: 0,
        }
    }

    /// Adds a finite value exactly. Non-finite values are ignored (they never
    /// arise from the engine, whose values are bounded by the horizon).
    pub fn add(&mut self, x: f64) {
        if x == 0.0 || !x.is_finite() {
            return;
        }
        let bits = x.to_bits();
        let negative = bits >> 63 == 1;
        let exp_bits = ((bits >> 52) & 0x7ff) as i32;
        let frac = bits & ((1u64 << 52) - 1);
        let (mantissa, exp) = if exp_bits == 0 {
            (frac, -1074)
        } else {
            (frac | (1u64 << 52), exp_bits - 1075)
        };
        let pos = (exp - LOW_EXP) as u32;
        let (idx, off) = ((pos / 32) as usize, pos % 32);
        let wide = (mantissa as u128) << off;
        let sign = if negative { -1 } else { 1 };
        for k in 0..3 {
            let part = ((wide >> (32 * k)) & 0xffff_ffff) as i64;
            if part != 0 {
                self.limbs[idx + k] += sign * part;
            }
        }
        self.adds += 1;
        if self.adds >= ADDS_BEFORE_CARRY {
            self.normalize();
        }
    }

    /// Propagates carries so every limb but the top one is in `[0, 2^32)`.
    fn normalize(&mut self) {
        let mut carry = 0i64;
        for limb in self.limbs.iter_mut() {
            let v = *limb + carry;
            *limb = v & 0xffff_ffff;
            carry = v >> 32; // arithmetic shift: floor division
        }
        self.limbs[LIMBS - 1] += carry << 32;
        self.adds = 0;
    }

    /// Adds another sum into this one, exactly.
    pub fn merge(&mut self, other: &ExactSum) {
        let mut o = other.clone();
        o.normalize();
        self.normalize();
        for (a, b) in self.limbs.iter_mut().zip(o.limbs.iter()) {
            *a += *b;
        }
        self.normalize();
    }

    /// The sum, rounded to `f64`. A deterministic function of the exact value.
    pub fn value(&self) -> f64 {
        let mut s = self.clone();
        s.normalize();
        // After normalising, the sign of the sum is the sign of the top limb.
        // Read a negative sum as minus its negation, so that every limb is a
        // small non-negative number and no term overflows.
        if s.limbs[LIMBS - 1] < 0 {
            for limb in s.limbs.iter_mut() {
                *limb = -*limb;
            }
            s.normalize();
            return -s.magnitude();
        }
        s.magnitude()
    }

    /// The value of a normalised, non-negative sum.
    fn magnitude(&self) -> f64 {
        let s = self;
        // Limbs are in [0, 2^32). Sum from the top so the large terms come
        // first; two-term compensation keeps it within an ulp.
        let mut hi = 0.0f64;
        let mut lo = 0.0f64;
        for i in (0..LIMBS).rev() {
            let limb = s.limbs[i];
            if limb == 0 {
                continue;
            }
            let term = libm::ldexp(limb as f64, LOW_EXP + 32 * i as i32);
            let t = hi + term;
            lo += if hi.abs() >= term.abs() {
                (hi - t) + term
            } else {
                (term - t) + hi
            };
            hi = t;
        }
        hi + lo
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_sum_is_exact_and_order_free() {
        // 1e16 + 1 - 1e16 loses the 1 in plain f64; the exact sum keeps it.
        let xs = [
            1e16,
            1.0,
            -1e16,
            3.5e-300,
            2.0f64.powi(-1074),
            -0.25,
            7e200,
            -7e200,
        ];
        let mut fwd = ExactSum::new();
        xs.iter().for_each(|&x| fwd.add(x));
        let mut rev = ExactSum::new();
        xs.iter().rev().for_each(|&x| rev.add(x));
        let expected = 1.0 - 0.25 + 3.5e-300 + 2.0f64.powi(-1074);
        assert_eq!(fwd.value(), expected);
        assert_eq!(rev.value(), expected);
        // Any split, merged in any order, gives the same bits.
        let (mut a, mut b) = (ExactSum::new(), ExactSum::new());
        xs[..3].iter().for_each(|&x| a.add(x));
        xs[3..].iter().for_each(|&x| b.add(x));
        b.merge(&a);
        assert_eq!(b.value().to_bits(), fwd.value().to_bits());
    }

    #[test]
    fn exact_sum_of_many_small_values() {
        // 0.1 is not exact in binary; the exact sum of n copies is n * 0.1
        // (as a real number), which rounds to the f64 nearest n * fl(0.1).
        let mut s = ExactSum::new();
        for _ in 0..1_000_000 {
            s.add(0.1);
        }
        let exact = 1_000_000.0 * 0.1f64; // product of an integer and fl(0.1), rounded once
        assert!((s.value() - exact).abs() <= exact * f64::EPSILON);
        let mut neg = ExactSum::new();
        neg.add(-2.5);
        neg.add(1.0);
        assert_eq!(neg.value(), -1.5);
    }
}
