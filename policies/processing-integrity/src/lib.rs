//! kube-soc2 processing-integrity family (one Kubewarden policy module): Jobs and CronJobs, admission-control integrity, API versions, change provenance, custom-resource validation (SOC 2 PI1.x, CC7.1, CC8.1).

pub mod apiversions;
pub mod controls;
pub mod cron;
pub mod job;
pub mod tz;
pub mod webhook;

use kit::Family;

pub static FAMILY: Family = Family {
    name: "processing-integrity",
    title: kit::cold!("Processing integrity (SOC 2 PI1.x, CC7.1, CC8.1)"),
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
