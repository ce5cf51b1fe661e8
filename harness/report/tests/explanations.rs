//! Reading what the modules `explain`: the kit's own answers, so a change of
//! the contract on either side fails here.

mod support;

use report::{ControlOutcome, Evaluation, FamilyCatalogue, ObjectRef, Origin, Selection};
use serde_json::{Value, json};
use support::family::{ACCESS, payload};

fn object() -> ObjectRef {
    ObjectRef {
        api_version: "apps/v1".into(),
        kind: "Deployment".into(),
        namespace: Some("shop".into()),
        namespace_assumed: false,
        name: "api".into(),
        origin: Origin {
            file: "m.yaml".into(),
            document: 1,
            item: None,
            line: 1,
            source: None,
        },
        seq: 0,
    }
}

fn deployment(containers: Value) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
           "metadata": {"name": "api", "namespace": "shop"},
           "spec": {"template": {"spec": {"containers": containers}}}})
}

fn evaluate(settings: Value, object_value: Value) -> Evaluation {
    let catalogue = FamilyCatalogue::from_json(&kit::catalogue::to_json(&ACCESS)).unwrap();
    let answer = kit::engine::explain(&ACCESS, &payload(&object_value, &settings), &kit::NoCluster);
    Evaluation::from_explanation_bytes(object(), "access", &answer, Some(&catalogue))
}

#[test]
fn findings_outcomes_and_bounded_lists_arrive_as_data() {
    let many: Vec<Value> = (0..150)
        .map(|i| json!({"name": format!("c{i}"), "image": "img:1", "securityContext": {"privileged": true}}))
        .collect();
    let e = evaluate(Value::Null, deployment(json!(many)));
    assert!(!e.allowed);
    assert!(e.error.is_none(), "{:?}", e.error);
    let v = e
        .violations
        .iter()
        .find(|v| v.control == "test-privileged")
        .expect("privileged fails");
    assert_eq!(v.total, 150);
    assert_eq!(v.findings.len(), kit::explain::MAX_FINDINGS);
    assert_eq!(v.findings[3].container.as_deref(), Some("c3"));
    assert_eq!(
        v.findings[3].path.as_deref(),
        Some("spec.template.spec.containers[3].securityContext.privileged")
    );
    assert!(v.text.starts_with("[test-privileged] "), "{}", v.text);
    assert!(v.text.contains("and 50 more"), "{}", v.text);
    let ran = e
        .ran
        .iter()
        .find(|r| r.control == "test-privileged")
        .unwrap();
    assert_eq!(ran.outcome, ControlOutcome::Fail);
    // The admission message stays bounded for a person at `kubectl apply`.
    assert!(e.message.as_deref().unwrap().len() <= kit::response::MAX_MESSAGE_CHARS + 200);
}

#[test]
fn refusals_and_garbage_are_evaluation_errors() {
    let e = evaluate(json!({"controls": ["nope"]}), deployment(json!([])));
    assert!(
        e.error.as_deref().unwrap().contains("invalid settings"),
        "{e:?}"
    );
    let e = Evaluation::from_explanation_bytes(object(), "m", b"not json", None);
    assert!(e.error.unwrap().contains("invalid JSON"));
    let e = Evaluation::from_explanation(object(), "m", &kit::json_value!({"response": {}}), None);
    assert!(e.error.unwrap().contains("no controls"));
}

#[test]
fn the_selection_is_the_modules_own_reading_of_the_settings() {
    let answer = kit::engine::explain(
        &ACCESS,
        br#"{"settings": {"controls": ["all"], "warnOnly": ["test-privileged"]}}"#,
        &kit::NoCluster,
    );
    let s = Selection::from_explanation(&serde_json::from_slice(&answer).unwrap()).unwrap();
    assert_eq!(s.enabled.len(), ACCESS.controls().count());
    assert_eq!(s.warn_only, ["test-privileged"]);
    let answer = kit::engine::explain(&ACCESS, br#"{"settings": {"bogus": 1}}"#, &kit::NoCluster);
    let err = Selection::from_explanation(&serde_json::from_slice(&answer).unwrap()).unwrap_err();
    assert!(err.contains("bogus"), "{err}");
}
