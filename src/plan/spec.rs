//! The `[plan]` spec: what a placement must reach, the filters, and the one
//! checker that scenario loading, `zonesim validate` and [`super::plan`] share.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::{MAX_CANDIDATES, MAX_REPLICAS, multisets};
use crate::deployment::Rule;
use crate::study::{Problem, Study};

/// The `[plan]` table of a scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PlanSpec {
    /// Zones a placement may use; all zones of the study when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub candidate_zones: Option<Vec<String>>,
    /// Keep only zones in regions of these countries (ISO 3166 alpha-2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub countries: Option<Vec<String>>,
    /// Keep only zones in regions inside (true) or outside (false) the EU.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_eu: Option<bool>,
    /// Keep only zones of these providers (matched case-insensitively against
    /// each region's `provider`), e.g. `["alibaba"]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub providers: Option<Vec<String>>,
    /// The rule every candidate placement is judged by.
    pub rule: Rule,
    /// The most replicas a placement may have.
    pub max_replicas: u32,
    /// Cost of one replica per zone id; the key `default` covers the others
    /// (1.0 when left out).
    #[serde(default)]
    pub replica_cost: BTreeMap<String, f64>,
    /// What a placement must reach.
    pub target: PlanTarget,
    /// Plan a tier inside a service: each placement replaces one deployment
    /// of the study and is judged by a service's availability
    /// ([`crate::service::ServiceTarget`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<crate::service::ServiceTarget>,
    /// At most one replica per zone.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub distinct_zones: bool,
    /// At most this many replicas in one zone (at least 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_per_zone: Option<u32>,
    /// At most this many replicas in one region (at least 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_per_region: Option<u32>,
    /// At least this many distinct regions (at least 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_regions: Option<u32>,
    /// At least this many distinct providers (at least 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_providers: Option<u32>,
    /// Zone or region ids that must each hold at least one replica.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub must_include: Vec<String>,
    /// At most this many replicas in regions outside the EU.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_outside_eu: Option<u32>,
    /// At least this many replicas in each of these countries (ISO 3166
    /// alpha-2), e.g. `{ FR = 1 }`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub min_in_countries: BTreeMap<String, u32>,
}

/// A planning target: availability at least `availability` in at least
/// `in_fraction_of_years` of trials.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PlanTarget {
    /// Availability target in (0, 1].
    pub availability: f64,
    /// Required fraction of trials (years) meeting it, in (0, 1].
    pub in_fraction_of_years: f64,
}

/// Why a plan could not be made: every problem found in the `[plan]` spec.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PlanError {
    /// The problems, each naming the field (`plan.max_replicas`, ...).
    pub problems: Vec<Problem>,
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Problem::write_list(f, &self.problems, "[plan]")
    }
}

impl PlanTarget {
    /// Availability at least `availability` in at least `in_fraction_of_years`
    /// of trials (both in (0, 1]).
    pub fn new(availability: f64, in_fraction_of_years: f64) -> Self {
        PlanTarget {
            availability,
            in_fraction_of_years,
        }
    }
}

impl PlanSpec {
    /// A plan judging placements of up to `max_replicas` replicas over every
    /// zone of the study by `rule`, every replica costing 1.
    pub fn new(rule: Rule, max_replicas: u32, target: PlanTarget) -> Self {
        PlanSpec {
            candidate_zones: None,
            countries: None,
            in_eu: None,
            providers: None,
            rule,
            max_replicas,
            replica_cost: BTreeMap::new(),
            target,
            within: None,
            distinct_zones: false,
            max_per_zone: None,
            max_per_region: None,
            min_regions: None,
            min_providers: None,
            must_include: Vec::new(),
            max_outside_eu: None,
            min_in_countries: BTreeMap::new(),
        }
    }

    /// At most one replica per zone.
    pub fn with_distinct_zones(mut self) -> Self {
        self.distinct_zones = true;
        self
    }

    /// At most `n` replicas in one zone.
    pub fn with_max_per_zone(mut self, n: u32) -> Self {
        self.max_per_zone = Some(n);
        self
    }

    /// At most `n` replicas in one region.
    pub fn with_max_per_region(mut self, n: u32) -> Self {
        self.max_per_region = Some(n);
        self
    }

