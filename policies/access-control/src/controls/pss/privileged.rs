//! PSS baseline "Privileged Containers" (PSA check `privileged`, all versions).

use super::enabled;
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "pss-privileged",
    title: kit::cold!("Privileged containers are disallowed"),
    rationale: kit::cold!(
        "A privileged container has every capability and access to all host devices; it can take over the node and every workload on it."
    ),
    remediation: kit::cold!("remove securityContext.privileged or set it to false"),
    severity: Severity::Critical,
    tags: super::BASELINE,
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: super::ISO,
        pss: &["Privileged Containers"],
        cis: &["5.2.2"],
    },
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    // One version of this check for every PSS version.
    if super::evaluated(ctx).is_none() {
        return Vec::new();
    }
    ctx.pod()
        .containers()
        .filter(|c| enabled(c.security_context(&["privileged"])))
        .map(|c| {
            Finding::container(
                &c,
                "securityContext.privileged",
                "privileged is true: the container runs with all capabilities and host devices",
            )
        })
        .collect()
}
