//! `spec.externalIPs` lets any Service author capture traffic to arbitrary
//! addresses (CVE-2020-8554).

use kit::Value;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "service-no-external-ips",
    title: kit::cold!("Services do not set externalIPs"),
    rationale: kit::cold!(
        "kube-proxy routes traffic for every address listed in spec.externalIPs to the Service, whoever owns that address: a user who may create Services can intercept traffic meant for other workloads or external hosts (CVE-2020-8554, unfixable in Kubernetes itself), and expose a workload on node addresses outside any load balancer."
    ),
    remediation: kit::cold!(
        "remove spec.externalIPs and expose the workload through an Ingress, Gateway or LoadBalancer; list an address in allowedIPs only when the platform team owns it"
    ),
    severity: Severity::High,
    tags: &["default", "exposure"],
    criteria: super::EXPOSURE,
    kinds: KindSet::Only(super::SERVICE),
    params: &[Param {
        name: "allowedIPs",
        kind: ParamKind::StringList,
        default: "[]",
        description: kit::cold!("Addresses (exact) that Services may list in externalIPs"),
    }],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let allowed = ctx.params.strings("allowedIPs");
    match json::get(ctx.object(), &["spec", "externalIPs"]) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(ips)) => ips
            .iter()
            .enumerate()
            .filter(|(_, ip)| !ip.as_str().is_some_and(|s| allowed.iter().any(|a| a == s)))
            .map(|(i, ip)| {
                Finding::new(
                    kit::text!("spec.externalIPs[{i}]"),
                    kit::text!(
                        "externalIPs lists {}: traffic to that address is captured by this Service (CVE-2020-8554)",
                        json::brief(ip, 60)
                    ),
                )
            })
            .collect(),
        Some(other) => vec![Finding::new(
            "spec.externalIPs",
            kit::text!("externalIPs is not a list ({})", json::brief(other, 60)),
        )],
    }
}
