//! Network segmentation: default-deny per namespace before workloads are
//! admitted (context-aware), no NetworkPolicy that quietly allows everything,
//! and optionally every workload selected by some policy (context-aware).

pub mod allow_all;
pub mod default_deny;
pub mod policy;
pub mod selected;

use kit::Control;

/// Boundary protection (CC6.6) on top of logical access (CC6.1); network
/// security and segregation of networks (A.8.20, A.8.22).
pub const SOC2: &[&str] = &["CC6.1", "CC6.6"];
pub const ISO: &[&str] = &["A.8.20", "A.8.22"];

pub static CONTROLS: &[&Control] = &[
    &allow_all::CONTROL,
    &default_deny::CONTROL,
    &selected::CONTROL,
];
