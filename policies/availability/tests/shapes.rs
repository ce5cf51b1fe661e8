//! Issue 9, "values in more than one shape": every boolean is read through
//! `kit::Flag` and every integer through `kit::Int` (via
//! `availability::controls::int`): `3.0` is 3 everywhere, `3.5` and other
//! unreadable values are findings, and a non-canonical boolean that may mean
//! true fails the control that forbids true.

use availability::FAMILY;
use kit::testing::{assert_allowed, assert_denied, check, only, workload};
use serde_json::{Value, json};

fn pod_spec() -> Value {
    json!({"containers": [{"name": "app", "image": "registry.example.com/web:1",
        "ports": [{"name": "http", "containerPort": 8080}],
        "livenessProbe": {"httpGet": {"path": "/livez", "port": "http"}},
        "readinessProbe": {"httpGet": {"path": "/readyz", "port": "http"}}}]})
}

fn deployment(replicas: Value) -> Value {
    let mut d = workload("Deployment", pod_spec(), json!({}));
    d["spec"]["replicas"] = replicas;
    d
}

fn pdb(spec: Value) -> Value {
    let mut spec = spec;
    spec["selector"] = json!({"matchLabels": {"app": "web"}});
    json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
           "metadata": {"name": "web", "namespace": kit::testing::NS}, "spec": spec})
}

fn run(object: Value, control: &str, cluster: Vec<Value>) -> Value {
    check(&FAMILY, object, only(control, Value::Null), cluster)
}

#[test]
fn global_default_in_any_truthy_shape_fails() {
    for odd in [
        json!("true"),
        json!(1),
        json!("yes"),
        json!("on"),
        json!(true),
    ] {
        let pc = json!({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
                        "metadata": {"name": "high"}, "value": 1000, "globalDefault": odd});
        assert_denied(
            &run(pc, "priority-class-global-default", vec![]),
            &[
                "priority-class-global-default",
                "globalDefault",
                "PriorityClass high",
            ],
        );
    }
    let pc = json!({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
                    "metadata": {"name": "high"}, "value": 1000, "globalDefault": false});
    assert_allowed(&run(pc, "priority-class-global-default", vec![]));
}

#[test]
fn integral_float_replicas_are_replicas() {
    // 3.0 is 3: judged exactly as 3 by every control reading replicas.
    for three in [json!(3), json!(3.0)] {
        assert_denied(
            &run(deployment(three.clone()), "pdb-required", vec![]),
            &["pdb-required", "no PodDisruptionBudget"],
        );
        let budget = pdb(json!({"maxUnavailable": 1}));
        assert_allowed(&run(
            deployment(three.clone()),
            "pdb-required",
            vec![budget],
        ));
        assert_denied(
            &run(deployment(three.clone()), "replicas-spread", vec![]),
            &[
                "replicas-spread",
                "spec.template.spec.topologySpreadConstraints",
            ],
        );
        let budget = pdb(json!({"minAvailable": 3}));
        assert_denied(
            &run(deployment(three.clone()), "pdb-hpa-coherence", vec![budget]),
            &["pdb-hpa-coherence", "no pod can be evicted"],
        );
        assert_allowed(&run(deployment(three), "replicas-minimum", vec![]));
    }
    assert_denied(
        &run(deployment(json!(1.0)), "replicas-minimum", vec![]),
        &["runs 1 replica(s), below the minimum of 2"],
    );
}

#[test]
fn fractional_replicas_are_findings() {
    for control in [
        "pdb-required",
        "replicas-spread",
        "pdb-hpa-coherence",
        "replicas-minimum",
        "rollout-strategy",
    ] {
        for odd in [json!(3.5), json!("3"), json!(1e300)] {
            assert_denied(
                &run(deployment(odd), control, vec![]),
                &[control, "spec.replicas", "replicas is not an integer"],
            );
        }
    }
}

