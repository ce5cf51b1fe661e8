//! The controls of the cluster-hardening family, one file each, in catalogue
//! order: API server, controller manager and scheduler, etcd (control-plane
//! static Pods), then the configuration files `scan` reads (kubelet, audit
//! policy, admission and authentication configuration).

use kit::Control;

pub mod admission_configuration_pod_security;
pub mod apiserver_admission_plugins;
pub mod apiserver_anonymous_auth;
pub mod apiserver_audit_log;
pub mod apiserver_authentication;
pub mod apiserver_authorization_mode;
pub mod apiserver_extra_admission_plugins;
pub mod apiserver_kubelet_client_auth;
pub mod apiserver_service_account_tokens;
pub mod apiserver_tls_certificates;
pub mod audit_policy_coverage;
pub mod audit_policy_sensitive_resources;
pub mod authentication_configuration_anonymous;
pub mod control_plane_bind_address;
pub mod control_plane_profiling;
pub mod controller_manager_kubelet_cert_rotation;
pub mod controller_manager_service_accounts;
pub mod controller_manager_terminated_pod_gc;
pub mod etcd_unique_ca;
pub mod kube_proxy_metrics_bind_address;
pub mod kubelet;
pub mod kubelet_anonymous_auth;
pub mod kubelet_certificates;
pub mod kubelet_event_record_qps;
pub mod kubelet_iptables_util_chains;
pub mod kubelet_pod_pids_limit;
pub mod kubelet_protect_kernel_defaults;
pub mod kubelet_read_only_port;
pub mod kubelet_streaming_idle_timeout;
pub mod kubelet_tls_cipher_suites;
pub mod kubelet_webhook_auth;

/// Kinds of the static-Pod controls: only Pods (mirror Pods and manifests).
pub const POD: kit::KindSet = kit::KindSet::Only(&["/Pod"]);
pub const KUBELET_CONFIGURATION: kit::KindSet =
    kit::KindSet::Only(&["kubelet.config.k8s.io/KubeletConfiguration"]);
pub const AUDIT_POLICY: kit::KindSet = kit::KindSet::Only(&["audit.k8s.io/Policy"]);
pub const ADMISSION_CONFIGURATION: kit::KindSet =
    kit::KindSet::Only(&["apiserver.config.k8s.io/AdmissionConfiguration"]);
pub const AUTHENTICATION_CONFIGURATION: kit::KindSet =
    kit::KindSet::Only(&["apiserver.config.k8s.io/AuthenticationConfiguration"]);

/// Catalogue order.
pub static CONTROLS: &[&Control] = &[
    &apiserver_anonymous_auth::CONTROL,
    &apiserver_authentication::CONTROL,
    &apiserver_kubelet_client_auth::CONTROL,
    &apiserver_authorization_mode::CONTROL,
    &apiserver_admission_plugins::CONTROL,
    &apiserver_extra_admission_plugins::CONTROL,
    &apiserver_audit_log::CONTROL,
    &apiserver_service_account_tokens::CONTROL,
    &apiserver_tls_certificates::CONTROL,
    &control_plane_profiling::CONTROL,
    &control_plane_bind_address::CONTROL,
    &controller_manager_service_accounts::CONTROL,
    &controller_manager_kubelet_cert_rotation::CONTROL,
    &controller_manager_terminated_pod_gc::CONTROL,
    &etcd_unique_ca::CONTROL,
    &kubelet_anonymous_auth::CONTROL,
    &kubelet_webhook_auth::CONTROL,
    &kubelet_read_only_port::CONTROL,
    &kubelet_certificates::CONTROL,
    &kubelet_tls_cipher_suites::CONTROL,
    &kubelet_protect_kernel_defaults::CONTROL,
    &kubelet_iptables_util_chains::CONTROL,
    &kubelet_event_record_qps::CONTROL,
    &kubelet_streaming_idle_timeout::CONTROL,
    &kubelet_pod_pids_limit::CONTROL,
    &kube_proxy_metrics_bind_address::CONTROL,
    &audit_policy_sensitive_resources::CONTROL,
    &audit_policy_coverage::CONTROL,
    &admission_configuration_pod_security::CONTROL,
    &authentication_configuration_anonymous::CONTROL,
];
