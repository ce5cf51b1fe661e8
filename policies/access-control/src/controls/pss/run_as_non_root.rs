//! PSS restricted "Running as Non-root" (PSA check `runAsNonRoot`): the pod or
//! every container sets runAsNonRoot: true, and none sets it to false. From
//! v1.35 a pod in its own user namespace (`hostUsers: false`) is exempt.

use kit::Value;
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "pss-run-as-non-root",
    title: kit::cold!("Containers must run as non-root"),
    rationale: kit::cold!(
        "runAsNonRoot: true makes the kubelet refuse to start a container whose user is root, so a compromised process does not hold uid 0 next to the node's kernel."
    ),
    remediation: kit::cold!(
        "set spec.securityContext.runAsNonRoot: true (or on every container), remove runAsNonRoot: false, and run the image as a non-zero UID"
    ),
    severity: Severity::Medium,
    tags: super::RESTRICTED,
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: super::ISO,
        pss: &["Running as Non-root"],
        cis: &["5.2.7"],
    },
    check,
    ..Control::DEFAULTS
};

const FIELD: &str = "securityContext.runAsNonRoot";

fn not_true(v: &Value) -> String {
    kit::text!("runAsNonRoot is {}, not true", super::shown(Some(v)))
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let pod = ctx.pod();
    let Some(minor) = super::evaluated(ctx) else {
        return Vec::new();
    };
    if minor >= 35 && super::in_user_namespace(pod) {
        return Vec::new();
    }
    let mut findings = Vec::new();
    let pod_value = super::set(pod.get(&["securityContext", "runAsNonRoot"]));
    let pod_non_root = kit::Flag::of(pod_value).is_true();
    if let Some(v) = pod_value
        && !pod_non_root
    {
        findings.push(Finding::new(pod.field_path(FIELD), not_true(v)));
    }
    for c in pod.containers() {
        match super::set(c.security_context(&["runAsNonRoot"])) {
            v if kit::Flag::of(v).is_true() => {}
            Some(v) => findings.push(Finding::container(&c, FIELD, not_true(v))),
            // Unset: inherits the pod's setting, which must then be true.
            None if pod_non_root => {}
            None => findings.push(Finding::container(
                &c,
                FIELD,
                "runAsNonRoot is set neither here nor to true for the pod",
            )),
        }
    }
    findings
}
