//! Lookups of other objects of the cluster for the context-aware controls,
//! through Kubewarden's `kubernetes` host capabilities. Every resource read here
//! is listed in metadata.yml `contextAwareResources`.
//!
//! A failed lookup (no context granted, API server unreachable) becomes a
//! finding that says what could not be verified and why. It is neither a trap
//! nor a silent pass: the operator sees the reason, and can run the control
//! warn-only or skip it on hosts without context.

use crate::intstr::IntOrPercent;
use kit::labels::Selector;
use kit::{Ctx, Finding, json};
use kit::{Value, dom::Map};

#[derive(Clone, Copy)]
pub struct Resource {
    pub api_version: &'static str,
    pub kind: &'static str,
}

pub const PDB: Resource = Resource {
    api_version: "policy/v1",
    kind: "PodDisruptionBudget",
};
pub const HPA: Resource = Resource {
    api_version: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
};
pub const DEPLOYMENT: Resource = Resource {
    api_version: "apps/v1",
    kind: "Deployment",
};
pub const STATEFULSET: Resource = Resource {
    api_version: "apps/v1",
    kind: "StatefulSet",
};
pub const REPLICASET: Resource = Resource {
    api_version: "apps/v1",
    kind: "ReplicaSet",
};
pub const RESOURCE_QUOTA: Resource = Resource {
    api_version: "v1",
    kind: "ResourceQuota",
};
pub const LIMIT_RANGE: Resource = Resource {
    api_version: "v1",
    kind: "LimitRange",
};

/// The workload kinds an HPA target is looked up as (`apps` group only).
pub const SCALABLE: [Resource; 3] = [DEPLOYMENT, STATEFULSET, REPLICASET];

/// Namespace of the request. A bare object checked outside a cluster may have
/// none: it would be created in `default`, so that is where to look.
pub fn namespace<'a>(ctx: &'a Ctx) -> &'a str {
    match ctx.request.namespace() {
        "" => "default",
        ns => ns,
    }
}

/// `could not verify <what>: <why>` at `path`.
pub fn unverified(path: &str, what: &str, why: &str) -> Finding {
    Finding::new(path, kit::text!("could not verify {what}: {why}"))
}

/// Objects of `r` in the request's namespace; a failure is the finding to report.
pub fn list(ctx: &Ctx, r: Resource, path: &str, what: &str) -> Result<Vec<Value>, Finding> {
    ctx.cluster
        .list(r.api_version, r.kind, Some(namespace(ctx)), None)
        .map_err(|e| unverified(path, what, &e))
}

/// One object of `r` in the request's namespace.
pub fn get(
    ctx: &Ctx,
    r: Resource,
    name: &str,
    path: &str,
    what: &str,
) -> Result<Option<Value>, Finding> {
    ctx.cluster
        .get(r.api_version, r.kind, Some(namespace(ctx)), name)
        .map_err(|e| unverified(path, what, &e))
}

/// A PodDisruptionBudget as the controls read it.
pub struct Budget<'a> {
    pub name: &'a str,
    /// `Ok(None)`: no selector, which in policy/v1 selects no pod.
    pub selector: Result<Option<Selector>, String>,
    pub min_available: Option<IntOrPercent>,
    pub max_unavailable: Option<IntOrPercent>,
    /// Fields present but neither an integer (`1.0` is one) nor a percentage,
    /// with the message to report: read as absent above, so every control
    /// that judges the admitted budget reports them.
    pub malformed: Vec<(&'static str, String)>,
}

impl<'a> Budget<'a> {
    pub fn read(v: &'a Value) -> Budget<'a> {
        let selector = match json::get(v, &["spec", "selector"]) {
            None | Some(Value::Null) => Ok(None),
            // policy/v1: an empty selector selects every pod of the namespace.
            Some(s) => Selector::from_object(s).map(Some),
        };
        let mut malformed = Vec::new();
        let mut int = |k: &'static str| match json::get(v, &["spec", k]) {
            None | Some(Value::Null) => None,
            Some(x) => {
                let read = IntOrPercent::from_json(x);
                if read.is_none() {
                    malformed.push((
                        k,
                        kit::text!(
                            "{k} is not an integer or a percentage: {}",
                            json::brief(x, 40)
                        ),
                    ));
                }
                read
            }
        };
        let (min_available, max_unavailable) = (int("minAvailable"), int("maxUnavailable"));
        Budget {
            name: super::name_of(v),
            selector,
            min_available,
            max_unavailable,
            malformed,
        }
    }

    pub fn selects(&self, labels: Option<&Map>) -> bool {
        matches!(&self.selector, Ok(Some(s)) if s.matches(labels))
    }
}

/// A HorizontalPodAutoscaler as the controls read it.
pub struct Autoscaler<'a> {
    pub name: &'a str,
    pub target_api_version: &'a str,
    pub target_kind: &'a str,
    pub target_name: &'a str,
    /// `spec.minReplicas`, 1 when unset (the API server's default); `Err`
    /// when it is not an integer.
    pub min_replicas: Result<i64, String>,
}

impl<'a> Autoscaler<'a> {
    pub fn read(v: &'a Value) -> Autoscaler<'a> {
        let target = |k: &str| json::get_str(v, &["spec", "scaleTargetRef", k]).unwrap_or("");
        Autoscaler {
            name: super::name_of(v),
            target_api_version: target("apiVersion"),
            target_kind: target("kind"),
            target_name: target("name"),
            min_replicas: super::int(v, &["spec", "minReplicas"], 1),
        }
    }

    pub fn targets(&self, kind: &str, name: &str) -> bool {
        !name.is_empty() && self.target_kind == kind && self.target_name == name
    }

    /// The workload resource to look the target up as, if it is one we read.
    pub fn target_resource(&self) -> Option<Resource> {
        let group = self
            .target_api_version
            .split_once('/')
            .map_or("", |(g, _)| g);
        if group != "apps" {
            return None;
        }
        SCALABLE.into_iter().find(|r| r.kind == self.target_kind)
    }
}

/// Names of objects, for messages: `a, b`.
pub fn names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join(", ")
}
