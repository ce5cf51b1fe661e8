//! PSS restricted "Volume Types" (PSA check `restrictedVolumes`, all
//! versions): only ephemeral, projected and claim-based volume sources. At the
//! restricted level PSA runs this check instead of `hostPathVolumes`, whose
//! refusals it includes.

use kit::Value;
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "pss-restricted-volumes",
    title: kit::cold!("Volumes use only the restricted volume types"),
    rationale: kit::cold!(
        "Inline volume sources other than configMap, secret, downwardAPI, emptyDir, projected, csi, persistentVolumeClaim, ephemeral and image reach node paths or network storage directly, with credentials and access outside the cluster's storage policies."
    ),
    remediation: kit::cold!(
        "use only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret volumes; mount other storage through a PersistentVolumeClaim"
    ),
    severity: Severity::Medium,
    tags: super::RESTRICTED,
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: super::ISO,
        pss: &["Volume Types"],
        cis: &["5.2.12"],
    },
    check,
    ..Control::DEFAULTS
};

/// Sources PSA allows; a volume with any of them set passes.
const ALLOWED: &[&str] = &[
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

/// Sources PSA names in its message, in its order; anything else is "unknown".
const RESTRICTED: &[&str] = &[
    "hostPath",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "nfs",
    "iscsi",
    "glusterfs",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "fc",
    "azureFile",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "portworxVolume",
    "scaleIO",
    "storageos",
];

fn has(volume: &Value, source: &str) -> bool {
    super::set(volume.get(source)).is_some()
}

/// A volume that names no source at all: the API server defaults it to an
/// emptyDir before admission, so PSA (and this check) sees an allowed volume.
fn defaults_to_empty_dir(volume: &Value) -> bool {
    volume
        .as_object()
        .is_some_and(|m| m.iter().all(|(k, v)| k == "name" || v.is_null()))
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    // One version of this check for every PSS version.
    if super::evaluated(ctx).is_none() {
        return Vec::new();
    }
    let pod = ctx.pod();
    pod.volumes()
        .filter(|(_, v)| !ALLOWED.iter().any(|s| has(v, s)) && !defaults_to_empty_dir(v))
        .map(|(i, v)| {
            let name = v.get("name").and_then(Value::as_str).unwrap_or("");
            match RESTRICTED.iter().find(|s| has(v, s)) {
                Some(source) => Finding::new(
                    pod.field_path(&kit::text!("volumes[{i}].{source}")),
                    kit::text!("volume \"{name}\" uses restricted volume type {source}"),
                ),
                None => Finding::new(
                    pod.field_path(&kit::text!("volumes[{i}]")),
                    kit::text!("volume \"{name}\" uses a volume source outside the allowed types"),
                ),
            }
        })
        .collect()
}
