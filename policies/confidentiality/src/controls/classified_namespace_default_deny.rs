//! Context-aware: workloads classified at or above a level run only in
//! namespaces with default-deny NetworkPolicies, ingress and egress.

use crate::classification::{first_line, rank_of, request_namespace, workload_level};
use crate::netpol::is_default_deny;
use kit::{Control, Ctx, Finding, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "classified-namespace-default-deny",
    title: kit::cold!(
        "Workloads classified confidential or above run behind default-deny NetworkPolicies"
    ),
    rationale: kit::cold!(
        "Confidential data leaves a cluster through the network: an unrestricted pod can be reached from every other pod, and can send what it reads anywhere. For workloads at or above minimumLevel (their pods' classification label, else their namespace's), the namespace must hold a default-deny NetworkPolicy for ingress and, by default, egress, so that every allowed flow is explicit (data leakage prevention). access-control's namespace-default-deny asks the same of every namespace; this control follows the data's class. Context-aware: the Namespace and its NetworkPolicies are read through the kubernetes host capabilities; a failed lookup is reported, never passed."
    ),
    remediation: kit::cold!(
        "create a NetworkPolicy with podSelector: {} and policyTypes: [Ingress, Egress] and no rules in the namespace, then allow the flows the workloads need (DNS, their clients, their databases) explicitly"
    ),
    severity: Severity::High,
    tags: &["classification", "context-aware"],
    criteria: super::CLASSIFIED,
    params: &[
        Param {
            name: "minimumLevel",
            kind: ParamKind::String,
            default: r#""confidential""#,
            description: kit::cold!(
                "Lowest classification level (one of classificationLevels) that requires default-deny"
            ),
        },
        Param {
            name: "egress",
            kind: ParamKind::Bool,
            default: "true",
            description: kit::cold!("Also require a default-deny for egress"),
        },
    ],
    reads: &[
        ("v1", "Namespace"),
        ("networking.k8s.io/v1", "NetworkPolicy"),
    ],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let level = match workload_level(ctx) {
        Ok(l) => l,
        Err(f) => return vec![f],
    };
    let min = match rank_of(ctx, "minimumLevel") {
        Ok(r) => r,
        Err(m) => return vec![Finding::new("metadata.namespace", m)],
    };
    if level.rank < min {
        return Vec::new();
    }
    let ns = request_namespace(ctx);
    let policies = match ctx
        .cluster
        .list("networking.k8s.io/v1", "NetworkPolicy", Some(ns), None)
    {
        Ok(p) => p,
        Err(e) => {
            return vec![Finding::new(
                "metadata.namespace",
                kit::text!(
                    "could not verify the NetworkPolicies of namespace \"{ns}\": {}",
                    first_line(&e)
                ),
            )];
        }
    };
    let mut dirs = vec!["Ingress"];
    if ctx.params.bool("egress") {
        dirs.push("Egress");
    }
    dirs.into_iter()
        .filter(|d| !policies.iter().any(|np| is_default_deny(np, d)))
        .map(|d| {
            Finding::new(
                "metadata.namespace",
                kit::text!(
                    "the workload is classified {} ({}) and namespace \"{ns}\" has no default-deny NetworkPolicy for {d}",
                    level.name, level.source
                ),
            )
        })
        .collect()
}
