//! Control `hpa-sanity`.
//! Shared helpers: [`super::autoscaling`].

use super::autoscaling::*;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "hpa-sanity",
    title: kit::cold!(
        "HorizontalPodAutoscalers keep a redundant floor, room to scale and explicit metrics"
    ),
    rationale: kit::cold!(
        "An autoscaler with minReplicas 1 scales a service down to a single pod at night, undoing its redundancy; one whose maxReplicas equals minReplicas cannot add capacity at all. Without explicit metrics an autoscaling/v2 HPA falls back to 80% average CPU, which is rarely what the service saturates on and is silently wrong when containers have no CPU request."
    ),
    remediation: kit::cold!(
        "set spec.minReplicas to at least the minimum (2), spec.maxReplicas above it, and list the metrics the service scales on in spec.metrics"
    ),
    severity: Severity::Medium,
    tags: &["default", "autoscaling"],
    criteria: super::CAPACITY,
    kinds: KindSet::Only(HPA_KIND),
    params: &[
        Param {
            name: "minReplicas",
            kind: ParamKind::Integer { min: 1, max: 1000 },
            default: "2",
            description: kit::cold!("smallest spec.minReplicas"),
        },
        Param {
            name: "requireMetrics",
            kind: ParamKind::Bool,
            default: "true",
            description: kit::cold!(
                "require explicit metrics (spec.metrics in autoscaling/v2, targetCPUUtilizationPercentage in autoscaling/v1)"
            ),
        },
    ],
    check: check_sanity,
    ..Control::DEFAULTS
};

fn check_sanity(ctx: &Ctx) -> Vec<Finding> {
    let object = ctx.object();
    let floor = ctx.params.int("minReplicas");
    let mut out = Vec::new();
    match super::int(object, &["spec", "minReplicas"], 1) {
        Err(m) => out.push(Finding::new("spec.minReplicas", m)),
        Ok(min) => {
            if min < floor {
                out.push(Finding::new(
                    "spec.minReplicas",
                    kit::text!(
                        "minReplicas is {min}, below {floor}: the autoscaler can remove all redundancy"
                    ),
                ));
            }
            match super::int(object, &["spec", "maxReplicas"], i64::MAX) {
                Err(m) => out.push(Finding::new("spec.maxReplicas", m)),
                Ok(max) if max <= min => out.push(Finding::new(
                    "spec.maxReplicas",
                    kit::text!("maxReplicas {max} is not above minReplicas {min}: the autoscaler cannot add capacity"),
                )),
                Ok(_) => {}
            }
        }
    }
    if ctx.params.bool("requireMetrics") {
        let v1 = json::get_str(object, &["apiVersion"]) == Some("autoscaling/v1")
            || ctx.request.version == "v1";
        let (field, present) = if v1 {
            (
                "spec.targetCPUUtilizationPercentage",
                // Present and readable: a malformed target is no explicit metric.
                matches!(
                    kit::Int::of(json::get(
                        object,
                        &["spec", "targetCPUUtilizationPercentage"]
                    )),
                    kit::Int::Value(_)
                ),
            )
        } else {
            (
                "spec.metrics",
                !json::get_array(object, &["spec", "metrics"]).is_empty(),
            )
        };
        if !present {
            out.push(Finding::new(
                field,
                "no metrics are set: the autoscaler falls back to 80% average CPU utilisation",
            ));
        }
    }
    out
}
