//! Helpers shared by the access-control tests (not the PSS ones): admission
//! requests, Pod-bearing wrappers, evaluation through the engine, a cluster
//! that fails.
#![allow(dead_code, unused_imports)]

use kit::cluster::Access;
use kit::{Cluster, Snapshot};
use serde_json::{Value, json};

pub use kit::control::POD_KINDS;
/// Shared test support of every family (kit::testing); `FAILING` fails every
/// lookup the way policy-server does without a grant.
pub use kit::testing::{
    REFUSING as FAILING, annotation, assert_allowed, assert_denied, message, only, spec_path,
};

/// An AdmissionRequest as policy-server sends it.
pub fn request(kind: &str, operation: &str, namespace: &str, object: Value) -> Value {
    let (group, resource) = match kind {
        "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" => ("apps", ""),
        "Job" | "CronJob" => ("batch", ""),
        "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding" => {
            ("rbac.authorization.k8s.io", "")
        }
        "NetworkPolicy" => ("networking.k8s.io", "networkpolicies"),
        _ => ("", ""),
    };
    let name = object
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("obj")
        .to_string();
    json!({
        "uid": "test",
        "kind": {"group": group, "version": "v1", "kind": kind},
        "resource": {"group": group, "version": "v1", "resource": resource},
        "operation": operation,
        "namespace": namespace,
        "name": name,
        "userInfo": {"username": "alice", "groups": ["dev", "system:authenticated"]},
        "object": object,
    })
}

/// A Pod in `namespace` with `spec`.
pub fn pod(namespace: &str, spec: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": "web", "namespace": namespace, "labels": {"app": "web"}},
           "spec": spec})
}

/// The pod spec wrapped into `kind`, with the labels `app: web`.
pub fn workload(kind: &str, namespace: &str, spec: Value) -> Value {
    let template = json!({"metadata": {"labels": {"app": "web"}}, "spec": spec});
    let meta = json!({"name": "web", "namespace": namespace});
    match kind {
        "Pod" => pod(namespace, template["spec"].clone()),
        "CronJob" => json!({"apiVersion": "batch/v1", "kind": kind, "metadata": meta,
            "spec": {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": template}}}}),
        "Job" => json!({"apiVersion": "batch/v1", "kind": kind, "metadata": meta,
            "spec": {"template": template}}),
        "ReplicationController" => json!({"apiVersion": "v1", "kind": kind, "metadata": meta,
            "spec": {"selector": {"app": "web"}, "template": template}}),
        _ => json!({"apiVersion": "apps/v1", "kind": kind, "metadata": meta,
            "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": template}}),
    }
}

/// The engine's ValidationResponse as JSON (`accepted`, `message`, `code`,
/// `audit_annotations`, `warnings`).
pub fn evaluate(request: Value, settings: Value, cluster: &dyn Cluster) -> Value {
    kit::testing::evaluate(&access_control::FAMILY, request, settings, cluster)
}

/// Evaluates with an empty cluster snapshot.
pub fn eval(request: Value, settings: Value) -> Value {
    evaluate(request, settings, &Snapshot::new(vec![]))
}

/// A cluster that counts its calls, to prove lookups happen only when needed.
#[derive(Default)]
pub struct Counting {
    pub inner: Snapshot,
    pub calls: std::cell::Cell<usize>,
}

impl Cluster for Counting {
    fn list(
        &self,
        a: &str,
        k: &str,
        ns: Option<&str>,
        sel: Option<&str>,
    ) -> Result<Vec<kit::Value>, String> {
        self.calls.set(self.calls.get() + 1);
        self.inner.list(a, k, ns, sel)
    }
    fn get(
        &self,
        a: &str,
        k: &str,
        ns: Option<&str>,
        n: &str,
    ) -> Result<Option<kit::Value>, String> {
        self.calls.set(self.calls.get() + 1);
        self.inner.get(a, k, ns, n)
    }
    fn can_i(&self, u: &str, g: &[String], a: &Access) -> Result<bool, String> {
        self.calls.set(self.calls.get() + 1);
        self.inner.can_i(u, g, a)
    }
}
