//! RBAC lint of Roles and ClusterRoles, aggregation, binding hygiene and
//! time-bound bindings, through the engine.

mod support;

use serde_json::{Value, json};
use support::*;

fn role(kind: &str, name: &str, rules: Value) -> Value {
    let mut r = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind,
                       "metadata": {"name": name}, "rules": rules});
    if kind == "Role" {
        r["metadata"]["namespace"] = json!("team-a");
    }
    r
}

fn check_role(kind: &str, object: Value, control: &str, params: Value) -> Value {
    let ns = if kind == "Role" { "team-a" } else { "" };
    eval(request(kind, "CREATE", ns, object), only(control, params))
}

fn binding(kind: &str, role_kind: &str, role: &str, subjects: Value) -> Value {
    let mut b = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind,
        "metadata": {"name": "b"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role},
        "subjects": subjects});
    if kind == "RoleBinding" {
        b["metadata"]["namespace"] = json!("team-a");
    }
    b
}

fn check_binding(kind: &str, object: Value, control: &str, params: Value) -> Value {
    let ns = if kind == "RoleBinding" { "team-a" } else { "" };
    eval(request(kind, "CREATE", ns, object), only(control, params))
}

#[test]
fn wildcards_in_every_field() {
    for kind in ["Role", "ClusterRole"] {
        let r = check_role(
            kind,
            role(
                kind,
                "ops",
                json!([
            {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
            {"apiGroups": [""], "resources": ["*/scale"], "verbs": ["get"]},
            {"nonResourceURLs": ["*"], "verbs": ["get"]}]),
            ),
            "rbac-no-wildcards",
            Value::Null,
        );
        assert_denied(
            &r,
            &[
                "[rbac-no-wildcards]",
                "rules[0].verbs: verbs contains \"*\"",
                "rules[0].apiGroups",
                "rules[0].resources",
                "rules[1].resources: resources contains \"*/scale\"",
                "rules[2].nonResourceURLs",
            ],
        );
        let ok = role(
            kind,
            "ops",
            json!([{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get", "list"]}]),
        );
        assert_allowed(&check_role(kind, ok, "rbac-no-wildcards", Value::Null));
    }
    // The bootstrap roles are allow-listed by default, and the list is a parameter.
    let admin = role(
        "ClusterRole",
        "cluster-admin",
        json!([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]),
    );
    assert_allowed(&check_role(
        "ClusterRole",
        admin.clone(),
        "rbac-no-wildcards",
        Value::Null,
    ));
    assert_denied(
        &check_role(
            "ClusterRole",
            admin,
            "rbac-no-wildcards",
            json!({"allowedRoles": []}),
        ),
        &["verbs"],
    );
    // Aggregated ClusterRoles' rules are written by the controller: not linted.
    let mut agg = role(
        "ClusterRole",
        "monitoring",
        json!([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]),
    );
    agg["aggregationRule"] = json!({"clusterRoleSelectors": [{"matchLabels": {"x": "y"}}]});
    assert_allowed(&check_role(
        "ClusterRole",
        agg,
        "rbac-no-wildcards",
        Value::Null,
    ));
}

#[test]
fn secrets_read_but_not_named_secrets() {
    for kind in ["Role", "ClusterRole"] {
        for verbs in [
            json!(["get"]),
            json!(["list"]),
            json!(["watch"]),
            json!(["*"]),
        ] {
            let r = check_role(
                kind,
                role(
                    kind,
                    "reader",
                    json!([
                {"apiGroups": [""], "resources": ["configmaps", "secrets"], "verbs": verbs}]),
                ),
                "rbac-no-secret-read",
                Value::Null,
            );
            assert_denied(
                &r,
                &[
                    "[rbac-no-secret-read]",
                    "rules[0]: grants read access to Secrets",
                ],
            );
        }
        let named = role(
            kind,
            "reader",
            json!([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"], "resourceNames": ["app-tls"]}]),
        );
        assert_allowed(&check_role(kind, named, "rbac-no-secret-read", Value::Null));
        let write_only = role(
            kind,
            "writer",
            json!([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["create"]}]),
        );
        assert_allowed(&check_role(
            kind,
            write_only,
            "rbac-no-secret-read",
            Value::Null,
        ));
    }
}

#[test]
fn escalate_bind_impersonate() {
    for (rule, why) in [
        (
            json!({"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["clusterroles"], "verbs": ["escalate"]}),
            "escalate",
        ),
        (
            json!({"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["roles"], "verbs": ["bind"]}),
            "bind",
        ),
        (
            json!({"apiGroups": [""], "resources": ["users", "groups"], "verbs": ["impersonate"]}),
            "impersonate",
        ),
        (
            json!({"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["*"], "verbs": ["*"]}),
            "wildcard on rbac",
        ),
    ] {
        let r = check_role(
            "ClusterRole",
            role("ClusterRole", "x", json!([rule])),
            "rbac-no-escalation-verbs",
            Value::Null,
        );
        assert!(!r["accepted"].as_bool().unwrap(), "{why}");
        assert_denied(&r, &["escalate, bind or impersonate"]);
    }
    let ok = role(
        "Role",
        "x",
        json!([{"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["roles"], "verbs": ["get", "create"]}]),
    );
    assert_allowed(&check_role(
        "Role",
        ok,
        "rbac-no-escalation-verbs",
        Value::Null,
    ));
}

#[test]
fn pod_exec_attach_portforward() {
    for sub in ["pods/exec", "pods/attach", "pods/portforward", "*/exec"] {
        for verb in ["create", "get"] {
            let r = check_role(
                "Role",
                role(
                    "Role",
                    "debug",
                    json!([{"apiGroups": [""], "resources": [sub], "verbs": [verb]}]),
                ),
                "rbac-no-pod-exec",
                Value::Null,
            );
            assert_denied(&r, &["[rbac-no-pod-exec]", "rules[0]"]);
        }
    }
    let logs = role(
        "Role",
        "debug",
        json!([{"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get"]}]),
    );
    assert_allowed(&check_role("Role", logs, "rbac-no-pod-exec", Value::Null));
}

#[test]
fn other_high_risk_grants_cluster_scope_and_ignore_list() {
    let cases = [
        (
            json!({"apiGroups": [""], "resources": ["pods"], "verbs": ["create"]}),
            "create on pods",
        ),
        (
            json!({"apiGroups": [""], "resources": ["nodes/proxy"], "verbs": ["get"]}),
            "nodes/proxy",
        ),
        (
            json!({"apiGroups": ["certificates.k8s.io"], "resources": ["certificatesigningrequests/approval"], "verbs": ["update"]}),
            "CertificateSigningRequests",
        ),
        (
            json!({"apiGroups": ["certificates.k8s.io"], "resources": ["signers"], "verbs": ["approve"]}),
            "CertificateSigningRequests",
        ),
        (
            json!({"apiGroups": ["admissionregistration.k8s.io"], "resources": ["validatingwebhookconfigurations"], "verbs": ["patch"]}),
            "admission webhook",
        ),
        (
            json!({"apiGroups": [""], "resources": ["serviceaccounts/token"], "verbs": ["create"]}),
            "serviceaccounts/token",
        ),
        (
            json!({"apiGroups": [""], "resources": ["persistentvolumes"], "verbs": ["create"]}),
            "persistentvolumes",
        ),
    ];
    for (rule, needle) in cases {
        let r = check_role(
            "ClusterRole",
            role("ClusterRole", "x", json!([rule])),
            "rbac-no-high-risk-grants",
            Value::Null,
        );
        assert_denied(&r, &["[rbac-no-high-risk-grants]", needle]);
    }
    // Cluster-scoped grants mean nothing in a Role.
    let in_role = role(
        "Role",
        "x",
        json!([{"apiGroups": [""], "resources": ["nodes/proxy", "persistentvolumes"], "verbs": ["*"]}]),
    );
    assert_allowed(&check_role(
        "Role",
        in_role,
        "rbac-no-high-risk-grants",
        Value::Null,
    ));
    // ignoreGrants accepts a grant; unknown or foreign names are refused at settings time.
    let pods = role(
        "ClusterRole",
        "ci",
        json!([{"apiGroups": [""], "resources": ["pods"], "verbs": ["create"]}]),
    );
    assert_allowed(&check_role(
        "ClusterRole",
        pods.clone(),
        "rbac-no-high-risk-grants",
        json!({"ignoreGrants": ["create-pods"]}),
    ));
    let r = check_role(
        "ClusterRole",
        pods.clone(),
        "rbac-no-high-risk-grants",
        json!({"ignoreGrants": ["bogus"]}),
    );
    assert_eq!(r["code"], 400);
    assert!(message(&r).contains("unknown grant \"bogus\""));
    let r = check_role(
        "ClusterRole",
        pods,
        "rbac-no-high-risk-grants",
        json!({"ignoreGrants": ["secrets-read"]}),
    );
    assert!(message(&r).contains("checked by another control"));
}

#[test]
fn aggregation_into_builtin_roles() {
    let mut r = role(
        "ClusterRole",
        "secrets-viewer",
        json!([
        {"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]},
        {"apiGroups": [""], "resources": ["secrets"], "verbs": ["list"]}]),
    );
    r["metadata"]["labels"] = json!({"rbac.authorization.k8s.io/aggregate-to-view": "true"});
    let res = check_role(
        "ClusterRole",
        r.clone(),
        "rbac-no-sensitive-aggregation",
        Value::Null,
    );
    assert_denied(
        &res,
        &[
            "[rbac-no-sensitive-aggregation]",
            "rules[1]",
            "read access to Secrets",
            "rbac.authorization.k8s.io/aggregate-to-view",
        ],
    );
    assert!(!message(&res).contains("rules[0]"));
    // Harmless rules aggregate freely; so does a role without the label.
    let mut ok = role(
        "ClusterRole",
        "crd-viewer",
        json!([{"apiGroups": ["example.com"], "resources": ["widgets"], "verbs": ["*"]}]),
    );
    ok["metadata"]["labels"] = json!({"rbac.authorization.k8s.io/aggregate-to-edit": "true"});
    assert_allowed(&check_role(
        "ClusterRole",
        ok,
        "rbac-no-sensitive-aggregation",
        Value::Null,
    ));
    r["metadata"]["labels"] = json!({"rbac.authorization.k8s.io/aggregate-to-view": "false"});
    assert_allowed(&check_role(
        "ClusterRole",
        r.clone(),
        "rbac-no-sensitive-aggregation",
        Value::Null,
    ));
    // A custom aggregation label, and the API server's own aggregate roles.
    r["metadata"]["labels"] = json!({"example.com/aggregate-to-support": "true"});
    assert_denied(
        &check_role(
            "ClusterRole",
            r.clone(),
            "rbac-no-sensitive-aggregation",
            json!({"aggregationLabels": ["example.com/aggregate-to-support"]}),
        ),
        &["example.com/aggregate-to-support"],
    );
    let mut system = role(
        "ClusterRole",
        "system:aggregate-to-edit",
        json!([{"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["create"]}]),
    );
    system["metadata"]["labels"] = json!({"rbac.authorization.k8s.io/aggregate-to-edit": "true"});
    assert_allowed(&check_role(
        "ClusterRole",
        system,
        "rbac-no-sensitive-aggregation",
        Value::Null,
    ));
}

#[test]
fn cluster_admin_only_for_allow_listed_subjects() {
    for kind in ["ClusterRoleBinding", "RoleBinding"] {
        let b = binding(
            kind,
            "ClusterRole",
            "cluster-admin",
            json!([
            {"kind": "Group", "name": "system:masters"},
            {"kind": "User", "name": "bob@example.com"},
            {"kind": "ServiceAccount", "name": "ci", "namespace": "ci"}]),
        );
        let r = check_binding(kind, b.clone(), "rbac-restrict-cluster-admin", Value::Null);
        assert_denied(
            &r,
            &[
                "[rbac-restrict-cluster-admin]",
                "subjects[1]: User \"bob@example.com\"",
                "subjects[2]: ServiceAccount \"ci/ci\"",
            ],
        );
        assert!(!message(&r).contains("subjects[0]"));
        let params = json!({"allowedSubjects": ["Group:system:masters", "User:*@example.com", "ServiceAccount:ci:*"]});
        assert_allowed(&check_binding(
            kind,
            b,
            "rbac-restrict-cluster-admin",
            params,
        ));
    }
    let view = binding(
        "ClusterRoleBinding",
        "ClusterRole",
        "view",
        json!([{"kind": "User", "name": "bob"}]),
    );
    assert_allowed(&check_binding(
        "ClusterRoleBinding",
        view,
        "rbac-restrict-cluster-admin",
        Value::Null,
    ));
    // A namespaced Role called cluster-admin is not the ClusterRole.
    let local = binding(
        "RoleBinding",
        "Role",
        "cluster-admin",
        json!([{"kind": "User", "name": "bob"}]),
    );
    assert_allowed(&check_binding(
        "RoleBinding",
        local,
        "rbac-restrict-cluster-admin",
        Value::Null,
    ));
}

#[test]
fn anonymous_and_all_authenticated() {
    for (kind, name, why) in [
        ("User", "system:anonymous", "anyone who can reach"),
        ("Group", "system:unauthenticated", "anyone who can reach"),
        (
            "Group",
            "system:authenticated",
            "every authenticated identity",
        ),
    ] {
        let b = binding(
            "ClusterRoleBinding",
            "ClusterRole",
            "view",
            json!([{"kind": kind, "name": name}]),
        );
        assert_denied(
            &check_binding(
                "ClusterRoleBinding",
                b,
                "rbac-no-anonymous-bindings",
                Value::Null,
            ),
            &["[rbac-no-anonymous-bindings]", "subjects[0]", name, why],
        );
    }
    let discovery = binding(
        "ClusterRoleBinding",
        "ClusterRole",
        "system:discovery",
        json!([{"kind": "Group", "name": "system:authenticated"}]),
    );
    assert_allowed(&check_binding(
        "ClusterRoleBinding",
        discovery,
        "rbac-no-anonymous-bindings",
        Value::Null,
    ));
    let named = binding(
        "RoleBinding",
        "Role",
        "reader",
        json!([{"kind": "Group", "name": "dev"}]),
    );
    assert_allowed(&check_binding(
        "RoleBinding",
        named,
        "rbac-no-anonymous-bindings",
        Value::Null,
    ));
}

#[test]
fn groups_only_default_sa_and_cross_namespace() {
    let b = binding(
        "RoleBinding",
        "Role",
        "reader",
        json!([
        {"kind": "User", "name": "bob"}, {"kind": "User", "name": "system:kube-proxy"},
        {"kind": "Group", "name": "dev"}, {"kind": "ServiceAccount", "name": "default"},
        {"kind": "ServiceAccount", "name": "prometheus", "namespace": "monitoring"},
        {"kind": "ServiceAccount", "name": "app"}]),
    );
    let r = check_binding("RoleBinding", b.clone(), "rbac-groups-only", Value::Null);
    assert_denied(&r, &["subjects[0]: User \"bob\" is an individual user"]);
    assert!(!message(&r).contains("kube-proxy"));
    assert_allowed(&check_binding(
        "RoleBinding",
        b.clone(),
        "rbac-groups-only",
        json!({"allowedUsers": ["bob", "system:*"]}),
    ));

    let r = check_binding(
        "RoleBinding",
        b.clone(),
        "rbac-no-default-service-account-binding",
        Value::Null,
    );
    assert_denied(&r, &["subjects[3]: ServiceAccount \"team-a/default\""]);

    let r = check_binding(
        "RoleBinding",
        b.clone(),
        "rbac-no-cross-namespace-service-accounts",
        Value::Null,
    );
    assert_denied(
        &r,
        &[
            "subjects[4]: ServiceAccount \"monitoring/prometheus\" belongs to namespace \"monitoring\"",
        ],
    );
    assert!(
        !message(&r).contains("subjects[5]"),
        "same-namespace SA: {}",
        message(&r)
    );
    assert_allowed(&check_binding(
        "RoleBinding",
        b,
        "rbac-no-cross-namespace-service-accounts",
        json!({"allowedSubjects": ["ServiceAccount:monitoring:prometheus"]}),
    ));
}

fn annotated(annotations: Value, subjects: Value) -> Value {
    let mut b = binding("RoleBinding", "ClusterRole", "edit", subjects);
    b["metadata"]["name"] = json!("oncall-edit");
    b["metadata"]["annotations"] = annotations;
    b
}

#[test]
fn time_bound_bindings() {
    let people = json!([{"kind": "Group", "name": "oncall"}]);
    let c = "rbac-time-bound-bindings";
    let ok = annotated(
        json!({"kube-soc2.dev/ticket": "CHG-1", "kube-soc2.dev/expires": "2999-01-01T00:00:00Z"}),
        people.clone(),
    );
    assert_allowed(&check_binding("RoleBinding", ok.clone(), c, Value::Null));

    let r = check_binding(
        "RoleBinding",
        annotated(json!({}), people.clone()),
        c,
        Value::Null,
    );
    assert_denied(
        &r,
        &[
            "metadata.annotations: no owner or ticket annotation",
            "metadata.annotations['kube-soc2.dev/expires']: no expiry annotation",
        ],
    );
    let r = check_binding(
        "RoleBinding",
        annotated(
            json!({"kube-soc2.dev/owner": "sre", "kube-soc2.dev/expires": "next week"}),
            people.clone(),
        ),
        c,
        Value::Null,
    );
    assert_denied(&r, &["\"next week\" is not an RFC 3339 timestamp"]);

    // Expired: refused on CREATE and on UPDATE, but a binding being deleted may go.
    let expired = annotated(
        json!({"kube-soc2.dev/owner": "sre", "kube-soc2.dev/expires": "2001-01-01"}),
        people.clone(),
    );
    let mut upd = request("RoleBinding", "UPDATE", "team-a", expired.clone());
    upd["oldObject"] = expired.clone();
    let r = eval(upd, only(c, Value::Null));
    assert_denied(&r, &["the binding expired at 2001-01-01"]);
    let mut deleting = expired.clone();
    deleting["metadata"]["deletionTimestamp"] = json!("2001-01-02T00:00:00Z");
    let mut upd = request("RoleBinding", "UPDATE", "team-a", deleting);
    upd["oldObject"] = expired;
    assert_allowed(&eval(upd, only(c, Value::Null)));

    // maxValidityDays, service-account-only bindings, allow-listed names.
    assert_denied(
        &check_binding("RoleBinding", ok, c, json!({"maxValidityDays": 30})),
        &["more than 30 days away"],
    );
    let workload = annotated(
        json!({}),
        json!([{"kind": "ServiceAccount", "name": "app"}]),
    );
    assert_allowed(&check_binding(
        "RoleBinding",
        workload.clone(),
        c,
        Value::Null,
    ));
    assert_denied(
        &check_binding(
            "RoleBinding",
            workload,
            c,
            json!({"applyToServiceAccounts": true}),
        ),
        &["no expiry"],
    );
    let mut system = annotated(json!({}), people);
    system["metadata"]["name"] = json!("system:controller:foo");
    assert_allowed(&check_binding("RoleBinding", system, c, Value::Null));
}

#[test]
fn default_set_on_a_typical_operator_role() {
    // The default set refuses an operator ClusterRole with wildcards and
    // Secrets access, and lists both controls with their fixes.
    let r = eval(
        request(
            "ClusterRole",
            "CREATE",
            "",
            role(
                "ClusterRole",
                "my-operator",
                json!([
        {"apiGroups": ["example.com"], "resources": ["*"], "verbs": ["*"]},
        {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list", "watch"]}]),
            ),
        ),
        json!({}),
    );
    assert_denied(
        &r,
        &[
            "ClusterRole my-operator violates 2 kube-soc2 controls",
            "[rbac-no-wildcards]",
            "[rbac-no-secret-read]",
            "Fix:",
        ],
    );
    let annotations = annotation(&r, kit::response::ANNOTATION_VIOLATIONS).unwrap();
    assert_eq!(annotations, "rbac-no-wildcards,rbac-no-secret-read");
    assert!(
        annotation(&r, kit::response::ANNOTATION_CRITERIA)
            .unwrap()
            .contains("CC6.3")
    );
}
