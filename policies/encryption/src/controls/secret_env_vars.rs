//! Secrets are mounted as files rather than exposed as environment variables.

use kit::{Control, Criteria, Ctx, Finding, Severity, json};

pub static CONTROL: Control = Control {
    id: "secret-env-vars",
    title: kit::cold!("Secrets are mounted as files, not passed as environment variables"),
    rationale: kit::cold!(
        "Environment variables leak: they are inherited by every child process, printed by crash handlers, debug endpoints and `env` in support sessions, visible in /proc/<pid>/environ, and cannot be rotated without restarting the container. Files from a Secret volume are updated in place and readable only where mounted. CIS 5.4.1 prefers files; opt-in because many images only read credentials from the environment."
    ),
    remediation: kit::cold!(
        "mount the Secret as a volume (readOnly) and point the application at the file (e.g. DATABASE_PASSWORD_FILE), instead of env[].valueFrom.secretKeyRef or envFrom[].secretRef"
    ),
    severity: Severity::Low,
    tags: &["secrets"],
    criteria: Criteria {
        soc2: &["CC6.1", "C1.1"],
        iso27001: &["A.5.17", "A.8.24"],
        pss: &[],
        cis: &["5.4.1"],
    },
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in ctx.pod().containers() {
        for (i, e) in c
            .get(&["env"])
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
            .enumerate()
        {
            if let Some(secret) = json::get(e, &["valueFrom", "secretKeyRef"]) {
                let name = json::get_str(e, &["name"]).unwrap_or("");
                let from = json::get_str(secret, &["name"]).unwrap_or("");
                out.push(Finding::container(
                    &c,
                    &kit::text!("env[{i}].valueFrom.secretKeyRef"),
                    kit::text!(
                        "env {} of {} comes from Secret {}",
                        super::shown(name),
                        c.describe(),
                        super::shown(from)
                    ),
                ));
            }
        }
        for (i, e) in c
            .get(&["envFrom"])
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
            .enumerate()
        {
            if let Some(secret) = json::get(e, &["secretRef"]) {
                let from = json::get_str(secret, &["name"]).unwrap_or("");
                out.push(Finding::container(
                    &c,
                    &kit::text!("envFrom[{i}].secretRef"),
                    kit::text!(
                        "{} imports every key of Secret {} as environment variables",
                        c.describe(),
                        super::shown(from)
                    ),
                ));
            }
        }
    }
    out
}
