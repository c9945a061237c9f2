//! Placement constraints (`distinct_zones`, `max_per_zone`, ...): what each
//! placement is checked against before anything is simulated, and by how
//! much it falls short (for the closest placement when none satisfies them).

use super::PlanSpec;
use crate::study::Study;

/// What the constraints need to know about each candidate zone.
#[derive(Debug, Clone)]
pub(super) struct ZoneFacts {
    /// Region index (into the study's regions) of each candidate zone.
    region: Vec<usize>,
    /// Provider (lowercase) index of each candidate zone.
    provider: Vec<usize>,
    /// Country (uppercase) of each candidate zone.
    country: Vec<String>,
    /// Whether each candidate zone is in the EU.
    in_eu: Vec<bool>,
    /// Each `must_include` entry as the candidate positions it accepts.
    must: Vec<Vec<usize>>,
}

impl ZoneFacts {
    /// Facts of the candidate zones `zones` (indices into `study.zones`).
    pub(super) fn new(study: &Study, spec: &PlanSpec, zones: &[usize]) -> Self {
        let mut providers: Vec<String> = Vec::new();
        let mut f = ZoneFacts {
            region: Vec::new(),
            provider: Vec::new(),
            country: Vec::new(),
            in_eu: Vec::new(),
            must: Vec::new(),
        };
        for &z in zones {
            let zone = &study.zones[z];
            let r = study
                .regions
                .iter()
                .position(|r| r.id == zone.region)
                .expect("validated");
            let region = &study.regions[r];
            let p = region.provider.to_ascii_lowercase();
            let pi = providers.iter().position(|x| *x == p).unwrap_or_else(|| {
                providers.push(p);
                providers.len() - 1
            });
            f.region.push(r);
            f.provider.push(pi);
            f.country.push(region.country.to_ascii_uppercase());
            f.in_eu.push(region.is_in_eu());
        }
        for id in &spec.must_include {
            f.must.push(
                zones
                    .iter()
                    .enumerate()
                    .filter(|(_, z)| {
                        let zone = &study.zones[**z];
                        &zone.id == id || &zone.region == id
                    })
                    .map(|(i, _)| i)
                    .collect(),
            );
        }
        f
    }

    /// By how much a placement (nondecreasing candidate positions) misses
    /// the constraints: 0 when it meets them all, else the sum over
    /// constraints of the replicas, regions, providers or entries it is
    /// short or over.
    pub(super) fn violation(&self, spec: &PlanSpec, idx: &[usize]) -> u32 {
        self.violations(spec, idx).iter().map(|(_, v)| v).sum()
    }

    /// Each constraint the placement misses, with by how much.
    pub(super) fn violations(&self, spec: &PlanSpec, idx: &[usize]) -> Vec<(String, u32)> {
        let mut out = Vec::new();
        let mut per_zone: Vec<(usize, u32)> = Vec::new();
        for &i in idx {
            match per_zone.last_mut() {
                Some((z, n)) if *z == i => *n += 1,
                _ => per_zone.push((i, 1)),
            }
        }
        let over = |limit: u32, counts: &mut dyn Iterator<Item = u32>| -> u32 {
            counts.map(|n| n.saturating_sub(limit)).sum()
        };
        if spec.distinct_zones {
            let v = over(1, &mut per_zone.iter().map(|p| p.1));
            if v > 0 {
                out.push(("distinct_zones".to_string(), v));
            }
        }
        if let Some(m) = spec.max_per_zone {
            let v = over(m, &mut per_zone.iter().map(|p| p.1));
            if v > 0 {
                out.push(("max_per_zone".to_string(), v));
            }
        }
        let mut regions: Vec<(usize, u32)> = Vec::new();
        let mut providers: Vec<usize> = Vec::new();
        for &i in idx {
            match regions.iter_mut().find(|(r, _)| *r == self.region[i]) {
                Some((_, n)) => *n += 1,
                None => regions.push((self.region[i], 1)),
            }
            if !providers.contains(&self.provider[i]) {
                providers.push(self.provider[i]);
            }
        }
        if let Some(m) = spec.max_per_region {
            let v = over(m, &mut regions.iter().map(|p| p.1));
            if v > 0 {
                out.push(("max_per_region".to_string(), v));
            }
        }
        if let Some(m) = spec.min_regions {
            let v = m.saturating_sub(regions.len() as u32);
            if v > 0 {
                out.push(("min_regions".to_string(), v));
            }
        }
        if let Some(m) = spec.min_providers {
            let v = m.saturating_sub(providers.len() as u32);
            if v > 0 {
                out.push(("min_providers".to_string(), v));
            }
        }
        for (id, accepts) in spec.must_include.iter().zip(&self.must) {
            if !idx.iter().any(|i| accepts.contains(i)) {
                out.push((format!("must_include \"{id}\""), 1));
            }
        }
        if let Some(m) = spec.max_outside_eu {
            let outside = idx.iter().filter(|&&i| !self.in_eu[i]).count() as u32;
            let v = outside.saturating_sub(m);
            if v > 0 {
                out.push(("max_outside_eu".to_string(), v));
            }
        }
        for (c, &m) in &spec.min_in_countries {
            let c = c.to_ascii_uppercase();
            let n = idx.iter().filter(|&&i| self.country[i] == c).count() as u32;
            let v = m.saturating_sub(n);
            if v > 0 {
                out.push((format!("min_in_countries.{c}"), v));
            }
        }
        out
    }
}
