//! Settings refused by validate_settings, and hostile or odd objects that must
//! never panic (a panic is a 500 from the engine).

mod common;

use common::*;
use serde_json::{Value, json};

fn settings_error(settings: Value) -> String {
    let answer = privacy::validate_settings(settings.to_string().as_bytes());
    let v: Value = serde_json::from_slice(&answer).unwrap();
    assert_eq!(v["valid"], false, "settings should be refused: {settings}");
    v["message"].as_str().unwrap_or("").to_string()
}

fn settings_ok(settings: Value) {
    let answer = privacy::validate_settings(settings.to_string().as_bytes());
    let v: Value = serde_json::from_slice(&answer).unwrap();
    assert_eq!(v["valid"], true, "{settings}: {}", v["message"]);
}

#[test]
fn bad_settings_are_refused_naming_the_key() {
    for (settings, needle) in [
        (
            json!({"parameters": {"retention-metadata": {"minimum": "7 years"}}}),
            "parameters.retention-metadata: minimum: \"7 years\" is not an ISO 8601 duration",
        ),
        (
            json!({"parameters": {"retention-metadata": {"minimum": "P10Y", "maximum": "P1Y"}}}),
            "minimum retention exceeds the maximum",
        ),
        (
            json!({"parameters": {"retention-metadata": {"minimumByClass": {"restricted": "P10Y"}, "maximum": "P1Y"}}}),
            "for class restricted",
        ),
        (
            json!({"parameters": {"retention-metadata": {"maximumByClass": {"x": "PT"}}}}),
            "maximumByClass.x",
        ),
        (
            json!({"parameters": {"retention-metadata": {"minimum": 5}}}),
            "parameters.retention-metadata.minimum",
        ),
        (
            json!({"parameters": {"pvc-size-cap": {"maxSize": "lots"}}}),
            "maxSize: \"lots\" is not a positive Kubernetes quantity",
        ),
        (
            json!({"parameters": {"pvc-size-cap": {"maxSize": "0"}}}),
            "maxSize",
        ),
        (
            json!({"parameters": {"pvc-access-modes": {"allowedModes": ["RWX"]}}}),
            "allowedModes: \"RWX\"",
        ),
        (
            json!({"parameters": {"pvc-access-modes": {"allowedModes": []}}}),
            "allowedModes",
        ),
        (
            json!({"parameters": {"velero-backup-retention": {"serverDefaultTtl": "30d"}}}),
            "serverDefaultTtl",
        ),
        (
            json!({"parameters": {"velero-backup-retention": {"minimum": "P1Y", "maximum": "P1M"}}}),
            "minimum exceeds maximum",
        ),
        (
            json!({"parameters": {"personal-data-backup-coverage": {"minimum": "30 days"}}}),
            "minimum",
        ),
        (
            json!({"parameters": {"personal-data-backup-coverage": {"veleroNamespace": ""}}}),
            "veleroNamespace",
        ),
        (
            json!({"parameters": {"personal-data-residency": {"allowedRegions": []}}}),
            "allowedRegions",
        ),
        (
            json!({"parameters": {"inventory-owner-labels": {"kinds": ["Gadget"]}}}),
            "kinds: \"Gadget\"",
        ),
        (
            json!({"parameters": {"inventory-owner-labels": {"labels": {"bad key!": "*"}}}}),
            "labels: \"bad key!\"",
        ),
        (
            json!({"parameters": {"inventory-owner-labels": {"labels": {}}}}),
            "labels",
        ),
        (
            json!({"parameters": {"legal-hold-no-delete": {"allowedGroups": "legal"}}}),
            "allowedGroups",
        ),
        (json!({"legalHoldKey": "not a key"}), "legalHoldKey"),
        (json!({"personalDataKey": ""}), "personalDataKey"),
        (
            json!({"regulatedClasses": "restricted"}),
            "regulatedClasses",
        ),
        (json!({"controls": ["no-such-control"]}), "no-such-control"),
    ] {
        let m = settings_error(settings.clone());
        assert!(m.contains(needle), "{settings}: {m}");
    }
    settings_ok(json!({}));
    settings_ok(
        json!({"controls": ["all"], "legalHoldKey": "legal.example.com/hold",
        "parameters": {"retention-metadata": {"minimum": "P1Y", "maximumByClass": {"restricted": "P10Y"}},
                       "personal-data-residency": {"allowedRegions": ["eu-*"]}}}),
    );
}