    /// At least `n` distinct regions.
    pub fn with_min_regions(mut self, n: u32) -> Self {
        self.min_regions = Some(n);
        self
    }

    /// At least `n` distinct providers.
    pub fn with_min_providers(mut self, n: u32) -> Self {
        self.min_providers = Some(n);
        self
    }

    /// A zone or region id that must hold at least one replica.
    pub fn with_must_include(mut self, id: impl Into<String>) -> Self {
        self.must_include.push(id.into());
        self
    }

    /// At most `n` replicas outside the EU.
    pub fn with_max_outside_eu(mut self, n: u32) -> Self {
        self.max_outside_eu = Some(n);
        self
    }

    /// At least `n` replicas in `country` (ISO 3166 alpha-2).
    pub fn with_min_in_country(mut self, country: impl Into<String>, n: u32) -> Self {
        self.min_in_countries.insert(country.into(), n);
        self
    }

    /// The placement constraints in force, as the file spells them (for
    /// reports), in a fixed order.
    pub fn constraint_labels(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.distinct_zones {
            out.push("distinct_zones = true".to_string());
        }
        let opts = [
            ("max_per_zone", self.max_per_zone),
            ("max_per_region", self.max_per_region),
            ("min_regions", self.min_regions),
            ("min_providers", self.min_providers),
            ("max_outside_eu", self.max_outside_eu),
        ];
        for (k, v) in opts {
            if let Some(v) = v {
                out.push(format!("{k} = {v}"));
            }
        }
        if !self.must_include.is_empty() {
            out.push(format!("must_include = {:?}", self.must_include));
        }
        if !self.min_in_countries.is_empty() {
            let parts: Vec<String> = self
                .min_in_countries
                .iter()
                .map(|(c, n)| format!("{c} = {n}"))
                .collect();
            out.push(format!("min_in_countries = {{ {} }}", parts.join(", ")));
        }
        out
    }

    /// Only these zones may hold replicas.
    pub fn with_candidate_zones<I>(mut self, zones: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.candidate_zones = Some(zones.into_iter().map(|z| z.as_ref().into()).collect());
        self
    }

    /// Only zones in regions of these countries (ISO 3166 alpha-2).
    pub fn with_countries<I>(mut self, countries: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.countries = Some(countries.into_iter().map(|c| c.as_ref().into()).collect());
        self
    }

    /// Only zones in regions inside (`true`) or outside (`false`) the EU.
    pub fn with_in_eu(mut self, in_eu: bool) -> Self {
        self.in_eu = Some(in_eu);
        self
    }

    /// Only zones of these providers.
    pub fn with_providers<I>(mut self, providers: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.providers = Some(providers.into_iter().map(|p| p.as_ref().into()).collect());
        self
    }

    /// The cost of one replica in `zone` (`"default"`: every zone without a
    /// cost of its own).
    pub fn with_replica_cost(mut self, zone: impl Into<String>, cost: f64) -> Self {
        self.replica_cost.insert(zone.into(), cost);
        self
    }

    /// Judges each placement as `target.part` inside `target.service`.
    pub fn with_within(mut self, target: crate::service::ServiceTarget) -> Self {
        self.within = Some(target);
        self
    }

