//! Control `resources-limit-request-ratio`.
//! Shared helpers: [`super::resources`].

use super::resources::*;
use crate::quantity::Quantity;
use kit::control::Params;
use kit::{Control, Ctx, Finding, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "resources-limit-request-ratio",
    title: kit::cold!("Limits stay within a ratio of requests"),
    rationale: kit::cold!(
        "The scheduler places pods by their requests, so the gap between limit and request is capacity that was never reserved. With a large ratio many pods on a node can burst at once past what the node has: CPU is throttled across the node and memory pressure evicts or OOM-kills pods. The ratio mirrors a LimitRange's maxLimitRequestRatio, enforced before the pod reaches the namespace. Init containers are checked too; ephemeral containers cannot declare resources."
    ),
    remediation: kit::cold!(
        "raise the request or lower the limit so that limit <= ratio x request (a ratio of 1 gives the Guaranteed QoS class)"
    ),
    severity: Severity::Low,
    tags: TAGS,
    criteria: super::CAPACITY,
    params: &[
        Param {
            name: "maxCpuRatio",
            kind: ParamKind::String,
            default: "\"4\"",
            description: kit::cold!(
                "largest CPU limit/request ratio, a quantity such as \"4\" or \"1.5\" (\"\" = not checked)"
            ),
        },
        Param {
            name: "maxMemoryRatio",
            kind: ParamKind::String,
            default: "\"2\"",
            description: kit::cold!(
                "largest memory limit/request ratio (\"1\" = limit equals request; \"\" = not checked)"
            ),
        },
    ],
    validate_params: Some(validate_ratio),
    check: check_ratio,
    ..Control::DEFAULTS
};

fn validate_ratio(p: &Params) -> Result<(), String> {
    for name in ["maxCpuRatio", "maxMemoryRatio"] {
        if let Some(q) = quantity_param(p, name)?
            && q < Quantity::from_units(1)
        {
            return Err(kit::text!(
                "{name}: \"{}\" is below 1; a limit is never below its request",
                p.string(name)
            ));
        }
    }
    Ok(())
}

fn check_ratio(ctx: &Ctx) -> Vec<Finding> {
    let p = ctx.params;
    let ratios = [
        ("cpu", quantity_param(&p, "maxCpuRatio").ok().flatten()),
        (
            "memory",
            quantity_param(&p, "maxMemoryRatio").ok().flatten(),
        ),
    ];
    let mut out = Vec::new();
    for c in sized(ctx.pod(), true) {
        for (name, ratio) in ratios {
            let Some(ratio) = ratio else { continue };
            let Some(limit_v) = value(c.raw, "limits", name) else {
                continue;
            };
            // An unset request equals the limit: ratio 1.
            let Some(request_v) = value(c.raw, "requests", name) else {
                continue;
            };
            let (Some(limit), Some(request)) =
                (Quantity::from_json(limit_v), Quantity::from_json(request_v))
            else {
                continue;
            };
            let what = if name == "cpu" { "CPU" } else { name };
            if request.is_zero() && !limit.is_zero() {
                out.push(Finding::container(
                    &c,
                    &field("requests", name),
                    kit::text!(
                        "{what} request is 0 with a limit of {}: the limit/request ratio is unbounded",
                        shown(limit_v)
                    ),
                ));
            } else if limit > request.times(ratio) {
                out.push(Finding::container(
                    &c,
                    &field("limits", name),
                    kit::text!(
                        "{what} limit {} is more than {} times the request {}",
                        shown(limit_v),
                        p.string(if name == "cpu" {
                            "maxCpuRatio"
                        } else {
                            "maxMemoryRatio"
                        }),
                        shown(request_v)
                    ),
                ));
            }
        }
    }
    out
}
