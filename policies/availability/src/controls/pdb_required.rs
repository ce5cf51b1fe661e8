//! Control `pdb-required`.
//!
//! Disruption budgets: voluntary disruptions (node drains, upgrades, cluster
//! autoscaler scale-down) keep enough pods serving, and can still happen (A1.2).

use super::context::{self, Budget, PDB};
use super::replicas::REPLICATED;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "pdb-required",
    title: kit::cold!("Replicated workloads are covered by a PodDisruptionBudget"),
    rationale: kit::cold!(
        "Without a budget, a node drain or cluster upgrade may evict every replica of a Deployment or StatefulSet at once: the redundancy of several replicas protects only against failures, not against the platform's own maintenance. Context-aware: the PodDisruptionBudgets of the namespace are read from the cluster, and a failed lookup is reported as such. Create the budget before the workload (Helm does)."
    ),
    remediation: kit::cold!(
        "create a PodDisruptionBudget whose spec.selector matches the pod template's labels (e.g. maxUnavailable: 1)"
    ),
    severity: Severity::Medium,
    tags: &["resilience", "context-aware"],
    criteria: super::REDUNDANCY,
    kinds: KindSet::Only(REPLICATED),
    params: &[Param {
        name: "minReplicas",
        kind: ParamKind::Integer { min: 1, max: 1000 },
        default: "2",
        description: kit::cold!("require a budget from this many replicas on"),
    }],
    check: check_required,
    ..Control::DEFAULTS
};

fn check_required(ctx: &Ctx) -> Vec<Finding> {
    const PATH: &str = "spec.template.metadata.labels";
    let object = ctx.object();
    let replicas = match super::replicas(object) {
        Ok(n) => n,
        Err(m) => return vec![super::bad_replicas(m)],
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
            unreadable.push(kit::text!("{} ({e})", budget.name));
        }
    }
    let mut message = kit::text!(
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
