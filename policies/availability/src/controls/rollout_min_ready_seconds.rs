//! Control `rollout-min-ready-seconds`.
//! Shared helpers: [`super::rollout`].

use super::rollout::*;
use kit::{Control, Finding, KindSet, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "rollout-min-ready-seconds",
    title: kit::cold!("Rollouts wait for new pods to stay ready"),
    rationale: kit::cold!(
        "With minReadySeconds 0 a pod counts as available the moment its readiness probe first passes, so a version that crashes a few seconds after start rolls out across every replica before anything notices. minReadySeconds makes the controller wait that long before replacing the next pod."
    ),
    remediation: kit::cold!(
        "set spec.minReadySeconds (e.g. 10) on the Deployment, StatefulSet or DaemonSet"
    ),
    severity: Severity::Low,
    tags: TAGS,
    criteria: super::ROLLOUT,
    kinds: KindSet::Only(ROLLED_OUT),
    params: &[Param {
        name: "minimum",
        kind: ParamKind::Integer { min: 0, max: 3600 },
        default: "10",
        description: kit::cold!("smallest spec.minReadySeconds"),
    }],
    check: |ctx| {
        let min = ctx.params.int("minimum");
        let value = match super::int(ctx.object(), &["spec", "minReadySeconds"], 0) {
            Ok(n) => n,
            Err(m) => return vec![Finding::new("spec.minReadySeconds", m)],
        };
        if value >= min {
            return Vec::new();
        }
        vec![Finding::new(
            "spec.minReadySeconds",
            kit::text!("minReadySeconds is {value}, below {min}"),
        )]
    },
    ..Control::DEFAULTS
};
