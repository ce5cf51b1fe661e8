//! Protocol and cipher annotations do not re-enable weak TLS.

use super::{annotation_path, shown};
use crate::tls::{weak_cipher, weak_protocol};
use kit::{Control, Ctx, Finding, KindSet, Severity, json};

pub static CONTROL: Control = Control {
    id: "ingress-weak-tls",
    title: kit::cold!("Ingresses do not enable weak TLS protocols or ciphers"),
    rationale: kit::cold!(
        "SSLv3, TLS 1.0 and 1.1 are deprecated (RFC 8996) and suites with RC4, DES/3DES, MD5, NULL or EXPORT primitives are broken; enabling them on an edge exposes traffic to downgrade and decryption attacks, and fails PCI DSS and most audit baselines. Read from ingress-nginx ssl-protocols / ssl-ciphers / proxy-ssl-protocols / proxy-ssl-ciphers and the AWS Load Balancer Controller ssl-policy (only TLS 1.2+ ELB policies pass)."
    ),
    remediation: kit::cold!(
        "remove the annotation (the controllers default to TLS 1.2+ with strong ciphers) or list only TLSv1.2 TLSv1.3 and AEAD ECDHE suites; for ALB use ELBSecurityPolicy-TLS13-1-2-2021-06 or another TLS 1.2+ policy"
    ),
    severity: Severity::High,
    tags: &["default", "encryption-in-transit"],
    criteria: super::TRANSIT,
    kinds: KindSet::Only(&["networking.k8s.io/Ingress"]),
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let Some(ann) = json::get_obj(ctx.object(), &["metadata", "annotations"]) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, v) in ann {
        let Some(v) = v.as_str() else { continue };
        let short = key.rsplit('/').next().unwrap_or("");
        let nginx = key.starts_with("nginx.ingress.kubernetes.io/");
        if nginx && (short == "ssl-protocols" || short == "proxy-ssl-protocols") {
            let weak: Vec<&str> = v.split_whitespace().filter(|p| weak_protocol(p)).collect();
            if !weak.is_empty() {
                out.push(Finding::new(
                    annotation_path(key),
                    kit::text!("{short} enables {}", weak.join(" ")),
                ));
            }
        } else if nginx && (short == "ssl-ciphers" || short == "proxy-ssl-ciphers") {
            let weak: Vec<&str> = v
                .split([':', ' ', ','])
                .filter(|c| weak_cipher(c))
                .collect();
            if !weak.is_empty() {
                out.push(Finding::new(
                    annotation_path(key),
                    kit::text!("{short} enables weak ciphers {}", shown(&weak.join(":"))),
                ));
            }
        } else if key == "alb.ingress.kubernetes.io/ssl-policy" && !strong_elb_policy(v) {
            out.push(Finding::new(
                annotation_path(key),
                kit::text!("ELB policy {} allows TLS versions below 1.2", shown(v)),
            ));
        }
    }
    out
}

/// ELB security policies whose minimum is TLS 1.2 carry `TLS13-1-2`,
/// `TLS-1-2`, `FS-1-2` or `TLS13-1-3` in their name.
fn strong_elb_policy(p: &str) -> bool {
    ["TLS13-1-2", "TLS13-1-3", "TLS-1-2", "FS-1-2"]
        .iter()
        .any(|m| p.contains(m))
}
