//! ExternalName Services alias a DNS name: restricted to allow-listed targets,
//! never loopback, an address literal or the node's metadata service.

use crate::exposure::{is_ip_literal, normalise_host};
use kit::Value;
use kit::glob::any_matches;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "service-external-name-allowed",
    title: kit::cold!("ExternalName Services point only at allow-listed names"),
    rationale: kit::cold!(
        "An ExternalName Service makes any name resolvable as a cluster Service: ingress controllers and meshes then proxy to it with their own network position, so a tenant can reach localhost of the controller, the cloud metadata address, or another namespace's Service (`*.svc.cluster.local`) through a Service of its own. The API server validates only the DNS syntax, which IPv4 literals such as 127.0.0.1 satisfy."
    ),
    remediation: kit::cold!(
        "point spec.externalName at a name in allowedNames (globs such as *.partner.example.com); use a selector-based Service for in-cluster targets"
    ),
    severity: Severity::Medium,
    tags: &["exposure"],
    criteria: super::EXPOSURE,
    kinds: KindSet::Only(super::SERVICE),
    params: &[Param {
        name: "allowedNames",
        kind: ParamKind::StringList,
        default: "[]",
        description: kit::cold!(
            "Target names (globs, compared lower-case without a trailing dot) ExternalName Services may point at; address literals and localhost are refused even when listed"
        ),
    }],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let svc = ctx.object();
    if crate::exposure::service_type(svc) != Ok("ExternalName") {
        return Vec::new();
    }
    let target = match json::get(svc, &["spec", "externalName"]) {
        Some(Value::String(s)) => s,
        None | Some(Value::Null) => {
            return vec![Finding::new(
                "spec.externalName",
                "the ExternalName Service has no externalName",
            )];
        }
        Some(other) => {
            return vec![Finding::new(
                "spec.externalName",
                kit::text!("externalName is not a string ({})", json::brief(other, 60)),
            )];
        }
    };
    let host = normalise_host(target);
    let shown = crate::classification::bounded(target);
    if is_ip_literal(&host) {
        return vec![Finding::new(
            "spec.externalName",
            kit::text!(
                "externalName \"{shown}\" is an address literal: proxies would connect to it from their own network position"
            ),
        )];
    }
    if host == "localhost" || host.ends_with(".localhost") {
        return vec![Finding::new(
            "spec.externalName",
            kit::text!(
                "externalName \"{shown}\" is the loopback name: proxies would connect to themselves"
            ),
        )];
    }
    if any_matches(&ctx.params.strings("allowedNames"), &host) {
        return Vec::new();
    }
    vec![Finding::new(
        "spec.externalName",
        kit::text!("externalName \"{shown}\" is not in allowedNames"),
    )]
}
