//! The context-aware controls against cluster snapshots: objects present,
//! absent and malformed, and a cluster whose lookups fail.

mod common;

use common::*;
use serde_json::{Value, json};

fn deployment(name: &str, replicas: i64, app: &str) -> Value {
    let mut d = wrap("Deployment", good_spec());
    d["metadata"]["name"] = json!(name);
    d["spec"]["replicas"] = json!(replicas);
    d["spec"]["selector"] = json!({"matchLabels": {"app": app}});
    d["spec"]["template"]["metadata"]["labels"] = json!({"app": app, "tier": "front"});
    d
}

fn pdb(name: &str, selector: Value, budget: Value) -> Value {
    let mut spec = budget;
    spec["selector"] = selector;
    json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
           "metadata": {"name": name, "namespace": NS}, "spec": spec})
}

fn app(app: &str) -> Value {
    json!({"matchLabels": {"app": app}})
}

fn hpa(name: &str, kind: &str, target: &str, min: i64) -> Value {
    json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
           "metadata": {"name": name, "namespace": NS},
           "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": kind, "name": target},
                    "minReplicas": min, "maxReplicas": 10}})
}

// --- pdb-required -------------------------------------------------------------

#[test]
fn replicated_workloads_need_a_budget_selecting_their_pods() {
    let s = only("pdb-required", json!({}));
    let d = deployment("web", 3, "web");
    allowed(&evaluate(
        &d,
        s.clone(),
        vec![pdb("web", app("web"), json!({"maxUnavailable": 1}))],
    ));
    // Match expressions, and the policy/v1 empty selector (every pod of the namespace).
    let expr =
        json!({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["front"]}]});
    allowed(&evaluate(
        &d,
        s.clone(),
        vec![pdb("front", expr, json!({"maxUnavailable": 1}))],
    ));
    allowed(&evaluate(
        &d,
        s.clone(),
        vec![pdb("all", json!({}), json!({"maxUnavailable": 1}))],
    ));

    denied(
        &evaluate(&d, s.clone(), vec![]),
        "pdb-required",
        &[
            "spec.template.metadata.labels: no PodDisruptionBudget in namespace team-a selects the pods (app=web,tier=front)",
        ],
    );
    // Budgets of other apps, of other namespaces, and without a selector do not count.
    let mut elsewhere = pdb("web", app("web"), json!({"maxUnavailable": 1}));
    elsewhere["metadata"]["namespace"] = json!("team-b");
    let mut no_selector = pdb("none", Value::Null, json!({"maxUnavailable": 1}));
    no_selector["spec"]
        .as_object_mut()
        .unwrap()
        .remove("selector");
    denied(
        &evaluate(
            &d,
            s.clone(),
            vec![
                pdb("db", app("db"), json!({"maxUnavailable": 1})),
                elsewhere,
                no_selector,
            ],
        ),
        "pdb-required",
        &["no PodDisruptionBudget"],
    );

    // StatefulSets too; single replicas are not asked for one (and trigger no lookup).
    let mut sts = wrap("StatefulSet", good_spec());
    sts["spec"]["replicas"] = json!(3);
    denied(
        &evaluate(&sts, s.clone(), vec![]),
        "pdb-required",
        &["(app=web)"],
    );
    allowed(&evaluate_with(
        &deployment("web", 1, "web"),
        "CREATE",
        s.clone(),
        &FAILING,
    ));
    allowed(&evaluate(
        &deployment("web", 3, "web"),
        only("pdb-required", json!({"minReplicas": 4})),
        vec![],
    ));
}

#[test]
fn malformed_budgets_are_named_not_trusted() {
    let s = only("pdb-required", json!({}));
    let broken = pdb(
        "broken",
        json!({"matchExpressions": [{"key": "app", "operator": "Like"}]}),
        json!({"maxUnavailable": 1}),
    );
    let weird = pdb(
        "weird",
        json!("app=web"),
        json!({"maxUnavailable": {"x": 1}}),
    );
    let r = evaluate(
        &deployment("web", 2, "web"),
        s,
        vec![
            broken,
            weird,
            json!("not an object"),
            json!({"kind": "PodDisruptionBudget"}),
        ],
    );
    denied(
        &r,
        "pdb-required",
        &[
            "budgets with unreadable selectors were skipped: broken (matchExpressions[0].operator",
            "weird (label selector must be an object)",
        ],
    );
}

