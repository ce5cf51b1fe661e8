//! Control `rbac-no-default-service-account-binding`.
//! Shared helpers: [`super::bindings`].

use super::bindings::*;
use super::subjects::subjects;
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "rbac-no-default-service-account-binding",
    title: kit::cold!("The default service account is never bound to a role"),
    rationale: kit::cold!(
        "Every pod that names no service account runs as `default`: a role bound to it is granted to every such pod of the namespace, present and future."
    ),
    remediation: kit::cold!(
        "create a dedicated ServiceAccount for the workload, bind the role to it and set serviceAccountName"
    ),
    severity: Severity::Medium,
    tags: &["default", "rbac", "service-accounts"],
    criteria: Criteria {
        soc2: SOC2,
        iso27001: ISO,
        pss: &[],
        cis: &["5.1.5"],
    },
    kinds: KINDS,
    check: check_default_service_account,
    ..Control::DEFAULTS
};

fn check_default_service_account(ctx: &Ctx) -> Vec<Finding> {
    subjects(ctx.object())
        .filter(|s| s.kind == "ServiceAccount" && s.name == "default")
        .map(|s| {
            finding(
                &s,
                kit::text!(
                    "{} is the namespace's default service account, used by every pod that names none",
                    s.describe()
                ),
            )
        })
        .collect()
}
