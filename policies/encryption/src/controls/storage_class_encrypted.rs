//! StorageClasses provision encrypted volumes.

use crate::storage;
use kit::{Control, Ctx, Finding, KindSet, Severity};

pub static CONTROL: Control = Control {
    id: "storage-class-encrypted",
    title: kit::cold!("StorageClasses provision encrypted volumes"),
    rationale: kit::cold!(
        "Volumes hold the databases and files of the applications; unencrypted disks expose that data through snapshots, decommissioned hardware and cloud-account compromise. Read per provisioner: AWS EBS (CSI and in-tree) needs encrypted: \"true\" (account-level default encryption cannot be seen from the cluster); GCE PD and Azure Disk are always encrypted with provider-managed keys; Ceph RBD/CephFS need encrypted: \"true\". With requireCustomerManagedKey the class must also name a customer-managed key (kmsKeyId, disk-encryption-kms-key, diskEncryptionSetID, encryptionKMSID). Other provisioners are mapped with the provisioners parameter; an unmapped one is reported as unverifiable unless allowUnknownProvisioners. The default StorageClass matters most: every PVC without a class lands on it."
    ),
    remediation: kit::cold!(
        "set parameters.encrypted: \"true\" (AWS EBS, Ceph) or the provider's key parameter; map other provisioners in the provisioners parameter"
    ),
    severity: Severity::High,
    tags: &["encryption-at-rest"],
    criteria: super::AT_REST,
    kinds: KindSet::Only(&["storage.k8s.io/StorageClass"]),
    params: storage::SC_PARAMS,
    validate_params: Some(storage::validate),
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let sc = ctx.object();
    if ctx.params.bool("defaultClassOnly") && !storage::is_default(sc) {
        return Vec::new();
    }
    match storage::judge(ctx, sc) {
        Ok(()) => Vec::new(),
        Err((path, msg)) => {
            let msg = if storage::is_default(sc) {
                kit::text!("{msg} (this is the default StorageClass)")
            } else {
                msg
            };
            vec![Finding::new(path, msg)]
        }
    }
}
