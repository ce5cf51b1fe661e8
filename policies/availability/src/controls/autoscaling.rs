//! Autoscaling: HorizontalPodAutoscalers that can actually add capacity when
//! demand grows, never drop below a redundant floor, and scale something (A1.1).

use super::context::{self, Autoscaler, HPA};
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

const HPA_KIND: &[&str] = &["HorizontalPodAutoscaler"];

pub static SANITY: Control = Control {
    id: "hpa-sanity",
    title: "HorizontalPodAutoscalers keep a redundant floor, room to scale and explicit metrics",
    rationale: "An autoscaler with minReplicas 1 scales a service down to a single pod at night, undoing its redundancy; one whose maxReplicas equals minReplicas cannot add capacity at all. Without explicit metrics an autoscaling/v2 HPA falls back to 80% average CPU, which is rarely what the service saturates on and is silently wrong when containers have no CPU request.",
    remediation: "set spec.minReplicas to at least the minimum (2), spec.maxReplicas above it, and list the metrics the service scales on in spec.metrics",
    severity: Severity::Medium,
    tags: &["default", "autoscaling"],
    criteria: super::CAPACITY,
    kinds: KindSet::Only(HPA_KIND),
    params: &[
        Param {
            name: "minReplicas",
            kind: ParamKind::Integer { min: 1, max: 1000 },
            default: "2",
            description: "smallest spec.minReplicas",
        },
        Param {
            name: "requireMetrics",
            kind: ParamKind::Bool,
            default: "true",
            description: "require explicit metrics (spec.metrics in autoscaling/v2, targetCPUUtilizationPercentage in autoscaling/v1)",
        },
    ],
    check: check_sanity,
    ..Control::DEFAULTS
};

fn check_sanity(ctx: &Ctx) -> Vec<Finding> {
    let object = ctx.object();
    let floor = ctx.params.int("minReplicas");
    let mut out = Vec::new();
    let min = json::get_i64(object, &["spec", "minReplicas"]).unwrap_or(1);
    if min < floor {
        out.push(Finding::new(
            "spec.minReplicas",
            format!(
                "minReplicas is {min}, below {floor}: the autoscaler can remove all redundancy"
            ),
        ));
    }
    if let Some(max) = json::get_i64(object, &["spec", "maxReplicas"])
        && max <= min
    {
        out.push(Finding::new(
            "spec.maxReplicas",
            format!("maxReplicas {max} is not above minReplicas {min}: the autoscaler cannot add capacity"),
        ));
    }
    if ctx.params.bool("requireMetrics") {
        let v1 = json::get_str(object, &["apiVersion"]) == Some("autoscaling/v1")
            || ctx.request.version == "v1";
        let (field, present) = if v1 {
            (
                "spec.targetCPUUtilizationPercentage",
                json::get_i64(object, &["spec", "targetCPUUtilizationPercentage"]).is_some(),
            )
        } else {
            (
                "spec.metrics",
                !json::get_array(object, &["spec", "metrics"]).is_empty(),
            )
        };
        if !present {
            out.push(Finding::new(
                field,
                "no metrics are set: the autoscaler falls back to 80% average CPU utilisation",
            ));
        }
    }
    out
}

// ---------------------------------------------------------------------------

pub static TARGET_EXISTS: Control = Control {
    id: "hpa-target-exists",
    title: "HorizontalPodAutoscalers target an existing workload that no other HPA targets",
    rationale: "An autoscaler whose scaleTargetRef names a missing Deployment, StatefulSet or ReplicaSet (a typo, a renamed workload) scales nothing, and the capacity plan it stands for does not exist. Two autoscalers on one workload overwrite each other's replica count. Context-aware: the target is read from the cluster (targets outside the apps group, e.g. custom resources, are not looked up), and a failed lookup is reported as such. Create the workload before its autoscaler.",
    remediation: "point spec.scaleTargetRef at the workload's exact apiVersion, kind and name, and keep one HorizontalPodAutoscaler per workload",
    severity: Severity::Medium,
    tags: &["autoscaling", "context-aware"],
    criteria: super::CAPACITY,
    kinds: KindSet::Only(HPA_KIND),
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
    let target = format!("{} {}", me.target_kind, me.target_name);
    let mut out = Vec::new();
    if let Some(resource) = me.target_resource() {
        match context::get(
            ctx,
            resource,
            me.target_name,
            PATH,
            &format!("that the target {target} exists"),
        ) {
            Err(f) => out.push(f),
            Ok(None) => out.push(Finding::new(
                "spec.scaleTargetRef.name",
                format!(
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
        &format!("that no other HorizontalPodAutoscaler targets {target}"),
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
                    format!(
                        "{target} is also targeted by HorizontalPodAutoscaler {}: autoscalers on one workload overwrite each other",
                        others.join(", ")
                    ),
                ));
            }
        }
    }
    out
}

pub static CONTROLS: &[&Control] = &[&SANITY, &TARGET_EXISTS];
