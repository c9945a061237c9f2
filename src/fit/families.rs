//! Log-likelihoods of the four families with right-censoring, the optimiser
//! and the observed information.
//!
//! Every family is fitted on log-parameters `eta = ln(theta)` (unconstrained),
//! where `theta` are the parameters as files write them (exponential mean;
//! Weibull shape and scale; lognormal median and sigma; gamma shape and
//! scale). The exponential has a closed form; the two-parameter families are
//! maximised by Nelder–Mead on `eta` from moment starts, restarted from the
//! best point until two runs agree. The optimiser is hand-written (about 60
//! lines) rather than a dependency: the problems are two-dimensional and
//! smooth, and the crates that offer it (argmin) bring a second `rand`
//! family into the build. It is checked against the closed forms that exist
//! (uncensored lognormal, exponential as Weibull shape 1) in the tests.

use statrs::function::erf::erfc;
use statrs::function::gamma::{gamma_ur, ln_gamma};

use super::{Family, Observation};

const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

/// `ln P(Z > z)` for a standard normal, accurate far into the tail.
pub(super) fn ln_normal_sf(z: f64) -> f64 {
    if z < 30.0 {
        libm::log(0.5 * erfc(z / std::f64::consts::SQRT_2))
    } else {
        // Mills ratio: P(Z > z) ~ phi(z) / z (1 - 1/z^2 + 3/z^4).
        let z2 = z * z;
        -0.5 * z2 - LN_SQRT_2PI - libm::log(z) + libm::log(1.0 - 1.0 / z2 + 3.0 / (z2 * z2))
    }
}

/// `ln Q(k, y)`, the regularised upper incomplete gamma, with the leading
/// asymptotic term where `Q` underflows.
fn ln_gamma_sf(k: f64, y: f64) -> f64 {
    let q = gamma_ur(k, y);
    if q > 1e-300 {
        libm::log(q)
    } else {
        (k - 1.0) * libm::log(y) - y - ln_gamma(k)
    }
}

/// The log-likelihood of `theta` (the family's parameters as written in
/// files) on the observations; `-inf` where it is not defined.
pub(super) fn log_likelihood(family: Family, theta: &[f64], obs: &[Observation]) -> f64 {
    let mut ll = 0.0;
    match family {
        Family::Exponential => {
            let m = theta[0];
            for o in obs {
                ll -= o.time / m;
                if !o.censored {
                    ll -= libm::log(m);
                }
            }
        }
        Family::Weibull => {
            let (k, lambda) = (theta[0], theta[1]);
            for o in obs {
                let r = o.time / lambda;
                ll -= libm::pow(r, k);
                if !o.censored {
                    ll += libm::log(k) - libm::log(lambda) + (k - 1.0) * libm::log(r);
                }
            }
        }
        Family::Lognormal => {
            let (mu, sigma) = (libm::log(theta[0]), theta[1]);
            for o in obs {
                let z = (libm::log(o.time) - mu) / sigma;
                ll += if o.censored {
                    ln_normal_sf(z)
                } else {
                    -libm::log(o.time) - libm::log(sigma) - LN_SQRT_2PI - 0.5 * z * z
                };
            }
        }
        Family::Gamma => {
            let (k, scale) = (theta[0], theta[1]);
            let lg = ln_gamma(k);
            for o in obs {
                let y = o.time / scale;
                ll += if o.censored {
                    ln_gamma_sf(k, y)
                } else {
                    -lg - libm::log(scale) + (k - 1.0) * libm::log(y) - y
                };
            }
        }
    }
    if ll.is_nan() { f64::NEG_INFINITY } else { ll }
}

/// The survival function `P(X > x)` of the family at `theta`.
pub(super) fn survival(family: Family, theta: &[f64], x: f64) -> f64 {
    match family {
        Family::Exponential => libm::exp(-x / theta[0]),
        Family::Weibull => libm::exp(-libm::pow(x / theta[1], theta[0])),
        Family::Lognormal => libm::exp(ln_normal_sf(
            (libm::log(x) - libm::log(theta[0])) / theta[1],
        )),
        Family::Gamma => gamma_ur(theta[0], x / theta[1]),
    }
}

