//! Duration distributions (in hours) for times to failure and times to repair.
//!
//! [`Duration`] is the checked parameter type that appears in studies and scenario
//! files; it holds numbers only and can be (de)serialised. [`DurationSampler`] is
//! built from it at run time and draws values, including draws from the
//! *equilibrium* (residual-life) distribution that an exact steady-state start
//! needs.
//!
//! ```
//! use zonesim::distributions::Duration;
//!
//! let repair = Duration::lognormal(2.0, 1.5).unwrap();
//! assert!((repair.mean() - 2.0 * (1.5f64 * 1.5 / 2.0).exp()).abs() < 1e-12);
//! assert!(Duration::uniform(3.0, 1.0).is_err());
//! ```

use rand::{Rng, RngExt};
use serde::{Deserialize, Serialize};

mod standard;
mod ziggurat_tables;

pub(crate) use standard::exp1;
use standard::{Gamma, standard_normal};

/// Why a [`Duration`] was rejected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum DurationError {
    /// A parameter that must be finite and strictly positive was not.
    #[error("{dist} {param} must be a finite number > 0, got {value}")]
    NotPositive {
        /// Distribution name, e.g. `exponential`.
        dist: &'static str,
        /// Parameter name, e.g. `mean`.
        param: &'static str,
        /// The offending value.
        value: f64,
    },
    /// `uniform` with `low >= high`, or a negative `low`.
    #[error("uniform needs 0 <= low < high, got low = {low}, high = {high}")]
    BadUniformRange {
        /// Lower bound.
        low: f64,
        /// Upper bound.
        high: f64,
    },
    /// `empirical` with no samples.
    #[error("empirical needs at least one sample")]
    EmptySamples,
    /// `empirical` with a sample that is not finite and > 0.
    #[error("empirical sample #{index} must be a finite number > 0, got {value}")]
    BadSample {
        /// Zero-based position in `samples`.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// Parameters that are each valid but whose mean or second moment
    /// overflows (e.g. a huge lognormal sigma, or a mean of 1e300 hours).
    #[error(
        "{dist} parameters give a mean or second moment too large to represent (over about 1e154 hours); use durations below 1e150 hours"
    )]
    InfiniteMean {
        /// Distribution name.
        dist: &'static str,
    },
}

/// A distribution of durations in hours. Construct it with the checked
/// constructors ([`Duration::exponential`], ...) or deserialise it; both run the
/// same validation.
///
/// In files it is written `{ dist = "exponential", mean = 43800.0 }` and so on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawDuration", into = "RawDuration")]
pub struct Duration(RawDuration);

/// The serialised form of a [`Duration`], before validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
#[doc(hidden)]
pub enum RawDuration {
    /// Exponential with the given mean.
    Exponential {
        /// Mean (hours).
        mean: f64,
    },
    /// Weibull with shape k and scale lambda.
    Weibull {
        /// Shape k.
        shape: f64,
        /// Scale lambda (hours).
        scale: f64,
    },
    /// Lognormal given by its median exp(mu) and sigma.
    Lognormal {
        /// Median (hours).
        median: f64,
        /// Sigma of the underlying normal.
        sigma: f64,
    },
    /// Gamma with shape k and scale theta.
    Gamma {
        /// Shape k.
        shape: f64,
        /// Scale theta (hours).
        scale: f64,
    },
    /// Uniform on [low, high).
    Uniform {
        /// Lower bound (hours).
        low: f64,
        /// Upper bound (hours).
        high: f64,
    },
    /// Always the same value.
    Fixed {
        /// The value (hours).
        value: f64,
    },
    /// Resamples observed durations uniformly.
    Empirical {
        /// Observed durations (hours).
        samples: Vec<f64>,
    },
}

/// Finite and strictly positive (false for NaN).
pub(crate) fn is_positive_finite(x: f64) -> bool {
    x.is_finite() && x > 0.0
}

fn positive(dist: &'static str, param: &'static str, value: f64) -> Result<(), DurationError> {
    if !is_positive_finite(value) {
        return Err(DurationError::NotPositive { dist, param, value });
    }
    Ok(())
}

