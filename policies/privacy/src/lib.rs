//! kube-soc2 privacy family (one Kubewarden policy module): retention, legal hold, deletion, backups, snapshots, storage classes and residency for personal data (SOC 2 P4.2, P4.3, C1.2, A1.2).

pub mod claims;
pub mod controls;
pub mod data;
pub mod duration;
pub mod meta;
#[allow(dead_code)]
pub mod velero;

pub use kit::quantity::Quantity;

use kit::Family;

pub static FAMILY: Family = Family {
    name: "privacy",
    title: kit::cold!("Privacy and data lifecycle (SOC 2 P4.2, P4.3, C1.2, A1.2)"),
    version: env!("CARGO_PKG_VERSION"),
    groups: &[controls::CONTROLS],
    options: data::OPTIONS,
    validate_options: Some(data::validate_options),
    default_warn_only: &[],
    reads_whole_request: false,
    run_check: Some(run_check),
};

kit::direct_checks!(run_check, FAMILY);

kit::export_family!(FAMILY);
