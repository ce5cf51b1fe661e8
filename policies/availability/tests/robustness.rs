//! No input makes a control panic: every field of realistic objects, in turn,
//! replaced by values of every JSON type, against a cluster that holds the same
//! damaged objects, with every control enabled.

mod common;

use common::*;
use kit::testing::{field_paths, mutants, replaced};
use serde_json::{Value, json};

fn replacements() -> Vec<Value> {
    vec![
        Value::Null,
        json!(0),
        json!(-1),
        json!(1e300),
        json!(""),
        json!("100%"),
        json!("1e99999"),
        json!(true),
        json!([null, 1]),
        json!({}),
        json!({"matchExpressions": [{"key": 1, "operator": "In"}]}),
    ]
}

fn rich_pod_spec() -> Value {
    let mut c = good_container("app");
    c["startupProbe"] = json!({"grpc": {"port": 9090}, "periodSeconds": 1});
    c["resources"]["requests"]["nvidia.com/gpu"] = json!(1);
    c["resources"]["limits"]["nvidia.com/gpu"] = json!("1");
    c["resources"]["limits"]["ephemeral-storage"] = json!("1Gi");
    json!({
        "priorityClassName": "high",
        "resources": {"requests": {"cpu": "1"}},
        "initContainers": [{"name": "proxy", "image": "envoy", "restartPolicy": "Always",
            "livenessProbe": {"tcpSocket": {"port": "admin"}}, "resources": {"limits": {"cpu": "1"}}}],
        "containers": [c],
        "ephemeralContainers": [{"name": "debug", "image": "busybox"}],
        "volumes": [{"name": "tmp", "emptyDir": {"medium": "Memory", "sizeLimit": "1Gi"}}],
        "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone",
            "whenUnsatisfiable": "DoNotSchedule", "labelSelector": {"matchLabels": {"app": "web"}}}],
        "affinity": {"podAntiAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": [{"topologyKey": "kubernetes.io/hostname",
                "labelSelector": {"matchLabels": {"app": "web"}}}],
            "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 1, "podAffinityTerm": {
                "topologyKey": "kubernetes.io/hostname", "labelSelector": {"matchLabels": {"app": "web"}}}}]}}
    })
}

fn subjects() -> Vec<Value> {
    let mut out: Vec<Value> = POD_KINDS.iter().map(|k| wrap(k, rich_pod_spec())).collect();
    out[1]["spec"]["strategy"] =
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": 1}});
    out[1]["spec"]["minReadySeconds"] = json!(10);
    out[1]["metadata"]["ownerReferences"] = json!([{"kind": "X", "name": "y", "controller": true}]);
    out[3]["spec"]["updateStrategy"] =
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}});
    out.push(json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "web", "namespace": NS},
        "spec": {"minAvailable": "50%", "unhealthyPodEvictionPolicy": "AlwaysAllow",
                 "selector": {"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["x"]}]}}}));
    out.push(json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "web", "namespace": NS},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                 "minReplicas": 2, "maxReplicas": 5, "metrics": [{"type": "Resource"}]}}));
    out.push(json!({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "high"},
        "value": 1000, "globalDefault": true}));
    out
}

fn context() -> Vec<Value> {
    let mut objects = subjects();
    objects.push(json!({"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "q", "namespace": NS},
        "spec": {"hard": {"cpu": "1", "memory": "1Gi"}, "scopes": ["NotBestEffort"]}}));
    objects.push(
        json!({"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "l", "namespace": NS},
        "spec": {"limits": [{"type": "Container"}]}}),
    );
    objects
}

fn settings() -> Value {
    json!({"controls": ["all"], "parameters": {
        "resources-bounds": {"maxCpuLimit": "2", "minMemoryRequest": "1Mi"},
        "resources-ephemeral-storage": {"maxLimit": "1Gi"},
        "resources-emptydir-size-limit": {"maxSizeLimit": "1Mi"},
        "probes-port-declared": {"numericPorts": true},
        "priority-class": {"allowed": ["h*"]},
        "replicas-spread": {"preferredAntiAffinity": true, "whenUnsatisfiable": ""},
        "namespace-resource-quota": {"countScopedQuotas": true}
    }})
}

