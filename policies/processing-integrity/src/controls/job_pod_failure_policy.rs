//! Job pod failures are classified, not retried blindly (PI1.3).

use crate::job::JobSpec;
use kit::Value;
use kit::{Control, Ctx, Finding, Int, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "job-pod-failure-policy",
    title: kit::cold!("Job podFailurePolicy is sound (and present where required)"),
    rationale: kit::cold!(
        "A podFailurePolicy tells a Job which failures are bugs (FailJob: stop now instead of reprocessing the same input backoffLimit times) and which are infrastructure (Ignore a DisruptionTarget condition: retry without counting). Rules that Ignore exit codes by NotIn make every unexpected failure retry forever without counting against backoffLimit; rules the API server refuses (unknown action, exit code 0 with In, FailIndex without backoffLimitPerIndex, restartPolicy other than Never) keep the manifest from deploying. With required, every Job must classify its failures."
    ),
    remediation: kit::cold!(
        "add spec.podFailurePolicy (spec.jobTemplate.spec.podFailurePolicy in a CronJob) with restartPolicy Never, e.g. a FailJob rule onExitCodes In [the codes of non-retriable errors] and an Ignore rule onPodConditions DisruptionTarget; do not Ignore exit codes with NotIn"
    ),
    severity: Severity::Low,
    tags: &["jobs"],
    criteria: super::PROCESSING,
    kinds: KindSet::Only(crate::job::KINDS),
    params: &[Param {
        name: "required",
        kind: ParamKind::Bool,
        default: "false",
        description: kit::cold!("require every Job to declare a podFailurePolicy"),
    }],
    check,
    ..Control::DEFAULTS
};

const ACTIONS: &[&str] = &["FailJob", "FailIndex", "Ignore", "Count"];

fn check(ctx: &Ctx) -> Vec<Finding> {
    let js = JobSpec::of(ctx);
    let path = js.field("podFailurePolicy");
    let policy = match js.get("podFailurePolicy") {
        None | Some(Value::Null) => {
            return if ctx.params.bool("required") {
                vec![Finding::new(
                    path,
                    kit::text!(
                        "podFailurePolicy is not set: every failure of {} is retried alike",
                        js.noun()
                    ),
                )]
            } else {
                Vec::new()
            };
        }
        Some(p) => p,
    };
    let mut out = Vec::new();
    let rules = match policy.get("rules") {
        Some(Value::Array(r)) if !r.is_empty() => r,
        other => {
            return vec![Finding::new(
                kit::text!("{path}.rules"),
                kit::text!(
                    "podFailurePolicy.rules must be a non-empty list, got {}",
                    other.map_or("nothing".into(), |v| json::brief(v, 40))
                ),
            )];
        }
    };
    match js.pod_get("restartPolicy").and_then(Value::as_str) {
        Some("Never") => {}
        other => out.push(Finding::new(
            js.pod_field("restartPolicy"),
            kit::text!(
                "podFailurePolicy requires restartPolicy Never, got {}",
                other.unwrap_or("a missing or non-string value")
            ),
        )),
    }
    let per_index = !matches!(js.int("backoffLimitPerIndex"), Int::Absent);
    for (i, rule) in rules.iter().enumerate() {
        let rp = kit::text!("{path}.rules[{i}]");
        let action = json::get_str(rule, &["action"]);
        match action {
            Some(a) if ACTIONS.contains(&a) => {}
            _ => out.push(Finding::new(
                kit::text!("{rp}.action"),
                kit::text!(
                    "action {} is not one of {}",
                    rule.get("action")
                        .map_or("(missing)".into(), |v| json::brief(v, 30)),
                    ACTIONS.join(", ")
                ),
            )),
        }
        if action == Some("FailIndex") && !per_index {
            out.push(Finding::new(
                kit::text!("{rp}.action"),
                "action FailIndex requires backoffLimitPerIndex",
            ));
        }
        let codes = rule.get("onExitCodes").filter(|v| !v.is_null());
        let conditions = rule.get("onPodConditions").filter(|v| !v.is_null());
        match (codes, conditions) {
            (Some(_), Some(_)) | (None, None) => out.push(Finding::new(
                rp.clone(),
                "a rule needs exactly one of onExitCodes and onPodConditions",
            )),
            (Some(c), None) => exit_codes(&rp, c, action, &mut out),
            (None, Some(_)) => {}
        }
    }
    out
}

fn exit_codes(rp: &str, c: &Value, action: Option<&str>, out: &mut Vec<Finding>) {
    let operator = json::get_str(c, &["operator"]);
    if !matches!(operator, Some("In" | "NotIn")) {
        out.push(Finding::new(
            kit::text!("{rp}.onExitCodes.operator"),
            kit::text!(
                "operator {} is not In or NotIn",
                c.get("operator")
                    .map_or("(missing)".into(), |v| json::brief(v, 30))
            ),
        ));
    }
    let values = match c.get("values") {
        Some(Value::Array(v)) if !v.is_empty() => v,
        _ => {
            out.push(Finding::new(
                kit::text!("{rp}.onExitCodes.values"),
                "onExitCodes.values must be a non-empty list of exit codes",
            ));
            return;
        }
    };
    for (j, v) in values.iter().enumerate() {
        match Int::of(Some(v)) {
            Int::Value(0) if operator == Some("In") => out.push(Finding::new(
                kit::text!("{rp}.onExitCodes.values[{j}]"),
                "exit code 0 (success) cannot be matched with operator In",
            )),
            Int::Value(_) => {}
            _ => out.push(Finding::new(
                kit::text!("{rp}.onExitCodes.values[{j}]"),
                kit::text!("exit code is not an integer: {}", json::brief(v, 30)),
            )),
        }
    }
    if action == Some("Ignore") && operator == Some("NotIn") {
        out.push(Finding::new(
            kit::text!("{rp}.onExitCodes"),
            "action Ignore with operator NotIn ignores every unexpected exit code: failures are retried forever without counting against backoffLimit",
        ));
    }
}
