//! Issuers and ClusterIssuers: no stray self-signed CAs, no plain-HTTP endpoints.

use super::shown;
use kit::Value;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "cert-manager-issuer-hygiene",
    title: kit::cold!("cert-manager issuers are trustworthy and reached over TLS"),
    rationale: kit::cold!(
        "A selfSigned issuer mints certificates no client can validate, which trains teams to disable verification; keep it to the few bootstrap issuers that create a CA (selfSignedAllowed). An ACME directory or Vault server reached over http://, or with skipTLSVerify, lets anyone on the path issue or intercept certificates and tokens."
    ),
    remediation: kit::cold!(
        "use an ACME/Vault/CA issuer with an https:// server and without skipTLSVerify; list bootstrap self-signed issuers in selfSignedAllowed"
    ),
    severity: Severity::High,
    tags: &["encryption-in-transit", "cert-manager"],
    criteria: super::TRANSIT,
    kinds: KindSet::Only(&["cert-manager.io/Issuer", "cert-manager.io/ClusterIssuer"]),
    params: &[Param {
        name: "selfSignedAllowed",
        kind: ParamKind::StringList,
        default: "[]",
        description: kit::cold!(
            "names (globs) of issuers allowed to be selfSigned, e.g. a CA bootstrap issuer"
        ),
    }],
    check,
    ..Control::DEFAULTS
};

fn https(out: &mut Vec<Finding>, path: &str, v: Option<&Value>) {
    match v {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) if s.trim_start().to_ascii_lowercase().starts_with("https://") => {}
        Some(v) => out.push(Finding::new(
            path,
            kit::text!("server {} is not an https:// URL", json::brief(v, 80)),
        )),
    }
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let iss = ctx.object();
    let name = json::get_str(iss, &["metadata", "name"]).unwrap_or("");
    let mut out = Vec::new();
    if json::get(iss, &["spec", "selfSigned"]).is_some_and(|v| !v.is_null())
        && !kit::glob::any_matches(&ctx.params.strings("selfSignedAllowed"), name)
    {
        out.push(Finding::new(
            "spec.selfSigned",
            kit::text!(
                "issuer {} is self-signed and not in selfSignedAllowed",
                shown(name)
            ),
        ));
    }
    https(
        &mut out,
        "spec.acme.server",
        json::get(iss, &["spec", "acme", "server"]),
    );
    https(
        &mut out,
        "spec.vault.server",
        json::get(iss, &["spec", "vault", "server"]),
    );
    if kit::Flag::of(json::get(iss, &["spec", "acme", "skipTLSVerify"])).may_be_true() {
        out.push(Finding::new(
            "spec.acme.skipTLSVerify",
            "skipTLSVerify disables verification of the ACME server's certificate",
        ));
    }
    out
}
