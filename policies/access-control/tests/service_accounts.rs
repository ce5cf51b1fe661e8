//! Service accounts and tokens, through the engine.

mod support;

use serde_json::{Value, json};
use support::*;

fn run(kind: &str, spec: Value, control: &str, params: Value) -> Value {
    eval(
        request(kind, "CREATE", "team-a", workload(kind, "team-a", spec)),
        only(control, params),
    )
}

#[test]
fn workloads_disable_token_automount() {
    let c = "no-automount-service-account-token";
    for kind in POD_KINDS {
        let unset =
            json!({"serviceAccountName": "web", "containers": [{"name": "c", "image": "i"}]});
        assert_denied(
            &run(kind, unset.clone(), c, Value::Null),
            &[
                &kit::text!("{}.automountServiceAccountToken", spec_path(kind)),
                "not set",
                "service account \"web\"",
            ],
        );
        let on = json!({"automountServiceAccountToken": true, "containers": [{"name": "c", "image": "i"}]});
        assert_denied(
            &run(kind, on, c, Value::Null),
            &["automountServiceAccountToken is true", "\"default\""],
        );
        let off = json!({"automountServiceAccountToken": false, "containers": [{"name": "c", "image": "i"}]});
        assert_allowed(&run(kind, off, c, Value::Null));
        // Allow-list by name, or by namespace:name.
        assert_allowed(&run(
            kind,
            unset.clone(),
            c,
            json!({"allowedServiceAccounts": ["web"]}),
        ));
        assert_allowed(&run(
            kind,
            unset.clone(),
            c,
            json!({"allowedServiceAccounts": ["team-*:web"]}),
        ));
        assert_denied(
            &run(
                kind,
                unset,
                c,
                json!({"allowedServiceAccounts": ["other:web"]}),
            ),
            &[c],
        );
    }
}

#[test]
fn service_account_objects_disable_automount() {
    let c = "service-account-no-automount";
    let sa = |name: &str, ns: &str, automount: Value| {
        let mut o = json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name, "namespace": ns}});
        if !automount.is_null() {
            o["automountServiceAccountToken"] = automount;
        }
        request("ServiceAccount", "CREATE", ns, o)
    };
    assert_denied(
        &eval(sa("web", "team-a", Value::Null), only(c, Value::Null)),
        &[
            "[service-account-no-automount]",
            "automountServiceAccountToken: automountServiceAccountToken is not set",
        ],
    );
    assert_denied(
        &eval(sa("web", "team-a", json!(true)), only(c, Value::Null)),
        &["is true"],
    );
    assert_allowed(&eval(
        sa("web", "team-a", json!(false)),
        only(c, Value::Null),
    ));
    // The controller-created `default` and kube-system accounts stay admissible.
    assert_allowed(&eval(
        sa("default", "team-a", Value::Null),
        only(c, Value::Null),
    ));
    assert_allowed(&eval(
        sa("replicaset-controller", "kube-system", Value::Null),
        only(c, Value::Null),
    ));
    assert_denied(
        &eval(
            sa("default", "team-a", Value::Null),
            only(c, json!({"allowedServiceAccounts": []})),
        ),
        &[c],
    );
}

#[test]
fn default_service_account() {
    let c = "no-default-service-account";
    for kind in ["Pod", "Deployment", "CronJob"] {
        let none = json!({"containers": [{"name": "c", "image": "i"}]});
        assert_denied(
            &run(kind, none, c, Value::Null),
            &[
                &kit::text!("{}.serviceAccountName", spec_path(kind)),
                "no serviceAccountName is set",
            ],
        );
        let named_default =
            json!({"serviceAccountName": "default", "containers": [{"name": "c", "image": "i"}]});
        assert_denied(
            &run(kind, named_default, c, Value::Null),
            &["serviceAccountName is \"default\""],
        );
        let own = json!({"serviceAccountName": "web", "containers": [{"name": "c", "image": "i"}]});
        assert_allowed(&run(kind, own, c, Value::Null));
        // Without any token the default account has no identity to share...
        let tokenless = json!({"automountServiceAccountToken": false, "containers": [{"name": "c", "image": "i"}]});
        assert_allowed(&run(kind, tokenless.clone(), c, Value::Null));
        assert_denied(
            &run(kind, tokenless, c, json!({"allowWithoutToken": false})),
            &[c],
        );
        // ...unless a projected token of it is mounted.
        let projected = json!({"automountServiceAccountToken": false, "containers": [{"name": "c", "image": "i"}],
            "volumes": [{"name": "t", "projected": {"sources": [{"serviceAccountToken": {"path": "t", "audience": "vault"}}]}}]});
        assert_denied(&run(kind, projected, c, Value::Null), &[c]);
    }
}

