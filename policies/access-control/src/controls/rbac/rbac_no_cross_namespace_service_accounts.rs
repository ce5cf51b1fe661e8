//! Control `rbac-no-cross-namespace-service-accounts`.
//! Shared helpers: [`super::bindings`].

use super::bindings::*;
use super::subjects::subjects;
use kit::{Control, Criteria, Ctx, Finding, KindSet, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "rbac-no-cross-namespace-service-accounts",
    title: kit::cold!(
        "RoleBindings name service accounts of other namespaces only when allow-listed"
    ),
    rationale: kit::cold!(
        "A RoleBinding to another namespace's service account lets whoever controls that namespace act in this one: it crosses the tenancy boundary namespaces are meant to draw."
    ),
    remediation: kit::cold!(
        "run the workload in this namespace, or allow-list the service account (allowedSubjects: [ServiceAccount:<namespace>:<name>])"
    ),
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
        description: kit::cold!(
            "Service accounts of other namespaces that may be bound (ServiceAccount:<namespace>:<name>, globs), e.g. ServiceAccount:monitoring:prometheus"
        ),
    }],
    check: check_cross_namespace,
    ..Control::DEFAULTS
};

fn check_cross_namespace(ctx: &Ctx) -> Vec<Finding> {
    let binding_ns = ctx.request.namespace();
    let mut ok: Option<Vec<String>> = None;
    subjects(ctx.object())
        .filter(|s| s.kind == "ServiceAccount" && s.namespace != binding_ns)
        .filter(|s| !s.allowed(ok.get_or_insert_with(|| ctx.params.strings("allowedSubjects"))))
        .map(|s| {
            finding(
                &s,
                kit::text!(
                    "{} belongs to namespace \"{}\", not to the binding's namespace \"{binding_ns}\"",
                    s.describe(),
                    s.namespace
                ),
            )
        })
        .collect()
}
