//! Namespace readiness: workloads are admitted only into namespaces whose
//! capacity is bounded by a ResourceQuota and defaulted by a LimitRange (A1.1).
//! Context-aware: the namespace's objects are read from the cluster.
//!
//! Only objects people create are gated: objects with a controlling owner
//! (a Deployment's ReplicaSet, a ReplicaSet's Pods, a CronJob's Jobs) are not,
//! so that a node drain or a rollout of an existing workload is never refused by
//! a namespace that lost its quota. Checked on CREATE only, for the same reason.

use super::context::{self, LIMIT_RANGE, RESOURCE_QUOTA};
use kit::control::{Operation, Params};
use kit::{Control, Ctx, Finding, Param, ParamKind, Severity, json};
use serde_json::Value;

const TAGS: &[&str] = &["quota", "context-aware"];
const PATH: &str = "metadata.namespace";

fn gated(ctx: &Ctx) -> bool {
    super::controller_kind(ctx.object()).is_none()
}

pub static RESOURCE_QUOTA_CONTROL: Control = Control {
    id: "namespace-resource-quota",
    title: "Workloads run only in namespaces with a CPU and memory ResourceQuota",
    rationale: "A namespace without a quota can grow until it takes the capacity of every other team's workloads: one runaway HPA or a mistaken replica count becomes a cluster-wide outage. Requiring a quota on requests.cpu and requests.memory before admitting a workload makes capacity an explicit, reviewed allocation per namespace. Quotas restricted by scopes or a scopeSelector cover only some pods and count only with countScopedQuotas. Derived objects (with a controlling owner) and updates are not gated.",
    remediation: "create a ResourceQuota in the namespace with spec.hard requests.cpu and requests.memory (and limits.*) sized for the team",
    severity: Severity::Medium,
    tags: TAGS,
    criteria: super::CAPACITY,
    operations: &[Operation::Create],
    params: &[
        Param {
            name: "resources",
            kind: ParamKind::StringList,
            default: "[\"requests.cpu\", \"requests.memory\"]",
            description: "spec.hard keys some quota of the namespace must set (cpu and memory count as requests.cpu and requests.memory)",
        },
        Param {
            name: "countScopedQuotas",
            kind: ParamKind::Bool,
            default: "false",
            description: "count quotas restricted by scopes or scopeSelector",
        },
    ],
    validate_params: Some(validate_resources),
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
        format!(
            "namespace {} has no {}ResourceQuota limiting {}",
            context::namespace(ctx),
            if scoped_ok { "" } else { "unscoped " },
            missing.join(", ")
        ),
    )]
}

// ---------------------------------------------------------------------------

pub static LIMIT_RANGE_CONTROL: Control = Control {
    id: "namespace-limit-range",
    title: "Workloads run only in namespaces with a LimitRange",
    rationale: "A LimitRange gives containers that declare no resources a default request and limit, and bounds what any one container may ask, so the namespace's quota is shared predictably instead of by whoever starts first. Only a LimitRange with Container or Pod limits counts (PersistentVolumeClaim limits do not size pods). Derived objects (with a controlling owner) and updates are not gated.",
    remediation: "create a LimitRange in the namespace with a Container item (default, defaultRequest, max)",
    severity: Severity::Low,
    tags: TAGS,
    criteria: super::CAPACITY,
    operations: &[Operation::Create],
    check: check_limit_range,
    ..Control::DEFAULTS
};

fn check_limit_range(ctx: &Ctx) -> Vec<Finding> {
    if !gated(ctx) {
        return Vec::new();
    }
    let ranges = match context::list(ctx, LIMIT_RANGE, PATH, "the namespace's LimitRanges") {
        Ok(v) => v,
        Err(f) => return vec![f],
    };
    let sizes_pods = ranges.iter().any(|r| {
        json::get_array(r, &["spec", "limits"])
            .iter()
            .any(|l| matches!(json::get_str(l, &["type"]), Some("Container" | "Pod")))
    });
    if sizes_pods {
        return Vec::new();
    }
    vec![Finding::new(
        PATH,
        format!(
            "namespace {} has no LimitRange with Container or Pod limits",
            context::namespace(ctx)
        ),
    )]
}

pub static CONTROLS: &[&Control] = &[&RESOURCE_QUOTA_CONTROL, &LIMIT_RANGE_CONTROL];
