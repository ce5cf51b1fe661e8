//! Control `namespace-resource-quota`.
//! Shared helpers: [`super::quota`].

use super::context::{self, RESOURCE_QUOTA};
use super::quota::*;
use kit::Value;
use kit::control::{Operation, Params};
use kit::{Control, Ctx, Finding, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "namespace-resource-quota",
    title: kit::cold!("Workloads run only in namespaces with a CPU and memory ResourceQuota"),
    rationale: kit::cold!(
        "A namespace without a quota can grow until it takes the capacity of every other team's workloads: one runaway HPA or a mistaken replica count becomes a cluster-wide outage. Requiring a quota on requests.cpu and requests.memory before admitting a workload makes capacity an explicit, reviewed allocation per namespace. Quotas restricted by scopes or a scopeSelector cover only some pods and count only with countScopedQuotas. Derived objects (with a controlling owner) and updates are not gated."
    ),
    remediation: kit::cold!(
        "create a ResourceQuota in the namespace with spec.hard requests.cpu and requests.memory (and limits.*) sized for the team"
    ),
    severity: Severity::Medium,
    tags: TAGS,
    criteria: super::CAPACITY,
    operations: &[Operation::Create],
    params: &[
        Param {
            name: "resources",
            kind: ParamKind::StringList,
            default: "[\"requests.cpu\", \"requests.memory\"]",
            description: kit::cold!(
                "spec.hard keys some quota of the namespace must set (cpu and memory count as requests.cpu and requests.memory)"
            ),
        },
        Param {
            name: "countScopedQuotas",
            kind: ParamKind::Bool,
            default: "false",
            description: kit::cold!("count quotas restricted by scopes or scopeSelector"),
        },
    ],
    validate_params: Some(validate_resources),
    reads: &[("v1", "ResourceQuota")],
    check: check_resource_quota,
    ..Control::DEFAULTS
};

fn validate_resources(p: &Params) -> Result<(), String> {
    if p.strings("resources").iter().any(String::is_empty) {
        return Err("resources: names must not be empty".into());
    }
    Ok(())
}

/// `requests.cpu` and `cpu` are the same quota resource (and memory alike).
fn canonical(key: &str) -> &str {
    match key {
        "cpu" => "requests.cpu",
        "memory" => "requests.memory",
        other => other,
    }
}

fn check_resource_quota(ctx: &Ctx) -> Vec<Finding> {
    if !gated(ctx) {
        return Vec::new();
    }
    let wanted = ctx.params.strings("resources");
    if wanted.is_empty() {
        return Vec::new();
    }
    let quotas = match context::list(ctx, RESOURCE_QUOTA, PATH, "the namespace's ResourceQuotas") {
        Ok(v) => v,
        Err(f) => return vec![f],
    };
    let scoped_ok = ctx.params.bool("countScopedQuotas");
    let counted = quotas.iter().filter(|q| {
        scoped_ok
            || (json::get_array(q, &["spec", "scopes"]).is_empty()
                && json::get(q, &["spec", "scopeSelector"]).is_none_or(Value::is_null))
    });
    let mut covered: Vec<&str> = Vec::new();
    for q in counted {
        if let Some(hard) = json::get_obj(q, &["spec", "hard"]) {
            covered.extend(hard.keys().map(|k| canonical(k)));
        }
    }
    let missing: Vec<&str> = wanted
        .iter()
        .map(|w| w.as_str())
        .filter(|w| !covered.contains(&canonical(w)))
        .collect();
    if missing.is_empty() {
        return Vec::new();
    }
    vec![Finding::new(
        PATH,
        kit::text!(
            "namespace {} has no {}ResourceQuota limiting {}",
            context::namespace(ctx),
            if scoped_ok { "" } else { "unscoped " },
            missing.join(", ")
        ),
    )]
}
