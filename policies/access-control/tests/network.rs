//! Network segmentation: allow-all NetworkPolicies, and the context-aware
//! default-deny and selection controls with present, absent and malformed
//! NetworkPolicies and a failing cluster.

mod support;

use kit::Snapshot;
use serde_json::{Value, json};
use support::*;

fn np(ns: &str, name: &str, spec: Value) -> Value {
    json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
           "metadata": {"name": name, "namespace": ns}, "spec": spec})
}

fn check_np(spec: Value, params: Value) -> Value {
    eval(
        request("NetworkPolicy", "CREATE", "team-a", np("team-a", "p", spec)),
        only("network-policy-no-allow-all", params),
    )
}

#[test]
fn allow_all_policies_are_refused() {
    for (spec, needles) in [
        (
            json!({"podSelector": {}, "ingress": [{}]}),
            vec!["spec.ingress[0]", "any source on every port"],
        ),
        (
            json!({"podSelector": {}, "ingress": [{"from": []}]}),
            vec!["spec.ingress[0]"],
        ),
        (
            json!({"podSelector": {}, "policyTypes": ["Egress"], "egress": [{}]}),
            vec!["spec.egress[0]", "any destination"],
        ),
        (
            json!({"podSelector": {"matchLabels": {"app": "db"}}, "ingress": [{"from": [{"namespaceSelector": {}}]}]}),
            vec!["spec.ingress[0].from[0]", "every pod of every namespace"],
        ),
        (
            json!({"podSelector": {}, "ingress": [{"from": [{"namespaceSelector": {}, "podSelector": {}}]}]}),
            vec!["spec.ingress[0].from[0]"],
        ),
    ] {
        let r = check_np(spec, Value::Null);
        let mut all = vec!["[network-policy-no-allow-all]"];
        all.extend(needles);
        assert_denied(&r, &all);
    }
}

