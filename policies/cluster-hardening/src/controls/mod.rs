//! The controls of the cluster-hardening family, one file each, in catalogue order.

use kit::Control;

/// Catalogue order.
pub static CONTROLS: &[&Control] = &[];
