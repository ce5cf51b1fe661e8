//! Control `namespace-limit-range`.
//! Shared helpers: [`super::quota`].

use super::context::{self, LIMIT_RANGE};
use super::quota::*;
use kit::control::Operation;
use kit::{Control, Ctx, Finding, Severity, json};

pub static CONTROL: Control = Control {
    id: "namespace-limit-range",
    title: kit::cold!("Workloads run only in namespaces with a LimitRange"),
    rationale: kit::cold!(
        "A LimitRange gives containers that declare no resources a default request and limit, and bounds what any one container may ask, so the namespace's quota is shared predictably instead of by whoever starts first. Only a LimitRange with Container or Pod limits counts (PersistentVolumeClaim limits do not size pods). Derived objects (with a controlling owner) and updates are not gated."
    ),
    remediation: kit::cold!(
        "create a LimitRange in the namespace with a Container item (default, defaultRequest, max)"
    ),
    severity: Severity::Low,
    tags: TAGS,
    criteria: super::CAPACITY,
    operations: &[Operation::Create],
    reads: &[("v1", "LimitRange")],
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
        kit::text!(
            "namespace {} has no LimitRange with Container or Pod limits",
            context::namespace(ctx)
        ),
    )]
}