impl TryFrom<RawDuration> for Duration {
    type Error = DurationError;
    fn try_from(raw: RawDuration) -> Result<Self, DurationError> {
        match &raw {
            RawDuration::Exponential { mean } => positive("exponential", "mean", *mean)?,
            RawDuration::Weibull { shape, scale } => {
                positive("weibull", "shape", *shape)?;
                positive("weibull", "scale", *scale)?;
            }
            RawDuration::Lognormal { median, sigma } => {
                positive("lognormal", "median", *median)?;
                positive("lognormal", "sigma", *sigma)?;
            }
            RawDuration::Gamma { shape, scale } => {
                positive("gamma", "shape", *shape)?;
                positive("gamma", "scale", *scale)?;
            }
            RawDuration::Uniform { low, high } => {
                if !(*low >= 0.0 && low < high && high.is_finite()) {
                    return Err(DurationError::BadUniformRange {
                        low: *low,
                        high: *high,
                    });
                }
            }
            RawDuration::Fixed { value } => positive("fixed", "value", *value)?,
            RawDuration::Empirical { samples } => {
                if samples.is_empty() {
                    return Err(DurationError::EmptySamples);
                }
                for (index, &value) in samples.iter().enumerate() {
                    if !is_positive_finite(value) {
                        return Err(DurationError::BadSample { index, value });
                    }
                }
            }
        }
        let d = Duration(raw);
        let (mean, second) = (d.mean(), d.second_moment());
        if !is_positive_finite(mean) || !second.is_finite() {
            return Err(DurationError::InfiniteMean { dist: d.name() });
        }
        Ok(d)
    }
}

impl From<Duration> for RawDuration {
    fn from(d: Duration) -> Self {
        d.0
    }
}

impl Duration {
    /// Exponential durations with the given mean (hours).
    ///
    /// # Errors
    /// If `mean` is not finite and > 0.
    ///
    /// ```
    /// use zonesim::distributions::Duration;
    /// assert!(Duration::exponential(4.0).is_ok());
    /// assert!(Duration::exponential(f64::NAN).is_err());
    /// ```
    pub fn exponential(mean: f64) -> Result<Self, DurationError> {
        RawDuration::Exponential { mean }.try_into()
    }
    /// Weibull durations: `P(X > x) = exp(-(x/scale)^shape)`.
    ///
    /// # Errors
    /// If `shape` or `scale` is not finite and > 0, or the mean overflows.
    pub fn weibull(shape: f64, scale: f64) -> Result<Self, DurationError> {
        RawDuration::Weibull { shape, scale }.try_into()
    }
    /// Lognormal durations with the given median (hours) and log-space sigma.
    ///
    /// # Errors
    /// If `median` or `sigma` is not finite and > 0, or the mean overflows.
    pub fn lognormal(median: f64, sigma: f64) -> Result<Self, DurationError> {
        RawDuration::Lognormal { median, sigma }.try_into()
    }
    /// Gamma durations with the given shape and scale (hours); mean `shape * scale`.
    ///
    /// # Errors
    /// If `shape` or `scale` is not finite and > 0.
    pub fn gamma(shape: f64, scale: f64) -> Result<Self, DurationError> {
        RawDuration::Gamma { shape, scale }.try_into()
    }
    /// Uniform durations on `[low, high)` hours.
    ///
    /// # Errors
    /// Unless `0 <= low < high` and `high` is finite.
    ///
    /// ```
    /// use zonesim::distributions::Duration;
    /// assert!(Duration::uniform(1.0, 3.0).is_ok());
    /// assert!(Duration::uniform(3.0, 1.0).is_err());
    /// ```
    pub fn uniform(low: f64, high: f64) -> Result<Self, DurationError> {
        RawDuration::Uniform { low, high }.try_into()
    }
    /// Always exactly `value` hours.
    ///
    /// # Errors
    /// If `value` is not finite and > 0.
    pub fn fixed(value: f64) -> Result<Self, DurationError> {
        RawDuration::Fixed { value }.try_into()
    }
    /// Resamples the given observed durations (hours) with equal probability.
    ///
    /// # Errors
    /// If `samples` is empty or holds a value that is not finite and > 0.
    pub fn empirical(samples: Vec<f64>) -> Result<Self, DurationError> {
        RawDuration::Empirical { samples }.try_into()
    }

