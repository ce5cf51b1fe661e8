//! Break-glass exec, attach and port-forward (CONNECT), and the audit
//! evidence of every break-glass access.

mod support;

use serde_json::{Value, json};
use support::*;

const C: &str = "runtime-access-break-glass";
const KEY: &str = access_control::controls::runtime_access::ANNOTATION_BREAK_GLASS;

fn connect(sub: &str, ns: &str, groups: &[&str], extra: Value) -> Value {
    let (kind, object) = match sub {
        "exec" => (
            "PodExecOptions",
            json!({"kind": "PodExecOptions", "apiVersion": "v1",
            "stdin": true, "tty": true, "container": "app", "command": ["sh", "-c", "cat /etc/secret"]}),
        ),
        "attach" => (
            "PodAttachOptions",
            json!({"kind": "PodAttachOptions", "apiVersion": "v1", "container": "app", "stdin": true}),
        ),
        _ => (
            "PodPortForwardOptions",
            json!({"kind": "PodPortForwardOptions", "apiVersion": "v1", "ports": [5432]}),
        ),
    };
    json!({
        "uid": "c1", "kind": {"group": "", "version": "v1", "kind": kind},
        "resource": {"group": "", "version": "v1", "resource": "pods"}, "subResource": sub,
        "requestKind": {"group": "", "version": "v1", "kind": kind},
        "operation": "CONNECT", "namespace": ns, "name": "db-0",
        "userInfo": {"username": "alice@example.com", "groups": groups, "extra": extra},
        "object": object,
    })
}

fn params(extra: Value) -> Value {
    let mut p = json!({"breakGlassGroups": ["sre-breakglass"], "namespaces": ["prod-*"]});
    if let (Some(p), Some(e)) = (p.as_object_mut(), extra.as_object()) {
        p.extend(e.clone());
    }
    only(C, p)
}

#[test]
fn refused_for_everybody_outside_the_break_glass_groups() {
    for sub in ["exec", "attach", "portforward"] {
        let r = eval(
            connect(sub, "prod-db", &["dev", "system:authenticated"], json!({})),
            params(json!({})),
        );
        assert_denied(
            &r,
            &[
                "[runtime-access-break-glass]",
                &kit::text!("{sub} into pod prod-db/db-0"),
                "by \"alice@example.com\"",
                "only to break-glass groups (\"sre-breakglass\")",
            ],
        );
        assert_eq!(annotation(&r, KEY), None);
        assert_eq!(
            annotation(&r, kit::response::ANNOTATION_VIOLATIONS),
            Some(C)
        );
    }
    // The request's details name what was attempted.
    let r = eval(
        connect("exec", "prod-db", &["dev"], json!({})),
        params(json!({})),
    );
    assert_denied(
        &r,
        &["container \"app\"", "command \"sh -c cat /etc/secret\""],
    );
    let r = eval(
        connect("portforward", "prod-db", &["dev"], json!({})),
        params(json!({})),
    );
    assert_denied(&r, &["ports 5432"]);
}

#[test]
fn break_glass_needs_a_justification_and_is_recorded() {
    let just = json!({"kube-soc2.dev/justification": ["INC-4711 primary DB stuck in recovery"]});
    for sub in ["exec", "attach", "portforward"] {
        // In the group, without justification: refused, saying how to give one.
        let r = eval(
            connect(sub, "prod-db", &["sre-breakglass"], json!({})),
            params(json!({})),
        );
        assert_denied(
            &r,
            &[
                "break-glass group \"sre-breakglass\"",
                "no justification of at least 8 characters",
                "userInfo.extra[\"kube-soc2.dev/justification\"]",
                "--as-user-extra",
            ],
        );
        // Too short.
        let r = eval(
            connect(
                sub,
                "prod-db",
                &["sre-breakglass"],
                json!({"kube-soc2.dev/justification": ["fix"]}),
            ),
            params(json!({})),
        );
        assert_denied(&r, &["no justification"]);
        // Justified: allowed, with the evidence in the audit annotations.
        let r = eval(
            connect(sub, "prod-db", &["sre-breakglass"], just.clone()),
            params(json!({})),
        );
        assert_allowed(&r);
        let evidence = annotation(&r, KEY).expect("break-glass evidence");
        assert!(
            evidence.contains(&kit::text!("{sub} into pod prod-db/db-0")),
            "{evidence}"
        );
        assert!(
            evidence.contains("by \"alice@example.com\" as break-glass group \"sre-breakglass\""),
            "{evidence}"
        );
        assert!(
            evidence.contains("justification: INC-4711 primary DB stuck in recovery"),
            "{evidence}"
        );
        assert!(r["message"].is_null());
    }
}

