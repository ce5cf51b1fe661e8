//! The controls of the processing-integrity family, one file each, in catalogue order.

use kit::{Control, Criteria};

mod admission_policy;
mod api_versions;
pub(crate) mod change_reference;
mod crd_schema;
mod cronjob_concurrency;
mod cronjob_history;
mod cronjob_interval;
mod cronjob_schedule;
mod cronjob_starting_deadline;
mod cronjob_suspend;
mod cronjob_time_zone;
mod env_duplicates;
mod env_references;
mod gitops_drift;
mod job_active_deadline;
mod job_backoff_limit;
mod job_parallelism;
mod job_pod_failure_policy;
mod job_restart_policy;
mod job_ttl_after_finished;
mod kubewarden_weakening;
mod selector_matches;
mod webhook_catch_all;
mod webhook_client_tls;
mod webhook_failure_policy;
mod webhook_selectors;
mod webhook_side_effects;
mod webhook_timeout;

const fn criteria(soc2: &'static [&'static str], iso27001: &'static [&'static str]) -> Criteria {
    Criteria {
        soc2,
        iso27001,
        pss: &[],
        cis: &[],
    }
}

/// Processing is complete, valid, accurate and timely (PI1.3); configuration
/// management (A.8.9).
pub(crate) const PROCESSING: Criteria = criteria(&["PI1.3"], &["A.8.9"]);
/// Schedules: processing happens when specified (PI1.3), and a schedule that
/// never fires is a configuration defect to detect (CC7.1).
pub(crate) const SCHEDULE: Criteria = criteria(&["PI1.3", "CC7.1"], &["A.8.9"]);
/// Processing specifications stated explicitly (PI1.1) and followed (PI1.3).
pub(crate) const SPECIFICATION: Criteria = criteria(&["PI1.1", "PI1.3"], &["A.8.9", "A.5.37"]);
/// Inputs are validated (PI1.2).
pub(crate) const INPUTS: Criteria = criteria(&["PI1.2"], &["A.8.9"]);
/// Outputs and the evidence of processing are kept (PI1.4); monitoring (A.8.16).
pub(crate) const OUTPUTS: Criteria = criteria(&["PI1.4"], &["A.8.16"]);
/// Stored items are retained only as long as specified (PI1.5); deletion (A.8.10).
pub(crate) const STORAGE: Criteria = criteria(&["PI1.5"], &["A.8.9", "A.8.10"]);
/// The admission controls that protect the other controls: unauthorised
/// changes are prevented (CC6.8) and changes are controlled (CC8.1).
pub(crate) const ADMISSION: Criteria = criteria(&["CC6.8", "CC8.1"], &["A.8.9", "A.8.32"]);
/// Admission traffic is protected in transit (CC6.7) against impersonation (CC6.8).
pub(crate) const ADMISSION_TLS: Criteria = criteria(&["CC6.8", "CC6.7"], &["A.8.9", "A.8.24"]);
/// API versions: configuration defects detected (CC7.1) before changes break (CC8.1).
pub(crate) const API_VERSIONS: Criteria = criteria(&["CC7.1", "CC8.1"], &["A.8.32", "A.8.9"]);
/// Changes to scheduled processing (PI1.3) are controlled (CC8.1).
pub(crate) const SCHEDULE_CHANGE: Criteria = criteria(&["PI1.3", "CC8.1"], &["A.8.32", "A.8.9"]);
/// Change provenance (CC8.1, A.8.32).
pub(crate) const CHANGE: Criteria = criteria(&["CC8.1"], &["A.8.32", "A.8.9"]);

/// Catalogue order.
pub static CONTROLS: &[&Control] = &[
    // Jobs
    &job_backoff_limit::CONTROL,
    &job_active_deadline::CONTROL,
    &job_ttl_after_finished::CONTROL,
    &job_restart_policy::CONTROL,
    &job_parallelism::CONTROL,
    &job_pod_failure_policy::CONTROL,
    // CronJobs
    &cronjob_schedule::CONTROL,
    &cronjob_concurrency::CONTROL,
    &cronjob_starting_deadline::CONTROL,
    &cronjob_history::CONTROL,
    &cronjob_time_zone::CONTROL,
    &cronjob_interval::CONTROL,
    &cronjob_suspend::CONTROL,
    // Admission control
    &webhook_side_effects::CONTROL,
    &webhook_timeout::CONTROL,
    &webhook_client_tls::CONTROL,
    &webhook_failure_policy::CONTROL,
    &webhook_selectors::CONTROL,
    &webhook_catch_all::CONTROL,
    &admission_policy::CONTROL,
    &kubewarden_weakening::CONTROL,
    // API versions and custom resources
    &api_versions::CONTROL,
    &crd_schema::CONTROL,
    // Change provenance and inputs
    &change_reference::CONTROL,
    &gitops_drift::CONTROL,
    &selector_matches::CONTROL,
    &env_duplicates::CONTROL,
    &env_references::CONTROL,
];
