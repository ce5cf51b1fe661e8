//! Read-only root filesystem (not part of PSS; Kubescape C-0017, Pulumi's one
//! ISO 27001-tagged Kubernetes check).

use crate::controls::common::is_windows;
use kit::{Control, Criteria, Ctx, Finding, Flag, Severity};

pub static CONTROL: Control = Control {
    id: "readonly-root-filesystem",
    title: kit::cold!("Containers run with a read-only root filesystem"),
    rationale: kit::cold!(
        "A writable root filesystem lets an intruder drop tools, replace binaries or persist inside the container; a read-only one confines writes to declared volumes."
    ),
    remediation: kit::cold!(
        "set securityContext.readOnlyRootFilesystem: true on every container and mount an emptyDir where the application must write (e.g. /tmp)"
    ),
    severity: Severity::Medium,
    tags: super::OPTIONAL,
    criteria: Criteria {
        soc2: super::SOC2,
        // A.8.19: no software can be installed on the running system.
        iso27001: &["A.8.9", "A.8.19"],
        pss: &[],
        cis: &[],
    },
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let pod = ctx.pod();
    // Windows has no read-only root filesystem; the API server forbids the field there.
    if is_windows(pod) {
        return Vec::new();
    }
    pod.containers()
        .filter_map(|c| {
            let message = match Flag::of(c.security_context(&["readOnlyRootFilesystem"])) {
                Flag::True => return None,
                Flag::False => "readOnlyRootFilesystem is false",
                Flag::Absent => {
                    "readOnlyRootFilesystem is not set (the root filesystem is writable)"
                }
                Flag::Malformed => "readOnlyRootFilesystem must be a boolean",
            };
            Some(Finding::container(
                &c,
                "securityContext.readOnlyRootFilesystem",
                message,
            ))
        })
        .collect()
}