#[test]
fn failed_lookups_degrade_to_a_clear_finding() {
    let d = deployment("web", 3, "web");
    for control in [
        "pdb-required",
        "pdb-hpa-coherence",
        "namespace-resource-quota",
        "namespace-limit-range",
    ] {
        let r = evaluate_with(&d, "CREATE", only(control, json!({})), &FAILING);
        denied(&r, control, &["could not verify", HOST_ERROR]);
    }
    let r = evaluate_with(
        &hpa("web", "Deployment", "web", 2),
        "CREATE",
        only("hpa-target-exists", json!({})),
        &FAILING,
    );
    denied(
        &r,
        "hpa-target-exists",
        &[
            "spec.scaleTargetRef: could not verify that the target Deployment web exists: ",
            HOST_ERROR,
        ],
    );
    let r = evaluate_with(
        &pdb("web", app("web"), json!({"minAvailable": 1})),
        "CREATE",
        only("pdb-hpa-coherence", json!({})),
        &FAILING,
    );
    denied(
        &r,
        "pdb-hpa-coherence",
        &["spec.selector: could not verify which Deployments this budget covers"],
    );
    // Outside a Kubewarden host (native build, no snapshot) the message says so.
    let r = evaluate_with(
        &d,
        "CREATE",
        only("pdb-required", json!({})),
        &kit::NoCluster,
    );
    denied(
        &r,
        "pdb-required",
        &[
            "could not verify that a PodDisruptionBudget selects these pods: no cluster context is available",
        ],
    );
    // warnOnly turns the degraded answer into a warning, not a denial.
    let r = evaluate_with(
        &d,
        "CREATE",
        json!({"controls": ["pdb-required", "priority-class-global-default"], "warnOnly": ["context-aware"]}),
        &FAILING,
    );
    allowed(&r);
}

// --- pdb-hpa-coherence ----------------------------------------------------------

#[test]
fn workload_against_its_budgets_and_autoscaler() {
    let s = only("pdb-hpa-coherence", json!({}));
    let d = deployment("web", 3, "web");
    allowed(&evaluate(&d, s.clone(), vec![]));
    allowed(&evaluate(
        &d,
        s.clone(),
        vec![
            pdb("web", app("web"), json!({"minAvailable": 2})),
            hpa("web", "Deployment", "web", 3),
        ],
    ));
    denied(
        &evaluate(
            &d,
            s.clone(),
            vec![pdb("web", app("web"), json!({"minAvailable": 3}))],
        ),
        "pdb-hpa-coherence",
        &[
            "spec.replicas: PodDisruptionBudget web requires minAvailable 3 (3 of the 3 replicas of Deployment web): no pod can be evicted",
        ],
    );
    // Percentages round up: 70% of 3 is 3.
    denied(
        &evaluate(
            &d,
            s.clone(),
            vec![pdb("web", app("web"), json!({"minAvailable": "70%"}))],
        ),
        "pdb-hpa-coherence",
        &["minAvailable 70% (3 of the 3 replicas"],
    );
    allowed(&evaluate(
        &d,
        s.clone(),
        vec![pdb("web", app("web"), json!({"minAvailable": "60%"}))],
    ));
    // maxUnavailable budgets always leave room (0 is pdb-allows-eviction's).
    allowed(&evaluate(
        &d,
        s.clone(),
        vec![pdb("web", app("web"), json!({"maxUnavailable": "10%"}))],
    ));
    // At the autoscaler's floor.
    let mut big = deployment("web", 5, "web");
    denied(
        &evaluate(
            &big,
            s.clone(),
            vec![
                pdb("web", app("web"), json!({"minAvailable": 2})),
                hpa("web-hpa", "Deployment", "web", 2),
            ],
        ),
        "pdb-hpa-coherence",
        &[
            "PodDisruptionBudget web requires minAvailable 2, which allows no eviction once HorizontalPodAutoscaler web-hpa scales Deployment web down to its minReplicas 2",
        ],
    );
    // Declared replicas below the autoscaler's floor.
    big["spec"]["replicas"] = json!(2);
    denied(
        &evaluate(
            &big,
            s.clone(),
            vec![hpa("web-hpa", "Deployment", "web", 3)],
        ),
        "pdb-hpa-coherence",
        &[
            "spec.replicas: spec.replicas 2 is below minReplicas 3 of HorizontalPodAutoscaler web-hpa",
        ],
    );
    // An autoscaler of a StatefulSet of the same name is not this Deployment's.
    allowed(&evaluate(
        &big,
        s.clone(),
        vec![hpa("web-hpa", "StatefulSet", "web", 3)],
    ));
    // Two budgets, two autoscalers.
    let r = evaluate(
        &d,
        s.clone(),
        vec![
            pdb("a", app("web"), json!({"maxUnavailable": 1})),
            pdb(
                "b",
                json!({"matchLabels": {"tier": "front"}}),
                json!({"maxUnavailable": 1}),
            ),
            hpa("h1", "Deployment", "web", 2),
            hpa("h2", "Deployment", "web", 2),
        ],
    );
    denied(
        &r,
        "pdb-hpa-coherence",
        &[
            "the pods are selected by 2 PodDisruptionBudgets (a, b): the eviction API refuses",
            "Deployment web is targeted by 2 HorizontalPodAutoscalers (h1, h2)",
        ],
    );
}

