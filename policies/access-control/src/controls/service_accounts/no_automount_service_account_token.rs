//! Control `no-automount-service-account-token`.
//!
//! `automountServiceAccountToken: false`, on workloads and on ServiceAccount
//! objects (CIS 5.1.6; Kyverno `restrict-automount-sa-token`,
//! `restrict-sa-automount-sa-token`; Gatekeeper
//! `K8sPSPAutomountServiceAccountTokenPod`), each with an allow-list of the
//! service accounts that do call the API.

use crate::controls::common::{service_account_allowed, service_account_of};
use kit::{Control, Criteria, Ctx, Finding, Flag, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "no-automount-service-account-token",
    title: kit::cold!("Workloads do not mount a service-account token unless they need one"),
    rationale: kit::cold!(
        "Most applications never call the Kubernetes API, yet by default every container gets a token of its service account: whoever breaks into the container inherits its API permissions."
    ),
    remediation: kit::cold!(
        "set spec.automountServiceAccountToken: false in the pod template; for workloads that call the API, allow-list their service account (allowedServiceAccounts) or mount a projected token explicitly"
    ),
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
        description: kit::cold!(
            "Service accounts whose pods may mount a token: <namespace>:<name> or <name> (any namespace), globs"
        ),
    }],
    check: check_workload,
    ..Control::DEFAULTS
};

fn check_workload(ctx: &Ctx) -> Vec<Finding> {
    let pod = ctx.pod();
    let message = match Flag::of(pod.get(&["automountServiceAccountToken"])) {
        Flag::False => return Vec::new(),
        Flag::True => "automountServiceAccountToken is true",
        Flag::Absent => {
            "automountServiceAccountToken is not set, so the token is mounted unless the ServiceAccount disables it"
        }
        Flag::Malformed => "automountServiceAccountToken must be a boolean",
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
        kit::text!("{message} (service account \"{sa}\")"),
    )]
}
