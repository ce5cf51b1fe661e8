//! The controls of the access-control family, one group per concern.

pub mod common;
pub mod hardening;
pub mod namespace_psa_labels;
pub mod namespaces;
pub mod network;
pub mod pss;
pub mod rbac;
pub mod runtime_access;
pub mod service_accounts;
pub mod workloads_not_in_default_namespace;

use kit::Control;

/// Catalogue order: Pod Security Standards first, then the family's own controls.
pub static GROUPS: &[&[&Control]] = &[
    pss::CONTROLS,
    hardening::CONTROLS,
    rbac::CONTROLS,
    service_accounts::CONTROLS,
    namespaces::CONTROLS,
    network::CONTROLS,
    runtime_access::CONTROLS,
];