    /// Checks the spec against a study and returns the candidate zone indices
    /// (into `study.zones`) that pass the filters, in order.
    ///
    /// # Errors
    /// A [`PlanError`] listing every problem, each naming its field.
    pub fn candidate_zone_indices(&self, study: &Study) -> Result<Vec<usize>, PlanError> {
        let mut problems = Vec::new();
        if let Some(w) = &self.within {
            problems.extend(w.check(study));
        }
        fn bad(problems: &mut Vec<Problem>, at: &str, message: String) {
            problems.push(Problem {
                at: format!("plan.{at}"),
                message,
            })
        }
        let t = self.target;
        if !(t.availability > 0.0 && t.availability <= 1.0) {
            bad(
                &mut problems,
                "target.availability",
                format!("must be in (0, 1], got {}", t.availability),
            );
        }
        if !(t.in_fraction_of_years > 0.0 && t.in_fraction_of_years <= 1.0) {
            bad(
                &mut problems,
                "target.in_fraction_of_years",
                format!("must be in (0, 1], got {}", t.in_fraction_of_years),
            );
        }
        if self.max_replicas == 0 || self.max_replicas > MAX_REPLICAS {
            bad(
                &mut problems,
                "max_replicas",
                format!("must be in 1..={MAX_REPLICAS}, got {}", self.max_replicas),
            );
        }
        // The rule's own parameters, checked by the one rule checker against
        // the largest placement the plan allows.
        let most = self.max_replicas.clamp(1, MAX_REPLICAS) as usize;
        if let Err((field, message)) = self.rule.check(most, most) {
            let sep = if field.is_empty() { "" } else { "." };
            let message = if field.is_empty() {
                format!(
                    "{}: k must be at least 1 and at most max_replicas; max_replicas is {}",
                    self.rule, self.max_replicas
                )
            } else {
                message
            };
            bad(&mut problems, &format!("rule{sep}{field}"), message);
        }
        for (k, &c) in &self.replica_cost {
            if !(c.is_finite() && c > 0.0) {
                bad(
                    &mut problems,
                    &format!("replica_cost.\"{k}\""),
                    format!("must be a finite number > 0, got {c}"),
                );
            }
            if k != "default" && !study.zones.iter().any(|z| &z.id == k) {
                bad(
                    &mut problems,
                    &format!("replica_cost.\"{k}\""),
                    format!("unknown zone \"{k}\" (use \"default\" for the others)"),
                );
            }
        }
        for (field, v) in [
            ("max_per_zone", self.max_per_zone),
            ("max_per_region", self.max_per_region),
            ("min_regions", self.min_regions),
            ("min_providers", self.min_providers),
        ] {
            if v == Some(0) {
                bad(&mut problems, field, "must be at least 1, got 0".into());
            }
        }
        for (i, id) in self.must_include.iter().enumerate() {
            let known = study.zones.iter().any(|z| &z.id == id)
                || study.regions.iter().any(|r| &r.id == id);
            if !known {
                bad(
                    &mut problems,
                    &format!("must_include[{i}]"),
                    format!("unknown zone or region \"{id}\""),
                );
            } else if self.must_include[..i].contains(id) {
                bad(
                    &mut problems,
                    &format!("must_include[{i}]"),
                    format!("\"{id}\" is listed twice"),
                );
            }
        }
        for (c, &n) in &self.min_in_countries {
            if !crate::topology::is_iso_country(c) {
                bad(
                    &mut problems,
                    &format!("min_in_countries.{c}"),
                    format!("\"{c}\" is not an ISO 3166-1 alpha-2 country code"),
                );
            } else if !study
                .regions
                .iter()
                .any(|r| r.country.eq_ignore_ascii_case(c))
            {
                bad(
                    &mut problems,
                    &format!("min_in_countries.{c}"),
                    format!("no region of the study is in country \"{c}\""),
                );
            }
            if n == 0 {
                bad(
                    &mut problems,
                    &format!("min_in_countries.{c}"),
                    "must be at least 1, got 0".into(),
                );
            }
        }
        let mut chosen: Vec<usize> = Vec::new();
        match &self.candidate_zones {
            Some(ids) => {
                if ids.is_empty() {
                    bad(&mut problems, "candidate_zones", "is empty".into());
                }
                let mut seen = HashSet::new();
                for (i, id) in ids.iter().enumerate() {
                    match study.zones.iter().position(|z| &z.id == id) {
                        None => bad(
                            &mut problems,
                            &format!("candidate_zones[{i}]"),
                            format!("unknown zone \"{id}\""),
                        ),
                        Some(z) => {
                            if seen.insert(z) {
                                chosen.push(z);
                            } else {
                                bad(
                                    &mut problems,
                                    &format!("candidate_zones[{i}]"),
                                    format!("zone \"{id}\" is listed twice"),
                                );
                            }
                        }
                    }
                }
            }
            None => chosen.extend(0..study.zones.len()),
        }
        if let Some(cs) = &self.countries {
            if cs.is_empty() {
                bad(&mut problems, "countries", "is empty".into());
            }
            for (i, c) in cs.iter().enumerate() {
                if !study
                    .regions
                    .iter()
                    .any(|r| r.country.eq_ignore_ascii_case(c))
                {
                    bad(
                        &mut problems,
                        &format!("countries[{i}]"),
                        format!("no region of the study is in country \"{c}\""),
                    );
                }
            }
        }
        if let Some(ps) = &self.providers {
            if ps.is_empty() {
                bad(&mut problems, "providers", "is empty".into());
            }
            for (i, p) in ps.iter().enumerate() {
                if !study
                    .regions
                    .iter()
                    .any(|r| r.provider.eq_ignore_ascii_case(p))
                {
                    bad(
                        &mut problems,
                        &format!("providers[{i}]"),
                        format!("no region of the study is run by provider \"{p}\""),
                    );
                }
            }
        }
        let region_of = |z: usize| study.regions.iter().find(|r| r.id == study.zones[z].region);
        chosen.retain(|&z| {
            let Some(r) = region_of(z) else {
                return false;
            };
            let country_ok = self
                .countries
                .as_ref()
                .is_none_or(|cs| cs.iter().any(|c| c.eq_ignore_ascii_case(&r.country)));
            let eu_ok = self.in_eu.is_none_or(|eu| r.is_in_eu() == eu);
            let provider_ok = self
                .providers
                .as_ref()
                .is_none_or(|ps| ps.iter().any(|p| p.eq_ignore_ascii_case(&r.provider)));
            country_ok && eu_ok && provider_ok
        });
        if chosen.is_empty() && problems.is_empty() {
            let mut what = vec![];
            if let Some(ids) = &self.candidate_zones {
                what.push(format!("candidate_zones = {ids:?}"));
            }
            if let Some(cs) = &self.countries {
                what.push(format!("countries = {cs:?}"));
            }
            if let Some(eu) = self.in_eu {
                what.push(format!("in_eu = {eu}"));
            }
            let field = if self.in_eu.is_some() {
                "in_eu"
            } else if self.countries.is_some() {
                "countries"
            } else {
                "candidate_zones"
            };
            let message = if what.is_empty() {
                "the study has no zones to place replicas in".to_string()
            } else {
                format!("the filters ({}) leave no zone", what.join(", "))
            };
            bad(&mut problems, field, message);
        }
        if problems.is_empty() {
            let n = chosen.len() as u64;
            let max = self.max_replicas as u64;
            let total = (1..=max).fold(0u64, |acc, m| acc.saturating_add(multisets(n, m)));
            if total > MAX_CANDIDATES.saturating_mul(4) {
                bad(
                    &mut problems,
                    "max_replicas",
                    format!(
                        "{n} candidate zones and up to {max} replicas give {total} placements, over the limit of \
                         {MAX_CANDIDATES}; name fewer candidate_zones or lower max_replicas"
                    ),
                );
            }
        }
        if problems.is_empty() {
            Ok(chosen)
        } else {
            Err(PlanError { problems })
        }
    }

