//! PSS baseline "SELinux" (PSA check `seLinuxOptions`): the SELinux type is
//! limited to the container types (`container_engine_t` allowed from v1.31),
//! and user and role must not be set.

use super::{set, shown, text};
use kit::Value;
use kit::{Container, Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "pss-se-linux-options",
    title: kit::cold!("SELinux options stay within the container types"),
    rationale: kit::cold!(
        "A custom SELinux type, user or role (spc_t, unconfined_t, ...) can lift the SELinux confinement that keeps a container away from host files and processes."
    ),
    remediation: kit::cold!(
        "remove seLinuxOptions.user and seLinuxOptions.role, and set seLinuxOptions.type only to container_t, container_init_t, container_kvm_t or container_engine_t (or leave it unset)"
    ),
    severity: Severity::High,
    tags: super::BASELINE,
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: super::ISO,
        pss: &["SELinux"],
        cis: &[],
    },
    check,
    ..Control::DEFAULTS
};

/// PSA `selinuxAllowedTypes1_0`; v1.31 adds `container_engine_t`.
const TYPES_1_0: &[&str] = &["", "container_t", "container_init_t", "container_kvm_t"];
const TYPES_1_31: &[&str] = &[
    "",
    "container_t",
    "container_init_t",
    "container_kvm_t",
    "container_engine_t",
];

/// The problems of one `seLinuxOptions` object: (field, message).
fn problems(opts: &Value, allowed: &[&str]) -> impl Iterator<Item = (&'static str, String)> {
    let ty = opts.get("type");
    let bad_type = !text(ty).is_some_and(|t| allowed.contains(&t));
    let user = opts.get("user");
    let role = opts.get("role");
    [
        bad_type.then(|| {
            (
                "type",
                kit::text!("SELinux type {} is not allowed", shown(ty)),
            )
        }),
        (text(user) != Some(""))
            .then(|| ("user", kit::text!("SELinux user {} is set", shown(user)))),
        (text(role) != Some(""))
            .then(|| ("role", kit::text!("SELinux role {} is set", shown(role)))),
    ]
    .into_iter()
    .flatten()
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let Some(minor) = super::evaluated(ctx) else {
        return Vec::new();
    };
    let allowed = if minor >= 31 { TYPES_1_31 } else { TYPES_1_0 };
    let pod = ctx.pod();
    let mut findings = Vec::new();
    if let Some(opts) = set(pod.get(&["securityContext", "seLinuxOptions"])) {
        for (field, message) in problems(opts, allowed) {
            let path = pod.field_path(&kit::text!("securityContext.seLinuxOptions.{field}"));
            findings.push(Finding::new(path, message));
        }
    }
    for c in pod.containers() {
        container(&c, allowed, &mut findings);
    }
    findings
}

fn container(c: &Container, allowed: &[&str], findings: &mut Vec<Finding>) {
    let Some(opts) = set(c.security_context(&["seLinuxOptions"])) else {
        return;
    };
    for (field, message) in problems(opts, allowed) {
        let path = kit::text!("securityContext.seLinuxOptions.{field}");
        findings.push(Finding::container(c, &path, message));
    }
}
