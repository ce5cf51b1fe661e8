//! No credentials written as literal env values.

use crate::secrets::{self, Allow};
use kit::{Control, Ctx, Finding, Severity, json};

pub static CONTROL: Control = Control {
    id: "secret-literal-env",
    title: kit::cold!("Containers do not carry credentials as literal environment values"),
    rationale: kit::cold!(
        "A password, token or key written into env[].value lives in the manifest, the Git history, the ReplicaSet history and every kubectl describe: anyone who can read the workload reads the credential, it is not encrypted at rest like a Secret, and rotating it means a redeploy. Values are recognised by shape (PEM private keys, AWS/Google/GitHub/GitLab/Slack/Stripe keys, JSON Web Tokens, URLs with a password, optionally high-entropy strings) and by a credential-like name (PASSWORD, TOKEN, SECRET, API_KEY ...) with a literal value that is not a path, number, boolean or $(VAR) reference. All three container lists are read."
    ),
    remediation: kit::cold!(
        "move the value into a Secret (or an external secret store) and reference it with env[].valueFrom.secretKeyRef or, better, mount it as a file; allow-list false positives with allowNames / allowValues"
    ),
    severity: Severity::High,
    tags: &["default", "secrets"],
    criteria: super::SECRETS,
    params: secrets::PARAMS,
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let allow = Allow::of(ctx);
    let mut out = Vec::new();
    for c in ctx.pod().containers() {
        let env = c
            .get(&["env"])
            .and_then(|v| v.as_array())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        for (i, e) in env.iter().enumerate() {
            let name = json::get_str(e, &["name"]).unwrap_or("");
            let Some(value) = json::get_str(e, &["value"]) else {
                continue;
            };
            if let Some(why) = allow.judge(name, value) {
                out.push(Finding::container(
                    &c,
                    &kit::text!("env[{i}].value"),
                    kit::text!("env {} of {} {why}", super::shown(name), c.describe()),
                ));
            }
        }
    }
    out
}
