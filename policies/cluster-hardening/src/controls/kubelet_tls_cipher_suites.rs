//! CIS 4.2.12: the kubelet offers strong TLS cipher suites only.

use super::kubelet::TAGS;
use kit::Value;
use kit::control::Params;
use kit::{Control, Criteria, Ctx, Finding, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "kubelet-tls-cipher-suites",
    title: kit::cold!("Kubelets offer strong TLS cipher suites only"),
    rationale: kit::cold!(
        "Without tlsCipherSuites the kubelet offers Go's default TLS 1.2 suites, CBC-mode and non-forward-secret ones included; the kubelet API carries exec sessions, logs and credentials in Pod specs. The benchmark lists AEAD suites (ECDHE with AES-GCM or ChaCha20-Poly1305, and two RSA-GCM suites)."
    ),
    remediation: kit::cold!(
        "set tlsCipherSuites in the KubeletConfiguration to a subset of the allowed list (default: the CIS 4.2.12 list)"
    ),
    severity: Severity::Medium,
    tags: TAGS,
    criteria: Criteria {
        soc2: &["CC6.7"],
        iso27001: &["A.8.24"],
        pss: &[],
        cis: &["4.2.12"],
    },
    kinds: super::KUBELET_CONFIGURATION,
    params: &[Param {
        name: "allowed",
        kind: ParamKind::StringList,
        default: r#"["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_128_GCM_SHA256"]"#,
        description: kit::cold!("cipher suites the kubelet may offer (Go names)"),
    }],
    validate_params: Some(validate),
    check,
    ..Control::DEFAULTS
};

fn validate(p: &Params) -> Result<(), String> {
    if p.strings("allowed").is_empty() {
        return Err("allowed must list at least one cipher suite".into());
    }
    Ok(())
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let allowed = ctx.params.strings("allowed");
    match json::get(ctx.object(), &["tlsCipherSuites"]) {
        None | Some(Value::Null) => vec![Finding::new(
            "tlsCipherSuites",
            "tlsCipherSuites is absent: Go's default suites were assumed, which include CBC-mode and non-forward-secret suites",
        )],
        Some(Value::Array(items)) if items.is_empty() => vec![Finding::new(
            "tlsCipherSuites",
            "tlsCipherSuites is empty: Go's default suites apply, which include CBC-mode and non-forward-secret suites",
        )],
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter(|(_, v)| !v.as_str().is_some_and(|s| allowed.iter().any(|a| a == s)))
            .map(|(i, v)| {
                Finding::new(
                    kit::text!("tlsCipherSuites[{i}]"),
                    kit::text!(
                        "cipher suite {} is not in the allowed list",
                        json::brief(v, 60)
                    ),
                )
            })
            .collect(),
        Some(v) => vec![Finding::new(
            "tlsCipherSuites",
            kit::text!("tlsCipherSuites is {}, not a list", json::brief(v, 60)),
        )],
    }
}
