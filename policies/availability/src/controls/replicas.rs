//! Replicas and spread: enough copies of a service, placed so that one node or
//! zone failing leaves some serving (A1.2).

pub(crate) const TAGS_DEFAULT: &[&str] = &["default", "resilience"];
pub(crate) const TAGS: &[&str] = &["resilience"];

/// Deployments and StatefulSets are what people write; their ReplicaSets and
/// Pods are derived, and a ReplicaSet is legitimately scaled to 0 by its
/// Deployment on every rollout.
pub const REPLICATED: &[&str] = &["Deployment", "StatefulSet"];
