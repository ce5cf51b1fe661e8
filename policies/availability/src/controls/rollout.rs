//! Rollouts: a new version replaces the old one without taking the service
//! down, a stuck rollout is reported, and the previous version can be rolled
//! back to (A1.2, CC8.1).

use crate::intstr::IntOrPercent;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};
use serde_json::Value;

const TAGS_DEFAULT: &[&str] = &["default", "rollout"];
const TAGS: &[&str] = &["rollout"];

const ROLLED_OUT: &[&str] = &["Deployment", "StatefulSet", "DaemonSet"];

pub static STRATEGY: Control = Control {
    id: "rollout-strategy",
    title: "Workloads roll out gradually with bounded unavailability",
    rationale: "Recreate (Deployment) stops every pod before starting new ones, so each rollout is an outage; OnDelete (StatefulSet, DaemonSet) never rolls a change out until someone deletes each pod, leaving old and possibly vulnerable versions running. A RollingUpdate whose maxUnavailable covers most of the replicas takes the same capacity down at once. maxUnavailable is resolved as the controllers resolve it (Deployments round percentages down and use 1 when maxSurge is also 0; StatefulSets round up and use at least 1), against spec.replicas; a DaemonSet's node count is unknown at admission, so its percentage and absolute forms are bounded separately.",
    remediation: "use a RollingUpdate strategy with maxUnavailable at most the bound (e.g. maxUnavailable: 25%, or 0 with maxSurge: 1); allow Recreate/OnDelete through the parameters for workloads that need them (e.g. a ReadWriteOnce volume)",
    severity: Severity::Medium,
    tags: TAGS_DEFAULT,
    criteria: super::ROLLOUT,
    kinds: KindSet::Only(ROLLED_OUT),
    params: &[
        Param {
            name: "maxUnavailablePercent",
            kind: ParamKind::Integer { min: 0, max: 100 },
            default: "50",
            description: "largest share of replicas (of a DaemonSet: largest percentage) a rolling update may take down at once",
        },
        Param {
            name: "maxUnavailableNodes",
            kind: ParamKind::Integer { min: 0, max: 10000 },
            default: "1",
            description: "largest absolute DaemonSet maxUnavailable (its percentage form is bounded by maxUnavailablePercent)",
        },
        Param {
            name: "allowRecreate",
            kind: ParamKind::Bool,
            default: "false",
            description: "accept the Recreate strategy on Deployments",
        },
        Param {
            name: "allowOnDelete",
            kind: ParamKind::Bool,
            default: "false",
            description: "accept the OnDelete update strategy on StatefulSets and DaemonSets",
        },
    ],
    check: check_strategy,
    ..Control::DEFAULTS
};

fn check_strategy(ctx: &Ctx) -> Vec<Finding> {
    let object = ctx.object();
    let p = ctx.params;
    let pct = p.int("maxUnavailablePercent");
    let kind = ctx.request.kind.as_str();
    let strategy_field = if kind == "Deployment" {
        "strategy"
    } else {
        "updateStrategy"
    };
    let strategy = json::get(object, &["spec", strategy_field]).unwrap_or(&Value::Null);
    let kind_of = json::get_str(strategy, &["type"]).unwrap_or("RollingUpdate");
    let type_path = format!("spec.{strategy_field}.type");
    match kind_of {
        "RollingUpdate" => {}
        "Recreate" if p.bool("allowRecreate") => return Vec::new(),
        "OnDelete" if p.bool("allowOnDelete") => return Vec::new(),
        "Recreate" => {
            return vec![Finding::new(
                type_path,
                "the Recreate strategy stops every pod before starting the new ones: each rollout is an outage",
            )];
        }
        "OnDelete" => {
            return vec![Finding::new(
                type_path,
                "the OnDelete strategy rolls nothing out until each pod is deleted by hand",
            )];
        }
        // Anything else the API server refuses.
        _ => return Vec::new(),
    }
    let path = format!("spec.{strategy_field}.rollingUpdate.maxUnavailable");
    let given = json::get(strategy, &["rollingUpdate", "maxUnavailable"]).filter(|v| !v.is_null());
    let read = |default: IntOrPercent| match given {
        None => Some(default),
        Some(v) => IntOrPercent::from_json(v),
    };
    let Some(replicas) = super::replicas(object) else {
        return Vec::new();
    };
    let down = match kind {
        "Deployment" => {
            let Some(max_unavailable) = read(IntOrPercent::Percent(25)) else {
                return Vec::new();
            };
            let surge = json::get(strategy, &["rollingUpdate", "maxSurge"])
                .filter(|v| !v.is_null())
                .map_or(Some(IntOrPercent::Percent(25)), IntOrPercent::from_json)
                .map_or(1, |s| s.scaled(replicas, true));
            let down = max_unavailable.scaled(replicas, false);
            // The deployment controller's fencepost: never both zero.
            let down = if down == 0 && surge == 0 { 1 } else { down };
            (max_unavailable, down)
        }
        "StatefulSet" => {
            let Some(max_unavailable) = read(IntOrPercent::Int(1)) else {
                return Vec::new();
            };
            // One pod at a time is the least a StatefulSet can do.
            if replicas <= 1 {
                return Vec::new();
            }
            (
                max_unavailable,
                max_unavailable.scaled(replicas, true).max(1),
            )
        }
        _ => {
            let Some(max_unavailable) = read(IntOrPercent::Int(1)) else {
                return Vec::new();
            };
            let finding = match max_unavailable {
                IntOrPercent::Percent(v) if v > pct => Some(format!(
                    "maxUnavailable {max_unavailable} lets more than {pct}% of the nodes lose this DaemonSet's pod at once"
                )),
                IntOrPercent::Int(n) if n > p.int("maxUnavailableNodes") => Some(format!(
                    "maxUnavailable {n} lets {n} nodes lose this DaemonSet's pod at once, above {}",
                    p.int("maxUnavailableNodes")
                )),
                _ => None,
            };
            return finding.map(|m| Finding::new(path, m)).into_iter().collect();
        }
    };
    let (given_value, down) = down;
    if replicas > 0 && i128::from(down) * 100 > i128::from(pct) * i128::from(replicas) {
        return vec![Finding::new(
            path,
            format!(
                "maxUnavailable {given_value} lets {down} of {replicas} pods be down during a rollout, above {pct}%"
            ),
        )];
    }
    Vec::new()
}

