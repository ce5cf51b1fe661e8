//! The deprecated `serviceAccount` field (KubeLinter
//! `deprecated-service-account-field`).
//!
//! The API server copies `serviceAccountName` into `serviceAccount` on every
//! read, so the two are always equal on admitted objects: only a manifest that
//! uses the old field alone, or disagrees with the new one, is at fault. That
//! is what a manifest scan and the background audit of old objects catch.

use kit::Value;
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "no-deprecated-service-account-field",
    title: kit::cold!("Pod templates name their service account with serviceAccountName"),
    rationale: kit::cold!(
        "spec.serviceAccount is deprecated and ignored whenever serviceAccountName is set: a manifest that relies on it, or sets both differently, runs the workload under an identity its reviewers did not see."
    ),
    remediation: kit::cold!(
        "replace spec.serviceAccount with spec.serviceAccountName (same value)"
    ),
    severity: Severity::Low,
    tags: &["default", "service-accounts"],
    criteria: Criteria {
        soc2: &["CC6.1"],
        iso27001: &["A.5.16", "A.8.9"],
        pss: &[],
        cis: &[],
    },
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let pod = ctx.pod();
    let old = match pod.get(&["serviceAccount"]) {
        None | Some(Value::Null) => return Vec::new(),
        Some(Value::String(s)) if s.is_empty() => return Vec::new(),
        Some(Value::String(s)) => s.as_str(),
        Some(_) => {
            return vec![Finding::new(
                pod.field_path("serviceAccount"),
                "serviceAccount must be a string",
            )];
        }
    };
    let message = match pod.get(&["serviceAccountName"]).and_then(Value::as_str) {
        Some(name) if name == old => return Vec::new(),
        Some(name) if !name.is_empty() => kit::text!(
            "deprecated serviceAccount \"{old}\" disagrees with serviceAccountName \"{name}\", which wins"
        ),
        _ => kit::text!(
            "the service account is set only through the deprecated serviceAccount field (\"{old}\")"
        ),
    };
    vec![Finding::new(pod.field_path("serviceAccount"), message)]
}
