//! CIS 4.2.4: the unauthenticated read-only port is closed.

use super::kubelet::TAGS_DEFAULT;
use kit::{Control, Criteria, Ctx, Finding, Int, Severity, json};

pub static CONTROL: Control = Control {
    id: "kubelet-read-only-port",
    title: kit::cold!("Kubelets do not open the unauthenticated read-only port"),
    rationale: kit::cold!(
        "The read-only port (10255 when enabled) serves Pod specs, node metrics and configuration without any authentication or authorization: environment variables, images and volumes of every Pod on the node are readable by anyone who reaches it."
    ),
    remediation: kit::cold!(
        "set readOnlyPort: 0 in the KubeletConfiguration (the file's default) and do not pass --read-only-port"
    ),
    severity: Severity::High,
    tags: TAGS_DEFAULT,
    criteria: Criteria {
        soc2: &["CC6.1", "CC6.6"],
        iso27001: &["A.8.20", "A.8.5"],
        pss: &[],
        cis: &["4.2.4"],
    },
    kinds: super::KUBELET_CONFIGURATION,
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let v = json::get(ctx.object(), &["readOnlyPort"]);
    match Int::of(v) {
        Int::Absent | Int::Value(0) => Vec::new(),
        Int::Value(p) => vec![Finding::new(
            "readOnlyPort",
            kit::text!("readOnlyPort is {p}: Pod and node data are served without authentication"),
        )],
        Int::Malformed => vec![Finding::new(
            "readOnlyPort",
            kit::text!(
                "readOnlyPort is {}, not an integer: the value cannot be verified",
                json::brief(v.unwrap_or(&kit::Value::Null), 40)
            ),
        )],
    }
}
