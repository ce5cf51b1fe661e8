//! Certificates (and Ingress shims) use approved issuers only.

use super::{annotation, annotation_path, shown};
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "cert-manager-issuer-allowed",
    title: kit::cold!("Certificates are issued by approved issuers"),
    rationale: kit::cold!(
        "Which CA signs a service's certificate decides who clients trust and how keys are managed; a team pointing a Certificate at an ad-hoc self-signed or test issuer ships certificates outside the approved PKI. Reads Certificate spec.issuerRef and the cert-manager.io/issuer and cert-manager.io/cluster-issuer annotations of Ingresses (ingress-shim)."
    ),
    remediation: kit::cold!(
        "reference one of the approved issuers (allowedIssuers) in spec.issuerRef or in the cert-manager.io/cluster-issuer annotation"
    ),
    severity: Severity::Medium,
    tags: &["encryption-in-transit", "cert-manager"],
    criteria: super::TRANSIT,
    kinds: KindSet::Only(&["cert-manager.io/Certificate", "networking.k8s.io/Ingress"]),
    params: &[Param {
        name: "allowedIssuers",
        kind: ParamKind::StringList,
        default: "[]",
        description: kit::cold!(
            "approved issuers as \"ClusterIssuer/<name>\" or \"Issuer/<name>\" (globs); must not be empty"
        ),
    }],
    validate_params: Some(validate),
    check,
    ..Control::DEFAULTS
};

fn validate(p: &kit::control::Params) -> Result<(), String> {
    let list = p.strings("allowedIssuers");
    if list.is_empty() {
        return Err("allowedIssuers must list at least one issuer".into());
    }
    for i in list {
        if !(i.starts_with("ClusterIssuer/") || i.starts_with("Issuer/")) {
            return Err(kit::text!(
                "allowedIssuers entry \"{i}\" must be ClusterIssuer/<name> or Issuer/<name>"
            ));
        }
    }
    Ok(())
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let allowed = ctx.params.strings("allowedIssuers");
    let judge = |path: String, kind: &str, name: &str| -> Vec<Finding> {
        let id = kit::text!("{kind}/{name}");
        if allowed.is_empty() {
            vec![Finding::new(
                path,
                kit::text!(
                    "issuer {} cannot be approved: no approved issuers are configured (allowedIssuers)",
                    shown(&id)
                ),
            )]
        } else if kit::glob::any_matches(&allowed, &id) {
            Vec::new()
        } else {
            vec![Finding::new(
                path,
                kit::text!("issuer {} is not approved", shown(&id)),
            )]
        }
    };
    if ctx.request.kind == "Ingress" {
        let mut out = Vec::new();
        for (key, kind) in [
            ("cert-manager.io/cluster-issuer", "ClusterIssuer"),
            ("cert-manager.io/issuer", "Issuer"),
        ] {
            if let Some(name) = annotation(ctx, key) {
                out.extend(judge(annotation_path(key), kind, name));
            }
        }
        return out;
    }
    let cert = ctx.object();
    let group = json::get_str(cert, &["spec", "issuerRef", "group"]).unwrap_or("cert-manager.io");
    let kind = json::get_str(cert, &["spec", "issuerRef", "kind"]).unwrap_or("Issuer");
    let name = json::get_str(cert, &["spec", "issuerRef", "name"]).unwrap_or("");
    if group != "cert-manager.io" {
        return vec![Finding::new(
            "spec.issuerRef.group",
            kit::text!("external issuer group {} is not approved", shown(group)),
        )];
    }
    judge("spec.issuerRef.name".into(), kind, name)
}
