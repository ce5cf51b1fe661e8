//! kube-soc2 images family (one Kubewarden policy module): registries, tags, digests, signatures, vulnerability gating (SOC 2 CC6.8, CC7.1, CC8.1).

pub mod controls;
pub mod host;
pub mod patterns;
pub mod reference;
pub mod refs;

use kit::Family;

pub static FAMILY: Family = Family {
    name: "images",
    title: kit::cold!("Container images and supply chain (SOC 2 CC6.8, CC7.1, CC8.1)"),
    version: env!("CARGO_PKG_VERSION"),
    groups: &[controls::CONTROLS],
    options: &[],
    validate_options: None,
    default_warn_only: &[],
    reads_whole_request: false,
    run_check: Some(run_check),
};

kit::direct_checks!(run_check, FAMILY);

kit::export_family!(FAMILY);
