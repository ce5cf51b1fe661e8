//! CIS 3.2.2: the audit policy records interactive access and RBAC changes.

use super::audit_policy_sensitive_resources::{rules, validate_targets};
use crate::audit::{Level, Target, walk};
use kit::{Control, Criteria, Ctx, Finding, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "audit-policy-coverage",
    title: kit::cold!("The audit policy records exec, attach, port-forward and RBAC changes"),
    rationale: kit::cold!(
        "kubectl exec, attach and port-forward are interactive access to running workloads, and changes to Roles and bindings change who can do anything: an investigation needs both in the audit log. Audit rules are first-match, so a catch-all `level: None` (or one for pods, or for the rbac group) placed before the rules that log them silently drops these events."
    ),
    remediation: kit::cold!(
        "add rules logging pods/exec, pods/attach, pods/portforward and the rbac.authorization.k8s.io resources at Metadata or above, before any rule that matches them at level None for every user"
    ),
    severity: Severity::Medium,
    tags: &[
        "cluster-hardening",
        "audit-policy",
        "audit-logging",
        "scan-only",
    ],
    criteria: Criteria {
        soc2: &["CC7.2"],
        iso27001: &["A.8.15"],
        pss: &[],
        cis: &["3.2.2"],
    },
    kinds: super::AUDIT_POLICY,
    params: &[Param {
        name: "resources",
        kind: ParamKind::StringList,
        default: r#"["pods/exec", "pods/attach", "pods/portforward", "roles.rbac.authorization.k8s.io", "rolebindings.rbac.authorization.k8s.io", "clusterroles.rbac.authorization.k8s.io", "clusterrolebindings.rbac.authorization.k8s.io"]"#,
        description: kit::cold!(
            "resources whose changes (and, for subresources, connections) must be audited, as resource[/subresource][.group]"
        ),
    }],
    validate_params: Some(validate_targets),
    check,
    ..Control::DEFAULTS
};

const CHANGES: &[&str] = &["create", "update", "patch", "delete", "deletecollection"];
/// exec/attach/port-forward arrive as `create` (SPDY POST) or `get` (WebSocket).
const CONNECTS: &[&str] = &["create", "get"];

fn check(ctx: &Ctx) -> Vec<Finding> {
    let rules = match rules(ctx.object()) {
        Ok(r) => r,
        Err(f) => return vec![f],
    };
    let mut out = Vec::new();
    for spec in ctx.params.strings("resources") {
        let Some(base) = Target::parse(&spec) else {
            continue;
        };
        let verbs = if base.subresource.is_empty() {
            CHANGES
        } else {
            CONNECTS
        };
        let mut dropped: Vec<&str> = Vec::new();
        let mut path = "rules".to_string();
        for verb in verbs {
            let t = Target {
                verb: Some(verb),
                ..base
            };
            let hits = walk(rules, &t);
            match hits.last() {
                Some(h) if h.every && h.level == Ok(Level::None) => {
                    path = kit::text!("rules[{}]", h.index);
                    dropped.push(verb);
                }
                Some(h) if h.every => {}
                _ => dropped.push(verb),
            }
        }
        if !dropped.is_empty() {
            let why = if path == "rules" {
                "no rule matches them, so they fall through to level None".to_string()
            } else {
                kit::text!("{path} matches them first at level None")
            };
            out.push(Finding::new(
                path,
                kit::text!(
                    "{} {} requests are not audited: {why}",
                    dropped.join("/"),
                    base.describe()
                ),
            ));
        }
    }
    out
}
