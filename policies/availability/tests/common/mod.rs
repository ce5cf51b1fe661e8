//! Helpers shared by the integration tests: building objects of every kind,
//! admission payloads, and evaluating them through the kit's engine exactly as
//! the waPC `validate` entry point does.
#![allow(dead_code, unused_imports)]

use kit::Cluster;
use serde_json::{Value, json};

/// Shared test support of every family (kit::testing): the namespace of test
/// objects, every Pod-bearing kind, where each kind's pod spec lives.
pub use kit::testing::{NS, POD_BEARING as POD_KINDS, spec_path};

/// `(group, version)` of a kind, as `request.kind` carries it.
pub fn gv(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "Pod" | "ReplicationController" | "ResourceQuota" | "LimitRange" => ("", "v1"),
        "Job" | "CronJob" => ("batch", "v1"),
        "PodDisruptionBudget" => ("policy", "v1"),
        "HorizontalPodAutoscaler" => ("autoscaling", "v2"),
        "PriorityClass" => ("scheduling.k8s.io", "v1"),
        _ => ("apps", "v1"),
    }
}

pub fn api_version(kind: &str) -> String {
    match gv(kind) {
        ("", v) => v.to_string(),
        (g, v) => kit::text!("{g}/{v}"),
    }
}

/// An object of `kind` named `web` in NS carrying `pod_spec`, with pods labelled app=web.
pub fn wrap(kind: &str, pod_spec: Value) -> Value {
    let labels = json!({"app": "web"});
    let meta = json!({"name": "web", "namespace": NS, "labels": labels});
    let template = json!({"metadata": {"labels": labels}, "spec": pod_spec});
    let spec = match kind {
        "Pod" => pod_spec,
        "CronJob" => {
            json!({"schedule": "*/5 * * * *", "jobTemplate": {"spec": {"template": template}}})
        }
        "Job" => json!({"template": template}),
        "ReplicationController" => json!({"replicas": 2, "selector": labels, "template": template}),
        "DaemonSet" => json!({"selector": {"matchLabels": labels}, "template": template}),
        _ => json!({"replicas": 2, "selector": {"matchLabels": labels}, "template": template}),
    };
    json!({"apiVersion": api_version(kind), "kind": kind, "metadata": meta, "spec": spec})
}

/// A container with everything the default controls ask for.
pub fn good_container(name: &str) -> Value {
    json!({
        "name": name, "image": "registry.example.com/web:1.0",
        "ports": [{"name": "http", "containerPort": 8080}],
        "resources": {"requests": {"cpu": "250m", "memory": "256Mi"},
                      "limits": {"cpu": "1", "memory": "256Mi"}},
        "livenessProbe": {"httpGet": {"path": "/livez", "port": "http"}},
        "readinessProbe": {"httpGet": {"path": "/readyz", "port": "http"}}
    })
}

pub fn good_spec() -> Value {
    json!({"containers": [good_container("app")]})
}

/// An AdmissionRequest for `object`.
pub fn request(object: &Value, operation: &str) -> Value {
    let kind = object["kind"].as_str().unwrap_or("Pod");
    let (group, version) = gv(kind);
    let ns = object["metadata"]["namespace"].as_str().unwrap_or("");
    json!({
        "uid": "00000000-0000-0000-0000-000000000001",
        "kind": {"group": group, "version": version, "kind": kind},
        "resource": {"group": group, "version": version, "resource": kit::text!("{}s", kind.to_lowercase())},
        "operation": operation,
        "namespace": ns,
        "name": object["metadata"]["name"],
        "userInfo": {"username": "alice", "groups": ["dev"]},
        "object": object,
    })
}

/// The parts of a `ValidationResponse` the tests look at.
#[derive(Debug)]
pub struct Answer {
    pub accepted: bool,
    pub message: Option<String>,
    pub code: Option<u64>,
    pub annotations: Value,
}

pub fn evaluate_payload(payload: &[u8], cluster: &dyn Cluster) -> Answer {
    let response = kit::engine::evaluate(&availability::FAMILY, payload, cluster);
    let v = response.to_value();
    Answer {
        accepted: v["accepted"].as_bool().unwrap(),
        message: v["message"].as_str().map(str::to_string),
        code: v["code"].as_u64(),
        annotations: v["audit_annotations"].clone(),
    }
}

pub fn evaluate_with(
    object: &Value,
    operation: &str,
    settings: Value,
    cluster: &dyn Cluster,
) -> Answer {
    let payload = json!({"request": request(object, operation), "settings": settings});
    evaluate_payload(&serde_json::to_vec(&payload).unwrap(), cluster)
}

/// Evaluates a CREATE of `object` with `settings` against a snapshot of `cluster`.
pub fn evaluate(object: &Value, settings: Value, cluster: Vec<Value>) -> Answer {
    evaluate_with(object, "CREATE", settings, &kit::Snapshot::new(cluster))
}

/// Only `control`, with `params`.
pub fn only(control: &str, params: Value) -> Value {
    json!({"controls": [control], "parameters": {control: params}})
}

pub fn message(r: &Answer) -> String {
    r.message.clone().unwrap_or_default()
}

#[track_caller]
pub fn allowed(r: &Answer) {
    assert!(r.accepted, "expected allowed, got: {}", message(r));
}

/// Asserts a denial by `control` whose message contains every one of `parts`.
#[track_caller]
pub fn denied(r: &Answer, control: &str, parts: &[&str]) {
    let m = message(r);
    assert!(
        !r.accepted,
        "expected [{control}] to deny, but it was allowed"
    );
    assert!(
        r.code.is_none(),
        "expected a compliance denial, got a refusal: {m}"
    );
    assert!(
        m.contains(&kit::text!("[{control}]")),
        "expected [{control}] in: {m}"
    );
    for p in parts {
        assert!(m.contains(p), "expected {p:?} in: {m}");
    }
}

pub const HOST_ERROR: &str =
    "host capability kubernetes/list_resources_by_namespace failed: connection refused";

/// A cluster whose every lookup fails, like a host without context.
pub const FAILING: kit::cluster::Refusing = kit::cluster::Refusing(|_| HOST_ERROR.to_string());