// ---------------------------------------------------------------------------

pub static MIN_READY: Control = Control {
    id: "rollout-min-ready-seconds",
    title: "Rollouts wait for new pods to stay ready",
    rationale: "With minReadySeconds 0 a pod counts as available the moment its readiness probe first passes, so a version that crashes a few seconds after start rolls out across every replica before anything notices. minReadySeconds makes the controller wait that long before replacing the next pod.",
    remediation: "set spec.minReadySeconds (e.g. 10) on the Deployment, StatefulSet or DaemonSet",
    severity: Severity::Low,
    tags: TAGS,
    criteria: super::ROLLOUT,
    kinds: KindSet::Only(ROLLED_OUT),
    params: &[Param {
        name: "minimum",
        kind: ParamKind::Integer { min: 0, max: 3600 },
        default: "10",
        description: "smallest spec.minReadySeconds",
    }],
    check: |ctx| {
        let min = ctx.params.int("minimum");
        let value = json::get_i64(ctx.object(), &["spec", "minReadySeconds"]).unwrap_or(0);
        if value >= min {
            return Vec::new();
        }
        vec![Finding::new(
            "spec.minReadySeconds",
            format!("minReadySeconds is {value}, below {min}"),
        )]
    },
    ..Control::DEFAULTS
};

// ---------------------------------------------------------------------------

pub static PROGRESS_DEADLINE: Control = Control {
    id: "rollout-progress-deadline",
    title: "Stuck Deployment rollouts are reported promptly",
    rationale: "A Deployment reports Progressing=False (ProgressDeadlineExceeded) only after progressDeadlineSeconds without progress; monitoring, GitOps health checks and automated rollbacks wait for that condition. A very long deadline leaves a broken rollout unreported, half the replicas on the new version, for that long. Unset means the Kubernetes default of 600 seconds.",
    remediation: "set spec.progressDeadlineSeconds to at most the bound (default 600)",
    severity: Severity::Low,
    tags: TAGS,
    criteria: super::ROLLOUT,
    kinds: KindSet::Only(&["Deployment"]),
    params: &[Param {
        name: "maximum",
        kind: ParamKind::Integer { min: 1, max: 86400 },
        default: "600",
        description: "largest spec.progressDeadlineSeconds",
    }],
    check: |ctx| {
        let max = ctx.params.int("maximum");
        let value =
            json::get_i64(ctx.object(), &["spec", "progressDeadlineSeconds"]).unwrap_or(600);
        if value <= max {
            return Vec::new();
        }
        vec![Finding::new(
            "spec.progressDeadlineSeconds",
            format!(
                "progressDeadlineSeconds is {value}, above {max}: a stuck rollout goes unreported that long"
            ),
        )]
    },
    ..Control::DEFAULTS
};

// ---------------------------------------------------------------------------

pub static REVISION_HISTORY: Control = Control {
    id: "rollout-revision-history",
    title: "Enough revisions are kept to roll back",
    rationale: "kubectl rollout undo and GitOps rollbacks need the previous ReplicaSets (Deployment) or ControllerRevisions (StatefulSet, DaemonSet). A revisionHistoryLimit of 0 deletes them, so recovering from a bad release means rebuilding the old manifest under pressure. Unset means the Kubernetes default of 10.",
    remediation: "set spec.revisionHistoryLimit to at least the minimum (or leave it unset for 10)",
    severity: Severity::Low,
    tags: TAGS_DEFAULT,
    criteria: super::ROLLOUT,
    kinds: KindSet::Only(ROLLED_OUT),
    params: &[Param {
        name: "minimum",
        kind: ParamKind::Integer { min: 0, max: 100 },
        default: "2",
        description: "smallest spec.revisionHistoryLimit",
    }],
    check: |ctx| {
        let min = ctx.params.int("minimum");
        let value = json::get_i64(ctx.object(), &["spec", "revisionHistoryLimit"]).unwrap_or(10);
        if value >= min {
            return Vec::new();
        }
        vec![Finding::new(
            "spec.revisionHistoryLimit",
            format!(
                "revisionHistoryLimit is {value}, below {min}: too few revisions are kept to roll back"
            ),
        )]
    },
    ..Control::DEFAULTS
};

pub static CONTROLS: &[&Control] = &[&STRATEGY, &MIN_READY, &PROGRESS_DEADLINE, &REVISION_HISTORY];
