//! Native tests through the engine: defaults, parameters, settings refusals,
//! operations and evidence. Per-control verdicts are in fixtures/ (replayed
//! through the compiled module).

use kit::testing::{
    REFUSING, annotation, assert_allowed, assert_denied, evaluate, only, request, request_for,
};
use processing_integrity::FAMILY;
use serde_json::{Value, json};

fn run(object: Value, settings: Value) -> Value {
    evaluate(
        &FAMILY,
        request(object),
        settings,
        &kit::Snapshot::new(vec![]),
    )
}

fn pod_template(restart: &str) -> Value {
    json!({"metadata": {"labels": {"app": "report"}},
           "spec": {"restartPolicy": restart,
                    "containers": [{"name": "report", "image": "registry.example.com/report:1.0"}]}})
}

fn cronjob() -> Value {
    json!({"apiVersion": "batch/v1", "kind": "CronJob",
           "metadata": {"name": "report", "namespace": "shop"},
           "spec": {"schedule": "30 2 * * *", "timeZone": "Europe/Berlin", "concurrencyPolicy": "Forbid",
                    "startingDeadlineSeconds": 300, "failedJobsHistoryLimit": 3,
                    "jobTemplate": {"spec": {"backoffLimit": 2, "activeDeadlineSeconds": 600,
                                             "template": pod_template("OnFailure")}}}})
}

fn job() -> Value {
    json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "import", "namespace": "shop"},
           "spec": {"backoffLimit": 2, "activeDeadlineSeconds": 600, "ttlSecondsAfterFinished": 3600,
                    "template": pod_template("Never")}})
}

fn webhooks(hooks: Value) -> Value {
    json!({"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration",
           "metadata": {"name": "policy"}, "webhooks": hooks})
}

fn good_hook() -> Value {
    json!({"name": "v.policy.example.com", "sideEffects": "None", "failurePolicy": "Fail", "timeoutSeconds": 5,
           "admissionReviewVersions": ["v1"],
           "clientConfig": {"service": {"name": "p", "namespace": "p"}, "caBundle": "Zm9v"},
           "rules": [{"apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"], "operations": ["CREATE"]}]})
}

fn settings_result(settings: Value) -> Value {
    let bytes = processing_integrity::validate_settings(settings.to_string().as_bytes());
    serde_json::from_slice(&bytes).unwrap()
}

#[track_caller]
fn refused_settings(settings: Value, needle: &str) {
    let r = settings_result(settings);
    assert_eq!(r["valid"], false, "accepted: {r}");
    let m = r["message"].as_str().unwrap_or("");
    assert!(m.contains(needle), "{needle:?} not in {m}");
}

#[test]
fn the_default_set_is_the_one_documented() {
    let mut defaults: Vec<&str> = FAMILY
        .controls()
        .filter(|c| c.tags.contains(&"default"))
        .map(|c| c.id)
        .collect();
    defaults.sort_unstable();
    assert_eq!(
        defaults,
        [
            "api-version-removed",
            "cronjob-concurrency-policy",
            "cronjob-schedule-valid",
            "job-backoff-limit",
            "webhook-client-tls",
            "webhook-side-effects",
            "webhook-timeout",
        ]
    );
}

#[test]
fn hardened_objects_pass_every_control() {
    let settings =
        json!({"controls": ["all"], "skip": ["change-reference", "job-ttl-after-finished"]});
    for o in [cronjob(), job(), webhooks(json!([good_hook()]))] {
        assert_allowed(&run(o, settings.clone()));
    }
    assert_allowed(&run(job(), json!({"controls": ["job-ttl-after-finished"]})));
}

#[test]
fn defaults_refuse_the_classic_mistakes() {
    let mut cj = cronjob();
    cj["spec"]["schedule"] = json!("0 0 31 11 *");
    cj["spec"]["concurrencyPolicy"] = json!("Allow");
    cj["spec"]["jobTemplate"]["spec"]
        .as_object_mut()
        .unwrap()
        .remove("backoffLimit");
    assert_denied(
        &run(cj, json!({})),
        &[
            "[cronjob-schedule-valid]",
            "day 31 never occurs in November",
            "[cronjob-concurrency-policy]",
            "[job-backoff-limit]",
            "spec.jobTemplate.spec.backoffLimit",
        ],
    );
    let mut hook = good_hook();
    hook["sideEffects"] = json!("Unknown");
    hook["timeoutSeconds"] = json!(25);
    hook["clientConfig"] = json!({"url": "http://10.0.0.1:8443/x"});
    assert_denied(
        &run(webhooks(json!([hook])), json!({})),
        &[
            "[webhook-side-effects]",
            "[webhook-timeout]",
            "[webhook-client-tls]",
            "is not https",
            "without caBundle",
        ],
    );
}

