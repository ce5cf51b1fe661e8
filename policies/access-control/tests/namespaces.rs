//! Namespace controls, through the engine.

mod support;

use serde_json::{Value, json};
use support::*;

fn namespace(name: &str, labels: Value) -> Value {
    request(
        "Namespace",
        "CREATE",
        "",
        json!({"apiVersion": "v1", "kind": "Namespace",
        "metadata": {"name": name, "labels": labels}}),
    )
}

#[test]
fn psa_labels_at_or_above_the_minimum() {
    let c = "namespace-psa-labels";
    let r = eval(namespace("payments", json!({})), only(c, Value::Null));
    assert_denied(
        &r,
        &[
            "[namespace-psa-labels]",
            "metadata.labels['pod-security.kubernetes.io/enforce']",
            "missing",
        ],
    );
    for level in ["baseline", "restricted"] {
        let ok = namespace(
            "payments",
            json!({"pod-security.kubernetes.io/enforce": level}),
        );
        assert_allowed(&eval(ok, only(c, Value::Null)));
    }
    let low = namespace(
        "payments",
        json!({"pod-security.kubernetes.io/enforce": "privileged"}),
    );
    assert_denied(
        &eval(low, only(c, Value::Null)),
        &["\"privileged\", below the minimum level \"baseline\""],
    );
    let baseline = namespace(
        "payments",
        json!({"pod-security.kubernetes.io/enforce": "baseline"}),
    );
    assert_denied(
        &eval(
            baseline.clone(),
            only(c, json!({"minimumLevel": "restricted"})),
        ),
        &["below the minimum level \"restricted\""],
    );
    let bogus = namespace(
        "payments",
        json!({"pod-security.kubernetes.io/enforce": "strict"}),
    );
    assert_denied(
        &eval(bogus, only(c, Value::Null)),
        &["\"strict\", not one of"],
    );
    // audit and warn when required.
    let r = eval(baseline, only(c, json!({"requireAuditAndWarn": true})));
    assert_denied(
        &r,
        &[
            "pod-security.kubernetes.io/audit",
            "pod-security.kubernetes.io/warn",
        ],
    );
    // System namespaces are allow-listed; a bad minimumLevel is a settings error.
    assert_allowed(&eval(
        namespace("kube-system", json!({})),
        only(c, Value::Null),
    ));
    let r = eval(
        namespace("x", json!({})),
        only(c, json!({"minimumLevel": "high"})),
    );
    assert_eq!(r["code"], 400);
    assert!(message(&r).contains("minimumLevel: \"high\""));
    // Removing the label on UPDATE is refused too.
    let mut upd = namespace("payments", json!({}));
    upd["operation"] = json!("UPDATE");
    upd["oldObject"] = json!({"metadata": {"name": "payments", "labels": {"pod-security.kubernetes.io/enforce": "baseline"}}});
    assert_denied(&eval(upd, only(c, Value::Null)), &["missing"]);
}

#[test]
fn workloads_stay_out_of_the_default_namespace() {
    let c = "workloads-not-in-default-namespace";
    let spec = json!({"containers": [{"name": "c", "image": "i"}]});
    for kind in POD_KINDS {
        let r = eval(
            request(
                kind,
                "CREATE",
                "default",
                workload(kind, "default", spec.clone()),
            ),
            only(c, Value::Null),
        );
        assert_denied(
            &r,
            &[
                "[workloads-not-in-default-namespace]",
                "metadata.namespace: namespace \"default\"",
            ],
        );
        assert_allowed(&eval(
            request(
                kind,
                "CREATE",
                "team-a",
                workload(kind, "team-a", spec.clone()),
            ),
            only(c, Value::Null),
        ));
    }
    let params = json!({"forbiddenNamespaces": ["default", "sandbox-*"]});
    let r = eval(
        request(
            "Deployment",
            "CREATE",
            "sandbox-1",
            workload("Deployment", "sandbox-1", spec),
        ),
        only(c, params),
    );
    assert_denied(&r, &["\"sandbox-1\""]);
}
