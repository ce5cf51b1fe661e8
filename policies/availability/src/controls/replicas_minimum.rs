//! Control `replicas-minimum`.
//! Shared helpers: [`super::replicas`].

use super::replicas::*;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "replicas-minimum",
    title: kit::cold!("Deployments and StatefulSets run at least the minimum number of replicas"),
    rationale: kit::cold!(
        "A single replica is an outage on every node drain, node failure, eviction and rollout of a StatefulSet. Two or more let one go while the others serve. spec.replicas: 0 is a deliberate stop and is allowed unless allowZero is false. With an HorizontalPodAutoscaler, set spec.replicas to the HPA's minReplicas (the API server defaults an omitted field to 1)."
    ),
    remediation: kit::cold!("set spec.replicas to at least the minimum (2 by default)"),
    severity: Severity::Medium,
    tags: TAGS_DEFAULT,
    criteria: super::REDUNDANCY,
    kinds: KindSet::Only(REPLICATED),
    params: &[
        Param {
            name: "minReplicas",
            kind: ParamKind::Integer { min: 1, max: 1000 },
            default: "2",
            description: kit::cold!("smallest spec.replicas"),
        },
        Param {
            name: "allowZero",
            kind: ParamKind::Bool,
            default: "true",
            description: kit::cold!(
                "accept spec.replicas: 0 (a workload deliberately scaled down)"
            ),
        },
    ],
    check: check_minimum,
    ..Control::DEFAULTS
};

fn check_minimum(ctx: &Ctx) -> Vec<Finding> {
    let min = ctx.params.int("minReplicas");
    let replicas = match super::replicas(ctx.object()) {
        Ok(n) => n,
        Err(m) => return vec![super::bad_replicas(m)],
    };
    if replicas >= min || (replicas == 0 && ctx.params.bool("allowZero")) {
        return Vec::new();
    }
    let shown = if json::get(ctx.object(), &["spec", "replicas"]).is_some_and(|v| !v.is_null()) {
        kit::text!("{replicas} replica(s)")
    } else {
        "1 replica (spec.replicas is unset)".to_string()
    };
    vec![Finding::new(
        "spec.replicas",
        kit::text!(
            "{} runs {shown}, below the minimum of {min}",
            ctx.request.kind
        ),
    )]
}
