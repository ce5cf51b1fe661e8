//! Control `hpa-target-exists`.
//! Shared helpers: [`super::autoscaling`].

use super::autoscaling::*;
use super::context::{self, Autoscaler, HPA};
use kit::{Control, Ctx, Finding, KindSet, Severity};

pub static CONTROL: Control = Control {
    id: "hpa-target-exists",
    title: kit::cold!(
        "HorizontalPodAutoscalers target an existing workload that no other HPA targets"
    ),
    rationale: kit::cold!(
        "An autoscaler whose scaleTargetRef names a missing Deployment, StatefulSet or ReplicaSet (a typo, a renamed workload) scales nothing, and the capacity plan it stands for does not exist. Two autoscalers on one workload overwrite each other's replica count. Context-aware: the target is read from the cluster (targets outside the apps group, e.g. custom resources, are not looked up), and a failed lookup is reported as such. Create the workload before its autoscaler."
    ),
    remediation: kit::cold!(
        "point spec.scaleTargetRef at the workload's exact apiVersion, kind and name, and keep one HorizontalPodAutoscaler per workload"
    ),
    severity: Severity::Medium,
    tags: &["autoscaling", "context-aware"],
    criteria: super::CAPACITY,
    kinds: KindSet::Only(HPA_KIND),
    reads: &[
        ("autoscaling/v2", "HorizontalPodAutoscaler"),
        ("apps/v1", "Deployment"),
        ("apps/v1", "StatefulSet"),
        ("apps/v1", "ReplicaSet"),
    ],
    check: check_target_exists,
    ..Control::DEFAULTS
};

fn check_target_exists(ctx: &Ctx) -> Vec<Finding> {
    const PATH: &str = "spec.scaleTargetRef";
    let object = ctx.object();
    let me = Autoscaler::read(object);
    if me.target_kind.is_empty() || me.target_name.is_empty() {
        return vec![Finding::new(PATH, "scaleTargetRef names no kind and name")];
    }
    let target = kit::text!("{} {}", me.target_kind, me.target_name);
    let mut out = Vec::new();
    if let Some(resource) = me.target_resource() {
        match context::get(
            ctx,
            resource,
            me.target_name,
            PATH,
            &kit::text!("that the target {target} exists"),
        ) {
            Err(f) => out.push(f),
            Ok(None) => out.push(Finding::new(
                "spec.scaleTargetRef.name",
                kit::text!(
                    "{target} does not exist in namespace {}: the autoscaler scales nothing",
                    context::namespace(ctx)
                ),
            )),
            Ok(Some(_)) => {}
        }
    }
    match context::list(
        ctx,
        HPA,
        PATH,
        &kit::text!("that no other HorizontalPodAutoscaler targets {target}"),
    ) {
        Err(f) => out.push(f),
        Ok(hpas) => {
            let others: Vec<&str> = hpas
                .iter()
                .map(Autoscaler::read)
                .filter(|a| a.name != me.name && a.targets(me.target_kind, me.target_name))
                .map(|a| a.name)
                .collect();
            if !others.is_empty() {
                out.push(Finding::new(
                    PATH,
                    kit::text!(
                        "{target} is also targeted by HorizontalPodAutoscaler {}: autoscalers on one workload overwrite each other",
                        others.join(", ")
                    ),
                ));
            }
        }
    }
    out
}
