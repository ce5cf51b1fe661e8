//! Control `resources-ephemeral-storage`.
//! Shared helpers: [`super::resources`].

use super::resources::*;
use crate::quantity::Quantity;
use kit::{Control, Ctx, Finding, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "resources-ephemeral-storage",
    title: kit::cold!("Containers declare ephemeral-storage requests and limits"),
    rationale: kit::cold!(
        "Container logs, writable layers and emptyDir volumes share the node's disk. Without an ephemeral-storage request the scheduler ignores disk, and without a limit one container can fill the disk until the kubelet evicts every pod on the node. A missing request is satisfied by the limit (the API server copies it). Ephemeral containers cannot declare resources and are not checked."
    ),
    remediation: kit::cold!(
        "set resources.requests.ephemeral-storage and resources.limits.ephemeral-storage (e.g. 1Gi / 2Gi)"
    ),
    severity: Severity::Low,
    tags: TAGS,
    criteria: super::CAPACITY,
    params: &[
        Param {
            name: "request",
            kind: ParamKind::Bool,
            default: "true",
            description: kit::cold!(
                "require an ephemeral-storage request (or a limit, which the request defaults to)"
            ),
        },
        Param {
            name: "limit",
            kind: ParamKind::Bool,
            default: "true",
            description: kit::cold!("require an ephemeral-storage limit"),
        },
        Param {
            name: "maxLimit",
            kind: ParamKind::String,
            default: "\"\"",
            description: kit::cold!(
                "largest ephemeral-storage limit, e.g. \"10Gi\" (\"\" = no maximum)"
            ),
        },
        INIT_CONTAINERS,
    ],
    validate_params: Some(|p| quantity_param(p, "maxLimit").map(|_| ())),
    check: check_ephemeral_storage,
    ..Control::DEFAULTS
};

fn check_ephemeral_storage(ctx: &Ctx) -> Vec<Finding> {
    const NAME: &str = "ephemeral-storage";
    let p = ctx.params;
    let max = quantity_param(&p, "maxLimit").ok().flatten();
    let mut out = Vec::new();
    for c in sized(ctx.pod(), p.bool("initContainers")) {
        let limit = value(c.raw, "limits", NAME);
        if p.bool("request") && limit.is_none() && value(c.raw, "requests", NAME).is_none() {
            out.push(Finding::container(
                &c,
                &field("requests", NAME),
                "ephemeral-storage request is not set",
            ));
        }
        match limit {
            None if p.bool("limit") => out.push(Finding::container(
                &c,
                &field("limits", NAME),
                "ephemeral-storage limit is not set",
            )),
            Some(v) => {
                if let (Some(max), Some(q)) = (max, Quantity::from_json(v))
                    && q > max
                {
                    out.push(Finding::container(
                        &c,
                        &field("limits", NAME),
                        kit::text!(
                            "ephemeral-storage limit {} is above the maximum {}",
                            shown(v),
                            p.string("maxLimit")
                        ),
                    ));
                }
            }
            None => {}
        }
    }
    out
}
