//! Gateway API listeners terminate TLS with certificates; plain ones only when allowed.

use super::shown;
use kit::Value;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "gateway-listener-tls",
    title: kit::cold!("Gateway listeners use TLS"),
    rationale: kit::cold!(
        "A Gateway listener with protocol HTTP, TCP or UDP carries traffic in clear text; an HTTPS or TLS listener in Terminate mode without certificateRefs has nothing to present and does not come up. Whether a plain HTTP listener only redirects to HTTPS depends on the HTTPRoutes attached to it, which are separate objects: list such listeners by name in allowPlainListeners once their redirect route is in place. TLS Passthrough listeners leave encryption to the backend and pass."
    ),
    remediation: kit::cold!(
        "use protocol HTTPS (or TLS) with tls.mode Terminate and tls.certificateRefs, or Passthrough; keep a port-80 listener only for an HTTPRoute with a RequestRedirect to https and list it in allowPlainListeners"
    ),
    severity: Severity::High,
    tags: &["encryption-in-transit"],
    criteria: super::TRANSIT,
    kinds: KindSet::Only(&["gateway.networking.k8s.io/Gateway"]),
    params: &[Param {
        name: "allowPlainListeners",
        kind: ParamKind::StringList,
        default: "[]",
        description: kit::cold!(
            "names of HTTP listeners allowed because an attached route redirects them to HTTPS"
        ),
    }],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let allowed = ctx.params.strings("allowPlainListeners");
    let mut out = Vec::new();
    for (i, l) in json::get_array(ctx.object(), &["spec", "listeners"])
        .iter()
        .enumerate()
    {
        let name = json::get_str(l, &["name"]).unwrap_or("");
        let protocol = json::get_str(l, &["protocol"]).unwrap_or("");
        let path = kit::text!("spec.listeners[{i}]");
        match protocol {
            "HTTPS" | "TLS" => {
                let mode = json::get_str(l, &["tls", "mode"]).unwrap_or("Terminate");
                match mode {
                    "Passthrough" if protocol == "TLS" => {}
                    "Terminate" => {
                        let refs = json::get(l, &["tls", "certificateRefs"]);
                        if !matches!(refs, Some(Value::Array(a)) if !a.is_empty()) {
                            out.push(Finding::new(
                                kit::text!("{path}.tls.certificateRefs"),
                                kit::text!(
                                    "listener {} terminates TLS without certificateRefs",
                                    shown(name)
                                ),
                            ));
                        }
                    }
                    m => out.push(Finding::new(
                        kit::text!("{path}.tls.mode"),
                        kit::text!(
                            "listener {} has tls.mode {} for protocol {protocol}",
                            shown(name),
                            shown(m)
                        ),
                    )),
                }
            }
            _ if allowed.iter().any(|a| a == name) && protocol == "HTTP" => {}
            _ => out.push(Finding::new(
                kit::text!("{path}.protocol"),
                kit::text!(
                    "listener {} uses protocol {}: traffic is not encrypted",
                    shown(name),
                    shown(protocol)
                ),
            )),
        }
    }
    out
}
