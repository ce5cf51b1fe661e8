//! Control `rbac-no-anonymous-bindings`.
//! Shared helpers: [`super::bindings`].

use super::bindings::*;
use super::subjects::{Subject, role_ref, subjects};
use crate::controls::common::allowed;
use kit::{Control, Criteria, Ctx, Finding, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "rbac-no-anonymous-bindings",
    title: kit::cold!("Nothing is bound to anonymous, unauthenticated or all authenticated users"),
    rationale: kit::cold!(
        "system:anonymous and system:unauthenticated are anyone who can reach the API server; system:authenticated is every identity of every configured authenticator, service accounts included. A grant to them is a grant to the world."
    ),
    remediation: kit::cold!(
        "bind the role to the groups that need it instead of system:anonymous, system:unauthenticated or system:authenticated"
    ),
    severity: Severity::Critical,
    tags: &["default", "rbac"],
    criteria: Criteria {
        soc2: SOC2,
        iso27001: ISO,
        pss: &[],
        cis: &[],
    },
    kinds: KINDS,
    params: &[Param {
        name: "allowedRoles",
        kind: ParamKind::StringList,
        default: r#"["system:public-info-viewer", "system:discovery", "system:basic-user"]"#,
        description: kit::cold!(
            "ClusterRoles (globs) that may be bound to these identities; the defaults are the API server's own discovery bindings"
        ),
    }],
    check: check_anonymous,
    ..Control::DEFAULTS
};

/// The identities that stand for everybody.
fn everybody(s: &Subject) -> bool {
    matches!(
        (s.kind, s.name),
        ("User", "system:anonymous") | ("Group", "system:unauthenticated" | "system:authenticated")
    )
}

fn check_anonymous(ctx: &Ctx) -> Vec<Finding> {
    let binding = ctx.object();
    let hits: Vec<Subject> = subjects(binding).filter(everybody).collect();
    if hits.is_empty() {
        return Vec::new();
    }
    let (kind, name) = role_ref(binding);
    if kind == "ClusterRole" && allowed(&ctx.params.strings("allowedRoles"), name) {
        return Vec::new();
    }
    hits.iter()
        .map(|s| {
            finding(
                s,
                kit::text!(
                    "{kind} \"{name}\" is granted to {} ({})",
                    s.describe(),
                    if s.name == "system:authenticated" {
                        "every authenticated identity, service accounts included"
                    } else {
                        "anyone who can reach the API server"
                    }
                ),
            )
        })
        .collect()
}
