//! EncryptionConfiguration encrypts Secrets (identity never first).

use super::shown;
use kit::Value;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub const KIND: &str = "apiserver.config.k8s.io/EncryptionConfiguration";

pub static CONTROL: Control = Control {
    id: "encryption-config-secrets",
    title: kit::cold!("The API server's EncryptionConfiguration encrypts Secrets"),
    rationale: kit::cold!(
        "Without encryption at rest, Secrets sit in etcd and its backups as plain base64: anyone with a snapshot or disk has every credential of the cluster. The API server writes with the first provider of the first resources entry that matches; identity first means new writes are stored unencrypted. Every resource in the resources parameter (default secrets) must be matched by an entry (exact name, *.<group> or *.*) whose first provider encrypts. Read from EncryptionConfiguration files given to scan (e.g. /etc/kubernetes/enc/); the API server never receives this object through admission."
    ),
    remediation: kit::cold!(
        "put a kms (apiVersion: v2), aescbc, aesgcm or secretbox provider first for secrets; keep identity only last, to read data written before encryption was enabled, then rewrite all Secrets (kubectl get secrets -A -o json | kubectl replace -f -)"
    ),
    severity: Severity::Critical,
    tags: &["default", "encryption-at-rest", "control-plane"],
    criteria: kit::Criteria {
        cis: &["1.2.28"],
        ..super::AT_REST
    },
    kinds: KindSet::Only(&[KIND]),
    params: &[Param {
        name: "resources",
        kind: ParamKind::StringList,
        default: "[\"secrets\"]",
        description: kit::cold!(
            "resources (as written in the configuration, e.g. secrets, configmaps, tokens.example.com) that must be encrypted"
        ),
    }],
    check,
    ..Control::DEFAULTS
};

/// Whether a `resources` entry names `resource` (`secrets`, `*.`, `*.*`, `*.<group>`).
fn matches(entry: &str, resource: &str) -> bool {
    let (res, group) = resource.split_once('.').unwrap_or((resource, ""));
    entry == resource
        || entry == "*.*"
        || (entry == "*." && group.is_empty())
        || entry
            .strip_prefix("*.")
            .is_some_and(|g| !g.is_empty() && g == group)
        || (group.is_empty() && entry == kit::text!("{res}."))
}

/// The first provider of the entry that governs `resource`, with its path.
pub fn first_provider<'a>(cfg: &'a Value, resource: &str) -> Option<(String, &'a Value)> {
    for (i, entry) in json::get_array(cfg, &["resources"]).iter().enumerate() {
        if json::get_strs(entry, &["resources"]).any(|r| matches(r, resource)) {
            let p = json::get_array(entry, &["providers"]).first()?;
            return Some((kit::text!("resources[{i}].providers[0]"), p));
        }
    }
    None
}

/// The provider's type: the single key of the provider object.
pub fn provider_type(p: &Value) -> Option<&str> {
    let m = p.as_object()?;
    if m.len() != 1 {
        return None;
    }
    m.keys().next().map(|k| k.as_str())
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let cfg = ctx.object();
    let mut out = Vec::new();
    for resource in ctx.params.strings("resources") {
        match first_provider(cfg, &resource) {
            None => out.push(Finding::new(
                "resources",
                kit::text!(
                    "no entry with providers covers {}: it is stored unencrypted",
                    shown(&resource)
                ),
            )),
            Some((path, p)) => match provider_type(p) {
                Some("identity") => out.push(Finding::new(
                    path,
                    kit::text!(
                        "the first provider for {} is identity: new writes are stored unencrypted",
                        shown(&resource)
                    ),
                )),
                Some("kms" | "aescbc" | "aesgcm" | "secretbox") => {}
                other => out.push(Finding::new(
                    path,
                    kit::text!(
                        "the first provider for {} is not a known encrypting provider ({})",
                        shown(&resource),
                        json::brief(&other.map_or(p.clone(), |t| Value::String(t.into())), 60)
                    ),
                )),
            },
        }
    }
    out
}
