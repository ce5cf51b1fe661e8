//! While an object is under legal hold, an UPDATE keeps the hold, its
//! retention and its reclaim/deletion policy (compares `object` with `oldObject`).

use crate::data;
use crate::duration::Iso;
use kit::Value;
use kit::{Control, Ctx, Finding, KindSet, Operation, Severity, json};

pub static CONTROL: Control = Control {
    id: "legal-hold-no-weakening",
    title: kit::cold!("A legal hold is not lifted, shortened or bypassed by an update"),
    rationale: kit::cold!(
        "Refusing DELETE is not enough to preserve held data: an UPDATE could remove the hold label, shorten the retention annotation so that the lifecycle tooling disposes of the data early, or switch a PersistentVolume's reclaim policy (a VolumeSnapshotContent's deletion policy) from Retain to Delete so that the storage is erased as soon as the claim goes. While the old object is under legal hold, each of these is refused unless the user belongs to an allow-listed group, in which case it is recorded in the audit annotation kube-soc2.legal-hold-override."
    ),
    remediation: kit::cold!(
        "keep the legal-hold mark, keep or lengthen the retention annotation and keep persistentVolumeReclaimPolicy / deletionPolicy Retain while the hold lasts; lifting a hold is for the allow-listed groups"
    ),
    severity: Severity::High,
    tags: &["default", "legal-hold", "data-lifecycle"],
    criteria: super::RETENTION,
    kinds: KindSet::Only(super::HOLDABLE),
    operations: &[Operation::Update],
    params: &[super::ALLOWED_GROUPS],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let old = &ctx.request.old_object;
    let new = ctx.object();
    let hold_key = data::key(ctx, data::LEGAL_HOLD_KEY);
    let Some(hold_path) = data::set_at(old, hold_key) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if !data::flagged(new, hold_key) {
        out.push(Finding::new(
            hold_path,
            kit::text!("the legal hold ({hold_key}) is removed or set to \"false\" by this update"),
        ));
    }
    let retention_key = data::key(ctx, data::RETENTION_ANNOTATION);
    if let Ok(Some(before)) = data::annotation(old, retention_key)
        && let Ok(before_len) = Iso::parse(before)
    {
        let path = data::annotation_path(retention_key);
        let shown = |v: &str| crate::meta::bounded(v);
        match data::annotation(new, retention_key) {
            Ok(None) => out.push(Finding::new(
                path,
                kit::text!("the retention annotation ({}) is removed while under legal hold", shown(before)),
            )),
            Err(v) => out.push(Finding::new(
                path,
                kit::text!("the retention annotation becomes {}, not an ISO 8601 duration, while under legal hold", crate::meta::shown(v)),
            )),
            Ok(Some(after)) => match Iso::parse(after) {
                Err(e) => out.push(Finding::new(
                    path,
                    kit::text!("the retention annotation becomes \"{}\", which {e}, while under legal hold", shown(after)),
                )),
                Ok(after_len) if after_len < before_len => out.push(Finding::new(
                    path,
                    kit::text!(
                        "the retention is shortened from {} to {} while under legal hold",
                        shown(before),
                        shown(after)
                    ),
                )),
                Ok(_) => {}
            },
        }
    }
    // PersistentVolume: an absent policy is defaulted to Retain for static volumes.
    let policy_field = match ctx.request.kind.as_str() {
        "PersistentVolume" => Some(("persistentVolumeReclaimPolicy", Some("Retain"))),
        "VolumeSnapshotContent" => Some(("deletionPolicy", None)),
        _ => None,
    };
    if let Some((field, default)) = policy_field {
        let policy = |o: &Value| json::get(o, &["spec", field]).cloned();
        let (before, after) = (policy(old), policy(new));
        let retained = |p: &Option<Value>| match p {
            None | Some(Value::Null) => default == Some("Retain"),
            Some(v) => v.as_str() == Some("Retain"),
        };
        if retained(&before) && !retained(&after) {
            out.push(Finding::new(
                kit::text!("spec.{field}"),
                kit::text!(
                    "{field} changes from Retain to {} while under legal hold: the storage would be erased when released",
                    after.as_ref().map_or("the default".to_string(), crate::meta::shown)
                ),
            ));
        }
    }
    if out.is_empty() || super::overridden(ctx, "changed (hold, retention or reclaim policy)") {
        return Vec::new();
    }
    out
}
