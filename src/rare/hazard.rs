//! The true law of an up time as the likelihood ratio needs it: cumulative
//! hazard `H(x) = -ln S(x)`, hazard `h(x) = f(x) / S(x)`, and draws of the
//! remaining life of a unit that has survived to age `a`.
//!
//! Only distributions with a density have a [`Law`]; `fixed` and `empirical`
//! up times are never biased (the caller keeps their true draws).

use crate::distributions::{Duration, RawDuration};

const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

/// An up-time law with a density.
#[derive(Debug, Clone)]
pub(crate) enum Law {
    Exponential {
        rate: f64,
    },
    Weibull {
        shape: f64,
        scale: f64,
    },
    Lognormal {
        mu: f64,
        sigma: f64,
    },
    Gamma {
        shape: f64,
        scale: f64,
        ln_gamma: f64,
    },
    Uniform {
        low: f64,
        high: f64,
    },
}

impl Law {
    /// The law of a duration, or `None` when it has no density.
    pub(crate) fn new(d: &Duration) -> Option<Law> {
        match d.params() {
            RawDuration::Exponential { mean } => Some(Law::Exponential { rate: 1.0 / mean }),
            RawDuration::Weibull { shape, scale } => Some(Law::Weibull {
                shape: *shape,
                scale: *scale,
            }),
            RawDuration::Lognormal { median, sigma } => Some(Law::Lognormal {
                mu: libm::log(*median),
                sigma: *sigma,
            }),
            RawDuration::Gamma { shape, scale } => Some(Law::Gamma {
                shape: *shape,
                scale: *scale,
                ln_gamma: libm::lgamma(*shape),
            }),
            RawDuration::Uniform { low, high } => Some(Law::Uniform {
                low: *low,
                high: *high,
            }),
            RawDuration::Fixed { .. } | RawDuration::Empirical { .. } => None,
        }
    }

    /// Whether the law is memoryless (the age does not matter).
    pub(crate) fn is_exponential(&self) -> bool {
        matches!(self, Law::Exponential { .. })
    }

    /// The cumulative hazard `H(x) = -ln P(X > x)`; `+inf` past the support.
    pub(crate) fn cum_hazard(&self, x: f64) -> f64 {
        if x <= 0.0 {
            return 0.0;
        }
        match *self {
            Law::Exponential { rate } => rate * x,
            Law::Weibull { shape, scale } => libm::pow(x / scale, shape),
            Law::Lognormal { mu, sigma } => -ln_normal_sf((libm::log(x) - mu) / sigma),
            Law::Gamma {
                shape,
                scale,
                ln_gamma,
            } => -ln_gamma_q(shape, x / scale, ln_gamma),
            Law::Uniform { low, high } => {
                if x <= low {
                    0.0
                } else if x >= high {
                    f64::INFINITY
                } else {
                    -libm::log((high - x) / (high - low))
                }
            }
        }
    }

    /// `H(a + s) - H(a)`: the hazard a unit of age `a` accrues over `s` more hours.
    pub(crate) fn hazard_increment(&self, age: f64, s: f64) -> f64 {
        match *self {
            Law::Exponential { rate } => rate * s,
            Law::Weibull { .. }
            | Law::Lognormal { .. }
            | Law::Gamma { .. }
            | Law::Uniform { .. } => (self.cum_hazard(age + s) - self.cum_hazard(age)).max(0.0),
        }
    }

    /// `ln h(x)`, the log hazard at age `x` (`-inf` where the hazard is 0).
    pub(crate) fn ln_hazard(&self, x: f64) -> f64 {
        match *self {
            Law::Exponential { rate } => libm::log(rate),
            Law::Weibull { shape, scale } => {
                libm::log(shape / scale) + (shape - 1.0) * libm::log(x / scale)
            }
            Law::Lognormal { mu, sigma } => {
                let z = (libm::log(x) - mu) / sigma;
                -0.5 * z * z - LN_SQRT_2PI - libm::log(x) - libm::log(sigma) - ln_normal_sf(z)
            }
            Law::Gamma {
                shape,
                scale,
                ln_gamma,
            } => {
                let y = x / scale;
                (shape - 1.0) * libm::log(y)
                    - y
                    - ln_gamma
                    - libm::log(scale)
                    - ln_gamma_q(shape, y, ln_gamma)
            }
            Law::Uniform { low, high } => {
                if x < low {
                    f64::NEG_INFINITY
                } else if x >= high {
                    f64::INFINITY
                } else {
                    -libm::log(high - x)
                }
            }
        }
    }

    /// The remaining life of a unit of age `age` under the true law, from a
    /// standard exponential draw `e`: the `r` with `H(age + r) = H(age) + e`.
    pub(crate) fn remaining_life(&self, age: f64, e: f64) -> f64 {
        match *self {
            Law::Exponential { rate } => e / rate,
            Law::Weibull { shape, scale } => {
                let target = self.cum_hazard(age) + e;
                (scale * libm::pow(target, 1.0 / shape) - age).max(0.0)
            }
            Law::Uniform { low, high } => {
                let target = self.cum_hazard(age) + e;
                (high - (high - low) * libm::exp(-target) - age).max(0.0)
            }
            Law::Lognormal { .. } | Law::Gamma { .. } => self.solve_remaining(age, e),
        }
    }

