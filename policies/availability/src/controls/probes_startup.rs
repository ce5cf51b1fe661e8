//! Control `probes-startup`.
//! Shared helpers: [`super::health`].

use super::health::*;
use kit::{Control, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "probes-startup",
    title: kit::cold!("Long-running containers have a startup probe"),
    rationale: kit::cold!(
        "A slow-starting container is killed by its liveness probe before it is up, and a long initialDelaySeconds to avoid that also delays the detection of every later hang. A startup probe holds the liveness probe back only until the first success. Not applicable to Job and CronJob pods, plain init containers or ephemeral containers (see probes-liveness-readiness)."
    ),
    remediation: kit::cold!(
        "add a startupProbe (e.g. the liveness check with failureThreshold x periodSeconds covering the slowest start) and drop initialDelaySeconds from the liveness probe"
    ),
    severity: Severity::Low,
    tags: TAGS,
    criteria: super::RECOVERY,
    params: &[SIDECARS],
    check: check_startup,
    ..Control::DEFAULTS
};

fn check_startup(ctx: &Ctx) -> Vec<Finding> {
    if !long_running(ctx) {
        return Vec::new();
    }
    serving(ctx, ctx.params.bool("sidecars"))
        .filter(|c| probe(c, "startupProbe").is_none())
        .map(|c| {
            Finding::container(
                &c,
                "startupProbe",
                kit::text!("{} has no startup probe", c.describe()),
            )
        })
        .collect()
}
