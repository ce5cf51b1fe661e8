//! Kubelet protectKernelDefaults (CIS 4.2.6 up to benchmark v1.6; no longer
//! numbered in v1.9/v1.10).

use super::kubelet::{TAGS, expect_bool};
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "kubelet-protect-kernel-defaults",
    title: kit::cold!("Kubelets refuse to run with kernel settings other than they expect"),
    rationale: kit::cold!(
        "With protectKernelDefaults the kubelet fails when the node's kernel tunables (vm.overcommit_memory, kernel.panic, ...) differ from its defaults instead of silently changing them, so node hardening done by the OS image is not undone and drift is noticed."
    ),
    remediation: kit::cold!(
        "set protectKernelDefaults: true in the KubeletConfiguration and the matching sysctls in the node image"
    ),
    severity: Severity::Low,
    tags: TAGS,
    criteria: Criteria {
        soc2: &["CC7.1"],
        iso27001: &["A.8.9"],
        pss: &[],
        cis: &[],
    },
    kinds: super::KUBELET_CONFIGURATION,
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    expect_bool(
        ctx.object(),
        &["protectKernelDefaults"],
        true,
        false,
        "the kubelet modifies kernel tunables that differ from its expectations",
    )
    .into_iter()
    .collect()
}
