//! kube-soc2 privacy family (one Kubewarden policy module): retention, legal hold, deletion, backups, snapshots, storage classes and residency for personal data (SOC 2 P4.2, P4.3, C1.2, A1.2).

pub mod controls;

use kit::Family;

pub static FAMILY: Family = Family {
    name: "privacy",
    title: "Privacy and data lifecycle (SOC 2 P4.2, P4.3, C1.2, A1.2)",
    version: env!("CARGO_PKG_VERSION"),
    groups: &[controls::CONTROLS],
    options: &[],
    validate_options: None,
    default_warn_only: &[],
};

kit::export_family!(FAMILY);
