//! Family-wide properties of the non-PSS controls: catalogue data, criteria
//! ids from the known sets, robustness on malformed objects of every kind the
//! family evaluates, and the default set on a compliant workload.

mod support;

use serde_json::{Value, json};
use support::*;

/// CIS Kubernetes Benchmark (v1.10) section 5 ids; nothing else may be cited.
const CIS: &[&str] = &[
    "5.1.1", "5.1.2", "5.1.3", "5.1.4", "5.1.5", "5.1.6", "5.1.7", "5.1.8", "5.1.9", "5.1.10",
    "5.1.11", "5.1.12", "5.1.13", "5.2.1", "5.2.2", "5.2.3", "5.2.4", "5.2.5", "5.2.6", "5.2.7",
    "5.2.8", "5.2.9", "5.2.10", "5.2.11", "5.2.12", "5.2.13", "5.3.1", "5.3.2", "5.4.1", "5.4.2",
    "5.5.1", "5.7.1", "5.7.2", "5.7.3", "5.7.4",
];
const SOC2: &[&str] = &["CC6.1", "CC6.2", "CC6.3", "CC6.6", "CC6.8"];
/// ISO/IEC 27001:2022 Annex A: 5.1-5.37 and 8.1-8.34.
fn iso_ok(id: &str) -> bool {
    let Some((theme, n)) = id.strip_prefix("A.").and_then(|s| s.split_once('.')) else {
        return false;
    };
    let n: u32 = n.parse().unwrap_or(0);
    matches!((theme, n), ("5", 1..=37) | ("8", 1..=34))
}

fn own_controls() -> impl Iterator<Item = &'static kit::Control> {
    access_control::FAMILY
        .controls()
        .filter(|c| !c.id.starts_with("pss-"))
}

#[test]
fn catalogue_data_of_every_control() {
    let groups = [
        "hardening",
        "rbac",
        "service-accounts",
        "namespaces",
        "network",
        "runtime-access",
    ];
    let mut n = 0;
    for c in own_controls() {
        n += 1;
        assert!(
            c.tags.iter().any(|t| groups.contains(t)),
            "{} has no group tag",
            c.id
        );
        assert!(
            c.criteria.soc2.iter().all(|s| SOC2.contains(s)),
            "{}: {:?}",
            c.id,
            c.criteria.soc2
        );
        assert!(
            c.criteria.iso27001.iter().all(|s| iso_ok(s)),
            "{}: {:?}",
            c.id,
            c.criteria.iso27001
        );
        assert!(
            c.criteria.cis.iter().all(|s| CIS.contains(s)),
            "{}: {:?}",
            c.id,
            c.criteria.cis
        );
        assert!(c.criteria.pss.is_empty(), "{} is not a PSS control", c.id);
        assert!(
            !c.remediation.ends_with('.'),
            "{}: remediation is followed by text",
            c.id
        );
        let context_aware = c.tags.contains(&"context-aware");
        assert!(
            !(context_aware && c.tags.contains(&"default")),
            "{}: context-aware controls need granted resources, so they are opt-in",
            c.id
        );
        for p in c.params {
            assert!(!p.description.is_empty(), "{}.{}", c.id, p.name);
        }
    }
    assert_eq!(n, 35);
    let catalogue: Value = serde_json::from_slice(&access_control::catalogue()).unwrap();
    let ids: Vec<&str> = catalogue["controls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    for c in own_controls() {
        assert!(ids.contains(&c.id));
    }
}

/// Objects of every kind the family evaluates, with every field the controls
/// read given the wrong type.
fn hostile_objects() -> Vec<(&'static str, &'static str, Value)> {
    let junk = json!({"metadata": {"name": 5, "labels": "x", "annotations": [1]},
        "rules": [1, "x", {"verbs": "*", "resources": {"a": 1}, "apiGroups": [null]}],
        "aggregationRule": {"clusterRoleSelectors": [5]},
        "roleRef": "cluster-admin", "subjects": {"kind": "User"},
        "automountServiceAccountToken": "no", "type": 7,
        "spec": {"podSelector": [1], "policyTypes": "Ingress", "ingress": [null, {"from": {"x": 1}}], "egress": "all"},
        "command": "sh", "ports": "80", "container": 1});
    let mut out = vec![];
    for kind in [
        "Role",
        "ClusterRole",
        "RoleBinding",
        "ClusterRoleBinding",
        "ServiceAccount",
        "Secret",
        "Namespace",
        "NetworkPolicy",
    ] {
        out.push((kind, "CREATE", junk.clone()));
        out.push((kind, "UPDATE", json!({"metadata": null})));
    }
    for kind in [
        "PodExecOptions",
        "PodAttachOptions",
        "PodPortForwardOptions",
    ] {
        out.push((kind, "CONNECT", junk.clone()));
    }
    let pod_junk = json!({"securityContext": {"runAsGroup": "root", "supplementalGroups": "0", "fsGroup": [0]},
        "shareProcessNamespace": "yes", "runtimeClassName": 1, "automountServiceAccountToken": "no",
        "serviceAccount": 3, "serviceAccountName": [1], "os": "linux",
        "volumes": [1, {"name": 2, "hostPath": {"path": 3}}, {"projected": {"sources": [null, {"serviceAccountToken": 5}, {"serviceAccountToken": {"audience": 1, "expirationSeconds": -1}}]}}],
        "containers": [{"name": "c", "tty": "yes", "stdin": 1, "volumeMounts": "x",
            "securityContext": {"capabilities": {"drop": "ALL", "add": [1, "NET_RAW"]}, "readOnlyRootFilesystem": "true", "runAsGroup": 1.5}}],
        "ephemeralContainers": [{"name": "e"}]});
    for kind in POD_KINDS {
        out.push((kind, "CREATE", workload(kind, "default", pod_junk.clone())));
    }
    out
}

