//! `shareProcessNamespace` (Kubewarden `share-pid-namespace-policy`).

use kit::{Control, Criteria, Ctx, Finding, Severity};
use serde_json::Value;

pub static CONTROL: Control = Control {
    id: "no-share-process-namespace",
    title: "Containers of a pod do not share one process namespace",
    rationale: "With a shared process namespace every container sees and can signal the others' processes and read their environment and filesystem through /proc, so one compromised sidecar exposes the credentials of all.",
    remediation: "remove spec.shareProcessNamespace or set it to false; debug with an ephemeral container targeting one container (kubectl debug --target) instead",
    severity: Severity::Medium,
    tags: super::DEFAULT,
    criteria: Criteria {
        soc2: super::SOC2,
        // A.8.3: one container's secrets are not readable by its neighbours.
        iso27001: &["A.8.3", "A.8.9"],
        pss: &[],
        cis: &[],
    },
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let pod = ctx.pod();
    match pod.get(&["shareProcessNamespace"]) {
        None | Some(Value::Null) | Some(Value::Bool(false)) => Vec::new(),
        Some(Value::Bool(true)) => vec![Finding::new(
            pod.field_path("shareProcessNamespace"),
            "shareProcessNamespace is true",
        )],
        Some(_) => vec![Finding::new(
            pod.field_path("shareProcessNamespace"),
            "shareProcessNamespace must be a boolean",
        )],
    }
}
