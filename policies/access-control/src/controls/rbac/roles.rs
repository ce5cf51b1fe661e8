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

use super::risk::{Risks, rule_risks};
use crate::controls::common::allowed;
use kit::Value;
use kit::{Ctx, Finding, KindSet, Param, ParamKind};

pub(crate) const KINDS: KindSet = KindSet::Only(&["Role", "ClusterRole"]);

/// The bootstrap roles the API server itself creates and reconciles (and the
/// aggregation controller rewrites): refusing them would break the cluster.
pub(crate) const ALLOWED_ROLES: Param = Param {
    name: "allowedRoles",
    kind: ParamKind::StringList,
    default: r#"["system:*", "cluster-admin", "admin", "edit", "view"]"#,
    description: kit::cold!(
        "Role and ClusterRole names (globs) exempt from this control; the defaults are the roles the API server bootstraps. Names are not reserved, so binding them is still checked by rbac-binding-effective-permissions"
    ),
};

/// The rules to lint, or `None` when the role is out of scope (allow-listed,
/// or an aggregated ClusterRole whose rules the controller writes).
pub(crate) fn rules<'a>(ctx: &Ctx<'a>) -> Option<&'a [Value]> {
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
pub(crate) fn lint(ctx: &Ctx, wanted: Risks) -> Vec<Finding> {
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
                    kit::text!("rules[{i}]"),
                    kit::text!("grants {}", found.describe()),
                )
            })
        })
        .collect()
}
