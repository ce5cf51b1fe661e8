//! Control `workloads-not-in-default-namespace`.
//! Shared helpers: [`super::namespaces`].

use crate::controls::common::allowed;
use kit::{Control, Criteria, Ctx, Finding, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "workloads-not-in-default-namespace",
    title: kit::cold!("Workloads are not deployed in the default namespace"),
    rationale: kit::cold!(
        "The default namespace is where everything lands that nobody placed: it has no owner, no tailored RBAC, quotas or network policies, so workloads there share one undifferentiated trust zone."
    ),
    remediation: kit::cold!(
        "deploy the workload in a namespace of its own team or application (metadata.namespace)"
    ),
    severity: Severity::Low,
    tags: &["default", "namespaces"],
    criteria: Criteria {
        soc2: &["CC6.1"],
        iso27001: &["A.5.15", "A.8.3"],
        pss: &[],
        cis: &["5.7.1", "5.7.4"],
    },
    params: &[Param {
        name: "forbiddenNamespaces",
        kind: ParamKind::StringList,
        default: r#"["default"]"#,
        description: kit::cold!("Namespaces (globs) where no workload may run"),
    }],
    check: check_workload_namespace,
    ..Control::DEFAULTS
};

fn check_workload_namespace(ctx: &Ctx) -> Vec<Finding> {
    let ns = ctx.request.namespace();
    // An object without a namespace (a manifest outside the cluster) lands in
    // the client's current namespace; that is not known here.
    if ns.is_empty() || !allowed(&ctx.params.strings("forbiddenNamespaces"), ns) {
        return Vec::new();
    }
    vec![Finding::new(
        "metadata.namespace",
        kit::text!("namespace \"{ns}\" is not allowed for workloads"),
    )]
}