/// Starting parameters from the observed (uncensored) durations' moments,
/// and from all times where fewer than two are observed.
fn start(family: Family, obs: &[Observation]) -> Vec<f64> {
    let observed: Vec<f64> = obs.iter().filter(|o| !o.censored).map(|o| o.time).collect();
    let xs: Vec<f64> = if observed.len() >= 2 {
        observed
    } else {
        obs.iter().map(|o| o.time).collect()
    };
    let n = xs.len() as f64;
    let logs: Vec<f64> = xs.iter().map(|&x| libm::log(x)).collect();
    let ml = logs.iter().sum::<f64>() / n;
    let sl = (logs.iter().map(|l| (l - ml) * (l - ml)).sum::<f64>() / n)
        .sqrt()
        .max(0.05);
    let mean = xs.iter().sum::<f64>() / n;
    let var =
        (xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n).max(1e-12 * mean * mean);
    match family {
        Family::Exponential => vec![mean],
        Family::Weibull => {
            // Gumbel: the sd of ln X is pi / (k sqrt 6); E ln X = ln lambda - gamma_e / k.
            let k = (std::f64::consts::PI / (sl * 6f64.sqrt())).clamp(0.05, 50.0);
            vec![k, libm::exp(ml + 0.577_215_664_901_532_9 / k)]
        }
        Family::Lognormal => vec![libm::exp(ml), sl],
        Family::Gamma => {
            let k = (mean * mean / var).clamp(0.01, 1e4);
            vec![k, mean / k]
        }
    }
}

/// Nelder–Mead minimisation of `f` from `x0` with initial steps `step`.
fn nelder_mead(f: &dyn Fn(&[f64]) -> f64, x0: &[f64], step: f64) -> (Vec<f64>, f64) {
    let n = x0.len();
    let mut pts: Vec<Vec<f64>> = vec![x0.to_vec()];
    for i in 0..n {
        let mut p = x0.to_vec();
        p[i] += step;
        pts.push(p);
    }
    let mut vals: Vec<f64> = pts.iter().map(|p| f(p)).collect();
    for _ in 0..5000 {
        let mut order: Vec<usize> = (0..=n).collect();
        order.sort_by(|&a, &b| vals[a].total_cmp(&vals[b]));
        pts = order.iter().map(|&i| pts[i].clone()).collect();
        vals = order.iter().map(|&i| vals[i]).collect();
        let size = pts[1..]
            .iter()
            .flat_map(|p| p.iter().zip(&pts[0]).map(|(a, b)| (a - b).abs()))
            .fold(0.0, f64::max);
        if size < 1e-11 && (vals[n] - vals[0]).abs() <= 1e-13 * (1.0 + vals[0].abs()) {
            break;
        }
        let centroid: Vec<f64> = (0..n)
            .map(|j| pts[..n].iter().map(|p| p[j]).sum::<f64>() / n as f64)
            .collect();
        let along = |t: f64| -> Vec<f64> {
            centroid
                .iter()
                .zip(&pts[n])
                .map(|(c, w)| c + t * (c - w))
                .collect()
        };
        let r = along(1.0);
        let fr = f(&r);
        if fr < vals[0] {
            let e = along(2.0);
            let fe = f(&e);
            if fe < fr {
                (pts[n], vals[n]) = (e, fe);
            } else {
                (pts[n], vals[n]) = (r, fr);
            }
        } else if fr < vals[n - 1] {
            (pts[n], vals[n]) = (r, fr);
        } else {
            let c = if fr < vals[n] {
                along(0.5)
            } else {
                along(-0.5)
            };
            let fc = f(&c);
            if fc < vals[n].min(fr) {
                (pts[n], vals[n]) = (c, fc);
            } else {
                for i in 1..=n {
                    let p: Vec<f64> = pts[i]
                        .iter()
                        .zip(&pts[0])
                        .map(|(a, b)| b + 0.5 * (a - b))
                        .collect();
                    vals[i] = f(&p);
                    pts[i] = p;
                }
            }
        }
    }
    let best = (0..=n)
        .min_by(|&a, &b| vals[a].total_cmp(&vals[b]))
        .expect("a simplex has points");
    (pts[best].clone(), vals[best])
}

