//! Gateway API listeners and routes name their hosts, within the allowed
//! domains: the Gateway counterpart of the Ingress host controls.

use crate::exposure::within;
use kit::Value;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "gateway-hostnames",
    title: kit::cold!(
        "Gateway listeners and routes use explicit hostnames within the allowed domains"
    ),
    rationale: kit::cold!(
        "A Gateway listener without hostname accepts every name sent to its address, a wildcard every subdomain, and a route's hostnames decide which names it captures on shared Gateways: without limits, one team's route receives traffic meant for another's, or publishes a service on a domain the organisation does not own."
    ),
    remediation: kit::cold!(
        "set spec.listeners[].hostname (HTTP, HTTPS, TLS listeners) and route spec.hostnames to names within allowedDomains, without wildcards unless allowWildcard"
    ),
    severity: Severity::Medium,
    tags: &["exposure", "gateway-api"],
    criteria: super::EXPOSURE,
    kinds: KindSet::Only(&[
        "gateway.networking.k8s.io/Gateway",
        "gateway.networking.k8s.io/HTTPRoute",
        "gateway.networking.k8s.io/GRPCRoute",
        "gateway.networking.k8s.io/TLSRoute",
    ]),
    params: &[
        Param {
            name: "allowedDomains",
            kind: ParamKind::StringList,
            default: "[]",
            description: kit::cold!("Domain suffixes hostnames must lie within; empty: any domain"),
        },
        Param {
            name: "allowWildcard",
            kind: ParamKind::Bool,
            default: "false",
            description: kit::cold!("Accept wildcard hostnames (*.example.com)"),
        },
    ],
    check,
    ..Control::DEFAULTS
};

/// Listener protocols whose hostname field is used.
const NAMED: &[&str] = &["HTTP", "HTTPS", "TLS"];

fn judge(ctx: &Ctx, host: &str, path: String, out: &mut Vec<Finding>) {
    let shown = crate::classification::bounded(host);
    if host.contains('*') && !ctx.params.bool("allowWildcard") {
        out.push(Finding::new(
            path,
            kit::text!("hostname \"{shown}\" is a wildcard: it matches names nobody assigned"),
        ));
        return;
    }
    let domains = ctx.params.strings("allowedDomains");
    if !domains.is_empty() && !domains.iter().any(|d| within(host, d)) {
        out.push(Finding::new(
            path,
            kit::text!(
                "hostname \"{shown}\" is not within the allowed domains ({})",
                domains.join(", ")
            ),
        ));
    }
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let obj = ctx.object();
    let mut out = Vec::new();
    if ctx.request.kind == "Gateway" {
        for (i, l) in json::get_array(obj, &["spec", "listeners"])
            .iter()
            .enumerate()
        {
            let protocol = l.get("protocol").and_then(Value::as_str).unwrap_or("");
            if !NAMED.contains(&protocol) && !protocol.contains('/') {
                // TCP and UDP listeners have no hostname; implementation-specific
                // protocols (domain-prefixed) are checked like HTTP.
                continue;
            }
            let path = kit::text!("spec.listeners[{i}].hostname");
            match l.get("hostname") {
                None | Some(Value::Null) => out.push(Finding::new(
                    path,
                    kit::text!("listener \"{}\" ({protocol}) has no hostname: it accepts every name sent to the Gateway", crate::classification::bounded(l.get("name").and_then(Value::as_str).unwrap_or(""))),
                )),
                Some(Value::String(h)) => judge(ctx, h, path, &mut out),
                Some(other) => out.push(Finding::new(
                    path,
                    kit::text!("hostname is not a string ({})", json::brief(other, 60)),
                )),
            }
        }
    } else {
        match json::get(obj, &["spec", "hostnames"]) {
            None | Some(Value::Null) => {}
            Some(Value::Array(hosts)) => {
                for (i, h) in hosts.iter().enumerate() {
                    let path = kit::text!("spec.hostnames[{i}]");
                    match h.as_str() {
                        Some(h) => judge(ctx, h, path, &mut out),
                        None => out.push(Finding::new(
                            path,
                            kit::text!("hostname is not a string ({})", json::brief(h, 60)),
                        )),
                    }
                }
            }
            Some(other) => out.push(Finding::new(
                "spec.hostnames",
                kit::text!("hostnames is not a list ({})", json::brief(other, 60)),
            )),
        }
    }
    out
}
