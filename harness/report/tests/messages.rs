//! The message parser against responses the kit itself writes
//! (`kit::response::Report::into_response`), so a change of the kit's format
//! fails here.

mod support;

use kit::Request;
use kit::control::Finding as KitFinding;
use kit::response::Report;
use report::message::parse_response;
use report::{Evaluation, FamilyCatalogue};
use serde_json::{Value, json};
use support::family::{ACCESS, AVAILABILITY, LABELS, NON_ROOT, PRIVILEGED, REPLICAS};

fn request() -> Request {
    Request::from_value(json!({
        "uid": "u", "kind": {"group": "apps", "version": "v1", "kind": "Deployment"},
        "operation": "CREATE", "namespace": "shop", "name": "api",
        "object": {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api", "namespace": "shop"}}
    }))
    .unwrap()
}

fn answer(report: Report) -> Value {
    serde_json::to_value(report.into_response(&request())).unwrap()
}

fn catalogue(family: &kit::Family) -> FamilyCatalogue {
    FamilyCatalogue::from_json(&kit::catalogue::to_json(family)).unwrap()
}

fn finding(path: &str, container: Option<&str>, message: &str) -> KitFinding {
    KitFinding {
        path: path.to_string(),
        container: container.map(|c| (c.to_string(), "img:1".to_string())),
        message: message.to_string(),
    }
}

#[test]
fn every_finding_shape_round_trips_with_and_without_catalogue() {
    let v = answer(Report {
        denied: vec![
            (
                &PRIVILEGED,
                vec![
                    finding(
                        "spec.template.spec.containers[0].securityContext.privileged",
                        Some("a"),
                        "privileged is true",
                    ),
                    finding(
                        "spec.template.spec.initContainers[1].securityContext.privileged",
                        Some("b"),
                        "privileged is true",
                    ),
                ],
            ),
            (
                &REPLICAS,
                vec![finding(
                    "spec.replicas",
                    None,
                    "is 1; at least 2 are needed",
                )],
            ),
            (
                &LABELS,
                vec![finding(
                    "",
                    None,
                    "no owner label; inventory: unknown. Fix: nothing",
                )],
            ),
        ],
        ..Report::default()
    });
    let mut cat = catalogue(&ACCESS);
    cat.controls.extend(catalogue(&AVAILABILITY).controls);
    for with_catalogue in [true, false] {
        let parsed = parse_response(&v, with_catalogue.then_some(&cat));
        assert!(!parsed.allowed && parsed.error.is_none());
        let ids: Vec<&str> = parsed
            .violations
            .iter()
            .map(|c| c.control.as_str())
            .collect();
        assert_eq!(ids, ["test-privileged", "test-replicas", "test-labels"]);
        let p = &parsed.violations[0];
        assert_eq!(p.title, "Privileged containers are disallowed");
        assert_eq!(p.findings.len(), 2);
        assert_eq!(p.findings[1].container.as_deref(), Some("b"));
        assert_eq!(
            p.findings[1].path.as_deref(),
            Some("spec.template.spec.initContainers[1].securityContext.privileged")
        );
        let r = &parsed.violations[1];
        assert_eq!(r.findings.len(), 1);
        assert_eq!(r.findings[0].message, "is 1; at least 2 are needed");
        assert_eq!(
            r.remediation.as_deref(),
            Some("set spec.replicas to 2 or more")
        );
        let l = &parsed.violations[2];
        assert_eq!(l.findings[0].path, None);
        assert_eq!(
            l.remediation.as_deref(),
            Some("add metadata.labels[app.kubernetes.io/name]"),
            "the last `. Fix: ` is the real one"
        );
        // Without the catalogue a plain message is split at "; " (no path
        // tells where a finding starts); with it, exactly one finding is kept
        // only when the kit wrote one: the kit joins findings with "; ".
        assert_eq!(l.findings[0].message, "no owner label");
        assert!(
            parsed
                .message
                .as_deref()
                .unwrap()
                .starts_with("Deployment shop/api violates 3 kube-soc2 controls:")
        );
    }
}

#[test]
fn warnings_and_exemptions_round_trip() {
    let v = answer(Report {
        warned: vec![(
            &NON_ROOT,
            vec![finding(
                "spec.template.spec.containers[0].securityContext.runAsNonRoot",
                Some("api"),
                "runAsNonRoot is not true",
            )],
        )],
        exempted: vec![
            (&PRIVILEGED, "CHG-1, approved by sec (ticket 7)".to_string()),
            (&PRIVILEGED, "CHG-1, approved by sec (ticket 7)".to_string()),
            (&REPLICAS, String::new()),
        ],
        ..Report::default()
    });
    let parsed = parse_response(&v, Some(&catalogue(&ACCESS)));
    assert!(parsed.allowed);
    assert!(parsed.violations.is_empty());
    assert_eq!(parsed.warnings.len(), 1);
    let w = &parsed.warnings[0];
    assert_eq!(w.control, "test-run-as-non-root");
    assert_eq!(w.findings[0].container.as_deref(), Some("api"));
    assert!(
        w.text.starts_with("[test-run-as-non-root]"),
        "prefix `Deployment shop/api: ` dropped"
    );
    let ex: Vec<(&str, Option<&str>)> = parsed
        .exempted
        .iter()
        .map(|e| (e.control.as_str(), e.reason.as_deref()))
        .collect();
    assert_eq!(
        ex,
        [
            ("test-privileged", Some("CHG-1, approved by sec (ticket 7)")),
            ("test-replicas", None)
        ]
    );
}

#[test]
fn refusals_and_garbage_are_errors() {
    let refused =
        kit::response::refuse("test-access", 400, "Deployment shop/api is malformed: bad");
    let v = serde_json::to_value(refused).unwrap();
    let parsed = parse_response(&v, None);
    assert_eq!(
        parsed.error.as_deref(),
        Some("kube-soc2/test-access: Deployment shop/api is malformed: bad")
    );
    let object =
        report::inputs::load_str("x.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n")
            .objects
            .remove(0)
            .reference();
    let e = Evaluation::from_response_bytes(object.clone(), "m", b"not json", None);
    assert!(e.error.unwrap().contains("invalid JSON"));
    let e = Evaluation::failed(object, "m", "wasm trap: unreachable");
    assert!(!e.allowed);
}

#[test]
fn annotations_fill_in_controls_missing_from_a_cut_message() {
    let v = json!({
        "accepted": false,
        "message": "Deployment shop/api violates 2 kube-soc2 controls:\n[test-privileged] Privileged containers are disallowed: privileged is true. Fix: x",
        "audit_annotations": {"kube-soc2.violations": "test-privileged,test-replicas"}
    });
    let parsed = parse_response(&v, Some(&catalogue(&AVAILABILITY)));
    let ids: Vec<&str> = parsed
        .violations
        .iter()
        .map(|c| c.control.as_str())
        .collect();
    assert_eq!(ids, ["test-privileged", "test-replicas"]);
    assert_eq!(
        parsed.violations[1].title,
        "Workloads run at least two replicas"
    );
}

#[test]
fn admission_responses_of_the_harness_are_read_too() {
    // The harness turns a module's ValidationResponse into the Kubernetes
    // AdmissionResponse (camelCase, message and code under `status`).
    let v = json!({
        "uid": "0b6f…",
        "allowed": false,
        "status": {
            "message": "Deployment shop/api violates 1 kube-soc2 control:\n[test-replicas] Workloads run at least two replicas: spec.replicas: is 1. Fix: set spec.replicas to 2 or more",
            "code": 400
        },
        "auditAnnotations": {"kube-soc2.violations": "test-replicas", "kube-soc2.exempted": "test-labels (CHG-9)"},
        "warnings": ["Deployment shop/api: [test-privileged] Privileged containers are disallowed: privileged is true. Fix: x"]
    });
    let parsed = parse_response(&v, Some(&catalogue(&AVAILABILITY)));
    assert!(parsed.error.is_none());
    assert_eq!(
        parsed.violations[0].findings[0].path.as_deref(),
        Some("spec.replicas")
    );
    assert_eq!(parsed.warnings[0].control, "test-privileged");
    assert_eq!(parsed.exempted[0].reason.as_deref(), Some("CHG-9"));
    let timeout = json!({"uid": "u", "allowed": false, "status": {"message": "Policy execution interrupted because it exceeded the allowed execution time", "code": 500}});
    assert!(
        parse_response(&timeout, None)
            .error
            .unwrap()
            .contains("interrupted")
    );
}
