//! kube-soc2 confidentiality family (one Kubewarden policy module): service and ingress exposure, data classification, classification-driven controls, secret access (SOC 2 C1.1, C1.2, CC6.6).

pub mod controls;

use kit::Family;

pub static FAMILY: Family = Family {
    name: "confidentiality",
    title: "Confidentiality and exposure (SOC 2 C1.1, C1.2, CC6.6)",
    version: env!("CARGO_PKG_VERSION"),
    groups: &[controls::CONTROLS],
    options: &[],
    validate_options: None,
    default_warn_only: &[],
};

kit::export_family!(FAMILY);
