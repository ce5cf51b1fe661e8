//! The control catalogue a module serves through its `catalogue` waPC
//! function (written by `kit::catalogue::to_json`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Name of the extra waPC function every kube-soc2 module registers.
pub const CATALOGUE_FUNCTION: &str = "catalogue";

#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(default)]
pub struct Criteria {
    pub soc2: Vec<String>,
    pub iso27001: Vec<String>,
    pub pss: Vec<String>,
    pub cis: Vec<String>,
}

#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(default)]
pub struct ControlInfo {
    pub id: String,
    pub family: String,
    pub title: String,
    pub rationale: String,
    pub remediation: String,
    pub severity: String,
    pub tags: Vec<String>,
    pub criteria: Criteria,
    pub kinds: Vec<String>,
    pub operations: Vec<String>,
    pub subresources: Vec<String>,
    pub parameters: Vec<Value>,
    /// Cluster resources the control looks up (context-aware).
    pub reads: Vec<crate::host_capabilities::ContextAwareResource>,
}

#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(default)]
pub struct Catalogue {
    pub family: String,
    pub title: String,
    pub version: String,
    pub options: Vec<Value>,
    pub controls: Vec<ControlInfo>,
}

impl Catalogue {
    pub fn control(&self, id: &str) -> Option<&ControlInfo> {
        self.controls.iter().find(|c| c.id == id)
    }
}