#[test]
fn budget_admission_against_the_workloads_it_covers() {
    let s = only("pdb-hpa-coherence", json!({}));
    let cluster = vec![
        deployment("web", 3, "web"),
        deployment("db", 1, "db"),
        hpa("web", "Deployment", "web", 2),
    ];
    allowed(&evaluate(
        &pdb("web", app("web"), json!({"maxUnavailable": 1})),
        s.clone(),
        cluster.clone(),
    ));
    allowed(&evaluate(
        &pdb("web", app("web"), json!({"minAvailable": 1})),
        s.clone(),
        cluster.clone(),
    ));
    denied(
        &evaluate(
            &pdb("web", app("web"), json!({"minAvailable": 3})),
            s.clone(),
            cluster.clone(),
        ),
        "pdb-hpa-coherence",
        &[
            "spec.minAvailable: PodDisruptionBudget web requires minAvailable 3 (3 of the 3 replicas of Deployment web)",
        ],
    );
    denied(
        &evaluate(
            &pdb("web", app("web"), json!({"minAvailable": 2})),
            s.clone(),
            cluster.clone(),
        ),
        "pdb-hpa-coherence",
        &["once HorizontalPodAutoscaler web scales Deployment web down to its minReplicas 2"],
    );
    // A budget for pods that do not exist yet is judged when they come.
    allowed(&evaluate(
        &pdb("cache", app("cache"), json!({"minAvailable": 5})),
        s.clone(),
        cluster.clone(),
    ));
    // Overlapping another budget; an UPDATE of the same budget is not an overlap with itself.
    let mut with_other = cluster.clone();
    with_other.push(pdb("web", app("web"), json!({"maxUnavailable": 1})));
    allowed(&evaluate_with(
        &pdb("web", app("web"), json!({"maxUnavailable": 2})),
        "UPDATE",
        s.clone(),
        &kit::Snapshot::new(with_other.clone()),
    ));
    denied(
        &evaluate(
            &pdb(
                "front",
                json!({"matchLabels": {"tier": "front"}}),
                json!({"maxUnavailable": 1}),
            ),
            s.clone(),
            with_other,
        ),
        "pdb-hpa-coherence",
        &["spec.selector: the pods of Deployment web are also selected by PodDisruptionBudget web"],
    );
    // StatefulSets are read as well.
    let mut sts = wrap("StatefulSet", good_spec());
    sts["metadata"]["name"] = json!("db");
    sts["spec"]["replicas"] = json!(2);
    denied(
        &evaluate(
            &pdb("db", app("web"), json!({"minAvailable": "100%"})),
            s,
            vec![sts],
        ),
        "pdb-hpa-coherence",
        &["of StatefulSet db"],
    );
}

#[test]
fn autoscaler_admission_against_its_target_and_budgets() {
    let s = only("pdb-hpa-coherence", json!({}));
    let cluster = vec![
        deployment("web", 3, "web"),
        pdb("web", app("web"), json!({"minAvailable": 2})),
    ];
    allowed(&evaluate(
        &hpa("web", "Deployment", "web", 3),
        s.clone(),
        cluster.clone(),
    ));
    denied(
        &evaluate(
            &hpa("web", "Deployment", "web", 2),
            s.clone(),
            cluster.clone(),
        ),
        "pdb-hpa-coherence",
        &[
            "spec.minReplicas: at minReplicas 2, PodDisruptionBudget web (minAvailable 2) allows no eviction of Deployment web's pods",
        ],
    );
    denied(
        &evaluate(
            &hpa("web", "Deployment", "web", 4),
            s.clone(),
            cluster.clone(),
        ),
        "pdb-hpa-coherence",
        &["minReplicas 4 is above the 3 replicas Deployment web declares"],
    );
    // Missing targets are hpa-target-exists's; other groups are not looked up.
    allowed(&evaluate(
        &hpa("web", "Deployment", "nope", 2),
        s.clone(),
        cluster.clone(),
    ));
    let mut rollout = hpa("web", "Rollout", "web", 2);
    rollout["spec"]["scaleTargetRef"]["apiVersion"] = json!("argoproj.io/v1alpha1");
    allowed(&evaluate_with(&rollout, "CREATE", s, &FAILING));
}

