//! Container inputs are unambiguous (PI1.2).

use kit::Value;
use kit::{Control, Ctx, Finding, Severity, json};

pub static CONTROL: Control = Control {
    id: "env-duplicate-names",
    title: kit::cold!("Containers do not define an environment variable twice"),
    rationale: kit::cold!(
        "When env lists the same name twice, the last entry silently wins: a reviewed value is overridden by one further down (often after a merge of kustomize patches or Helm values), so the configuration the process receives is not the one reviewed. Each name once makes the input of the process unambiguous."
    ),
    remediation: kit::cold!("keep one env entry per name in each container"),
    severity: Severity::Low,
    tags: &["inputs"],
    criteria: super::INPUTS,
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in ctx.pod().containers() {
        let env = match c.get(&["env"]) {
            Some(Value::Array(e)) => e,
            _ => continue,
        };
        // A set, not a list: 60,000 env vars must not cost 60,000² compares.
        let mut seen = std::collections::BTreeSet::new();
        for (i, e) in env.iter().enumerate() {
            let Some(name) = json::get_str(e, &["name"]) else {
                continue;
            };
            if !seen.insert(name) {
                out.push(Finding::container(
                    &c,
                    &kit::text!("env[{i}].name"),
                    kit::text!("{name} is defined again: the last value wins"),
                ));
            }
        }
    }
    out
}
