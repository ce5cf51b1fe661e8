//! Health: probes that let Kubernetes route traffic only to ready containers
//! and restart the ones that hang (A1.2).
//!
//! Probes apply to long-running pods only. Job and CronJob pods (and Pods run by
//! a Job, or with restartPolicy Never/OnFailure) run to completion: a readiness
//! probe gates no traffic and a liveness probe only kills a batch step midway.
//! Plain init containers and ephemeral containers cannot have probes (the API
//! server refuses them); sidecars (init containers with restartPolicy: Always)
//! can, and are checked where the `sidecars` parameter says so.

use kit::Value;
use kit::pod::ContainerList;
use kit::{Container, Ctx, Param, ParamKind, json};

pub(crate) const TAGS_DEFAULT: &[&str] = &["default", "health"];
pub(crate) const TAGS: &[&str] = &["health"];

pub(crate) const PROBES: [&str; 3] = ["livenessProbe", "readinessProbe", "startupProbe"];

pub(crate) const SIDECARS: Param = Param {
    name: "sidecars",
    kind: ParamKind::Bool,
    default: "false",
    description: kit::cold!(
        "also require probes on sidecars (init containers with restartPolicy: Always), which run for the pod's whole life"
    ),
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

pub(crate) fn is_sidecar(c: &Container) -> bool {
    c.list == ContainerList::InitContainers
        && c.get(&["restartPolicy"]).and_then(Value::as_str) == Some("Always")
}

/// Containers that run for the pod's life: regular ones, and sidecars if asked.
pub(crate) fn serving<'a>(
    ctx: &'a Ctx,
    sidecars: bool,
) -> impl Iterator<Item = Container<'a>> + 'a {
    ctx.pod().containers().filter(move |c| match c.list {
        ContainerList::Containers => true,
        ContainerList::InitContainers => sidecars && is_sidecar(c),
        ContainerList::EphemeralContainers => false,
    })
}

/// Containers that may carry probes at all: regular ones and sidecars.
pub(crate) fn probed<'a>(ctx: &'a Ctx) -> impl Iterator<Item = Container<'a>> + 'a {
    serving(ctx, true)
}

pub(crate) fn probe<'a>(c: &Container<'a>, which: &str) -> Option<&'a Value> {
    c.get(&[which]).filter(|p| p.is_object())
}
