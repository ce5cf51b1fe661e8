//! Services of type NodePort open a port on every node of the cluster.

use crate::exposure::service_type;
use kit::{Control, Ctx, Finding, KindSet, Severity, json};

pub static CONTROL: Control = Control {
    id: "service-no-node-port",
    title: kit::cold!("Services are not of type NodePort"),
    rationale: kit::cold!(
        "A NodePort Service listens on every node's addresses, outside any ingress controller, load balancer or firewall rule written for the application: whoever reaches a node reaches the workload, and node ports are rarely covered by the NetworkPolicies and source ranges that protect the rest."
    ),
    remediation: kit::cold!(
        "use type ClusterIP behind an Ingress or Gateway, or an internal LoadBalancer with loadBalancerSourceRanges; exempt the namespace when a node port is truly required"
    ),
    severity: Severity::High,
    tags: &["default", "exposure"],
    criteria: super::EXPOSURE,
    kinds: KindSet::Only(super::SERVICE),
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    match service_type(ctx.object()) {
        Ok("NodePort") => vec![Finding::new(
            "spec.type",
            "type is NodePort: the Service listens on a port of every node",
        )],
        Ok(_) => Vec::new(),
        Err(v) => vec![Finding::new(
            "spec.type",
            kit::text!(
                "type is not a string ({}): the Service's exposure cannot be read",
                json::brief(v, 60)
            ),
        )],
    }
}