#[test]
fn scoped_policies_pass_and_anywhere_cidrs_are_opt_in() {
    for spec in [
        json!({"podSelector": {}}),
        json!({"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}),
        json!({"podSelector": {}, "ingress": [{"ports": [{"port": 443}]}]}),
        json!({"podSelector": {}, "ingress": [{"from": [{"podSelector": {}}]}]}),
        json!({"podSelector": {}, "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"team": "a"}}}]}]}),
        json!({"podSelector": {}, "ingress": [{"from": [{"namespaceSelector": {}}], "ports": [{"port": 8080}]}]}),
        // Egress rules of an Ingress-only policy are not enforced.
        json!({"podSelector": {}, "policyTypes": ["Ingress"], "egress": [{}]}),
    ] {
        assert_allowed(&check_np(spec, Value::Null));
    }
    let internet = json!({"podSelector": {}, "policyTypes": ["Egress"],
        "egress": [{"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": [{"port": 443}]}]});
    assert_allowed(&check_np(internet.clone(), Value::Null));
    assert_denied(
        &check_np(internet, json!({"forbidEgressToAnywhere": true})),
        &["spec.egress[0].to[0].ipBlock.cidr", "0.0.0.0/0"],
    );
    let from_anywhere =
        json!({"podSelector": {}, "ingress": [{"from": [{"ipBlock": {"cidr": "::/0"}}]}]});
    assert_allowed(&check_np(from_anywhere.clone(), Value::Null));
    assert_denied(
        &check_np(from_anywhere, json!({"forbidIngressFromAnywhere": true})),
        &["::/0"],
    );
}

fn deny_ingress(ns: &str) -> Value {
    np(
        ns,
        "default-deny",
        json!({"podSelector": {}, "policyTypes": ["Ingress"]}),
    )
}

fn deny_all(ns: &str) -> Value {
    np(
        ns,
        "default-deny-all",
        json!({"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}),
    )
}

fn workload_req(kind: &str, ns: &str) -> Value {
    request(
        kind,
        "CREATE",
        ns,
        workload(
            kind,
            ns,
            json!({"containers": [{"name": "c", "image": "i"}]}),
        ),
    )
}

#[test]
fn default_deny_required_for_every_pod_bearing_kind() {
    let c = "namespace-default-deny";
    let present = Snapshot::new(vec![deny_ingress("team-a"), deny_all("team-b")]);
    for kind in POD_KINDS {
        assert_allowed(&evaluate(
            workload_req(kind, "team-a"),
            only(c, Value::Null),
            &present,
        ));
        // Absent: the namespace has no policy (another namespace's does not count).
        let r = evaluate(workload_req(kind, "team-c"), only(c, Value::Null), &present);
        assert_denied(
            &r,
            &[
                "[namespace-default-deny]",
                "namespace \"team-c\" has no default-deny NetworkPolicy for Ingress",
            ],
        );
        // Egress when configured.
        let egress = json!({"egress": true});
        let r = evaluate(
            workload_req(kind, "team-a"),
            only(c, egress.clone()),
            &present,
        );
        assert_denied(&r, &["for Egress"]);
        assert!(!message(&r).contains("for Ingress"));
        assert_allowed(&evaluate(
            workload_req(kind, "team-b"),
            only(c, egress),
            &present,
        ));
    }
}

#[test]
fn policies_that_are_not_default_deny_do_not_count() {
    let c = "namespace-default-deny";
    let cluster = Snapshot::new(vec![
        np(
            "team-a",
            "allow-all",
            json!({"podSelector": {}, "ingress": [{}]}),
        ),
        np(
            "team-a",
            "only-db",
            json!({"podSelector": {"matchLabels": {"app": "db"}}}),
        ),
        np(
            "team-a",
            "egress-only",
            json!({"podSelector": {}, "policyTypes": ["Egress"]}),
        ),
        // Malformed context objects: no spec, a non-object selector, a non-object item.
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "a", "namespace": "team-a"}}),
        np("team-a", "b", json!({"podSelector": "all"})),
        np("team-a", "c", json!("garbage")),
    ]);
    let r = evaluate(
        workload_req("Deployment", "team-a"),
        only(c, Value::Null),
        &cluster,
    );
    assert_denied(&r, &["no default-deny NetworkPolicy for Ingress"]);
}

#[test]
fn failing_cluster_refuses_the_workload() {
    for c in [
        "namespace-default-deny",
        "workload-selected-by-network-policy",
    ] {
        let r = evaluate(
            workload_req("StatefulSet", "team-a"),
            only(c, Value::Null),
            &FAILING,
        );
        assert_denied(
            &r,
            &[
                "could not list the NetworkPolicies of namespace \"team-a\"",
                "Policy has not been granted access to Kubernetes NetworkPolicy resources",
                "cannot be verified",
            ],
        );
    }
    // Exempting the namespace skips the finding (the lookup still fails, harmlessly).
    let settings = json!({"controls": ["namespace-default-deny"], "exemptions": [{"namespaces": ["team-a"], "reason": "migration"}]});
    assert_allowed(&evaluate(workload_req("Pod", "team-a"), settings, &FAILING));
}

#[test]
fn lookups_only_when_enabled() {
    let counting = Counting {
        inner: Snapshot::new(vec![deny_ingress("team-a")]),
        ..Counting::default()
    };
    let _ = evaluate(workload_req("Pod", "team-a"), json!({}), &counting);
    assert_eq!(counting.calls.get(), 0, "the default set makes no lookups");
    let _ = evaluate(
        workload_req("Pod", "team-a"),
        json!({"controls": ["network"]}),
        &counting,
    );
    assert!(counting.calls.get() >= 1);
}

#[test]
fn workload_selected_by_some_policy() {
    let c = "workload-selected-by-network-policy";
    let cluster = Snapshot::new(vec![
        np(
            "team-a",
            "web",
            json!({"podSelector": {"matchLabels": {"app": "web"}}}),
        ),
        np(
            "team-b",
            "db",
            json!({"podSelector": {"matchExpressions": [{"key": "app", "operator": "In", "values": ["db"]}]}}),
        ),
        np("team-c", "all", json!({"podSelector": {}})),
        np(
            "team-d",
            "broken",
            json!({"podSelector": {"matchExpressions": [{"key": "app", "operator": "Like"}]}}),
        ),
    ]);
    for kind in ["Pod", "Deployment", "CronJob"] {
        assert_allowed(&evaluate(
            workload_req(kind, "team-a"),
            only(c, Value::Null),
            &cluster,
        ));
        assert_allowed(&evaluate(
            workload_req(kind, "team-c"),
            only(c, Value::Null),
            &cluster,
        ));
        let r = evaluate(workload_req(kind, "team-b"), only(c, Value::Null), &cluster);
        let labels = match kind {
            "Pod" => "metadata.labels",
            "CronJob" => "spec.jobTemplate.spec.template.metadata.labels",
            _ => "spec.template.metadata.labels",
        };
        assert_denied(
            &r,
            &[
                "[workload-selected-by-network-policy]",
                labels,
                "no NetworkPolicy of namespace \"team-b\" selects these pods (1 policies checked)",
            ],
        );
        let r = evaluate(workload_req(kind, "team-d"), only(c, Value::Null), &cluster);
        assert_denied(&r, &["no NetworkPolicy of namespace \"team-d\""]);
    }
}
