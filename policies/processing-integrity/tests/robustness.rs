//! No input makes a control panic: every field of realistic objects, in turn,
//! replaced by values of every JSON type, with every control enabled, for
//! CREATE, UPDATE and DELETE; and oversized or odd schedules, selectors and
//! webhook lists.

use kit::testing::{evaluate, field_paths, replaced, request_for};
use processing_integrity::FAMILY;
use serde_json::{Value, json};

fn replacements() -> Vec<Value> {
    vec![
        Value::Null,
        json!(0),
        json!(-1),
        json!(3.5),
        json!(1e300),
        json!(""),
        json!("*"),
        json!("é/…/"),
        json!(true),
        json!([null, 1, "*"]),
        json!({}),
        json!({"matchExpressions": [{"key": 1, "operator": "In"}]}),
    ]
}

fn subjects() -> Vec<Value> {
    let tpl = json!({"metadata": {"labels": {"app": "x"}}, "spec": {"restartPolicy": "Never",
        "containers": [{"name": "c", "image": "i", "env": [{"name": "A"}, {"name": "A"}]}]}});
    let pfp = json!({"rules": [{"action": "Ignore", "onExitCodes": {"operator": "NotIn", "values": [0, 1]}},
                               {"action": "FailIndex", "onPodConditions": [{"type": "DisruptionTarget"}]}]});
    vec![
        json!({"apiVersion": "batch/v1", "kind": "Job",
               "metadata": {"name": "j", "namespace": "n", "annotations": {"kube-soc2.io/change-ref": "C"},
                            "labels": {"app.kubernetes.io/managed-by": "argocd"},
                            "ownerReferences": [{"kind": "CronJob", "controller": true}]},
               "spec": {"backoffLimit": 1, "backoffLimitPerIndex": 1, "activeDeadlineSeconds": 1,
                        "ttlSecondsAfterFinished": 1, "parallelism": 2, "completions": 3,
                        "podFailurePolicy": pfp, "template": tpl}}),
        json!({"apiVersion": "batch/v1beta1", "kind": "CronJob",
               "metadata": {"name": "c", "namespace": "n", "labels": {"app.kubernetes.io/managed-by": "flux"}},
               "spec": {"schedule": "TZ=UTC 0 0 30 2 *", "timeZone": "Europe/Berlin", "concurrencyPolicy": "Allow",
                        "startingDeadlineSeconds": 5, "failedJobsHistoryLimit": 0, "successfulJobsHistoryLimit": 0,
                        "jobTemplate": {"spec": {"ttlSecondsAfterFinished": 1, "template": tpl}}}}),
        json!({"apiVersion": "admissionregistration.k8s.io/v1beta1", "kind": "MutatingWebhookConfiguration",
               "metadata": {"name": "w", "annotations": {"cert-manager.io/inject-ca-from": "a/b"}},
               "webhooks": [{"name": "h", "sideEffects": "Some", "failurePolicy": "Ignore", "timeoutSeconds": 30,
                             "clientConfig": {"url": "http://x", "caBundle": "x", "service": {"name": "s"}},
                             "objectSelector": {"matchLabels": {"a": "b"}},
                             "namespaceSelector": {"matchLabels": {"a": "b"}, "matchExpressions": [
                                 {"key": "kubernetes.io/metadata.name", "operator": "NotIn", "values": ["x"]},
                                 {"key": "k", "operator": "In", "values": ["v"]}]},
                             "rules": [{"apiGroups": ["*"], "resources": ["*/*"]}]}]}),
        json!({"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicyBinding",
               "metadata": {"name": "b"}, "spec": {"policyName": "p", "validationActions": ["Warn"]}}),
        json!({"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicy",
               "metadata": {"name": "p"}, "spec": {"failurePolicy": "Ignore"}}),
        json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": {"name": "x"},
               "spec": {"validation": {"openAPIV3Schema": {"type": "object"}},
                        "versions": [{"name": "v1", "served": true, "schema": {"openAPIV3Schema": {
                            "type": "object", "x-kubernetes-preserve-unknown-fields": true}}}, {"name": "v2"}]}}),
        json!({"apiVersion": "policies.kubewarden.io/v1", "kind": "ClusterAdmissionPolicy", "metadata": {"name": "p"},
               "spec": {"mode": "protect", "failurePolicy": "Fail", "namespaceSelector": {"matchLabels": {"a": "b"}},
                        "matchConditions": [{"name": "x", "expression": "true"}],
                        "rules": [{"apiGroups": ["", "apps"], "apiVersions": ["v1"], "resources": ["pods", "*/*"], "operations": ["*"]}]}}),
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "n",
                                                               "labels": {"app.kubernetes.io/managed-by": "argocd"}},
               "spec": {"containers": [{"name": "c", "image": "i",
                   "envFrom": [{"configMapRef": {"name": "cfg"}}, {"secretRef": {"name": "s", "optional": false}}],
                   "env": [{"name": "A", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "k"},
                                                         "secretKeyRef": {"name": "s", "key": "k"}}}]}]}}),
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "namespace": "n"},
               "spec": {"selector": {"matchLabels": {"app": "y"}, "matchExpressions": [{"key": "app", "operator": "Exists"}]},
                        "template": tpl}}),
    ]
}

