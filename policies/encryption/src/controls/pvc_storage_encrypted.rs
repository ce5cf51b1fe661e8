//! PersistentVolumeClaims land on encrypted StorageClasses (context-aware).

use super::shown;
use crate::storage;
use kit::Value;
use kit::{Control, Ctx, Finding, KindSet, Severity, json};

const SC_API: &str = "storage.k8s.io/v1";
const SC_KIND: &str = "StorageClass";

pub static CONTROL: Control = Control {
    id: "pvc-storage-encrypted",
    title: kit::cold!("PersistentVolumeClaims and PersistentVolumes use encrypted StorageClasses"),
    rationale: kit::cold!(
        "A claim inherits the encryption of the class that provisions it, and a claim without storageClassName gets the default class. A PersistentVolume is judged by its storageClassName the same way; a pre-provisioned volume without a class (an inline awsElasticBlockStore, gcePersistentDisk, azureDisk, rbd, csi ... source) carries no encryption setting the policy could read, so it is reported as unverifiable. The volumeClaimTemplates of StatefulSets are judged like claims. Context-aware: the class (or the default class) is read from the cluster and judged like storage-class-encrypted (same parameters); a failed lookup is reported as unverifiable, never passed. A claim with storageClassName \"\" binds a pre-provisioned volume and is not judged here."
    ),
    remediation: kit::cold!(
        "set spec.storageClassName to an encrypted class, or encrypt the default StorageClass"
    ),
    severity: Severity::High,
    tags: &["encryption-at-rest", "context-aware"],
    criteria: super::AT_REST,
    kinds: KindSet::Only(&[
        "/PersistentVolumeClaim",
        "/PersistentVolume",
        "apps/StatefulSet",
    ]),
    params: storage::PARAMS,
    validate_params: Some(storage::validate),
    reads: &[(SC_API, SC_KIND)],
    check,
    ..Control::DEFAULTS
};

fn first_line(e: &str) -> String {
    let line = e.lines().next().unwrap_or("");
    kit::json::brief(&Value::String(line.into()), 160)
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let object = ctx.object();
    if ctx.request.kind == "StatefulSet" {
        return json::get_array(object, &["spec", "volumeClaimTemplates"])
            .iter()
            .enumerate()
            .flat_map(|(i, t)| {
                claim(
                    ctx,
                    t,
                    false,
                    &kit::text!("spec.volumeClaimTemplates[{i}].spec.storageClassName"),
                )
            })
            .collect();
    }
    let pv = ctx.request.kind == "PersistentVolume";
    claim(ctx, object, pv, "spec.storageClassName")
}

/// Judges the class of one claim (or volume) whose storageClassName is at `path`.
fn claim(ctx: &Ctx, pvc: &Value, pv: bool, path: &str) -> Vec<Finding> {
    let sc = match json::get(pvc, &["spec", "storageClassName"]) {
        None | Some(Value::Null) if pv => return unverifiable_volume(pvc),
        Some(Value::String(name)) if name.is_empty() && pv => return unverifiable_volume(pvc),
        Some(Value::String(name)) if name.is_empty() => return Vec::new(),
        Some(Value::String(name)) => match ctx.cluster.get(SC_API, SC_KIND, None, name) {
            Ok(Some(sc)) => sc,
            Ok(None) => {
                return vec![Finding::new(
                    path,
                    kit::text!(
                        "could not verify encryption: StorageClass {} does not exist",
                        shown(name)
                    ),
                )];
            }
            Err(e) => {
                return vec![Finding::new(
                    path,
                    kit::text!(
                        "could not verify encryption of StorageClass {}: {}",
                        shown(name),
                        first_line(&e)
                    ),
                )];
            }
        },
        None | Some(Value::Null) => match ctx.cluster.list(SC_API, SC_KIND, None, None) {
            Ok(all) => match all.into_iter().find(storage::is_default) {
                Some(sc) => sc,
                None => {
                    return vec![Finding::new(
                        path,
                        "could not verify encryption: no storageClassName and no default StorageClass",
                    )];
                }
            },
            Err(e) => {
                return vec![Finding::new(
                    path,
                    kit::text!(
                        "could not verify encryption of the default StorageClass: {}",
                        first_line(&e)
                    ),
                )];
            }
        },
        Some(v) => {
            return vec![Finding::new(
                path,
                kit::text!("storageClassName is {}, not a string", json::brief(v, 40)),
            )];
        }
    };
    let name = json::get_str(&sc, &["metadata", "name"]).unwrap_or("");
    match storage::judge(ctx, &sc) {
        Ok(()) => Vec::new(),
        Err((field, msg)) => vec![Finding::new(
            path,
            kit::text!(
                "StorageClass {} is not encrypted: {msg} ({field})",
                shown(name)
            ),
        )],
    }
}

/// A PersistentVolume without a class: name its source, which says nothing of encryption.
fn unverifiable_volume(pv: &Value) -> Vec<Finding> {
    const NOT_SOURCES: &[&str] = &[
        "accessModes",
        "capacity",
        "claimRef",
        "mountOptions",
        "nodeAffinity",
        "persistentVolumeReclaimPolicy",
        "storageClassName",
        "volumeMode",
        "volumeAttributesClassName",
    ];
    let source = json::get_obj(pv, &["spec"])
        .and_then(|m| m.keys().find(|k| !NOT_SOURCES.contains(&k.as_str())))
        .map_or("an unknown source".to_string(), |k| k.to_string());
    vec![Finding::new(
        "spec.storageClassName",
        kit::text!(
            "could not verify encryption: the volume has no StorageClass and its source ({}) carries no encryption setting",
            shown(&source)
        ),
    )]
}
