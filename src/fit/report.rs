//! The whole fit of an incident log: both quantities, every family, the
//! family chosen, and the scenario overrides it gives. `zonesim fit` prints
//! a [`FitReport`] (as JSON, or [`FitReport::to_toml`]), and the Python
//! package's `zonesim.fit` returns one.

use serde::Serialize;

use super::{Family, FamilyFit, FitError, IncidentLog, Observation, Subject, fit, fit_all};
use crate::distributions::RawDuration;
use crate::sensitivity::six_digits as sig;

/// What [`FitReport::new`] fits besides the log itself.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct FitOptions {
    /// Ids observed through the whole window with no outage: each adds
    /// exposure (a censored up time) and gets an override too.
    pub no_outages: Vec<String>,
    /// The family of the time to failure (`None`: the lowest AIC).
    pub ttf_family: Option<Family>,
    /// The family of the time to repair (`None`: the lowest AIC).
    pub ttr_family: Option<Family>,
}

impl FitOptions {
    /// No extra ids; both families chosen by AIC.
    pub fn new() -> Self {
        FitOptions::default()
    }

    /// With these ids observed with no outage.
    pub fn no_outages(mut self, ids: Vec<String>) -> Self {
        self.no_outages = ids;
        self
    }

    /// With the families forced (`None`: the lowest AIC).
    pub fn families(mut self, ttf: Option<Family>, ttr: Option<Family>) -> Self {
        self.ttf_family = ttf;
        self.ttr_family = ttr;
        self
    }
}

/// One quantity's fits (the time to failure or the time to repair).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct QuantityFit {
    /// Complete durations.
    pub observed: usize,
    /// Right-censored durations.
    pub censored: usize,
    /// Every family fitted: the chosen one first, then the rest by AIC.
    pub fits: Vec<FamilyFit>,
    /// Why the other families could not be fitted.
    pub not_fitted: Vec<String>,
    /// The family used for the overrides (`None` when none could be fitted).
    pub chosen: Option<Family>,
}

/// The fit of an incident log: what `zonesim fit --format json` prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct FitReport {
    /// The log's file name.
    pub file: String,
    /// Zone or region outages.
    pub subject: Subject,
    /// The observation window, hours.
    pub window_hours: f64,
    /// The ids fitted (each gets an override).
    pub ids: Vec<String>,
    /// The fits of the time to failure.
    pub time_to_failure: QuantityFit,
    /// The fits of the time to repair.
    pub time_to_repair: QuantityFit,
    /// Outages in the log (for the overrides' header).
    #[serde(skip)]
    pub incidents: usize,
}

impl FitReport {
    /// Fits both quantities of `log` with every family.
    ///
    /// # Errors
    /// [`FitError::BadLog`] when the log has no outage and `opts` no extra
    /// id (nothing to fit), or a forced family cannot be fitted (the
    /// message names the quantity and why).
    ///
    /// ```
    /// use zonesim::fit::{FitOptions, FitReport, IncidentLog, Window};
    /// let csv = "zone,start,end\na,100,102\na,500,503\nb,10,13.5\nb,700,701\n";
    /// let log = IncidentLog::from_reader(csv.as_bytes(), "log.csv", &Window::Hours(1000.0)).unwrap();
    /// let report = FitReport::new(&log, &FitOptions::new()).unwrap();
    /// assert_eq!(report.ids, ["a", "b"]);
    /// assert!(report.to_toml().unwrap().contains("[[zone]]\nid = \"a\"\n"));
    /// ```
    pub fn new(log: &IncidentLog, opts: &FitOptions) -> Result<FitReport, FitError> {
        let bad = |message: String| FitError::BadLog {
            file: log.file.clone(),
            message,
        };
        let obs = log.observations(&opts.no_outages);
        if obs.ids.is_empty() {
            return Err(bad(
                "no outage and no --no-outages id: nothing to fit".to_string()
            ));
        }
        let ttf = quantity(&obs.time_to_failure, opts.ttf_family)
            .map_err(|e| bad(format!("time to failure: {e}")))?;
        let ttr = quantity(&obs.time_to_repair, opts.ttr_family)
            .map_err(|e| bad(format!("time to repair: {e}")))?;
        Ok(FitReport {
            file: log.file.clone(),
            subject: log.subject,
            window_hours: log.window_hours,
            ids: obs.ids,
            time_to_failure: ttf,
            time_to_repair: ttr,
            incidents: log.incidents.len(),
        })
    }