/// The maximum-likelihood parameters (as written in files) and the
/// log-likelihood there.
pub(super) fn maximise(family: Family, obs: &[Observation]) -> (Vec<f64>, f64) {
    if family == Family::Exponential {
        let total: f64 = obs.iter().map(|o| o.time).sum();
        let d = obs.iter().filter(|o| !o.censored).count() as f64;
        let theta = vec![total / d];
        let ll = log_likelihood(family, &theta, obs);
        return (theta, ll);
    }
    let neg = |eta: &[f64]| -> f64 {
        let theta: Vec<f64> = eta.iter().map(|&e| libm::exp(e)).collect();
        let ll = log_likelihood(family, &theta, obs);
        if ll.is_finite() { -ll } else { f64::INFINITY }
    };
    let mut eta: Vec<f64> = start(family, obs).iter().map(|&t| libm::log(t)).collect();
    let mut best = f64::INFINITY;
    let mut step = 0.5;
    for _ in 0..20 {
        let (e, v) = nelder_mead(&neg, &eta, step);
        let done = (best - v).abs() <= 1e-12 * (1.0 + v.abs());
        eta = e;
        best = v;
        step = 0.05;
        if done {
            break;
        }
    }
    (eta.iter().map(|&e| libm::exp(e)).collect(), -best)
}

/// The covariance of `eta = ln(theta)` at the maximum: the inverse of the
/// observed information (minus the Hessian of the log-likelihood by central
/// differences). `None` when it is not positive definite.
pub(super) fn log_covariance(
    family: Family,
    theta: &[f64],
    obs: &[Observation],
) -> Option<Vec<Vec<f64>>> {
    let n = theta.len();
    let eta: Vec<f64> = theta.iter().map(|&t| libm::log(t)).collect();
    let ll = |e: &[f64]| -> f64 {
        let t: Vec<f64> = e.iter().map(|&x| libm::exp(x)).collect();
        log_likelihood(family, &t, obs)
    };
    let h = 1e-4;
    let at = |di: usize, si: f64, dj: usize, sj: f64| -> f64 {
        let mut e = eta.clone();
        e[di] += si * h;
        e[dj] += sj * h;
        ll(&e)
    };
    let mut info = vec![vec![0.0; n]; n];
    for (i, row) in info.iter_mut().enumerate() {
        for (j, cell) in row.iter_mut().enumerate() {
            let d2 = if i == j {
                let mut e1 = eta.clone();
                e1[i] += h;
                let mut e2 = eta.clone();
                e2[i] -= h;
                (ll(&e1) - 2.0 * ll(&eta) + ll(&e2)) / (h * h)
            } else {
                (at(i, 1.0, j, 1.0) - at(i, 1.0, j, -1.0) - at(i, -1.0, j, 1.0)
                    + at(i, -1.0, j, -1.0))
                    / (4.0 * h * h)
            };
            *cell = -d2;
        }
    }
    match n {
        1 => (info[0][0] > 0.0).then(|| vec![vec![1.0 / info[0][0]]]),
        2 => {
            let det = info[0][0] * info[1][1] - info[0][1] * info[1][0];
            (det > 0.0 && info[0][0] > 0.0).then(|| {
                vec![
                    vec![info[1][1] / det, -info[0][1] / det],
                    vec![-info[1][0] / det, info[0][0] / det],
                ]
            })
        }
        _ => None,
    }
}
