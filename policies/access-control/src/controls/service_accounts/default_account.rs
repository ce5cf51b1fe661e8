//! Workloads do not run as the `default` service account (CIS 5.1.5;
//! KubeLinter `default-service-account`).

use crate::controls::common::service_account_of;
use kit::Value;
use kit::{Control, Criteria, Ctx, Finding, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "no-default-service-account",
    title: kit::cold!("Workloads run as a dedicated service account, not `default`"),
    rationale: kit::cold!(
        "The default service account is shared by every pod of the namespace that names none: any permission granted to it (or to one of its users) is granted to all of them, and their API calls cannot be told apart in the audit log."
    ),
    remediation: kit::cold!(
        "create a ServiceAccount for the workload and set spec.serviceAccountName in its pod template"
    ),
    severity: Severity::Medium,
    tags: &["service-accounts"],
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: &["A.5.16", "A.5.18"],
        pss: &[],
        cis: &["5.1.5"],
    },
    params: &[Param {
        name: "allowWithoutToken",
        kind: ParamKind::Bool,
        default: "true",
        description: kit::cold!(
            "Accept the default service account when the pod mounts no token of it (automountServiceAccountToken: false and no projected serviceAccountToken): it then has no API identity to share"
        ),
    }],
    check,
    ..Control::DEFAULTS
};

/// Whether the pod carries no token of its service account at all.
fn tokenless(pod: &kit::PodTemplate) -> bool {
    kit::Flag::of(pod.get(&["automountServiceAccountToken"])).is_false()
        && !pod.volumes().any(|(_, v)| {
            kit::json::get_array(v, &["projected", "sources"])
                .iter()
                .any(|s| s.get("serviceAccountToken").is_some_and(|t| !t.is_null()))
        })
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let pod = ctx.pod();
    if service_account_of(pod) != "default" {
        return Vec::new();
    }
    if ctx.params.bool("allowWithoutToken") && tokenless(pod) {
        return Vec::new();
    }
    let message = if pod
        .get(&["serviceAccountName"])
        .and_then(Value::as_str)
        .is_some_and(|s| !s.is_empty())
    {
        "serviceAccountName is \"default\""
    } else {
        "no serviceAccountName is set, so the pod runs as the namespace's \"default\" service account"
    };
    vec![Finding::new(pod.field_path("serviceAccountName"), message)]
}
