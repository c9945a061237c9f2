//! The reference's own description of a study: plain data, rendered to
//! scenario TOML for the engine and read directly by the reference simulator.
//! Keeping our own types (rather than reading `zonesim::Study`) keeps the
//! reference independent of the library's model types, which are changing.

use std::fmt::Write as _;

use zonesim::distributions::Duration;

/// A duration distribution, by family, with the scenario file's parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum Dist {
    Exponential(f64),
    /// shape, scale
    Weibull(f64, f64),
    /// median, sigma
    Lognormal(f64, f64),
    /// shape, scale
    Gamma(f64, f64),
    /// low, high
    Uniform(f64, f64),
    Fixed(f64),
    Empirical(Vec<f64>),
}

impl Dist {
    /// The mean, computed here from the parameters (not by the library).
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Exponential(m) => *m,
            Dist::Weibull(k, s) => s * libm::tgamma(1.0 + 1.0 / k),
            Dist::Lognormal(med, sig) => med * (0.5 * sig * sig).exp(),
            Dist::Gamma(k, s) => k * s,
            Dist::Uniform(l, h) => 0.5 * (l + h),
            Dist::Fixed(v) => *v,
            Dist::Empirical(x) => x.iter().sum::<f64>() / x.len() as f64,
        }
    }

    /// The library's checked duration with the same parameters (its sampler
    /// draws fresh and residual durations for the reference).
    pub fn duration(&self) -> Duration {
        match self {
            Dist::Exponential(m) => Duration::exponential(*m),
            Dist::Weibull(k, s) => Duration::weibull(*k, *s),
            Dist::Lognormal(m, s) => Duration::lognormal(*m, *s),
            Dist::Gamma(k, s) => Duration::gamma(*k, *s),
            Dist::Uniform(l, h) => Duration::uniform(*l, *h),
            Dist::Fixed(v) => Duration::fixed(*v),
            Dist::Empirical(x) => Duration::empirical(x.clone()),
        }
        .expect("generated parameters are valid")
    }

    /// Inline TOML table. `{:?}` prints the shortest string that parses back
    /// to the same `f64`, so the engine sees exactly these parameters.
    pub fn toml(&self) -> String {
        match self {
            Dist::Exponential(m) => format!("{{ dist = \"exponential\", mean = {m:?} }}"),
            Dist::Weibull(k, s) => {
                format!("{{ dist = \"weibull\", shape = {k:?}, scale = {s:?} }}")
            }
            Dist::Lognormal(m, s) => {
                format!("{{ dist = \"lognormal\", median = {m:?}, sigma = {s:?} }}")
            }
            Dist::Gamma(k, s) => format!("{{ dist = \"gamma\", shape = {k:?}, scale = {s:?} }}"),
            Dist::Uniform(l, h) => format!("{{ dist = \"uniform\", low = {l:?}, high = {h:?} }}"),
            Dist::Fixed(v) => format!("{{ dist = \"fixed\", value = {v:?} }}"),
            Dist::Empirical(x) => {
                let xs: Vec<String> = x.iter().map(|v| format!("{v:?}")).collect();
                format!("{{ dist = \"empirical\", samples = [{}] }}", xs.join(", "))
            }
        }
    }
}

/// An alternating up/down process.
#[derive(Debug, Clone, PartialEq)]
pub struct Proc {
    pub ttf: Dist,
    pub ttr: Dist,
}

impl Proc {
    pub fn new(ttf: Dist, ttr: Dist) -> Self {
        Proc { ttf, ttr }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RuleSpec {
    AtLeast(usize),
    Majority,
    ZonesUp(usize),
    ActivePassive(f64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeploymentSpec {
    pub name: String,
    /// Zone index of each replica, in priority order.
    pub replicas: Vec<usize>,
    pub rule: RuleSpec,
    pub replica_failures: Option<Proc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CauseSpec {
    /// Region indices named in `affects`.
    pub regions: Vec<usize>,
    /// Zone indices named in `affects`.
    pub zones: Vec<usize>,
    pub proc: Proc,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StudySpec {
    pub horizon: f64,
    pub all_up: bool,
    pub regions: usize,
    /// Region index and process of each zone.
    pub zones: Vec<(usize, Proc)>,
    pub causes: Vec<CauseSpec>,
    pub deployments: Vec<DeploymentSpec>,
}

impl StudySpec {
    /// Zones covered by cause `c`: its zones plus every zone of its regions.
    pub fn cause_zones(&self, c: usize) -> Vec<usize> {
        let cause = &self.causes[c];
        (0..self.zones.len())
            .filter(|&z| cause.zones.contains(&z) || cause.regions.contains(&self.zones[z].0))
            .collect()
    }

    /// The scenario file for this study (trials and seed given separately).
    pub fn toml(&self, trials: u64, seed: u64) -> String {
        let mut t = String::new();
        let start = if self.all_up {
            "all_up"
        } else {
            "steady_state"
        };
        let h = self.horizon;
        writeln!(
            t,
            "[simulation]\ntrials = {trials}\nseed = {seed}\nhorizon_hours = {h:?}\nstart = \"{start}\"\n"
        )
        .unwrap();
        for r in 0..self.regions {
            writeln!(t, "[[region]]\nid = \"r{r}\"\n").unwrap();
        }
        for (z, (r, p)) in self.zones.iter().enumerate() {
            writeln!(
                t,
                "[[zone]]\nid = \"z{z}\"\nregion = \"r{r}\"\ntime_to_failure = {}\ntime_to_repair = {}\n",
                p.ttf.toml(),
                p.ttr.toml()
            )
            .unwrap();
        }
        for (c, cause) in self.causes.iter().enumerate() {
            let mut affects: Vec<String> =
                cause.regions.iter().map(|r| format!("\"r{r}\"")).collect();
            affects.extend(cause.zones.iter().map(|z| format!("\"z{z}\"")));
            writeln!(
                t,
                "[[common_cause]]\nname = \"c{c}\"\naffects = [{}]\ntime_to_failure = {}\ntime_to_repair = {}\n",
                affects.join(", "),
                cause.proc.ttf.toml(),
                cause.proc.ttr.toml()
            )
            .unwrap();
        }
        for d in &self.deployments {
            let replicas: Vec<String> = d.replicas.iter().map(|z| format!("\"z{z}\"")).collect();
            let rule = match d.rule {
                RuleSpec::AtLeast(k) => format!("{{ at_least = {k} }}"),
                RuleSpec::Majority => "\"majority\"".to_string(),
                RuleSpec::ZonesUp(k) => format!("{{ zones_up = {k} }}"),
                RuleSpec::ActivePassive(f) => {
                    format!("{{ active_passive = {{ failover_hours = {f:?} }} }}")
                }
            };
            writeln!(
                t,
                "[[deployment]]\nname = \"{}\"\nreplicas = [{}]\nrule = {rule}",
                d.name,
                replicas.join(", ")
            )
            .unwrap();
            if let Some(p) = &d.replica_failures {
                writeln!(
                    t,
                    "replica_failures = {{ time_to_failure = {}, time_to_repair = {} }}",
                    p.ttf.toml(),
                    p.ttr.toml()
                )
                .unwrap();
            }
            t.push('\n');
        }
        t
    }
}

/// The one place a study is built for the engine: from scenario text. When
/// the library's model types change, only this function needs adapting.
pub fn engine_study(toml: &str, name: &str) -> zonesim::Study {
    zonesim::scenario::Scenario::from_str(toml, zonesim::scenario::Format::Toml, name)
        .unwrap_or_else(|e| panic!("{name}: scenario rejected: {e:?}\n{toml}"))
        .into_study()
}
