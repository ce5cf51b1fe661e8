//! PSS baseline "Capabilities" (PSA check `capabilities_baseline`, all versions):
//! containers may only add capabilities of the container runtime's default set.

use kit::Value;
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "pss-capabilities-baseline",
    title: kit::cold!("Containers add no capabilities beyond the default set"),
    rationale: kit::cold!(
        "Capabilities outside the runtime's default set (SYS_ADMIN, NET_ADMIN, NET_RAW, SYS_PTRACE, ...) grant parts of root's power over the node: mounting filesystems, reconfiguring or spoofing the network, tracing other processes."
    ),
    remediation: kit::cold!(
        "remove from securityContext.capabilities.add every capability other than AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID and SYS_CHROOT"
    ),
    severity: Severity::High,
    tags: super::BASELINE,
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: super::ISO,
        pss: &["Capabilities"],
        cis: &["5.2.8", "5.2.9"],
    },
    check,
    ..Control::DEFAULTS
};

/// The runtime's default capability set (PSA `capabilities_allowed_1_0`).
const ALLOWED: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

fn check(ctx: &Ctx) -> Vec<Finding> {
    // One version of this check for every PSS version.
    if super::evaluated(ctx).is_none() {
        return Vec::new();
    }
    let mut findings = Vec::new();
    for c in ctx.pod().containers() {
        let Some(Value::Array(add)) = c.security_context(&["capabilities", "add"]) else {
            continue;
        };
        for (i, cap) in add.iter().enumerate() {
            if cap.as_str().is_some_and(|s| ALLOWED.contains(&s)) {
                continue;
            }
            findings.push(Finding::container(
                &c,
                &kit::text!("securityContext.capabilities.add[{i}]"),
                kit::text!(
                    "adds capability {}, which is not in the default set",
                    super::shown(Some(cap))
                ),
            ));
        }
    }
    findings
}
