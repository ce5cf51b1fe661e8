//! Job pods restart only in ways a Job can account for (PI1.3).

use crate::job::JobSpec;
use kit::control::Params;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "job-restart-policy",
    title: kit::cold!("Job pods use restartPolicy OnFailure or Never"),
    rationale: kit::cold!(
        "The Job controller counts failures against backoffLimit only for restartPolicy OnFailure or Never; the API server refuses anything else (including a missing value, which means Always), so a manifest that relies on the default never deploys. Never keeps each failed attempt's pod as evidence and is required by podFailurePolicy; OnFailure restarts the container in place."
    ),
    remediation: kit::cold!(
        "set spec.template.spec.restartPolicy (spec.jobTemplate.spec.template.spec.restartPolicy in a CronJob) to Never or OnFailure"
    ),
    severity: Severity::Medium,
    tags: &["jobs"],
    criteria: super::PROCESSING,
    kinds: KindSet::Only(crate::job::KINDS),
    params: &[Param {
        name: "allowed",
        kind: ParamKind::StringList,
        default: r#"["OnFailure", "Never"]"#,
        description: kit::cold!(
            "restart policies accepted: a non-empty subset of OnFailure and Never"
        ),
    }],
    validate_params: Some(validate),
    check,
    ..Control::DEFAULTS
};

fn validate(p: &Params) -> Result<(), String> {
    let allowed = p.strings("allowed");
    if allowed.is_empty() {
        return Err("allowed must name at least one restart policy".into());
    }
    match allowed
        .iter()
        .find(|a| !matches!(a.as_str(), "OnFailure" | "Never"))
    {
        Some(bad) => Err(kit::text!(
            "allowed: {bad:?} is not a Job restart policy (OnFailure, Never)"
        )),
        None => Ok(()),
    }
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let js = JobSpec::of(ctx);
    let allowed = ctx.params.strings("allowed");
    let path = js.pod_field("restartPolicy");
    match js.pod_get("restartPolicy") {
        None | Some(kit::Value::Null) => vec![Finding::new(
            path,
            kit::text!(
                "restartPolicy is not set (Always): the API server refuses it for Jobs; use {}",
                allowed.join(" or ")
            ),
        )],
        Some(kit::Value::String(p)) if allowed.iter().any(|a| a == p) => Vec::new(),
        Some(v) => vec![Finding::new(
            path,
            kit::text!(
                "restartPolicy is {}; allowed: {}",
                json::brief(v, 40),
                allowed.join(", ")
            ),
        )],
    }
}
