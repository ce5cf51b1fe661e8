//! Health: probes that let Kubernetes route traffic only to ready containers
//! and restart the ones that hang (A1.2).
//!
//! Probes apply to long-running pods only. Job and CronJob pods (and Pods run by
//! a Job, or with restartPolicy Never/OnFailure) run to completion: a readiness
//! probe gates no traffic and a liveness probe only kills a batch step midway.
//! Plain init containers and ephemeral containers cannot have probes (the API
//! server refuses them); sidecars (init containers with restartPolicy: Always)
//! can, and are checked where the `sidecars` parameter says so.

use kit::pod::ContainerList;
use kit::{Container, Control, Ctx, Finding, Param, ParamKind, Severity, json};
use serde_json::Value;

const TAGS_DEFAULT: &[&str] = &["default", "health"];
const TAGS: &[&str] = &["health"];

const PROBES: [&str; 3] = ["livenessProbe", "readinessProbe", "startupProbe"];

const SIDECARS: Param = Param {
    name: "sidecars",
    kind: ParamKind::Bool,
    default: "false",
    description: "also require probes on sidecars (init containers with restartPolicy: Always), which run for the pod's whole life",
};

/// Whether the pod runs until it is stopped, rather than to completion.
pub fn long_running(ctx: &Ctx) -> bool {
    match ctx.request.kind.as_str() {
        "Job" | "CronJob" => false,
        "Pod" => {
            let object = ctx.object();
            let batch = super::controller_kind(object) == Some("Job");
            let restart = json::get_str(object, &["spec", "restartPolicy"]).unwrap_or("Always");
            !batch && restart == "Always"
        }
        _ => true,
    }
}

fn is_sidecar(c: &Container) -> bool {
    c.list == ContainerList::InitContainers
        && c.get(&["restartPolicy"]).and_then(Value::as_str) == Some("Always")
}

/// Containers that run for the pod's life: regular ones, and sidecars if asked.
fn serving<'a>(ctx: &'a Ctx, sidecars: bool) -> impl Iterator<Item = Container<'a>> + 'a {
    ctx.pod().containers().filter(move |c| match c.list {
        ContainerList::Containers => true,
        ContainerList::InitContainers => sidecars && is_sidecar(c),
        ContainerList::EphemeralContainers => false,
    })
}

/// Containers that may carry probes at all: regular ones and sidecars.
fn probed<'a>(ctx: &'a Ctx) -> impl Iterator<Item = Container<'a>> + 'a {
    serving(ctx, true)
}

fn probe<'a>(c: &Container<'a>, which: &str) -> Option<&'a Value> {
    c.get(&[which]).filter(|p| p.is_object())
}

// ---------------------------------------------------------------------------

pub static LIVENESS_READINESS: Control = Control {
    id: "probes-liveness-readiness",
    title: "Long-running containers have liveness and readiness probes",
    rationale: "Without a readiness probe a Service sends traffic to a container as soon as it starts and keeps sending it while it cannot answer; without a liveness probe a deadlocked process is never restarted. Not applicable to Job and CronJob pods (and Pods with restartPolicy Never or OnFailure), which run to completion, nor to plain init containers and ephemeral containers, which cannot have probes; sidecars are checked when the sidecars parameter is true.",
    remediation: "add a readinessProbe that fails while the container cannot serve, and a livenessProbe that fails only when the process must be restarted",
    severity: Severity::Medium,
    tags: TAGS_DEFAULT,
    criteria: super::RECOVERY,
    params: &[
        Param {
            name: "liveness",
            kind: ParamKind::Bool,
            default: "true",
            description: "require a livenessProbe",
        },
        Param {
            name: "readiness",
            kind: ParamKind::Bool,
            default: "true",
            description: "require a readinessProbe",
        },
        SIDECARS,
    ],
    validate_params: Some(|p| {
        if p.bool("liveness") || p.bool("readiness") {
            Ok(())
        } else {
            Err("liveness and readiness are both false; skip the control instead".into())
        }
    }),
    check: check_liveness_readiness,
    ..Control::DEFAULTS
};