#[test]
fn malformed_context_objects_never_break_the_evaluation() {
    let s = json!({"controls": ["context-aware"]});
    let mut odd_deploy = deployment("odd", 3, "web");
    odd_deploy["spec"]["replicas"] = json!("three");
    let mut no_template = deployment("bare", 2, "web");
    no_template["spec"]
        .as_object_mut()
        .unwrap()
        .remove("template");
    let cluster = vec![
        odd_deploy,
        no_template,
        json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "x", "namespace": NS}, "spec": "nope"}),
        json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"namespace": NS},
               "spec": {"scaleTargetRef": {"kind": 5}, "minReplicas": "two"}}),
        pdb("p", app("web"), json!({"minAvailable": {"nested": true}})),
        pdb("q", app("web"), json!({"minAvailable": "abc%"})),
        json!({"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "q", "namespace": NS}, "spec": {"hard": ["cpu"]}}),
        json!({"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "l", "namespace": NS}, "spec": {"limits": {"type": "Container"}}}),
        json!(null),
        json!([1, 2]),
    ];
    let subjects = [
        deployment("web", 3, "web"),
        pdb("web", app("web"), json!({"minAvailable": 1})),
        hpa("web", "Deployment", "odd", 2),
        hpa("web", "Deployment", "bare", 2),
        wrap("Pod", good_spec()),
    ];
    for subject in &subjects {
        let r = evaluate(subject, s.clone(), cluster.clone());
        // Malformed objects count as absent: the answer is a normal verdict.
        assert!(r.code.is_none(), "{}", message(&r));
    }
    // Malformed quota and limit range do not satisfy the namespace gate.
    let r = evaluate(&wrap("Pod", good_spec()), s, cluster);
    denied(&r, "namespace-resource-quota", &["[namespace-limit-range]"]);
}

// --- hpa-target-exists --------------------------------------------------------

#[test]
fn autoscalers_target_an_existing_workload_alone() {
    let s = only("hpa-target-exists", json!({}));
    let cluster = vec![
        deployment("web", 3, "web"),
        hpa("web", "Deployment", "web", 2),
    ];
    // UPDATE of itself.
    allowed(&evaluate_with(
        &hpa("web", "Deployment", "web", 2),
        "UPDATE",
        s.clone(),
        &kit::Snapshot::new(cluster.clone()),
    ));
    denied(
        &evaluate(
            &hpa("web", "Deployment", "wbe", 2),
            s.clone(),
            cluster.clone(),
        ),
        "hpa-target-exists",
        &["spec.scaleTargetRef.name: Deployment wbe does not exist in namespace team-a"],
    );
    denied(
        &evaluate(
            &hpa("web", "StatefulSet", "web", 2),
            s.clone(),
            cluster.clone(),
        ),
        "hpa-target-exists",
        &["StatefulSet web does not exist"],
    );
    denied(
        &evaluate(
            &hpa("web-2", "Deployment", "web", 2),
            s.clone(),
            cluster.clone(),
        ),
        "hpa-target-exists",
        &["spec.scaleTargetRef: Deployment web is also targeted by HorizontalPodAutoscaler web"],
    );
    let mut rs = wrap("ReplicaSet", good_spec());
    rs["metadata"]["name"] = json!("legacy");
    allowed(&evaluate(
        &hpa("legacy", "ReplicaSet", "legacy", 2),
        s.clone(),
        vec![rs],
    ));
    // Custom scale targets are not looked up.
    let mut rollout = hpa("web", "Rollout", "web", 2);
    rollout["spec"]["scaleTargetRef"]["apiVersion"] = json!("argoproj.io/v1alpha1");
    allowed(&evaluate(&rollout, s.clone(), vec![]));
    let mut nameless = hpa("web", "Deployment", "", 2);
    nameless["spec"]["scaleTargetRef"]
        .as_object_mut()
        .unwrap()
        .remove("name");
    denied(
        &evaluate(&nameless, s, vec![]),
        "hpa-target-exists",
        &["scaleTargetRef names no kind and name"],
    );
}

// --- namespace quota and limit range --------------------------------------------

fn quota(name: &str, hard: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": name, "namespace": NS}, "spec": {"hard": hard}})
}

fn limit_range(kind: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "defaults", "namespace": NS},
           "spec": {"limits": [{"type": kind, "default": {"memory": "512Mi"}, "defaultRequest": {"memory": "256Mi"}}]}})
}

