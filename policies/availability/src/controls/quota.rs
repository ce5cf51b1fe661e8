//! Namespace readiness: workloads are admitted only into namespaces whose
//! capacity is bounded by a ResourceQuota and defaulted by a LimitRange (A1.1).
//! Context-aware: the namespace's objects are read from the cluster.
//!
//! Only objects people create are gated: objects with a controlling owner
//! (a Deployment's ReplicaSet, a ReplicaSet's Pods, a CronJob's Jobs) are not,
//! so that a node drain or a rollout of an existing workload is never refused by
//! a namespace that lost its quota. Checked on CREATE only, for the same reason.

use kit::Ctx;

pub(crate) const TAGS: &[&str] = &["quota", "context-aware"];
pub(crate) const PATH: &str = "metadata.namespace";

pub(crate) fn gated(ctx: &Ctx) -> bool {
    super::controller_kind(ctx.object()).is_none()
}
