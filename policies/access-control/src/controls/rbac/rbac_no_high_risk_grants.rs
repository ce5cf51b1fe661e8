//! Control `rbac-no-high-risk-grants`.
//! Shared helpers: [`super::roles`].

use super::risk::{Risk, Risks, validate_ignored};
use super::roles::*;
use kit::control::Params;
use kit::{Control, Criteria, Ctx, Finding, Param, ParamKind, Severity};

const IGNORE_GRANTS: Param = Param {
    name: "ignoreGrants",
    kind: ParamKind::StringList,
    default: "[]",
    description: kit::cold!(
        "Grants not to refuse: create-pods, nodes-proxy, csr-approval, admission-configuration, serviceaccount-token, create-persistentvolumes"
    ),
};

pub static CONTROL: Control = Control {
    id: "rbac-no-high-risk-grants",
    title: kit::cold!("Roles do not grant other high-risk permissions"),
    rationale: kit::cold!(
        "Creating pods, the kubelet proxy, approving certificate requests, editing admission configuration, minting service-account tokens and creating persistent volumes each let a subject step around RBAC or admission control."
    ),
    remediation: kit::cold!(
        "remove the grant, or give it to a dedicated role that is allow-listed (allowedRoles) or accepted explicitly (ignoreGrants)"
    ),
    severity: Severity::High,
    tags: &["rbac"],
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: super::ISO,
        pss: &[],
        cis: &["5.1.4", "5.1.9", "5.1.10", "5.1.11", "5.1.12", "5.1.13"],
    },
    kinds: KINDS,
    params: &[ALLOWED_ROLES, IGNORE_GRANTS],
    validate_params: Some(validate_high_risk),
    check: check_high_risk,
    ..Control::DEFAULTS
};

const HIGH_RISK_SET: &[Risk] = &[
    Risk::CreatePods,
    Risk::NodesProxy,
    Risk::CsrApproval,
    Risk::AdmissionConfiguration,
    Risk::ServiceAccountToken,
    Risk::CreatePersistentVolumes,
];

fn validate_high_risk(p: &Params) -> Result<(), String> {
    let ignored = p.strings("ignoreGrants");
    validate_ignored(&ignored)?;
    if let Some(other) = ignored
        .iter()
        .filter_map(|n| Risk::parse(n))
        .find(|r| !HIGH_RISK_SET.contains(r))
    {
        return Err(kit::text!(
            "ignoreGrants: \"{}\" is checked by another control; skip that control instead",
            other.name()
        ));
    }
    Ok(())
}

fn check_high_risk(ctx: &Ctx) -> Vec<Finding> {
    let ignored = ctx.params.strings("ignoreGrants");
    let wanted: Vec<Risk> = HIGH_RISK_SET
        .iter()
        .copied()
        .filter(|r| !ignored.iter().any(|i| i == r.name()))
        .collect();
    lint(ctx, Risks::of(&wanted))
}
