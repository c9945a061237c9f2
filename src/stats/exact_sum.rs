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
///
/// It serialises (serde) as its canonical, normalised limbs, only the
/// non-zero ones: the same value always gives the same bytes, and reading it
/// back gives exactly the same sum.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
#[serde(into = "SparseLimbs", try_from = "SparseLimbs")]
pub struct ExactSum {
    limbs: Box<[i64; LIMBS]>,
    adds: u32,
}

impl std::fmt::Debug for ExactSum {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("ExactSum").field(&self.value()).finish()
    }
}

/// The serialised form of an [`ExactSum`]: `(index, limb)` of each non-zero
/// limb after normalising, in increasing index order.
#[derive(serde::Serialize, serde::Deserialize)]
struct SparseLimbs(Vec<(u8, i64)>);

impl From<ExactSum> for SparseLimbs {
    fn from(mut s: ExactSum) -> Self {
        s.normalize();
        SparseLimbs(
            s.limbs
                .iter()
                .enumerate()
                .filter(|(_, l)| **l != 0)
                .map(|(i, &l)| (i as u8, l))
                .collect(),
        )
    }
}

impl TryFrom<SparseLimbs> for ExactSum {
    type Error = String;

    fn try_from(s: SparseLimbs) -> Result<Self, String> {
        let mut out = ExactSum::new();
        let mut last: Option<u8> = None;
        for (i, l) in s.0 {
            let idx = i as usize;
            if idx >= LIMBS || last.is_some_and(|p| p >= i) {
                return Err(format!("exact sum: limb index {i} out of order or range"));
            }
            // A normalised sum: every limb but the top one in [0, 2^32).
            if idx < LIMBS - 1 && !(0..1i64 << 32).contains(&l) {
                return Err(format!("exact sum: limb {i} = {l} is not normalised"));
            }
            out.limbs[idx] = l;
            last = Some(i);
        }
        Ok(out)
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

    /// Approximate memory of one sum, in bytes (its limbs and header).
    pub fn approx_bytes() -> usize {
        std::mem::size_of::<Self>() + LIMBS * std::mem::size_of::<i64>()
    }

    /// Adds `x * x` exactly: the rounded product and its rounding error
    /// (Dekker's two-product), both exact, so that a sum of squares is exact
    /// too (for `|x|` between about 1e-140 and 1e150).
    pub fn add_square(&mut self, x: f64) {
        let p = x * x;
        let (xh, xl) = split(x);
        let e = ((xh * xh - p) + 2.0 * xh * xl) + xl * xl;
        self.add(p);
        self.add(e);
    }

    /// The exact value as its sign and magnitude in base-2^32 digits (least
    /// significant first), in units of 2^LOW_EXP.
    fn digits(&self) -> (bool, Vec<u64>) {
        let mut s = self.clone();
        s.normalize();
        let negative = s.limbs[LIMBS - 1] < 0;
        if negative {
            for limb in s.limbs.iter_mut() {
                *limb = -*limb;
            }
            s.normalize();
        }
        let mut digits: Vec<u64> = s.limbs.iter().map(|&l| l as u64).collect();
        // Only the top limb may exceed 32 bits (never for sums of f64 values
        // below 2^1100); split it.
        let top = digits[LIMBS - 1];
        digits[LIMBS - 1] = top & 0xffff_ffff;
        digits.push(top >> 32);
        (negative, digits)
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

/// Veltkamp's split of `x` into two halves of 26 bits each, `hi + lo == x`.
#[inline]
fn split(x: f64) -> (f64, f64) {
    let c = 134_217_729.0 * x; // 2^27 + 1
    let hi = c - (c - x);
    (hi, x - hi)
}

/// The sample variance `(n * sum_sq - sum^2) / (n * (n - 1))` of `n` values
/// whose exact sum is `sum` and exact sum of squares `sum_sq` (see
/// [`ExactSum::add_square`]), computed in exact integer arithmetic and rounded
/// once. It is exactly 0 when all the values are equal, and never negative.
pub fn exact_sample_variance(sum: &ExactSum, sum_sq: &ExactSum, n: u64) -> f64 {
    if n < 2 {
        return 0.0;
    }
    // With sum = S 2^L and sum_sq = Q 2^L (L = LOW_EXP), the variance is
    // (n Q 2^-L - S^2) 2^2L / (n (n - 1)).
    let (_, s) = sum.digits();
    let (q_negative, q) = sum_sq.digits();
    if q_negative {
        return 0.0; // not a sum of squares
    }
    let shift = (-LOW_EXP / 32) as usize; // 2^-L = 2^(32 shift)
    let mut nq = vec![0u64; shift];
    nq.extend(mul_small(&q, n));
    let s2 = mul(&s, &s);
    let Some(mut d) = sub(&nq, &s2) else {
        return 0.0; // cannot happen for exact sums: n sum_sq >= sum^2
    };
    if d.iter().all(|&x| x == 0) {
        return 0.0;
    }
    // Six more digits below keep at least 64 significant bits in the
    // quotient (n (n - 1) < 2^128), then one rounding to f64.
    let extra = 6;
    let mut digits = vec![0u64; extra];
    digits.append(&mut d);
    let r1 = div_small(&mut digits, n);
    let r2 = div_small(&mut digits, n - 1);
    to_f64(&digits, r1 != 0 || r2 != 0, 2 * LOW_EXP - 32 * extra as i32)
}

/// `a * m` for base-2^32 digits `a`.
fn mul_small(a: &[u64], m: u64) -> Vec<u64> {
    let mut out = Vec::with_capacity(a.len() + 3);
    let mut carry = 0u128;
    for &x in a {
        let v = x as u128 * m as u128 + carry;
        out.push((v & 0xffff_ffff) as u64);
        carry = v >> 32;
    }
    while carry > 0 {
        out.push((carry & 0xffff_ffff) as u64);
        carry >>= 32;
    }
    out
}

/// `a * b` for base-2^32 digits.
fn mul(a: &[u64], b: &[u64]) -> Vec<u64> {
    let top = |v: &[u64]| v.iter().rposition(|&x| x != 0).map_or(0, |i| i + 1);
    let (a, b) = (&a[..top(a)], &b[..top(b)]);
    let mut out = vec![0u64; a.len() + b.len() + 1];
    for (i, &x) in a.iter().enumerate() {
        let mut carry = 0u64;
        for (j, &y) in b.iter().enumerate() {
            let v = x * y + out[i + j] + carry; // < 2^64
            out[i + j] = v & 0xffff_ffff;
            carry = v >> 32;
        }
        let mut k = i + b.len();
        while carry > 0 {
            let v = out[k] + carry;
            out[k] = v & 0xffff_ffff;
            carry = v >> 32;
            k += 1;
        }
    }
    out
}

/// `a - b` for base-2^32 digits, or `None` when negative.
fn sub(a: &[u64], b: &[u64]) -> Option<Vec<u64>> {
    let n = a.len().max(b.len());
    let mut out = Vec::with_capacity(n);
    let mut borrow = 0i64;
    for i in 0..n {
        let v = *a.get(i).unwrap_or(&0) as i64 - *b.get(i).unwrap_or(&0) as i64 - borrow;
        out.push((v & 0xffff_ffff) as u64);
        borrow = (v < 0) as i64;
    }
    (borrow == 0).then_some(out)
}

/// Divides base-2^32 digits by `m` in place (floor); returns the remainder.
fn div_small(a: &mut [u64], m: u64) -> u64 {
    let mut rem = 0u128;
    for x in a.iter_mut().rev() {
        let v = (rem << 32) | *x as u128;
        *x = (v / m as u128) as u64;
        rem = v % m as u128;
    }
    rem as u64
}

/// The value `a * 2^exp` rounded once to `f64` (to nearest), where `inexact`
/// says a nonzero remainder was dropped below `a`.
fn to_f64(a: &[u64], inexact: bool, exp: i32) -> f64 {
    let Some(top) = a.iter().rposition(|&x| x != 0) else {
        return 0.0;
    };
    // The value's bit length, and its top 64 bits with a sticky bit for
    // everything below (11 guard bits: one rounding to 53 bits is exact).
    let bits = 32 * top as i32 + (64 - a[top].leading_zeros() as i32);
    let low = (bits - 64).max(0);
    let mut m = 0u64;
    let mut sticky = inexact;
    for (i, &x) in a[..=top].iter().enumerate() {
        let at = 32 * i as i32 - low; // position of this digit's lowest bit in m
        if at >= 0 {
            m |= x << at;
        } else if at > -32 {
            m |= x >> -at;
            sticky |= x & ((1u64 << -at) - 1) != 0;
        } else {
            sticky |= x != 0;
        }
    }
    if sticky {
        m |= 1;
    }
    libm::ldexp(m as f64, low + exp)
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
