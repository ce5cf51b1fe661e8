//! RBAC: Role and ClusterRole lint, aggregation into the built-in roles,
//! binding subject hygiene, time-bound bindings and, context-aware, the
//! effective permissions a binding hands out.

pub mod aggregation;
pub mod bindings;
pub mod effective;
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
    &roles::WILDCARDS,
    &roles::SECRETS,
    &roles::ESCALATION,
    &roles::POD_EXEC,
    &roles::HIGH_RISK,
    &aggregation::CONTROL,
    &bindings::CLUSTER_ADMIN,
    &bindings::ANONYMOUS,
    &bindings::GROUPS_ONLY,
    &bindings::DEFAULT_SERVICE_ACCOUNT,
    &bindings::CROSS_NAMESPACE,
    &time_bound::CONTROL,
    &effective::CONTROL,
];
