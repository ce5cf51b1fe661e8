//! What one evaluation did, as data: the contract between a module and the
//! tools that report on it (`kube-soc2 scan`, `replay`, the reports).
//!
//! `validate` answers the API server with prose a person reads at
//! `kubectl apply`; `explain` answers the same payload with the verdict of
//! every control of the module, so no tool re-derives which controls ran or
//! parses the prose back. Wire form (JSON):
//!
//! ```json
//! {"family": "access-control",
//!  "response": { ...the ValidationResponse `validate` returns... },
//!  "refused": null,
//!  "controls": [
//!    {"id": "pss-privileged", "status": "fail", "findings": [
//!       {"path": "spec.containers[0].securityContext.privileged",
//!        "container": "web", "containerList": "containers", "image": "nginx:1.25",
//!        "message": "privileged is true: ..."}],
//!     "total": 1},
//!    {"id": "pss-host-ports", "status": "pass"},
//!    {"id": "drop-net-raw", "status": "disabled"}]}
//! ```
//!
//! Asked about a payload without `request` (`{"settings": ...}`), every
//! control is `enabled` or `disabled`: the module's own reading of the
//! settings, so no tool re-implements it. `warnOnly: true` marks enabled
//! controls whose findings are warnings.
//!
//! Statuses: `disabled` (not enabled by the settings), `not-applicable`
//! (enabled, but not for this kind/operation/subresource), `pass`, `fail`,
//! `warn` (findings reported as warnings), `exempted` (findings all covered by
//! an exemption; `exemption` holds its reason), `error` (the control could not
//! verify the object: every finding is a [`Finding::unverified`] one; `error`
//! holds the first). A `refused` message means the module could not evaluate
//! the request at all (bad payload, bad settings, malformed object).

use crate::control::{Control, Family, Finding};
use kubewarden_policy_sdk::response::ValidationResponse;
use serde_json::{Value, json};

/// Findings carried per control; `total` keeps the full count.
pub const MAX_FINDINGS: usize = 100;

/// Prefix of the message of a finding that says a control could not verify.
pub const UNVERIFIED: &str = "could not verify ";

#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    Disabled,
    /// Enabled by the settings; reported when `explain` is asked about
    /// settings alone (a payload without `request`).
    Enabled,
    NotApplicable,
    Passed,
    Failed,
    Warned,
    Exempted(String),
    Unverified,
}

impl Status {
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Disabled => "disabled",
            Status::Enabled => "enabled",
            Status::NotApplicable => "not-applicable",
            Status::Passed => "pass",
            Status::Failed => "fail",
            Status::Warned => "warn",
            Status::Exempted(_) => "exempted",
            Status::Unverified => "error",
        }
    }
}

struct Outcome {
    control: &'static Control,
    status: Status,
    /// Enabled, with findings reported as warnings (`warnOnly`).
    warn_only: bool,
    findings: Vec<Finding>,
}

/// The per-control outcome of one evaluation, in catalogue order.
pub struct Explanation {
    family: &'static str,
    outcomes: Vec<Outcome>,
    /// Why the request could not be evaluated, when it could not.
    pub refused: Option<String>,
}

impl Explanation {
    pub fn new(family: &Family) -> Explanation {
        Explanation {
            family: family.name,
            outcomes: family
                .controls()
                .map(|control| Outcome {
                    control,
                    status: Status::Disabled,
                    warn_only: false,
                    findings: Vec::new(),
                })
                .collect(),
            refused: None,
        }
    }

    fn outcome(&mut self, control: &Control) -> Option<&mut Outcome> {
        // Controls are statics (`Control` is neither `Clone` nor `Copy`), so
        // the family's own reference is found by address: the bundle's
        // explanation has over 200 outcomes and every control is looked up
        // at least twice, by ids that often share a long prefix. By id when
        // the caller's reference is not the family's.
        let at = match self
            .outcomes
            .iter()
            .position(|o| std::ptr::eq(o.control, control))
        {
            Some(at) => at,
            None => self
                .outcomes
                .iter()
                .position(|o| o.control.id == control.id)?,
        };
        self.outcomes.get_mut(at)
    }

