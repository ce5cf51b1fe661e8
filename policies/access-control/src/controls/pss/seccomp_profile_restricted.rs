//! PSS restricted "Seccomp" (PSA check `seccompProfile_restricted`, from
//! v1.19): the pod or every container sets seccompProfile.type to
//! RuntimeDefault or Localhost. From v1.25 Windows pods are exempt.

use super::seccomp_profile_baseline::{FIELD, bad_type, valid_profile};
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "pss-seccomp-profile-restricted",
    title: kit::cold!("Seccomp is enforced"),
    rationale: kit::cold!(
        "Without a seccomp profile a container may make every system call, the widest kernel attack surface; RuntimeDefault blocks the calls containers do not need."
    ),
    remediation: kit::cold!(
        "set spec.securityContext.seccompProfile.type: RuntimeDefault (or Localhost), or set it on every container"
    ),
    severity: Severity::Medium,
    tags: super::RESTRICTED,
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: super::ISO,
        pss: &["Seccomp"],
        cis: &["5.7.2"],
    },
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let Some(minor) = super::evaluated(ctx) else {
        return Vec::new();
    };
    let pod = ctx.pod();
    if minor < 19 || (minor >= 25 && super::is_windows(pod)) {
        return Vec::new();
    }
    let mut findings = Vec::new();
    let mut pod_set = false;
    if let Some(p) = super::set(pod.get(&["securityContext", "seccompProfile"])) {
        if valid_profile(p) {
            pod_set = true;
        } else {
            findings.push(Finding::new(pod.field_path(FIELD), bad_type(p)));
        }
    }
    for c in pod.containers() {
        match super::set(c.security_context(&["seccompProfile"])) {
            Some(p) if !valid_profile(p) => {
                findings.push(Finding::container(&c, FIELD, bad_type(p)))
            }
            Some(_) => {}
            // Unset: inherits the pod's profile, which must then be valid.
            None if pod_set => {}
            None => findings.push(Finding::container(
                &c,
                FIELD,
                "no seccomp profile is set here nor for the pod",
            )),
        }
    }
    findings
}
