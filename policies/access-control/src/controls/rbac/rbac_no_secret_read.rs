//! Control `rbac-no-secret-read`.
//! Shared helpers: [`super::roles`].

use super::risk::{Risk, Risks};
use super::roles::*;
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "rbac-no-secret-read",
    title: kit::cold!("Roles do not grant read access to Secrets"),
    rationale: kit::cold!(
        "get, list or watch on Secrets reveals every credential of the namespace (or the cluster), service-account tokens included; list and watch return the values too."
    ),
    remediation: kit::cold!(
        "drop get/list/watch on secrets, or limit the rule to the Secrets the workload needs with resourceNames"
    ),
    severity: Severity::High,
    tags: &["default", "rbac"],
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: &["A.5.15", "A.5.18", "A.8.2", "A.8.3"],
        pss: &[],
        cis: &["5.1.2"],
    },
    kinds: KINDS,
    params: &[ALLOWED_ROLES],
    check: check_secrets,
    ..Control::DEFAULTS
};

fn check_secrets(ctx: &Ctx) -> Vec<Finding> {
    lint(ctx, Risks::of(&[Risk::SecretsRead]))
}
