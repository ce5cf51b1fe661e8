//! Control `rbac-restrict-cluster-admin`.
//! Shared helpers: [`super::bindings`].

use super::bindings::*;
use super::subjects::{role_ref, subjects};
use crate::controls::common::allowed;
use kit::{Control, Criteria, Ctx, Finding, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "rbac-restrict-cluster-admin",
    title: kit::cold!("cluster-admin is bound only to allow-listed subjects"),
    rationale: kit::cold!(
        "cluster-admin can do anything to every object, Secrets and RBAC included; each binding to it must be one the organisation decided on, not one somebody added."
    ),
    remediation: kit::cold!(
        "bind a narrower role, or add the subject to allowedSubjects after review (e.g. Group:platform-admins)"
    ),
    severity: Severity::Critical,
    tags: &["default", "rbac"],
    criteria: Criteria {
        soc2: SOC2,
        iso27001: ISO,
        pss: &[],
        cis: &["5.1.1"],
    },
    kinds: KINDS,
    params: &[
        Param {
            name: "roles",
            kind: ParamKind::StringList,
            default: r#"["cluster-admin"]"#,
            description: kit::cold!("ClusterRole names (globs) treated as cluster-admin"),
        },
        Param {
            name: "allowedSubjects",
            kind: ParamKind::StringList,
            default: r#"["Group:system:masters", "Group:kubeadm:cluster-admins"]"#,
            description: kit::cold!(
                "Subjects (User:<name>, Group:<name>, ServiceAccount:<namespace>:<name>, globs) that may be bound to those roles"
            ),
        },
    ],
    check: check_cluster_admin,
    ..Control::DEFAULTS
};

fn check_cluster_admin(ctx: &Ctx) -> Vec<Finding> {
    let (kind, name) = role_ref(ctx.object());
    if kind != "ClusterRole" || !allowed(&ctx.params.strings("roles"), name) {
        return Vec::new();
    }
    let ok = ctx.params.strings("allowedSubjects");
    subjects(ctx.object())
        .filter(|s| !s.allowed(&ok))
        .map(|s| {
            finding(
                &s,
                kit::text!(
                    "{} is bound to ClusterRole \"{name}\" and is not in allowedSubjects",
                    s.describe()
                ),
            )
        })
        .collect()
}
