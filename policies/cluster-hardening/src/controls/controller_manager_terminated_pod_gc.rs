//! CIS 1.3.1 (Manual): terminated Pods are garbage-collected at a decided threshold.

use crate::static_pod::{CONTROLLER_MANAGER, each, shown};
use kit::{Control, Criteria, Ctx, Finding, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "controller-manager-terminated-pod-gc",
    title: kit::cold!(
        "The controller manager garbage-collects terminated Pods at an explicit threshold"
    ),
    rationale: kit::cold!(
        "Terminated Pods stay in etcd until --terminated-pod-gc-threshold of them exist (default 12500). A threshold chosen for the cluster keeps etcd and the API server from degrading under finished Jobs, while keeping recent failures available for investigation."
    ),
    remediation: kit::cold!(
        "set --terminated-pod-gc-threshold on kube-controller-manager to a value between 1 and the maximum parameter (CIS suggests 10 for small clusters)"
    ),
    severity: Severity::Low,
    tags: &[
        "cluster-hardening",
        "control-plane",
        "kube-controller-manager",
    ],
    criteria: Criteria {
        soc2: &["CC7.1", "A1.1"],
        iso27001: &["A.8.6", "A.8.9"],
        pss: &[],
        cis: &["1.3.1"],
    },
    kinds: super::POD,
    params: &[Param {
        name: "maximum",
        kind: ParamKind::Integer {
            min: 1,
            max: 1_000_000,
        },
        default: "12500",
        description: kit::cold!("largest accepted --terminated-pod-gc-threshold"),
    }],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let max = ctx.params.int("maximum");
    each(ctx, &[CONTROLLER_MANAGER], |c, out| {
        match c.flags.last("terminated-pod-gc-threshold") {
        None => out.push(c.missing(
            "kube-controller-manager --terminated-pod-gc-threshold is not set: the default of 12500 terminated Pods applies",
        )),
        Some(arg) => match arg.value.and_then(|v| v.trim().parse::<i64>().ok()) {
            Some(n) if (1..=max).contains(&n) => {}
            Some(n) if n <= 0 => out.push(c.at(
                arg,
                kit::text!("kube-controller-manager --terminated-pod-gc-threshold={n}: terminated Pods are never garbage-collected"),
            )),
            Some(n) => out.push(c.at(
                arg,
                kit::text!("kube-controller-manager --terminated-pod-gc-threshold={n} is above {max}"),
            )),
            None => out.push(c.at(
                arg,
                kit::text!("kube-controller-manager {} is not an integer", shown(arg)),
            )),
        },
    }
    })
}
