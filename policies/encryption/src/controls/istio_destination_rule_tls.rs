//! Istio DestinationRules do not turn mesh mTLS off for in-mesh hosts.

use super::shown;
use kit::Value;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "istio-destination-rule-tls",
    title: kit::cold!("Istio DestinationRules keep mutual TLS to in-mesh hosts"),
    rationale: kit::cold!(
        "A DestinationRule whose trafficPolicy.tls.mode is DISABLE makes sidecars send plain text; SIMPLE or MUTUAL towards a mesh service replaces Istio's automatic mTLS with one-way or hand-managed TLS and breaks peer identity. Only ISTIO_MUTUAL (or no tls block, which keeps auto-mTLS) is accepted for hosts of the cluster domain and short service names; external hosts may use SIMPLE or MUTUAL, never DISABLE. The rule's top-level, port-level and subset policies are all read."
    ),
    remediation: kit::cold!(
        "remove trafficPolicy.tls or set mode: ISTIO_MUTUAL for in-mesh hosts; use SIMPLE/MUTUAL only for hosts outside the mesh"
    ),
    severity: Severity::Medium,
    tags: &["encryption-in-transit", "mesh"],
    criteria: super::MESH,
    kinds: KindSet::Only(&["networking.istio.io/DestinationRule"]),
    params: &[Param {
        name: "clusterDomain",
        kind: ParamKind::String,
        default: "\"cluster.local\"",
        description: kit::cold!(
            "the cluster DNS domain; hosts under it (and short names) are in the mesh"
        ),
    }],
    check,
    ..Control::DEFAULTS
};

fn in_mesh(host: &str, domain: &str) -> bool {
    let h = host.trim_end_matches('.');
    !h.contains('.') || h.ends_with(&kit::text!(".svc.{domain}")) || h.ends_with(".svc")
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let dr = ctx.object();
    let host = json::get_str(dr, &["spec", "host"]).unwrap_or("");
    let mesh = in_mesh(host, &ctx.params.string("clusterDomain"));
    let mut policies: Vec<(String, &Value)> = Vec::new();
    if let Some(p) = json::get(dr, &["spec", "trafficPolicy"]) {
        policies.push(("spec.trafficPolicy".into(), p));
    }
    for (i, s) in json::get_array(dr, &["spec", "subsets"]).iter().enumerate() {
        if let Some(p) = s.get("trafficPolicy") {
            policies.push((kit::text!("spec.subsets[{i}].trafficPolicy"), p));
        }
    }
    let mut tls: Vec<(String, &Value)> = Vec::new();
    for (path, p) in policies {
        if let Some(t) = p.get("tls") {
            tls.push((kit::text!("{path}.tls.mode"), t));
        }
        for (i, port) in json::get_array(p, &["portLevelSettings"])
            .iter()
            .enumerate()
        {
            if let Some(t) = port.get("tls") {
                tls.push((kit::text!("{path}.portLevelSettings[{i}].tls.mode"), t));
            }
        }
    }
    let mut out = Vec::new();
    for (path, t) in tls {
        match t.get("mode") {
            Some(Value::String(m)) if m == "ISTIO_MUTUAL" => {}
            Some(Value::String(m)) if (m == "SIMPLE" || m == "MUTUAL") && !mesh => {}
            Some(Value::String(m)) if m == "DISABLE" => out.push(Finding::new(
                path,
                kit::text!("tls.mode DISABLE sends plain text to {}", shown(host)),
            )),
            Some(Value::String(m)) => out.push(Finding::new(
                path,
                kit::text!(
                    "tls.mode {} replaces mesh mTLS for in-mesh host {}",
                    shown(m),
                    shown(host)
                ),
            )),
            None | Some(Value::Null) => {}
            Some(v) => out.push(Finding::new(
                path,
                kit::text!("tls.mode is {}, not a string", json::brief(v, 40)),
            )),
        }
    }
    out
}
