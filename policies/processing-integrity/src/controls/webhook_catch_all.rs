//! A webhook that sees everything does not fail open (CC6.8, CC8.1).

use crate::webhook::{KINDS, hooks, is_v1beta1};
use kit::Value;
use kit::{Control, Ctx, Finding, KindSet, Severity, json};

pub static CONTROL: Control = Control {
    id: "webhook-catch-all-ignore",
    title: kit::cold!("Catch-all admission webhooks do not fail open"),
    rationale: kit::cold!(
        "A webhook whose rules match every API group and every resource is a policy engine or an auditing hook for the whole cluster; with failurePolicy Ignore, all of its checks disappear for every object whenever it is unavailable, and nothing records that they did. A webhook that covers everything must fail closed, or cover only what it needs."
    ),
    remediation: kit::cold!(
        "set failurePolicy: Fail on the catch-all webhook (keeping it highly available and excluding kube-system by kubernetes.io/metadata.name), or narrow its rules to the groups and resources it checks"
    ),
    severity: Severity::Medium,
    tags: &["admission-control"],
    criteria: super::ADMISSION,
    kinds: KindSet::Only(KINDS),
    check,
    ..Control::DEFAULTS
};

fn has(v: &Value, key: &str, wanted: &[&str]) -> bool {
    json::get_strs(v, &[key]).any(|s| wanted.contains(&s))
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let hooks = match hooks(ctx.object()) {
        Ok(h) => h,
        Err(f) => return vec![f],
    };
    let default_ignore = is_v1beta1(ctx);
    let mut out = Vec::new();
    for h in &hooks {
        let ignore = match h.get("failurePolicy") {
            None | Some(Value::Null) => default_ignore,
            Some(v) => v.as_str() != Some("Fail"),
        };
        if !ignore {
            continue;
        }
        for (i, rule) in json::get_array(h.value, &["rules"]).iter().enumerate() {
            if has(rule, "apiGroups", &["*"]) && has(rule, "resources", &["*", "*/*"]) {
                out.push(Finding::new(
                    h.field(&kit::text!("rules[{i}]")),
                    kit::text!(
                        "{} matches every group and resource with failurePolicy {}: all its checks vanish when it is down",
                        h.describe(),
                        h.get("failurePolicy").map_or("not set (Ignore)".into(), |v| json::brief(v, 30))
                    ),
                ));
            }
        }
    }
    out
}
