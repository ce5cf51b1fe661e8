//! `automountServiceAccountToken: false`, on workloads and on ServiceAccount
//! objects (CIS 5.1.6; Kyverno `restrict-automount-sa-token`,
//! `restrict-sa-automount-sa-token`; Gatekeeper
//! `K8sPSPAutomountServiceAccountTokenPod`), each with an allow-list of the
//! service accounts that do call the API.

use crate::controls::common::{service_account_allowed, service_account_of};
use kit::{Control, Criteria, Ctx, Finding, KindSet, Param, ParamKind, Severity};
use serde_json::Value;

pub static WORKLOADS: Control = Control {
    id: "no-automount-service-account-token",
    title: "Workloads do not mount a service-account token unless they need one",
    rationale: "Most applications never call the Kubernetes API, yet by default every container gets a token of its service account: whoever breaks into the container inherits its API permissions.",
    remediation: "set spec.automountServiceAccountToken: false in the pod template; for workloads that call the API, allow-list their service account (allowedServiceAccounts) or mount a projected token explicitly",
    severity: Severity::Medium,
    tags: &["service-accounts"],
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: super::ISO_TOKENS,
        pss: &[],
        cis: &["5.1.6"],
    },
    params: &[Param {
        name: "allowedServiceAccounts",
        kind: ParamKind::StringList,
        default: "[]",
        description: "Service accounts whose pods may mount a token: <namespace>:<name> or <name> (any namespace), globs",
    }],
    check: check_workload,
    ..Control::DEFAULTS
};

pub static SERVICE_ACCOUNTS: Control = Control {
    id: "service-account-no-automount",
    title: "ServiceAccounts disable token automounting",
    rationale: "automountServiceAccountToken: false on the ServiceAccount makes not mounting the token the default for every pod that uses it, including pods created later by tools that do not set the pod-level field.",
    remediation: "set automountServiceAccountToken: false on the ServiceAccount; pods that need a token set it to true themselves (or allow-list the account)",
    severity: Severity::Low,
    tags: &["service-accounts"],
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: super::ISO_TOKENS,
        pss: &[],
        cis: &["5.1.6"],
    },
    kinds: KindSet::Only(&["ServiceAccount"]),
    params: &[Param {
        name: "allowedServiceAccounts",
        kind: ParamKind::StringList,
        // The `default` account of each namespace is created by the
        // controller manager without the field; refusing it would leave the
        // namespace without one and break every pod that names none.
        default: r#"["kube-system:*", "default"]"#,
        description: "Service accounts exempt: <namespace>:<name> or <name> (any namespace), globs; the defaults keep the controller-created accounts admissible",
    }],
    check: check_service_account,
    ..Control::DEFAULTS
};

fn check_workload(ctx: &Ctx) -> Vec<Finding> {
    let pod = ctx.pod();
    let message = match pod.get(&["automountServiceAccountToken"]) {
        Some(Value::Bool(false)) => return Vec::new(),
        Some(Value::Bool(true)) => "automountServiceAccountToken is true",
        None | Some(Value::Null) => {
            "automountServiceAccountToken is not set, so the token is mounted unless the ServiceAccount disables it"
        }
        Some(_) => "automountServiceAccountToken must be a boolean",
    };
    let sa = service_account_of(pod);
    if service_account_allowed(
        &ctx.params.strings("allowedServiceAccounts"),
        ctx.request.namespace(),
        sa,
    ) {
        return Vec::new();
    }
    vec![Finding::new(
        pod.field_path("automountServiceAccountToken"),
        format!("{message} (service account \"{sa}\")"),
    )]
}

fn check_service_account(ctx: &Ctx) -> Vec<Finding> {
    let sa = ctx.object();
    let message = match kit::json::get(sa, &["automountServiceAccountToken"]) {
        Some(Value::Bool(false)) => return Vec::new(),
        Some(Value::Bool(true)) => "automountServiceAccountToken is true",
        None | Some(Value::Null) => {
            "automountServiceAccountToken is not set (tokens are mounted by default)"
        }
        Some(_) => "automountServiceAccountToken must be a boolean",
    };
    let name = kit::json::get_str(sa, &["metadata", "name"]).unwrap_or("");
    if service_account_allowed(
        &ctx.params.strings("allowedServiceAccounts"),
        ctx.request.namespace(),
        name,
    ) {
        return Vec::new();
    }
    vec![Finding::new("automountServiceAccountToken", message)]
}
