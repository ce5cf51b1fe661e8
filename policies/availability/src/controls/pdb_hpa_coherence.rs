//! Coherence of a workload with its PodDisruptionBudgets and autoscaler, judged
//! whichever of the three objects is admitted (A1.1, A1.2). Context-aware: the
//! other two are read from the cluster.
//!
//! The chain that must hold: PDB minAvailable < HPA minReplicas <= replicas.
//! A budget that needs every replica allows no eviction; one that needs every
//! replica at the autoscaler's floor blocks drains at night; a workload that
//! declares fewer replicas than its autoscaler's floor is scaled down by every
//! apply and back up by the autoscaler. Pods covered by two budgets cannot be
//! evicted at all (the eviction API refuses), and two autoscalers on one
//! workload overwrite each other.

use super::context::{self, Autoscaler, Budget, DEPLOYMENT, HPA, PDB, STATEFULSET};
use super::replicas::REPLICATED;
use kit::Value;
use kit::{Control, Ctx, Finding, KindSet, Severity};

pub static CONTROL: Control = Control {
    id: "pdb-hpa-coherence",
    title: kit::cold!("Disruption budgets, autoscalers and replicas agree"),
    rationale: kit::cold!(
        "Each object can be valid alone and the combination still block node drains or churn pods: minAvailable equal to the replicas (or to the autoscaler's minReplicas) allows no eviction, spec.replicas below the autoscaler's floor makes every apply fight the autoscaler, and pods selected by two budgets cannot be evicted at all. Checked when a Deployment, StatefulSet, PodDisruptionBudget or HorizontalPodAutoscaler is admitted, against the others read from the cluster; a failed lookup is reported as such."
    ),
    remediation: kit::cold!(
        "keep PDB minAvailable below the HPA's minReplicas and minReplicas at most spec.replicas (or use maxUnavailable: 1 in the budget), with one budget and one autoscaler per workload"
    ),
    severity: Severity::Medium,
    tags: &["resilience", "autoscaling", "context-aware"],
    criteria: super::CAPACITY_AND_REDUNDANCY,
    kinds: KindSet::Only(&[
        "Deployment",
        "StatefulSet",
        "PodDisruptionBudget",
        "HorizontalPodAutoscaler",
    ]),
    reads: &[
        ("policy/v1", "PodDisruptionBudget"),
        ("autoscaling/v2", "HorizontalPodAutoscaler"),
        ("apps/v1", "Deployment"),
        ("apps/v1", "StatefulSet"),
        ("apps/v1", "ReplicaSet"),
    ],
    check: |ctx| match ctx.request.kind.as_str() {
        "PodDisruptionBudget" => on_budget(ctx),
        "HorizontalPodAutoscaler" => on_autoscaler(ctx),
        k if REPLICATED.contains(&k) => on_workload(ctx),
        _ => Vec::new(),
    },
    ..Control::DEFAULTS
};

/// Findings about `budget` covering `workload` with `replicas`, and at the
/// floor of its autoscaler if any.
fn compare(
    budget: &Budget,
    workload: &str,
    replicas: i64,
    floor: Option<(&str, i64)>,
    path: &str,
) -> Vec<Finding> {
    let Some(min) = budget.min_available else {
        // maxUnavailable > 0 always leaves room; 0 is pdb-allows-eviction's.
        return Vec::new();
    };
    let mut out = Vec::new();
    // The disruption controller rounds percentages up.
    let need = min.scaled(replicas, true);
    if replicas > 0 && need >= replicas {
        out.push(Finding::new(
            path,
            kit::text!(
                "PodDisruptionBudget {} requires minAvailable {min} ({need} of the {replicas} replicas of {workload}): no pod can be evicted",
                budget.name
            ),
        ));
    }
    if let Some((hpa, floor)) = floor
        && floor > 0
        && floor < replicas
    {
        let need = min.scaled(floor, true);
        if need >= floor {
            out.push(Finding::new(
                path,
                kit::text!(
                    "PodDisruptionBudget {} requires minAvailable {min}, which allows no eviction once HorizontalPodAutoscaler {hpa} scales {workload} down to its minReplicas {floor}",
                    budget.name
                ),
            ));
        }
    }
    out
}

fn on_workload(ctx: &Ctx) -> Vec<Finding> {
    let object = ctx.object();
    let replicas = match super::replicas(object) {
        Ok(n) => n,
        Err(m) => return vec![super::bad_replicas(m)],
    };
    let kind = ctx.request.kind.as_str();
    let name = super::name_of(object);
    let workload = kit::text!("{kind} {name}");
    let labels = super::template_labels(object);
    let (pdbs, hpas) = match (
        context::list(
            ctx,
            PDB,
            "spec.template.metadata.labels",
            "the PodDisruptionBudgets selecting these pods",
        ),
        context::list(
            ctx,
            HPA,
            "spec.replicas",
            &kit::text!("the HorizontalPodAutoscalers targeting {workload}"),
        ),
    ) {
        (Ok(p), Ok(h)) => (p, h),
        (p, h) => return p.err().into_iter().chain(h.err()).collect(),
    };
    let budgets: Vec<Budget> = pdbs
        .iter()
        .map(Budget::read)
        .filter(|b| b.selects(labels))
        .collect();
    let scalers: Vec<Autoscaler> = hpas
        .iter()
        .map(Autoscaler::read)
        .filter(|a| a.targets(kind, name))
        .collect();
    let mut out = Vec::new();
    if budgets.len() > 1 {
        out.push(Finding::new(
            "spec.template.metadata.labels",
            kit::text!(
                "the pods are selected by {} PodDisruptionBudgets ({}): the eviction API refuses to evict pods covered by more than one",
                budgets.len(),
                context::names(budgets.iter().map(|b| b.name))
            ),
        ));
    }
    if scalers.len() > 1 {
        out.push(Finding::new(
            "spec.replicas",
            kit::text!(
                "{workload} is targeted by {} HorizontalPodAutoscalers ({}): they overwrite each other",
                scalers.len(),
                context::names(scalers.iter().map(|a| a.name))
            ),
        ));
    }
    // Objects read from the cluster passed the API server's validation; one
    // whose minReplicas still cannot be read sets no floor.
    let floor = scalers
        .first()
        .and_then(|a| Some((a.name, a.min_replicas.clone().ok()?)));
    for b in &budgets {
        out.extend(compare(b, &workload, replicas, floor, "spec.replicas"));
    }
    if let Some((hpa, min)) = floor
        && replicas > 0
        && min > replicas
    {
        out.push(Finding::new(
            "spec.replicas",
            kit::text!(
                "spec.replicas {replicas} is below minReplicas {min} of HorizontalPodAutoscaler {hpa}: every apply scales {workload} down and the autoscaler back up"
            ),
        ));
    }
    out
}

