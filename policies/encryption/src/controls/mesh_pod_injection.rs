//! Pods are not opted out of the mesh, and do not bypass it on some ports.

use super::shown;
use kit::{Control, Ctx, Finding, Param, ParamKind, Severity, json};

pub const MESH_PARAM: Param = Param {
    name: "mesh",
    kind: ParamKind::String,
    default: "\"istio\"",
    description: kit::cold!("the service mesh in use: istio or linkerd"),
};

pub fn validate_mesh(p: &kit::control::Params) -> Result<(), String> {
    match p.string("mesh").as_str() {
        "istio" | "linkerd" => Ok(()),
        m => Err(kit::text!("mesh must be istio or linkerd, got \"{m}\"")),
    }
}

pub static CONTROL: Control = Control {
    id: "mesh-pod-injection",
    title: kit::cold!("Pods do not opt out of service-mesh mTLS"),
    rationale: kit::cold!(
        "Service-to-service encryption by a mesh only covers pods that run its proxy. A pod labelled sidecar.istio.io/inject: \"false\" or istio.io/dataplane-mode: none (Istio), or annotated linkerd.io/inject: disabled (Linkerd), talks plain text to its peers; Linkerd's config.linkerd.io/skip-inbound-ports / skip-outbound-ports send the listed ports around the proxy, unencrypted. Choose the mesh with the mesh parameter; namespaces are enrolled by mesh-namespace-enrolled."
    ),
    remediation: kit::cold!(
        "remove the opt-out label/annotation and the skip-ports annotations; exempt the few pods that cannot run a proxy with a documented exemption"
    ),
    severity: Severity::Medium,
    tags: &["encryption-in-transit", "mesh"],
    criteria: super::MESH,
    params: &[MESH_PARAM],
    validate_params: Some(validate_mesh),
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let pod = ctx.pod();
    let meta = pod.metadata_path;
    let label = |k: &str| json::get_str(pod.metadata, &["labels", k]);
    let ann = |k: &str| json::get_str(pod.metadata, &["annotations", k]);
    let mut out = Vec::new();
    if ctx.params.string("mesh") == "linkerd" {
        const INJECT: &str = "linkerd.io/inject";
        if let Some(v) = ann(INJECT)
            && v != "enabled"
            && v != "ingress"
        {
            out.push(Finding::new(
                kit::text!("{meta}.annotations[\"{INJECT}\"]"),
                kit::text!(
                    "{INJECT} is {}: the pod runs without the Linkerd proxy",
                    shown(v)
                ),
            ));
        }
        for k in [
            "config.linkerd.io/skip-inbound-ports",
            "config.linkerd.io/skip-outbound-ports",
        ] {
            if let Some(v) = ann(k)
                && !v.trim().is_empty()
            {
                out.push(Finding::new(
                    kit::text!("{meta}.annotations[\"{k}\"]"),
                    kit::text!("ports {} bypass the Linkerd proxy and its mTLS", shown(v)),
                ));
            }
        }
        return out;
    }
    const INJECT: &str = "sidecar.istio.io/inject";
    for (kind, v) in [("labels", label(INJECT)), ("annotations", ann(INJECT))] {
        if let Some(v) = v
            && v != "true"
        {
            out.push(Finding::new(
                kit::text!("{meta}.{kind}[\"{INJECT}\"]"),
                kit::text!(
                    "{INJECT} is {}: the pod runs without the Istio sidecar",
                    shown(v)
                ),
            ));
        }
    }
    const AMBIENT: &str = "istio.io/dataplane-mode";
    if let Some(v) = label(AMBIENT)
        && v == "none"
    {
        out.push(Finding::new(
            kit::text!("{meta}.labels[\"{AMBIENT}\"]"),
            "istio.io/dataplane-mode: none takes the pod out of the ambient mesh",
        ));
    }
    for k in [
        "traffic.sidecar.istio.io/excludeInboundPorts",
        "traffic.sidecar.istio.io/excludeOutboundPorts",
    ] {
        if let Some(v) = ann(k)
            && !v.trim().is_empty()
        {
            out.push(Finding::new(
                kit::text!("{meta}.annotations[\"{k}\"]"),
                kit::text!("ports {} bypass the Istio sidecar and its mTLS", shown(v)),
            ));
        }
    }
    out
}
