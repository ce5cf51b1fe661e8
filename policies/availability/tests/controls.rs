//! The controls that need nothing but the object, through the engine.

mod common;

use common::*;
use serde_json::{Value, json};

fn pod_with(containers: Value) -> Value {
    json!({"containers": containers})
}

// --- resources ----------------------------------------------------------------

#[test]
fn requests_and_limits_are_required_in_every_kind_with_real_paths() {
    let bare = pod_with(json!([{"name": "app", "image": "nginx"}]));
    for kind in POD_KINDS {
        let r = evaluate(
            &wrap(kind, bare.clone()),
            only("resources-requests-limits", json!({})),
            vec![],
        );
        let at = |f: &str| kit::text!("{}.containers[0].resources.{f}", spec_path(kind));
        denied(
            &r,
            "resources-requests-limits",
            &[
                &kit::text!(
                    "container \"app\" at {}: CPU request is not set",
                    at("requests.cpu")
                ),
                &at("requests.memory"),
                &kit::text!("{}: CPU limit is not set", at("limits.cpu")),
                &kit::text!("{}: memory limit is not set", at("limits.memory")),
            ],
        );
        let ok = evaluate(
            &wrap(kind, good_spec()),
            only("resources-requests-limits", json!({})),
            vec![],
        );
        allowed(&ok);
    }
}

#[test]
fn init_containers_are_checked_unless_switched_off_and_ephemeral_never() {
    let spec = json!({
        "initContainers": [{"name": "setup", "image": "busybox"}],
        "containers": [good_container("app")],
        "ephemeralContainers": [{"name": "debug", "image": "busybox"}]
    });
    for kind in ["Pod", "Deployment", "CronJob"] {
        let r = evaluate(
            &wrap(kind, spec.clone()),
            only("resources-requests-limits", json!({})),
            vec![],
        );
        denied(
            &r,
            "resources-requests-limits",
            &[&kit::text!(
                "{}.initContainers[0].resources.limits.memory",
                spec_path(kind)
            )],
        );
        assert!(
            !message(&r).contains("ephemeralContainers"),
            "{}",
            message(&r)
        );
        let off = only(
            "resources-requests-limits",
            json!({"initContainers": false}),
        );
        allowed(&evaluate(&wrap(kind, spec.clone()), off, vec![]));
    }
}

