//! Resources: what each container asks the scheduler for and may consume (A1.1).
//!
//! Ephemeral containers are never checked here: the API server refuses
//! `resources` on them, so requiring any would forbid `kubectl debug`.

use crate::quantity::Quantity;
use kit::control::Params;
use kit::pod::ContainerList;
use kit::{Container, Control, Ctx, Finding, Param, ParamKind, PodTemplate, Severity};
use serde_json::Value;

const TAGS_DEFAULT: &[&str] = &["default", "resources"];
const TAGS: &[&str] = &["resources"];

/// Containers that may carry `resources`: regular ones, and init containers
/// unless `init` is false.
fn sized<'a>(pod: &'a PodTemplate<'a>, init: bool) -> impl Iterator<Item = Container<'a>> + 'a {
    pod.containers().filter(move |c| match c.list {
        ContainerList::Containers => true,
        ContainerList::InitContainers => init,
        ContainerList::EphemeralContainers => false,
    })
}

/// `resources.<section>.<name>` of a container or pod spec, when set.
fn value<'a>(v: &'a Value, section: &str, name: &str) -> Option<&'a Value> {
    kit::json::get(v, &["resources", section, name]).filter(|v| !v.is_null())
}

/// Field path of a resource, quoting names such as `nvidia.com/gpu`.
fn field(section: &str, name: &str) -> String {
    if name.contains(['.', '/']) {
        format!("resources.{section}['{name}']")
    } else {
        format!("resources.{section}.{name}")
    }
}

/// A quantity as written, for messages.
fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => kit::json::brief(other, 40),
    }
}

fn label(section: &str, name: &str) -> String {
    let what = match name {
        "cpu" => "CPU",
        other => other,
    };
    let kind = if section == "requests" {
        "request"
    } else {
        "limit"
    };
    format!("{what} {kind}")
}

/// Parses an optional quantity parameter ("" = unset).
fn quantity_param(p: &Params, name: &str) -> Result<Option<Quantity>, String> {
    let s = p.string(name);
    if s.is_empty() {
        return Ok(None);
    }
    match Quantity::parse(&s) {
        Some(q) if q.nanos() >= 0 => Ok(Some(q)),
        _ => Err(format!(
            "{name}: \"{s}\" is not a Kubernetes quantity such as \"500m\", \"2\" or \"1Gi\""
        )),
    }
}

const INIT_CONTAINERS: Param = Param {
    name: "initContainers",
    kind: ParamKind::Bool,
    default: "true",
    description: "also check init containers: they are scheduled and run like the app's containers, and the pod's effective request is the larger of the two",
};

// ---------------------------------------------------------------------------

pub static REQUESTS_LIMITS: Control = Control {
    id: "resources-requests-limits",
    title: "Containers declare CPU and memory requests and limits",
    rationale: "Requests are what the scheduler reserves; without them pods are packed onto nodes that cannot run them and are the first evicted under pressure. Limits bound what one container can take from its neighbours; a memory leak without a limit ends in node-wide OOM kills. A missing request is satisfied by a limit (the API server copies the limit into the request), and pod-level resources (spec.resources) satisfy the containers when enabled. Ephemeral containers cannot declare resources and are not checked.",
    remediation: "set resources.requests.cpu, resources.requests.memory, resources.limits.cpu and resources.limits.memory on every container (e.g. requests {cpu: 250m, memory: 256Mi}, limits {cpu: \"1\", memory: 256Mi})",
    severity: Severity::Medium,
    tags: TAGS_DEFAULT,
    criteria: super::CAPACITY,
    params: &[
        Param {
            name: "cpuRequest",
            kind: ParamKind::Bool,
            default: "true",
            description: "require a CPU request",
        },
        Param {
            name: "memoryRequest",
            kind: ParamKind::Bool,
            default: "true",
            description: "require a memory request",
        },
        Param {
            name: "cpuLimit",
            kind: ParamKind::Bool,
            default: "true",
            description: "require a CPU limit (teams that avoid CPU throttling set this to false and keep CPU requests)",
        },
        Param {
            name: "memoryLimit",
            kind: ParamKind::Bool,
            default: "true",
            description: "require a memory limit",
        },
        INIT_CONTAINERS,
        Param {
            name: "podLevelResources",
            kind: ParamKind::Bool,
            default: "true",
            description: "accept pod-level spec.resources (Kubernetes 1.32+) in place of the containers' own",
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
                format!("{} is not set", label(section, name)),
            ));
        }
    }
    out
}

