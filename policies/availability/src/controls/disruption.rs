//! Disruption budgets: voluntary disruptions (node drains, upgrades, cluster
//! autoscaler scale-down) keep enough pods serving, and can still happen (A1.2).

use super::context::{self, Budget, PDB};
use super::replicas::REPLICATED;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static ALLOWS_EVICTION: Control = Control {
    id: "pdb-allows-eviction",
    title: "PodDisruptionBudgets allow at least one eviction",
    rationale: "A budget with maxUnavailable 0 or minAvailable 100% never lets a pod be evicted: node drains hang, cluster upgrades and security patching of nodes stall, and the cluster autoscaler cannot remove nodes. Whether a numeric minAvailable leaves room depends on the workload's replicas, which pdb-hpa-coherence checks with the cluster's objects. With requireAlwaysAllow, unhealthyPodEvictionPolicy must be AlwaysAllow so that crash-looping pods do not block drains either.",
    remediation: "use maxUnavailable: 1 (or a percentage above 0), or a minAvailable below the replica count; set unhealthyPodEvictionPolicy: AlwaysAllow",
    severity: Severity::High,
    tags: &["default", "resilience"],
    criteria: super::REDUNDANCY,
    kinds: KindSet::Only(&["PodDisruptionBudget"]),
    params: &[Param {
        name: "requireAlwaysAllow",
        kind: ParamKind::Bool,
        default: "false",
        description: "require spec.unhealthyPodEvictionPolicy: AlwaysAllow (Kubernetes 1.27+)",
    }],
    check: check_allows_eviction,
    ..Control::DEFAULTS
};

fn check_allows_eviction(ctx: &Ctx) -> Vec<Finding> {
    let object = ctx.object();
    let budget = Budget::read(object);
    let mut out = Vec::new();
    if let Some(m) = budget.max_unavailable
        && m.is_zero()
    {
        out.push(Finding::new(
            "spec.maxUnavailable",
            format!("maxUnavailable {m} allows no eviction: node drains never finish"),
        ));
    }
    if let Some(m @ crate::intstr::IntOrPercent::Percent(p)) = budget.min_available
        && p >= 100
    {
        out.push(Finding::new(
            "spec.minAvailable",
            format!("minAvailable {m} allows no eviction: node drains never finish"),
        ));
    }
    if ctx.params.bool("requireAlwaysAllow") {
        let policy = json::get_str(object, &["spec", "unhealthyPodEvictionPolicy"])
            .unwrap_or("IfHealthyBudget");
        if policy != "AlwaysAllow" {
            out.push(Finding::new(
                "spec.unhealthyPodEvictionPolicy",
                format!("unhealthyPodEvictionPolicy is {policy}: unhealthy pods block evictions"),
            ));
        }
    }
    out
}

// ---------------------------------------------------------------------------

pub static REQUIRED: Control = Control {
    id: "pdb-required",
    title: "Replicated workloads are covered by a PodDisruptionBudget",
    rationale: "Without a budget, a node drain or cluster upgrade may evict every replica of a Deployment or StatefulSet at once: the redundancy of several replicas protects only against failures, not against the platform's own maintenance. Context-aware: the PodDisruptionBudgets of the namespace are read from the cluster, and a failed lookup is reported as such. Create the budget before the workload (Helm does).",
    remediation: "create a PodDisruptionBudget whose spec.selector matches the pod template's labels (e.g. maxUnavailable: 1)",
    severity: Severity::Medium,
    tags: &["resilience", "context-aware"],
    criteria: super::REDUNDANCY,
    kinds: KindSet::Only(REPLICATED),
    params: &[Param {
        name: "minReplicas",
        kind: ParamKind::Integer { min: 1, max: 1000 },
        default: "2",
        description: "require a budget from this many replicas on",
    }],
    check: check_required,
    ..Control::DEFAULTS
};

fn check_required(ctx: &Ctx) -> Vec<Finding> {
    const PATH: &str = "spec.template.metadata.labels";
    let object = ctx.object();
    let Some(replicas) = super::replicas(object) else {
        return Vec::new();
    };
    if replicas < ctx.params.int("minReplicas") {
        return Vec::new();
    }
    let pdbs = match context::list(
        ctx,
        PDB,
        PATH,
        "that a PodDisruptionBudget selects these pods",
    ) {
        Ok(v) => v,
        Err(f) => return vec![f],
    };
    let labels = super::template_labels(object);
    let mut unreadable = Vec::new();
    for v in &pdbs {
        let budget = Budget::read(v);
        if budget.selects(labels) {
            return Vec::new();
        }
        if let Err(e) = &budget.selector {
            unreadable.push(format!("{} ({e})", budget.name));
        }
    }
    let mut message = format!(
        "no PodDisruptionBudget in namespace {} selects the pods ({})",
        context::namespace(ctx),
        super::labels_text(labels)
    );
    if !unreadable.is_empty() {
        message.push_str("; budgets with unreadable selectors were skipped: ");
        message.push_str(&unreadable.join(", "));
    }
    vec![Finding::new(PATH, message)]
}

pub static CONTROLS: &[&Control] = &[&ALLOWS_EVICTION, &REQUIRED];
