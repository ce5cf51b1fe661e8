//! Control `service-account-no-automount`.
//!
//! `automountServiceAccountToken: false`, on workloads and on ServiceAccount
//! objects (CIS 5.1.6; Kyverno `restrict-automount-sa-token`,
//! `restrict-sa-automount-sa-token`; Gatekeeper
//! `K8sPSPAutomountServiceAccountTokenPod`), each with an allow-list of the
//! service accounts that do call the API.

use crate::controls::common::service_account_allowed;
use kit::{Control, Criteria, Ctx, Finding, Flag, KindSet, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "service-account-no-automount",
    title: kit::cold!("ServiceAccounts disable token automounting"),
    rationale: kit::cold!(
        "automountServiceAccountToken: false on the ServiceAccount makes not mounting the token the default for every pod that uses it, including pods created later by tools that do not set the pod-level field."
    ),
    remediation: kit::cold!(
        "set automountServiceAccountToken: false on the ServiceAccount; pods that need a token set it to true themselves (or allow-list the account)"
    ),
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
        description: kit::cold!(
            "Service accounts exempt: <namespace>:<name> or <name> (any namespace), globs; the defaults keep the controller-created accounts admissible"
        ),
    }],
    check: check_service_account,
    ..Control::DEFAULTS
};

fn check_service_account(ctx: &Ctx) -> Vec<Finding> {
    let sa = ctx.object();
    let message = match Flag::of(kit::json::get(sa, &["automountServiceAccountToken"])) {
        Flag::False => return Vec::new(),
        Flag::True => "automountServiceAccountToken is true",
        Flag::Absent => "automountServiceAccountToken is not set (tokens are mounted by default)",
        Flag::Malformed => "automountServiceAccountToken must be a boolean",
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
