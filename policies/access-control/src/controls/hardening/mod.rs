//! Pod hardening beyond the Pod Security Standards: settings PSS leaves open
//! that the CIS Benchmark, the peer libraries and auditors still ask for. Every
//! control covers every Pod-bearing kind and all three container lists.

pub mod ephemeral_containers;
pub mod fs_group_range;
pub mod group_ranges;
pub mod interactive_tty;
pub mod net_raw;
pub mod process_namespace;
pub mod readonly_root;
pub mod run_as_group_range;
pub mod runtime_class;
pub mod runtime_socket;
pub mod supplemental_groups_range;

use kit::Control;

/// Logical access restrictions (CC6.1) and protection against unauthorised
/// software and privilege (CC6.8); privileged access (A.8.2) and secure
/// configuration (A.8.9).
pub const SOC2: &[&str] = &["CC6.1", "CC6.8"];
pub const ISO: &[&str] = &["A.8.2", "A.8.9"];

/// In the recommended set: near-zero false positives, high impact.
pub const DEFAULT: &[&str] = &["default", "hardening"];
/// Opt-in: sound practice, but most workloads need changes to pass.
pub const OPTIONAL: &[&str] = &["hardening"];

pub static CONTROLS: &[&Control] = &[
    &runtime_socket::CONTROL,
    &process_namespace::CONTROL,
    &readonly_root::CONTROL,
    &net_raw::CONTROL,
    &runtime_class::CONTROL,
    &run_as_group_range::CONTROL,
    &supplemental_groups_range::CONTROL,
    &fs_group_range::CONTROL,
    &ephemeral_containers::CONTROL,
    &interactive_tty::CONTROL,
];
