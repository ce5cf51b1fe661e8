//! The controls of the confidentiality family, one file each, in catalogue order:
//! Service exposure, Ingress exposure, Gateway API, classification, and
//! secret access.

pub mod classified_namespace_default_deny;
pub mod classified_namespace_no_exposure;
pub mod classified_workload_isolation;
pub mod gateway_allowed_routes_scoped;
pub mod gateway_hostnames;
pub mod ingress_class_allowed;
pub mod ingress_host_allowed_domains;
pub mod ingress_nginx_dangerous_annotations;
pub mod ingress_no_catch_all_host;
pub mod ingress_source_range_restricted;
pub mod namespace_classification_label;
pub mod reference_grant_scoped;
pub mod secret_classification_match;
pub mod secret_env_from;
pub mod secret_references_allowed;
pub mod service_external_name_allowed;
pub mod service_load_balancer_internal;
pub mod service_load_balancer_source_ranges;
pub mod service_no_external_ips;
pub mod service_no_node_port;
pub mod workload_classification_label;

use kit::{Control, Criteria};

/// Boundary protection of what the cluster exposes (CC6.6) to keep
/// confidential information from being reached (C1.1); network security,
/// security of network services, segregation of networks.
pub const EXPOSURE: Criteria = Criteria {
    soc2: &["C1.1", "CC6.6"],
    iso27001: &["A.8.20", "A.8.21", "A.8.22"],
    pss: &[],
    cis: &[],
};

/// Identifying confidential information (C1.1): classification and labelling.
pub const CLASSIFICATION: Criteria = Criteria {
    soc2: &["C1.1"],
    iso27001: &["A.5.12", "A.5.13"],
    pss: &[],
    cis: &[],
};

/// Protection that follows the classification: no exposure or leakage of
/// data above a level (C1.1, CC6.6), data leakage prevention.
pub const CLASSIFIED: Criteria = Criteria {
    soc2: &["C1.1", "CC6.6"],
    iso27001: &["A.5.12", "A.8.12", "A.8.22"],
    pss: &[],
    cis: &[],
};

/// Access to secrets (CC6.1) as confidential information (C1.1).
pub const SECRETS: Criteria = Criteria {
    soc2: &["C1.1", "CC6.1"],
    iso27001: &["A.8.3", "A.8.12"],
    pss: &[],
    cis: &[],
};

/// The core-group Service.
pub const SERVICE: &[&str] = &["/Service"];
/// The Ingress of networking.k8s.io (extensions/v1beta1 is gone since 1.22).
pub const INGRESS: &[&str] = &["networking.k8s.io/Ingress"];

/// Catalogue order.
pub static CONTROLS: &[&Control] = &[
    &service_no_node_port::CONTROL,
    &service_no_external_ips::CONTROL,
    &service_load_balancer_source_ranges::CONTROL,
    &service_load_balancer_internal::CONTROL,
    &service_external_name_allowed::CONTROL,
    &ingress_no_catch_all_host::CONTROL,
    &ingress_nginx_dangerous_annotations::CONTROL,
    &ingress_host_allowed_domains::CONTROL,
    &ingress_class_allowed::CONTROL,
    &ingress_source_range_restricted::CONTROL,
    &gateway_hostnames::CONTROL,
    &gateway_allowed_routes_scoped::CONTROL,
    &reference_grant_scoped::CONTROL,
    &namespace_classification_label::CONTROL,
    &workload_classification_label::CONTROL,
    &classified_namespace_no_exposure::CONTROL,
    &classified_namespace_default_deny::CONTROL,
    &classified_workload_isolation::CONTROL,
    &secret_classification_match::CONTROL,
    &secret_env_from::CONTROL,
    &secret_references_allowed::CONTROL,
];
