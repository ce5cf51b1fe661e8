//! Bounds on projected service-account tokens: short lifetime and an explicit
//! audience. None of the peer libraries checks them.
//!
//! The `kube-api-access-*` volume the API server injects for automounted
//! tokens (lifetime 3607 s, API-server audience) is left to
//! `no-automount-service-account-token`.

use crate::controls::common::{allowed, quoted, volume_findings};
use kit::Value;
use kit::{Control, Criteria, Ctx, Finding, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "projected-token-bounds",
    title: kit::cold!("Projected service-account tokens are short-lived and audience-bound"),
    rationale: kit::cold!(
        "A projected token is a bearer credential: a long lifetime keeps a stolen copy useful, and without an audience it is accepted by the API server and by every service that trusts the cluster's issuer."
    ),
    remediation: kit::cold!(
        "set serviceAccountToken.expirationSeconds at or below the limit and serviceAccountToken.audience to the one service that consumes the token"
    ),
    severity: Severity::Medium,
    tags: &["default", "service-accounts"],
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: super::ISO_TOKENS,
        pss: &[],
        cis: &[],
    },
    params: &[
        Param {
            name: "maxExpirationSeconds",
            // The API server refuses less than 600 s and defaults to 3600 s.
            kind: ParamKind::Integer {
                min: 600,
                max: 4_294_967_296,
            },
            default: "3600",
            description: kit::cold!(
                "Longest allowed expirationSeconds (an unset one is the API server's default, 3600)"
            ),
        },
        Param {
            name: "requireAudience",
            kind: ParamKind::Bool,
            default: "true",
            description: kit::cold!("Refuse tokens without an explicit audience"),
        },
        Param {
            name: "allowedAudiences",
            kind: ParamKind::StringList,
            default: "[]",
            description: kit::cold!(
                "Audiences (globs) a token may carry; empty allows any explicit audience"
            ),
        },
    ],
    check,
    ..Control::DEFAULTS
};

/// What Kubernetes uses when `expirationSeconds` is unset.
const DEFAULT_EXPIRATION: i64 = 3600;

fn check(ctx: &Ctx) -> Vec<Finding> {
    let pod = ctx.pod();
    let mut findings = Vec::new();
    for (i, v) in pod.volumes() {
        let name = v.get("name").and_then(Value::as_str).unwrap_or("");
        if name.starts_with("kube-api-access-") {
            continue;
        }
        for (j, src) in kit::json::get_array(v, &["projected", "sources"])
            .iter()
            .enumerate()
        {
            let Some(token) = src.get("serviceAccountToken").filter(|t| t.is_object()) else {
                continue;
            };
            let mut problems = Vec::new();
            let max = ctx.params.int("maxExpirationSeconds");
            match token.get("expirationSeconds") {
                None | Some(Value::Null) if DEFAULT_EXPIRATION > max => problems.push(kit::text!(
                    "expirationSeconds is not set (the default is {DEFAULT_EXPIRATION}), above the limit {max}"
                )),
                None | Some(Value::Null) => {}
                Some(e) => match kit::Int::of(Some(e)) {
                    kit::Int::Value(secs) if secs <= max => {}
                    kit::Int::Value(secs) => problems.push(kit::text!(
                        "expirationSeconds {secs} is above the limit {max}"
                    )),
                    _ => problems.push(kit::text!(
                        "expirationSeconds must be an integer, got {}",
                        kit::json::brief(e, 40)
                    )),
                },
            }
            match token.get("audience").and_then(Value::as_str).filter(|a| !a.is_empty()) {
                None if ctx.params.bool("requireAudience") => problems.push(
                    "it has no audience, so any service trusting the cluster's issuer (the API server included) accepts it"
                        .to_string(),
                ),
                None => {}
                Some(aud) => {
                    let ok = ctx.params.strings("allowedAudiences");
                    if !ok.is_empty() && !allowed(&ok, aud) {
                        problems.push(kit::text!(
                            "audience \"{aud}\" is not allowed (allowed: {})",
                            quoted(&ok)
                        ));
                    }
                }
            }
            if !problems.is_empty() {
                // Written only for a finding: formatting `j` reads the
                // standard library's digit table, alone on its 64 KB of
                // the bundle's memory (a page fault per fresh instance).
                let field = kit::text!("projected.sources[{j}].serviceAccountToken");
                let message =
                    kit::text!("projects a service-account token: {}", problems.join("; "));
                findings.extend(volume_findings(pod, i, v, &field, &message));
            }
        }
    }
    findings
}
