//! PSS baseline "Host Namespaces" (PSA check `hostNamespaces`, all versions).

use super::enabled;
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "pss-host-namespaces",
    title: kit::cold!("Host namespaces are not shared"),
    rationale: kit::cold!(
        "A pod in the node's network, PID or IPC namespace sees the node's interfaces and traffic, its processes, or its shared memory: it can sniff or reach node-local services, signal or inspect other workloads, and bypass network policies."
    ),
    remediation: kit::cold!(
        "remove spec.hostNetwork, spec.hostPID and spec.hostIPC or set them to false"
    ),
    severity: Severity::High,
    tags: super::BASELINE,
    criteria: Criteria {
        soc2: super::SOC2_NETWORK,
        iso27001: super::ISO_NETWORK,
        pss: &["Host Namespaces"],
        cis: &["5.2.3", "5.2.4", "5.2.5"],
    },
    check,
    ..Control::DEFAULTS
};

const FIELDS: [(&str, &str); 3] = [
    (
        "hostNetwork",
        "hostNetwork is true: the pod shares the node's network namespace",
    ),
    (
        "hostPID",
        "hostPID is true: the pod shares the node's process namespace",
    ),
    (
        "hostIPC",
        "hostIPC is true: the pod shares the node's IPC namespace",
    ),
];

fn check(ctx: &Ctx) -> Vec<Finding> {
    // One version of this check for every PSS version.
    if super::evaluated(ctx).is_none() {
        return Vec::new();
    }
    let pod = ctx.pod();
    FIELDS
        .iter()
        .filter(|(field, _)| enabled(pod.get(&[field])))
        .map(|(field, message)| Finding::new(pod.field_path(field), *message))
        .collect()
}
