//! Rollouts: a new version replaces the old one without taking the service
//! down, a stuck rollout is reported, and the previous version can be rolled
//! back to (A1.2, CC8.1).

pub(crate) const TAGS_DEFAULT: &[&str] = &["default", "rollout"];
pub(crate) const TAGS: &[&str] = &["rollout"];

pub(crate) const ROLLED_OUT: &[&str] = &["Deployment", "StatefulSet", "DaemonSet"];
