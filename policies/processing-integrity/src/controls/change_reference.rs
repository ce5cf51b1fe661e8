//! Workloads carry the change that deployed them (CC8.1).

use kit::control::Params;
use kit::{Control, Ctx, Finding, Param, ParamKind, Severity, glob, json};

pub static CONTROL: Control = Control {
    id: "change-reference",
    title: kit::cold!("Workloads carry a change reference"),
    rationale: kit::cold!(
        "Change management (CC8.1) requires that every change to production can be traced to an authorised change: a ticket, a pull request, a commit. An annotation written by the pipeline (e.g. example.com/change-ticket: CHG-1234, or a git commit) on every workload in the governed namespaces ties the running object to that record, and this control records the reference as audit evidence of the admission. Objects created by a controller (an owner reference with controller: true, such as a Deployment's ReplicaSets and Pods) inherit their owner's review and are not checked."
    ),
    remediation: kit::cold!(
        "have the deployment pipeline set the configured annotation on the object's metadata (e.g. metadata.annotations[\"kube-soc2.io/change-ref\"]: CHG-1234) with a value matching the configured pattern"
    ),
    severity: Severity::Medium,
    tags: &["change-provenance"],
    criteria: super::CHANGE,
    params: &[
        Param {
            name: "annotation",
            kind: ParamKind::String,
            default: r#""kube-soc2.io/change-ref""#,
            description: kit::cold!("annotation that holds the change reference"),
        },
        Param {
            name: "patterns",
            kind: ParamKind::StringList,
            default: r#"["?*"]"#,
            description: kit::cold!(
                "globs the reference must match (e.g. CHG-*, https://git.example.com/*); default: not empty"
            ),
        },
        Param {
            name: "namespaces",
            kind: ParamKind::StringList,
            default: r#"["*"]"#,
            description: kit::cold!("namespaces (globs) whose workloads need a change reference"),
        },
    ],
    validate_params: Some(validate),
    check,
    ..Control::DEFAULTS
};

fn validate(p: &Params) -> Result<(), String> {
    if p.string("annotation").trim().is_empty() {
        return Err("annotation must name an annotation".into());
    }
    if p.strings("patterns").is_empty() {
        return Err("patterns must hold at least one glob".into());
    }
    Ok(())
}

/// Whether a controller created the object (its changes are the owner's).
pub fn controlled(object: &kit::Value) -> bool {
    json::get_array(object, &["metadata", "ownerReferences"])
        .iter()
        .any(|r| json::get_bool(r, &["controller"]) == Some(true))
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let object = ctx.object();
    if controlled(object) {
        return Vec::new();
    }
    let ns = ctx.request.namespace();
    if !glob::any_matches(&ctx.params.strings("namespaces"), ns) {
        return Vec::new();
    }
    let key = ctx.params.string("annotation");
    let patterns = ctx.params.strings("patterns");
    let path = kit::text!("metadata.annotations[{key}]");
    match json::get(object, &["metadata", "annotations", &key]) {
        Some(kit::Value::String(v)) if glob::any_matches(&patterns, v) => {
            ctx.record_evidence(
                "kube-soc2.change-ref",
                kit::text!(
                    "{} {}: {}",
                    ctx.request.operation_raw,
                    ctx.request.describe(),
                    kit::response::truncate(v, 200)
                ),
            );
            Vec::new()
        }
        Some(kit::Value::String(v)) => vec![Finding::new(
            path,
            kit::text!(
                "change reference {} does not match {}",
                json::brief(&kit::Value::String(v.clone()), 60),
                patterns.join(", ")
            ),
        )],
        None | Some(kit::Value::Null) => vec![Finding::new(
            path,
            kit::text!(
                "annotation {key} is not set: the change that deployed this workload cannot be traced"
            ),
        )],
        Some(v) => vec![Finding::new(
            path,
            kit::text!("annotation {key} is not a string: {}", json::brief(v, 40)),
        )],
    }
}