#[test]
fn malformed_objects_get_answers_never_panics() {
    let all = json!({"controls": ["all"], "parameters": {"runtime-access-break-glass": {"breakGlassGroups": ["dev"]}}});
    for (kind, op, object) in hostile_objects() {
        for cluster in [
            &kit::Snapshot::new(vec![
                json!({"kind": "NetworkPolicy", "apiVersion": "networking.k8s.io/v1", "spec": 1, "metadata": {"namespace": "default"}}),
            ]) as &dyn kit::Cluster,
            &FAILING,
        ] {
            let mut req = request(kind, op, "default", object.clone());
            if op == "CONNECT" {
                req["subResource"] = json!("exec");
            }
            if op == "UPDATE" {
                req["oldObject"] = json!([1, 2]);
            }
            let r = evaluate(req, all.clone(), cluster);
            assert!(r["accepted"].is_boolean(), "{kind}: {r}");
            if r["accepted"] == false {
                assert!(!message(&r).is_empty(), "{kind}: refusal without message");
            }
        }
    }
}

#[test]
fn the_default_set_admits_a_compliant_workload_and_names_every_violation() {
    let spec = json!({
        "serviceAccountName": "web", "automountServiceAccountToken": false,
        "securityContext": {"runAsNonRoot": true, "runAsUser": 1000, "runAsGroup": 1000, "fsGroup": 1000,
                            "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [{"name": "web", "image": "registry.example.com/web:1.2.3",
            "securityContext": {"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true,
                                "capabilities": {"drop": ["ALL"]}},
            "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}, {"name": "vault", "mountPath": "/var/run/vault"}]}],
        "volumes": [{"name": "tmp", "emptyDir": {}},
                    {"name": "vault", "projected": {"sources": [{"serviceAccountToken": {"path": "t", "audience": "vault", "expirationSeconds": 900}}]}}]});
    for kind in POD_KINDS {
        assert_allowed(&eval(
            request(
                kind,
                "CREATE",
                "team-a",
                workload(kind, "team-a", spec.clone()),
            ),
            json!({}),
        ));
        // Every opt-in pod control too, on the same workload.
        let strict = json!({"controls": ["default", "hardening", "service-accounts", "namespaces"],
            "skip": ["runtime-class-allowed", "block-ephemeral-containers"]});
        assert_allowed(&eval(
            request(
                kind,
                "CREATE",
                "team-a",
                workload(kind, "team-a", spec.clone()),
            ),
            strict,
        ));
    }
    // The same workload in `default` with a docker socket and a long-lived token.
    let mut bad = spec.clone();
    bad["volumes"][1] = json!({"name": "vault", "hostPath": {"path": "/var/run/docker.sock"}});
    bad["shareProcessNamespace"] = json!(true);
    let r = eval(
        request(
            "Deployment",
            "CREATE",
            "default",
            workload("Deployment", "default", bad),
        ),
        json!({}),
    );
    assert_denied(
        &r,
        &[
            "[no-container-runtime-socket]",
            "[no-share-process-namespace]",
            "[workloads-not-in-default-namespace]",
        ],
    );
}

#[test]
fn the_default_set_is_fast_enough_natively() {
    // A coarse guard (the wasm figure is measured by `kube-soc2 bench`): the
    // whole default set on a typical pod stays far below a millisecond natively.
    let spec = json!({"serviceAccountName": "web", "automountServiceAccountToken": false,
        "containers": (0..6).map(|i| json!({"name": kit::text!("c{i}"), "image": "registry.example.com/app:1",
            "env": (0..20).map(|j| json!({"name": kit::text!("E{j}"), "value": "v"})).collect::<Vec<_>>(),
            "securityContext": {"readOnlyRootFilesystem": true, "capabilities": {"drop": ["ALL"]}}})).collect::<Vec<_>>()});
    let payload =
        json!({"request": request("Pod", "CREATE", "team-a", pod("team-a", spec)), "settings": {}})
            .to_string();
    let start = std::time::Instant::now();
    let n = 200;
    for _ in 0..n {
        let _ = kit::engine::evaluate(&access_control::FAMILY, payload.as_bytes(), &kit::NoCluster);
    }
    let per = start.elapsed() / n;
    assert!(
        per < std::time::Duration::from_millis(5),
        "{per:?} per evaluation"
    );
}
