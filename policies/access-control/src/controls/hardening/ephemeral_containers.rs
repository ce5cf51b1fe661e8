//! Ephemeral (debug) containers (Kyverno `block-ephemeral-containers`).
//!
//! `kubectl debug` adds them through the `pods/ephemeralcontainers`
//! subresource, an UPDATE of the Pod that the engine evaluates like the Pod
//! itself. Ephemeral containers can never be removed, so only those *added* by
//! the request are refused: a pod debugged before the control was enabled can
//! still be updated.

use kit::Value;
use kit::pod::ContainerList;
use kit::{Control, Criteria, Ctx, Finding, PodTemplate, Severity};

pub static CONTROL: Control = Control {
    id: "block-ephemeral-containers",
    title: kit::cold!("Ephemeral debug containers are not added to running pods"),
    rationale: kit::cold!(
        "An ephemeral container runs an arbitrary image inside a live pod, next to its processes, volumes and service-account token: it is interactive access to production that bypasses the workload's review and its image controls."
    ),
    remediation: kit::cold!(
        "debug a copy of the pod (kubectl debug --copy-to) or grant time-bound access through an exemption for the on-call group (exemptions: [{groups: [...], controls: [block-ephemeral-containers]}])"
    ),
    severity: Severity::Medium,
    tags: &["hardening", "runtime-access"],
    criteria: Criteria {
        soc2: &["CC6.1", "CC6.8"],
        iso27001: &["A.8.2", "A.8.19"],
        pss: &[],
        cis: &[],
    },
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let pod = ctx.pod();
    if kit::json::get_array(pod.spec, &["ephemeralContainers"]).is_empty() {
        return Vec::new();
    }
    // Names present before this request (UPDATE only).
    let old = PodTemplate::extract(&ctx.request.kind, &ctx.request.old_object)
        .ok()
        .flatten();
    let existed = |name: &str| {
        old.as_ref().is_some_and(|o| {
            kit::json::get_array(o.spec, &["ephemeralContainers"])
                .iter()
                .any(|c| c.get("name").and_then(Value::as_str) == Some(name))
        })
    };
    pod.containers()
        .filter(|c| c.list == ContainerList::EphemeralContainers && !existed(c.name))
        .map(|c| {
            Finding::container(
                &c,
                "",
                kit::text!(
                    "ephemeral container \"{}\" (image \"{}\") is added to the pod",
                    c.name,
                    c.image
                ),
            )
        })
        .collect()
}
