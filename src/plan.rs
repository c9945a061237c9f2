//! Planning: the cheapest placement of replicas that meets an availability
//! target in a given fraction of years.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::deployment::Rule;

/// The `[plan]` table of a scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
}

/// A planning target: availability at least `availability` in at least
/// `in_fraction_of_years` of trials.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanTarget {
    /// Availability target in (0, 1].
    pub availability: f64,
    /// Required fraction of trials (years) meeting it, in (0, 1].
    pub in_fraction_of_years: f64,
}