    /// The distribution's name as written in files (`exponential`, `weibull`, ...).
    pub fn name(&self) -> &'static str {
        match self.0 {
            RawDuration::Exponential { .. } => "exponential",
            RawDuration::Weibull { .. } => "weibull",
            RawDuration::Lognormal { .. } => "lognormal",
            RawDuration::Gamma { .. } => "gamma",
            RawDuration::Uniform { .. } => "uniform",
            RawDuration::Fixed { .. } => "fixed",
            RawDuration::Empirical { .. } => "empirical",
        }
    }

    /// The parameters, as written in files.
    pub fn params(&self) -> &RawDuration {
        &self.0
    }

    /// The exact mean in hours.
    pub fn mean(&self) -> f64 {
        match &self.0 {
            RawDuration::Exponential { mean } => *mean,
            RawDuration::Weibull { shape, scale } => scale * libm::tgamma(1.0 + 1.0 / shape),
            RawDuration::Lognormal { median, sigma } => median * libm::exp(sigma * sigma / 2.0),
            RawDuration::Gamma { shape, scale } => shape * scale,
            RawDuration::Uniform { low, high } => 0.5 * (low + high),
            RawDuration::Fixed { value } => *value,
            RawDuration::Empirical { samples } => {
                samples.iter().sum::<f64>() / samples.len() as f64
            }
        }
    }

    /// The exact second moment `E[X^2]` in hours squared.
    pub fn second_moment(&self) -> f64 {
        match &self.0 {
            RawDuration::Exponential { mean } => 2.0 * mean * mean,
            RawDuration::Weibull { shape, scale } => {
                scale * scale * libm::tgamma(1.0 + 2.0 / shape)
            }
            RawDuration::Lognormal { median, sigma } => {
                median * median * libm::exp(2.0 * sigma * sigma)
            }
            RawDuration::Gamma { shape, scale } => shape * (shape + 1.0) * scale * scale,
            RawDuration::Uniform { low, high } => (low * low + low * high + high * high) / 3.0,
            RawDuration::Fixed { value } => value * value,
            RawDuration::Empirical { samples } => {
                samples.iter().map(|s| s * s).sum::<f64>() / samples.len() as f64
            }
        }
    }

    /// Builds the sampler for this distribution.
    pub fn sampler(&self) -> DurationSampler {
        DurationSampler::new(self)
    }
}

/// Draws durations from a checked [`Duration`]. Immutable and shared by all
/// threads; every draw takes the generator explicitly.
#[derive(Debug, Clone)]
pub struct DurationSampler {
    kind: SamplerKind,
}

#[derive(Debug, Clone)]
enum SamplerKind {
    Exponential {
        mean: f64,
    },
    Weibull {
        inv_shape: f64,
        scale: f64,
        biased: Gamma,
    },
    Lognormal {
        mu: f64,
        sigma: f64,
    },
    Gamma {
        dist: Gamma,
        biased: Gamma,
    },
    Uniform {
        low: f64,
        high: f64,
    },
    Fixed {
        value: f64,
    },
    Empirical {
        samples: Vec<f64>,
        /// Cumulative sums of the samples, for length-biased picks.
        cumulative: Vec<f64>,
    },
}

impl DurationSampler {
    fn new(d: &Duration) -> Self {
        // The parameters were checked when `d` was built, so the gamma
        // constructor below cannot fail.
        let gamma = |shape: f64, scale: f64| Gamma::new(shape, scale).expect("checked parameters");
        let kind = match &d.0 {
            RawDuration::Exponential { mean } => SamplerKind::Exponential { mean: *mean },
            RawDuration::Weibull { shape, scale } => SamplerKind::Weibull {
                inv_shape: 1.0 / shape,
                scale: *scale,
                biased: gamma(1.0 + 1.0 / shape, 1.0),
            },
            RawDuration::Lognormal { median, sigma } => SamplerKind::Lognormal {
                mu: libm::log(*median),
                sigma: *sigma,
            },
            RawDuration::Gamma { shape, scale } => SamplerKind::Gamma {
                dist: gamma(*shape, *scale),
                biased: gamma(shape + 1.0, *scale),
            },
            RawDuration::Uniform { low, high } => SamplerKind::Uniform {
                low: *low,
                high: *high,
            },
            RawDuration::Fixed { value } => SamplerKind::Fixed { value: *value },
            RawDuration::Empirical { samples } => {
                let mut acc = 0.0;
                let cumulative = samples
                    .iter()
                    .map(|s| {
                        acc += s;
                        acc
                    })
                    .collect();
                SamplerKind::Empirical {
                    samples: samples.clone(),
                    cumulative,
                }
            }
        };
        DurationSampler { kind }
    }