#[test]
fn settings_are_validated_by_key() {
    assert_eq!(settings_result(json!({}))["valid"], true);
    refused_settings(
        json!({"controls": ["job-restart-policy"], "parameters": {"job-restart-policy": {"allowed": ["Always"]}}}),
        "not a Job restart policy",
    );
    refused_settings(
        json!({"parameters": {"job-restart-policy": {"allowed": []}}}),
        "at least one restart policy",
    );
    refused_settings(
        json!({"parameters": {"cronjob-concurrency-policy": {"allowed": ["Sometimes"]}}}),
        "not a concurrency policy",
    );
    refused_settings(
        json!({"parameters": {"api-version-removed": {"targetVersion": "2.0"}}}),
        "targetVersion",
    );
    refused_settings(
        json!({"parameters": {"change-reference": {"annotation": " "}}}),
        "annotation",
    );
    refused_settings(
        json!({"parameters": {"change-reference": {"patterns": []}}}),
        "patterns",
    );
    refused_settings(
        json!({"parameters": {"webhook-timeout": {"maxSeconds": 60}}}),
        "maxSeconds",
    );
    refused_settings(
        json!({"parameters": {"job-backoff-limit": {"max": "6"}}}),
        "max",
    );
    refused_settings(
        json!({"parameters": {"job-backoff-limit": {"maximum": 6}}}),
        "maximum",
    );
}

#[test]
fn api_versions_follow_the_target_release() {
    let hpa = |v: &str| {
        json!({"apiVersion": kit::text!("autoscaling/{v}"), "kind": "HorizontalPodAutoscaler",
               "metadata": {"name": "web", "namespace": "shop"}, "spec": {}})
    };
    let s = |t: &str| only("api-version-removed", json!({"targetVersion": t}));
    assert_denied(
        &run(hpa("v2beta2"), s("1.26")),
        &["since Kubernetes 1.26 (target 1.26)"],
    );
    assert_allowed(&run(hpa("v2beta2"), s("1.25")));
    assert_denied(&run(hpa("v2beta1"), s("1.25")), &["use autoscaling/v2"]);
    assert_allowed(&run(hpa("v2"), s("1.35")));
    // The request's own version decides when the object names none.
    let mut bare = hpa("v2beta1");
    bare.as_object_mut().unwrap().remove("apiVersion");
    let mut req = request(hpa("v2beta1"));
    req["object"] = bare;
    let r = evaluate(&FAMILY, req, s("1.30"), &kit::Snapshot::new(vec![]));
    assert_denied(&r, &["autoscaling/v2beta1 HorizontalPodAutoscaler"]);
}

#[test]
fn cronjob_owned_jobs_need_no_ttl_and_templates_are_paths_of_their_own() {
    let mut j = job();
    j["spec"]
        .as_object_mut()
        .unwrap()
        .remove("ttlSecondsAfterFinished");
    let s = only("job-ttl-after-finished", Value::Null);
    assert_denied(
        &run(j.clone(), s.clone()),
        &["spec.ttlSecondsAfterFinished"],
    );
    j["metadata"]["ownerReferences"] = json!([{"kind": "CronJob", "name": "report", "uid": "1"}]);
    assert_allowed(&run(j, s));
}

#[test]
fn change_references_are_recorded_as_evidence() {
    let mut d = json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop", "annotations": {"kube-soc2.io/change-ref": "CHG-7"}},
        "spec": {"selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "web", "image": "web:1"}]}}}});
    let r = run(d.clone(), only("change-reference", Value::Null));
    assert_allowed(&r);
    assert!(
        annotation(&r, "kube-soc2.change-ref")
            .is_some_and(|a| a.contains("CHG-7") && a.contains("Deployment shop/web")),
        "{r}"
    );
    d["metadata"]["annotations"] = json!({"kube-soc2.io/change-ref": 7});
    assert_denied(
        &run(d, only("change-reference", Value::Null)),
        &["annotation kube-soc2.io/change-ref is not a string: 7"],
    );
}

#[test]
fn gitops_drift_reads_the_old_object_and_the_user() {
    let managed = json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "cfg", "namespace": "shop", "labels": {"app.kubernetes.io/managed-by": "argocd"}}});
    let s = only("gitops-drift", Value::Null);
    let mut req = request_for("DELETE", managed.clone());
    req["userInfo"] = json!({"username": "mallory", "groups": ["dev"]});
    let r = evaluate(&FAMILY, req.clone(), s.clone(), &kit::Snapshot::new(vec![]));
    assert_denied(&r, &["[gitops-drift]", "mallory may not delete it"]);
    assert!(annotation(&r, "kube-soc2.violations").is_some_and(|v| v.contains("gitops-drift")));
    req["userInfo"] =
        json!({"username": "system:serviceaccount:kube-system:generic-garbage-collector"});
    assert_allowed(&evaluate(
        &FAMILY,
        req.clone(),
        s.clone(),
        &kit::Snapshot::new(vec![]),
    ));
    // Anonymous users get a readable message too.
    req["userInfo"] = json!({});
    assert_denied(
        &evaluate(&FAMILY, req, s.clone(), &kit::Snapshot::new(vec![])),
        &["an anonymous user"],
    );
    // CREATE is not this control's business.
    assert_allowed(&run(managed, s));
}

