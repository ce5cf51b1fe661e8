//! Context-aware `rbac-binding-effective-permissions`: the binding's role is
//! resolved in the cluster (aggregated ClusterRoles included) with present,
//! absent and malformed context objects, and a failing cluster.

mod support;

use kit::Snapshot;
use serde_json::{Value, json};
use support::*;

const C: &str = "rbac-binding-effective-permissions";
const RBAC: &str = "rbac.authorization.k8s.io/v1";

fn cluster_role(name: &str, labels: Value, rules: Value) -> Value {
    json!({"apiVersion": RBAC, "kind": "ClusterRole", "metadata": {"name": name, "labels": labels}, "rules": rules})
}

fn ns_role(ns: &str, name: &str, rules: Value) -> Value {
    json!({"apiVersion": RBAC, "kind": "Role", "metadata": {"name": name, "namespace": ns}, "rules": rules})
}

fn binding(kind: &str, role_kind: &str, role: &str, subjects: Value) -> Value {
    let mut b = json!({"apiVersion": RBAC, "kind": kind, "metadata": {"name": "grant"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role},
        "subjects": subjects});
    if kind == "RoleBinding" {
        b["metadata"]["namespace"] = json!("team-a");
    }
    b
}

fn check(kind: &str, b: Value, params: Value, cluster: &dyn kit::Cluster) -> Value {
    let ns = if kind == "RoleBinding" { "team-a" } else { "" };
    evaluate(request(kind, "CREATE", ns, b), only(C, params), cluster)
}

fn devs() -> Value {
    json!([{"kind": "Group", "name": "devs"}])
}

