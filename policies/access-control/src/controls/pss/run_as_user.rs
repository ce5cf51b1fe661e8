//! PSS restricted "Running as Non-root user" (PSA check `runAsUser`, from
//! v1.23): neither the pod nor a container sets runAsUser: 0. From v1.35 a pod
//! in its own user namespace (`hostUsers: false`) is exempt.

use kit::Value;
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "pss-run-as-user",
    title: kit::cold!("Containers do not run as UID 0"),
    rationale: kit::cold!(
        "runAsUser: 0 runs the container as root whatever its image declares, with root's power over anything the container can reach on the node."
    ),
    remediation: kit::cold!(
        "remove runAsUser: 0 from spec.securityContext and every container, or set a non-zero UID"
    ),
    severity: Severity::Medium,
    tags: super::RESTRICTED,
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: super::ISO,
        pss: &["Running as Non-root user"],
        cis: &["5.2.7"],
    },
    check,
    ..Control::DEFAULTS
};

const FIELD: &str = "securityContext.runAsUser";
const MESSAGE: &str = "runAsUser is 0 (root)";

/// `runAsUser: 0` (also written `0.0`); a value that is not an integer is
/// malformed and counts as root. Same verdict as PSA on every value the API
/// server accepts (it refuses non-integers for this int64 field).
fn is_root(v: Option<&Value>) -> bool {
    matches!(kit::Int::of(v), kit::Int::Value(0) | kit::Int::Malformed)
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let Some(minor) = super::evaluated(ctx) else {
        return Vec::new();
    };
    let pod = ctx.pod();
    if minor < 23 || (minor >= 35 && super::in_user_namespace(pod)) {
        return Vec::new();
    }
    let mut findings = Vec::new();
    if is_root(pod.get(&["securityContext", "runAsUser"])) {
        findings.push(Finding::new(pod.field_path(FIELD), MESSAGE));
    }
    findings.extend(
        pod.containers()
            .filter(|c| is_root(c.security_context(&["runAsUser"])))
            .map(|c| Finding::container(&c, FIELD, MESSAGE)),
    );
    findings
}