#[test]
fn a_limit_implies_the_request_and_pod_level_resources_count() {
    let limits_only = pod_with(json!([{"name": "app", "image": "x",
        "resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}]));
    allowed(&evaluate(
        &wrap("Deployment", limits_only),
        only("resources-requests-limits", json!({})),
        vec![],
    ));

    let pod_level = json!({
        "resources": {"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "2", "memory": "1Gi"}},
        "containers": [{"name": "app", "image": "x"}, {"name": "side", "image": "y"}]
    });
    allowed(&evaluate(
        &wrap("Pod", pod_level.clone()),
        only("resources-requests-limits", json!({})),
        vec![],
    ));
    let strict = only(
        "resources-requests-limits",
        json!({"podLevelResources": false}),
    );
    denied(
        &evaluate(&wrap("Pod", pod_level), strict, vec![]),
        "resources-requests-limits",
        &["spec.containers[1].resources.requests.cpu"],
    );

    let no_cpu_limit = pod_with(json!([{"name": "app", "image": "x",
        "resources": {"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"memory": "1Gi"}}}]));
    let settings = only("resources-requests-limits", json!({"cpuLimit": false}));
    allowed(&evaluate(
        &wrap("StatefulSet", no_cpu_limit.clone()),
        settings,
        vec![],
    ));
    denied(
        &evaluate(
            &wrap("StatefulSet", no_cpu_limit),
            only("resources-requests-limits", json!({})),
            vec![],
        ),
        "resources-requests-limits",
        &["spec.template.spec.containers[0].resources.limits.cpu: CPU limit is not set"],
    );
}

#[test]
fn bounds_compare_exact_quantities() {
    let settings = only(
        "resources-bounds",
        json!({"maxCpuLimit": "2", "minMemoryRequest": "64Mi", "maxMemoryLimit": "1Gi"}),
    );
    let c = |cpu_limit: &str, mem_req: &str, mem_limit: &str| {
        pod_with(json!([{"name": "app", "image": "x", "resources": {
            "requests": {"cpu": "100m", "memory": mem_req},
            "limits": {"cpu": cpu_limit, "memory": mem_limit}}}]))
    };
    allowed(&evaluate(
        &wrap("Deployment", c("2000m", "64Mi", "1024Mi")),
        settings.clone(),
        vec![],
    ));
    allowed(&evaluate(
        &wrap("Deployment", c("1.5", "0.0625Gi", "1Gi")),
        settings.clone(),
        vec![],
    ));
    let r = evaluate(
        &wrap("CronJob", c("2001m", "32Mi", "1.5Gi")),
        settings.clone(),
        vec![],
    );
    denied(
        &r,
        "resources-bounds",
        &[
            "spec.jobTemplate.spec.template.spec.containers[0].resources.limits.cpu: CPU limit 2001m is above the maximum 2 (maxCpuLimit)",
            "memory request 32Mi is below the minimum 64Mi (minMemoryRequest)",
            "memory limit 1.5Gi is above the maximum 1Gi (maxMemoryLimit)",
        ],
    );
    // Init containers too; numbers are quantities as well.
    let init = json!({"initContainers": [{"name": "init", "image": "x", "resources": {"limits": {"cpu": 3}}}],
                      "containers": [{"name": "app", "image": "x"}]});
    denied(
        &evaluate(&wrap("Pod", init), settings, vec![]),
        "resources-bounds",
        &["spec.initContainers[0].resources.limits.cpu: CPU limit 3 is above"],
    );
    // Nothing configured: nothing to check.
    allowed(&evaluate(
        &wrap("Pod", c("64", "1", "1Ti")),
        only("resources-bounds", json!({})),
        vec![],
    ));
}

#[test]
fn bound_parameters_are_validated() {
    let bad = evaluate(
        &wrap("Pod", good_spec()),
        only("resources-bounds", json!({"maxCpuLimit": "two"})),
        vec![],
    );
    assert_eq!(bad.code, Some(400));
    assert!(
        message(&bad).contains("maxCpuLimit: \"two\" is not a Kubernetes quantity"),
        "{}",
        message(&bad)
    );
    let inverted = evaluate(
        &wrap("Pod", good_spec()),
        only(
            "resources-bounds",
            json!({"minMemoryLimit": "2Gi", "maxMemoryLimit": "1Gi"}),
        ),
        vec![],
    );
    assert!(
        message(&inverted).contains("minMemoryLimit \"2Gi\" is above maxMemoryLimit \"1Gi\""),
        "{}",
        message(&inverted)
    );
    let ratio = evaluate(
        &wrap("Pod", good_spec()),
        only(
            "resources-limit-request-ratio",
            json!({"maxCpuRatio": "0.5"}),
        ),
        vec![],
    );
    assert!(
        message(&ratio).contains("is below 1"),
        "{}",
        message(&ratio)
    );
}

#[test]
fn limit_to_request_ratio() {
    let c = |req: &str, lim: &str| {
        pod_with(json!([{"name": "app", "image": "x", "resources": {
            "requests": {"cpu": req, "memory": "1Gi"}, "limits": {"cpu": lim, "memory": "2Gi"}}}]))
    };
    let s = only("resources-limit-request-ratio", json!({}));
    allowed(&evaluate(
        &wrap("Deployment", c("500m", "2")),
        s.clone(),
        vec![],
    ));
    denied(
        &evaluate(&wrap("Deployment", c("500m", "2001m")), s.clone(), vec![]),
        "resources-limit-request-ratio",
        &[
            "spec.template.spec.containers[0].resources.limits.cpu: CPU limit 2001m is more than 4 times the request 500m",
        ],
    );
    denied(
        &evaluate(&wrap("Job", c("0", "1")), s.clone(), vec![]),
        "resources-limit-request-ratio",
        &["CPU request is 0 with a limit of 1"],
    );
    let tight = only(
        "resources-limit-request-ratio",
        json!({"maxMemoryRatio": "1", "maxCpuRatio": "1.5"}),
    );
    denied(
        &evaluate(&wrap("Pod", c("1", "1500m")), tight, vec![]),
        "resources-limit-request-ratio",
        &["memory limit 2Gi is more than 1 times the request 1Gi"],
    );
}

#[test]
fn ephemeral_storage_and_emptydir_size_limits() {
    let s = only("resources-ephemeral-storage", json!({"maxLimit": "4Gi"}));
    let missing = pod_with(json!([{"name": "app", "image": "x"}]));
    denied(
        &evaluate(&wrap("DaemonSet", missing), s.clone(), vec![]),
        "resources-ephemeral-storage",
        &[
            "spec.template.spec.containers[0].resources.requests.ephemeral-storage: ephemeral-storage request is not set",
            "limits.ephemeral-storage: ephemeral-storage limit is not set",
        ],
    );
    let limited = |l: &str| {
        pod_with(
            json!([{"name": "app", "image": "x", "resources": {"limits": {"ephemeral-storage": l}}}]),
        )
    };
    allowed(&evaluate(
        &wrap("DaemonSet", limited("2Gi")),
        s.clone(),
        vec![],
    ));
    denied(
        &evaluate(&wrap("Pod", limited("5Gi")), s, vec![]),
        "resources-ephemeral-storage",
        &["above the maximum 4Gi"],
    );

    let vols = |v: Value| json!({"containers": [{"name": "app", "image": "x"}], "volumes": v});
    let s = only("resources-emptydir-size-limit", json!({}));
    let unbounded =
        vols(json!([{"name": "cfg", "configMap": {"name": "c"}}, {"name": "tmp", "emptyDir": {}}]));
    for kind in ["Pod", "Deployment", "CronJob"] {
        denied(
            &evaluate(&wrap(kind, unbounded.clone()), s.clone(), vec![]),
            "resources-emptydir-size-limit",
            &[&kit::text!(
                "{}.volumes[1].emptyDir.sizeLimit: emptyDir volume \"tmp\" has no sizeLimit",
                spec_path(kind)
            )],
        );
    }
    allowed(&evaluate(
        &wrap(
            "Pod",
            vols(json!([{"name": "tmp", "emptyDir": {"sizeLimit": "1Gi"}}])),
        ),
        s.clone(),
        vec![],
    ));
    let memory_only = only(
        "resources-emptydir-size-limit",
        json!({"memoryOnly": true, "maxSizeLimit": "512Mi"}),
    );
    allowed(&evaluate(
        &wrap("Pod", unbounded),
        memory_only.clone(),
        vec![],
    ));
    denied(
        &evaluate(
            &wrap(
                "Pod",
                vols(json!([{"name": "shm", "emptyDir": {"medium": "Memory"}}])),
            ),
            memory_only.clone(),
            vec![],
        ),
        "resources-emptydir-size-limit",
        &["memory-backed emptyDir volume \"shm\" has no sizeLimit"],
    );
    denied(
        &evaluate(
            &wrap(
                "Pod",
                vols(
                    json!([{"name": "shm", "emptyDir": {"medium": "Memory", "sizeLimit": "1Gi"}}]),
                ),
            ),
            memory_only,
            vec![],
        ),
        "resources-emptydir-size-limit",
        &["sizeLimit 1Gi is above the maximum 512Mi"],
    );
}

#[test]
fn extended_resources_cannot_be_overcommitted() {
    let s = only("resources-extended-requests-equal-limits", json!({}));
    let gpu = |res: Value| pod_with(json!([{"name": "train", "image": "x", "resources": res}]));
    allowed(&evaluate(
        &wrap("Job", gpu(json!({"limits": {"nvidia.com/gpu": 1}}))),
        s.clone(),
        vec![],
    ));
    allowed(&evaluate(
        &wrap(
            "Job",
            gpu(json!({"requests": {"nvidia.com/gpu": "1"}, "limits": {"nvidia.com/gpu": 1}})),
        ),
        s.clone(),
        vec![],
    ));
    // Native resources may differ.
    allowed(&evaluate(
        &wrap(
            "Job",
            gpu(json!({"requests": {"cpu": "1"}, "limits": {"cpu": "2"}})),
        ),
        s.clone(),
        vec![],
    ));
    denied(
        &evaluate(
            &wrap("CronJob", gpu(json!({"requests": {"nvidia.com/gpu": 1}}))),
            s.clone(),
            vec![],
        ),
        "resources-extended-requests-equal-limits",
        &[
            "spec.jobTemplate.spec.template.spec.containers[0].resources.limits['nvidia.com/gpu']: nvidia.com/gpu is requested (1) without a limit",
        ],
    );
    denied(
        &evaluate(
            &wrap(
                "Deployment",
                gpu(json!({"requests": {"nvidia.com/gpu": 2}, "limits": {"nvidia.com/gpu": 1}})),
            ),
            s.clone(),
            vec![],
        ),
        "resources-extended-requests-equal-limits",
        &[
            "resources.requests['nvidia.com/gpu']: nvidia.com/gpu request 2 differs from its limit 1",
        ],
    );
    denied(
        &evaluate(
            &wrap(
                "Pod",
                gpu(
                    json!({"requests": {"hugepages-2Mi": "100Mi"}, "limits": {"hugepages-2Mi": "200Mi"}}),
                ),
            ),
            s,
            vec![],
        ),
        "resources-extended-requests-equal-limits",
        &["hugepages-2Mi request 100Mi differs from its limit 200Mi"],
    );
}

// --- health -------------------------------------------------------------------

fn unprobed() -> Value {
    pod_with(json!([{"name": "app", "image": "x"}]))
}

#[test]
fn probes_are_required_on_long_running_kinds_only() {
    let s = only("probes-liveness-readiness", json!({}));
    for kind in [
        "Pod",
        "Deployment",
        "ReplicaSet",
        "StatefulSet",
        "DaemonSet",
        "ReplicationController",
    ] {
        denied(
            &evaluate(&wrap(kind, unprobed()), s.clone(), vec![]),
            "probes-liveness-readiness",
            &[
                &kit::text!(
                    "container \"app\" at {}.containers[0].livenessProbe has no liveness probe",
                    spec_path(kind)
                ),
                &kit::text!("{}.containers[0].readinessProbe", spec_path(kind)),
            ],
        );
        allowed(&evaluate(&wrap(kind, good_spec()), s.clone(), vec![]));
    }
    for kind in ["Job", "CronJob"] {
        allowed(&evaluate(&wrap(kind, unprobed()), s.clone(), vec![]));
    }
    // A Job's pods, and run-to-completion pods, are batch too.
    let mut job_pod = wrap("Pod", unprobed());
    job_pod["metadata"]["ownerReferences"] = json!([{"apiVersion": "batch/v1", "kind": "Job", "name": "x", "uid": "1", "controller": true}]);
    allowed(&evaluate(&job_pod, s.clone(), vec![]));
    let mut never = wrap("Pod", unprobed());
    never["spec"]["restartPolicy"] = json!("Never");
    allowed(&evaluate(&never, s.clone(), vec![]));
    // Only liveness asked.
    let live_only = json!({"containers": [{"name": "app", "image": "x", "livenessProbe": {"exec": {"command": ["true"]}}}]});
    allowed(&evaluate(
        &wrap("Deployment", live_only),
        only("probes-liveness-readiness", json!({"readiness": false})),
        vec![],
    ));
    let both_off = evaluate(
        &wrap("Pod", good_spec()),
        only(
            "probes-liveness-readiness",
            json!({"readiness": false, "liveness": false}),
        ),
        vec![],
    );
    assert_eq!(both_off.code, Some(400), "{}", message(&both_off));
}

#[test]
fn init_and_ephemeral_containers_need_no_probes_sidecars_on_request() {
    let spec = json!({
        "initContainers": [
            {"name": "setup", "image": "x"},
            {"name": "proxy", "image": "envoy", "restartPolicy": "Always"}
        ],
        "containers": [good_container("app")],
        "ephemeralContainers": [{"name": "debug", "image": "busybox"}]
    });
    allowed(&evaluate(
        &wrap("Deployment", spec.clone()),
        only("probes-liveness-readiness", json!({})),
        vec![],
    ));
    let r = evaluate(
        &wrap("Deployment", spec),
        only("probes-liveness-readiness", json!({"sidecars": true})),
        vec![],
    );
    denied(
        &r,
        "probes-liveness-readiness",
        &[
            "init container \"proxy\" at spec.template.spec.initContainers[1].livenessProbe has no liveness probe",
        ],
    );
    assert!(
        !message(&r).contains("initContainers[0]") && !message(&r).contains("ephemeral"),
        "{}",
        message(&r)
    );
}

#[test]
fn startup_probe_optional_control() {
    let s = only("probes-startup", json!({}));
    denied(
        &evaluate(&wrap("StatefulSet", good_spec()), s.clone(), vec![]),
        "probes-startup",
        &[
            "container \"app\" at spec.template.spec.containers[0].startupProbe has no startup probe",
        ],
    );
    allowed(&evaluate(&wrap("CronJob", good_spec()), s.clone(), vec![]));
    let mut c = good_container("app");
    c["startupProbe"] =
        json!({"httpGet": {"path": "/livez", "port": "http"}, "failureThreshold": 30});
    allowed(&evaluate(
        &wrap("StatefulSet", pod_with(json!([c]))),
        s,
        vec![],
    ));
}

#[test]
fn probe_timings_use_kubernetes_defaults() {
    let s = only("probes-timing", json!({}));
    allowed(&evaluate(
        &wrap("Deployment", good_spec()),
        s.clone(),
        vec![],
    ));
    let mut c = good_container("app");
    c["livenessProbe"]["periodSeconds"] = json!(1);
    c["livenessProbe"]["failureThreshold"] = json!(1);
    c["readinessProbe"]["initialDelaySeconds"] = json!(600);
    c["startupProbe"] =
        json!({"tcpSocket": {"port": 8080}, "periodSeconds": 1, "failureThreshold": 120});
    let r = evaluate(&wrap("Deployment", pod_with(json!([c]))), s.clone(), vec![]);
    denied(
        &r,
        "probes-timing",
        &[
            "containers[0].livenessProbe.periodSeconds: livenessProbe runs every 1s, outside 5s..60s",
            "containers[0].livenessProbe.failureThreshold: livenessProbe restarts the container after 1 failure(s), below 3",
            "containers[0].readinessProbe.initialDelaySeconds: readinessProbe waits 600s",
        ],
    );
    // Startup probes may poll fast.
    assert!(
        !message(&r).contains("startupProbe.periodSeconds"),
        "{}",
        message(&r)
    );
    // Job pods with probes are held to the same bounds.
    let mut slow = good_container("app");
    slow["readinessProbe"]["periodSeconds"] = json!(300);
    denied(
        &evaluate(&wrap("CronJob", pod_with(json!([slow]))), s, vec![]),
        "probes-timing",
        &["readinessProbe runs every 300s"],
    );
    let inverted = evaluate(
        &wrap("Pod", good_spec()),
        only(
            "probes-timing",
            json!({"minPeriodSeconds": 30, "maxPeriodSeconds": 10}),
        ),
        vec![],
    );
    assert_eq!(inverted.code, Some(400));
}

#[test]
fn liveness_and_readiness_must_differ() {
    let s = only("probes-distinct", json!({}));
    allowed(&evaluate(&wrap("Pod", good_spec()), s.clone(), vec![]));
    let mut c = good_container("app");
    c["readinessProbe"] =
        json!({"httpGet": {"path": "/livez", "port": "http"}, "periodSeconds": 5});
    denied(
        &evaluate(&wrap("Deployment", pod_with(json!([c]))), s, vec![]),
        "probes-distinct",
        &[
            "spec.template.spec.containers[0].livenessProbe.httpGet: livenessProbe and readinessProbe run the same httpGet check",
        ],
    );
}

#[test]
fn probe_ports_must_be_declared() {
    let s = only("probes-port-declared", json!({}));
    allowed(&evaluate(&wrap("Pod", good_spec()), s.clone(), vec![]));
    let mut c = good_container("app");
    c["livenessProbe"]["httpGet"]["port"] = json!("htpp");
    c["readinessProbe"] = json!({"tcpSocket": {"port": 9090}});
    for kind in ["Pod", "Deployment", "CronJob"] {
        let r = evaluate(&wrap(kind, pod_with(json!([c.clone()]))), s.clone(), vec![]);
        denied(
            &r,
            "probes-port-declared",
            &[&kit::text!(
                "{}.containers[0].livenessProbe.httpGet.port: livenessProbe targets port \"htpp\", which container \"app\" does not declare",
                spec_path(kind)
            )],
        );
        assert!(
            !message(&r).contains("9090"),
            "numeric ports are not checked by default"
        );
    }
    let numeric = only("probes-port-declared", json!({"numericPorts": true}));
    let mut c = good_container("app");
    c["readinessProbe"] = json!({"grpc": {"port": 9090}});
    denied(
        &evaluate(
            &wrap("Deployment", pod_with(json!([c]))),
            numeric.clone(),
            vec![],
        ),
        "probes-port-declared",
        &["readinessProbe.grpc.port"],
    );
    let mut c = good_container("app");
    c["readinessProbe"] = json!({"tcpSocket": {"port": 8080}});
    allowed(&evaluate(
        &wrap("Deployment", pod_with(json!([c]))),
        numeric,
        vec![],
    ));
}

// --- replicas, spread, bare pods ----------------------------------------------

fn deployment(replicas: Value) -> Value {
    let mut d = wrap("Deployment", good_spec());
    d["spec"]["replicas"] = replicas;
    d
}

#[test]
fn minimum_replicas() {
    let s = only("replicas-minimum", json!({}));
    allowed(&evaluate(&deployment(json!(2)), s.clone(), vec![]));
    denied(
        &evaluate(&deployment(json!(1)), s.clone(), vec![]),
        "replicas-minimum",
        &["spec.replicas: Deployment runs 1 replica(s), below the minimum of 2"],
    );
    denied(
        &evaluate(&deployment(Value::Null), s.clone(), vec![]),
        "replicas-minimum",
        &["1 replica (spec.replicas is unset)"],
    );
    allowed(&evaluate(&deployment(json!(0)), s.clone(), vec![]));
    denied(
        &evaluate(
            &deployment(json!(0)),
            only("replicas-minimum", json!({"allowZero": false})),
            vec![],
        ),
        "replicas-minimum",
        &["0 replica(s)"],
    );
    let mut sts = wrap("StatefulSet", good_spec());
    sts["spec"]["replicas"] = json!(2);
    denied(
        &evaluate(
            &sts,
            only("replicas-minimum", json!({"minReplicas": 3})),
            vec![],
        ),
        "replicas-minimum",
        &["StatefulSet runs 2 replica(s), below the minimum of 3"],
    );
    // A ReplicaSet scaled to 0 by its Deployment, and pods, are not this control's.
    let mut rs = wrap("ReplicaSet", good_spec());
    rs["spec"]["replicas"] = json!(1);
    allowed(&evaluate(&rs, s.clone(), vec![]));
    allowed(&evaluate(&wrap("Pod", good_spec()), s, vec![]));
}

fn spread(d: &mut Value, constraints: Value) {
    d["spec"]["template"]["spec"]["topologySpreadConstraints"] = constraints;
}

#[test]
fn zone_spread_or_anti_affinity() {
    let s = only("replicas-spread", json!({}));
    let zone = json!({"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone",
                      "whenUnsatisfiable": "DoNotSchedule", "labelSelector": {"matchLabels": {"app": "web"}}});
    let mut d = deployment(json!(3));
    denied(
        &evaluate(&d, s.clone(), vec![]),
        "replicas-spread",
        &[
            "spec.template.spec.topologySpreadConstraints: 3 replicas have no topology spread constraint on topology.kubernetes.io/zone and no pod anti-affinity on topology.kubernetes.io/zone or kubernetes.io/hostname",
        ],
    );
    spread(&mut d, json!([zone]));
    allowed(&evaluate(&d, s.clone(), vec![]));

    let mut skewed = zone.clone();
    skewed["maxSkew"] = json!(2);
    spread(&mut d, json!([skewed]));
    denied(
        &evaluate(&d, s.clone(), vec![]),
        "replicas-spread",
        &[
            "topologySpreadConstraints[0].maxSkew: spread across topology.kubernetes.io/zone allows a skew of 2, above 1",
        ],
    );

    let mut soft = zone.clone();
    soft["whenUnsatisfiable"] = json!("ScheduleAnyway");
    spread(&mut d, json!([soft]));
    denied(
        &evaluate(&d, s.clone(), vec![]),
        "replicas-spread",
        &["is ScheduleAnyway, not DoNotSchedule"],
    );
    allowed(&evaluate(
        &d,
        only("replicas-spread", json!({"whenUnsatisfiable": ""})),
        vec![],
    ));

    let mut other = zone.clone();
    other["labelSelector"] = json!({"matchLabels": {"app": "db"}});
    spread(&mut d, json!([other]));
    denied(
        &evaluate(&d, s.clone(), vec![]),
        "replicas-spread",
        &["does not select the workload's own pods (app=web)"],
    );

    let mut anti = deployment(json!(2));
    anti["spec"]["template"]["spec"]["affinity"] = json!({"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        {"topologyKey": "kubernetes.io/hostname", "labelSelector": {"matchLabels": {"app": "web"}}}]}});
    allowed(&evaluate(&anti, s.clone(), vec![]));
    denied(
        &evaluate(
            &anti,
            only("replicas-spread", json!({"antiAffinityTopologyKeys": []})),
            vec![],
        ),
        "replicas-spread",
        &["no topology spread constraint"],
    );

    let mut preferred = deployment(json!(2));
    preferred["spec"]["template"]["spec"]["affinity"] = json!({"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 100, "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname", "labelSelector": {"matchLabels": {"app": "web"}}}}]}});
    denied(
        &evaluate(&preferred, s.clone(), vec![]),
        "replicas-spread",
        &["no topology spread constraint"],
    );
    allowed(&evaluate(
        &preferred,
        only("replicas-spread", json!({"preferredAntiAffinity": true})),
        vec![],
    ));

    // One replica has nothing to spread.
    allowed(&evaluate(&deployment(json!(1)), s.clone(), vec![]));
    let bad = evaluate(
        &deployment(json!(1)),
        only("replicas-spread", json!({"whenUnsatisfiable": "Sometimes"})),
        vec![],
    );
    assert_eq!(bad.code, Some(400));
}

#[test]
fn bare_pods_are_refused_with_an_allow_list() {
    let s = only("pods-bare", json!({}));
    let pod = wrap("Pod", good_spec());
    denied(
        &evaluate(&pod, s.clone(), vec![]),
        "pods-bare",
        &["metadata.ownerReferences: the Pod has no controller"],
    );
    let mut owned = pod.clone();
    owned["metadata"]["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-1", "uid": "u", "controller": true}]);
    allowed(&evaluate(&owned, s.clone(), vec![]));
    let mut gc_only = pod.clone();
    gc_only["metadata"]["ownerReferences"] =
        json!([{"apiVersion": "v1", "kind": "ConfigMap", "name": "x", "uid": "u"}]);
    denied(&evaluate(&gc_only, s.clone(), vec![]), "pods-bare", &[]);
    let mut mirror = pod.clone();
    mirror["metadata"]["annotations"] = json!({"kubernetes.io/config.mirror": "abc"});
    allowed(&evaluate(&mirror, s.clone(), vec![]));
    allowed(&evaluate(
        &pod,
        only("pods-bare", json!({"allowedNames": ["debug-*", "we?"]})),
        vec![],
    ));
    // Existing bare pods may still be updated.
    allowed(&evaluate_with(
        &pod,
        "UPDATE",
        s.clone(),
        &kit::Snapshot::default(),
    ));
    allowed(&evaluate(&wrap("Deployment", good_spec()), s, vec![]));
}

// --- rollout ------------------------------------------------------------------

#[test]
fn rollout_strategy_resolves_max_unavailable_like_the_controllers() {
    let s = only("rollout-strategy", json!({}));
    let with = |kind: &str, replicas: i64, strategy: Value| {
        let mut o = wrap(kind, good_spec());
        o["spec"]["replicas"] = json!(replicas);
        let field = if kind == "Deployment" {
            "strategy"
        } else {
            "updateStrategy"
        };
        o["spec"][field] = strategy;
        o
    };
    // Defaults pass.
    for kind in ["Deployment", "StatefulSet", "DaemonSet"] {
        allowed(&evaluate(&wrap(kind, good_spec()), s.clone(), vec![]));
    }
    denied(
        &evaluate(
            &with("Deployment", 3, json!({"type": "Recreate"})),
            s.clone(),
            vec![],
        ),
        "rollout-strategy",
        &["spec.strategy.type: the Recreate strategy"],
    );
    allowed(&evaluate(
        &with("Deployment", 3, json!({"type": "Recreate"})),
        only("rollout-strategy", json!({"allowRecreate": true})),
        vec![],
    ));
    denied(
        &evaluate(
            &with(
                "Deployment",
                4,
                json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "100%"}}),
            ),
            s.clone(),
            vec![],
        ),
        "rollout-strategy",
        &[
            "spec.strategy.rollingUpdate.maxUnavailable: maxUnavailable 100% lets 4 of 4 pods be down during a rollout, above 50%",
        ],
    );
    allowed(&evaluate(
        &with(
            "Deployment",
            2,
            json!({"rollingUpdate": {"maxUnavailable": 1}}),
        ),
        s.clone(),
        vec![],
    ));
    denied(
        &evaluate(
            &with(
                "Deployment",
                3,
                json!({"rollingUpdate": {"maxUnavailable": 2}}),
            ),
            s.clone(),
            vec![],
        ),
        "rollout-strategy",
        &["lets 2 of 3 pods"],
    );
    // 10% of 2 rounds down to 0; with maxSurge 0 the controller takes 1 down anyway: 1 of 1.
    denied(
        &evaluate(
            &with(
                "Deployment",
                1,
                json!({"rollingUpdate": {"maxUnavailable": "10%", "maxSurge": 0}}),
            ),
            s.clone(),
            vec![],
        ),
        "rollout-strategy",
        &["lets 1 of 1 pods"],
    );
    allowed(&evaluate(
        &with(
            "Deployment",
            1,
            json!({"rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}}),
        ),
        s.clone(),
        vec![],
    ));

    denied(
        &evaluate(
            &with("StatefulSet", 3, json!({"type": "OnDelete"})),
            s.clone(),
            vec![],
        ),
        "rollout-strategy",
        &["spec.updateStrategy.type: the OnDelete strategy"],
    );
    allowed(&evaluate(
        &with("StatefulSet", 3, json!({"type": "OnDelete"})),
        only("rollout-strategy", json!({"allowOnDelete": true})),
        vec![],
    ));
    // StatefulSets round up: 60% of 3 is 2.
    denied(
        &evaluate(
            &with(
                "StatefulSet",
                3,
                json!({"rollingUpdate": {"maxUnavailable": "60%"}}),
            ),
            s.clone(),
            vec![],
        ),
        "rollout-strategy",
        &["lets 2 of 3 pods"],
    );
    allowed(&evaluate(
        &with(
            "StatefulSet",
            1,
            json!({"rollingUpdate": {"maxUnavailable": 1}}),
        ),
        s.clone(),
        vec![],
    ));

    allowed(&evaluate(
        &with(
            "DaemonSet",
            1,
            json!({"rollingUpdate": {"maxUnavailable": "10%"}}),
        ),
        s.clone(),
        vec![],
    ));
    denied(
        &evaluate(
            &with(
                "DaemonSet",
                1,
                json!({"rollingUpdate": {"maxUnavailable": "75%"}}),
            ),
            s.clone(),
            vec![],
        ),
        "rollout-strategy",
        &["maxUnavailable 75% lets more than 50% of the nodes"],
    );
    denied(
        &evaluate(
            &with(
                "DaemonSet",
                1,
                json!({"rollingUpdate": {"maxUnavailable": 3}}),
            ),
            s.clone(),
            vec![],
        ),
        "rollout-strategy",
        &["spec.updateStrategy.rollingUpdate.maxUnavailable: maxUnavailable 3 lets 3 nodes"],
    );
    denied(
        &evaluate(
            &with("DaemonSet", 1, json!({"type": "OnDelete"})),
            s,
            vec![],
        ),
        "rollout-strategy",
        &["OnDelete"],
    );
}

#[test]
fn rollout_timing_and_history() {
    let mut d = wrap("Deployment", good_spec());
    denied(
        &evaluate(&d, only("rollout-min-ready-seconds", json!({})), vec![]),
        "rollout-min-ready-seconds",
        &["spec.minReadySeconds: minReadySeconds is 0, below 10"],
    );
    d["spec"]["minReadySeconds"] = json!(10);
    allowed(&evaluate(
        &d,
        only("rollout-min-ready-seconds", json!({})),
        vec![],
    ));
    allowed(&evaluate(
        &d,
        only("rollout-progress-deadline", json!({})),
        vec![],
    ));
    d["spec"]["progressDeadlineSeconds"] = json!(3600);
    denied(
        &evaluate(&d, only("rollout-progress-deadline", json!({})), vec![]),
        "rollout-progress-deadline",
        &["spec.progressDeadlineSeconds: progressDeadlineSeconds is 3600, above 600"],
    );
    allowed(&evaluate(
        &d,
        only("rollout-progress-deadline", json!({"maximum": 3600})),
        vec![],
    ));
    for kind in ["Deployment", "StatefulSet", "DaemonSet"] {
        let mut o = wrap(kind, good_spec());
        allowed(&evaluate(
            &o,
            only("rollout-revision-history", json!({})),
            vec![],
        ));
        o["spec"]["revisionHistoryLimit"] = json!(0);
        denied(
            &evaluate(&o, only("rollout-revision-history", json!({})), vec![]),
            "rollout-revision-history",
            &["spec.revisionHistoryLimit: revisionHistoryLimit is 0, below 2"],
        );
    }
}

// --- disruption budgets, autoscalers, priority --------------------------------

fn pdb(spec: Value) -> Value {
    json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
           "metadata": {"name": "web", "namespace": NS}, "spec": spec})
}

#[test]
fn budgets_must_allow_an_eviction() {
    let s = only("pdb-allows-eviction", json!({}));
    let sel = json!({"matchLabels": {"app": "web"}});
    allowed(&evaluate(
        &pdb(json!({"selector": sel, "maxUnavailable": 1})),
        s.clone(),
        vec![],
    ));
    allowed(&evaluate(
        &pdb(json!({"selector": sel, "minAvailable": "50%"})),
        s.clone(),
        vec![],
    ));
    allowed(&evaluate(
        &pdb(json!({"selector": sel, "minAvailable": 2})),
        s.clone(),
        vec![],
    ));
    denied(
        &evaluate(
            &pdb(json!({"selector": sel, "maxUnavailable": 0})),
            s.clone(),
            vec![],
        ),
        "pdb-allows-eviction",
        &["spec.maxUnavailable: maxUnavailable 0 allows no eviction"],
    );
    denied(
        &evaluate(
            &pdb(json!({"selector": sel, "maxUnavailable": "0%"})),
            s.clone(),
            vec![],
        ),
        "pdb-allows-eviction",
        &["maxUnavailable 0% allows no eviction"],
    );
    denied(
        &evaluate(
            &pdb(json!({"selector": sel, "minAvailable": "100%"})),
            s.clone(),
            vec![],
        ),
        "pdb-allows-eviction",
        &["spec.minAvailable: minAvailable 100% allows no eviction"],
    );
    let strict = only("pdb-allows-eviction", json!({"requireAlwaysAllow": true}));
    denied(
        &evaluate(
            &pdb(json!({"selector": sel, "maxUnavailable": 1})),
            strict.clone(),
            vec![],
        ),
        "pdb-allows-eviction",
        &["spec.unhealthyPodEvictionPolicy: unhealthyPodEvictionPolicy is IfHealthyBudget"],
    );
    allowed(&evaluate(
        &pdb(
            json!({"selector": sel, "maxUnavailable": 1, "unhealthyPodEvictionPolicy": "AlwaysAllow"}),
        ),
        strict,
        vec![],
    ));
}

fn hpa(api_version: &str, spec: Value) -> Value {
    json!({"apiVersion": api_version, "kind": "HorizontalPodAutoscaler",
           "metadata": {"name": "web", "namespace": NS}, "spec": spec})
}

#[test]
fn autoscaler_sanity() {
    let s = only("hpa-sanity", json!({}));
    let target = json!({"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"});
    let metrics = json!([{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}}]);
    allowed(&evaluate(
        &hpa(
            "autoscaling/v2",
            json!({"scaleTargetRef": target, "minReplicas": 2, "maxReplicas": 10, "metrics": metrics}),
        ),
        s.clone(),
        vec![],
    ));
    let r = evaluate(
        &hpa(
            "autoscaling/v2",
            json!({"scaleTargetRef": target, "maxReplicas": 1}),
        ),
        s.clone(),
        vec![],
    );
    denied(
        &r,
        "hpa-sanity",
        &[
            "spec.minReplicas: minReplicas is 1, below 2",
            "spec.maxReplicas: maxReplicas 1 is not above minReplicas 1",
            "spec.metrics: no metrics are set",
        ],
    );
    allowed(&evaluate(
        &hpa(
            "autoscaling/v1",
            json!({"scaleTargetRef": target, "minReplicas": 3, "maxReplicas": 6, "targetCPUUtilizationPercentage": 70}),
        ),
        s.clone(),
        vec![],
    ));
    allowed(&evaluate(
        &hpa(
            "autoscaling/v2",
            json!({"scaleTargetRef": target, "minReplicas": 2, "maxReplicas": 4}),
        ),
        only("hpa-sanity", json!({"requireMetrics": false})),
        vec![],
    ));
}

#[test]
fn priority_classes() {
    let s = only("priority-class", json!({}));
    for kind in ["Pod", "Deployment", "CronJob"] {
        denied(
            &evaluate(&wrap(kind, good_spec()), s.clone(), vec![]),
            "priority-class",
            &[&kit::text!(
                "{}.priorityClassName: priorityClassName is not set",
                spec_path(kind)
            )],
        );
        let mut spec = good_spec();
        spec["priorityClassName"] = json!("team-high");
        allowed(&evaluate(&wrap(kind, spec.clone()), s.clone(), vec![]));
        let listed = only("priority-class", json!({"allowed": ["platform-*"]}));
        denied(
            &evaluate(&wrap(kind, spec), listed, vec![]),
            "priority-class",
            &["priorityClassName team-high is not allowed; allowed: platform-*"],
        );
    }
    allowed(&evaluate(
        &wrap("Pod", good_spec()),
        only("priority-class", json!({"required": false})),
        vec![],
    ));

    let class = |name: &str, global: bool| {
        json!({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
        "metadata": {"name": name}, "value": 1000, "globalDefault": global})
    };
    let s = only(
        "priority-class-global-default",
        json!({"allowed": ["platform-default"]}),
    );
    allowed(&evaluate(&class("batch", false), s.clone(), vec![]));
    allowed(&evaluate(
        &class("platform-default", true),
        s.clone(),
        vec![],
    ));
    denied(
        &evaluate(&class("greedy", true), s, vec![]),
        "priority-class-global-default",
        &["globalDefault: PriorityClass greedy makes itself the global default"],
    );
}

// --- the recommended set ------------------------------------------------------

#[test]
fn the_default_set_admits_a_well_configured_workload_and_reports_criteria() {
    let mut d = deployment(json!(3));
    d["spec"]["template"]["spec"]["containers"][0]["name"] = json!("web");
    allowed(&evaluate(&d, json!({}), vec![]));
    let bare = wrap(
        "Deployment",
        pod_with(json!([{"name": "app", "image": "x"}])),
    );
    let r = evaluate(&bare, json!({}), vec![]);
    denied(
        &r,
        "resources-requests-limits",
        &["[probes-liveness-readiness]"],
    );
    let criteria = r.annotations["kube-soc2.criteria"].as_str().unwrap();
    assert!(
        criteria.contains("A1.1") && criteria.contains("A1.2") && criteria.contains("A.8.6"),
        "{criteria}"
    );
    // Context-aware controls are never on by default: no lookups, so no failure without context.
    let r = evaluate_with(&d, "CREATE", json!({}), &FAILING);
    allowed(&r);
}

#[test]
fn warn_only_and_exemptions_apply() {
    let bare = wrap(
        "Deployment",
        pod_with(json!([{"name": "app", "image": "x"}])),
    );
    let r = evaluate(
        &bare,
        json!({"controls": ["resources", "priority-class-global-default"], "warnOnly": ["resources"]}),
        vec![],
    );
    allowed(&r);
    let r = evaluate(
        &bare,
        json!({"controls": ["resources-requests-limits"],
        "exemptions": [{"namespaces": [NS], "containers": ["app"], "reason": "TICKET-1"}]}),
        vec![],
    );
    allowed(&r);
}