/// `support-agg` aggregates every ClusterRole labelled `support: "true"`; one
/// of them grants Secrets read and exec, the aggregated role itself has no
/// rules yet (the controller has not run).
fn aggregated_cluster() -> Snapshot {
    Snapshot::new(vec![
        json!({"apiVersion": RBAC, "kind": "ClusterRole", "metadata": {"name": "support-agg"},
               "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"support": "true"}}]}}),
        cluster_role(
            "support-logs",
            json!({"support": "true"}),
            json!([{"apiGroups": [""], "resources": ["pods/log"], "verbs": ["get"]}]),
        ),
        cluster_role(
            "support-secrets",
            json!({"support": "true"}),
            json!([{"apiGroups": [""], "resources": ["secrets", "pods/exec"], "verbs": ["get", "create"]}]),
        ),
        cluster_role(
            "unrelated",
            json!({}),
            json!([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]),
        ),
        ns_role(
            "team-a",
            "reader",
            json!([{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]}]),
        ),
        ns_role(
            "team-a",
            "exec",
            json!([{"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["create"]}]),
        ),
        cluster_role(
            "node-debugger",
            json!({}),
            json!([{"apiGroups": [""], "resources": ["nodes/proxy"], "verbs": ["get"]}]),
        ),
    ])
}

#[test]
fn aggregated_cluster_role_is_resolved_through_its_selectors() {
    let cluster = aggregated_cluster();
    for kind in ["ClusterRoleBinding", "RoleBinding"] {
        let r = check(
            kind,
            binding(kind, "ClusterRole", "support-agg", devs()),
            Value::Null,
            &cluster,
        );
        assert_denied(
            &r,
            &[
                "[rbac-binding-effective-permissions]",
                "subjects[0]: Group \"devs\" is not in allowedSubjects",
                "read access to Secrets",
                "pods/exec",
                "ClusterRole \"support-secrets\" (aggregated into \"support-agg\")",
            ],
        );
        assert!(!message(&r).contains("support-logs"), "{}", message(&r));
        assert!(!message(&r).contains("unrelated"));
    }
    // Allow-listed subjects, accepted grants and allow-listed roles pass.
    let b = binding("ClusterRoleBinding", "ClusterRole", "support-agg", devs());
    assert_allowed(&check(
        "ClusterRoleBinding",
        b.clone(),
        json!({"allowedSubjects": ["Group:devs"]}),
        &cluster,
    ));
    assert_allowed(&check(
        "ClusterRoleBinding",
        b.clone(),
        json!({"ignoreGrants": ["secrets-read", "pod-exec-attach-portforward"]}),
        &cluster,
    ));
    assert_allowed(&check(
        "ClusterRoleBinding",
        b,
        json!({"allowedRoles": ["support-*"]}),
        &cluster,
    ));
}

#[test]
fn namespaced_roles_and_scope() {
    let cluster = aggregated_cluster();
    let subjects = json!([{"kind": "ServiceAccount", "name": "ci"}, {"kind": "ServiceAccount", "name": "x", "namespace": "kube-system"}]);
    let r = check(
        "RoleBinding",
        binding("RoleBinding", "Role", "exec", subjects.clone()),
        Value::Null,
        &cluster,
    );
    assert_denied(
        &r,
        &[
            "subjects[0]: ServiceAccount \"team-a/ci\"",
            "Role \"team-a/exec\"",
        ],
    );
    assert!(
        !message(&r).contains("subjects[1]"),
        "kube-system SAs are allow-listed by default"
    );
    assert_allowed(&check(
        "RoleBinding",
        binding("RoleBinding", "Role", "reader", subjects),
        Value::Null,
        &cluster,
    ));
    // nodes/proxy is cluster-scoped: through a RoleBinding it grants nothing.
    assert_allowed(&check(
        "RoleBinding",
        binding("RoleBinding", "ClusterRole", "node-debugger", devs()),
        Value::Null,
        &cluster,
    ));
    assert_denied(
        &check(
            "ClusterRoleBinding",
            binding("ClusterRoleBinding", "ClusterRole", "node-debugger", devs()),
            Value::Null,
            &cluster,
        ),
        &["nodes/proxy"],
    );
    // A Role of another namespace with the same name is not this one.
    let other = Snapshot::new(vec![ns_role(
        "team-b",
        "exec",
        json!([{"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["create"]}]),
    )]);
    assert_denied(
        &check(
            "RoleBinding",
            binding("RoleBinding", "Role", "exec", devs()),
            Value::Null,
            &other,
        ),
        &["Role \"exec\" does not exist"],
    );
}

#[test]
fn absent_role_is_refused_unless_allowed() {
    let empty = Snapshot::new(vec![]);
    let b = binding("ClusterRoleBinding", "ClusterRole", "future-role", devs());
    assert_denied(
        &check("ClusterRoleBinding", b.clone(), Value::Null, &empty),
        &[
            "roleRef: ClusterRole \"future-role\" does not exist",
            "create the role first",
        ],
    );
    assert_allowed(&check(
        "ClusterRoleBinding",
        b,
        json!({"allowMissingRole": true}),
        &empty,
    ));
}

#[test]
fn malformed_context_objects_are_refused_clearly() {
    let b = || binding("ClusterRoleBinding", "ClusterRole", "weird", devs());
    for (object, needle) in [
        (
            json!({"apiVersion": RBAC, "kind": "ClusterRole", "metadata": {"name": "weird"}, "rules": "all"}),
            "ClusterRole \"weird\" is malformed: rules is not a list",
        ),
        (
            json!({"apiVersion": RBAC, "kind": "ClusterRole", "metadata": {"name": "weird"}, "rules": [7]}),
            "rules[0] is not an object",
        ),
        (
            json!({"apiVersion": RBAC, "kind": "ClusterRole", "metadata": {"name": "weird"},
                "aggregationRule": {"clusterRoleSelectors": {"matchLabels": {}}}}),
            "aggregationRule.clusterRoleSelectors is not a list",
        ),
        (
            json!({"apiVersion": RBAC, "kind": "ClusterRole", "metadata": {"name": "weird"},
                "aggregationRule": {"clusterRoleSelectors": [{"matchExpressions": [{"key": "a", "operator": "Near"}]}]}}),
            "clusterRoleSelectors[0]",
        ),
    ] {
        let cluster = Snapshot::new(vec![object]);
        let r = check("ClusterRoleBinding", b(), Value::Null, &cluster);
        assert_denied(&r, &[needle, "cannot be verified"]);
    }
    // A malformed aggregated member is reported with its own name.
    let cluster = Snapshot::new(vec![
        json!({"apiVersion": RBAC, "kind": "ClusterRole", "metadata": {"name": "weird"},
               "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"a": "b"}}]}}),
        json!({"apiVersion": RBAC, "kind": "ClusterRole", "metadata": {"name": "member", "labels": {"a": "b"}}, "rules": {}}),
    ]);
    assert_denied(
        &check("ClusterRoleBinding", b(), Value::Null, &cluster),
        &["ClusterRole \"member\" (aggregated into \"weird\") is malformed"],
    );
    // Malformed subjects and roleRef kinds in the binding itself.
    let mut odd = binding("ClusterRoleBinding", "Group", "x", devs());
    odd["subjects"] = json!([5, {"kind": "Group", "name": "devs"}]);
    assert_denied(
        &check(
            "ClusterRoleBinding",
            odd,
            Value::Null,
            &Snapshot::new(vec![]),
        ),
        &["roleRef.kind \"Group\" is neither Role nor ClusterRole"],
    );
}

#[test]
fn failing_cluster_refuses_with_the_host_error() {
    let r = check(
        "ClusterRoleBinding",
        binding("ClusterRoleBinding", "ClusterRole", "view", devs()),
        Value::Null,
        &FAILING,
    );
    assert_denied(
        &r,
        &[
            "could not read ClusterRole \"view\"",
            "Policy has not been granted access to Kubernetes ClusterRole resources",
        ],
    );
    // warnOnly turns it into a warning and admits the binding (another
    // control stays enforced: settings where everything only warns are refused).
    let settings = json!({"controls": [C, "pss-privileged"], "warnOnly": [C]});
    let r = evaluate(
        request(
            "ClusterRoleBinding",
            "CREATE",
            "",
            binding("ClusterRoleBinding", "ClusterRole", "view", devs()),
        ),
        settings,
        &FAILING,
    );
    assert_allowed(&r);
    assert!(
        r["warnings"][0]
            .as_str()
            .unwrap()
            .contains("could not read")
    );
}

#[test]
fn no_lookup_when_every_subject_is_allow_listed_or_the_control_is_off() {
    let counting = Counting {
        inner: aggregated_cluster(),
        ..Counting::default()
    };
    let masters = binding(
        "ClusterRoleBinding",
        "ClusterRole",
        "cluster-admin",
        json!([{"kind": "Group", "name": "system:masters"}]),
    );
    assert_allowed(&check(
        "ClusterRoleBinding",
        masters,
        Value::Null,
        &counting,
    ));
    assert_eq!(counting.calls.get(), 0);
    // Not enabled (default set): no lookup either.
    let b = binding("ClusterRoleBinding", "ClusterRole", "support-agg", devs());
    let _ = evaluate(
        request("ClusterRoleBinding", "CREATE", "", b.clone()),
        json!({}),
        &counting,
    );
    assert_eq!(counting.calls.get(), 0);
    // Enabled and needed: one get and one list per selector.
    let _ = check("ClusterRoleBinding", b, Value::Null, &counting);
    assert_eq!(counting.calls.get(), 2);
}
