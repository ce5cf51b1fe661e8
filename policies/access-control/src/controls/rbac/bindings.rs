//! Binding subject hygiene on RoleBinding and ClusterRoleBinding: who may hold
//! cluster-admin, no grants to anonymous or all-authenticated identities,
//! optionally groups only, never the `default` service account, and
//! cross-namespace service accounts only when allow-listed.

use super::subjects::Subject;
use kit::{Finding, KindSet};

pub(crate) const KINDS: KindSet = KindSet::Only(&["RoleBinding", "ClusterRoleBinding"]);

/// Granting access (CC6.2: authorised before it is given; CC6.3: least
/// privilege), access rights and privileged access (A.5.18, A.8.2).
pub(crate) const SOC2: &[&str] = &["CC6.1", "CC6.2", "CC6.3"];

pub(crate) const ISO: &[&str] = &["A.5.15", "A.5.18", "A.8.2"];

pub(crate) fn finding(s: &Subject, message: String) -> Finding {
    Finding::new(s.path(), message)
}
