//! CIS 1.2.1 through an AuthenticationConfiguration: anonymous access limited
//! to the health endpoints.

use kit::Value;
use kit::control::Params;
use kit::{Control, Criteria, Ctx, Finding, Flag, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "authentication-configuration-anonymous",
    title: kit::cold!("Anonymous API requests are limited to the health endpoints"),
    rationale: kit::cold!(
        "Since Kubernetes 1.32 the AuthenticationConfiguration (--authentication-config) can keep anonymous access for /livez, /readyz and /healthz only, so probes and load balancers work while every other anonymous request is refused. Without an anonymous section the --anonymous-auth flag decides, and it defaults to true."
    ),
    remediation: kit::cold!(
        "set anonymous.enabled: false, or anonymous.enabled: true with conditions listing only /livez, /readyz and /healthz"
    ),
    severity: Severity::High,
    tags: &[
        "cluster-hardening",
        "authentication-configuration",
        "scan-only",
    ],
    criteria: Criteria {
        soc2: &["CC6.1"],
        iso27001: &["A.8.5", "A.8.9"],
        pss: &[],
        cis: &["1.2.1"],
    },
    kinds: super::AUTHENTICATION_CONFIGURATION,
    params: &[Param {
        name: "allowedPaths",
        kind: ParamKind::StringList,
        default: r#"["/livez", "/readyz", "/healthz"]"#,
        description: kit::cold!("paths anonymous requests may reach"),
    }],
    validate_params: Some(validate),
    check,
    ..Control::DEFAULTS
};

fn validate(p: &Params) -> Result<(), String> {
    if p.strings("allowedPaths")
        .iter()
        .any(|s| !s.starts_with('/'))
    {
        return Err("allowedPaths must be paths starting with /".into());
    }
    Ok(())
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let object = ctx.object();
    let enabled = json::get(object, &["anonymous", "enabled"]);
    match Flag::of(enabled) {
        Flag::False => return Vec::new(),
        Flag::Absent => {
            return vec![Finding::new(
                "anonymous",
                "anonymous is not configured here: the API server's --anonymous-auth flag decides, and it defaults to true",
            )];
        }
        Flag::Malformed => {
            return vec![Finding::new(
                "anonymous.enabled",
                kit::text!(
                    "anonymous.enabled is {}, not a boolean",
                    json::brief(enabled.unwrap_or(&Value::Null), 40)
                ),
            )];
        }
        Flag::True => {}
    }
    let allowed = ctx.params.strings("allowedPaths");
    match json::get(object, &["anonymous", "conditions"]) {
        Some(Value::Array(items)) if !items.is_empty() => items
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                !json::get_str(c, &["path"]).is_some_and(|p| allowed.iter().any(|a| a == p))
            })
            .map(|(i, c)| {
                Finding::new(
                    kit::text!("anonymous.conditions[{i}].path"),
                    kit::text!(
                        "anonymous requests may reach {}: not a health endpoint",
                        json::brief(json::get(c, &["path"]).unwrap_or(&Value::Null), 60)
                    ),
                )
            })
            .collect(),
        _ => vec![Finding::new(
            "anonymous.conditions",
            "anonymous.enabled is true without conditions: anonymous requests reach every endpoint",
        )],
    }
}
