//! Control `resources-extended-requests-equal-limits`.
//! Shared helpers: [`super::resources`].

use super::resources::*;
use crate::quantity::Quantity;
use kit::Value;
use kit::{Control, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "resources-extended-requests-equal-limits",
    title: kit::cold!("Extended resources (GPUs) and hugepages have limits equal to requests"),
    rationale: kit::cold!(
        "Extended resources such as nvidia.com/gpu and hugepages cannot be overcommitted: a device is held by one container at a time. A request without a limit, or different from it, describes an allocation the node cannot honour. The API server rejects such Pods at creation, which is late for a Deployment (its ReplicaSet just never gets pods): this control refuses the workload itself and reports the same mistake in audits and CI. Init containers are checked too; ephemeral containers cannot declare resources."
    ),
    remediation: kit::cold!(
        "set the extended resource in resources.limits (the request defaults to it), or make the request equal to the limit"
    ),
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
                    kit::text!("{name} is requested ({}) without a limit", shown(request)),
                )),
                Some(limit) => {
                    if Quantity::from_json(request) != Quantity::from_json(limit) {
                        out.push(Finding::container(
                            &c,
                            &field("requests", name),
                            kit::text!(
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
