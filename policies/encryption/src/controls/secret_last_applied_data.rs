//! Secrets do not carry a copy of their data in the last-applied annotation.

use super::annotation_path;
use kit::{Control, Ctx, Finding, KindSet, Severity, json};

const KEY: &str = "kubectl.kubernetes.io/last-applied-configuration";

pub static CONTROL: Control = Control {
    id: "secret-last-applied-data",
    title: kit::cold!(
        "Secrets do not repeat their data in the last-applied-configuration annotation"
    ),
    rationale: kit::cold!(
        "kubectl apply (client-side) stores the whole manifest, data and stringData included, in the kubectl.kubernetes.io/last-applied-configuration annotation. Metadata is shown by kubectl describe, returned to clients that only list metadata, copied by tools that redact data but not annotations, and stringData is kept there in clear text. The credential then lives in a second place, outside every redaction."
    ),
    remediation: kit::cold!(
        "apply Secrets with kubectl apply --server-side, kubectl create/replace, or an operator (External Secrets, Sealed Secrets); remove the annotation with kubectl annotate secret <name> kubectl.kubernetes.io/last-applied-configuration-"
    ),
    severity: Severity::High,
    tags: &["default", "secrets"],
    criteria: super::SECRETS,
    kinds: KindSet::Only(&["/Secret"]),
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let Some(raw) = super::annotation(ctx, KEY) else {
        return Vec::new();
    };
    let carries = match kit::dom::parse(raw.as_bytes()) {
        Ok(v) => ["data", "stringData"]
            .iter()
            .filter(|k| json::get_obj(&v, &[k]).is_some_and(|m| !m.is_empty()))
            .copied()
            .collect::<Vec<_>>(),
        // Not JSON: cannot tell what it holds, so treat it as carrying data.
        Err(_) => vec!["unparseable content"],
    };
    if carries.is_empty() {
        return Vec::new();
    }
    vec![Finding::new(
        annotation_path(KEY),
        kit::text!(
            "the last-applied-configuration annotation carries the Secret's {}",
            carries.join(" and ")
        ),
    )]
}