#[test]
fn parameters_tune_scope_and_justification() {
    // Outside the configured namespaces nothing is checked.
    assert_allowed(&eval(
        connect("exec", "dev-sandbox", &["dev"], json!({})),
        params(json!({})),
    ));
    // Only the configured subresources.
    assert_allowed(&eval(
        connect("portforward", "prod-db", &["dev"], json!({})),
        params(json!({"subresources": ["exec"]})),
    ));
    // Group membership alone as the approval, recorded as such.
    let r = eval(
        connect("exec", "prod-db", &["sre-breakglass"], json!({})),
        params(json!({"requireJustification": false})),
    );
    assert_allowed(&r);
    assert!(
        annotation(&r, KEY)
            .unwrap()
            .contains("justification: (none required)")
    );
    // Another extra key, several values joined, and a glob group.
    let r = eval(
        connect(
            "exec",
            "prod-db",
            &["oncall-payments"],
            json!({"reason": ["CHG-1", "rollback"]}),
        ),
        params(json!({"breakGlassGroups": ["oncall-*"], "justificationKey": "reason"})),
    );
    assert_allowed(&r);
    assert!(
        annotation(&r, KEY)
            .unwrap()
            .contains("justification: CHG-1 rollback")
    );
    // Bad parameters are settings errors.
    let r = eval(
        connect("exec", "prod-db", &["dev"], json!({})),
        params(json!({"subresources": ["proxy"]})),
    );
    assert_eq!(r["code"], 400);
    assert!(message(&r).contains("\"proxy\" is not one of exec, attach, portforward"));
}

#[test]
fn evidence_is_bounded_and_does_not_leak_between_evaluations() {
    let long = "x".repeat(10_000);
    let r = eval(
        connect(
            "exec",
            "prod-db",
            &["sre-breakglass"],
            json!({"kube-soc2.dev/justification": [long]}),
        ),
        params(json!({})),
    );
    assert_allowed(&r);
    assert!(annotation(&r, KEY).unwrap().len() < 1_000);
    // The next evaluation, refused, carries no stale evidence.
    let r = eval(
        connect("exec", "prod-db", &["dev"], json!({})),
        params(json!({})),
    );
    assert_eq!(annotation(&r, KEY), None);
    // Nor does an unrelated request.
    let r = eval(
        request(
            "Pod",
            "CREATE",
            "prod-db",
            pod(
                "prod-db",
                json!({"containers": [{"name": "c", "image": "i"}]}),
            ),
        ),
        json!({}),
    );
    assert!(r["audit_annotations"].is_null() || annotation(&r, KEY).is_none());
}

#[test]
fn exemptions_and_warn_only_still_apply() {
    let settings = json!({"controls": [C], "parameters": {C: {"namespaces": ["prod-*"]}},
        "exemptions": [{"users": ["ci-bot"], "controls": [C], "reason": "smoke tests, SEC-9"}]});
    let mut req = connect("exec", "prod-db", &["ci"], json!({}));
    req["userInfo"]["username"] = json!("ci-bot");
    let r = eval(req, settings);
    assert_allowed(&r);
    assert!(
        annotation(&r, kit::response::ANNOTATION_EXEMPTED)
            .unwrap()
            .contains("SEC-9")
    );

    // Another control stays enforced: settings where everything only warns are refused.
    let settings = json!({"controls": [C, "pss-privileged"], "warnOnly": [C]});
    let r = eval(connect("attach", "prod-db", &["dev"], json!({})), settings);
    assert_allowed(&r);
    assert!(
        r["warnings"][0]
            .as_str()
            .unwrap()
            .contains("attach into pod prod-db/db-0")
    );
}
