//! Control `rbac-no-escalation-verbs`.
//! Shared helpers: [`super::roles`].

use super::risk::{Risk, Risks};
use super::roles::*;
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "rbac-no-escalation-verbs",
    title: kit::cold!("Roles do not grant escalate, bind or impersonate"),
    rationale: kit::cold!(
        "escalate and bind let a subject create roles and bindings beyond its own permissions, impersonate lets it act as any user, group or service account: each leads to cluster-admin."
    ),
    remediation: kit::cold!(
        "remove the escalate, bind and impersonate verbs (and `*` verbs on roles, clusterroles, users, groups and serviceaccounts)"
    ),
    severity: Severity::Critical,
    tags: &["default", "rbac"],
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: super::ISO,
        pss: &[],
        cis: &["5.1.8"],
    },
    kinds: KINDS,
    params: &[ALLOWED_ROLES],
    check: check_escalation,
    ..Control::DEFAULTS
};

fn check_escalation(ctx: &Ctx) -> Vec<Finding> {
    lint(ctx, Risks::of(&[Risk::EscalateBindImpersonate]))
}