// ---------------------------------------------------------------------------

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

pub static BOUNDS_CONTROL: Control = Control {
    id: "resources-bounds",
    title: "CPU and memory requests and limits stay within bounds",
    rationale: "A request larger than any node can offer never schedules; a tiny one hides real demand from capacity planning; a huge limit lets one container starve a node. Bounds keep every container within what the platform's nodes and quotas were sized for. Only values that are set are checked (resources-requests-limits requires them); init containers are checked too, ephemeral containers cannot declare resources.",
    remediation: "size the container's resources within the platform's bounds, or split the workload",
    severity: Severity::Medium,
    tags: TAGS,
    criteria: super::CAPACITY,
    params: &[
        bound(
            "minCpuRequest",
            "smallest CPU request, e.g. \"10m\" (\"\" = no minimum)",
        ),
        bound(
            "maxCpuRequest",
            "largest CPU request, e.g. \"8\" (\"\" = no maximum)",
        ),
        bound("minCpuLimit", "smallest CPU limit (\"\" = no minimum)"),
        bound(
            "maxCpuLimit",
            "largest CPU limit, e.g. \"16\" (\"\" = no maximum)",
        ),
        bound(
            "minMemoryRequest",
            "smallest memory request, e.g. \"32Mi\" (\"\" = no minimum)",
        ),
        bound(
            "maxMemoryRequest",
            "largest memory request, e.g. \"32Gi\" (\"\" = no maximum)",
        ),
        bound(
            "minMemoryLimit",
            "smallest memory limit (\"\" = no minimum)",
        ),
        bound(
            "maxMemoryLimit",
            "largest memory limit, e.g. \"64Gi\" (\"\" = no maximum)",
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
            return Err(format!(
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
                    format!(
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
                        format!(
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

// ---------------------------------------------------------------------------

pub static RATIO: Control = Control {
    id: "resources-limit-request-ratio",
    title: "Limits stay within a ratio of requests",
    rationale: "The scheduler places pods by their requests, so the gap between limit and request is capacity that was never reserved. With a large ratio many pods on a node can burst at once past what the node has: CPU is throttled across the node and memory pressure evicts or OOM-kills pods. The ratio mirrors a LimitRange's maxLimitRequestRatio, enforced before the pod reaches the namespace. Init containers are checked too; ephemeral containers cannot declare resources.",
    remediation: "raise the request or lower the limit so that limit <= ratio x request (a ratio of 1 gives the Guaranteed QoS class)",
    severity: Severity::Low,
    tags: TAGS,
    criteria: super::CAPACITY,
    params: &[
        Param {
            name: "maxCpuRatio",
            kind: ParamKind::String,
            default: "\"4\"",
            description: "largest CPU limit/request ratio, a quantity such as \"4\" or \"1.5\" (\"\" = not checked)",
        },
        Param {
            name: "maxMemoryRatio",
            kind: ParamKind::String,
            default: "\"2\"",
            description: "largest memory limit/request ratio (\"1\" = limit equals request; \"\" = not checked)",
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
            return Err(format!(
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
                    format!(
                        "{what} request is 0 with a limit of {}: the limit/request ratio is unbounded",
                        shown(limit_v)
                    ),
                ));
            } else if limit > request.times(ratio) {
                out.push(Finding::container(
                    &c,
                    &field("limits", name),
                    format!(
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

// ---------------------------------------------------------------------------

pub static EPHEMERAL_STORAGE: Control = Control {
    id: "resources-ephemeral-storage",
    title: "Containers declare ephemeral-storage requests and limits",
    rationale: "Container logs, writable layers and emptyDir volumes share the node's disk. Without an ephemeral-storage request the scheduler ignores disk, and without a limit one container can fill the disk until the kubelet evicts every pod on the node. A missing request is satisfied by the limit (the API server copies it). Ephemeral containers cannot declare resources and are not checked.",
    remediation: "set resources.requests.ephemeral-storage and resources.limits.ephemeral-storage (e.g. 1Gi / 2Gi)",
    severity: Severity::Low,
    tags: TAGS,
    criteria: super::CAPACITY,
    params: &[
        Param {
            name: "request",
            kind: ParamKind::Bool,
            default: "true",
            description: "require an ephemeral-storage request (or a limit, which the request defaults to)",
        },
        Param {
            name: "limit",
            kind: ParamKind::Bool,
            default: "true",
            description: "require an ephemeral-storage limit",
        },
        Param {
            name: "maxLimit",
            kind: ParamKind::String,
            default: "\"\"",
            description: "largest ephemeral-storage limit, e.g. \"10Gi\" (\"\" = no maximum)",
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
                        format!(
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

// ---------------------------------------------------------------------------

pub static EMPTYDIR: Control = Control {
    id: "resources-emptydir-size-limit",
    title: "emptyDir volumes declare a sizeLimit",
    rationale: "An emptyDir without sizeLimit grows until the node's disk (or, for medium: Memory, the node's memory) runs out, and the kubelet then evicts pods that did nothing wrong. A sizeLimit makes the kubelet evict only the pod that overflows its own volume.",
    remediation: "set emptyDir.sizeLimit on the volume (e.g. emptyDir: {sizeLimit: 500Mi})",
    severity: Severity::Low,
    tags: TAGS,
    criteria: super::CAPACITY,
    params: &[
        Param {
            name: "memoryOnly",
            kind: ParamKind::Bool,
            default: "false",
            description: "only require a sizeLimit on memory-backed emptyDirs (medium: Memory)",
        },
        Param {
            name: "maxSizeLimit",
            kind: ParamKind::String,
            default: "\"\"",
            description: "largest sizeLimit, e.g. \"10Gi\" (\"\" = no maximum)",
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
        let path = pod.field_path(&format!("volumes[{i}].emptyDir.sizeLimit"));
        match empty_dir.get("sizeLimit").filter(|v| !v.is_null()) {
            None if memory || !memory_only => out.push(Finding::new(
                path,
                format!(
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
                        format!(
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

// ---------------------------------------------------------------------------

pub static EXTENDED: Control = Control {
    id: "resources-extended-requests-equal-limits",
    title: "Extended resources (GPUs) and hugepages have limits equal to requests",
    rationale: "Extended resources such as nvidia.com/gpu and hugepages cannot be overcommitted: a device is held by one container at a time. A request without a limit, or different from it, describes an allocation the node cannot honour. The API server rejects such Pods at creation, which is late for a Deployment (its ReplicaSet just never gets pods): this control refuses the workload itself and reports the same mistake in audits and CI. Init containers are checked too; ephemeral containers cannot declare resources.",
    remediation: "set the extended resource in resources.limits (the request defaults to it), or make the request equal to the limit",
    severity: Severity::Medium,
    tags: TAGS_DEFAULT,
    criteria: super::CAPACITY,
    check: check_extended,
    ..Control::DEFAULTS
};

/// Kubernetes' `IsOvercommitAllowed`: native resources (no domain, or a
/// `kubernetes.io/` one) except hugepages.
fn overcommittable(name: &str) -> bool {
    let native = !name.contains('/') || name.contains("kubernetes.io/");
    native && !name.starts_with("hugepages-")
}

fn check_extended(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in sized(ctx.pod(), true) {
        let Some(requests) = c.get(&["resources", "requests"]).and_then(Value::as_object) else {
            continue;
        };
        for (name, request) in requests {
            if overcommittable(name) || request.is_null() {
                continue;
            }
            match value(c.raw, "limits", name) {
                None => out.push(Finding::container(
                    &c,
                    &field("limits", name),
                    format!("{name} is requested ({}) without a limit", shown(request)),
                )),
                Some(limit) => {
                    if Quantity::from_json(request) != Quantity::from_json(limit) {
                        out.push(Finding::container(
                            &c,
                            &field("requests", name),
                            format!(
                                "{name} request {} differs from its limit {}",
                                shown(request),
                                shown(limit)
                            ),
                        ));
                    }
                }
            }
        }
    }
    out
}

pub static CONTROLS: &[&Control] = &[
    &REQUESTS_LIMITS,
    &BOUNDS_CONTROL,
    &RATIO,
    &EPHEMERAL_STORAGE,
    &EMPTYDIR,
    &EXTENDED,
];
