//! Control `probes-liveness-readiness`.
//! Shared helpers: [`super::health`].

use super::health::*;
use kit::{Control, Ctx, Finding, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "probes-liveness-readiness",
    title: kit::cold!("Long-running containers have liveness and readiness probes"),
    rationale: kit::cold!(
        "Without a readiness probe a Service sends traffic to a container as soon as it starts and keeps sending it while it cannot answer; without a liveness probe a deadlocked process is never restarted. Not applicable to Job and CronJob pods (and Pods with restartPolicy Never or OnFailure), which run to completion, nor to plain init containers and ephemeral containers, which cannot have probes; sidecars are checked when the sidecars parameter is true."
    ),
    remediation: kit::cold!(
        "add a readinessProbe that fails while the container cannot serve, and a livenessProbe that fails only when the process must be restarted"
    ),
    severity: Severity::Medium,
    tags: TAGS_DEFAULT,
    criteria: super::RECOVERY,
    params: &[
        Param {
            name: "liveness",
            kind: ParamKind::Bool,
            default: "true",
            description: kit::cold!("require a livenessProbe"),
        },
        Param {
            name: "readiness",
            kind: ParamKind::Bool,
            default: "true",
            description: kit::cold!("require a readinessProbe"),
        },
        SIDECARS,
    ],
    validate_params: Some(|p| {
        if p.bool("liveness") || p.bool("readiness") {
            Ok(())
        } else {
            Err("liveness and readiness are both false; skip the control instead".into())
        }
    }),
    check: check_liveness_readiness,
    ..Control::DEFAULTS
};

fn check_liveness_readiness(ctx: &Ctx) -> Vec<Finding> {
    if !long_running(ctx) {
        return Vec::new();
    }
    let p = ctx.params;
    let wanted = [
        ("livenessProbe", "liveness", p.bool("liveness")),
        ("readinessProbe", "readiness", p.bool("readiness")),
    ];
    let mut out = Vec::new();
    for c in serving(ctx, p.bool("sidecars")) {
        for (field, word, on) in wanted {
            if on && probe(&c, field).is_none() {
                out.push(Finding::container(
                    &c,
                    field,
                    kit::text!("{} has no {word} probe", c.describe()),
                ));
            }
        }
    }
    out
}
