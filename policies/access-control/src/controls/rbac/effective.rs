//! Context-aware: a RoleBinding or ClusterRoleBinding is admitted only after
//! the role it references has been resolved in the cluster — including the
//! ClusterRoles an `aggregationRule` pulls in — and refused when that role
//! holds a high-risk grant for a subject that is not allow-listed.
//!
//! The peers lint roles or bindings, never the pair: a harmless-looking
//! binding to an innocently named role is exactly how `secrets get` or
//! `pods/exec` reaches the wrong group.
//!
//! Lookups (`Cluster::get`/`list` of `rbac.authorization.k8s.io/v1` Role and
//! ClusterRole, listed in the module's `contextAwareResources`) happen only
//! when some subject is not allow-listed. A failed lookup, a missing role and
//! a malformed one are refusals: the binding's effect cannot be verified.

use super::risk::{RBAC_V1, Risks, rule_risks, validate_ignored};
use super::subjects::{role_ref, subjects};
use crate::controls::common::{allowed, join_list};
use kit::Value;
use kit::control::Params;
use kit::labels::Selector;
use kit::{Control, Criteria, Ctx, Finding, KindSet, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "rbac-binding-effective-permissions",
    title: kit::cold!("Bindings do not hand high-risk grants to subjects outside the allow-list"),
    rationale: kit::cold!(
        "What a binding grants is decided by the role it references, including every ClusterRole aggregated into it, and that role can be edited or aggregated into at any time; checking the pair at bind time is the only point where who and what meet."
    ),
    remediation: kit::cold!(
        "bind a role without the high-risk grants, or add the subject to allowedSubjects after review; accept a grant for everyone with ignoreGrants"
    ),
    severity: Severity::High,
    tags: &["rbac", "context-aware"],
    criteria: Criteria {
        soc2: &["CC6.1", "CC6.2", "CC6.3"],
        iso27001: &["A.5.15", "A.5.18", "A.8.2"],
        pss: &[],
        cis: &[
            "5.1.2", "5.1.4", "5.1.8", "5.1.9", "5.1.10", "5.1.11", "5.1.12", "5.1.13",
        ],
    },
    kinds: KindSet::Only(&["RoleBinding", "ClusterRoleBinding"]),
    params: &[
        Param {
            name: "allowedSubjects",
            kind: ParamKind::StringList,
            default: r#"["Group:system:masters", "Group:system:nodes", "User:system:kube-controller-manager", "User:system:kube-scheduler", "ServiceAccount:kube-system:*"]"#,
            description: kit::cold!(
                "Subjects (User:<name>, Group:<name>, ServiceAccount:<namespace>:<name>, globs) that may receive high-risk grants; the defaults are the control plane's own identities"
            ),
        },
        Param {
            name: "allowedRoles",
            kind: ParamKind::StringList,
            default: "[]",
            description: kit::cold!(
                "Roles and ClusterRoles (globs) that may be bound to anyone, whatever they grant"
            ),
        },
        Param {
            name: "ignoreGrants",
            kind: ParamKind::StringList,
            default: "[]",
            description: kit::cold!(
                "Grants not considered high-risk here: secrets-read, escalate-bind-impersonate, pod-exec-attach-portforward, create-pods, nodes-proxy, csr-approval, admission-configuration, serviceaccount-token, create-persistentvolumes"
            ),
        },
        Param {
            name: "allowMissingRole",
            kind: ParamKind::Bool,
            default: "false",
            description: kit::cold!(
                "Admit bindings whose role does not exist yet (its grants are then checked by the role controls only)"
            ),
        },
    ],
    validate_params: Some(validate),
    reads: &[
        ("rbac.authorization.k8s.io/v1", "Role"),
        ("rbac.authorization.k8s.io/v1", "ClusterRole"),
    ],
    check,
    ..Control::DEFAULTS
};

fn validate(p: &Params) -> Result<(), String> {
    validate_ignored(&p.strings("ignoreGrants"))
}

/// The roles whose rules reach the binding's subjects (the referenced role,
/// then each aggregated ClusterRole), with what each grants.
type Sources = Vec<(String, Risks)>;

/// Reads the `rules` of a role returned by the cluster.
fn role_risks(role: &Value, what: &str, namespaced: bool) -> Result<Risks, String> {
    let mut risks = Risks::default();
    match kit::json::get(role, &["rules"]) {
        None | Some(Value::Null) => {}
        Some(Value::Array(rules)) => {
            for (i, rule) in rules.iter().enumerate() {
                if !rule.is_object() {
                    return Err(kit::text!(
                        "{what} is malformed: rules[{i}] is not an object"
                    ));
                }
                risks = risks.union(rule_risks(rule, namespaced));
            }
        }
        Some(_) => return Err(kit::text!("{what} is malformed: rules is not a list")),
    }
    Ok(risks)
}

