//! Admission webhooks declare no side effects (PI1.3, CC8.1).

use crate::webhook::{KINDS, hooks};
use kit::Value;
use kit::{Control, Ctx, Finding, KindSet, Severity, json};

pub static CONTROL: Control = Control {
    id: "webhook-side-effects",
    title: kit::cold!("Admission webhooks declare sideEffects None or NoneOnDryRun"),
    rationale: kit::cold!(
        "A webhook with side effects (Some, Unknown, or none declared) changes state outside the request it reviews: on a dry-run (kubectl diff, server-side dry-run, GitOps previews) or on a request another webhook later rejects, that change happens for a change that never happened, and dry-run requests are refused outright. Webhooks that only validate or mutate the object declare None; those that must record something skip dry-runs with NoneOnDryRun."
    ),
    remediation: kit::cold!(
        "set webhooks[*].sideEffects: None (or NoneOnDryRun for a webhook that must record something and skips dry-run requests)"
    ),
    severity: Severity::Medium,
    tags: &["default", "admission-control"],
    criteria: super::ADMISSION,
    kinds: KindSet::Only(KINDS),
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let hooks = match hooks(ctx.object()) {
        Ok(h) => h,
        Err(f) => return vec![f],
    };
    hooks
        .iter()
        .filter_map(|h| {
            let shown = match h.get("sideEffects") {
                Some(Value::String(s)) if s == "None" || s == "NoneOnDryRun" => return None,
                None | Some(Value::Null) => "not set (Unknown)".to_string(),
                Some(v) => json::brief(v, 40),
            };
            Some(Finding::new(
                h.field("sideEffects"),
                kit::text!(
                    "{} has sideEffects {shown}: dry-run and rejected requests may still change state",
                    h.describe()
                ),
            ))
        })
        .collect()
}
