//! VolumeSnapshotClasses for regulated data retain their snapshots, or
//! document the disposal path that deletes them.

use crate::data::{self, Marks};
use kit::Value;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "snapshot-class-retain",
    title: kit::cold!(
        "Snapshot classes for regulated data retain snapshots, or delete them only through a documented disposal path"
    ),
    rationale: kit::cold!(
        "A CSI VolumeSnapshotClass with deletionPolicy Delete removes the snapshot in the storage system as soon as the VolumeSnapshot object is deleted: the backup copy of personal or confidential data disappears with one API call, outside the retention schedule and any legal hold. Classes marked as serving regulated data (personal-data mark, a classification among regulatedClasses, or a name in regulatedSnapshotClasses) must use Retain, or Delete with an annotation documenting the disposal procedure (SOC 2 P4.3, C1.2, A1.2; ISO/IEC 27001 A.8.10, A.8.13)."
    ),
    remediation: kit::cold!(
        "set deletionPolicy: Retain on the VolumeSnapshotClass, or keep Delete and annotate the class with the disposal procedure (privacy.kube-soc2.io/disposal-procedure)"
    ),
    severity: Severity::High,
    tags: &["default", "snapshots", "data-lifecycle"],
    criteria: kit::Criteria {
        soc2: &["P4.3", "C1.2", "A1.2"],
        iso27001: &["A.8.10", "A.8.13", "A.5.33"],
        pss: &[],
        cis: &[],
    },
    kinds: KindSet::Only(&["snapshot.storage.k8s.io/VolumeSnapshotClass"]),
    params: &[Param {
        name: "regulatedSnapshotClasses",
        kind: ParamKind::StringList,
        default: "[]",
        description: kit::cold!(
            "VolumeSnapshotClass names (globs) usable by regulated data, checked even when unmarked"
        ),
    }],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let obj = ctx.object();
    let marks = Marks::of(ctx, obj);
    let by_name = json::get_str(obj, &["metadata", "name"]).is_some_and(|n| {
        kit::glob::any_matches(&ctx.params.strings("regulatedSnapshotClasses"), n)
    });
    if !marks.regulated && !by_name {
        return Vec::new();
    }
    let why = if marks.regulated {
        marks.describe()
    } else {
        "listed in regulatedSnapshotClasses".to_string()
    };
    match json::get(obj, &["deletionPolicy"]) {
        Some(Value::String(s)) if s == "Retain" => Vec::new(),
        Some(Value::String(s)) if s == "Delete" && data::disposal_documented(ctx, obj) => {
            Vec::new()
        }
        Some(Value::String(s)) if s == "Delete" => vec![Finding::new(
            "deletionPolicy",
            kit::text!(
                "deletionPolicy Delete for a snapshot class of regulated data ({why}) without a documented disposal path ({})",
                data::key(ctx, data::DISPOSAL_ANNOTATION)
            ),
        )],
        None | Some(Value::Null) => vec![Finding::new(
            "deletionPolicy",
            kit::text!("deletionPolicy is missing (required: Retain for regulated data, {why})"),
        )],
        Some(other) => vec![Finding::new(
            "deletionPolicy",
            kit::text!(
                "deletionPolicy {} is not Retain or Delete",
                crate::meta::shown(other)
            ),
        )],
    }
}
