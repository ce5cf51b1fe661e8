//! PSS restricted "/proc Mount Type" (PSA check `procMount_restricted`, from
//! v1.35): the restricted level keeps refusing a non-default procMount even in
//! a user namespace, where the baseline check relaxes. Before v1.35 the
//! baseline check `pss-proc-mount` is unconditional, so this one adds nothing.

use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "pss-proc-mount-restricted",
    title: kit::cold!("Containers keep the default masked /proc, even in a user namespace"),
    rationale: kit::cold!(
        "The restricted profile does not rely on user namespaces alone: an Unmasked /proc still exposes kernel interfaces the runtime normally hides."
    ),
    remediation: kit::cold!("remove securityContext.procMount or set it to Default"),
    severity: Severity::Medium,
    tags: super::RESTRICTED,
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: super::ISO,
        pss: &["/proc Mount Type"],
        cis: &[],
    },
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    if super::evaluated(ctx).is_none_or(|minor| minor < 35) {
        return Vec::new();
    }
    super::proc_mount::unmasked(ctx.pod())
}