fn on_budget(ctx: &Ctx) -> Vec<Finding> {
    const PATH: &str = "spec.selector";
    let object = ctx.object();
    let me = Budget::read(object);
    if !matches!(me.selector, Ok(Some(_))) {
        return Vec::new();
    }
    // A count this control cannot read cannot be judged coherent.
    if let Some((field, m)) = me.malformed.first() {
        return vec![Finding::new(kit::text!("spec.{field}"), m.clone())];
    }
    let mut workloads: Vec<(&'static str, Value)> = Vec::new();
    for r in [DEPLOYMENT, STATEFULSET] {
        match context::list(
            ctx,
            r,
            PATH,
            &kit::text!("which {}s this budget covers", r.kind),
        ) {
            Ok(items) => workloads.extend(
                items
                    .into_iter()
                    .filter(|w| me.selects(super::template_labels(w)))
                    .map(|w| (r.kind, w)),
            ),
            Err(f) => return vec![f],
        }
    }
    if workloads.is_empty() {
        // A budget created before its workload is judged when the workload comes.
        return Vec::new();
    }
    let others = match context::list(ctx, PDB, PATH, "the other PodDisruptionBudgets") {
        Ok(v) => v,
        Err(f) => return vec![f],
    };
    let hpas = if me.min_available.is_some() {
        match context::list(
            ctx,
            HPA,
            "spec.minAvailable",
            "the HorizontalPodAutoscalers of the covered workloads",
        ) {
            Ok(v) => v,
            Err(f) => return vec![f],
        }
    } else {
        Vec::new()
    };
    let mut out = Vec::new();
    for (kind, w) in &workloads {
        let name = super::name_of(w);
        let workload = kit::text!("{kind} {name}");
        let labels = super::template_labels(w);
        let overlapping: Vec<&str> = others
            .iter()
            .map(Budget::read)
            .filter(|b| b.name != me.name && b.selects(labels))
            .map(|b| b.name)
            .collect();
        if !overlapping.is_empty() {
            out.push(Finding::new(
                PATH,
                kit::text!(
                    "the pods of {workload} are also selected by PodDisruptionBudget {}: the eviction API refuses to evict pods covered by more than one",
                    overlapping.join(", ")
                ),
            ));
        }
        let Ok(replicas) = super::replicas(w) else {
            continue;
        };
        let floor = hpas
            .iter()
            .map(Autoscaler::read)
            .find(|a| a.targets(kind, name))
            .and_then(|a| Some((a.name, a.min_replicas.clone().ok()?)));
        out.extend(compare(
            &me,
            &workload,
            replicas,
            floor,
            "spec.minAvailable",
        ));
    }
    out
}

fn on_autoscaler(ctx: &Ctx) -> Vec<Finding> {
    const PATH: &str = "spec.minReplicas";
    let me = Autoscaler::read(ctx.object());
    let Some(resource) = me.target_resource() else {
        return Vec::new();
    };
    let floor = match &me.min_replicas {
        Ok(n) => *n,
        Err(m) => return vec![Finding::new(PATH, m.clone())],
    };
    let workload = kit::text!("{} {}", me.target_kind, me.target_name);
    let target = match context::get(
        ctx,
        resource,
        me.target_name,
        "spec.scaleTargetRef",
        &kit::text!("how {workload} is replicated"),
    ) {
        Ok(Some(t)) => t,
        // A missing target is hpa-target-exists's finding.
        Ok(None) => return Vec::new(),
        Err(f) => return vec![f],
    };
    let Ok(replicas) = super::replicas(&target) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if replicas > 0 && floor > replicas {
        out.push(Finding::new(
            PATH,
            kit::text!(
                "minReplicas {floor} is above the {replicas} replicas {workload} declares: every apply of the workload scales it down and the autoscaler back up"
            ),
        ));
    }
    let pdbs = match context::list(
        ctx,
        PDB,
        PATH,
        &kit::text!("the PodDisruptionBudgets covering {workload}"),
    ) {
        Ok(v) => v,
        Err(f) => return vec![f],
    };
    let labels = super::template_labels(&target);
    for b in pdbs.iter().map(Budget::read).filter(|b| b.selects(labels)) {
        let Some(min) = b.min_available else { continue };
        let need = min.scaled(floor, true);
        if floor > 0 && need >= floor {
            out.push(Finding::new(
                PATH,
                kit::text!(
                    "at minReplicas {floor}, PodDisruptionBudget {} (minAvailable {min}) allows no eviction of {workload}'s pods",
                    b.name
                ),
            ));
        }
    }
    out
}
