//! Helpers shared by the access-control tests (not the PSS ones): admission
//! requests, Pod-bearing wrappers, evaluation through the engine, a cluster
//! that fails.
#![allow(dead_code, unused_imports)]

use kit::cluster::Access;
use kit::{Cluster, Snapshot};
use serde_json::{Value, json};

pub use kit::control::POD_KINDS;

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

/// The pod spec path of `kind`.
pub fn spec_path(kind: &str) -> &'static str {
    match kind {
        "Pod" => "spec",
        "CronJob" => "spec.jobTemplate.spec.template.spec",
        _ => "spec.template.spec",
    }
}

/// The engine's ValidationResponse as JSON (`accepted`, `message`, `code`,
/// `audit_annotations`, `warnings`).
pub fn evaluate(request: Value, settings: Value, cluster: &dyn Cluster) -> Value {
    let payload = json!({"request": request, "settings": settings});
    let response = kit::engine::evaluate(
        &access_control::FAMILY,
        payload.to_string().as_bytes(),
        cluster,
    );
    serde_json::to_value(response).expect("a response serialises")
}

/// Evaluates with an empty cluster snapshot.
pub fn eval(request: Value, settings: Value) -> Value {
    evaluate(request, settings, &Snapshot::new(vec![]))
}

/// Settings enabling exactly `control`, with its parameters.
pub fn only(control: &str, params: Value) -> Value {
    if params.is_null() {
        json!({"controls": [control]})
    } else {
        json!({"controls": [control], "parameters": {control: params}})
    }
}

pub fn message(r: &Value) -> &str {
    r["message"].as_str().unwrap_or("")
}

#[track_caller]
pub fn assert_allowed(r: &Value) {
    assert_eq!(
        r["accepted"],
        true,
        "expected acceptance, got: {}",
        message(r)
    );
}

/// Asserts a compliance refusal (no status code) whose message has every needle.
#[track_caller]
pub fn assert_denied(r: &Value, needles: &[&str]) {
    assert_eq!(r["accepted"], false, "expected a refusal, got acceptance");
    assert!(
        r["code"].is_null(),
        "not a compliance refusal: {}",
        message(r)
    );
    for n in needles {
        assert!(
            message(r).contains(n),
            "message lacks {n:?}:\n{}",
            message(r)
        );
    }
}

/// The value of an audit annotation, if set.
pub fn annotation<'a>(r: &'a Value, key: &str) -> Option<&'a str> {
    r["audit_annotations"][key].as_str()
}

/// A cluster whose every call fails, like a host without context access.
pub const FAILING: kit::cluster::Refusing = kit::cluster::Refusing(|kind| {
    format!("Policy has not been granted access to Kubernetes {kind} resources")
});

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
    ) -> Result<Vec<Value>, String> {
        self.calls.set(self.calls.get() + 1);
        self.inner.list(a, k, ns, sel)
    }
    fn get(&self, a: &str, k: &str, ns: Option<&str>, n: &str) -> Result<Option<Value>, String> {
        self.calls.set(self.calls.get() + 1);
        self.inner.get(a, k, ns, n)
    }
    fn can_i(&self, u: &str, g: &[String], a: &Access) -> Result<bool, String> {
        self.calls.set(self.calls.get() + 1);
        self.inner.can_i(u, g, a)
    }
}
