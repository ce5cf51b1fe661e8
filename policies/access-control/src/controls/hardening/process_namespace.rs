//! `shareProcessNamespace` (Kubewarden `share-pid-namespace-policy`).

use kit::Value;
use kit::{Control, Criteria, Ctx, Finding, Flag, Severity};

pub static CONTROL: Control = Control {
    id: "no-share-process-namespace",
    title: kit::cold!("Containers of a pod do not share one process namespace"),
    rationale: kit::cold!(
        "With a shared process namespace every container sees and can signal the others' processes and read their environment and filesystem through /proc, so one compromised sidecar exposes the credentials of all."
    ),
    remediation: kit::cold!(
        "remove spec.shareProcessNamespace or set it to false; debug with an ephemeral container targeting one container (kubectl debug --target) instead"
    ),
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
    let v = pod.get(&["shareProcessNamespace"]);
    match Flag::of(v) {
        Flag::Absent | Flag::False => Vec::new(),
        Flag::True => vec![Finding::new(
            pod.field_path("shareProcessNamespace"),
            "shareProcessNamespace is true",
        )],
        Flag::Malformed => vec![Finding::new(
            pod.field_path("shareProcessNamespace"),
            kit::text!(
                "shareProcessNamespace must be a boolean, got {}",
                kit::json::brief(v.unwrap_or(&Value::Null), 40)
            ),
        )],
    }
}
