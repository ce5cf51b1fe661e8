//! StorageClasses and PersistentVolumes for regulated data retain their
//! volumes, or document the disposal path that deletes them.

use crate::data::{self, Marks};
use kit::Value;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "storage-reclaim-retain",
    title: kit::cold!(
        "Storage for regulated data is retained, or deleted only through a documented disposal path"
    ),
    rationale: kit::cold!(
        "With reclaimPolicy Delete (the StorageClass default) the provisioner erases a volume as soon as its claim is deleted: one mistaken kubectl delete, or the deletion of a namespace, disposes of personal or confidential records outside any retention schedule or legal hold. For storage marked as holding regulated data (personal-data mark, or a classification among regulatedClasses, or a class named in regulatedStorageClasses) the policy must be Retain, or Delete with an annotation documenting the disposal procedure that makes the erasure deliberate (SOC 2 P4.3, C1.2; ISO/IEC 27001 A.8.10). Recycle (a bare rm -rf, deprecated) is never a disposal path. Unmarked storage is not checked. Encryption of the class is the encryption module's concern."
    ),
    remediation: kit::cold!(
        "set reclaimPolicy (StorageClass) or spec.persistentVolumeReclaimPolicy (PersistentVolume) to Retain, or keep Delete and annotate the object with the disposal procedure (privacy.kube-soc2.io/disposal-procedure: <procedure id or URL>)"
    ),
    severity: Severity::High,
    tags: &["default", "storage", "data-lifecycle"],
    criteria: super::DISPOSAL,
    kinds: KindSet::Only(&["storage.k8s.io/StorageClass", "/PersistentVolume"]),
    params: &[Param {
        name: "regulatedStorageClasses",
        kind: ParamKind::StringList,
        default: "[]",
        description: kit::cold!(
            "StorageClass names (globs) usable by regulated data: these classes, and the volumes of these classes, are checked even when unmarked"
        ),
    }],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let obj = ctx.object();
    let (path, field_path, default, class) = match ctx.request.kind.as_str() {
        "StorageClass" => (
            "reclaimPolicy",
            &["reclaimPolicy"][..],
            "Delete",
            json::get_str(obj, &["metadata", "name"]),
        ),
        _ => (
            "spec.persistentVolumeReclaimPolicy",
            &["spec", "persistentVolumeReclaimPolicy"][..],
            "Retain",
            json::get_str(obj, &["spec", "storageClassName"]),
        ),
    };
    let marks = Marks::of(ctx, obj);
    let by_class = class
        .is_some_and(|c| kit::glob::any_matches(&ctx.params.strings("regulatedStorageClasses"), c));
    if !marks.regulated && !by_class {
        return Vec::new();
    }
    let why = if marks.regulated {
        marks.describe()
    } else {
        kit::text!(
            "class {} is listed in regulatedStorageClasses",
            class.unwrap_or("")
        )
    };
    let policy = match json::get(obj, field_path) {
        None | Some(Value::Null) => default,
        Some(Value::String(s)) => s.as_str(),
        Some(other) => {
            return vec![Finding::new(
                path,
                kit::text!(
                    "reclaim policy {} is not Retain, Delete or Recycle",
                    crate::meta::shown(other)
                ),
            )];
        }
    };
    let shown = crate::meta::bounded(policy);
    match policy {
        "Retain" => Vec::new(),
        "Delete" if data::disposal_documented(ctx, obj) => Vec::new(),
        "Delete" => vec![Finding::new(
            path,
            kit::text!(
                "reclaim policy Delete{} for regulated storage ({why}) without a documented disposal path ({})",
                if json::get(obj, field_path).is_none() {
                    " (the default)"
                } else {
                    ""
                },
                data::key(ctx, data::DISPOSAL_ANNOTATION)
            ),
        )],
        "Recycle" => vec![Finding::new(
            path,
            kit::text!(
                "reclaim policy Recycle for regulated storage ({why}): a deprecated scrub, not a disposal path"
            ),
        )],
        _ => vec![Finding::new(
            path,
            kit::text!("reclaim policy \"{shown}\" is not Retain, Delete or Recycle"),
        )],
    }
}
