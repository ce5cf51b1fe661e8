//! CronJob runs do not overlap (PI1.3).

use kit::Value;
use kit::control::Params;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "cronjob-concurrency-policy",
    title: kit::cold!("CronJobs forbid or replace overlapping runs"),
    rationale: kit::cold!(
        "With concurrencyPolicy Allow (the default) a run that takes longer than the schedule interval overlaps the next one: two Jobs read the same input and write the same output, producing duplicate or interleaved results. Forbid skips a run while the previous one is active; Replace stops the old one. No peer policy library checks this."
    ),
    remediation: kit::cold!(
        "set spec.concurrencyPolicy: Forbid (or Replace when the newest run supersedes the old one)"
    ),
    severity: Severity::Medium,
    tags: &["default", "cronjobs"],
    criteria: super::PROCESSING,
    kinds: KindSet::Only(&["batch/CronJob"]),
    params: &[Param {
        name: "allowed",
        kind: ParamKind::StringList,
        default: r#"["Forbid", "Replace"]"#,
        description: kit::cold!(
            "concurrency policies accepted: a non-empty subset of Forbid, Replace and Allow"
        ),
    }],
    validate_params: Some(validate),
    check,
    ..Control::DEFAULTS
};

fn validate(p: &Params) -> Result<(), String> {
    let allowed = p.strings("allowed");
    if allowed.is_empty() {
        return Err("allowed must name at least one concurrency policy".into());
    }
    match allowed
        .iter()
        .find(|a| !matches!(a.as_str(), "Forbid" | "Replace" | "Allow"))
    {
        Some(bad) => Err(kit::text!(
            "allowed: {bad:?} is not a concurrency policy (Allow, Forbid, Replace)"
        )),
        None => Ok(()),
    }
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let allowed = ctx.params.strings("allowed");
    let (shown, ok) = match json::get(ctx.object(), &["spec", "concurrencyPolicy"]) {
        None | Some(Value::Null) => (
            "not set (Allow)".to_string(),
            allowed.iter().any(|a| a == "Allow"),
        ),
        Some(Value::String(p)) => (p.to_string(), allowed.iter().any(|a| a == p)),
        Some(v) => (json::brief(v, 40), false),
    };
    if ok {
        return Vec::new();
    }
    vec![Finding::new(
        "spec.concurrencyPolicy",
        kit::text!(
            "concurrencyPolicy is {shown}: runs may overlap; allowed: {}",
            allowed.join(", ")
        ),
    )]
}
