//! An internet-facing load balancer answers only the address ranges it is
//! given: `loadBalancerSourceRanges` (or the providers' annotation) bounded,
//! never `0.0.0.0/0`.

use crate::exposure::{
    Range, SOURCE_RANGES_ANNOTATION, annotations, internal_by, range, service_type,
};
use kit::Value;
use kit::{Control, Ctx, Finding, KindSet, Severity, json};

pub static CONTROL: Control = Control {
    id: "service-load-balancer-source-ranges",
    title: kit::cold!("External LoadBalancer Services are restricted to source ranges"),
    rationale: kit::cold!(
        "A LoadBalancer Service without source ranges gets a public address that answers the whole internet: databases, admin consoles and internal APIs exposed this way are found by scanners within minutes. Cloud providers program their firewalls from spec.loadBalancerSourceRanges (or the service.beta.kubernetes.io/load-balancer-source-ranges annotation when the field is empty). Internal load balancers (by the cloud's own annotation) are not concerned."
    ),
    remediation: kit::cold!(
        "set spec.loadBalancerSourceRanges to the client networks (e.g. [203.0.113.0/24]), never 0.0.0.0/0 or ::/0; or make the load balancer internal with the cloud's annotation (e.g. service.beta.kubernetes.io/aws-load-balancer-scheme: internal, networking.gke.io/load-balancer-type: Internal, service.beta.kubernetes.io/azure-load-balancer-internal: \"true\")"
    ),
    severity: Severity::High,
    tags: &["default", "exposure"],
    criteria: super::EXPOSURE,
    kinds: KindSet::Only(super::SERVICE),
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let svc = ctx.object();
    if service_type(svc) != Ok("LoadBalancer") || internal_by(ctx, svc).is_some() {
        return Vec::new();
    }
    match json::get(svc, &["spec", "loadBalancerSourceRanges"]) {
        Some(Value::Array(items)) if !items.is_empty() => {
            return items
                .iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    let path = kit::text!("spec.loadBalancerSourceRanges[{i}]");
                    match v.as_str() {
                        Some(s) => judge(s).map(|m| Finding::new(path, m)),
                        None => Some(Finding::new(
                            path,
                            kit::text!("source range is not a string ({})", json::brief(v, 60)),
                        )),
                    }
                })
                .collect();
        }
        None | Some(Value::Null) | Some(Value::Array(_)) => {}
        Some(other) => {
            return vec![Finding::new(
                "spec.loadBalancerSourceRanges",
                kit::text!(
                    "loadBalancerSourceRanges is not a list ({})",
                    json::brief(other, 60)
                ),
            )];
        }
    }
    let path = kit::text!("metadata.annotations.{SOURCE_RANGES_ANNOTATION}");
    match annotations(svc).and_then(|a| a.get(SOURCE_RANGES_ANNOTATION)) {
        None | Some(Value::Null) => vec![Finding::new(
            "spec.loadBalancerSourceRanges",
            "the Service is an external LoadBalancer without loadBalancerSourceRanges: its public address answers every client",
        )],
        Some(Value::String(s)) => {
            let ranges: Vec<&str> = s
                .split(',')
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .collect();
            if ranges.is_empty() {
                return vec![Finding::new(
                    path,
                    "the source-ranges annotation is empty: the public address answers every client",
                )];
            }
            ranges
                .into_iter()
                .filter_map(judge)
                .map(|m| Finding::new(path.clone(), m))
                .collect()
        }
        Some(other) => vec![Finding::new(
            path,
            kit::text!(
                "the source-ranges annotation is not a string ({})",
                json::brief(other, 60)
            ),
        )],
    }
}

/// The message for a range that does not restrict, `None` for a bounded one.
fn judge(cidr: &str) -> Option<String> {
    let shown = crate::classification::bounded(cidr);
    match range(cidr) {
        Range::Bounded => None,
        Range::Open => Some(kit::text!(
            "source range \"{shown}\" admits every address: the load balancer answers the whole internet"
        )),
        Range::Invalid => Some(kit::text!(
            "source range \"{shown}\" is not a CIDR (address/prefix): the firewall the provider programs cannot be known"
        )),
    }
}