    /// Marks `control` enabled by the settings (`NotApplicable` until it runs).
    pub fn enable(&mut self, control: &Control, status: Status, warn_only: bool) {
        if let Some(o) = self.outcome(control) {
            o.status = status;
            o.warn_only = warn_only;
        }
    }

    /// An explanation that records nothing: `validate` answers the API
    /// server and needs none, so it pays for none.
    pub fn none(family: &Family) -> Explanation {
        Explanation {
            family: family.name,
            outcomes: Vec::new(),
            refused: None,
        }
    }

    pub fn set(&mut self, control: &Control, status: Status) {
        if let Some(o) = self.outcome(control) {
            o.status = status;
        }
    }

    /// Records the findings left after exemptions.
    pub fn record(&mut self, control: &Control, findings: &[Finding], warn: bool) {
        let Some(o) = self.outcome(control) else {
            return;
        };
        o.status = if findings.iter().all(Finding::is_unverified) {
            Status::Unverified
        } else if warn {
            Status::Warned
        } else {
            Status::Failed
        };
        o.findings = findings.to_vec();
    }

    /// The status of `id`, for tests.
    pub fn status(&self, id: &str) -> Option<&Status> {
        self.outcomes
            .iter()
            .find(|o| o.control.id == id)
            .map(|o| &o.status)
    }

    pub fn to_value(&self, response: &ValidationResponse) -> Value {
        let controls: Vec<Value> = self
            .outcomes
            .iter()
            .map(|o| {
                let mut v = json!({"id": o.control.id, "status": o.status.as_str()});
                if o.warn_only {
                    v["warnOnly"] = json!(true);
                }
                match &o.status {
                    Status::Exempted(reason) => v["exemption"] = json!(reason),
                    Status::Unverified => {
                        v["error"] = json!(o.findings.first().map(|f| f.message.as_str()))
                    }
                    _ => {}
                }
                if !o.findings.is_empty() {
                    v["findings"] = o
                        .findings
                        .iter()
                        .take(MAX_FINDINGS)
                        .map(finding_json)
                        .collect();
                    v["total"] = json!(o.findings.len());
                }
                v
            })
            .collect();
        let response: Value =
            serde_json::from_slice(&crate::response::to_bytes(response)).unwrap_or(Value::Null);
        json!({
            "family": self.family,
            "response": response,
            "refused": self.refused,
            "controls": controls,
        })
    }

    pub fn to_json(&self, response: &ValidationResponse) -> Vec<u8> {
        serde_json::to_vec(&self.to_value(response)).unwrap_or_default()
    }
}

/// The container list a field path points into, if any.
fn container_list(path: &str) -> Option<&'static str> {
    ["initContainers", "ephemeralContainers", "containers"]
        .into_iter()
        .find(|list| path.contains(&format!(".{list}[")) || path.starts_with(&format!("{list}[")))
}

fn finding_json(f: &Finding) -> Value {
    let mut v = json!({"path": f.path, "message": f.message});
    if let Some((name, image)) = &f.container {
        // Bounded: the module answers with at most 100 findings a control.
        v["container"] = json!(crate::response::truncate(name, 300));
        v["image"] = json!(crate::response::truncate(image, 300));
        if let Some(list) = container_list(&f.path) {
            v["containerList"] = json!(list);
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_lists_are_read_from_paths() {
        assert_eq!(
            container_list("spec.template.spec.initContainers[2].image"),
            Some("initContainers")
        );
        assert_eq!(
            container_list("spec.containers[0].securityContext"),
            Some("containers")
        );
        assert_eq!(
            container_list("spec.ephemeralContainers[0]"),
            Some("ephemeralContainers")
        );
        assert_eq!(container_list("metadata.labels"), None);
    }
}
