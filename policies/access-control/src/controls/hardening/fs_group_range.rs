//! Control `fs-group-range`.
//! Shared helpers: [`super::group_ranges`].

use super::group_ranges::*;
use crate::controls::common::is_windows;
use kit::{Control, Ctx, Finding, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "fs-group-range",
    title: kit::cold!("The pod's fsGroup is in the allowed range"),
    rationale: kit::cold!(
        "The kubelet makes every volume of the pod group-owned by fsGroup: fsGroup 0 hands the volumes' contents to the root group, and a shared group id lets other workloads read them."
    ),
    remediation: kit::cold!(
        "set spec.securityContext.fsGroup to a group id within the allowed range"
    ),
    severity: Severity::Medium,
    tags: super::OPTIONAL,
    criteria: CRITERIA,
    params: &[
        MIN,
        MAX,
        Param {
            name: "required",
            kind: ParamKind::Bool,
            default: "false",
            description: kit::cold!("Refuse pods without fsGroup"),
        },
    ],
    validate_params: Some(validate_range),
    check: check_fs_group,
    ..Control::DEFAULTS
};

fn check_fs_group(ctx: &Ctx) -> Vec<Finding> {
    let pod = ctx.pod();
    if is_windows(pod) {
        return Vec::new();
    }
    let path = pod.field_path("securityContext.fsGroup");
    match set(pod.get(&["securityContext", "fsGroup"])) {
        Some(v) => out_of_range(v, ctx.params.int("min"), ctx.params.int("max"))
            .map(|why| vec![Finding::new(path, kit::text!("fsGroup: {why}"))])
            .unwrap_or_default(),
        None if ctx.params.bool("required") => {
            vec![Finding::new(path, "fsGroup is not set")]
        }
        None => Vec::new(),
    }
}
