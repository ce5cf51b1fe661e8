//! Every namespace declares the classification of the data it holds.

use crate::classification::{Level, label, levels};
use kit::glob::any_matches;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "namespace-classification-label",
    title: kit::cold!("Namespaces carry a data-classification label"),
    rationale: kit::cold!(
        "C1.1 starts with identifying confidential information, and ISO 27001 A.5.12/A.5.13 require classifying and labelling it. The namespace is Kubernetes' unit of ownership and isolation, so its label (family options classificationLabel and classificationLevels, by default data-classification: public, internal, confidential or restricted) is what the classification-driven controls, NetworkPolicies and audits key on; an unlabelled namespace is data nobody classified."
    ),
    remediation: kit::cold!(
        "label the namespace, e.g. kubectl label namespace shop data-classification=confidential (one of the configured levels)"
    ),
    severity: Severity::Medium,
    tags: &["classification"],
    criteria: super::CLASSIFICATION,
    kinds: KindSet::Only(&["Namespace"]),
    params: &[Param {
        name: "exemptNamespaces",
        kind: ParamKind::StringList,
        default: r#"["kube-system", "kube-public", "kube-node-lease"]"#,
        description: kit::cold!(
            "Namespaces (globs) that need no label; exemptions by namespace do not apply to Namespace objects themselves"
        ),
    }],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let ns = json::get_str(ctx.object(), &["metadata", "name"]).unwrap_or("");
    if any_matches(&ctx.params.strings("exemptNamespaces"), ns) {
        return Vec::new();
    }
    let key = label(ctx);
    let path = kit::text!("metadata.labels.{key}");
    match Level::of_object(ctx, ctx.object()) {
        Level::Known(..) => Vec::new(),
        Level::Absent => vec![Finding::new(
            path,
            kit::text!(
                "namespace \"{}\" has no {key} label (one of {})",
                crate::classification::bounded(ns),
                levels(ctx).join(", ")
            ),
        )],
        Level::Unknown(v) => vec![Finding::new(
            path,
            kit::text!("{key} is {v}, not one of {}", levels(ctx).join(", ")),
        )],
    }
}