    /// Everything [`super::plan`] checks before it runs anything: the study (less
    /// its own deployments, baseline and SLA targets, which the plan
    /// replaces) and the spec against it, including the size limit. Returns
    /// the candidate zone indices. `zonesim validate` runs exactly this.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Study`] or [`crate::ErrorKind::Plan`], every problem listed.
    pub fn check(&self, study: &Study) -> Result<Vec<usize>, crate::Error> {
        let mut planning = study.clone();
        if self.within.is_none() {
            // Without `within`, the plan replaces the study's deployments
            // (and so its services, which are made of them).
            planning.deployments.clear();
            planning.services.clear();
        }
        planning.simulation.baseline = None;
        planning.simulation.sla_targets.clear();
        planning.validate()?;
        Ok(self.candidate_zone_indices(study)?)
    }

    /// The cost of one replica in `zone`: its `replica_cost` entry, else
    /// `default`, else 1.0.
    pub fn cost_of(&self, zone: &str) -> f64 {
        self.replica_cost
            .get(zone)
            .or_else(|| self.replica_cost.get("default"))
            .copied()
            .unwrap_or(1.0)
    }

    /// Whether a placement of `replicas` replicas over `distinct` distinct
    /// zones can ever satisfy the rule.
    pub(super) fn satisfiable(&self, replicas: usize, distinct: usize) -> bool {
        match self.rule {
            Rule::AtLeast(k) => replicas >= k as usize,
            Rule::ZonesUp(k) => distinct >= k as usize,
            Rule::Majority | Rule::ActivePassive { .. } => true,
        }
    }
}
