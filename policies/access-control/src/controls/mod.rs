//! The controls of the access-control family, one group per concern.

pub mod pss;

use kit::Control;

/// Catalogue order: Pod Security Standards first, then the family's own controls.
pub static GROUPS: &[&[&Control]] = &[pss::CONTROLS];
