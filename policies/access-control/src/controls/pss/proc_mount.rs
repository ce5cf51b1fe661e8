//! PSS baseline "/proc Mount Type" (PSA check `procMount`): containers keep the
//! default masked /proc. From v1.35 a pod in its own user namespace
//! (`hostUsers: false`) may use any procMount; `pss-proc-mount-restricted`
//! keeps the unconditional rule for the restricted level.

use super::{set, shown};
use kit::{Control, Criteria, Ctx, Finding, PodTemplate, Severity};

pub static CONTROL: Control = Control {
    id: "pss-proc-mount",
    title: kit::cold!("Containers keep the default masked /proc"),
    rationale: kit::cold!(
        "An Unmasked /proc exposes kernel interfaces the runtime normally hides (sysrq-trigger, kcore, ...), from which a container can disrupt or escape to the node."
    ),
    remediation: kit::cold!(
        "remove securityContext.procMount or set it to Default (from PSS v1.35 a pod with hostUsers: false may unmask /proc at the baseline level)"
    ),
    severity: Severity::High,
    tags: super::BASELINE,
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: super::ISO,
        pss: &["/proc Mount Type"],
        cis: &[],
    },
    check,
    ..Control::DEFAULTS
};

const FIELD: &str = "securityContext.procMount";

fn check(ctx: &Ctx) -> Vec<Finding> {
    let pod = ctx.pod();
    let Some(minor) = super::evaluated(ctx) else {
        return Vec::new();
    };
    if minor >= 35 && super::in_user_namespace(pod) {
        return Vec::new();
    }
    unmasked(pod)
}

/// PSA `procMount_1_0`: every container whose procMount is set to anything
/// but `Default`.
pub(crate) fn unmasked(pod: &PodTemplate) -> Vec<Finding> {
    pod.containers()
        .filter_map(|c| {
            let v = set(c.security_context(&["procMount"]))?;
            (v.as_str() != Some("Default")).then(|| {
                Finding::container(
                    &c,
                    FIELD,
                    kit::text!("procMount is {}, not Default", shown(Some(v))),
                )
            })
        })
        .collect()
}
