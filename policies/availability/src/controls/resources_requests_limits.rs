//! Control `resources-requests-limits`.
//! Shared helpers: [`super::resources`].

use super::resources::*;
use kit::Value;
use kit::{Control, Ctx, Finding, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "resources-requests-limits",
    title: kit::cold!("Containers declare CPU and memory requests and limits"),
    rationale: kit::cold!(
        "Requests are what the scheduler reserves; without them pods are packed onto nodes that cannot run them and are the first evicted under pressure. Limits bound what one container can take from its neighbours; a memory leak without a limit ends in node-wide OOM kills. A missing request is satisfied by a limit (the API server copies the limit into the request), and pod-level resources (spec.resources) satisfy the containers when enabled. Ephemeral containers cannot declare resources and are not checked."
    ),
    remediation: kit::cold!(
        "set resources.requests.cpu, resources.requests.memory, resources.limits.cpu and resources.limits.memory on every container (e.g. requests {cpu: 250m, memory: 256Mi}, limits {cpu: \"1\", memory: 256Mi})"
    ),
    severity: Severity::Medium,
    tags: TAGS_DEFAULT,
    criteria: super::CAPACITY,
    params: &[
        Param {
            name: "cpuRequest",
            kind: ParamKind::Bool,
            default: "true",
            description: kit::cold!("require a CPU request"),
        },
        Param {
            name: "memoryRequest",
            kind: ParamKind::Bool,
            default: "true",
            description: kit::cold!("require a memory request"),
        },
        Param {
            name: "cpuLimit",
            kind: ParamKind::Bool,
            default: "true",
            description: kit::cold!(
                "require a CPU limit (teams that avoid CPU throttling set this to false and keep CPU requests)"
            ),
        },
        Param {
            name: "memoryLimit",
            kind: ParamKind::Bool,
            default: "true",
            description: kit::cold!("require a memory limit"),
        },
        INIT_CONTAINERS,
        Param {
            name: "podLevelResources",
            kind: ParamKind::Bool,
            default: "true",
            description: kit::cold!(
                "accept pod-level spec.resources (Kubernetes 1.32+) in place of the containers' own"
            ),
        },
    ],
    check: check_requests_limits,
    ..Control::DEFAULTS
};

fn check_requests_limits(ctx: &Ctx) -> Vec<Finding> {
    let p = ctx.params;
    let pod = ctx.pod();
    let wanted = [
        ("requests", "cpu", p.bool("cpuRequest")),
        ("requests", "memory", p.bool("memoryRequest")),
        ("limits", "cpu", p.bool("cpuLimit")),
        ("limits", "memory", p.bool("memoryLimit")),
    ];
    // Set = set here, or (for a request) implied by the limit the API server copies into it.
    let set = |v: &Value, section: &str, name: &str| {
        value(v, section, name).is_some()
            || (section == "requests" && value(v, "limits", name).is_some())
    };
    let pod_level = p.bool("podLevelResources");
    let mut out = Vec::new();
    for c in sized(pod, p.bool("initContainers")) {
        for (section, name, on) in wanted {
            if !on || set(c.raw, section, name) || (pod_level && set(pod.spec, section, name)) {
                continue;
            }
            out.push(Finding::container(
                &c,
                &field(section, name),
                kit::text!("{} is not set", label(section, name)),
            ));
        }
    }
    out
}