fn resolve(ctx: &Ctx, kind: &str, name: &str, namespaced: bool) -> Result<Option<Sources>, String> {
    let ns = ctx.request.namespace();
    let (lookup_ns, what) = match kind {
        "Role" => (Some(ns), kit::text!("Role \"{ns}/{name}\"")),
        "ClusterRole" => (None, kit::text!("ClusterRole \"{name}\"")),
        other => {
            return Err(kit::text!(
                "roleRef.kind \"{other}\" is neither Role nor ClusterRole"
            ));
        }
    };
    let role = match ctx.cluster.get(RBAC_V1, kind, lookup_ns, name) {
        Ok(Some(role)) => role,
        Ok(None) => return Ok(None),
        Err(e) => return Err(kit::text!("could not read {what}: {e}")),
    };
    if !role.is_object() {
        return Err(kit::text!(
            "{what} returned by the cluster is not an object"
        ));
    }
    let mut sources = vec![(what.clone(), role_risks(&role, &what, namespaced)?)];
    if kind == "ClusterRole" {
        // The aggregation controller fills `rules` eventually; resolving the
        // selectors now also catches ClusterRoles aggregated a moment ago.
        let selectors = match kit::json::get(&role, &["aggregationRule", "clusterRoleSelectors"]) {
            None | Some(Value::Null) => &[][..],
            Some(Value::Array(s)) => s.as_slice(),
            Some(_) => {
                return Err(kit::text!(
                    "{what} is malformed: aggregationRule.clusterRoleSelectors is not a list"
                ));
            }
        };
        for (i, sel) in selectors.iter().enumerate() {
            let sel = Selector::from_object(sel).map_err(|e| {
                kit::text!("{what} is malformed: aggregationRule.clusterRoleSelectors[{i}]: {e}")
            })?;
            let query = sel.to_string();
            let members = ctx
                .cluster
                .list(
                    RBAC_V1,
                    "ClusterRole",
                    None,
                    (!query.is_empty()).then_some(query.as_str()),
                )
                .map_err(|e| {
                    kit::text!("could not list the ClusterRoles aggregated into {what}: {e}")
                })?;
            for member in &members {
                let member_name = kit::json::get_str(member, &["metadata", "name"]).unwrap_or("");
                if member_name == name {
                    continue;
                }
                let member_what =
                    kit::text!("ClusterRole \"{member_name}\" (aggregated into \"{name}\")");
                let risks = role_risks(member, &member_what, namespaced)?;
                sources.push((member_what, risks));
            }
        }
    }
    Ok(Some(sources))
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let binding = ctx.object();
    let (kind, name) = role_ref(binding);
    // No lookup unless a subject is outside the allow-list.
    let allowed_subjects = ctx.params.strings("allowedSubjects");
    let outsiders: Vec<_> = subjects(binding)
        .filter(|s| !s.allowed(&allowed_subjects))
        .collect();
    if outsiders.is_empty() || allowed(&ctx.params.strings("allowedRoles"), name) {
        return Vec::new();
    }
    // Through a RoleBinding even a ClusterRole only grants namespaced resources.
    let namespaced = ctx.request.kind == "RoleBinding";
    let sources = match resolve(ctx, kind, name, namespaced) {
        Ok(Some(r)) => r,
        Ok(None) if ctx.params.bool("allowMissingRole") => return Vec::new(),
        Ok(None) => {
            return vec![Finding::new(
                "roleRef",
                kit::text!(
                    "{kind} \"{name}\" does not exist, so what this binding grants cannot be verified; create the role first"
                ),
            )];
        }
        Err(e) => {
            return vec![Finding::new(
                "roleRef",
                kit::text!("{e}; the binding is refused because what it grants cannot be verified"),
            )];
        }
    };
    let wanted = Risks::all_except(&ctx.params.strings("ignoreGrants"));
    let mut total = Risks::default();
    let mut via: Vec<&str> = Vec::new();
    for (what, risks) in &sources {
        let r = risks.intersect(wanted);
        if !r.is_empty() {
            total = total.union(r);
            via.push(what);
        }
    }
    if total.is_empty() {
        return Vec::new();
    }
    let grants = total.describe();
    let via = join_list(&via);
    outsiders
        .iter()
        .map(|s| {
            Finding::new(
                s.path(),
                kit::text!(
                    "{} is not in allowedSubjects and would receive {grants} through {via}",
                    s.describe()
                ),
            )
        })
        .collect()
}
