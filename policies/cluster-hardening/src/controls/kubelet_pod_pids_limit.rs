//! CIS 4.2.13: a limit on the PIDs of each Pod.

use super::kubelet::TAGS;
use kit::{Control, Criteria, Ctx, Finding, Int, Severity, json};

pub static CONTROL: Control = Control {
    id: "kubelet-pod-pids-limit",
    title: kit::cold!("Kubelets limit the number of processes of each Pod"),
    rationale: kit::cold!(
        "Without podPidsLimit (default -1, unlimited) one Pod's fork bomb exhausts the node's process table and takes down every other Pod on it, the kubelet included."
    ),
    remediation: kit::cold!(
        "set podPidsLimit in the KubeletConfiguration to a positive value sized for your workloads (e.g. 4096)"
    ),
    severity: Severity::Low,
    tags: TAGS,
    criteria: Criteria {
        soc2: &["A1.1", "CC7.1"],
        iso27001: &["A.8.6"],
        pss: &[],
        cis: &["4.2.13"],
    },
    kinds: super::KUBELET_CONFIGURATION,
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let v = json::get(ctx.object(), &["podPidsLimit"]);
    let msg = match Int::of(v) {
        Int::Value(n) if n > 0 => return Vec::new(),
        Int::Absent => "podPidsLimit is absent and the default (-1, unlimited) was assumed: a Pod can exhaust the node's PIDs".to_string(),
        Int::Value(n) => kit::text!("podPidsLimit is {n}: the number of processes per Pod is unlimited"),
        Int::Malformed => kit::text!(
            "podPidsLimit is {}, not an integer",
            json::brief(v.unwrap_or(&kit::Value::Null), 40)
        ),
    };
    vec![Finding::new("podPidsLimit", msg)]
}
