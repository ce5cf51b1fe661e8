//! Control `resources-emptydir-size-limit`.
//! Shared helpers: [`super::resources`].

use super::resources::*;
use crate::quantity::Quantity;
use kit::{Control, Ctx, Finding, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "resources-emptydir-size-limit",
    title: kit::cold!("emptyDir volumes declare a sizeLimit"),
    rationale: kit::cold!(
        "An emptyDir without sizeLimit grows until the node's disk (or, for medium: Memory, the node's memory) runs out, and the kubelet then evicts pods that did nothing wrong. A sizeLimit makes the kubelet evict only the pod that overflows its own volume."
    ),
    remediation: kit::cold!(
        "set emptyDir.sizeLimit on the volume (e.g. emptyDir: {sizeLimit: 500Mi})"
    ),
    severity: Severity::Low,
    tags: TAGS,
    criteria: super::CAPACITY,
    params: &[
        Param {
            name: "memoryOnly",
            kind: ParamKind::Bool,
            default: "false",
            description: kit::cold!(
                "only require a sizeLimit on memory-backed emptyDirs (medium: Memory)"
            ),
        },
        Param {
            name: "maxSizeLimit",
            kind: ParamKind::String,
            default: "\"\"",
            description: kit::cold!("largest sizeLimit, e.g. \"10Gi\" (\"\" = no maximum)"),
        },
    ],
    validate_params: Some(|p| quantity_param(p, "maxSizeLimit").map(|_| ())),
    check: check_emptydir,
    ..Control::DEFAULTS
};

fn check_emptydir(ctx: &Ctx) -> Vec<Finding> {
    let p = ctx.params;
    let pod = ctx.pod();
    let memory_only = p.bool("memoryOnly");
    let max = quantity_param(&p, "maxSizeLimit").ok().flatten();
    let mut out = Vec::new();
    for (i, volume) in pod.volumes() {
        let Some(empty_dir) = volume.get("emptyDir").filter(|e| e.is_object()) else {
            continue;
        };
        let name = kit::json::get_str(volume, &["name"]).unwrap_or("");
        let memory = kit::json::get_str(empty_dir, &["medium"]) == Some("Memory");
        let path = pod.field_path(&kit::text!("volumes[{i}].emptyDir.sizeLimit"));
        match empty_dir.get("sizeLimit").filter(|v| !v.is_null()) {
            None if memory || !memory_only => out.push(Finding::new(
                path,
                kit::text!(
                    "{}emptyDir volume \"{name}\" has no sizeLimit",
                    if memory { "memory-backed " } else { "" }
                ),
            )),
            Some(v) => {
                if let (Some(max), Some(q)) = (max, Quantity::from_json(v))
                    && q > max
                {
                    out.push(Finding::new(
                        path,
                        kit::text!(
                            "emptyDir volume \"{name}\" sizeLimit {} is above the maximum {}",
                            shown(v),
                            p.string("maxSizeLimit")
                        ),
                    ));
                }
            }
            None => {}
        }
    }
    out
}
