//! Personal data stays in allowed regions and zones: workloads of
//! personal-data namespaces, and regulated StorageClasses and volumes.

use crate::data::Marks;
use kit::Value;
use kit::control::Params;
use kit::{Control, Criteria, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

const REGION: &str = "topology.kubernetes.io/region";
const ZONE: &str = "topology.kubernetes.io/zone";

pub static CONTROL: Control = Control {
    id: "personal-data-residency",
    title: kit::cold!("Personal data is processed and stored only in allowed regions and zones"),
    rationale: kit::cold!(
        "Data-protection law and customer contracts often bind personal data to a jurisdiction: its pods must be scheduled, and its volumes provisioned, only in approved regions (SOC 2 P4.2, C1.1; ISO/IEC 27001 A.5.34, A.5.12). Workloads in namespaces marked as holding personal or regulated data (read through context with readNamespace), or marked themselves, must pin topology.kubernetes.io/region (and zone, when allowedZones is set) by nodeSelector or by every required node-affinity term to allowed values; regulated StorageClasses must restrict allowedTopologies, and regulated PersistentVolumes their node affinity, the same way. A pod left unconstrained may land in any region the cluster spans."
    ),
    remediation: kit::cold!(
        "add nodeSelector topology.kubernetes.io/region: <allowed region> (or a required node affinity with operator In over allowed regions only) to the pod template; give regulated StorageClasses allowedTopologies and PersistentVolumes a nodeAffinity restricted to allowed regions"
    ),
    severity: Severity::Medium,
    tags: &["residency", "context-aware"],
    criteria: Criteria {
        soc2: &["P4.2", "C1.1"],
        iso27001: &["A.5.34", "A.5.12"],
        pss: &[],
        cis: &[],
    },
    kinds: KindSet::Only(&[
        "/Pod",
        "/ReplicationController",
        "apps/Deployment",
        "apps/ReplicaSet",
        "apps/StatefulSet",
        "apps/DaemonSet",
        "batch/Job",
        "batch/CronJob",
        "storage.k8s.io/StorageClass",
        "/PersistentVolume",
    ]),
    params: &[
        Param {
            name: "allowedRegions",
            kind: ParamKind::StringList,
            default: "[]",
            description: kit::cold!(
                "regions (topology.kubernetes.io/region values, globs) personal data may be processed and stored in"
            ),
        },
        Param {
            name: "allowedZones",
            kind: ParamKind::StringList,
            default: "[]",
            description: kit::cold!(
                "zones (topology.kubernetes.io/zone values, globs); empty: zones are not checked"
            ),
        },
        Param {
            name: "readNamespace",
            kind: ParamKind::Bool,
            default: "true",
            description: kit::cold!(
                "read the personal-data mark of a workload's namespace through context"
            ),
        },
    ],
    validate_params: Some(validate),
    reads: &[("v1", "Namespace")],
    check,
    ..Control::DEFAULTS
};

fn validate(p: &Params) -> Result<(), String> {
    if p.strings("allowedRegions").is_empty() && p.strings("allowedZones").is_empty() {
        return Err("allowedRegions: name at least one region (or zone in allowedZones)".into());
    }
    Ok(())
}

fn pod_spec_path(kind: &str) -> &'static str {
    match kind {
        "Pod" => "spec",
        "CronJob" => "spec.jobTemplate.spec.template.spec",
        _ => "spec.template.spec",
    }
}

/// The keys to pin, with their allowed values.
fn constraints(ctx: &Ctx) -> Vec<(&'static str, Vec<String>)> {
    let mut out = Vec::new();
    for (key, param) in [(REGION, "allowedRegions"), (ZONE, "allowedZones")] {
        let allowed = ctx.params.strings(param);
        if !allowed.is_empty() {
            out.push((key, allowed));
        }
    }
    out
}

/// Whether every node selector term pins `key` to allowed values (`In` only).
fn terms_pin(terms: &[Value], key: &str, allowed: &[String], expr_field: &str) -> bool {
    !terms.is_empty()
        && terms.iter().all(|t| {
            json::get_array(t, &[expr_field]).iter().any(|e| {
                json::get_str(e, &["key"]) == Some(key)
                    && json::get_str(e, &["operator"]) == Some("In")
                    && {
                        let values = json::get_array(e, &["values"]);
                        !values.is_empty()
                            && values.iter().all(|v| {
                                v.as_str()
                                    .is_some_and(|v| kit::glob::any_matches(allowed, v))
                            })
                    }
            })
        })
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let obj = ctx.object();
    let kind = ctx.request.kind.as_str();
    let mut out = Vec::new();
    match kind {
        "StorageClass" | "PersistentVolume" => {
            let marks = Marks::of(ctx, obj);
            if !marks.regulated {
                return out;
            }
            let (path, terms, field) = if kind == "StorageClass" {
                (
                    "allowedTopologies",
                    json::get_array(obj, &["allowedTopologies"]),
                    "matchLabelExpressions",
                )
            } else {
                (
                    "spec.nodeAffinity.required.nodeSelectorTerms",
                    json::get_array(
                        obj,
                        &["spec", "nodeAffinity", "required", "nodeSelectorTerms"],
                    ),
                    "matchExpressions",
                )
            };
            for (key, allowed) in constraints(ctx) {
                if !terms_pin(terms, key, &allowed, field) {
                    out.push(Finding::new(
                        path,
                        kit::text!(
                            "storage for {} is not restricted to allowed values of {key} ({})",
                            marks.describe(),
                            allowed.join(", ")
                        ),
                    ));
                }
            }
        }
        _ => {
            let spec_path = pod_spec_path(kind);
            let spec_keys: Vec<&str> = spec_path.split('.').collect();
            let Some(spec) = json::get(obj, &spec_keys) else {
                return out;
            };
            let template_keys: Vec<&str> = match spec_keys.split_last() {
                Some((_, parent)) => parent.to_vec(),
                None => Vec::new(),
            };
            let template_meta = if kind == "Pod" {
                obj
            } else {
                json::get(obj, &template_keys).unwrap_or(&Value::Null)
            };
            let mut marks = Marks::of(ctx, obj).or(Marks::of(ctx, template_meta));
            if !marks.regulated && ctx.params.bool("readNamespace") {
                match crate::data::namespace_object(ctx, "metadata.namespace") {
                    Ok(Some(ns)) => marks = marks.or(Marks::of(ctx, &ns)),
                    Ok(None) => {}
                    Err(f) => return vec![f],
                }
            }
            if !marks.regulated {
                return out;
            }
            let terms = json::get_array(
                spec,
                &[
                    "affinity",
                    "nodeAffinity",
                    "requiredDuringSchedulingIgnoredDuringExecution",
                    "nodeSelectorTerms",
                ],
            );
            for (key, allowed) in constraints(ctx) {
                let by_selector = json::get_str(spec, &["nodeSelector", key])
                    .is_some_and(|v| kit::glob::any_matches(&allowed, v));
                if !by_selector && !terms_pin(terms, key, &allowed, "matchExpressions") {
                    out.push(Finding::new(
                        kit::text!("{spec_path}.nodeSelector"),
                        kit::text!(
                            "pods handling {} are not pinned to allowed values of {key} ({}) by nodeSelector or required node affinity",
                            marks.describe(),
                            allowed.join(", ")
                        ),
                    ));
                }
            }
        }
    }
    out
}
