//! Workloads declare the classification of the data they handle, on the pod
//! template so that running pods carry it.

use crate::classification::{Level, label, levels};
use kit::{Control, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "workload-classification-label",
    title: kit::cold!("Workloads carry a data-classification label on their pods"),
    rationale: kit::cold!(
        "Inside a namespace, workloads often handle data of different classes (a public storefront next to a payments worker). A classification label on the pod template reaches the running pods, where NetworkPolicies, service meshes, audit logs and the secret-classification-match control can key on it."
    ),
    remediation: kit::cold!(
        "add the classification label (family option classificationLabel, default data-classification) with one of the configured levels to the pod template's metadata.labels"
    ),
    severity: Severity::Low,
    tags: &["classification"],
    criteria: super::CLASSIFICATION,
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let pod = ctx.pod();
    let key = label(ctx);
    let path = kit::text!("{}.labels.{key}", pod.metadata_path);
    match Level::of(ctx, pod.labels()) {
        Level::Known(..) => Vec::new(),
        Level::Absent => vec![Finding::new(
            path,
            kit::text!(
                "the pods have no {key} label (one of {})",
                levels(ctx).join(", ")
            ),
        )],
        Level::Unknown(v) => vec![Finding::new(
            path,
            kit::text!("{key} is {v}, not one of {}", levels(ctx).join(", ")),
        )],
    }
}
