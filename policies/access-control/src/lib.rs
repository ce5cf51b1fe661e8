//! kube-soc2 access-control family (one Kubewarden policy module).

pub mod controls;

use kit::Family;

pub static FAMILY: Family = Family {
    name: "access-control",
    title: kit::cold!("Access control (SOC 2 CC6.1, CC6.2, CC6.3, CC6.6, CC6.8)"),
    version: env!("CARGO_PKG_VERSION"),
    groups: controls::GROUPS,
    options: controls::pss::OPTIONS,
    validate_options: Some(controls::pss::validate_options),
    default_warn_only: &[],
    // Its controls read most of a Pod (measured: the on-demand reading
    // costs more than it saves); see `Family::reads_whole_request`.
    reads_whole_request: true,
    run_check: Some(run_check),
};

kit::direct_checks!(run_check, FAMILY);

kit::export_family!(FAMILY);
