//! RBAC: Role and ClusterRole lint, aggregation into the built-in roles,
//! binding subject hygiene, time-bound bindings and, context-aware, the
//! effective permissions a binding hands out.

pub mod aggregation;
pub mod bindings;
pub mod effective;
pub mod rbac_groups_only;
pub mod rbac_no_anonymous_bindings;
pub mod rbac_no_cross_namespace_service_accounts;
pub mod rbac_no_default_service_account_binding;
pub mod rbac_no_escalation_verbs;
pub mod rbac_no_high_risk_grants;
pub mod rbac_no_pod_exec;
pub mod rbac_no_secret_read;
pub mod rbac_no_wildcards;
pub mod rbac_restrict_cluster_admin;
pub mod risk;
pub mod roles;
pub mod subjects;
pub mod time_bound;

use kit::Control;

/// Logical access (CC6.1) and least privilege (CC6.3); access control,
/// access rights and privileged access (A.5.15, A.5.18, A.8.2).
pub const SOC2: &[&str] = &["CC6.1", "CC6.3"];
pub const ISO: &[&str] = &["A.5.15", "A.5.18", "A.8.2"];

pub static CONTROLS: &[&Control] = &[
    &rbac_no_wildcards::CONTROL,
    &rbac_no_secret_read::CONTROL,
    &rbac_no_escalation_verbs::CONTROL,
    &rbac_no_pod_exec::CONTROL,
    &rbac_no_high_risk_grants::CONTROL,
    &aggregation::CONTROL,
    &rbac_restrict_cluster_admin::CONTROL,
    &rbac_no_anonymous_bindings::CONTROL,
    &rbac_groups_only::CONTROL,
    &rbac_no_default_service_account_binding::CONTROL,
    &rbac_no_cross_namespace_service_accounts::CONTROL,
    &time_bound::CONTROL,
    &effective::CONTROL,
];
