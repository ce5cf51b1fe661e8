//! Control `rollout-progress-deadline`.
//! Shared helpers: [`super::rollout`].

use super::rollout::*;
use kit::{Control, Finding, KindSet, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "rollout-progress-deadline",
    title: kit::cold!("Stuck Deployment rollouts are reported promptly"),
    rationale: kit::cold!(
        "A Deployment reports Progressing=False (ProgressDeadlineExceeded) only after progressDeadlineSeconds without progress; monitoring, GitOps health checks and automated rollbacks wait for that condition. A very long deadline leaves a broken rollout unreported, half the replicas on the new version, for that long. Unset means the Kubernetes default of 600 seconds."
    ),
    remediation: kit::cold!("set spec.progressDeadlineSeconds to at most the bound (default 600)"),
    severity: Severity::Low,
    tags: TAGS,
    criteria: super::ROLLOUT,
    kinds: KindSet::Only(&["Deployment"]),
    params: &[Param {
        name: "maximum",
        kind: ParamKind::Integer { min: 1, max: 86400 },
        default: "600",
        description: kit::cold!("largest spec.progressDeadlineSeconds"),
    }],
    check: |ctx| {
        let max = ctx.params.int("maximum");
        let value = match super::int(ctx.object(), &["spec", "progressDeadlineSeconds"], 600) {
            Ok(n) => n,
            Err(m) => return vec![Finding::new("spec.progressDeadlineSeconds", m)],
        };
        if value <= max {
            return Vec::new();
        }
        vec![Finding::new(
            "spec.progressDeadlineSeconds",
            kit::text!(
                "progressDeadlineSeconds is {value}, above {max}: a stuck rollout goes unreported that long"
            ),
        )]
    },
    ..Control::DEFAULTS
};
