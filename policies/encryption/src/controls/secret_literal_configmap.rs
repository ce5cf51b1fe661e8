//! No credentials in ConfigMaps.

use crate::secrets::{self, Allow, secret_name};
use kit::{Control, Ctx, Finding, KindSet, Severity, json};

pub static CONTROL: Control = Control {
    id: "secret-literal-configmap",
    title: kit::cold!("ConfigMaps do not hold credentials"),
    rationale: kit::cold!(
        "ConfigMaps are not Secrets: they are readable by every role that may read configuration, shown in plain text by kubectl and dashboards, excluded from Secret encryption at rest, and copied into Git. A key named like a credential with a literal value, a value shaped like a key or token (PEM private keys, cloud access keys, JWTs, URLs with a password, high-entropy strings), or a line `password: ...` / `token=...` inside an embedded configuration file is reported."
    ),
    remediation: kit::cold!(
        "move the credential into a Secret (or an external secret store) and mount it; keep only non-secret settings in the ConfigMap; allow-list false positives with allowNames / allowValues"
    ),
    severity: Severity::High,
    tags: &["default", "secrets"],
    criteria: super::SECRETS,
    kinds: KindSet::Only(&["/ConfigMap"]),
    params: secrets::PARAMS,
    check,
    ..Control::DEFAULTS
};

/// `key: value` / `key=value` lines of an embedded file, credential-named.
fn embedded<'a>(text: &'a str) -> impl Iterator<Item = (usize, &'a str, &'a str)> + 'a {
    text.lines().enumerate().filter_map(|(n, line)| {
        let line = line.trim().trim_start_matches(['-', ' ', '"', '\'']);
        if line.starts_with('#') || line.starts_with("//") {
            return None;
        }
        let (k, v) = line.split_once([':', '='])?;
        let k = k.trim().trim_matches(['"', '\'']);
        let v = v
            .trim()
            .trim_end_matches([',', ';'])
            .trim_matches(['"', '\'']);
        (!k.is_empty() && !k.contains(' ') && secret_name(k) && !v.is_empty()).then_some((
            n + 1,
            k,
            v,
        ))
    })
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let allow = Allow::of(ctx);
    let mut out = Vec::new();
    let Some(data) = json::get_obj(ctx.object(), &["data"]) else {
        return out;
    };
    for (key, v) in data {
        let Some(value) = v.as_str() else { continue };
        let path = kit::text!("data[\"{key}\"]");
        if !value.contains('\n') {
            if let Some(why) = allow.judge(key, value) {
                out.push(Finding::new(
                    path,
                    kit::text!("key {} {why}", super::shown(key)),
                ));
            }
            continue;
        }
        if let Some(why) = allow.judge("", value) {
            out.push(Finding::new(
                path,
                kit::text!("key {} {why}", super::shown(key)),
            ));
            continue;
        }
        if let Some((line, k, why)) =
            embedded(value).find_map(|(n, k, v)| allow.judge(k, v).map(|w| (n, k, w)))
        {
            out.push(Finding::new(
                path,
                kit::text!(
                    "key {} line {line}: {} {why}",
                    super::shown(key),
                    super::shown(k)
                ),
            ));
        }
    }
    out
}
