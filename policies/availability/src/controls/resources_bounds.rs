//! Control `resources-bounds`.
//! Shared helpers: [`super::resources`].

use super::resources::*;
use crate::quantity::Quantity;
use kit::control::Params;
use kit::{Control, Ctx, Finding, Param, ParamKind, Severity};

const fn bound(name: &'static str, description: &'static str) -> Param {
    Param {
        name,
        kind: ParamKind::String,
        default: "\"\"",
        description,
    }
}

/// (parameter, section, resource, minimum?) for the eight bounds.
const BOUNDS: [(&str, &str, &str, bool); 8] = [
    ("minCpuRequest", "requests", "cpu", true),
    ("maxCpuRequest", "requests", "cpu", false),
    ("minCpuLimit", "limits", "cpu", true),
    ("maxCpuLimit", "limits", "cpu", false),
    ("minMemoryRequest", "requests", "memory", true),
    ("maxMemoryRequest", "requests", "memory", false),
    ("minMemoryLimit", "limits", "memory", true),
    ("maxMemoryLimit", "limits", "memory", false),
];

pub static CONTROL: Control = Control {
    id: "resources-bounds",
    title: kit::cold!("CPU and memory requests and limits stay within bounds"),
    rationale: kit::cold!(
        "A request larger than any node can offer never schedules; a tiny one hides real demand from capacity planning; a huge limit lets one container starve a node. Bounds keep every container within what the platform's nodes and quotas were sized for. Only values that are set are checked (resources-requests-limits requires them); init containers are checked too, ephemeral containers cannot declare resources."
    ),
    remediation: kit::cold!(
        "size the container's resources within the platform's bounds, or split the workload"
    ),
    severity: Severity::Medium,
    tags: TAGS,
    criteria: super::CAPACITY,
    params: &[
        bound(
            "minCpuRequest",
            kit::cold!("smallest CPU request, e.g. \"10m\" (\"\" = no minimum)"),
        ),
        bound(
            "maxCpuRequest",
            kit::cold!("largest CPU request, e.g. \"8\" (\"\" = no maximum)"),
        ),
        bound(
            "minCpuLimit",
            kit::cold!("smallest CPU limit (\"\" = no minimum)"),
        ),
        bound(
            "maxCpuLimit",
            kit::cold!("largest CPU limit, e.g. \"16\" (\"\" = no maximum)"),
        ),
        bound(
            "minMemoryRequest",
            kit::cold!("smallest memory request, e.g. \"32Mi\" (\"\" = no minimum)"),
        ),
        bound(
            "maxMemoryRequest",
            kit::cold!("largest memory request, e.g. \"32Gi\" (\"\" = no maximum)"),
        ),
        bound(
            "minMemoryLimit",
            kit::cold!("smallest memory limit (\"\" = no minimum)"),
        ),
        bound(
            "maxMemoryLimit",
            kit::cold!("largest memory limit, e.g. \"64Gi\" (\"\" = no maximum)"),
        ),
    ],
    validate_params: Some(validate_bounds),
    check: check_bounds,
    ..Control::DEFAULTS
};

fn validate_bounds(p: &Params) -> Result<(), String> {
    for pair in BOUNDS.chunks(2) {
        let [(min_name, ..), (max_name, ..)] = pair else {
            continue;
        };
        let min = quantity_param(p, min_name)?;
        let max = quantity_param(p, max_name)?;
        if let (Some(lo), Some(hi)) = (min, max)
            && lo > hi
        {
            return Err(kit::text!(
                "{min_name} \"{}\" is above {max_name} \"{}\"",
                p.string(min_name),
                p.string(max_name)
            ));
        }
    }
    Ok(())
}

fn check_bounds(ctx: &Ctx) -> Vec<Finding> {
    let p = ctx.params;
    let mut limits = Vec::with_capacity(BOUNDS.len());
    for (param, section, name, is_min) in BOUNDS {
        // Settings were validated; an unparsable bound here means no bound.
        if let Ok(Some(q)) = quantity_param(&p, param) {
            limits.push((param, section, name, is_min, q));
        }
    }
    if limits.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for c in sized(ctx.pod(), true) {
        for (section, name) in [
            ("requests", "cpu"),
            ("limits", "cpu"),
            ("requests", "memory"),
            ("limits", "memory"),
        ] {
            let Some(v) = value(c.raw, section, name) else {
                continue;
            };
            let Some(q) = Quantity::from_json(v) else {
                out.push(Finding::container(
                    &c,
                    &field(section, name),
                    kit::text!(
                        "{} {} is not a valid quantity",
                        label(section, name),
                        shown(v)
                    ),
                ));
                continue;
            };
            for &(param, s, n, is_min, bound) in &limits {
                if s != section || n != name {
                    continue;
                }
                let (bad, word) = if is_min {
                    (q < bound, "below the minimum")
                } else {
                    (q > bound, "above the maximum")
                };
                if bad {
                    out.push(Finding::container(
                        &c,
                        &field(section, name),
                        kit::text!(
                            "{} {} is {word} {} ({param})",
                            label(section, name),
                            shown(v),
                            p.string(param)
                        ),
                    ));
                }
            }
        }
    }
    out
}
