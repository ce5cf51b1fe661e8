//! Admission webhooks are called over verified TLS (CC6.8, CC6.7).

use crate::webhook::{KINDS, hooks};
use kit::Value;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "webhook-client-tls",
    title: kit::cold!("Admission webhooks are reached over https with a pinned CA"),
    rationale: kit::cold!(
        "The API server sends every matched object, secrets included, to the webhook and trusts its verdict or patch. A url that is not https exposes both to the network; a url without caBundle is verified against the API server's system roots, so any public CA can issue a certificate that impersonates the webhook. Service references are verified against caBundle too; CA injectors (cert-manager's inject-ca-from annotations, OpenShift's inject-cabundle) and engines that patch their own configuration fill it in after creation, so requireServiceCaBundle is off by default."
    ),
    remediation: kit::cold!(
        "use clientConfig.service (in-cluster) or an https:// clientConfig.url, and set clientConfig.caBundle to the CA that signed the webhook's certificate (or annotate the configuration for a CA injector)"
    ),
    severity: Severity::High,
    tags: &["default", "admission-control"],
    criteria: super::ADMISSION_TLS,
    kinds: KindSet::Only(KINDS),
    params: &[Param {
        name: "requireServiceCaBundle",
        kind: ParamKind::Bool,
        default: "false",
        description: kit::cold!(
            "also require caBundle (or a CA-injection annotation) for service references"
        ),
    }],
    check,
    ..Control::DEFAULTS
};

/// Annotations of CA injectors that fill in caBundle after creation.
const INJECTORS: &[&str] = &[
    "cert-manager.io/inject-ca-from",
    "cert-manager.io/inject-ca-from-secret",
    "cert-manager.io/inject-apiserver-ca",
    "service.beta.openshift.io/inject-cabundle",
];

fn injected(object: &Value) -> bool {
    json::get_obj(object, &["metadata", "annotations"])
        .is_some_and(|a| INJECTORS.iter().any(|k| a.contains_key(k)))
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let object = ctx.object();
    let hooks = match hooks(object) {
        Ok(h) => h,
        Err(f) => return vec![f],
    };
    let injected = injected(object);
    let require_service = ctx.params.bool("requireServiceCaBundle");
    let mut out = Vec::new();
    for h in &hooks {
        let cc = h.get("clientConfig").unwrap_or(&Value::Null);
        let ca = match cc.get("caBundle") {
            None | Some(Value::Null) => false,
            Some(Value::String(s)) => !s.trim().is_empty(),
            Some(_) => false,
        };
        let (url, service) = (
            cc.get("url").filter(|v| !v.is_null()),
            cc.get("service").filter(|v| !v.is_null()),
        );
        match (url, service) {
            (Some(u), _) => {
                match u.as_str() {
                    // url.Parse lower-cases the scheme, so HTTPS:// is https too.
                    Some(s)
                        if s.get(..8)
                            .is_some_and(|p| p.eq_ignore_ascii_case("https://")) => {}
                    _ => out.push(Finding::new(
                        h.field("clientConfig.url"),
                        kit::text!("{} url {} is not https", h.describe(), json::brief(u, 60)),
                    )),
                }
                if !ca && !injected {
                    out.push(Finding::new(
                        h.field("clientConfig.caBundle"),
                        kit::text!(
                            "{} calls a url without caBundle: any CA the API server trusts can impersonate it",
                            h.describe()
                        ),
                    ));
                }
            }
            (None, Some(_)) => {
                if require_service && !ca && !injected {
                    out.push(Finding::new(
                        h.field("clientConfig.caBundle"),
                        kit::text!(
                            "{} has no caBundle and no CA-injection annotation",
                            h.describe()
                        ),
                    ));
                }
            }
            (None, None) => out.push(Finding::new(
                h.field("clientConfig"),
                kit::text!(
                    "{} has neither clientConfig.url nor clientConfig.service",
                    h.describe()
                ),
            )),
        }
    }
    out
}
