//! kube-soc2 availability family (one Kubewarden policy module): capacity
//! (SOC 2 A1.1) and resilience/recovery (A1.2) of workloads at admission.

pub mod controls;
pub mod intstr;
pub use kit::quantity;

use kit::Family;

pub static FAMILY: Family = Family {
    name: "availability",
    title: kit::cold!("Availability (SOC 2 A1.1, A1.2)"),
    version: env!("CARGO_PKG_VERSION"),
    groups: controls::GROUPS,
    options: &[],
    validate_options: None,
    default_warn_only: &[],
    reads_whole_request: false,
    run_check: Some(run_check),
};

kit::direct_checks!(run_check, FAMILY);

kit::export_family!(FAMILY);
