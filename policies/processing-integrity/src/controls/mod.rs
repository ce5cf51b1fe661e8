//! The controls of the processing-integrity family, one file each, in catalogue order.

use kit::Control;

/// Catalogue order.
pub static CONTROLS: &[&Control] = &[];