#[test]
fn workloads_are_admitted_only_into_bounded_namespaces() {
    let s = only("namespace-resource-quota", json!({}));
    for kind in POD_KINDS {
        let o = wrap(kind, good_spec());
        allowed(&evaluate(
            &o,
            s.clone(),
            vec![quota(
                "compute",
                json!({"requests.cpu": "10", "requests.memory": "20Gi"}),
            )],
        ));
        denied(
            &evaluate(&o, s.clone(), vec![]),
            "namespace-resource-quota",
            &[
                "metadata.namespace: namespace team-a has no unscoped ResourceQuota limiting requests.cpu, requests.memory",
            ],
        );
    }
    let d = wrap("Deployment", good_spec());
    // Aliases, split quotas, and the parameters.
    allowed(&evaluate(
        &d,
        s.clone(),
        vec![
            quota("a", json!({"cpu": "10"})),
            quota("b", json!({"memory": "1Gi"})),
        ],
    ));
    denied(
        &evaluate(
            &d,
            s.clone(),
            vec![quota("a", json!({"cpu": "10", "pods": "10"}))],
        ),
        "namespace-resource-quota",
        &["limiting requests.memory"],
    );
    let limits = only(
        "namespace-resource-quota",
        json!({"resources": ["requests.cpu", "limits.memory"]}),
    );
    denied(
        &evaluate(
            &d,
            limits,
            vec![quota("a", json!({"cpu": "10", "memory": "1Gi"}))],
        ),
        "namespace-resource-quota",
        &["limiting limits.memory"],
    );
    let mut scoped = quota("s", json!({"cpu": "10", "memory": "1Gi"}));
    scoped["spec"]["scopes"] = json!(["NotBestEffort"]);
    denied(
        &evaluate(&d, s.clone(), vec![scoped.clone()]),
        "namespace-resource-quota",
        &["no unscoped ResourceQuota"],
    );
    allowed(&evaluate(
        &d,
        only(
            "namespace-resource-quota",
            json!({"countScopedQuotas": true}),
        ),
        vec![scoped],
    ));
    // Other namespaces' quotas do not count.
    let mut other = quota("q", json!({"cpu": "10", "memory": "1Gi"}));
    other["metadata"]["namespace"] = json!("team-b");
    denied(
        &evaluate(&d, s.clone(), vec![other]),
        "namespace-resource-quota",
        &[],
    );
    // Derived objects and updates are never gated, and trigger no lookup.
    let mut owned = wrap("Pod", good_spec());
    owned["metadata"]["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-1", "uid": "u", "controller": true}]);
    allowed(&evaluate_with(&owned, "CREATE", s.clone(), &FAILING));
    allowed(&evaluate_with(&d, "UPDATE", s.clone(), &FAILING));
    // A bare object without namespace is looked up in default.
    let mut no_ns = wrap("Pod", good_spec());
    no_ns["metadata"]
        .as_object_mut()
        .unwrap()
        .remove("namespace");
    denied(
        &evaluate(&no_ns, s, vec![]),
        "namespace-resource-quota",
        &["namespace default has no"],
    );

    let s = only("namespace-limit-range", json!({}));
    for kind in ["Pod", "Deployment", "CronJob"] {
        let o = wrap(kind, good_spec());
        allowed(&evaluate(&o, s.clone(), vec![limit_range("Container")]));
        allowed(&evaluate(&o, s.clone(), vec![limit_range("Pod")]));
        denied(
            &evaluate(&o, s.clone(), vec![limit_range("PersistentVolumeClaim")]),
            "namespace-limit-range",
            &[
                "metadata.namespace: namespace team-a has no LimitRange with Container or Pod limits",
            ],
        );
    }
}

#[test]
fn quota_parameters_are_validated() {
    let r = evaluate(
        &wrap("Pod", good_spec()),
        only(
            "namespace-resource-quota",
            json!({"resources": ["cpu", ""]}),
        ),
        vec![],
    );
    assert_eq!(r.code, Some(400), "{}", message(&r));
}
