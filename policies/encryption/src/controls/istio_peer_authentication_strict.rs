//! Istio PeerAuthentication requires mutual TLS.

use super::shown;
use kit::Value;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "istio-peer-authentication-strict",
    title: kit::cold!("Istio PeerAuthentications require STRICT mutual TLS"),
    rationale: kit::cold!(
        "PERMISSIVE accepts plain-text connections next to mTLS and DISABLE turns mTLS off: workloads then accept traffic from any pod, unauthenticated and unencrypted, and mesh authorization policies that rely on peer identities are bypassed. A port-level override weakens a single port the same way. A policy without a mode (or UNSET) inherits its parent; the mesh-wide policy (the root namespace, no selector) has no parent and then defaults to PERMISSIVE. Applies only to Istio objects, so it is safe in clusters without Istio."
    ),
    remediation: kit::cold!(
        "set spec.mtls.mode: STRICT (and the same in portLevelMtls); expose plain-text ports through a gateway rather than a PERMISSIVE exception"
    ),
    severity: Severity::High,
    tags: &["default", "encryption-in-transit", "mesh"],
    criteria: super::MESH,
    kinds: KindSet::Only(&["security.istio.io/PeerAuthentication"]),
    params: &[Param {
        name: "rootNamespace",
        kind: ParamKind::String,
        default: "\"istio-system\"",
        description: kit::cold!(
            "the mesh root namespace, where a selector-less PeerAuthentication is mesh-wide"
        ),
    }],
    check,
    ..Control::DEFAULTS
};

fn mode_finding(path: String, v: Option<&Value>, inherits: bool) -> Option<Finding> {
    match v {
        Some(Value::String(m)) if m == "STRICT" => None,
        None | Some(Value::Null) if inherits => None,
        Some(Value::String(m)) if m == "UNSET" && inherits => None,
        None | Some(Value::Null) => Some(Finding::new(
            path,
            "the mesh-wide PeerAuthentication sets no mode: Istio defaults to PERMISSIVE",
        )),
        Some(Value::String(m)) => Some(Finding::new(
            path,
            kit::text!("mode {} accepts plain-text traffic", shown(m)),
        )),
        Some(v) => Some(Finding::new(
            path,
            kit::text!("mode is {}, not a string", json::brief(v, 40)),
        )),
    }
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let pa = ctx.object();
    let root = ctx.params.string("rootNamespace");
    let ns = json::get_str(pa, &["metadata", "namespace"]).unwrap_or(ctx.request.namespace());
    let mesh_wide = ns == root && json::get(pa, &["spec", "selector"]).is_none_or(Value::is_null);
    let mut out = Vec::new();
    out.extend(mode_finding(
        "spec.mtls.mode".into(),
        json::get(pa, &["spec", "mtls", "mode"]),
        !mesh_wide,
    ));
    if let Some(ports) = json::get_obj(pa, &["spec", "portLevelMtls"]) {
        for (port, m) in ports {
            out.extend(mode_finding(
                kit::text!("spec.portLevelMtls[\"{port}\"].mode"),
                m.get("mode"),
                true,
            ));
        }
    }
    out
}
