//! EncryptionConfiguration prefers KMS v2 over local keys.

use super::encryption_config_secrets::{KIND, first_provider, provider_type};
use super::shown;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "encryption-config-kms-v2",
    title: kit::cold!("Secrets are encrypted at rest through KMS v2"),
    rationale: kit::cold!(
        "aescbc, aesgcm and secretbox keep the key in the configuration file on every control-plane node: whoever reads that file (a node backup, a compromised host) decrypts etcd, keys are rotated by hand, and aesgcm needs rotation every 200k writes. KMS v2 (stable since 1.29) keeps the key-encryption key in an external KMS/HSM, uses a fresh data key per API server start with envelope encryption, and supports rotation and auditing of key use; KMS v1 is deprecated and disabled by default since 1.29."
    ),
    remediation: kit::cold!(
        "configure a kms provider with apiVersion: v2 first for the resources (e.g. AWS KMS, Azure Key Vault, GCP KMS or Vault KMS plugin)"
    ),
    severity: Severity::Medium,
    tags: &["encryption-at-rest", "control-plane"],
    criteria: kit::Criteria {
        cis: &["1.2.28"],
        ..super::AT_REST
    },
    kinds: KindSet::Only(&[KIND]),
    params: &[Param {
        name: "resources",
        kind: ParamKind::StringList,
        default: "[\"secrets\"]",
        description: kit::cold!("resources whose first provider must be KMS v2"),
    }],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let cfg = ctx.object();
    let mut out = Vec::new();
    for resource in ctx.params.strings("resources") {
        let Some((path, p)) = first_provider(cfg, &resource) else {
            out.push(Finding::new(
                "resources",
                kit::text!("no entry covers {}", shown(&resource)),
            ));
            continue;
        };
        match provider_type(p) {
            Some("kms") if json::get_str(p, &["kms", "apiVersion"]) == Some("v2") => {}
            Some("kms") => out.push(Finding::new(
                kit::text!("{path}.kms.apiVersion"),
                kit::text!("{} uses KMS v1, deprecated and off by default since Kubernetes 1.29", shown(&resource)),
            )),
            t => out.push(Finding::new(
                path,
                kit::text!("{} is encrypted first with {}, a key stored on the control-plane nodes, not KMS v2", shown(&resource), t.unwrap_or("an unknown provider")),
            )),
        }
    }
    out
}
