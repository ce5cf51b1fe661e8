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
//!  "response": { ...the response `validate` returns... },
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
//! With `"applicableOnly": true` beside `request` in the payload, `disabled`
//! and `not-applicable` controls are left out (a scan reads only the
//! controls that ran, one answer per object and module).
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
use crate::json::{write_optional_str, write_str};
use crate::response::Response;
use serde_json::{Value, json};
use std::io::Write;

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
    /// Where the last [`Explanation::outcome`] lookup found its control.
    cursor: usize,
    /// Leave `disabled` and `not-applicable` controls out of the answer
    /// (what a scan asks for: it reads only the controls that ran).
    pub applicable_only: bool,
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
            cursor: 0,
            applicable_only: false,
            refused: None,
        }
    }

    fn outcome(&mut self, control: &Control) -> Option<&mut Outcome> {
        // Controls are statics, so the family's own reference is found by
        // address, starting where the last lookup ended: the engine visits
        // controls in catalogue order, and the bundle has over 200 of them.
        // By id when the caller's reference is not the family's.
        let n = self.outcomes.len();
        let from_cursor = |i: usize| (self.cursor + i) % n;
        let at = (0..n)
            .map(from_cursor)
            .find(|&i| std::ptr::eq(self.outcomes[i].control, control))
            .or_else(|| {
                (0..n)
                    .map(from_cursor)
                    .find(|&i| self.outcomes[i].control.id == control.id)
            })?;
        self.cursor = at;
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
            cursor: 0,
            applicable_only: false,
            refused: None,
        }
    }

    /// Whether anything is recorded (not an [`Explanation::none`]).
    pub fn records(&self) -> bool {
        !self.outcomes.is_empty()
    }

    /// Back to what nothing was evaluated yet: every control disabled.
    pub fn restart(&mut self) {
        for o in &mut self.outcomes {
            o.status = Status::Disabled;
            o.warn_only = false;
            o.findings.clear();
        }
        self.applicable_only = false;
        self.refused = None;
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

    pub fn to_value(&self, response: &Response) -> Value {
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
        let response = response.to_value();
        json!({
            "family": self.family,
            "response": response,
            "refused": self.refused,
            "controls": controls,
        })
    }

    /// The wire form, written directly (the same bytes as serialising
    /// [`Explanation::to_value`]: keys in sorted order): a scan asks every
    /// module for one answer per object, and building the tree first cost
    /// as much as the checks.
    pub fn to_json(&self, response: &Response) -> Vec<u8> {
        let mut out = Vec::with_capacity(256 + 48 * self.outcomes.len());
        out.extend_from_slice(b"{\"controls\":[");
        let mut first = true;
        for o in &self.outcomes {
            if self.applicable_only && matches!(o.status, Status::Disabled | Status::NotApplicable)
            {
                continue;
            }
            if !first {
                out.push(b',');
            }
            first = false;
            write_outcome(&mut out, o);
        }
        out.extend_from_slice(b"],\"family\":");
        write_str(&mut out, self.family);
        out.extend_from_slice(b",\"refused\":");
        write_optional_str(&mut out, self.refused.as_deref());
        out.extend_from_slice(b",\"response\":");
        crate::response::write_response(&mut out, response);
        out.push(b'}');
        out
    }
}

/// The container list a field path points into, if any.
fn container_list(path: &str) -> Option<&'static str> {
    ["initContainers", "ephemeralContainers", "containers"]
        .into_iter()
        .find(|list| {
            path.contains(&crate::text!(".{list}[")) || path.starts_with(&crate::text!("{list}["))
        })
}

/// One control of the wire form, keys sorted as serde_json sorts them.
fn write_outcome(out: &mut Vec<u8>, o: &Outcome) {
    out.push(b'{');
    match &o.status {
        Status::Unverified => {
            out.extend_from_slice(b"\"error\":");
            match o.findings.first() {
                Some(f) => write_str(out, &f.message),
                None => out.extend_from_slice(b"null"),
            }
            out.push(b',');
        }
        Status::Exempted(reason) => {
            out.extend_from_slice(b"\"exemption\":");
            write_str(out, reason);
            out.push(b',');
        }
        _ => {}
    }
    if !o.findings.is_empty() {
        out.extend_from_slice(b"\"findings\":[");
        for (i, f) in o.findings.iter().take(MAX_FINDINGS).enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_finding(out, f);
        }
        out.extend_from_slice(b"],");
    }
    out.extend_from_slice(b"\"id\":");
    write_str(out, o.control.id);
    out.extend_from_slice(b",\"status\":");
    write_str(out, o.status.as_str());
    if !o.findings.is_empty() {
        // Writing into a Vec cannot fail.
        let _ = write!(out, ",\"total\":{}", o.findings.len());
    }
    if o.warn_only {
        out.extend_from_slice(b",\"warnOnly\":true");
    }
    out.push(b'}');
}

/// [`finding_json`], written directly.
fn write_finding(out: &mut Vec<u8>, f: &Finding) {
    out.push(b'{');
    if let Some((name, image)) = &f.container {
        out.extend_from_slice(b"\"container\":");
        write_str(out, &crate::response::truncate(name, 300));
        out.push(b',');
        if let Some(list) = container_list(&f.path) {
            out.extend_from_slice(b"\"containerList\":");
            write_str(out, list);
            out.push(b',');
        }
        out.extend_from_slice(b"\"image\":");
        write_str(out, &crate::response::truncate(image, 300));
        out.push(b',');
    }
    out.extend_from_slice(b"\"message\":");
    write_str(out, &f.message);
    out.extend_from_slice(b",\"path\":");
    write_str(out, &f.path);
    out.push(b'}');
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