fn settings() -> Value {
    json!({"controls": ["all"], "parameters": {
        "job-pod-failure-policy": {"required": true},
        "cronjob-time-zone": {"allowed": ["Europe/*"]},
        "job-active-deadline": {"maxSeconds": 10},
        "webhook-client-tls": {"requireServiceCaBundle": true}
    }})
}

#[track_caller]
fn verdict(r: &Value, what: &str) {
    // A verdict, or a refusal of a malformed object (400): never anything else.
    assert!(r["code"].is_null() || r["code"] == 400, "{what}: {r}");
}

#[test]
fn every_field_of_every_type_for_every_operation() {
    let cluster = kit::Snapshot::new(vec![
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg", "namespace": "n"}, "data": {"k": "v"}}),
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "n"}, "data": 5}),
    ]);
    let mut evaluations = 0;
    for subject in subjects() {
        for path in field_paths(&subject) {
            for new in replacements() {
                let damaged = replaced(&subject, &path, new);
                for op in ["CREATE", "UPDATE", "DELETE"] {
                    let mut req = request_for(op, damaged.clone());
                    if op == "UPDATE" {
                        req["oldObject"] = subject.clone();
                    }
                    let r = evaluate(&FAMILY, req, settings(), &cluster);
                    verdict(&r, &kit::text!("{op} {path:?}"));
                    evaluations += 1;
                }
            }
        }
    }
    assert!(evaluations > 5_000, "{evaluations}");
}

#[test]
fn oversized_and_odd_inputs() {
    let cluster = kit::Snapshot::new(vec![]);
    let long = "1,".repeat(50_000);
    let schedules = [
        long.as_str(),
        "*/18446744073709551615 * * * *",
        "9223372036854775807 * * * *",
        "0-9223372036854775807/9223372036854775807 * * * *",
        "TZ=",
        "CRON_TZ=Europe/Berlin",
        "@every 99999999999999999999999h",
        "@every .",
        "@every -",
        "\u{0}\u{85}\u{a0} * * * *",
        "FRİ FRİ FRİ FRİ FRİ",
        "-",
        "/",
        ",,,, ,,,, ,,, ,, ,",
    ];
    for s in schedules {
        let cj = json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c", "namespace": "n"},
            "spec": {"schedule": s, "timeZone": s, "jobTemplate": {"spec": {"template": {"spec": {"containers": []}}}}}});
        let r = evaluate(&FAMILY, request_for("CREATE", cj), settings(), &cluster);
        verdict(&r, s);
        assert_eq!(r["accepted"], false, "{s}");
    }
    let hooks: Vec<Value> = (0..5_000)
        .map(|i| json!({"name": kit::text!("h{i}"), "sideEffects": "Some", "timeoutSeconds": 99}))
        .collect();
    let w = json!({"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration",
                   "metadata": {"name": "w"}, "webhooks": hooks});
    let r = evaluate(&FAMILY, request_for("CREATE", w), settings(), &cluster);
    verdict(&r, "5000 webhooks");
    assert!(
        r["message"].as_str().unwrap_or("").len() < 20_000,
        "message is bounded"
    );
    let mut deep = json!("x");
    for _ in 0..100 {
        deep = json!({"type": "object", "properties": {"a": deep}});
    }
    let crd = json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
                     "metadata": {"name": "x"}, "spec": {"versions": [{"name": "v1", "schema": {"openAPIV3Schema": deep}}]}});
    verdict(
        &evaluate(&FAMILY, request_for("CREATE", crd), settings(), &cluster),
        "deep schema",
    );
}
