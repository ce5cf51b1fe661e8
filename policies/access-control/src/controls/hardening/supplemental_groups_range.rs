//! Control `supplemental-groups-range`.
//! Shared helpers: [`super::group_ranges`].

use super::group_ranges::*;
use crate::controls::common::is_windows;
use kit::{Control, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "supplemental-groups-range",
    title: kit::cold!("Supplemental group ids are in the allowed range"),
    rationale: kit::cold!(
        "Every supplemental group is a membership of each container's processes: the root group (0) or a node-level group grants access to files the workload must not read."
    ),
    remediation: kit::cold!(
        "keep every entry of spec.securityContext.supplementalGroups within the allowed range"
    ),
    severity: Severity::Medium,
    tags: super::OPTIONAL,
    criteria: CRITERIA,
    params: &[MIN, MAX],
    validate_params: Some(validate_range),
    check: check_supplemental_groups,
    ..Control::DEFAULTS
};

fn check_supplemental_groups(ctx: &Ctx) -> Vec<Finding> {
    let pod = ctx.pod();
    if is_windows(pod) {
        return Vec::new();
    }
    let groups = kit::json::get_array(pod.spec, &["securityContext", "supplementalGroups"]);
    if groups.is_empty() {
        return Vec::new();
    }
    let (min, max) = (ctx.params.int("min"), ctx.params.int("max"));
    groups
        .iter()
        .enumerate()
        .filter_map(|(i, g)| {
            out_of_range(g, min, max).map(|why| {
                Finding::new(
                    pod.field_path(&kit::text!("securityContext.supplementalGroups[{i}]")),
                    kit::text!("supplementalGroups[{i}]: {why}"),
                )
            })
        })
        .collect()
}
