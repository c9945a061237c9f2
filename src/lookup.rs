//! Reading results by name rather than by position.

use crate::engine::StudyResult;
use crate::stats::{DeploymentSummary, SlaStat};

impl StudyResult {
    /// The summary of the deployment named `name`, if the study has one.
    pub fn deployment(&self, name: &str) -> Option<&DeploymentSummary> {
        self.deployments.iter().find(|d| d.name == name)
    }

    /// The summary of the service named `name`, if the study has one.
    pub fn service(&self, name: &str) -> Option<&DeploymentSummary> {
        self.services.iter().find(|d| d.name == name)
    }

    /// The paired comparison of the deployment or service named `name` with
    /// the baseline (`None` for the baseline itself or an unknown name).
    pub fn paired(&self, name: &str) -> Option<&crate::engine::PairedDiff> {
        self.comparison.against.iter().find(|p| p.name == name)
    }
}

impl DeploymentSummary {
    /// The figures for SLA target `target` (compared exactly: use the value
    /// the study gave, e.g. `0.9999`), if it is one of the study's targets.
    pub fn sla(&self, target: f64) -> Option<&SlaStat> {
        self.sla.iter().find(|s| s.target == target)
    }
}
