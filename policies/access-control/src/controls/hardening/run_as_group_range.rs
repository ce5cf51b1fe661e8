//! Control `run-as-group-range`.
//! Shared helpers: [`super::group_ranges`].

use super::group_ranges::*;
use crate::controls::common::is_windows;
use kit::{Container, Control, Ctx, Finding, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "run-as-group-range",
    title: kit::cold!("Containers run with a primary group id in the allowed range"),
    rationale: kit::cold!(
        "Without runAsGroup a container's processes run with the image's group, usually root (0): they can read and write every root-group file on shared volumes and in the image, whatever the non-root user id."
    ),
    remediation: kit::cold!(
        "set securityContext.runAsGroup (on the pod or on each container) to a group id within the allowed range"
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
            default: "true",
            description: kit::cold!(
                "Refuse containers whose group id is set neither on the container nor on the pod"
            ),
        },
    ],
    validate_params: Some(validate_range),
    check: check_run_as_group,
    ..Control::DEFAULTS
};

fn check_run_as_group(ctx: &Ctx) -> Vec<Finding> {
    let pod = ctx.pod();
    if is_windows(pod) {
        return Vec::new();
    }
    let pod_level = set(pod.get(&["securityContext", "runAsGroup"]));
    // Parameters are read once, lazily: most pods comply without a lookup of `required`.
    let (min, max) = (ctx.params.int("min"), ctx.params.int("max"));
    let mut required: Option<bool> = None;
    let mut findings = Vec::new();
    let about = |c: &Container, path: String, message: String| Finding {
        path,
        container: Some(c.identity()),
        message,
    };
    for c in pod.containers() {
        if let Some(v) = set(c.security_context(&["runAsGroup"])) {
            if let Some(why) = out_of_range(v, min, max) {
                findings.push(Finding::container(
                    &c,
                    "securityContext.runAsGroup",
                    kit::text!("runAsGroup: {why}"),
                ));
            }
        } else if let Some(v) = pod_level {
            if let Some(why) = out_of_range(v, min, max) {
                findings.push(about(
                    &c,
                    pod.field_path("securityContext.runAsGroup"),
                    kit::text!("runAsGroup (inherited from the pod): {why}"),
                ));
            }
        } else if *required.get_or_insert_with(|| ctx.params.bool("required")) {
            findings.push(Finding::container(
                &c,
                "securityContext.runAsGroup",
                "runAsGroup is set neither on the container nor on the pod (processes run with the image's group, usually root)",
            ));
        }
    }
    findings
}
