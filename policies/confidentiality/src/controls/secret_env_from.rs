//! `envFrom` of a whole Secret puts every key, present and future, into the
//! environment of the process.

use kit::{Control, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "secret-env-from",
    title: kit::cold!("Containers do not import whole Secrets with envFrom"),
    rationale: kit::cold!(
        "envFrom.secretRef copies every key of the Secret, including keys added later by someone else, into the environment: child processes inherit them, crash reporters and debug endpoints dump them, and `kubectl describe` or /proc/<pid>/environ reveal them. Referencing the keys the container needs (env[].valueFrom.secretKeyRef) or mounting them as files limits what leaks."
    ),
    remediation: kit::cold!(
        "replace envFrom[].secretRef with env[].valueFrom.secretKeyRef for each key needed, or mount the Secret as a volume with items"
    ),
    severity: Severity::Low,
    tags: &["secrets"],
    criteria: super::SECRETS,
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in ctx.pod().containers() {
        for (k, e) in kit::json::get_array(c.raw, &["envFrom"]).iter().enumerate() {
            if let Some(s) = e.get("secretRef").filter(|s| !s.is_null()) {
                out.push(Finding::container(
                    &c,
                    &kit::text!("envFrom[{k}].secretRef"),
                    kit::text!(
                        "{} imports every key of Secret {} into its environment",
                        c.describe(),
                        kit::json::brief(s.get("name").unwrap_or(s), 60)
                    ),
                ));
            }
        }
    }
    out
}
