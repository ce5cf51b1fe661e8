//! PSS baseline "Host Probes / Lifecycle Hooks" (PSA check
//! `hostProbesAndHostLifecycle`, from v1.34): probes and lifecycle handlers
//! must not name a host, which would make the kubelet connect to arbitrary
//! addresses from the node's network on the pod's behalf.

use super::{shown, text};
use kit::Value;
use kit::{Container, Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "pss-host-probes-and-host-lifecycle",
    title: kit::cold!("Probes and lifecycle hooks target the pod itself"),
    rationale: kit::cold!(
        "The kubelet runs httpGet and tcpSocket probes and hooks from the node; a host field turns them into requests to any address the node can reach, including node-local and cloud metadata services."
    ),
    remediation: kit::cold!(
        "remove the host field from httpGet and tcpSocket in livenessProbe, readinessProbe, startupProbe and lifecycle.postStart/preStop (the pod IP is used)"
    ),
    severity: Severity::Medium,
    tags: super::BASELINE,
    criteria: Criteria {
        soc2: super::SOC2_NETWORK,
        iso27001: &["A.8.2", "A.8.9", "A.8.20"],
        pss: &["Host Probes / Lifecycle Hooks"],
        cis: &[],
    },
    check,
    ..Control::DEFAULTS
};

/// The handlers PSA looks at: the three probes and the two lifecycle hooks
/// (tcpSocket hooks are deprecated but still read), each with the paths of
/// its two actions' host, in `ACTIONS` order.
const ACTIONS: [&str; 2] = ["httpGet", "tcpSocket"];
const PROBES: [(&str, [&str; 2]); 3] = [
    (
        "livenessProbe",
        ["livenessProbe.httpGet.host", "livenessProbe.tcpSocket.host"],
    ),
    (
        "readinessProbe",
        [
            "readinessProbe.httpGet.host",
            "readinessProbe.tcpSocket.host",
        ],
    ),
    (
        "startupProbe",
        ["startupProbe.httpGet.host", "startupProbe.tcpSocket.host"],
    ),
];
const HOOKS: [(&str, [&str; 2]); 2] = [
    (
        "postStart",
        [
            "lifecycle.postStart.httpGet.host",
            "lifecycle.postStart.tcpSocket.host",
        ],
    ),
    (
        "preStop",
        [
            "lifecycle.preStop.httpGet.host",
            "lifecycle.preStop.tcpSocket.host",
        ],
    ),
];

fn check(ctx: &Ctx) -> Vec<Finding> {
    if super::evaluated(ctx).is_none_or(|minor| minor < 34) {
        return Vec::new();
    }
    let mut findings = Vec::new();
    // Each probe and hook object is looked up once: most containers have none.
    for c in ctx.pod().containers() {
        for (probe, fields) in &PROBES {
            if let Some(handler) = c.value.get(probe) {
                hosts(&c, handler, fields, &mut findings);
            }
        }
        if let Some(lifecycle) = c.value.get("lifecycle") {
            for (hook, fields) in &HOOKS {
                if let Some(handler) = lifecycle.get(*hook) {
                    hosts(&c, handler, fields, &mut findings);
                }
            }
        }
    }
    findings
}

/// PSA `getForbiddenHostProbes` / `getForbiddenHostLifecycle`: a non-empty
/// host in the handler's httpGet or tcpSocket action.
fn hosts(c: &Container, handler: &Value, fields: &[&str; 2], findings: &mut Vec<Finding>) {
    for (action, field) in ACTIONS.iter().zip(fields) {
        let host = handler.get(*action).and_then(|a| a.get("host"));
        if text(host) == Some("") {
            continue;
        }
        findings.push(Finding::container(
            c,
            field,
            kit::text!("host is {}: the kubelet would connect there", shown(host)),
        ));
    }
}