#[test]
fn every_field_of_every_type_in_the_object_under_review() {
    let cluster = kit::Snapshot::new(context());
    let mut evaluations = 0;
    for subject in subjects() {
        for damaged in mutants(&subject, &replacements()) {
            let r = evaluate_with(&damaged, "CREATE", settings(), &cluster);
            // A verdict, or a refusal of a malformed object: never anything else.
            assert!(r.code.is_none() || r.code == Some(400), "{damaged}: {r:?}");
            evaluations += 1;
        }
    }
    assert!(evaluations > 2_000, "{evaluations}");
}

#[test]
fn every_field_of_every_type_in_the_cluster() {
    let mut evaluations = 0;
    let base = context();
    // The objects the context-aware controls read.
    let read = [
        "Deployment",
        "StatefulSet",
        "PodDisruptionBudget",
        "HorizontalPodAutoscaler",
        "ResourceQuota",
        "LimitRange",
    ];
    for (i, object) in base.iter().enumerate() {
        if !read.iter().any(|k| object["kind"] == *k) {
            continue;
        }
        for path in field_paths(object) {
            for new in replacements() {
                let mut objects = base.clone();
                objects[i] = replaced(object, &path, new);
                let cluster = kit::Snapshot::new(objects);
                for subject in [&base[1], &base[8], &base[9]] {
                    let r = evaluate_with(subject, "CREATE", settings(), &cluster);
                    assert!(r.code.is_none(), "{path:?}: {r:?}");
                    evaluations += 1;
                }
            }
        }
    }
    assert!(evaluations > 2_000, "{evaluations}");
}

#[test]
fn hostile_payloads_are_refused_cleanly() {
    for payload in [
        &b""[..],
        b"null",
        b"[]",
        b"{}",
        b"{\"request\": 5}",
        b"{\"request\": {\"kind\": {\"kind\": \"Deployment\"}, \"operation\": \"CREATE\", \"object\": {\"spec\": {\"template\": {\"spec\": {\"containers\": 7}}}}}}",
        b"{\"request\": {\"kind\": {\"kind\": \"HorizontalPodAutoscaler\"}, \"operation\": \"CREATE\", \"object\": 3}, \"settings\": {\"controls\": [\"all\"]}}",
        b"{\"request\": {\"kind\": {\"kind\": \"PodDisruptionBudget\"}, \"operation\": \"CREATE\", \"object\": []}, \"settings\": {\"controls\": [\"all\"]}}",
        b"{\"request\": {\"kind\": {\"kind\": \"Pod\"}, \"operation\": \"CREATE\", \"object\": {\"spec\": {}}}, \"settings\": {\"parameters\": {\"resources-bounds\": {\"maxCpuLimit\": 5}}}}",
    ] {
        let r = evaluate_payload(payload, &FAILING);
        assert!(r.accepted || r.code.is_some() || r.message.is_some(), "{r:?}");
    }
    // Settings are validated by validate_settings too.
    let answer = availability::validate_settings(
        br#"{"parameters": {"replicas-minimum": {"minReplicas": 0}}}"#,
    );
    let v: Value = serde_json::from_slice(&answer).unwrap();
    assert_eq!(v["valid"], json!(false));
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("parameters.replicas-minimum.minReplicas")
    );
}

#[test]
fn the_catalogue_lists_every_control_with_criteria() {
    let v: Value = serde_json::from_slice(&availability::catalogue()).unwrap();
    let controls = v["controls"].as_array().unwrap();
    assert_eq!(controls.len(), 27);
    for c in controls {
        assert!(!c["id"].as_str().unwrap().starts_with("pss-"));
        let soc2 = c["criteria"]["soc2"].as_array().unwrap();
        assert!(
            soc2.iter().any(|s| s == "A1.1" || s == "A1.2"),
            "{}",
            c["id"]
        );
    }
    let tagged = |tag: &str| {
        controls
            .iter()
            .filter(|c| c["tags"].as_array().unwrap().iter().any(|t| t == tag))
            .count()
    };
    assert_eq!(tagged("context-aware"), 5);
    assert_eq!(tagged("default"), 10);
    // No context-aware control is in the recommended set.
    assert!(controls.iter().all(|c| {
        let tags = c["tags"].as_array().unwrap();
        !(tags.iter().any(|t| t == "default") && tags.iter().any(|t| t == "context-aware"))
    }));
}