    /// The `[[zone]]` (or `[[common_cause]]`) overrides of the chosen
    /// families, one per id, under a comment block with every family's fit:
    /// what `zonesim fit` prints by default, ready to paste into a scenario
    /// that uses the catalogue.
    ///
    /// # Errors
    /// [`FitError::BadLog`] when no family of a quantity could be fitted
    /// (the message names the quantity and why).
    pub fn to_toml(&self) -> Result<String, FitError> {
        for (q, what) in [
            (&self.time_to_failure, "time to failure"),
            (&self.time_to_repair, "time to repair"),
        ] {
            if q.chosen.is_none() {
                let why = q.not_fitted.first().cloned().unwrap_or_default();
                return Err(FitError::BadLog {
                    file: self.file.clone(),
                    message: format!("{what}: {why}"),
                });
            }
        }
        Ok(self.overrides())
    }

    fn overrides(&self) -> String {
        let n = self.incidents;
        let mut s = format!(
            "# zonesim fit {}: {n} {} outage{} over a {} h window, {} id{}\n",
            self.file,
            self.subject.as_str(),
            if n == 1 { "" } else { "s" },
            sig(self.window_hours),
            self.ids.len(),
            if self.ids.len() == 1 { "" } else { "s" }
        );
        s.push_str(
            "# Maximum likelihood with right-censoring, pooled over the ids; paste into a\n",
        );
        s.push_str("# scenario that uses the catalogue (the ids must be the scenario's).\n");
        s.push_str(&describe(&self.time_to_failure, "time to failure"));
        s.push_str(&describe(&self.time_to_repair, "time to repair"));
        let pick = |q: &QuantityFit| {
            q.fits
                .iter()
                .find(|f| Some(f.family) == q.chosen)
                .map(inline)
        };
        let (Some(f), Some(r)) = (pick(&self.time_to_failure), pick(&self.time_to_repair)) else {
            return s;
        };
        for id in &self.ids {
            match self.subject {
                Subject::Zone => s.push_str(&format!(
                    "\n[[zone]]\nid = {}\ntime_to_failure = {f}\ntime_to_repair = {r}\n",
                    toml_str(id)
                )),
                Subject::Region => s.push_str(&format!(
                    "\n[[common_cause]]\nname = {}\naffects = [{}]\ntime_to_failure = {f}\ntime_to_repair = {r}\n",
                    toml_str(&format!("{id}-region-event")),
                    toml_str(id)
                )),
            }
        }
        s
    }
}

fn quantity(obs: &[Observation], forced: Option<Family>) -> Result<QuantityFit, FitError> {
    let (mut fits, errors) = fit_all(obs);
    let chosen = match forced {
        Some(family) => {
            if !fits.iter().any(|x| x.family == family) {
                // Report why the forced family failed.
                fit(family, obs)?;
            }
            Some(family)
        }
        None => fits.first().map(|f| f.family),
    };
    if let Some(c) = chosen {
        // The chosen family first, then the rest by AIC.
        fits.sort_by_key(|f| f.family != c);
    }
    Ok(QuantityFit {
        observed: obs.iter().filter(|o| !o.censored).count(),
        censored: obs.iter().filter(|o| o.censored).count(),
        fits,
        not_fitted: errors.iter().map(|e| e.to_string()).collect(),
        chosen,
    })
}

/// `{ dist = "lognormal", median = 2.1, sigma = 1.4 }`.
fn inline(f: &FamilyFit) -> String {
    let p = |x: f64| format!("{}", sig(x));
    match f.duration.params() {
        RawDuration::Exponential { mean } => {
            format!("{{ dist = \"exponential\", mean = {} }}", p(*mean))
        }
        RawDuration::Weibull { shape, scale } => format!(
            "{{ dist = \"weibull\", shape = {}, scale = {} }}",
            p(*shape),
            p(*scale)
        ),
        RawDuration::Lognormal { median, sigma } => format!(
            "{{ dist = \"lognormal\", median = {}, sigma = {} }}",
            p(*median),
            p(*sigma)
        ),
        RawDuration::Gamma { shape, scale } => format!(
            "{{ dist = \"gamma\", shape = {}, scale = {} }}",
            p(*shape),
            p(*scale)
        ),
        other => format!("# not a fitted family: {other:?}"),
    }
}

fn describe(q: &QuantityFit, what: &str) -> String {
    let mut s = format!(
        "# {what}: {} complete, {} censored\n",
        q.observed, q.censored
    );
    for f in &q.fits {
        let params: Vec<String> = f
            .params
            .iter()
            .map(|p| {
                format!(
                    "{} {} (SE {}, 95% {}..{})",
                    p.name,
                    sig(p.value),
                    sig(p.se),
                    sig(p.ci95[0]),
                    sig(p.ci95[1])
                )
            })
            .collect();
        s.push_str(&format!(
            "#   {:<11} AIC {:>10.2}  KS {:.3}  {}{}\n",
            f.family.name(),
            f.aic,
            f.ks,
            params.join(", "),
            if Some(f.family) == q.chosen {
                "  <- used"
            } else {
                ""
            }
        ));
    }
    for e in &q.not_fitted {
        s.push_str(&format!("#   not fitted: {e}\n"));
    }
    s
}

fn toml_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}
