//! Security webhooks fail closed (CC6.8, CC8.1).

use crate::webhook::{KINDS, hooks, is_v1beta1, selected};
use kit::Value;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "webhook-failure-policy",
    title: kit::cold!("Security admission webhooks fail closed"),
    rationale: kit::cold!(
        "With failurePolicy Ignore, every request the webhook matches is admitted unchecked whenever the webhook is down, slow or unreachable: an attacker who can crash or overload a policy engine, or a broken rollout of it, switches the controls off without any record. Webhooks that enforce security or compliance must fail closed. Which webhooks count is a parameter (globs on the configuration's or the webhook's name); the v1 default is Fail, the removed v1beta1 API's default was Ignore."
    ),
    remediation: kit::cold!(
        "set webhooks[*].failurePolicy: Fail on the security webhooks, and keep them available (replicas, PodDisruptionBudget) rather than failing open"
    ),
    severity: Severity::High,
    tags: &["admission-control"],
    criteria: super::ADMISSION,
    kinds: KindSet::Only(KINDS),
    params: &[Param {
        name: "webhooks",
        kind: ParamKind::StringList,
        default: r#"["*"]"#,
        description: kit::cold!(
            "globs on the configuration name or webhook name of the webhooks that must fail closed"
        ),
    }],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let hooks = match hooks(ctx.object()) {
        Ok(h) => h,
        Err(f) => return vec![f],
    };
    let patterns = ctx.params.strings("webhooks");
    let default = if is_v1beta1(ctx) { "Ignore" } else { "Fail" };
    hooks
        .iter()
        .filter(|h| selected(ctx, h, &patterns))
        .filter_map(|h| {
            let shown = match h.get("failurePolicy") {
                None | Some(Value::Null) if default == "Fail" => return None,
                None | Some(Value::Null) => kit::text!("not set ({default})"),
                Some(Value::String(s)) if s == "Fail" => return None,
                Some(v) => json::brief(v, 40),
            };
            Some(Finding::new(
                h.field("failurePolicy"),
                kit::text!(
                    "{} has failurePolicy {shown}: requests are admitted unchecked when it is unavailable",
                    h.describe()
                ),
            ))
        })
        .collect()
}
