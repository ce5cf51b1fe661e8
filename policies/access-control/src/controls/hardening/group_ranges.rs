//! Group ids within a range: `runAsGroup`, `supplementalGroups`, `fsGroup`
//! (Kubewarden `user-group-psp` and `allowed-fsgroups-psp`, Gatekeeper
//! `K8sPSPAllowedUsers`). PSS restricts the user id only, so a container may
//! still run with the root group (0) and read root-group-owned files.

use crate::controls::common::is_windows;
use kit::control::Params;
use kit::{Container, Control, Criteria, Ctx, Finding, Param, ParamKind, Severity};
use serde_json::Value;

const ID_RANGE: ParamKind = ParamKind::Integer {
    min: 0,
    max: i32::MAX as i64,
};

const MIN: Param = Param {
    name: "min",
    kind: ID_RANGE,
    default: "1",
    description: "Lowest allowed group id (1 excludes the root group)",
};
const MAX: Param = Param {
    name: "max",
    kind: ID_RANGE,
    default: "2147483647",
    description: "Highest allowed group id",
};

const CRITERIA: Criteria = Criteria {
    soc2: super::SOC2,
    iso27001: super::ISO,
    pss: &[],
    cis: &[],
};

pub static RUN_AS_GROUP: Control = Control {
    id: "run-as-group-range",
    title: "Containers run with a primary group id in the allowed range",
    rationale: "Without runAsGroup a container's processes run with the image's group, usually root (0): they can read and write every root-group file on shared volumes and in the image, whatever the non-root user id.",
    remediation: "set securityContext.runAsGroup (on the pod or on each container) to a group id within the allowed range",
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
            description: "Refuse containers whose group id is set neither on the container nor on the pod",
        },
    ],
    validate_params: Some(validate_range),
    check: check_run_as_group,
    ..Control::DEFAULTS
};

pub static SUPPLEMENTAL_GROUPS: Control = Control {
    id: "supplemental-groups-range",
    title: "Supplemental group ids are in the allowed range",
    rationale: "Every supplemental group is a membership of each container's processes: the root group (0) or a node-level group grants access to files the workload must not read.",
    remediation: "keep every entry of spec.securityContext.supplementalGroups within the allowed range",
    severity: Severity::Medium,
    tags: super::OPTIONAL,
    criteria: CRITERIA,
    params: &[MIN, MAX],
    validate_params: Some(validate_range),
    check: check_supplemental_groups,
    ..Control::DEFAULTS
};

pub static FS_GROUP: Control = Control {
    id: "fs-group-range",
    title: "The pod's fsGroup is in the allowed range",
    rationale: "The kubelet makes every volume of the pod group-owned by fsGroup: fsGroup 0 hands the volumes' contents to the root group, and a shared group id lets other workloads read them.",
    remediation: "set spec.securityContext.fsGroup to a group id within the allowed range",
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
            description: "Refuse pods without fsGroup",
        },
    ],
    validate_params: Some(validate_range),
    check: check_fs_group,
    ..Control::DEFAULTS
};

fn validate_range(p: &Params) -> Result<(), String> {
    let (min, max) = (p.int("min"), p.int("max"));
    if min > max {
        return Err(format!("min ({min}) is greater than max ({max})"));
    }
    Ok(())
}

/// Why `v` is not an allowed group id, if it is not.
fn out_of_range(v: &Value, min: i64, max: i64) -> Option<String> {
    match v.as_i64() {
        Some(id) if (min..=max).contains(&id) => None,
        Some(id) => Some(format!(
            "group id {id} is outside the allowed range {min}-{max}"
        )),
        None => Some(format!(
            "must be an integer group id, got {}",
            kit::json::brief(v, 40)
        )),
    }
}

fn set(v: Option<&Value>) -> Option<&Value> {
    v.filter(|v| !v.is_null())
}

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
        container: Some((c.name.to_string(), c.image.to_string())),
        message,
    };
    for c in pod.containers() {
        if let Some(v) = set(c.get(&["securityContext", "runAsGroup"])) {
            if let Some(why) = out_of_range(v, min, max) {
                findings.push(Finding::container(
                    &c,
                    "securityContext.runAsGroup",
                    format!("runAsGroup: {why}"),
                ));
            }
        } else if let Some(v) = pod_level {
            if let Some(why) = out_of_range(v, min, max) {
                findings.push(about(
                    &c,
                    pod.field_path("securityContext.runAsGroup"),
                    format!("runAsGroup (inherited from the pod): {why}"),
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
                    pod.field_path(&format!("securityContext.supplementalGroups[{i}]")),
                    format!("supplementalGroups[{i}]: {why}"),
                )
            })
        })
        .collect()
}

fn check_fs_group(ctx: &Ctx) -> Vec<Finding> {
    let pod = ctx.pod();
    if is_windows(pod) {
        return Vec::new();
    }
    let path = pod.field_path("securityContext.fsGroup");
    match set(pod.get(&["securityContext", "fsGroup"])) {
        Some(v) => out_of_range(v, ctx.params.int("min"), ctx.params.int("max"))
            .map(|why| vec![Finding::new(path, format!("fsGroup: {why}"))])
            .unwrap_or_default(),
        None if ctx.params.bool("required") => {
            vec![Finding::new(path, "fsGroup is not set")]
        }
        None => Vec::new(),
    }
}