fn check_liveness_readiness(ctx: &Ctx) -> Vec<Finding> {
    if !long_running(ctx) {
        return Vec::new();
    }
    let p = ctx.params;
    let wanted = [
        ("livenessProbe", "liveness", p.bool("liveness")),
        ("readinessProbe", "readiness", p.bool("readiness")),
    ];
    let mut out = Vec::new();
    for c in serving(ctx, p.bool("sidecars")) {
        for (field, word, on) in wanted {
            if on && probe(&c, field).is_none() {
                out.push(Finding::container(
                    &c,
                    field,
                    format!("{} has no {word} probe", c.describe()),
                ));
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------

pub static STARTUP: Control = Control {
    id: "probes-startup",
    title: "Long-running containers have a startup probe",
    rationale: "A slow-starting container is killed by its liveness probe before it is up, and a long initialDelaySeconds to avoid that also delays the detection of every later hang. A startup probe holds the liveness probe back only until the first success. Not applicable to Job and CronJob pods, plain init containers or ephemeral containers (see probes-liveness-readiness).",
    remediation: "add a startupProbe (e.g. the liveness check with failureThreshold x periodSeconds covering the slowest start) and drop initialDelaySeconds from the liveness probe",
    severity: Severity::Low,
    tags: TAGS,
    criteria: super::RECOVERY,
    params: &[SIDECARS],
    check: check_startup,
    ..Control::DEFAULTS
};

fn check_startup(ctx: &Ctx) -> Vec<Finding> {
    if !long_running(ctx) {
        return Vec::new();
    }
    serving(ctx, ctx.params.bool("sidecars"))
        .filter(|c| probe(c, "startupProbe").is_none())
        .map(|c| {
            Finding::container(
                &c,
                "startupProbe",
                format!("{} has no startup probe", c.describe()),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------

pub static TIMING: Control = Control {
    id: "probes-timing",
    title: "Probe timings stay within bounds",
    rationale: "Probing every second loads the application and the kubelet for nothing; probing every few minutes leaves a dead container in service for minutes. A liveness probe that restarts on the first failure turns one slow response (a GC pause, a busy node) into a restart storm. A long initialDelaySeconds delays every restart's recovery; a startup probe is the tool for slow starts. Unset fields count at their Kubernetes defaults (periodSeconds 10, failureThreshold 3, initialDelaySeconds 0). Applies wherever probes exist: containers and sidecars, in every kind.",
    remediation: "keep periodSeconds and failureThreshold within the bounds, and replace long initialDelaySeconds with a startupProbe",
    severity: Severity::Low,
    tags: TAGS,
    criteria: super::RECOVERY,
    params: &[
        Param {
            name: "minPeriodSeconds",
            kind: ParamKind::Integer { min: 1, max: 3600 },
            default: "5",
            description: "smallest periodSeconds of liveness and readiness probes (startup probes may poll faster)",
        },
        Param {
            name: "maxPeriodSeconds",
            kind: ParamKind::Integer { min: 1, max: 3600 },
            default: "60",
            description: "largest periodSeconds of liveness and readiness probes",
        },
        Param {
            name: "minLivenessFailureThreshold",
            kind: ParamKind::Integer { min: 1, max: 100 },
            default: "3",
            description: "smallest failureThreshold of liveness probes",
        },
        Param {
            name: "maxInitialDelaySeconds",
            kind: ParamKind::Integer { min: 0, max: 86400 },
            default: "300",
            description: "largest initialDelaySeconds of liveness and readiness probes",
        },
    ],
    validate_params: Some(|p| super::ordered(p, "minPeriodSeconds", "maxPeriodSeconds")),
    check: check_timing,
    ..Control::DEFAULTS
};

fn check_timing(ctx: &Ctx) -> Vec<Finding> {
    let p = ctx.params;
    let (min_period, max_period) = (p.int("minPeriodSeconds"), p.int("maxPeriodSeconds"));
    let min_failures = p.int("minLivenessFailureThreshold");
    let max_delay = p.int("maxInitialDelaySeconds");
    let mut out = Vec::new();
    for c in probed(ctx) {
        for which in ["livenessProbe", "readinessProbe"] {
            let Some(pr) = probe(&c, which) else { continue };
            let int = |k: &str, default: i64| json::get_i64(pr, &[k]).unwrap_or(default);
            let period = int("periodSeconds", 10);
            if period < min_period || period > max_period {
                out.push(Finding::container(
                    &c,
                    &format!("{which}.periodSeconds"),
                    format!("{which} runs every {period}s, outside {min_period}s..{max_period}s"),
                ));
            }
            let delay = int("initialDelaySeconds", 0);
            if delay > max_delay {
                out.push(Finding::container(
                    &c,
                    &format!("{which}.initialDelaySeconds"),
                    format!(
                        "{which} waits {delay}s before its first check, above {max_delay}s; use a startupProbe"
                    ),
                ));
            }
            if which == "livenessProbe" {
                let failures = int("failureThreshold", 3);
                if failures < min_failures {
                    out.push(Finding::container(
                        &c,
                        "livenessProbe.failureThreshold",
                        format!(
                            "livenessProbe restarts the container after {failures} failure(s), below {min_failures}"
                        ),
                    ));
                }
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------

pub static DISTINCT: Control = Control {
    id: "probes-distinct",
    title: "Liveness and readiness probes check different things",
    rationale: "Readiness answers \"can I serve now?\" and may fail while a database is down; liveness answers \"must I be restarted?\". When both run the same check, a dependency outage fails the liveness probe of every replica and Kubernetes restarts them all, turning a partial outage into a full one. Compared on the probe's handler (exec, httpGet, tcpSocket or grpc); applies to containers and sidecars wherever both probes exist.",
    remediation: "point the livenessProbe at a check of the process itself (e.g. /livez) and the readinessProbe at a check of its ability to serve (e.g. /readyz)",
    severity: Severity::Low,
    tags: TAGS,
    criteria: super::RECOVERY,
    check: check_distinct,
    ..Control::DEFAULTS
};

const HANDLERS: [&str; 4] = ["exec", "httpGet", "tcpSocket", "grpc"];

fn handler(probe: &Value) -> Option<(&'static str, &Value)> {
    HANDLERS
        .into_iter()
        .find_map(|h| probe.get(h).filter(|v| !v.is_null()).map(|v| (h, v)))
}

fn check_distinct(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in probed(ctx) {
        let (Some(live), Some(ready)) = (probe(&c, "livenessProbe"), probe(&c, "readinessProbe"))
        else {
            continue;
        };
        if let (Some((h, a)), Some(b)) = (handler(live), handler(ready))
            && (h, a) == b
        {
            out.push(Finding::container(
                &c,
                &format!("livenessProbe.{h}"),
                format!(
                    "livenessProbe and readinessProbe run the same {h} check {}",
                    json::brief(a, 80)
                ),
            ));
        }
    }
    out
}

// ---------------------------------------------------------------------------

pub static PORT_DECLARED: Control = Control {
    id: "probes-port-declared",
    title: "Probes target a port the container declares",
    rationale: "A probe on a named port the container does not declare can never succeed: the kubelet fails it on every run, so the container never becomes ready or is restarted in a loop. The API server does not catch the typo. With numericPorts, numeric probe ports must be declared too, which catches probes left on an old port after the application moved. Applies to containers and sidecars wherever probes exist.",
    remediation: "declare the port in the container's ports (name and containerPort) or point the probe at a declared one",
    severity: Severity::Medium,
    tags: TAGS_DEFAULT,
    criteria: super::RECOVERY,
    params: &[Param {
        name: "numericPorts",
        kind: ParamKind::Bool,
        default: "false",
        description: "also require numeric probe ports to be declared as a containerPort",
    }],
    check: check_port_declared,
    ..Control::DEFAULTS
};

fn check_port_declared(ctx: &Ctx) -> Vec<Finding> {
    let numeric = ctx.params.bool("numericPorts");
    let mut out = Vec::new();
    for c in probed(ctx) {
        let ports = json::get_array(c.raw, &["ports"]);
        for which in PROBES {
            let Some(pr) = probe(&c, which) else { continue };
            for h in ["httpGet", "tcpSocket", "grpc"] {
                let Some(port) = json::get(pr, &[h, "port"]) else {
                    continue;
                };
                let declared = match port {
                    Value::String(name) => ports
                        .iter()
                        .any(|p| json::get_str(p, &["name"]) == Some(name.as_str())),
                    Value::Number(n) if numeric => ports.iter().any(|p| {
                        json::get(p, &["containerPort"]).and_then(Value::as_i64) == n.as_i64()
                    }),
                    _ => true,
                };
                if !declared {
                    out.push(Finding::container(
                        &c,
                        &format!("{which}.{h}.port"),
                        format!(
                            "{which} targets port {port}, which {} does not declare",
                            c.describe()
                        ),
                    ));
                }
            }
        }
    }
    out
}

pub static CONTROLS: &[&Control] = &[
    &LIVENESS_READINESS,
    &STARTUP,
    &TIMING,
    &DISTINCT,
    &PORT_DECLARED,
];
