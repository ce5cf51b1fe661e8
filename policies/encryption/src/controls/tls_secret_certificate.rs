//! `kubernetes.io/tls` Secrets hold a valid, unexpired, strong certificate.

use super::cert_manager_key_strength::KEY_PARAMS;
use crate::x509::{self, Key};
use kit::Value;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "tls-secret-certificate",
    title: kit::cold!("TLS Secrets hold a valid, unexpired certificate with a strong key"),
    rationale: kit::cold!(
        "An expired certificate breaks every client that verifies it, and one expiring within days means renewal has failed; weak keys (RSA < 2048, ECDSA < P-256) and MD5/SHA-1 signatures no longer protect the connection. The certificate is parsed inside the policy (PEM, then X.509 DER) from data[\"tls.crt\"] (or stringData), not taken from labels or annotations; every certificate of the chain is checked, at most 16. An unparseable certificate is reported: no server could use it either. Empty placeholders (tls.crt of length 0) are accepted: they serve nothing. An UPDATE that leaves tls.crt unchanged is not refused, so a controller's bookkeeping never blocks a renewal; background audits still report the certificate, so an expiry shows up in policy reports before it breaks clients."
    ),
    remediation: kit::cold!(
        "renew the certificate (cert-manager renews automatically), issue it with an RSA ≥ 2048 or ECDSA P-256+ key and a SHA-256+ signature, and store it PEM-encoded in tls.crt"
    ),
    severity: Severity::High,
    tags: &["default", "encryption-in-transit"],
    criteria: super::TRANSIT,
    kinds: KindSet::Only(&["/Secret"]),
    params: &[
        Param {
            name: "minDaysRemaining",
            kind: ParamKind::Integer { min: 0, max: 36500 },
            default: "7",
            description: kit::cold!("report certificates expiring within this many days"),
        },
        KEY_PARAMS[0],
        KEY_PARAMS[1],
    ],
    check,
    ..Control::DEFAULTS
};

/// The PEM text of `tls.crt` and the field it came from.
fn certificate_text(
    secret: &Value,
) -> Result<Option<(String, &'static str)>, (&'static str, String)> {
    if let Some(v) = json::get(secret, &["stringData", "tls.crt"]) {
        return match v.as_str() {
            Some(s) => Ok(Some((s.to_string(), "stringData[\"tls.crt\"]"))),
            None => Err(("stringData[\"tls.crt\"]", "tls.crt is not a string".into())),
        };
    }
    const PATH: &str = "data[\"tls.crt\"]";
    match json::get(secret, &["data", "tls.crt"]) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(b64)) => {
            let bytes =
                x509::base64(b64).map_err(|e| (PATH, kit::text!("tls.crt is not base64: {e}")))?;
            match String::from_utf8(bytes) {
                Ok(s) => Ok(Some((s, PATH))),
                Err(_) => Err((PATH, "tls.crt is not PEM text (DER or binary data)".into())),
            }
        }
        Some(v) => Err((
            PATH,
            kit::text!("tls.crt is {}, not a string", json::brief(v, 40)),
        )),
    }
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    check_at(ctx, x509::now())
}

pub fn check_at(ctx: &Ctx, now: i64) -> Vec<Finding> {
    let secret = ctx.object();
    if json::get_str(secret, &["type"]) != Some("kubernetes.io/tls") {
        return Vec::new();
    }
    // An UPDATE that keeps the certificate (labels, owner references, a
    // controller's bookkeeping) is not refused: blocking it could stall the
    // very renewal that fixes an expiring certificate. Audits still report it.
    if ctx.request.operation == Some(kit::Operation::Update)
        && json::get(secret, &["stringData", "tls.crt"]).is_none()
        && json::get(&ctx.request.old_object, &["data", "tls.crt"])
            == json::get(secret, &["data", "tls.crt"])
    {
        return Vec::new();
    }
    let (pem, path) = match certificate_text(secret) {
        Ok(Some(t)) => t,
        Ok(None) => return Vec::new(),
        Err((path, msg)) => return vec![Finding::new(path, msg)],
    };
    if pem.trim().is_empty() {
        return Vec::new();
    }
    let ders = match x509::pem_certificates(&pem) {
        Ok(d) => d,
        Err(e) => {
            return vec![Finding::new(
                path,
                kit::text!("tls.crt does not parse: {e}"),
            )];
        }
    };
    let mut out = Vec::new();
    if ders.len() > x509::MAX_CERTIFICATES {
        out.push(Finding::new(
            path,
            kit::text!(
                "tls.crt holds more than {} certificates; only the first {} were checked",
                x509::MAX_CERTIFICATES,
                x509::MAX_CERTIFICATES
            ),
        ));
    }
    let min_days = ctx.params.int("minDaysRemaining");
    for (i, der) in ders.iter().take(x509::MAX_CERTIFICATES).enumerate() {
        let which = if i == 0 {
            "the certificate".to_string()
        } else {
            kit::text!("chain certificate {}", i + 1)
        };
        let cert = match x509::parse(der) {
            Ok(c) => c,
            Err(e) => {
                out.push(Finding::new(
                    path,
                    kit::text!("{which} does not parse as X.509: {e}"),
                ));
                continue;
            }
        };
        if cert.not_after <= now {
            out.push(Finding::new(
                path,
                kit::text!("{which} expired on {}", x509::date(cert.not_after)),
            ));
        } else if cert.not_after - now < min_days * 86_400 {
            out.push(Finding::new(
                path,
                kit::text!(
                    "{which} expires on {}, within {min_days} days",
                    x509::date(cert.not_after)
                ),
            ));
        }
        let weak = match cert.key {
            Key::Rsa(b) => i64::from(b) < ctx.params.int("minRsaBits"),
            Key::Ec(b) => i64::from(b) < ctx.params.int("minEcdsaBits"),
            Key::Ed25519 | Key::Ed448 => false,
            Key::Other => true,
        };
        if weak {
            out.push(Finding::new(
                path,
                kit::text!("{which} has a weak key: {}", cert.key.describe()),
            ));
        }
        if let Some(sig) = cert.weak_signature
            && i == 0
        {
            out.push(Finding::new(
                path,
                kit::text!("{which} is signed with {sig}, which is broken"),
            ));
        }
    }
    out
}
