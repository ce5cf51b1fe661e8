//! PSS baseline "Host Probes / Lifecycle Hooks" (PSA check
//! `hostProbesAndHostLifecycle`, from v1.34): probes and lifecycle handlers
//! must not name a host, which would make the kubelet connect to arbitrary
//! addresses from the node's network on the pod's behalf.

use super::{shown, text};
use kit::control::CREATE_UPDATE;
use kit::{Control, Criteria, Ctx, Finding, KindSet, Severity};

pub static CONTROL: Control = Control {
    id: "pss-host-probes-and-host-lifecycle",
    title: "Probes and lifecycle hooks target the pod itself",
    rationale: "The kubelet runs httpGet and tcpSocket probes and hooks from the node; a host field turns them into requests to any address the node can reach, including node-local and cloud metadata services.",
    remediation: "remove the host field from httpGet and tcpSocket in livenessProbe, readinessProbe, startupProbe and lifecycle.postStart/preStop (the pod IP is used)",
    severity: Severity::Medium,
    tags: super::BASELINE,
    criteria: Criteria {
        soc2: super::SOC2_NETWORK,
        iso27001: &["A.8.2", "A.8.9", "A.8.20"],
        pss: &["Host Probes / Lifecycle Hooks"],
        cis: &[],
    },
    kinds: KindSet::PodBearing,
    operations: CREATE_UPDATE,
    subresources: &[],
    params: &[],
    validate_params: None,
    check,
};

/// Every handler PSA looks at: the three probes and the two lifecycle hooks
/// (tcpSocket hooks are deprecated but still read), each with both actions.
const HANDLERS: [(&[&str], &str); 10] = [
    (&["livenessProbe", "httpGet"], "livenessProbe.httpGet.host"),
    (
        &["livenessProbe", "tcpSocket"],
        "livenessProbe.tcpSocket.host",
    ),
    (
        &["readinessProbe", "httpGet"],
        "readinessProbe.httpGet.host",
    ),
    (
        &["readinessProbe", "tcpSocket"],
        "readinessProbe.tcpSocket.host",
    ),
    (&["startupProbe", "httpGet"], "startupProbe.httpGet.host"),
    (
        &["startupProbe", "tcpSocket"],
        "startupProbe.tcpSocket.host",
    ),
    (
        &["lifecycle", "postStart", "httpGet"],
        "lifecycle.postStart.httpGet.host",
    ),
    (
        &["lifecycle", "postStart", "tcpSocket"],
        "lifecycle.postStart.tcpSocket.host",
    ),
    (
        &["lifecycle", "preStop", "httpGet"],
        "lifecycle.preStop.httpGet.host",
    ),
    (
        &["lifecycle", "preStop", "tcpSocket"],
        "lifecycle.preStop.tcpSocket.host",
    ),
];

fn check(ctx: &Ctx) -> Vec<Finding> {
    if super::minor(ctx) < 34 {
        return Vec::new();
    }
    let mut findings = Vec::new();
    for c in ctx.pod().containers() {
        for (action, field) in HANDLERS {
            let host = c.get(action).and_then(|a| a.get("host"));
            if text(host) == Some("") {
                continue;
            }
            findings.push(Finding::container(
                &c,
                field,
                format!("host is {}: the kubelet would connect there", shown(host)),
            ));
        }
    }
    findings
}
