//! Context-aware: workloads classified at or above a level share nothing
//! with the node (host namespaces, hostPath) and run images from the
//! organisation's registries only.

use crate::classification::{rank_of, workload_level};
use kit::glob::any_matches;
use kit::{Control, Ctx, Finding, Flag, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "classified-workload-isolation",
    title: kit::cold!(
        "Workloads classified confidential or above are isolated from the node and use private registries"
    ),
    rationale: kit::cold!(
        "A pod on the host network sees every node-local flow, host PID/IPC namespaces expose other pods' processes and memory, and a hostPath volume reads other pods' data on disk: for confidential data the pod boundary must hold whatever the namespace's Pod Security level. Images from public registries can be replaced upstream and pull from outside the organisation's supply chain. Applies to workloads at or above minimumLevel (their pods' classification label, else their namespace's, read through context)."
    ),
    remediation: kit::cold!(
        "remove hostNetwork, hostPID, hostIPC and hostPath volumes from the pod spec, and pull images from a registry in allowedRegistries"
    ),
    severity: Severity::High,
    tags: &["classification", "context-aware"],
    criteria: super::CLASSIFIED,
    params: &[
        Param {
            name: "minimumLevel",
            kind: ParamKind::String,
            default: r#""confidential""#,
            description: kit::cold!(
                "Lowest classification level (one of classificationLevels) this applies to"
            ),
        },
        Param {
            name: "allowedRegistries",
            kind: ParamKind::StringList,
            default: "[]",
            description: kit::cold!(
                "Image globs (e.g. registry.example.com/*) classified workloads may run; empty: images are not checked"
            ),
        },
    ],
    reads: &[("v1", "Namespace")],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let pod = ctx.pod();
    // Cheap checks first: a compliant pod needs no lookup at all.
    let mut out = Vec::new();
    for field in ["hostNetwork", "hostPID", "hostIPC"] {
        if Flag::of(pod.get(&[field])).may_be_true() {
            out.push(Finding::new(
                pod.field_path(field),
                kit::text!("{field} shares the node's namespace with the pods"),
            ));
        }
    }
    for (i, v) in pod.volumes() {
        if v.get("hostPath").is_some_and(|h| !h.is_null()) {
            out.push(Finding::new(
                pod.field_path(&kit::text!("volumes[{i}].hostPath")),
                "a hostPath volume reads and writes the node's disk",
            ));
        }
    }
    let registries = ctx.params.strings("allowedRegistries");
    if !registries.is_empty() {
        for c in pod.containers() {
            if !any_matches(&registries, c.image) {
                out.push(Finding::container(
                    &c,
                    "image",
                    kit::text!(
                        "{} runs image \"{}\", not from allowedRegistries",
                        c.describe(),
                        crate::classification::bounded(c.image)
                    ),
                ));
            }
        }
    }
    if out.is_empty() {
        return out;
    }
    let level = match workload_level(ctx) {
        Ok(l) => l,
        Err(f) => return vec![f],
    };
    let min = match rank_of(ctx, "minimumLevel") {
        Ok(r) => r,
        Err(m) => return vec![Finding::new(pod.field_path("containers"), m)],
    };
    if level.rank < min {
        return Vec::new();
    }
    for f in &mut out {
        f.message = kit::text!(
            "{} (the workload is classified {}, {})",
            f.message,
            level.name,
            level.source
        );
    }
    out
}
