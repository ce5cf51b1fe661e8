//! Objects under legal hold are not deleted (DELETE admission reads `oldObject`).

use crate::data;
use kit::{Control, Ctx, Finding, KindSet, Operation, Severity};

pub static CONTROL: Control = Control {
    id: "legal-hold-no-delete",
    title: kit::cold!("Objects under legal hold are not deleted"),
    rationale: kit::cold!(
        "A legal hold suspends disposal: the claim, volume, snapshot or namespace must survive until counsel releases it, whatever its retention period says. Deleting a held PersistentVolumeClaim (or its namespace) hands the volume to the reclaim policy, which may erase it at once. The DELETE request carries the object as oldObject; a member of an allow-listed group may still delete it, and that deletion is recorded in the audit annotation kube-soc2.legal-hold-override. DeleteCollection and namespace deletion reach the policy as one DELETE per object, so a held object also stops the deletion of its namespace."
    ),
    remediation: kit::cold!(
        "have the hold lifted first (remove the legal-hold label or annotation, or set it to \"false\") once counsel releases it, or ask a member of the allow-listed groups to delete the object"
    ),
    severity: Severity::Critical,
    tags: &["default", "legal-hold", "data-lifecycle"],
    criteria: super::RETENTION,
    kinds: KindSet::Only(super::HOLDABLE),
    operations: &[Operation::Delete],
    params: &[super::ALLOWED_GROUPS],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let obj = ctx.object();
    let key = data::key(ctx, data::LEGAL_HOLD_KEY);
    let Some(path) = data::set_at(obj, key) else {
        return Vec::new();
    };
    if super::overridden(ctx, "deleted") {
        return Vec::new();
    }
    vec![Finding::new(
        path,
        kit::text!(
            "{} is under legal hold ({key}) and must not be deleted",
            ctx.request.describe()
        ),
    )]
}
