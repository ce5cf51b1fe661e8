//! Control `rollout-strategy`.
//! Shared helpers: [`super::rollout`].

use super::rollout::*;
use crate::intstr::IntOrPercent;
use kit::Value;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "rollout-strategy",
    title: kit::cold!("Workloads roll out gradually with bounded unavailability"),
    rationale: kit::cold!(
        "Recreate (Deployment) stops every pod before starting new ones, so each rollout is an outage; OnDelete (StatefulSet, DaemonSet) never rolls a change out until someone deletes each pod, leaving old and possibly vulnerable versions running. A RollingUpdate whose maxUnavailable covers most of the replicas takes the same capacity down at once. maxUnavailable is resolved as the controllers resolve it (Deployments round percentages down and use 1 when maxSurge is also 0; StatefulSets round up and use at least 1), against spec.replicas; a DaemonSet's node count is unknown at admission, so its percentage and absolute forms are bounded separately."
    ),
    remediation: kit::cold!(
        "use a RollingUpdate strategy with maxUnavailable at most the bound (e.g. maxUnavailable: 25%, or 0 with maxSurge: 1); allow Recreate/OnDelete through the parameters for workloads that need them (e.g. a ReadWriteOnce volume)"
    ),
    severity: Severity::Medium,
    tags: TAGS_DEFAULT,
    criteria: super::ROLLOUT,
    kinds: KindSet::Only(ROLLED_OUT),
    params: &[
        Param {
            name: "maxUnavailablePercent",
            kind: ParamKind::Integer { min: 0, max: 100 },
            default: "50",
            description: kit::cold!(
                "largest share of replicas (of a DaemonSet: largest percentage) a rolling update may take down at once"
            ),
        },
        Param {
            name: "maxUnavailableNodes",
            kind: ParamKind::Integer { min: 0, max: 10000 },
            default: "1",
            description: kit::cold!(
                "largest absolute DaemonSet maxUnavailable (its percentage form is bounded by maxUnavailablePercent)"
            ),
        },
        Param {
            name: "allowRecreate",
            kind: ParamKind::Bool,
            default: "false",
            description: kit::cold!("accept the Recreate strategy on Deployments"),
        },
        Param {
            name: "allowOnDelete",
            kind: ParamKind::Bool,
            default: "false",
            description: kit::cold!(
                "accept the OnDelete update strategy on StatefulSets and DaemonSets"
            ),
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
    let type_path = kit::text!("spec.{strategy_field}.type");
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
    let path = kit::text!("spec.{strategy_field}.rollingUpdate.maxUnavailable");
    let given = json::get(strategy, &["rollingUpdate", "maxUnavailable"]).filter(|v| !v.is_null());
    // A value that is neither an integer (`1.0` is one) nor a percentage is
    // a finding: the bound cannot be verified.
    let unreadable = |field: &str, v: &Value| {
        vec![Finding::new(
            kit::text!("spec.{strategy_field}.rollingUpdate.{field}"),
            kit::text!(
                "{field} is not an integer or a percentage: {}",
                json::brief(v, 40)
            ),
        )]
    };
    let read = |default: IntOrPercent| match given {
        None => Ok(default),
        Some(v) => IntOrPercent::from_json(v).ok_or_else(|| unreadable("maxUnavailable", v)),
    };
    let replicas = match super::replicas(object) {
        Ok(n) => n,
        Err(m) => return vec![super::bad_replicas(m)],
    };
    let down = match kind {
        "Deployment" => {
            let max_unavailable = match read(IntOrPercent::Percent(25)) {
                Ok(m) => m,
                Err(f) => return f,
            };
            let surge = match json::get(strategy, &["rollingUpdate", "maxSurge"])
                .filter(|v| !v.is_null())
            {
                None => IntOrPercent::Percent(25),
                Some(v) => match IntOrPercent::from_json(v) {
                    Some(s) => s,
                    None => return unreadable("maxSurge", v),
                },
            }
            .scaled(replicas, true);
            let down = max_unavailable.scaled(replicas, false);
            // The deployment controller's fencepost: never both zero.
            let down = if down == 0 && surge == 0 { 1 } else { down };
            (max_unavailable, down)
        }
        "StatefulSet" => {
            let max_unavailable = match read(IntOrPercent::Int(1)) {
                Ok(m) => m,
                Err(f) => return f,
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
            let max_unavailable = match read(IntOrPercent::Int(1)) {
                Ok(m) => m,
                Err(f) => return f,
            };
            let finding = match max_unavailable {
                IntOrPercent::Percent(v) if v > pct => Some(kit::text!(
                    "maxUnavailable {max_unavailable} lets more than {pct}% of the nodes lose this DaemonSet's pod at once"
                )),
                IntOrPercent::Int(n) if n > p.int("maxUnavailableNodes") => Some(kit::text!(
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
            kit::text!(
                "maxUnavailable {given_value} lets {down} of {replicas} pods be down during a rollout, above {pct}%"
            ),
        )];
    }
    Vec::new()
}
