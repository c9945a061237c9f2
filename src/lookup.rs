//! Reading results by name rather than by position.

use crate::engine::StudyResult;
use crate::stats::{DeploymentSummary, SlaStat};

impl StudyResult {
    /// The summary of the deployment named `name`, if the study has one.
    pub fn deployment(&self, name: &str) -> Option<&DeploymentSummary> {
        self.deployments.iter().find(|d| d.name == name)
    }
}

impl DeploymentSummary {
    /// The figures for SLA target `target` (compared exactly: use the value
    /// the study gave, e.g. `0.9999`), if it is one of the study's targets.
    pub fn sla(&self, target: f64) -> Option<&SlaStat> {
        self.sla.iter().find(|s| s.target == target)
    }
}
