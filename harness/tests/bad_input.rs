//! Bad input through the real access-control module: each is answered
//! clearly, without a trap (no 500) and without hanging.

mod common;

use common::{access_control, cli, dist_module, host};
use kube_soc2::request::{self, Wrap};
use kube_soc2::{AdmissionResponse, Context, PolicyConfig};
use serde_json::{Value, json};
use std::io::Write;
use std::sync::Arc;

fn evaluate(request: &Value) -> AdmissionResponse {
    let module = access_control();
    let config = PolicyConfig {
        allow_context_aware: true,
        ..PolicyConfig::new("access-control")
    };
    host()
        .evaluate(
            &module,
            request,
            &json!({}),
            &config,
            &Arc::new(Context::default()),
        )
        .expect("evaluates")
}

/// A raw `validate` payload, bypassing the host's request handling.
fn validate_raw(payload: &[u8]) -> Value {
    let module = access_control();
    let bytes = host()
        .call(
            &module,
            &PolicyConfig::new("access-control"),
            &Arc::new(Context::default()),
            "validate",
            payload,
        )
        .expect("the module answers instead of failing");
    serde_json::from_slice(&bytes).expect("a ValidationResponse")
}

fn assert_clear_answer(r: &AdmissionResponse) {
    assert_ne!(r.code(), Some(500), "internal error: {}", r.message());
    if !r.allowed {
        assert!(!r.message().is_empty(), "rejection without a message");
    }
}

fn pod(spec: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "team-a"}, "spec": spec})
}

fn write_temp(name: &str, content: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kube-soc2-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(content)
        .unwrap();
    path
}

fn run_cli(request: &std::path::Path, extra: &[&str]) -> std::process::Output {
    cli()
        .arg("run")
        .arg("--policy")
        .arg(dist_module("access-control"))
        .arg("--request")
        .arg(request)
        .args(extra)
        .output()
        .expect("kube-soc2 runs")
}

#[test]
fn malformed_json_request_file_is_refused_clearly() {
    let path = write_temp("malformed.json", b"{\"uid\": \"1\", \"kind\": ");
    let out = run_cli(&path, &[]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("invalid JSON"), "{stderr}");
}

#[test]
fn empty_payload_is_refused_clearly() {
    let path = write_temp("empty.json", b"");
    let out = run_cli(&path, &[]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("empty"));
    // The module itself, handed zero bytes, refuses with a 400.
    let answer = validate_raw(b"");
    assert_eq!(answer["accepted"], false);
    assert_eq!(answer["code"], 400);
}

#[test]
fn request_without_object_is_answered() {
    let r = evaluate(
        &json!({"uid": "1", "kind": {"group": "", "version": "v1", "kind": "Pod"},
        "resource": {"group": "", "version": "v1", "resource": "pods"},
        "operation": "CREATE", "userInfo": {}}),
    );
    assert_clear_answer(&r);
    assert_eq!(r.uid, "1");
}

#[test]
fn delete_without_object_is_admitted() {
    let r = evaluate(
        &json!({"uid": "2", "kind": {"group": "", "version": "v1", "kind": "Pod"},
        "resource": {"group": "", "version": "v1", "resource": "pods"},
        "operation": "DELETE", "name": "p", "namespace": "team-a", "userInfo": {}}),
    );
    assert_clear_answer(&r);
    assert!(r.allowed);
}

#[test]
fn unknown_kind_is_answered() {
    let request = request::wrap_object(
        json!({"apiVersion": "example.com/v1", "kind": "Gizmo", "metadata": {"name": "g"}, "spec": {"x": 1}}),
        &Wrap::default(),
    )
    .unwrap();
    let r = evaluate(&request.to_value());
    assert_clear_answer(&r);
    assert!(r.allowed);
}

#[test]
fn wrong_types_in_known_fields_are_answered() {
    for spec in [
        json!({"containers": "nginx"}),
        json!({"containers": [5, null]}),
        json!({"containers": [{"name": 5, "image": ["x"], "securityContext": "privileged"}]}),
        json!({"hostNetwork": "yes", "securityContext": [], "volumes": {"a": 1}}),
        json!("spec"),
    ] {
        let request = request::wrap_object(pod(spec.clone()), &Wrap::default()).unwrap();
        let r = evaluate(&request.to_value());
        assert_clear_answer(&r);
    }
    // A malformed AdmissionRequest is refused by the harness, not sent.
    let path = write_temp(
        "wrong-types.json",
        br#"{"uid": "1", "kind": {"kind": "Pod"}, "operation": 5, "object": {}}"#,
    );
    let out = run_cli(&path, &[]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("operation"));
}

#[test]
fn a_20_mb_object_is_answered() {
    let big = "x".repeat(20 * 1024 * 1024);
    let request = request::wrap_object(
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "big", "namespace": "a"},
               "data": {"blob": big}}),
        &Wrap::default(),
    )
    .unwrap();
    let r = evaluate(&request.to_value());
    assert_clear_answer(&r);
    assert!(!r.allowed);
    assert_eq!(r.code(), Some(413));
}

#[test]
fn json_nested_10000_levels_is_refused_clearly() {
    let deep = format!(
        "{{\"request\": {}1{}, \"settings\": {{}}}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    // The module refuses it (serde_json's recursion limit), no stack overflow.
    let answer = validate_raw(deep.as_bytes());
    assert_eq!(answer["accepted"], false);
    assert_eq!(answer["code"], 400);
    // The harness refuses such a request file before evaluating.
    let path = write_temp("deep.json", deep.as_bytes());
    let out = run_cli(&path, &[]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("recursion limit"), "{stderr}");
}

#[test]
fn invalid_settings_are_refused_clearly() {
    let module = access_control();
    for settings in [
        json!({"controls": 5}),
        json!({"controls": ["no-such-control"]}),
        json!({"unknownKey": true}),
        json!({"skip": [1, 2]}),
        json!({"parameters": []}),
    ] {
        let verdict = host().validate_settings(&module, &settings).unwrap();
        assert!(!verdict.valid, "{settings} accepted");
        assert!(
            !verdict.message.unwrap_or_default().is_empty(),
            "{settings}: no message"
        );
    }
    for not_an_object in [json!([]), json!("x"), json!(3)] {
        let err = host()
            .validate_settings(&module, &not_an_object)
            .unwrap_err();
        assert!(format!("{err}").contains("must be a JSON object"));
    }
    let path = write_temp(
        "pod.json",
        pod(json!({"containers": []})).to_string().as_bytes(),
    );
    for settings in [r#"{"controls": ["no-such-control"]}"#, "[1]", "{not json"] {
        let out = run_cli(&path, &["--settings", settings]);
        assert!(!out.status.success(), "{settings} accepted");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("settings"), "{settings}: {stderr}");
    }
    let out = run_cli(&path, &["--settings", r#"{"controls": ["nope"]}"#]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("Provided settings are not valid: "));
}
