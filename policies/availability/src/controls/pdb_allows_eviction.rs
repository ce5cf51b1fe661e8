//! Control `pdb-allows-eviction`.
//!
//! Disruption budgets: voluntary disruptions (node drains, upgrades, cluster
//! autoscaler scale-down) keep enough pods serving, and can still happen (A1.2).

use super::context::Budget;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "pdb-allows-eviction",
    title: kit::cold!("PodDisruptionBudgets allow at least one eviction"),
    rationale: kit::cold!(
        "A budget with maxUnavailable 0 or minAvailable 100% never lets a pod be evicted: node drains hang, cluster upgrades and security patching of nodes stall, and the cluster autoscaler cannot remove nodes. Whether a numeric minAvailable leaves room depends on the workload's replicas, which pdb-hpa-coherence checks with the cluster's objects. With requireAlwaysAllow, unhealthyPodEvictionPolicy must be AlwaysAllow so that crash-looping pods do not block drains either."
    ),
    remediation: kit::cold!(
        "use maxUnavailable: 1 (or a percentage above 0), or a minAvailable below the replica count; set unhealthyPodEvictionPolicy: AlwaysAllow"
    ),
    severity: Severity::High,
    tags: &["default", "resilience"],
    criteria: super::REDUNDANCY,
    kinds: KindSet::Only(&["PodDisruptionBudget"]),
    params: &[Param {
        name: "requireAlwaysAllow",
        kind: ParamKind::Bool,
        default: "false",
        description: kit::cold!(
            "require spec.unhealthyPodEvictionPolicy: AlwaysAllow (Kubernetes 1.27+)"
        ),
    }],
    check: check_allows_eviction,
    ..Control::DEFAULTS
};

fn check_allows_eviction(ctx: &Ctx) -> Vec<Finding> {
    let object = ctx.object();
    let budget = Budget::read(object);
    let mut out: Vec<Finding> = budget
        .malformed
        .iter()
        .map(|(field, m)| Finding::new(kit::text!("spec.{field}"), m.clone()))
        .collect();
    if let Some(m) = budget.max_unavailable
        && m.is_zero()
    {
        out.push(Finding::new(
            "spec.maxUnavailable",
            kit::text!("maxUnavailable {m} allows no eviction: node drains never finish"),
        ));
    }
    if let Some(m @ crate::intstr::IntOrPercent::Percent(p)) = budget.min_available
        && p >= 100
    {
        out.push(Finding::new(
            "spec.minAvailable",
            kit::text!("minAvailable {m} allows no eviction: node drains never finish"),
        ));
    }
    if ctx.params.bool("requireAlwaysAllow") {
        let policy = json::get_str(object, &["spec", "unhealthyPodEvictionPolicy"])
            .unwrap_or("IfHealthyBudget");
        if policy != "AlwaysAllow" {
            out.push(Finding::new(
                "spec.unhealthyPodEvictionPolicy",
                kit::text!(
                    "unhealthyPodEvictionPolicy is {policy}: unhealthy pods block evictions"
                ),
            ));
        }
    }
    out
}
