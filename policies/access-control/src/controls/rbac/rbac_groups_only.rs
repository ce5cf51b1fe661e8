//! Control `rbac-groups-only`.
//! Shared helpers: [`super::bindings`].

use super::bindings::*;
use super::subjects::subjects;
use crate::controls::common::allowed;
use kit::{Control, Criteria, Ctx, Finding, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "rbac-groups-only",
    title: kit::cold!("Bindings name groups, not individual users"),
    rationale: kit::cold!(
        "Access granted through identity-provider groups is reviewed and revoked where people join and leave; a binding to one user outlives that user's role and escapes the access review."
    ),
    remediation: kit::cold!(
        "bind a group of your identity provider instead of the User subject, or allow-list the user (allowedUsers)"
    ),
    severity: Severity::Medium,
    tags: &["rbac"],
    criteria: Criteria {
        soc2: &["CC6.2", "CC6.3"],
        iso27001: &["A.5.16", "A.5.18"],
        pss: &[],
        cis: &[],
    },
    kinds: KINDS,
    params: &[Param {
        name: "allowedUsers",
        kind: ParamKind::StringList,
        default: r#"["system:*"]"#,
        description: kit::cold!(
            "User names (globs) that may be bound directly; the default covers the control-plane components"
        ),
    }],
    check: check_groups_only,
    ..Control::DEFAULTS
};

fn check_groups_only(ctx: &Ctx) -> Vec<Finding> {
    let mut ok: Option<Vec<String>> = None;
    subjects(ctx.object())
        .filter(|s| s.kind == "User")
        .filter(|s| {
            !allowed(
                ok.get_or_insert_with(|| ctx.params.strings("allowedUsers")),
                s.name,
            )
        })
        .map(|s| {
            finding(
                &s,
                kit::text!(
                    "{} is an individual user; bind a group instead",
                    s.describe()
                ),
            )
        })
        .collect()
}
