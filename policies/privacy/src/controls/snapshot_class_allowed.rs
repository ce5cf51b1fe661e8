//! VolumeSnapshots of classified claims use only the snapshot classes
//! allowed for the classification (context-aware: the source claim is read).

use crate::data::Marks;
use kit::Value;
use kit::{Control, Criteria, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "snapshot-class-allowed",
    title: kit::cold!(
        "Snapshots of classified claims use the snapshot classes allowed for their classification"
    ),
    rationale: kit::cold!(
        "A snapshot is a full copy of the data: a snapshot of a restricted claim taken with a general-purpose VolumeSnapshotClass may land in another account or region, or be deleted with its object, outside the controls the regulated class guarantees (SOC 2 C1.2, P4.3, A1.2; ISO/IEC 27001 A.8.13, A.8.10, A.5.12). The classification and personal-data mark come from the VolumeSnapshot itself and from its source PersistentVolumeClaim, read through context; a failed lookup is reported, never passed."
    ),
    remediation: kit::cold!(
        "set spec.volumeSnapshotClassName to a class allowed for the data's classification (allowedByClass)"
    ),
    severity: Severity::Medium,
    tags: &["snapshots", "context-aware"],
    criteria: Criteria {
        soc2: &["C1.2", "P4.3", "A1.2"],
        iso27001: &["A.8.13", "A.8.10", "A.5.12"],
        pss: &[],
        cis: &[],
    },
    kinds: KindSet::Only(&["snapshot.storage.k8s.io/VolumeSnapshot"]),
    params: &[Param {
        name: "allowedByClass",
        kind: ParamKind::StringMap,
        default: "{}",
        description: kit::cold!(
            "classification value (or \"personal-data\") → comma-separated VolumeSnapshotClass names (globs) allowed for it; classifications not listed are not restricted"
        ),
    }],
    reads: &[("v1", "PersistentVolumeClaim")],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let by_class = ctx.params.string_map("allowedByClass");
    if by_class.is_empty() {
        return Vec::new();
    }
    let obj = ctx.object();
    let mut marks = Marks::of(ctx, obj);
    if let Some(claim) = json::get_str(obj, &["spec", "source", "persistentVolumeClaimName"]) {
        let ns = match ctx.request.namespace() {
            "" => "default",
            ns => ns,
        };
        match ctx
            .cluster
            .get("v1", "PersistentVolumeClaim", Some(ns), claim)
        {
            Ok(Some(pvc)) => marks = marks.or(Marks::of(ctx, &pvc)),
            Ok(None) => {}
            Err(e) => {
                return vec![Finding::new(
                    "spec.source.persistentVolumeClaimName",
                    kit::text!(
                        "could not verify the classification of claim {}: {}",
                        crate::meta::bounded(claim),
                        crate::meta::first_line(&e)
                    ),
                )];
            }
        }
    }
    let entry = marks
        .class
        .as_deref()
        .and_then(|c| by_class.iter().find(|(k, _)| k == c))
        .or_else(|| {
            marks
                .personal
                .then(|| by_class.iter().find(|(k, _)| k == "personal-data"))
                .flatten()
        });
    let Some((class, list)) = entry else {
        return Vec::new();
    };
    let allowed: Vec<&str> = list
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    match json::get(obj, &["spec", "volumeSnapshotClassName"]) {
        Some(Value::String(s)) if kit::glob::any_matches(&allowed, s) => Vec::new(),
        other => vec![Finding::new(
            "spec.volumeSnapshotClassName",
            kit::text!(
                "snapshot class {} is not allowed for {class} ({})",
                other.map_or("absent (the default class)".into(), crate::meta::shown),
                allowed.join(", ")
            ),
        )],
    }
}
