//! Controllers select the pods they create (PI1.3).

use kit::labels::Selector;
use kit::{Control, Ctx, Finding, KindSet, Severity, json};

pub static CONTROL: Control = Control {
    id: "workload-selector-matches",
    title: kit::cold!("Workload selectors match their pod template labels"),
    rationale: kit::cold!(
        "A Deployment, ReplicaSet, StatefulSet or DaemonSet whose spec.selector does not select its own template's labels cannot count the pods it creates: the API server refuses it, or (for an empty selector in old API versions) it adopts pods of other workloads. Checked before deployment (scan), this catches a broken rollout early."
    ),
    remediation: kit::cold!(
        "make spec.selector.matchLabels a subset of spec.template.metadata.labels (and matchExpressions true for them)"
    ),
    severity: Severity::Low,
    tags: &["workloads"],
    criteria: super::PROCESSING,
    kinds: KindSet::Only(&[
        "apps/Deployment",
        "apps/ReplicaSet",
        "apps/StatefulSet",
        "apps/DaemonSet",
    ]),
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let object = ctx.object();
    let selector = match json::get(object, &["spec", "selector"]) {
        None | Some(kit::Value::Null) => {
            return vec![Finding::new("spec.selector", "selector is not set")];
        }
        Some(s) => s,
    };
    let sel = match Selector::from_object(selector) {
        Ok(s) => s,
        Err(e) => {
            return vec![Finding::new(
                "spec.selector",
                kit::text!("selector is unreadable: {e}"),
            )];
        }
    };
    if sel.is_empty() {
        return vec![Finding::new(
            "spec.selector",
            "selector is empty: it selects every pod of the namespace",
        )];
    }
    let labels = json::get_obj(object, &["spec", "template", "metadata", "labels"]);
    if sel.matches(labels) {
        return Vec::new();
    }
    vec![Finding::new(
        "spec.template.metadata.labels",
        kit::text!(
            "selector {} does not select the template labels {}",
            json::brief(selector, 80),
            labels.map_or("(none)".into(), |l| json::brief(
                &kit::Value::Object(l.clone()),
                80
            ))
        ),
    )]
}
