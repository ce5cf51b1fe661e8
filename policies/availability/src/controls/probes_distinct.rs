//! Control `probes-distinct`.
//! Shared helpers: [`super::health`].

use super::health::*;
use kit::Value;
use kit::{Control, Ctx, Finding, Severity, json};

pub static CONTROL: Control = Control {
    id: "probes-distinct",
    title: kit::cold!("Liveness and readiness probes check different things"),
    rationale: kit::cold!(
        "Readiness answers \"can I serve now?\" and may fail while a database is down; liveness answers \"must I be restarted?\". When both run the same check, a dependency outage fails the liveness probe of every replica and Kubernetes restarts them all, turning a partial outage into a full one. Compared on the probe's handler (exec, httpGet, tcpSocket or grpc); applies to containers and sidecars wherever both probes exist."
    ),
    remediation: kit::cold!(
        "point the livenessProbe at a check of the process itself (e.g. /livez) and the readinessProbe at a check of its ability to serve (e.g. /readyz)"
    ),
    severity: Severity::Low,
    tags: TAGS,
    criteria: super::RECOVERY,
    check: check_distinct,
    ..Control::DEFAULTS
};

const HANDLERS: [&str; 4] = ["exec", "httpGet", "tcpSocket", "grpc"];

fn handler(probe: &Value) -> Option<(&'static str, &Value)> {
    HANDLERS
        .into_iter()
        .find_map(|h| probe.get(h).filter(|v| !v.is_null()).map(|v| (h, v)))
}

fn check_distinct(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in probed(ctx) {
        let (Some(live), Some(ready)) = (probe(&c, "livenessProbe"), probe(&c, "readinessProbe"))
        else {
            continue;
        };
        if let (Some((h, a)), Some(b)) = (handler(live), handler(ready))
            && (h, a) == b
        {
            out.push(Finding::container(
                &c,
                &kit::text!("livenessProbe.{h}"),
                kit::text!(
                    "livenessProbe and readinessProbe run the same {h} check {}",
                    json::brief(a, 80)
                ),
            ));
        }
    }
    out
}
