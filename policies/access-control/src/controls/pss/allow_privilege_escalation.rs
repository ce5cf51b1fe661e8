//! PSS restricted "Privilege Escalation" (PSA check `allowPrivilegeEscalation`,
//! from v1.8): every container sets allowPrivilegeEscalation to false. From
//! v1.25 Windows pods (`spec.os.name: windows`) are exempt.

use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "pss-allow-privilege-escalation",
    title: kit::cold!("Containers disallow privilege escalation"),
    rationale: kit::cold!(
        "Unless allowPrivilegeEscalation is false, a process can gain more privileges than its parent (setuid binaries, file capabilities), turning a foothold in a container into root within it."
    ),
    remediation: kit::cold!(
        "set securityContext.allowPrivilegeEscalation: false on every container, init container and ephemeral container"
    ),
    severity: Severity::Medium,
    tags: super::RESTRICTED,
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: super::ISO,
        pss: &["Privilege Escalation"],
        cis: &["5.2.6"],
    },
    check,
    ..Control::DEFAULTS
};

const FIELD: &str = "securityContext.allowPrivilegeEscalation";

fn check(ctx: &Ctx) -> Vec<Finding> {
    let Some(minor) = super::evaluated(ctx) else {
        return Vec::new();
    };
    let pod = ctx.pod();
    if minor < 8 || (minor >= 25 && super::is_windows(pod)) {
        return Vec::new();
    }
    pod.containers()
        .filter_map(|c| {
            let v = c.security_context(&["allowPrivilegeEscalation"]);
            let message = match kit::Flag::of(v) {
                kit::Flag::False => return None,
                kit::Flag::Absent => {
                    "allowPrivilegeEscalation is not set, which allows escalation".to_string()
                }
                kit::Flag::True | kit::Flag::Malformed => {
                    kit::text!("allowPrivilegeEscalation is {}, not false", super::shown(v))
                }
            };
            Some(Finding::container(&c, FIELD, message))
        })
        .collect()
}
