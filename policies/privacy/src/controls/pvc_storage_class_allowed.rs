//! Claims use only the StorageClasses allowed for their data classification.

use crate::data::Marks;
use kit::Value;
use kit::{Control, Criteria, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "pvc-storage-class-allowed",
    title: kit::cold!("Claims use only the StorageClasses allowed for their classification"),
    rationale: kit::cold!(
        "Where data may be stored depends on what it is: personal or restricted data only on storage classes whose reclaim policy, backups, residency and encryption were reviewed for it (SOC 2 C1.1, C1.2, P4.2; ISO/IEC 27001 A.5.12, A.8.10). The classification is read from the claim's (or StatefulSet's) classification label and, with readNamespace, from its namespace through context; personal-data objects without a classification use the personal-data entry. A claim without storageClassName gets the cluster's default class, which cannot be verified here, so it is refused wherever a restricted list applies."
    ),
    remediation: kit::cold!(
        "set spec.storageClassName to a class allowed for the data's classification (allowedByClass), or to one of allowed for unclassified data"
    ),
    severity: Severity::Medium,
    tags: &["storage", "context-aware"],
    criteria: Criteria {
        soc2: &["C1.1", "C1.2", "P4.2"],
        iso27001: &["A.5.12", "A.8.10", "A.5.34"],
        pss: &[],
        cis: &[],
    },
    kinds: KindSet::Only(crate::claims::KINDS),
    params: &[
        Param {
            name: "allowed",
            kind: ParamKind::StringList,
            default: "[\"*\"]",
            description: kit::cold!(
                "StorageClass names (globs) allowed for claims without a classification"
            ),
        },
        Param {
            name: "allowedByClass",
            kind: ParamKind::StringMap,
            default: "{}",
            description: kit::cold!(
                "classification value (or \"personal-data\") → comma-separated StorageClass names (globs) allowed for it"
            ),
        },
        Param {
            name: "readNamespace",
            kind: ParamKind::Bool,
            default: "false",
            description: kit::cold!(
                "also read the classification and personal-data mark of the claim's namespace (context-aware)"
            ),
        },
    ],
    reads: &[("v1", "Namespace")],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let obj = ctx.object();
    let mut marks = Marks::of(ctx, obj);
    if ctx.params.bool("readNamespace") {
        match crate::data::namespace_object(ctx, "metadata.namespace") {
            Ok(Some(ns)) => marks = marks.or(Marks::of(ctx, &ns)),
            Ok(None) => {}
            Err(f) => return vec![f],
        }
    }
    let by_class = ctx.params.string_map("allowedByClass");
    let mut out = Vec::new();
    for c in crate::claims::of(ctx) {
        let m = Marks::of(ctx, c.claim).or(marks.clone());
        let entry = m
            .class
            .as_deref()
            .and_then(|class| by_class.iter().find(|(k, _)| k == class))
            .or_else(|| {
                m.personal
                    .then(|| by_class.iter().find(|(k, _)| k == "personal-data"))
                    .flatten()
            });
        let (list, label): (Vec<String>, String) = match entry {
            Some((k, v)) => (
                v.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect(),
                kit::text!("allowed for {k}"),
            ),
            None => (ctx.params.strings("allowed"), "allowed".to_string()),
        };
        let path = c.path("spec.storageClassName");
        match json::get(c.claim, &["spec", "storageClassName"]) {
            None | Some(Value::Null) => {
                if !list.iter().any(|p| p == "*") {
                    out.push(Finding::new(
                        path,
                        kit::text!(
                            "no storageClassName: the cluster default class would be used, which is not verified against the classes {label} ({})",
                            list.join(", ")
                        ),
                    ));
                }
            }
            Some(Value::String(s)) if kit::glob::any_matches(&list, s) => {}
            Some(v) => out.push(Finding::new(
                path,
                kit::text!(
                    "StorageClass {} is not among the classes {label} ({})",
                    crate::meta::shown(v),
                    list.join(", ")
                ),
            )),
        }
    }
    out
}
