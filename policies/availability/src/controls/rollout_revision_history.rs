//! Control `rollout-revision-history`.
//! Shared helpers: [`super::rollout`].

use super::rollout::*;
use kit::{Control, Finding, KindSet, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "rollout-revision-history",
    title: kit::cold!("Enough revisions are kept to roll back"),
    rationale: kit::cold!(
        "kubectl rollout undo and GitOps rollbacks need the previous ReplicaSets (Deployment) or ControllerRevisions (StatefulSet, DaemonSet). A revisionHistoryLimit of 0 deletes them, so recovering from a bad release means rebuilding the old manifest under pressure. Unset means the Kubernetes default of 10."
    ),
    remediation: kit::cold!(
        "set spec.revisionHistoryLimit to at least the minimum (or leave it unset for 10)"
    ),
    severity: Severity::Low,
    tags: TAGS_DEFAULT,
    criteria: super::ROLLOUT,
    kinds: KindSet::Only(ROLLED_OUT),
    params: &[Param {
        name: "minimum",
        kind: ParamKind::Integer { min: 0, max: 100 },
        default: "2",
        description: kit::cold!("smallest spec.revisionHistoryLimit"),
    }],
    check: |ctx| {
        let min = ctx.params.int("minimum");
        let value = match super::int(ctx.object(), &["spec", "revisionHistoryLimit"], 10) {
            Ok(n) => n,
            Err(m) => return vec![Finding::new("spec.revisionHistoryLimit", m)],
        };
        if value >= min {
            return Vec::new();
        }
        vec![Finding::new(
            "spec.revisionHistoryLimit",
            kit::text!(
                "revisionHistoryLimit is {value}, below {min}: too few revisions are kept to roll back"
            ),
        )]
    },
    ..Control::DEFAULTS
};
