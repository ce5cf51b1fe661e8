//! Namespaces are enrolled in the service mesh.

use super::mesh_pod_injection::{MESH_PARAM, validate_mesh};
use super::shown;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "mesh-namespace-enrolled",
    title: kit::cold!("Namespaces are enrolled in the service mesh"),
    rationale: kit::cold!(
        "Mesh mTLS is switched on per namespace: Istio injects sidecars where the namespace is labelled istio-injection: enabled or istio.io/rev, or captures traffic in ambient mode with istio.io/dataplane-mode: ambient; Linkerd injects where the namespace is annotated linkerd.io/inject: enabled. A namespace without it runs every pod outside the mesh, in plain text. System namespaces are listed in exemptNamespaces."
    ),
    remediation: kit::cold!(
        "Istio: label the namespace istio-injection=enabled (or istio.io/rev=<revision>, or istio.io/dataplane-mode=ambient); Linkerd: annotate it linkerd.io/inject=enabled"
    ),
    severity: Severity::Medium,
    tags: &["encryption-in-transit", "mesh"],
    criteria: super::MESH,
    kinds: KindSet::Only(&["/Namespace"]),
    params: &[
        MESH_PARAM,
        Param {
            name: "exemptNamespaces",
            kind: ParamKind::StringList,
            default: "[\"kube-system\", \"kube-public\", \"kube-node-lease\", \"istio-system\", \"linkerd\", \"linkerd-viz\"]",
            description: kit::cold!("namespaces (globs) that need not be enrolled"),
        },
    ],
    validate_params: Some(validate_mesh),
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let ns = ctx.object();
    let name = json::get_str(ns, &["metadata", "name"]).unwrap_or("");
    if kit::glob::any_matches(&ctx.params.strings("exemptNamespaces"), name) {
        return Vec::new();
    }
    let label = |k: &str| json::get_str(ns, &["metadata", "labels", k]);
    if ctx.params.string("mesh") == "linkerd" {
        const KEY: &str = "linkerd.io/inject";
        return match json::get_str(ns, &["metadata", "annotations", KEY]) {
            Some("enabled") => Vec::new(),
            v => vec![Finding::new(
                kit::text!("metadata.annotations[\"{KEY}\"]"),
                kit::text!(
                    "namespace {} is not enrolled in Linkerd ({KEY} is {})",
                    shown(name),
                    v.map_or("absent".into(), shown)
                ),
            )],
        };
    }
    let injection = label("istio-injection");
    if let Some(v) = injection
        && v != "enabled"
    {
        return vec![Finding::new(
            "metadata.labels[\"istio-injection\"]",
            kit::text!(
                "istio-injection is {}: pods of namespace {} run without sidecars",
                shown(v),
                shown(name)
            ),
        )];
    }
    if injection == Some("enabled")
        || label("istio.io/rev").is_some_and(|r| !r.is_empty())
        || label("istio.io/dataplane-mode") == Some("ambient")
    {
        return Vec::new();
    }
    vec![Finding::new(
        "metadata.labels",
        kit::text!(
            "namespace {} is not enrolled in Istio (no istio-injection: enabled, istio.io/rev or istio.io/dataplane-mode: ambient)",
            shown(name)
        ),
    )]
}
