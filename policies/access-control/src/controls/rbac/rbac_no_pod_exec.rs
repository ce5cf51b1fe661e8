//! Control `rbac-no-pod-exec`.
//! Shared helpers: [`super::roles`].

use super::risk::{Risk, Risks};
use super::roles::*;
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "rbac-no-pod-exec",
    title: kit::cold!("Roles do not grant exec, attach or port-forward into pods"),
    rationale: kit::cold!(
        "pods/exec, pods/attach and pods/portforward give an interactive shell or a network tunnel into running workloads, with their service-account token and data: standing access that should be break-glass only."
    ),
    remediation: kit::cold!(
        "remove pods/exec, pods/attach and pods/portforward (create and get) from the role; grant them just in time and use the runtime-access-break-glass control"
    ),
    severity: Severity::High,
    tags: &["default", "rbac"],
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: super::ISO,
        pss: &[],
        cis: &[],
    },
    kinds: KINDS,
    params: &[ALLOWED_ROLES],
    check: check_pod_exec,
    ..Control::DEFAULTS
};

fn check_pod_exec(ctx: &Ctx) -> Vec<Finding> {
    lint(ctx, Risks::of(&[Risk::PodExec]))
}