    /// Draws one duration (hours).
    #[inline(always)]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        // The exponential, the most common case, inline in the caller's loop;
        // the others behind one call. The same draws either way.
        if let SamplerKind::Exponential { mean } = self.kind {
            return exp1(rng) * mean;
        }
        self.sample_general(rng)
    }

    /// [`DurationSampler::sample`] for the engine's loops: the same draw, but
    /// the generator handed to the out-of-line samplers is a copy, so the
    /// caller's generator is never borrowed by a call that is not inlined
    /// and its state can stay in registers through the whole loop (given
    /// away, it lives in memory and every draw loads and stores it: about
    /// 15% of ref-2of3's time).
    #[inline(always)]
    pub(crate) fn draw<R: Rng + Clone>(&self, rng: &mut R) -> f64 {
        self.draw_via(rng, Self::sample_general)
    }

    /// [`DurationSampler::sample_residual`] as [`DurationSampler::draw`] is
    /// `sample`: the same draw, the caller's generator never given away.
    #[inline(always)]
    pub(crate) fn draw_residual<R: Rng + Clone>(&self, rng: &mut R) -> f64 {
        self.draw_via(rng, Self::sample_residual_general)
    }

    /// The exponential inline; any other law through `general`, out of line,
    /// on a copy of the generator that is then written back.
    #[inline(always)]
    fn draw_via<R: Rng + Clone>(&self, rng: &mut R, general: fn(&Self, &mut R) -> f64) -> f64 {
        if let SamplerKind::Exponential { mean } = self.kind {
            return exp1(rng) * mean;
        }
        let mut copy = rng.clone();
        let x = general(self, &mut copy);
        *rng = copy;
        x
    }

    #[inline(never)]
    fn sample_general<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match &self.kind {
            SamplerKind::Exponential { mean } => exp1(rng) * mean,
            SamplerKind::Weibull {
                inv_shape, scale, ..
            } => {
                // Inverse CDF, as rand_distr's Weibull: scale * (-ln U)^(1/k).
                let u: f64 = rng.random();
                scale * libm::pow(-libm::log(1.0 - u), *inv_shape)
            }
            SamplerKind::Lognormal { mu, sigma } => {
                let z = standard_normal(rng);
                libm::exp(mu + sigma * z)
            }
            SamplerKind::Gamma { dist, .. } => dist.sample(rng),
            SamplerKind::Uniform { low, high } => {
                let u: f64 = rng.random();
                low + (high - low) * u
            }
            SamplerKind::Fixed { value } => *value,
            SamplerKind::Empirical { samples, .. } => samples[rng.random_range(0..samples.len())],
        }
    }

    /// Draws from the *length-biased* distribution, density `x f(x) / E[X]`:
    /// the length of the interval that covers a random point of a stationary
    /// renewal process.
    pub fn sample_length_biased<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match &self.kind {
            // Length-biased exponential(m) is gamma(2, m).
            SamplerKind::Exponential { mean } => {
                let a = exp1(rng);
                let b = exp1(rng);
                (a + b) * mean
            }
            // With y = (x/scale)^k, a length-biased Weibull has y ~ gamma(1 + 1/k, 1).
            SamplerKind::Weibull {
                inv_shape,
                scale,
                biased,
            } => scale * libm::pow(biased.sample(rng), *inv_shape),
            // x f(x) for a lognormal is a lognormal with mu + sigma^2.
            SamplerKind::Lognormal { mu, sigma } => {
                let z = standard_normal(rng);
                libm::exp(mu + sigma * sigma + sigma * z)
            }
            // Length-biased gamma(k, theta) is gamma(k + 1, theta).
            SamplerKind::Gamma { biased, .. } => biased.sample(rng),
            // Density proportional to x on [low, high): inverse CDF.
            SamplerKind::Uniform { low, high } => {
                let u: f64 = rng.random();
                (low * low + u * (high * high - low * low)).sqrt()
            }
            SamplerKind::Fixed { value } => *value,
            // Pick sample i with probability proportional to its value.
            SamplerKind::Empirical {
                samples,
                cumulative,
            } => {
                let total = *cumulative.last().expect("non-empty");
                let u: f64 = rng.random::<f64>() * total;
                let i = cumulative.partition_point(|&c| c <= u);
                samples[i.min(samples.len() - 1)]
            }
        }
    }

    /// Draws the time left in a state entered at a random point in a stationary
    /// renewal process: the equilibrium distribution, density `P(X > x) / E[X]`.
    ///
    /// It is exact for every distribution: a uniform fraction of a
    /// length-biased draw.
    #[inline(always)]
    pub fn sample_residual<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        // As in `sample`: the exponential inline, the others behind one call
        // (a steady-state start draws one residual per process and trial).
        if let SamplerKind::Exponential { .. } = self.kind {
            return self.sample(rng);
        }
        self.sample_residual_general(rng)
    }

    #[inline(never)]
    fn sample_residual_general<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match &self.kind {
            // Memoryless: the residual of an exponential is the same exponential.
            SamplerKind::Exponential { .. } => self.sample(rng),
            SamplerKind::Weibull { .. }
            | SamplerKind::Lognormal { .. }
            | SamplerKind::Gamma { .. }
            | SamplerKind::Uniform { .. }
            | SamplerKind::Fixed { .. }
            | SamplerKind::Empirical { .. } => {
                let length = self.sample_length_biased(rng);
                let u: f64 = rng.random();
                u * length
            }
        }
    }
}