#[test]
fn only_env_references_need_the_cluster_and_failed_lookups_never_pass() {
    // Every other control gives the same verdict when the host refuses lookups.
    for o in [cronjob(), job(), webhooks(json!([good_hook()]))] {
        let r = evaluate(
            &FAMILY,
            request(o),
            json!({"controls": ["all"], "skip": ["change-reference", "env-references-exist"]}),
            &REFUSING,
        );
        assert_allowed(&r);
    }
    let readers: Vec<&str> = FAMILY
        .controls()
        .filter(|c| !c.reads.is_empty())
        .map(|c| c.id)
        .collect();
    assert_eq!(readers, ["env-references-exist"]);
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "shop"},
        "spec": {"containers": [{"name": "app", "image": "x",
            "envFrom": [{"secretRef": {"name": "db"}}, {"configMapRef": {"name": "cfg"}}, {"configMapRef": {}}],
            "env": [{"name": "A", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "a"}}}]}]}});
    let s = only("env-references-exist", Value::Null);
    let r = evaluate(&FAMILY, request(pod.clone()), s.clone(), &REFUSING);
    assert_denied(
        &r,
        &[
            "container \"app\" at spec.containers[0].envFrom[0].secretRef: could not verify that Secret db exists: Policy has not been granted access to Kubernetes Secret",
            "could not verify that ConfigMap cfg exists",
            "container \"app\" at spec.containers[0].envFrom[2].configMapRef: a ConfigMap reference has no name",
        ],
    );
    // Keys are looked for in data and binaryData; one lookup per object.
    let cluster = kit::Snapshot::new(vec![
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "namespace": "shop"}}),
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg", "namespace": "shop"},
               "binaryData": {"a": "AA=="}}),
    ]);
    let mut ok = pod;
    ok["spec"]["containers"][0]["envFrom"]
        .as_array_mut()
        .unwrap()
        .pop();
    assert_allowed(&evaluate(&FAMILY, request(ok), s, &cluster));
}

#[test]
fn kubewarden_policy_weakening_compares_old_and_new() {
    let cap = |mode: &str, rules: Value| {
        json!({"apiVersion": "policies.kubewarden.io/v1", "kind": "ClusterAdmissionPolicy",
               "metadata": {"name": "p"}, "spec": {"mode": mode, "rules": rules}})
    };
    let rules = json!([{"apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods", "pods/exec"], "operations": ["*"]}]);
    let s = only(
        "kubewarden-policy-weakening",
        json!({"allowedGroups": ["sec-*"]}),
    );
    let update = |old: Value, new: Value, groups: Value| {
        let mut req = request_for("UPDATE", new);
        req["oldObject"] = old;
        req["userInfo"] = json!({"username": "dave", "groups": groups});
        evaluate(&FAMILY, req, s.clone(), &kit::Snapshot::new(vec![]))
    };
    // */* covers every subresource, * every operation: not a narrowing.
    let wider = json!([{"apiGroups": ["*"], "apiVersions": ["*"], "resources": ["*/*", "*"], "operations": ["*"]}]);
    assert_allowed(&update(
        cap("protect", rules.clone()),
        cap("protect", wider),
        json!([]),
    ));
    let r = update(
        cap("protect", rules.clone()),
        cap("monitor", json!([])),
        json!(["dev"]),
    );
    assert_denied(
        &r,
        &[
            "mode changes from protect",
            "rules no longer cover core/v1/pods *",
            "by dave",
        ],
    );
    // Allowed identities leave evidence.
    let r = update(
        cap("protect", rules.clone()),
        cap("monitor", rules),
        json!(["sec-oncall"]),
    );
    assert_allowed(&r);
    assert!(
        annotation(&r, "kube-soc2.policy-weakened").is_some_and(|a| a
            .contains("dave on ClusterAdmissionPolicy p")
            && a.contains("monitor")),
        "{r}"
    );
    // A huge rule set is treated as narrowed rather than compared for ever.
    let many: Vec<String> = (0..200).map(|i| kit::text!("r{i}")).collect();
    let huge = json!([{"apiGroups": many, "apiVersions": many, "resources": ["pods"], "operations": ["CREATE"]}]);
    let r = update(
        cap("protect", huge.clone()),
        cap("protect", huge),
        json!([]),
    );
    assert_denied(&r, &["too many to compare"]);
}
