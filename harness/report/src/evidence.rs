//! What ties a report to what ran: the digest of every input file and
//! module, and the exemptions the settings declare with their expiry, so an
//! auditor can check that the evidence was produced from the manifests and
//! the modules under review, and see which exemptions were in force.

use crate::model::Scan;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest as _, Sha256};
use std::time::SystemTime;

/// `sha256:<lowercase hex>` of `bytes`, the form OCI digests use.
pub fn sha256(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// One file (or standard input) the scan read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InputFile {
    /// As origins name it (`-` is `<stdin>`).
    pub file: String,
    pub bytes: u64,
    pub sha256: String,
}

impl InputFile {
    pub fn of(file: &str, bytes: &[u8]) -> InputFile {
        InputFile {
            file: file.to_string(),
            bytes: bytes.len() as u64,
            sha256: sha256(bytes),
        }
    }
}

/// One entry of a module's `exemptions` setting, as the report shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExemptionEntry<'a> {
    pub module: &'a str,
    /// Position in the module's `exemptions` list.
    pub index: usize,
    /// What it targets, e.g. `namespaces: kube-system; controls: pss-privileged`.
    pub scope: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'a str>,
    /// `YYYY-MM-DD`, the last day it applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<&'a str>,
    /// The expiry date passed before the scan ran: the modules no longer
    /// apply it (the kit drops it at evaluation, see `kit::exemptions`).
    pub expired: bool,
    /// Checks of this scan it exempted (matched by module and reason).
    pub checks: usize,
}

/// The scan's day as `YYYY-MM-DD` (UTC), the date exemptions compare with.
pub fn scan_day(at: SystemTime) -> String {
    crate::time::rfc3339(at)[..10].to_string()
}

fn brief(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(brief).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// Every exemption the modules' settings declare. The settings were
/// validated by the modules, so dates are `YYYY-MM-DD` and compare as text.
pub fn exemptions<'a>(scan: &'a Scan, results: &crate::Results) -> Vec<ExemptionEntry<'a>> {
    let today = scan_day(scan.generated_at);
    let mut out = Vec::new();
    for m in &scan.modules {
        let Some(list) = m.settings.get("exemptions").and_then(Value::as_array) else {
            continue;
        };
        for (index, e) in list.iter().enumerate() {
            let Some(fields) = e.as_object() else {
                continue;
            };
            let scope = fields
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "reason" | "expires"))
                .map(|(k, v)| format!("{k}: {}", brief(v)))
                .collect::<Vec<_>>()
                .join("; ");
            let reason = fields.get("reason").and_then(Value::as_str);
            let expires = fields.get("expires").and_then(Value::as_str);
            let expired = expires.is_some_and(|d| d < today.as_str());
            let checks = if expired {
                0
            } else {
                results
                    .notable
                    .iter()
                    .filter(|c| {
                        c.module == m.name()
                            && c.exemption.is_some_and(|x| x.reason.as_deref() == reason)
                    })
                    .count()
            };
            out.push(ExemptionEntry {
                module: m.name(),
                index,
                scope: if scope.is_empty() {
                    "every object and control".to_string()
                } else {
                    scope
                },
                reason,
                expires,
                expired,
                checks,
            });
        }
    }
    out
}

/// One sentence on namespaces every readable format shows when the scan
/// did not read them all from the manifests.
pub fn namespace_note(scan: &Scan, results: &crate::Results) -> Option<String> {
    let (unknown, assumed) = results.namespace_notes();
    match (&scan.namespace, unknown, assumed) {
        (_, 0, 0) => None,
        (Some(ns), _, n) => Some(format!(
            "{n} namespaced object{} name{} no namespace: evaluated in \"{ns}\", the namespace assumed by --namespace (marked \"namespace assumed\")",
            if n == 1 { "" } else { "s" },
            if n == 1 { "s" } else { "" },
        )),
        (None, n, _) => Some(format!(
            "{n} namespaced object{} name{} no namespace: {} land in the namespace given at apply time (kubectl apply -n), unknown to this scan, so no namespace was assumed; pass --namespace to evaluate them in one",
            if n == 1 { "" } else { "s" },
            if n == 1 { "s" } else { "" },
            if n == 1 { "it would" } else { "they would" },
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    #[test]
    fn digests_and_days() {
        assert_eq!(
            sha256(b"abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(scan_day(UNIX_EPOCH), "1970-01-01");
        assert_eq!(
            scan_day(UNIX_EPOCH + std::time::Duration::from_secs(1_779_352_436)),
            "2026-05-21"
        );
    }
}
