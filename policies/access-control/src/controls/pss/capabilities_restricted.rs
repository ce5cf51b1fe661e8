//! PSS restricted "Capabilities" (PSA check `capabilities_restricted`, from
//! v1.22): every container drops ALL and adds at most NET_BIND_SERVICE. From
//! v1.25 Windows pods are exempt.

use super::shown;
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "pss-capabilities-restricted",
    title: kit::cold!("Containers drop all capabilities"),
    rationale: kit::cold!(
        "Even the runtime's default capabilities (NET_RAW, CHOWN, SETUID, ...) are more than most workloads need; dropping ALL leaves a compromised process with none of root's partial powers."
    ),
    remediation: kit::cold!(
        "set securityContext.capabilities.drop: [\"ALL\"] on every container, and add back at most NET_BIND_SERVICE"
    ),
    severity: Severity::Medium,
    tags: super::RESTRICTED,
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: super::ISO,
        pss: &["Capabilities"],
        cis: &["5.2.8", "5.2.9", "5.2.10"],
    },
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let Some(minor) = super::evaluated(ctx) else {
        return Vec::new();
    };
    let pod = ctx.pod();
    if minor < 22 || (minor >= 25 && super::is_windows(pod)) {
        return Vec::new();
    }
    let mut findings = Vec::new();
    for c in pod.containers() {
        let caps = super::set(c.security_context(&["capabilities"]));
        let drop = caps.map_or(&[][..], |v| kit::json::get_array(v, &["drop"]));
        if !drop.iter().any(|d| d.as_str() == Some("ALL")) {
            findings.push(Finding::container(
                &c,
                "securityContext.capabilities.drop",
                "capabilities.drop does not include ALL",
            ));
        }
        let add = caps.map_or(&[][..], |v| kit::json::get_array(v, &["add"]));
        for (i, cap) in add.iter().enumerate() {
            if cap.as_str() == Some("NET_BIND_SERVICE") {
                continue;
            }
            findings.push(Finding::container(
                &c,
                &kit::text!("securityContext.capabilities.add[{i}]"),
                kit::text!(
                    "adds capability {}; only NET_BIND_SERVICE may be added",
                    shown(Some(cap))
                ),
            ));
        }
    }
    findings
}