#[test]
fn deprecated_service_account_field() {
    let c = "no-deprecated-service-account-field";
    for kind in ["Pod", "ReplicaSet", "CronJob"] {
        let only_old =
            json!({"serviceAccount": "web", "containers": [{"name": "c", "image": "i"}]});
        assert_denied(
            &run(kind, only_old, c, Value::Null),
            &[
                &kit::text!("{}.serviceAccount", spec_path(kind)),
                "only through the deprecated serviceAccount field",
            ],
        );
        let differ = json!({"serviceAccount": "old", "serviceAccountName": "new", "containers": [{"name": "c", "image": "i"}]});
        assert_denied(
            &run(kind, differ, c, Value::Null),
            &["disagrees with serviceAccountName \"new\""],
        );
        // What the API server stores: both fields, equal.
        let stored = json!({"serviceAccount": "web", "serviceAccountName": "web", "containers": [{"name": "c", "image": "i"}]});
        assert_allowed(&run(kind, stored, c, Value::Null));
    }
}

#[test]
fn legacy_token_secrets_on_create_only() {
    let c = "no-legacy-service-account-token-secrets";
    let secret = json!({"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/service-account-token",
        "metadata": {"name": "ci-token", "namespace": "ci", "annotations": {"kubernetes.io/service-account.name": "ci"}}});
    let r = eval(
        request("Secret", "CREATE", "ci", secret.clone()),
        only(c, Value::Null),
    );
    assert_denied(
        &r,
        &[
            "[no-legacy-service-account-token-secrets]",
            "type: type kubernetes.io/service-account-token",
            "\"ci\"",
        ],
    );
    // The token controller and the cleaner update existing ones.
    let mut upd = request("Secret", "UPDATE", "ci", secret.clone());
    upd["oldObject"] = secret.clone();
    assert_allowed(&eval(upd, only(c, Value::Null)));
    assert_allowed(&eval(
        request("Secret", "CREATE", "ci", secret.clone()),
        only(c, json!({"allowedSecrets": ["ci:ci-*"]})),
    ));
    let opaque = json!({"apiVersion": "v1", "kind": "Secret", "type": "Opaque", "metadata": {"name": "x", "namespace": "ci"}});
    assert_allowed(&eval(
        request("Secret", "CREATE", "ci", opaque),
        only(c, Value::Null),
    ));
}

#[test]
fn projected_token_bounds() {
    let c = "projected-token-bounds";
    let spec = |token: Value| {
        json!({"containers": [{"name": "app", "image": "i", "volumeMounts": [{"name": "tok", "mountPath": "/var/run/tok"}]}],
        "initContainers": [{"name": "init", "image": "i"}],
        "volumes": [{"name": "tok", "projected": {"sources": [{"configMap": {"name": "ca"}}, {"serviceAccountToken": token}]}}]})
    };
    for kind in ["Pod", "StatefulSet", "CronJob"] {
        let r = run(
            kind,
            spec(json!({"path": "token", "expirationSeconds": 86400})),
            c,
            Value::Null,
        );
        assert_denied(
            &r,
            &[
                "container \"app\"",
                &kit::text!("{}.containers[0].volumeMounts[0]", spec_path(kind)),
                "expirationSeconds 86400 is above the limit 3600",
                "it has no audience",
            ],
        );
        assert_allowed(&run(
            kind,
            spec(json!({"path": "token", "expirationSeconds": 600, "audience": "vault"})),
            c,
            Value::Null,
        ));
        // Unset lifetime is the API default (3600), within the default limit.
        assert_allowed(&run(
            kind,
            spec(json!({"path": "token", "audience": "vault"})),
            c,
            Value::Null,
        ));
        assert_denied(
            &run(
                kind,
                spec(json!({"path": "token", "audience": "vault"})),
                c,
                json!({"maxExpirationSeconds": 1800}),
            ),
            &["expirationSeconds is not set (the default is 3600)"],
        );
        assert_denied(
            &run(
                kind,
                spec(json!({"path": "t", "audience": "sts.amazonaws.com"})),
                c,
                json!({"allowedAudiences": ["vault"]}),
            ),
            &["audience \"sts.amazonaws.com\" is not allowed"],
        );
        assert_allowed(&run(
            kind,
            spec(json!({"path": "t"})),
            c,
            json!({"requireAudience": false}),
        ));
    }
    // The API server's own kube-api-access volume is left alone.
    let injected = json!({"containers": [{"name": "c", "image": "i"}], "volumes": [{"name": "kube-api-access-x7k2p",
        "projected": {"sources": [{"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}}]}}]});
    assert_allowed(&run("Pod", injected, c, Value::Null));
    // A token volume no container mounts is reported at the volume.
    let unmounted = json!({"containers": [{"name": "c", "image": "i"}], "volumes": [{"name": "tok",
        "projected": {"sources": [{"serviceAccountToken": {"path": "t", "expirationSeconds": "long"}}]}}]});
    assert_denied(
        &run("Pod", unmounted, c, Value::Null),
        &[
            "spec.volumes[0].projected.sources[0].serviceAccountToken: volume \"tok\"",
            "must be an integer",
        ],
    );
}
