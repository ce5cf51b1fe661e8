//! Role and ClusterRole lint: wildcards and high-risk grants (CIS 5.1.2-5.1.4,
//! 5.1.8-5.1.13; Kyverno `restrict-wildcard-*`, `restrict-secret-role-verbs`,
//! `restrict-escalation-verbs-roles`, `restrict-clusterrole-*`; Polaris
//! `*PodExecAttach`), each with an allow-list of role names.
//!
//! A ClusterRole with an `aggregationRule` is skipped: its rules are written
//! by the API server's aggregation controller (which would be refused forever),
//! and they are the union of the aggregated ClusterRoles, each linted on its
//! own. What an aggregated role ends up granting is checked when it is bound
//! (`rbac-binding-effective-permissions`).

use super::risk::{Risk, Risks, rule_risks, validate_ignored};
use crate::controls::common::allowed;
use kit::control::Params;
use kit::{Control, Criteria, Ctx, Finding, KindSet, Param, ParamKind, Severity};
use serde_json::Value;

const KINDS: KindSet = KindSet::Only(&["Role", "ClusterRole"]);

/// The bootstrap roles the API server itself creates and reconciles (and the
/// aggregation controller rewrites): refusing them would break the cluster.
const ALLOWED_ROLES: Param = Param {
    name: "allowedRoles",
    kind: ParamKind::StringList,
    default: r#"["system:*", "cluster-admin", "admin", "edit", "view"]"#,
    description: "Role and ClusterRole names (globs) exempt from this control; the defaults are the roles the API server bootstraps. Names are not reserved, so binding them is still checked by rbac-binding-effective-permissions",
};

const IGNORE_GRANTS: Param = Param {
    name: "ignoreGrants",
    kind: ParamKind::StringList,
    default: "[]",
    description: "Grants not to refuse: create-pods, nodes-proxy, csr-approval, admission-configuration, serviceaccount-token, create-persistentvolumes",
};

pub static WILDCARDS: Control = Control {
    id: "rbac-no-wildcards",
    title: "Roles do not use wildcards",
    rationale: "A `*` in verbs, resources or apiGroups grants every permission that exists now and every one added later by a CRD or an upgrade, including escalate, impersonate and Secrets: nobody can review what the role really allows.",
    remediation: "list the API groups, resources and verbs the role needs explicitly instead of `*`",
    severity: Severity::High,
    tags: &["default", "rbac"],
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: super::ISO,
        pss: &[],
        cis: &["5.1.3"],
    },
    kinds: KINDS,
    params: &[ALLOWED_ROLES],
    check: check_wildcards,
    ..Control::DEFAULTS
};

pub static SECRETS: Control = Control {
    id: "rbac-no-secret-read",
    title: "Roles do not grant read access to Secrets",
    rationale: "get, list or watch on Secrets reveals every credential of the namespace (or the cluster), service-account tokens included; list and watch return the values too.",
    remediation: "drop get/list/watch on secrets, or limit the rule to the Secrets the workload needs with resourceNames",
    severity: Severity::High,
    tags: &["default", "rbac"],
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: &["A.5.15", "A.5.18", "A.8.2", "A.8.3"],
        pss: &[],
        cis: &["5.1.2"],
    },
    kinds: KINDS,
    params: &[ALLOWED_ROLES],
    check: check_secrets,
    ..Control::DEFAULTS
};

pub static ESCALATION: Control = Control {
    id: "rbac-no-escalation-verbs",
    title: "Roles do not grant escalate, bind or impersonate",
    rationale: "escalate and bind let a subject create roles and bindings beyond its own permissions, impersonate lets it act as any user, group or service account: each leads to cluster-admin.",
    remediation: "remove the escalate, bind and impersonate verbs (and `*` verbs on roles, clusterroles, users, groups and serviceaccounts)",
    severity: Severity::Critical,
    tags: &["default", "rbac"],
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: super::ISO,
        pss: &[],
        cis: &["5.1.8"],
    },
    kinds: KINDS,
    params: &[ALLOWED_ROLES],
    check: check_escalation,
    ..Control::DEFAULTS
};

