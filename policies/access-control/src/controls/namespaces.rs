//! Namespaces as security boundaries: workloads stay out of `default` (and
//! other configured namespaces), and every namespace carries Pod Security
//! Admission labels at or above a configured level.

use kit::Control;

pub static CONTROLS: &[&Control] = &[
    &super::workloads_not_in_default_namespace::CONTROL,
    &super::namespace_psa_labels::CONTROL,
];
