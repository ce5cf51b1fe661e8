//! Helpers for the privacy integration tests.
#![allow(dead_code, unused_imports)]

use kit::testing::{self, REFUSING};
use kit::{Cluster, Snapshot};
use serde_json::{Value, json};

pub use kit::testing::{annotation, assert_allowed, assert_denied, message, warned};

pub const HOLD: &str = "privacy.kube-soc2.io/legal-hold";
pub const PERSONAL: &str = "privacy.kube-soc2.io/personal-data";
pub const RETENTION: &str = "privacy.kube-soc2.io/retention";
pub const OWNER: &str = "privacy.kube-soc2.io/data-owner";
pub const DISPOSAL: &str = "privacy.kube-soc2.io/disposal-procedure";

/// `operation` of `object` with settings, against `cluster`.
pub fn run_on(op: &str, object: Value, settings: Value, cluster: &dyn Cluster) -> Value {
    testing::evaluate(
        &privacy::FAMILY,
        testing::request_for(op, object),
        settings,
        cluster,
    )
}

pub fn run(op: &str, object: Value, settings: Value) -> Value {
    run_on(op, object, settings, &Snapshot::default())
}

pub fn create(object: Value, settings: Value) -> Value {
    run("CREATE", object, settings)
}

pub fn refusing(op: &str, object: Value, settings: Value) -> Value {
    run_on(op, object, settings, &REFUSING)
}

/// An UPDATE from `old` to `new`.
pub fn update(old: Value, new: Value, settings: Value) -> Value {
    let mut r = testing::request_for("UPDATE", new);
    r["oldObject"] = old;
    testing::evaluate(&privacy::FAMILY, r, settings, &Snapshot::default())
}

pub fn only(id: &str, params: Value) -> Value {
    testing::only(id, params)
}

/// Settings with `only(id, params)` and the family options `options`.
pub fn with_options(id: &str, params: Value, options: Value) -> Value {
    let mut s = only(id, params);
    if let (Some(s), Some(o)) = (s.as_object_mut(), options.as_object()) {
        for (k, v) in o {
            s.insert(k.clone(), v.clone());
        }
    }
    s
}

pub fn meta(name: &str, namespace: Option<&str>, labels: Value, annotations: Value) -> Value {
    let mut m = json!({"name": name, "labels": labels, "annotations": annotations});
    if let Some(ns) = namespace {
        m["namespace"] = json!(ns);
    }
    m
}

pub fn namespace(name: &str, labels: Value, annotations: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Namespace", "metadata": meta(name, None, labels, annotations)})
}

pub fn pvc(labels: Value, annotations: Value, spec: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
           "metadata": meta("data", Some(testing::NS), labels, annotations), "spec": spec})
}

pub fn pv(labels: Value, annotations: Value, spec: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "PersistentVolume",
           "metadata": meta("pv-1", None, labels, annotations), "spec": spec})
}

pub fn storage_class(labels: Value, annotations: Value, extra: Value) -> Value {
    let mut sc = json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
                        "metadata": meta("regulated-ssd", None, labels, annotations),
                        "provisioner": "ebs.csi.aws.com"});
    if let (Some(o), Some(e)) = (sc.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            o.insert(k.clone(), v.clone());
        }
    }
    sc
}

pub fn snapshot_class(labels: Value, annotations: Value, policy: Value) -> Value {
    let mut sc = json!({"apiVersion": "snapshot.storage.k8s.io/v1", "kind": "VolumeSnapshotClass",
                        "metadata": meta("csi-snap", None, labels, annotations),
                        "driver": "ebs.csi.aws.com"});
    if !policy.is_null() {
        sc["deletionPolicy"] = policy;
    }
    sc
}

pub fn schedule(name: &str, spec: Value) -> Value {
    json!({"apiVersion": "velero.io/v1", "kind": "Schedule",
           "metadata": {"name": name, "namespace": "velero"}, "spec": spec})
}

pub fn backup(spec: Value) -> Value {
    json!({"apiVersion": "velero.io/v1", "kind": "Backup",
           "metadata": {"name": "nightly", "namespace": "velero"}, "spec": spec})
}

/// Asserts a refusal naming the control and every needle.
#[track_caller]
pub fn denied(r: &Value, id: &str, needles: &[&str]) {
    let tag = kit::text!("[{id}]");
    let mut all = vec![tag.as_str()];
    all.extend_from_slice(needles);
    assert_denied(r, &all);
}