pub static POD_EXEC: Control = Control {
    id: "rbac-no-pod-exec",
    title: "Roles do not grant exec, attach or port-forward into pods",
    rationale: "pods/exec, pods/attach and pods/portforward give an interactive shell or a network tunnel into running workloads, with their service-account token and data: standing access that should be break-glass only.",
    remediation: "remove pods/exec, pods/attach and pods/portforward (create and get) from the role; grant them just in time and use the runtime-access-break-glass control",
    severity: Severity::High,
    tags: &["default", "rbac"],
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: super::ISO,
        pss: &[],
        cis: &[],
    },
    kinds: KINDS,
    params: &[ALLOWED_ROLES],
    check: check_pod_exec,
    ..Control::DEFAULTS
};

pub static HIGH_RISK: Control = Control {
    id: "rbac-no-high-risk-grants",
    title: "Roles do not grant other high-risk permissions",
    rationale: "Creating pods, the kubelet proxy, approving certificate requests, editing admission configuration, minting service-account tokens and creating persistent volumes each let a subject step around RBAC or admission control.",
    remediation: "remove the grant, or give it to a dedicated role that is allow-listed (allowedRoles) or accepted explicitly (ignoreGrants)",
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
        return Err(format!(
            "ignoreGrants: \"{}\" is checked by another control; skip that control instead",
            other.name()
        ));
    }
    Ok(())
}

/// The rules to lint, or `None` when the role is out of scope (allow-listed,
/// or an aggregated ClusterRole whose rules the controller writes).
fn rules<'a>(ctx: &Ctx<'a>) -> Option<&'a [Value]> {
    let role = ctx.object();
    let rules = kit::json::get_array(role, &["rules"]);
    if rules.is_empty() || kit::json::get(role, &["aggregationRule"]).is_some_and(|a| !a.is_null())
    {
        return None;
    }
    let name = kit::json::get_str(role, &["metadata", "name"]).unwrap_or("");
    if allowed(&ctx.params.strings("allowedRoles"), name) {
        return None;
    }
    Some(rules)
}

/// Findings for the rules granting any of `wanted`.
fn lint(ctx: &Ctx, wanted: Risks) -> Vec<Finding> {
    let Some(rules) = rules(ctx) else {
        return Vec::new();
    };
    let namespaced = ctx.request.kind == "Role";
    rules
        .iter()
        .enumerate()
        .filter_map(|(i, rule)| {
            let found = rule_risks(rule, namespaced).intersect(wanted);
            (!found.is_empty()).then(|| {
                Finding::new(
                    format!("rules[{i}]"),
                    format!("grants {}", found.describe()),
                )
            })
        })
        .collect()
}

fn check_secrets(ctx: &Ctx) -> Vec<Finding> {
    lint(ctx, Risks::of(&[Risk::SecretsRead]))
}

fn check_escalation(ctx: &Ctx) -> Vec<Finding> {
    lint(ctx, Risks::of(&[Risk::EscalateBindImpersonate]))
}

fn check_pod_exec(ctx: &Ctx) -> Vec<Finding> {
    lint(ctx, Risks::of(&[Risk::PodExec]))
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

fn check_wildcards(ctx: &Ctx) -> Vec<Finding> {
    let Some(rules) = rules(ctx) else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        for (key, what) in [
            (
                "verbs",
                "every verb, escalate, bind and impersonate included",
            ),
            (
                "apiGroups",
                "every API group, including those installed later",
            ),
            (
                "resources",
                "every resource, Secrets and subresources included",
            ),
            ("nonResourceURLs", "every non-resource URL"),
        ] {
            let wild = kit::json::get_strs(rule, &[key]).find(|v| match key {
                "resources" => *v == "*" || v.starts_with("*/"),
                "nonResourceURLs" => *v == "*" || *v == "/*",
                _ => *v == "*",
            });
            if let Some(w) = wild {
                findings.push(Finding::new(
                    format!("rules[{i}].{key}"),
                    format!("{key} contains \"{w}\" ({what})"),
                ));
            }
        }
    }
    findings
}