    /// Safeguarded Newton on the increasing `x -> H(x)`, from a bracket.
    fn solve_remaining(&self, age: f64, e: f64) -> f64 {
        let target = self.cum_hazard(age) + e;
        let scale = match *self {
            Law::Lognormal { mu, sigma } => libm::exp(mu + 0.5 * sigma * sigma),
            Law::Gamma { shape, scale, .. } => shape * scale,
            Law::Exponential { .. } | Law::Weibull { .. } | Law::Uniform { .. } => 1.0,
        };
        let mut lo = age;
        let mut hi = age + scale;
        let mut guard = 0;
        while self.cum_hazard(hi) < target && guard < 2000 {
            lo = hi;
            hi = age + (hi - age) * 2.0;
            guard += 1;
        }
        let mut x = 0.5 * (lo + hi);
        for _ in 0..200 {
            let g = self.cum_hazard(x) - target;
            if g == 0.0 {
                break;
            }
            if g < 0.0 {
                lo = x;
            } else {
                hi = x;
            }
            let step = g / libm::exp(self.ln_hazard(x));
            let mut next = x - step;
            if !(next > lo && next < hi && next.is_finite()) {
                next = 0.5 * (lo + hi);
            }
            if (hi - lo) <= 1e-13 * hi || (next - x).abs() <= 1e-14 * x {
                x = next;
                break;
            }
            x = next;
        }
        (x - age).max(0.0)
    }
}

/// `ln P(Z > z)` for a standard normal `Z`, accurate in both tails.
pub(crate) fn ln_normal_sf(z: f64) -> f64 {
    if z < 0.0 {
        // P(Z > z) = 1 - P(Z > -z), the latter small.
        libm::log1p(-0.5 * libm::erfc(-z / std::f64::consts::SQRT_2))
    } else if z < 37.0 {
        libm::log(0.5 * libm::erfc(z / std::f64::consts::SQRT_2))
    } else {
        // Mills ratio asymptotics where erfc underflows.
        let z2 = z * z;
        -0.5 * z2 - libm::log(z) - LN_SQRT_2PI + libm::log1p(-1.0 / z2 + 3.0 / (z2 * z2))
    }
}

/// `ln Q(a, x)`, the log of the regularised upper incomplete gamma function,
/// by its series (x < a + 1) or its continued fraction (Numerical Recipes,
/// 3rd ed., 6.2), given `ln Γ(a)`.
pub(crate) fn ln_gamma_q(a: f64, x: f64, ln_gamma_a: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    let front = -x + a * libm::log(x) - ln_gamma_a;
    if x < a + 1.0 {
        // P(a, x) = e^front / a * sum x^n / ((a+1)...(a+n)).
        let (mut term, mut sum, mut ap) = (1.0 / a, 1.0 / a, a);
        for _ in 0..1000 {
            ap += 1.0;
            term *= x / ap;
            sum += term;
            if term.abs() < sum.abs() * 1e-17 {
                break;
            }
        }
        let p = libm::exp(front + libm::log(sum));
        libm::log1p(-p)
    } else {
        // Modified Lentz for the continued fraction of Q.
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..1000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let del = d * c;
            h *= del;
            if (del - 1.0).abs() < 1e-16 {
                break;
            }
        }
        front + libm::log(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Numerical derivative of H against the hazard, and H against S by quadrature.
    fn check(law: &Law, xs: &[f64]) {
        for &x in xs {
            let dx = 1e-5 * x;
            let num = (law.cum_hazard(x + dx) - law.cum_hazard(x - dx)) / (2.0 * dx);
            let h = law.ln_hazard(x).exp();
            assert!((num - h).abs() <= 1e-5 * h, "{law:?} at {x}: {num} vs {h}");
            // The remaining life inverts H.
            let r = law.remaining_life(x, 0.7);
            let got = law.cum_hazard(x + r) - law.cum_hazard(x);
            assert!((got - 0.7).abs() < 1e-9, "{law:?} at {x}: {got}");
        }
    }

    #[test]
    fn hazards_match_cumulative_hazards() {
        check(&Law::Exponential { rate: 0.01 }, &[1.0, 50.0, 500.0]);
        check(
            &Law::Weibull {
                shape: 0.7,
                scale: 100.0,
            },
            &[0.5, 50.0, 900.0],
        );
        check(
            &Law::Lognormal {
                mu: 3.0,
                sigma: 1.2,
            },
            &[0.1, 20.0, 400.0, 1e5],
        );
        for shape in [0.5, 1.0, 3.5] {
            check(
                &Law::Gamma {
                    shape,
                    scale: 10.0,
                    ln_gamma: libm::lgamma(shape),
                },
                &[0.3, 5.0, 35.0, 300.0],
            );
        }
        check(
            &Law::Uniform {
                low: 10.0,
                high: 30.0,
            },
            &[12.0, 29.0],
        );
    }

    #[test]
    fn incomplete_gamma_known_values() {
        // Q(1, x) = e^-x; Q(2, x) = (1 + x) e^-x; Q(0.5, x) = erfc(sqrt x).
        for x in [0.1, 1.0, 2.5, 10.0, 60.0] {
            assert!((ln_gamma_q(1.0, x, 0.0) + x).abs() < 1e-13);
            let want = (1.0 + x).ln() - x;
            assert!((ln_gamma_q(2.0, x, 0.0) - want).abs() < 1e-13);
            let want = libm::erfc(x.sqrt()).ln();
            let got = ln_gamma_q(0.5, x, libm::lgamma(0.5));
            assert!((got - want).abs() < 1e-11 * want.abs().max(1.0), "{x}");
        }
    }

    #[test]
    fn normal_tail_is_continuous_at_the_switch() {
        let a = ln_normal_sf(36.999_999);
        let b = ln_normal_sf(37.000_001);
        assert!((a - b).abs() < 1e-3 && a > b);
        assert!((ln_normal_sf(0.0) - 0.5f64.ln()).abs() < 1e-15);
        assert!(ln_normal_sf(-40.0) == 0.0 || ln_normal_sf(-40.0).abs() < 1e-300);
    }
}
