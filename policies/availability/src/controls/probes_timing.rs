//! Control `probes-timing`.
//! Shared helpers: [`super::health`].

use super::health::*;
use kit::{Control, Ctx, Finding, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "probes-timing",
    title: kit::cold!("Probe timings stay within bounds"),
    rationale: kit::cold!(
        "Probing every second loads the application and the kubelet for nothing; probing every few minutes leaves a dead container in service for minutes. A liveness probe that restarts on the first failure turns one slow response (a GC pause, a busy node) into a restart storm. A long initialDelaySeconds delays every restart's recovery; a startup probe is the tool for slow starts. Unset fields count at their Kubernetes defaults (periodSeconds 10, failureThreshold 3, initialDelaySeconds 0). Applies wherever probes exist: containers and sidecars, in every kind."
    ),
    remediation: kit::cold!(
        "keep periodSeconds and failureThreshold within the bounds, and replace long initialDelaySeconds with a startupProbe"
    ),
    severity: Severity::Low,
    tags: TAGS,
    criteria: super::RECOVERY,
    params: &[
        Param {
            name: "minPeriodSeconds",
            kind: ParamKind::Integer { min: 1, max: 3600 },
            default: "5",
            description: kit::cold!(
                "smallest periodSeconds of liveness and readiness probes (startup probes may poll faster)"
            ),
        },
        Param {
            name: "maxPeriodSeconds",
            kind: ParamKind::Integer { min: 1, max: 3600 },
            default: "60",
            description: kit::cold!("largest periodSeconds of liveness and readiness probes"),
        },
        Param {
            name: "minLivenessFailureThreshold",
            kind: ParamKind::Integer { min: 1, max: 100 },
            default: "3",
            description: kit::cold!("smallest failureThreshold of liveness probes"),
        },
        Param {
            name: "maxInitialDelaySeconds",
            kind: ParamKind::Integer { min: 0, max: 86400 },
            default: "300",
            description: kit::cold!("largest initialDelaySeconds of liveness and readiness probes"),
        },
    ],
    validate_params: Some(|p| super::ordered(p, "minPeriodSeconds", "maxPeriodSeconds")),
    check: check_timing,
    ..Control::DEFAULTS
};

fn check_timing(ctx: &Ctx) -> Vec<Finding> {
    let p = ctx.params;
    let (min_period, max_period) = (p.int("minPeriodSeconds"), p.int("maxPeriodSeconds"));
    let min_failures = p.int("minLivenessFailureThreshold");
    let max_delay = p.int("maxInitialDelaySeconds");
    let mut out = Vec::new();
    for c in probed(ctx) {
        for which in ["livenessProbe", "readinessProbe"] {
            let Some(pr) = probe(&c, which) else { continue };
            let mut int = |k: &str, default: i64| {
                super::int(pr, &[k], default).unwrap_or_else(|m| {
                    out.push(Finding::container(&c, &kit::text!("{which}.{k}"), m));
                    default
                })
            };
            let period = int("periodSeconds", 10);
            let delay = int("initialDelaySeconds", 0);
            let failures = int("failureThreshold", 3);
            if period < min_period || period > max_period {
                out.push(Finding::container(
                    &c,
                    &kit::text!("{which}.periodSeconds"),
                    kit::text!(
                        "{which} runs every {period}s, outside {min_period}s..{max_period}s"
                    ),
                ));
            }
            if delay > max_delay {
                out.push(Finding::container(
                    &c,
                    &kit::text!("{which}.initialDelaySeconds"),
                    kit::text!(
                        "{which} waits {delay}s before its first check, above {max_delay}s; use a startupProbe"
                    ),
                ));
            }
            if which == "livenessProbe" && failures < min_failures {
                out.push(Finding::container(
                    &c,
                    "livenessProbe.failureThreshold",
                    kit::text!(
                        "livenessProbe restarts the container after {failures} failure(s), below {min_failures}"
                    ),
                ));
            }
        }
    }
    out
}
