//! Whether a StorageClass provisions encrypted volumes, provider by provider.
//! Shared by `storage-class-encrypted` and `pvc-storage-encrypted`.

use kit::Value;
use kit::{Ctx, Param, ParamKind, json};

pub const PARAMS: &[Param] = &[
    Param {
        name: "requireCustomerManagedKey",
        kind: ParamKind::Bool,
        default: "false",
        description: kit::cold!(
            "require a customer-managed key: kmsKeyId (AWS EBS), disk-encryption-kms-key (GCE PD), diskEncryptionSetID (Azure Disk), encryptionKMSID (Ceph)"
        ),
    },
    Param {
        name: "provisioners",
        kind: ParamKind::StringMap,
        default: "{}",
        description: kit::cold!(
            "other provisioners: provisioner → \"<parameter>=<value>\" that marks an encrypted class, or \"always\" when the backend always encrypts"
        ),
    },
    Param {
        name: "allowUnknownProvisioners",
        kind: ParamKind::Bool,
        default: "false",
        description: kit::cold!(
            "pass classes of provisioners this control does not know instead of reporting that encryption cannot be verified"
        ),
    },
];

/// The StorageClass control's parameters: the shared ones and `defaultClassOnly`.
pub const SC_PARAMS: &[Param] = &[
    PARAMS[0],
    PARAMS[1],
    PARAMS[2],
    Param {
        name: "defaultClassOnly",
        kind: ParamKind::Bool,
        default: "false",
        description: kit::cold!(
            "judge only the default StorageClass (the one every claim without a class gets)"
        ),
    },
];

/// Cross-field check: each mapping is `always` or `key=value`.
pub fn validate(p: &kit::control::Params) -> Result<(), String> {
    for (prov, rule) in p.string_map("provisioners") {
        if rule != "always" && rule.split_once('=').is_none_or(|(k, _)| k.is_empty()) {
            return Err(kit::text!(
                "provisioners.{prov} must be \"always\" or \"<parameter>=<value>\", got \"{rule}\""
            ));
        }
    }
    Ok(())
}

fn param<'a>(sc: &'a Value, key: &str) -> Result<Option<&'a str>, String> {
    match json::get(sc, &["parameters", key]) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(v) => Err(kit::text!(
            "parameters.{key} is {} (StorageClass parameters are strings)",
            json::brief(v, 40)
        )),
    }
}

/// `Ok(())` when the class encrypts; otherwise why not (field, message).
pub fn judge(ctx: &Ctx, sc: &Value) -> Result<(), (String, String)> {
    let provisioner = json::get_str(sc, &["provisioner"]).unwrap_or("");
    let cmk = ctx.params.bool("requireCustomerManagedKey");
    let fail = |field: &str, msg: String| Err((field.to_string(), msg));
    let get = |key: &str| param(sc, key).map_err(|e| (kit::text!("parameters.{key}"), e));
    let require_true = |key: &str| -> Result<(), (String, String)> {
        match get(key)? {
            Some("true") => Ok(()),
            Some(v) => fail(
                &kit::text!("parameters.{key}"),
                kit::text!(
                    "provisioner {provisioner} with {key}: \"{v}\" creates unencrypted volumes"
                ),
            ),
            None => fail(
                "parameters",
                kit::text!(
                    "provisioner {provisioner} without {key}: \"true\" creates unencrypted volumes"
                ),
            ),
        }
    };
    let require_key = |key: &str| -> Result<(), (String, String)> {
        if !cmk {
            return Ok(());
        }
        match get(key)? {
            Some(v) if !v.trim().is_empty() => Ok(()),
            _ => fail(
                "parameters",
                kit::text!(
                    "provisioner {provisioner} has no {key}: volumes are not encrypted with a customer-managed key"
                ),
            ),
        }
    };
    match provisioner {
        "ebs.csi.aws.com" | "kubernetes.io/aws-ebs" => {
            require_true("encrypted")?;
            require_key("kmsKeyId")
        }
        // Persistent disks are always encrypted with Google-managed keys.
        "pd.csi.storage.gke.io" | "kubernetes.io/gce-pd" => require_key("disk-encryption-kms-key"),
        // Azure managed disks always have platform-managed server-side encryption.
        "disk.csi.azure.com" | "kubernetes.io/azure-disk" => require_key("diskEncryptionSetID"),
        p if p.ends_with("rbd.csi.ceph.com") || p.ends_with("cephfs.csi.ceph.com") => {
            require_true("encrypted")?;
            require_key("encryptionKMSID")
        }
        _ => {
            let rule = ctx
                .params
                .string_map("provisioners")
                .into_iter()
                .find(|(p, _)| p == provisioner)
                .map(|(_, r)| r);
            match rule.as_deref() {
                Some("always") => Ok(()),
                Some(rule) => {
                    let (key, want) = rule.split_once('=').unwrap_or((rule, ""));
                    match get(key)? {
                        Some(v) if v == want => Ok(()),
                        other => fail(
                            &kit::text!("parameters.{key}"),
                            kit::text!(
                                "provisioner {provisioner} requires {key}: \"{want}\" for encryption, got {}",
                                other.map_or("nothing".to_string(), |v| kit::text!("\"{v}\""))
                            ),
                        ),
                    }
                }
                None if ctx.params.bool("allowUnknownProvisioners") => Ok(()),
                None => fail(
                    "provisioner",
                    kit::text!(
                        "cannot tell whether provisioner \"{}\" encrypts volumes; map it in the provisioners parameter",
                        kit::json::brief(&Value::String(provisioner.into()), 80).trim_matches('"')
                    ),
                ),
            }
        }
    }
}

/// Whether `sc` is marked as the cluster's default class.
pub fn is_default(sc: &Value) -> bool {
    [
        "storageclass.kubernetes.io/is-default-class",
        "storageclass.beta.kubernetes.io/is-default-class",
    ]
    .iter()
    .any(|k| json::get_str(sc, &["metadata", "annotations", k]) == Some("true"))
}
