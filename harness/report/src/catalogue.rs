//! The control catalogue as each module serves it (`catalogue` waPC function,
//! written by `kit::catalogue::to_value`), and which of its controls a
//! module's settings enable.
//!
//! Read from the module rather than linked from the family crates so a scan
//! reports exactly the controls of the modules it ran.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: &'static [Severity] = &[
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL
            .iter()
            .copied()
            .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Compliance criteria a control gives evidence for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Criteria {
    /// AICPA Trust Services Criteria, e.g. `CC6.1`.
    pub soc2: Vec<String>,
    /// ISO/IEC 27001:2022 Annex A, e.g. `A.8.2`.
    pub iso27001: Vec<String>,
    /// Pod Security Standards control names.
    pub pss: Vec<String>,
    /// CIS Kubernetes Benchmark recommendations.
    pub cis: Vec<String>,
}

/// One control of a module's catalogue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ControlInfo {
    pub id: String,
    #[serde(default)]
    pub family: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub rationale: String,
    #[serde(default)]
    pub remediation: String,
    /// A catalogue without a severity is a bug in the module; `high` keeps its
    /// failures visible at the usual `--fail-on` thresholds.
    #[serde(default = "default_severity")]
    pub severity: Severity,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub criteria: Criteria,
    #[serde(default)]
    pub kinds: Vec<String>,
    #[serde(default)]
    pub operations: Vec<String>,
    #[serde(default)]
    pub subresources: Vec<String>,
}

fn default_severity() -> Severity {
    Severity::High
}

impl ControlInfo {
    /// Whether a scan (a CREATE of the main resource) runs this control on an
    /// object of `kind`: the same test as the kit engine's `applies`.
    pub fn applies_to(&self, group: &str, kind: &str) -> bool {
        self.kinds
            .iter()
            .any(|k| kit::kinds::matches(k, group, kind))
            && (self.operations.is_empty() || self.operations.iter().any(|o| o == "CREATE"))
            && (self.subresources.is_empty() || self.subresources.iter().any(|s| s.is_empty()))
    }
}

/// The catalogue of one module (one family).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FamilyCatalogue {
    /// Module name, e.g. `access-control`.
    pub family: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub controls: Vec<ControlInfo>,
}

impl FamilyCatalogue {
    /// Parses the bytes the module's `catalogue` function returns.
    pub fn from_json(bytes: &[u8]) -> Result<FamilyCatalogue, String> {
        let v: Value = serde_json::from_slice(bytes)
            .map_err(|e| format!("the module catalogue is not JSON: {e}"))?;
        FamilyCatalogue::from_value(&v)
    }

    pub fn from_value(v: &Value) -> Result<FamilyCatalogue, String> {
        let mut c: FamilyCatalogue = serde_json::from_value(v.clone())
            .map_err(|e| format!("the module catalogue is malformed: {e}"))?;
        // Controls name their family; older catalogues may not.
        for control in &mut c.controls {
            if control.family.is_empty() {
                control.family = c.family.clone();
            }
        }
        Ok(c)
    }

    pub fn control(&self, id: &str) -> Option<&ControlInfo> {
        self.controls.iter().find(|c| c.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn control(id: &str, tags: &[&str]) -> ControlInfo {
        serde_json::from_value(json!({"id": id, "tags": tags, "kinds": ["Pod"], "operations": ["CREATE", "UPDATE"], "subresources": []})).unwrap()
    }

    #[test]
    fn applies_only_to_main_resource_creates() {
        let mut c = control("a", &[]);
        assert!(c.applies_to("", "Pod") && !c.applies_to("", "Deployment"));
        c.subresources = vec!["exec".into()];
        assert!(!c.applies_to("", "Pod"));
        c.subresources = vec![];
        c.operations = vec!["CONNECT".into()];
        assert!(!c.applies_to("", "Pod"));
    }

    #[test]
    fn severity_orders_and_parses() {
        assert!(Severity::Low < Severity::Critical);
        assert_eq!(Severity::parse(" High"), Some(Severity::High));
        assert_eq!(Severity::parse("info"), None);
    }
}