#[test]
fn other_integers_read_as_integers() {
    let field = |f: &str, v: Value| {
        let mut d = deployment(json!(3));
        d["spec"][f] = v;
        d
    };
    assert_allowed(&run(
        field("revisionHistoryLimit", json!(10.0)),
        "rollout-revision-history",
        vec![],
    ));
    assert_denied(
        &run(
            field("revisionHistoryLimit", json!(0.0)),
            "rollout-revision-history",
            vec![],
        ),
        &["revisionHistoryLimit is 0"],
    );
    assert_denied(
        &run(
            field("revisionHistoryLimit", json!(2.5)),
            "rollout-revision-history",
            vec![],
        ),
        &[
            "spec.revisionHistoryLimit",
            "revisionHistoryLimit is not an integer: 2.5",
        ],
    );
    assert_allowed(&run(
        field("minReadySeconds", json!(10.0)),
        "rollout-min-ready-seconds",
        vec![],
    ));
    assert_denied(
        &run(
            field("minReadySeconds", json!("30")),
            "rollout-min-ready-seconds",
            vec![],
        ),
        &["minReadySeconds is not an integer"],
    );
    assert_denied(
        &run(
            field("progressDeadlineSeconds", json!(60.5)),
            "rollout-progress-deadline",
            vec![],
        ),
        &["progressDeadlineSeconds is not an integer"],
    );

    let strategy = |mu: Value| {
        let mut d = deployment(json!(4));
        d["spec"]["strategy"] =
            json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": mu}});
        d
    };
    assert_allowed(&run(strategy(json!(1.0)), "rollout-strategy", vec![]));
    assert_denied(
        &run(strategy(json!(4.0)), "rollout-strategy", vec![]),
        &["maxUnavailable 4 lets 4 of 4 pods be down"],
    );
    assert_denied(
        &run(strategy(json!(0.5)), "rollout-strategy", vec![]),
        &[
            "spec.strategy.rollingUpdate.maxUnavailable",
            "not an integer or a percentage: 0.5",
        ],
    );

    assert_denied(
        &run(
            pdb(json!({"maxUnavailable": 0.0})),
            "pdb-allows-eviction",
            vec![],
        ),
        &["maxUnavailable 0 allows no eviction"],
    );
    assert_denied(
        &run(
            pdb(json!({"maxUnavailable": 0.5})),
            "pdb-allows-eviction",
            vec![],
        ),
        &["spec.maxUnavailable", "not an integer or a percentage: 0.5"],
    );
    assert_allowed(&run(
        pdb(json!({"maxUnavailable": 1.0})),
        "pdb-allows-eviction",
        vec![],
    ));

    let hpa = |min: Value, max: Value| {
        json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
               "metadata": {"name": "web", "namespace": kit::testing::NS},
               "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                        "minReplicas": min, "maxReplicas": max,
                        "metrics": [{"type": "Resource", "resource": {"name": "cpu",
                            "target": {"type": "Utilization", "averageUtilization": 70}}}]}})
    };
    assert_allowed(&run(hpa(json!(2.0), json!(5.0)), "hpa-sanity", vec![]));
    assert_denied(
        &run(hpa(json!(1.0), json!(5)), "hpa-sanity", vec![]),
        &["minReplicas is 1, below 2"],
    );
    assert_denied(
        &run(hpa(json!(2.5), json!(5)), "hpa-sanity", vec![]),
        &["spec.minReplicas", "minReplicas is not an integer: 2.5"],
    );
    assert_denied(
        &run(hpa(json!(2), json!("5")), "hpa-sanity", vec![]),
        &["spec.maxReplicas", "maxReplicas is not an integer"],
    );
    // The HPA admitted against its target: an unreadable floor is a finding.
    assert_denied(
        &run(
            hpa(json!(2.5), json!(5)),
            "pdb-hpa-coherence",
            vec![deployment(json!(3))],
        ),
        &["spec.minReplicas", "minReplicas is not an integer: 2.5"],
    );
}

#[test]
fn spread_and_probe_integers() {
    let spread = |skew: Value| {
        let mut d = deployment(json!(3.0));
        d["spec"]["template"]["spec"]["topologySpreadConstraints"] = json!([{
            "maxSkew": skew, "topologyKey": "topology.kubernetes.io/zone",
            "whenUnsatisfiable": "DoNotSchedule",
            "labelSelector": {"matchLabels": {"app": "web"}}}]);
        d
    };
    assert_allowed(&run(spread(json!(1.0)), "replicas-spread", vec![]));
    assert_denied(
        &run(spread(json!(1.5)), "replicas-spread", vec![]),
        &[
            "topologySpreadConstraints[0].maxSkew",
            "maxSkew is not an integer: 1.5",
        ],
    );

    let probed = |probe: Value, ports: Value| {
        let mut d = deployment(json!(2));
        d["spec"]["template"]["spec"]["containers"][0]["livenessProbe"] = probe;
        d["spec"]["template"]["spec"]["containers"][0]["ports"] = ports;
        d
    };
    let tcp = |port: Value| json!({"tcpSocket": {"port": port}});
    let numeric = json!({"controls": ["probes-port-declared"],
                         "parameters": {"probes-port-declared": {"numericPorts": true}}});
    let r = check(
        &FAMILY,
        probed(
            tcp(json!(8080.0)),
            json!([{"name": "http", "containerPort": 8080}]),
        ),
        numeric.clone(),
        vec![],
    );
    assert_allowed(&r);
    let r = check(
        &FAMILY,
        probed(
            tcp(json!(8080)),
            json!([{"name": "http", "containerPort": 8080.0}]),
        ),
        numeric.clone(),
        vec![],
    );
    assert_allowed(&r);
    let r = check(
        &FAMILY,
        probed(
            tcp(json!(8080.5)),
            json!([{"name": "http", "containerPort": 8080}]),
        ),
        numeric,
        vec![],
    );
    assert_denied(&r, &["livenessProbe.tcpSocket.port"]);
    let r = run(
        probed(
            tcp(json!(true)),
            json!([{"name": "http", "containerPort": 8080}]),
        ),
        "probes-port-declared",
        vec![],
    );
    assert_denied(&r, &["livenessProbe.tcpSocket.port"]);

    let timing = |k: &str, v: Value| {
        let mut p = json!({"httpGet": {"path": "/livez", "port": "http"}});
        p[k] = v;
        probed(p, json!([{"name": "http", "containerPort": 8080}]))
    };
    assert_allowed(&run(
        timing("periodSeconds", json!(10.0)),
        "probes-timing",
        vec![],
    ));
    assert_denied(
        &run(
            timing("periodSeconds", json!(10.5)),
            "probes-timing",
            vec![],
        ),
        &[
            "livenessProbe.periodSeconds",
            "periodSeconds is not an integer: 10.5",
        ],
    );
    assert_denied(
        &run(
            timing("failureThreshold", json!(1.0)),
            "probes-timing",
            vec![],
        ),
        &["livenessProbe restarts the container after 1 failure(s)"],
    );
}

#[test]
fn controller_flag_must_be_a_boolean() {
    let mut p = workload("Pod", pod_spec(), json!({}));
    p["metadata"]["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": "ReplicaSet",
        "name": "web-1", "uid": "u", "controller": "true"}]);
    assert_denied(
        &run(p.clone(), "pods-bare", vec![]),
        &["pods-bare", "metadata.ownerReferences"],
    );
    p["metadata"]["ownerReferences"][0]["controller"] = json!(true);
    assert_allowed(&run(p, "pods-bare", vec![]));
}