#[test]
fn hostile_objects_never_panic() {
    let mut deep = json!("x");
    for _ in 0..100 {
        deep = json!({"a": [deep]});
    }
    let long = "P".to_string() + &"9".repeat(5_000) + "D";
    let odd_metas = [
        json!(null),
        json!("metadata"),
        json!({"labels": "x", "annotations": [1, 2]}),
        json!({"labels": {PERSONAL: deep.clone(), HOLD: {"x": 1}}, "annotations": {RETENTION: long.clone(), OWNER: 5}}),
        json!({"name": 7, "namespace": ["x"], "labels": {PERSONAL: "true", "data-classification": 3}}),
    ];
    let odd_specs = [
        json!(null),
        json!([1, 2]),
        json!({"accessModes": {"a": 1}, "resources": "big", "storageClassName": {"x": deep.clone()}, "volumeClaimTemplates": "x",
               "hostPath": [], "nfs": "server", "capacity": [1], "nodeAffinity": "eu", "template": deep.clone(), "schedule": 5,
               "persistentVolumeReclaimPolicy": {"x": 1}, "deletionPolicy": [], "ttl": deep.clone()}),
        json!({"template": {"ttl": "9".repeat(5_000) + "h", "includedNamespaces": "x"}, "schedule": "* * * * * * * *", "paused": "yes",
               "resources": {"requests": {"storage": "9".repeat(5_000)}}, "volumeClaimTemplates": [null, 1, {"spec": 1}]}),
    ];
    let kinds = [
        ("v1", "Namespace"),
        ("v1", "PersistentVolumeClaim"),
        ("v1", "PersistentVolume"),
        ("v1", "Pod"),
        ("apps/v1", "Deployment"),
        ("apps/v1", "StatefulSet"),
        ("batch/v1", "CronJob"),
        ("storage.k8s.io/v1", "StorageClass"),
        ("snapshot.storage.k8s.io/v1", "VolumeSnapshotClass"),
        ("snapshot.storage.k8s.io/v1", "VolumeSnapshot"),
        ("snapshot.storage.k8s.io/v1", "VolumeSnapshotContent"),
        ("velero.io/v1", "Backup"),
        ("velero.io/v1", "Schedule"),
    ];
    let settings = json!({"controls": ["all"], "parameters": {
        "personal-data-residency": {"allowedRegions": ["eu-*"], "allowedZones": ["eu-*"]},
        "pvc-storage-class-allowed": {"readNamespace": true, "allowedByClass": {"restricted": "a"}},
        "retention-metadata": {"includeWorkloads": true, "minimum": "P1D"},
        "inventory-owner-labels": {"kinds": ["Namespace", "PersistentVolume", "StatefulSet"]}}});
    for (api, kind) in kinds {
        for meta in &odd_metas {
            for spec in &odd_specs {
                let obj = json!({"apiVersion": api, "kind": kind, "metadata": meta, "spec": spec,
                                 "reclaimPolicy": spec, "allowedTopologies": spec, "deletionPolicy": 1});
                for op in ["CREATE", "DELETE"] {
                    let r = run(op, obj.clone(), settings.clone());
                    assert!(r["accepted"].is_boolean(), "{kind} {op}: {r}");
                    let r = refusing(op, obj.clone(), settings.clone());
                    assert!(r["accepted"].is_boolean(), "{kind} {op}: {r}");
                }
                let r = update(
                    obj.clone(),
                    json!({"apiVersion": api, "kind": kind, "metadata": odd_metas[0], "spec": spec}),
                    settings.clone(),
                );
                assert!(r["accepted"].is_boolean(), "{kind} UPDATE: {r}");
            }
        }
    }
}

#[test]
fn messages_stay_bounded() {
    let huge = "x".repeat(200_000);
    let ns = namespace(
        "crm",
        json!({PERSONAL: "true"}),
        json!({RETENTION: huge.clone(), OWNER: huge}),
    );
    let r = create(ns, only("retention-metadata", json!({})));
    assert_eq!(r["accepted"], false);
    assert!(message(&r).len() < 20_000, "{}", message(&r).len());
}
