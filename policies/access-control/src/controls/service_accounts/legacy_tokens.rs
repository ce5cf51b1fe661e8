//! Legacy service-account token Secrets (Kyverno
//! `deny-secret-service-account-token-type`).
//!
//! Only CREATE is checked: the token controller fills existing token Secrets
//! and the legacy-token cleaner labels them with UPDATEs, which must go
//! through for the cluster to phase them out.

use crate::controls::common::service_account_allowed;
use kit::{Control, Criteria, Ctx, Finding, KindSet, Operation, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "no-legacy-service-account-token-secrets",
    title: kit::cold!("No long-lived service-account token Secrets are created"),
    rationale: kit::cold!(
        "A kubernetes.io/service-account-token Secret holds a token that never expires and is not bound to a pod: once copied, it works until someone finds and deletes the Secret."
    ),
    remediation: kit::cold!(
        "request short-lived tokens with the TokenRequest API (kubectl create token, projected serviceAccountToken volumes) instead of a service-account-token Secret"
    ),
    severity: Severity::High,
    tags: &["default", "service-accounts"],
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: super::ISO_TOKENS,
        pss: &[],
        cis: &[],
    },
    kinds: KindSet::Only(&["Secret"]),
    operations: &[Operation::Create],
    params: &[Param {
        name: "allowedSecrets",
        kind: ParamKind::StringList,
        default: "[]",
        description: kit::cold!(
            "Token Secrets that may be created: <namespace>:<name> or <name> (any namespace), globs"
        ),
    }],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let secret = ctx.object();
    if kit::json::get_str(secret, &["type"]) != Some("kubernetes.io/service-account-token") {
        return Vec::new();
    }
    let name = kit::json::get_str(secret, &["metadata", "name"]).unwrap_or("");
    if service_account_allowed(
        &ctx.params.strings("allowedSecrets"),
        ctx.request.namespace(),
        name,
    ) {
        return Vec::new();
    }
    let account = kit::json::get_str(
        secret,
        &[
            "metadata",
            "annotations",
            "kubernetes.io/service-account.name",
        ],
    )
    .unwrap_or("?");
    vec![Finding::new(
        "type",
        kit::text!(
            "type kubernetes.io/service-account-token creates a non-expiring token for service account \"{account}\""
        ),
    )]
}
