//! CIS 4.2.1: the kubelet refuses anonymous requests.

use super::kubelet::{TAGS_DEFAULT, expect_bool};
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "kubelet-anonymous-auth",
    title: kit::cold!("Kubelets do not accept anonymous requests"),
    rationale: kit::cold!(
        "The kubelet API on port 10250 runs commands in containers, streams logs and lists Pods. With anonymous authentication on, anyone who reaches a node's port is served as system:anonymous, and only the authorizer stands between them and exec into every container of the node."
    ),
    remediation: kit::cold!(
        "set authentication.anonymous.enabled: false in the KubeletConfiguration (the file's default; the --anonymous-auth flag defaults to true and overrides the file, so do not pass it)"
    ),
    severity: Severity::High,
    tags: TAGS_DEFAULT,
    criteria: Criteria {
        soc2: &["CC6.1"],
        iso27001: &["A.8.5"],
        pss: &[],
        cis: &["4.2.1"],
    },
    kinds: super::KUBELET_CONFIGURATION,
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    expect_bool(
        ctx.object(),
        &["authentication", "anonymous", "enabled"],
        false,
        false,
        "requests without credentials are served as system:anonymous",
    )
    .into_iter()
    .collect()
}
