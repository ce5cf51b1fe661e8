//! Control `priority-class`.
//!
//! Priority: under contention the scheduler preempts lower-priority pods first,
//! so which pods carry which PriorityClass decides what keeps running (A1.1).

use kit::{Control, Ctx, Finding, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "priority-class",
    title: kit::cold!("Pods run with an allowed PriorityClass"),
    rationale: kit::cold!(
        "Without a priorityClassName a pod gets the cluster's default priority (0 unless a globalDefault class exists), so under node pressure critical services are preempted as readily as batch jobs. An allow-list keeps teams from giving every workload the highest class, which would make priority meaningless. The system-* classes are reserved by Kubernetes for kube-system."
    ),
    remediation: kit::cold!("set spec.priorityClassName to one of the platform's PriorityClasses"),
    severity: Severity::Low,
    tags: &["priority"],
    criteria: super::CAPACITY,
    params: &[
        Param {
            name: "required",
            kind: ParamKind::Bool,
            default: "true",
            description: kit::cold!("require spec.priorityClassName"),
        },
        Param {
            name: "allowed",
            kind: ParamKind::StringList,
            default: "[]",
            description: kit::cold!("PriorityClass names (globs) pods may use ([] = any)"),
        },
    ],
    check: check_class,
    ..Control::DEFAULTS
};

fn check_class(ctx: &Ctx) -> Vec<Finding> {
    let pod = ctx.pod();
    let path = pod.field_path("priorityClassName");
    let class = pod
        .get(&["priorityClassName"])
        .and_then(kit::Value::as_str)
        .unwrap_or("");
    if class.is_empty() {
        if ctx.params.bool("required") {
            return vec![Finding::new(path, "priorityClassName is not set")];
        }
        return Vec::new();
    }
    let allowed = ctx.params.strings("allowed");
    if allowed.is_empty() || kit::glob::any_matches(&allowed, class) {
        return Vec::new();
    }
    vec![Finding::new(
        path,
        kit::text!(
            "priorityClassName {class} is not allowed; allowed: {}",
            allowed.join(", ")
        ),
    )]
}
