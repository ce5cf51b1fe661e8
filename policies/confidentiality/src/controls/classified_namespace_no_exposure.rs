//! Context-aware: in namespaces classified at or above a level, nothing is
//! exposed outside the cluster (NodePort, external LoadBalancer, Ingress
//! without an access restriction). The namespace's label is looked up
//! through context (`v1 Namespace`), so the rule follows the data's class
//! rather than a list of namespaces in the policy.

use crate::classification::{Level, label, namespace_level, rank_of};
use crate::exposure::{internal_by, service_type};
use kit::glob::any_matches;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "classified-namespace-no-exposure",
    title: kit::cold!(
        "Namespaces classified confidential or above expose nothing outside the cluster"
    ),
    rationale: kit::cold!(
        "Confidential data should be reachable only through the applications meant to serve it. In a namespace whose classification label is at or above minimumLevel, a NodePort, an internet-facing LoadBalancer or an Ingress without an access restriction (authentication or source allow-list annotation, or an internal IngressClass) puts that data one misconfiguration away from the internet. Context-aware: the namespace is read through the kubernetes host capability (v1 Namespace); a failed lookup is reported, never passed. Unlabelled namespaces are left to namespace-classification-label."
    ),
    remediation: kit::cold!(
        "serve the data through an internal LoadBalancer (cloud internal annotation), an internal IngressClass, or an Ingress carrying an authentication or source-range annotation; or move the public part to a namespace of a lower classification"
    ),
    severity: Severity::High,
    tags: &["classification", "exposure", "context-aware"],
    criteria: super::CLASSIFIED,
    kinds: KindSet::Only(&["/Service", "networking.k8s.io/Ingress"]),
    params: &[
        Param {
            name: "minimumLevel",
            kind: ParamKind::String,
            default: r#""confidential""#,
            description: kit::cold!(
                "Lowest classification level (one of classificationLevels) whose namespaces must not expose anything"
            ),
        },
        Param {
            name: "ingressAccessAnnotations",
            kind: ParamKind::StringList,
            default: r#"["nginx.ingress.kubernetes.io/auth-url", "nginx.ingress.kubernetes.io/auth-tls-secret", "nginx.ingress.kubernetes.io/allowlist-source-range", "nginx.ingress.kubernetes.io/whitelist-source-range"]"#,
            description: kit::cold!(
                "Annotations (any one of them, non-empty) that restrict who reaches an Ingress"
            ),
        },
        Param {
            name: "internalIngressClasses",
            kind: ParamKind::StringList,
            default: "[]",
            description: kit::cold!(
                "IngressClass names (globs) whose controller is reachable only from internal networks"
            ),
        },
    ],
    reads: &[("v1", "Namespace")],
    check,
    ..Control::DEFAULTS
};

/// What the object exposes, with the field path, if anything.
fn exposure(ctx: &Ctx) -> Option<(String, String)> {
    let obj = ctx.object();
    if ctx.request.kind == "Service" {
        return match service_type(obj) {
            Ok("NodePort") => Some(("spec.type".into(), "a NodePort Service".into())),
            Ok("LoadBalancer") if internal_by(ctx, obj).is_none() => Some((
                "spec.type".into(),
                "an internet-facing LoadBalancer Service".into(),
            )),
            Ok(_) => None,
            Err(v) => Some((
                "spec.type".into(),
                kit::text!("a Service of unreadable type {}", json::brief(v, 40)),
            )),
        };
    }
    if let Some(c) = json::get_str(obj, &["spec", "ingressClassName"])
        && any_matches(&ctx.params.strings("internalIngressClasses"), c)
    {
        return None;
    }
    let annotations = json::get_obj(obj, &["metadata", "annotations"]);
    let restricted = ctx
        .params
        .strings("ingressAccessAnnotations")
        .iter()
        .any(|k| {
            annotations
                .and_then(|a| a.get(k))
                .and_then(|v| v.as_str())
                .is_some_and(|v| !v.trim().is_empty())
        });
    (!restricted).then(|| {
        (
            "metadata.annotations".into(),
            "an Ingress without an authentication or source-range annotation".into(),
        )
    })
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let Some((path, what)) = exposure(ctx) else {
        return Vec::new();
    };
    let min = match rank_of(ctx, "minimumLevel") {
        Ok(r) => r,
        Err(m) => return vec![Finding::new(path, m)],
    };
    let ns = crate::classification::request_namespace(ctx);
    match namespace_level(ctx, &path) {
        Err(f) => vec![f],
        Ok(Level::Absent) => Vec::new(),
        Ok(Level::Known(rank, name)) if rank >= min => vec![Finding::new(
            path,
            kit::text!(
                "namespace \"{ns}\" is classified {name} ({} ≥ {}): {what} exposes it outside the cluster",
                label(ctx),
                ctx.params.string("minimumLevel")
            ),
        )],
        Ok(Level::Known(..)) => Vec::new(),
        Ok(Level::Unknown(v)) => vec![Finding::new(
            path,
            kit::text!(
                "namespace \"{ns}\" has {} {v}, which is not a configured level: {what} cannot be allowed",
                label(ctx)
            ),
        )],
    }
}
