//! Binding subject hygiene on RoleBinding and ClusterRoleBinding: who may hold
//! cluster-admin, no grants to anonymous or all-authenticated identities,
//! optionally groups only, never the `default` service account, and
//! cross-namespace service accounts only when allow-listed.

use super::subjects::{Subject, role_ref, subjects};
use crate::controls::common::allowed;
use kit::{Control, Criteria, Ctx, Finding, KindSet, Param, ParamKind, Severity};

const KINDS: KindSet = KindSet::Only(&["RoleBinding", "ClusterRoleBinding"]);

/// Granting access (CC6.2: authorised before it is given; CC6.3: least
/// privilege), access rights and privileged access (A.5.18, A.8.2).
const SOC2: &[&str] = &["CC6.1", "CC6.2", "CC6.3"];
const ISO: &[&str] = &["A.5.15", "A.5.18", "A.8.2"];

pub static CLUSTER_ADMIN: Control = Control {
    id: "rbac-restrict-cluster-admin",
    title: "cluster-admin is bound only to allow-listed subjects",
    rationale: "cluster-admin can do anything to every object, Secrets and RBAC included; each binding to it must be one the organisation decided on, not one somebody added.",
    remediation: "bind a narrower role, or add the subject to allowedSubjects after review (e.g. Group:platform-admins)",
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
            description: "ClusterRole names (globs) treated as cluster-admin",
        },
        Param {
            name: "allowedSubjects",
            kind: ParamKind::StringList,
            default: r#"["Group:system:masters", "Group:kubeadm:cluster-admins"]"#,
            description: "Subjects (User:<name>, Group:<name>, ServiceAccount:<namespace>:<name>, globs) that may be bound to those roles",
        },
    ],
    check: check_cluster_admin,
    ..Control::DEFAULTS
};

pub static ANONYMOUS: Control = Control {
    id: "rbac-no-anonymous-bindings",
    title: "Nothing is bound to anonymous, unauthenticated or all authenticated users",
    rationale: "system:anonymous and system:unauthenticated are anyone who can reach the API server; system:authenticated is every identity of every configured authenticator, service accounts included. A grant to them is a grant to the world.",
    remediation: "bind the role to the groups that need it instead of system:anonymous, system:unauthenticated or system:authenticated",
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
        description: "ClusterRoles (globs) that may be bound to these identities; the defaults are the API server's own discovery bindings",
    }],
    check: check_anonymous,
    ..Control::DEFAULTS
};

pub static GROUPS_ONLY: Control = Control {
    id: "rbac-groups-only",
    title: "Bindings name groups, not individual users",
    rationale: "Access granted through identity-provider groups is reviewed and revoked where people join and leave; a binding to one user outlives that user's role and escapes the access review.",
    remediation: "bind a group of your identity provider instead of the User subject, or allow-list the user (allowedUsers)",
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
        description: "User names (globs) that may be bound directly; the default covers the control-plane components",
    }],
    check: check_groups_only,
    ..Control::DEFAULTS
};

pub static DEFAULT_SERVICE_ACCOUNT: Control = Control {
    id: "rbac-no-default-service-account-binding",
    title: "The default service account is never bound to a role",
    rationale: "Every pod that names no service account runs as `default`: a role bound to it is granted to every such pod of the namespace, present and future.",
    remediation: "create a dedicated ServiceAccount for the workload, bind the role to it and set serviceAccountName",
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

pub static CROSS_NAMESPACE: Control = Control {
    id: "rbac-no-cross-namespace-service-accounts",
    title: "RoleBindings name service accounts of other namespaces only when allow-listed",
    rationale: "A RoleBinding to another namespace's service account lets whoever controls that namespace act in this one: it crosses the tenancy boundary namespaces are meant to draw.",
    remediation: "run the workload in this namespace, or allow-list the service account (allowedSubjects: [ServiceAccount:<namespace>:<name>])",
    severity: Severity::Medium,
    tags: &["rbac", "service-accounts"],
    criteria: Criteria {
        soc2: SOC2,
        iso27001: &["A.5.15", "A.5.18", "A.8.3"],
        pss: &[],
        cis: &[],
    },
    kinds: KindSet::Only(&["RoleBinding"]),
    params: &[Param {
        name: "allowedSubjects",
        kind: ParamKind::StringList,
        default: "[]",
        description: "Service accounts of other namespaces that may be bound (ServiceAccount:<namespace>:<name>, globs), e.g. ServiceAccount:monitoring:prometheus",
    }],
    check: check_cross_namespace,
    ..Control::DEFAULTS
};

fn finding(s: &Subject, message: String) -> Finding {
    Finding::new(s.path(), message)
}

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
                format!(
                    "{} is bound to ClusterRole \"{name}\" and is not in allowedSubjects",
                    s.describe()
                ),
            )
        })
        .collect()
}

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
                format!(
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
                format!(
                    "{} is an individual user; bind a group instead",
                    s.describe()
                ),
            )
        })
        .collect()
}

fn check_default_service_account(ctx: &Ctx) -> Vec<Finding> {
    subjects(ctx.object())
        .filter(|s| s.kind == "ServiceAccount" && s.name == "default")
        .map(|s| {
            finding(
                &s,
                format!(
                    "{} is the namespace's default service account, used by every pod that names none",
                    s.describe()
                ),
            )
        })
        .collect()
}

fn check_cross_namespace(ctx: &Ctx) -> Vec<Finding> {
    let binding_ns = ctx.request.namespace();
    let mut ok: Option<Vec<String>> = None;
    subjects(ctx.object())
        .filter(|s| s.kind == "ServiceAccount" && s.namespace != binding_ns)
        .filter(|s| !s.allowed(ok.get_or_insert_with(|| ctx.params.strings("allowedSubjects"))))
        .map(|s| {
            finding(
                &s,
                format!(
                    "{} belongs to namespace \"{}\", not to the binding's namespace \"{binding_ns}\"",
                    s.describe(),
                    s.namespace
                ),
            )
        })
        .collect()
}
