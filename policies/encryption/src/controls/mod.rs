//! The controls of the encryption family, one file each, in catalogue order.

use kit::{Control, Criteria, Ctx};

pub mod apiserver_encryption_provider_config;
pub mod cert_manager_certificate_lifecycle;
pub mod cert_manager_issuer_allowed;
pub mod cert_manager_issuer_hygiene;
pub mod cert_manager_key_strength;
pub mod control_plane_tls_strength;
pub mod encryption_config_kms_v2;
pub mod encryption_config_secrets;
pub mod etcd_client_cert_auth;
pub mod gateway_listener_tls;
pub mod ingress_https_only;
pub mod ingress_tls_hosts;
pub mod ingress_weak_tls;
pub mod istio_destination_rule_tls;
pub mod istio_peer_authentication_strict;
pub mod mesh_namespace_enrolled;
pub mod mesh_pod_injection;
pub mod pvc_storage_encrypted;
pub mod secret_env_vars;
pub mod secret_last_applied_data;
pub mod secret_literal_configmap;
pub mod secret_literal_env;
pub mod secret_manifest_inline_data;
pub mod storage_class_encrypted;
pub mod tls_secret_certificate;

/// Encryption in transit (edge, mesh, certificates).
pub const TRANSIT: Criteria = Criteria {
    soc2: &["CC6.7"],
    iso27001: &["A.8.24", "A.5.14", "A.8.21"],
    pss: &[],
    cis: &[],
};

/// Service-to-service encryption inside the cluster network.
pub const MESH: Criteria = Criteria {
    soc2: &["CC6.7"],
    iso27001: &["A.8.24", "A.8.20", "A.8.21"],
    pss: &[],
    cis: &[],
};

/// Encryption at rest of confidential data.
pub const AT_REST: Criteria = Criteria {
    soc2: &["CC6.1", "C1.1"],
    iso27001: &["A.8.24", "A.5.33"],
    pss: &[],
    cis: &[],
};

/// Credentials kept out of plain sight.
pub const SECRETS: Criteria = Criteria {
    soc2: &["CC6.1", "C1.1"],
    iso27001: &["A.5.17", "A.8.24"],
    pss: &[],
    cis: &[],
};

/// Catalogue order.
pub static CONTROLS: &[&Control] = &[
    &ingress_tls_hosts::CONTROL,
    &ingress_https_only::CONTROL,
    &ingress_weak_tls::CONTROL,
    &gateway_listener_tls::CONTROL,
    &istio_peer_authentication_strict::CONTROL,
    &istio_destination_rule_tls::CONTROL,
    &mesh_pod_injection::CONTROL,
    &mesh_namespace_enrolled::CONTROL,
    &cert_manager_key_strength::CONTROL,
    &cert_manager_certificate_lifecycle::CONTROL,
    &cert_manager_issuer_allowed::CONTROL,
    &cert_manager_issuer_hygiene::CONTROL,
    &tls_secret_certificate::CONTROL,
    &storage_class_encrypted::CONTROL,
    &pvc_storage_encrypted::CONTROL,
    &encryption_config_secrets::CONTROL,
    &encryption_config_kms_v2::CONTROL,
    &apiserver_encryption_provider_config::CONTROL,
    &control_plane_tls_strength::CONTROL,
    &etcd_client_cert_auth::CONTROL,
    &secret_literal_env::CONTROL,
    &secret_literal_configmap::CONTROL,
    &secret_env_vars::CONTROL,
    &secret_last_applied_data::CONTROL,
    &secret_manifest_inline_data::CONTROL,
];

/// An annotation of the object as a string (`None` when absent or not a string).
pub fn annotation<'a>(ctx: &Ctx<'a>, key: &str) -> Option<&'a str> {
    kit::json::get_str(ctx.object(), &["metadata", "annotations", key])
}

/// `metadata.annotations["key"]` as a finding path.
pub fn annotation_path(key: &str) -> String {
    kit::text!("metadata.annotations[\"{key}\"]")
}

/// A string shown in a message, bounded.
pub fn shown(s: &str) -> String {
    kit::json::brief(&kit::Value::String(s.into()), 80)
}
