//! PSS baseline "Host Ports" (PSA check `hostPorts`, all versions).

use kit::Value;
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "pss-host-ports",
    title: kit::cold!("Containers bind no host ports"),
    rationale: kit::cold!(
        "A hostPort exposes the container on the node's own address, outside Services and network policies, and pins the pod to nodes where the port is free."
    ),
    remediation: kit::cold!(
        "remove ports[].hostPort (or set it to 0) and expose the container through a Service"
    ),
    severity: Severity::Medium,
    tags: super::BASELINE,
    criteria: Criteria {
        soc2: super::SOC2_NETWORK,
        iso27001: super::ISO_NETWORK,
        pss: &["Host Ports"],
        cis: &["5.2.13"],
    },
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    // One version of this check for every PSS version.
    if super::evaluated(ctx).is_none() {
        return Vec::new();
    }
    let mut findings = Vec::new();
    for c in ctx.pod().containers() {
        let Some(Value::Array(ports)) = c.get(&["ports"]) else {
            continue;
        };
        for (i, port) in ports.iter().enumerate() {
            // Go reads an absent hostPort as 0, which PSA allows.
            let host_port = super::set(port.get("hostPort"));
            if matches!(
                kit::Int::of(host_port),
                kit::Int::Absent | kit::Int::Value(0)
            ) {
                continue;
            }
            findings.push(Finding::container(
                &c,
                &kit::text!("ports[{i}].hostPort"),
                kit::text!("uses hostPort {}", super::shown(host_port)),
            ));
        }
    }
    findings
}
