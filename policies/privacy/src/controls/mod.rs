//! The controls of the privacy family, one file each, in catalogue order.

pub mod deletion_approval;
pub mod inventory_owner_labels;
pub mod legal_hold_no_delete;
pub mod legal_hold_no_weakening;
pub mod personal_data_backup_coverage;
pub mod personal_data_residency;
pub mod pv_nfs_allowed_servers;
pub mod pv_no_host_path;
pub mod pvc_access_modes;
pub mod pvc_size_cap;
pub mod pvc_storage_class_allowed;
pub mod retention_metadata;
pub mod snapshot_class_allowed;
pub mod snapshot_class_retain;
pub mod storage_reclaim_retain;
pub mod velero_backup_retention;

use kit::{Control, Criteria};

/// Kinds a legal hold protects.
pub const HOLDABLE: &[&str] = &[
    "/Namespace",
    "/PersistentVolumeClaim",
    "/PersistentVolume",
    "snapshot.storage.k8s.io/VolumeSnapshot",
    "snapshot.storage.k8s.io/VolumeSnapshotContent",
];

/// Retention and protection of records (legal hold, retention metadata).
pub const RETENTION: Criteria = Criteria {
    soc2: &["P4.2", "P4.3"],
    iso27001: &["A.5.33", "A.5.34", "A.8.10"],
    pss: &[],
    cis: &[],
};

/// Disposal of storage holding regulated data.
pub const DISPOSAL: Criteria = Criteria {
    soc2: &["P4.3", "C1.2"],
    iso27001: &["A.8.10", "A.5.33", "A.5.34"],
    pss: &[],
    cis: &[],
};

/// Catalogue order.
pub static CONTROLS: &[&Control] = &[
    &legal_hold_no_delete::CONTROL,
    &legal_hold_no_weakening::CONTROL,
    &deletion_approval::CONTROL,
    &retention_metadata::CONTROL,
    &inventory_owner_labels::CONTROL,
    &storage_reclaim_retain::CONTROL,
    &snapshot_class_retain::CONTROL,
    &snapshot_class_allowed::CONTROL,
    &pv_no_host_path::CONTROL,
    &pv_nfs_allowed_servers::CONTROL,
    &pvc_storage_class_allowed::CONTROL,
    &pvc_access_modes::CONTROL,
    &pvc_size_cap::CONTROL,
    &velero_backup_retention::CONTROL,
    &personal_data_backup_coverage::CONTROL,
    &personal_data_residency::CONTROL,
];

/// Who may override a legal hold (both legal-hold controls).
pub const ALLOWED_GROUPS: kit::Param = kit::Param {
    name: "allowedGroups",
    kind: kit::ParamKind::StringList,
    default: "[]",
    description: kit::cold!(
        "groups (userInfo.groups) that may delete or change objects under legal hold; each such change is recorded as audit evidence (kube-soc2.legal-hold-override)"
    ),
};

/// Whether the requesting user belongs to `allowedGroups`; if so the
/// override is recorded as audit evidence.
pub fn overridden(ctx: &kit::Ctx, what: &str) -> bool {
    let Some(group) = crate::data::user_in(ctx, &ctx.params.strings("allowedGroups")) else {
        return false;
    };
    ctx.record_evidence(
        "kube-soc2.legal-hold-override",
        kit::text!(
            "{} under legal hold {what} by {} (group {})",
            ctx.request.describe(),
            crate::meta::bounded(&ctx.request.username),
            crate::meta::bounded(&group)
        ),
    );
    true
}
