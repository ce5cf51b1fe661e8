//! The controls of the images family, one file each, in catalogue order.

use kit::{Control, Criteria};

pub mod image_base_allowed;
pub mod image_digest_pinned;
pub mod image_pull_policy_always;
pub mod image_pull_secrets_required;
pub mod image_reference_valid;
pub mod image_registry_allowed;
pub mod image_registry_denied;
pub mod image_signature_verified;
pub mod image_tag_not_latest;
pub mod image_tag_required;
pub mod image_vulnerability_report;

/// Catalogue order.
pub static CONTROLS: &[&Control] = &[
    &image_reference_valid::CONTROL,
    &image_tag_not_latest::CONTROL,
    &image_tag_required::CONTROL,
    &image_registry_denied::CONTROL,
    &image_registry_allowed::CONTROL,
    &image_digest_pinned::CONTROL,
    &image_pull_policy_always::CONTROL,
    &image_pull_secrets_required::CONTROL,
    &image_signature_verified::CONTROL,
    &image_base_allowed::CONTROL,
    &image_vulnerability_report::CONTROL,
];

/// Immutable, reviewable artifacts (change management).
pub const CHANGE: Criteria = Criteria {
    soc2: &["CC8.1", "CC7.1"],
    iso27001: &["A.8.32", "A.8.19"],
    pss: &[],
    cis: &[],
};

/// Where software comes from (unauthorised or malicious software, supplier security).
pub const PROVENANCE: Criteria = Criteria {
    soc2: &["CC6.8", "CC7.1"],
    iso27001: &["A.8.19", "A.5.21"],
    pss: &[],
    cis: &["5.5.1"],
};
