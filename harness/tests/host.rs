//! Host behaviour with tiny hand-written guests: deadlines, traps, memory
//! cap, response conversion, modes and the host capabilities.

mod common;

use common::{constant_guest, guest_with_body, host, relay_guest};
use kube_soc2::admission::TIMEOUT_MESSAGE;
use kube_soc2::metadata::{METADATA_SECTION, Metadata, append_custom_section, read_metadata};
use kube_soc2::{CallError, Context, Host, HostOptions, PolicyConfig, PolicyMode, RecordedCall};
use serde_json::{Value, json};
use std::sync::Arc;

fn request() -> Value {
    json!({"uid": "u-1", "kind": {"group": "", "version": "v1", "kind": "Pod"},
           "resource": {"group": "", "version": "v1", "resource": "pods"},
           "operation": "CREATE", "userInfo": {"username": "alice"},
           "object": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}})
}

fn evaluate_with(host: &Host, wasm: &[u8], config: &PolicyConfig) -> kube_soc2::AdmissionResponse {
    let module = host.load_bytes("guest", wasm, None).expect("loads");
    host.evaluate(
        &module,
        &request(),
        &json!({}),
        config,
        &Arc::new(Context::default()),
    )
    .expect("evaluates")
}

fn evaluate(wasm: &[u8]) -> kube_soc2::AdmissionResponse {
    evaluate_with(host(), wasm, &PolicyConfig::new("guest"))
}

#[test]
fn a_busy_loop_gets_the_timeout_answer() {
    let host = Host::new(HostOptions {
        timeout_seconds: Some(1),
        inherit_stdio: false,
        ..HostOptions::default()
    })
    .unwrap();
    let r = evaluate_with(
        &host,
        &guest_with_body("(loop $forever (br $forever)) (i32.const 1)"),
        &PolicyConfig::new("guest"),
    );
    assert!(!r.allowed);
    assert_eq!(r.code(), Some(500));
    assert_eq!(r.message(), TIMEOUT_MESSAGE);
    assert_eq!(r.uid, "u-1");
}

/// The engine's code generation follows the deadline: with one, modules are
/// compiled with epoch interruption, as policy-server compiles them; without
/// one, without it, as kwctl does (it sets no deadline). Its checks on every
/// call and loop iteration cost a fifth of a family's guest time.
#[test]
fn epoch_interruption_only_with_a_deadline() {
    fn digest(engine: &wasmtime::Engine) -> u64 {
        use std::hash::{DefaultHasher, Hash, Hasher};
        let mut hasher = DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        hasher.finish()
    }
    let compiled_as = |epoch: bool| {
        let mut config = wasmtime::Config::new();
        config.wasm_function_references(true);
        config.epoch_interruption(epoch);
        digest(&wasmtime::Engine::new(&config).unwrap())
    };
    let host = |timeout_seconds: Option<u64>| {
        let host = Host::new(HostOptions {
            timeout_seconds,
            inherit_stdio: false,
            ..HostOptions::default()
        })
        .unwrap();
        digest(host.engine())
    };
    assert_ne!(compiled_as(true), compiled_as(false));
    assert_eq!(host(Some(2)), compiled_as(true));
    assert_eq!(host(None), compiled_as(false));
}

#[test]
fn a_trap_is_an_internal_server_error() {
    let r = evaluate(&guest_with_body("unreachable"));
    assert!(!r.allowed);
    assert_eq!(r.code(), Some(500));
    assert!(
        r.message()
            .starts_with("internal server error: Guest call failure: "),
        "{}",
        r.message()
    );
}

#[test]
fn growing_memory_past_the_cap_is_an_internal_server_error() {
    let host = Host::new(HostOptions {
        memory_limit: 4 * 1024 * 1024,
        inherit_stdio: false,
        ..HostOptions::default()
    })
    .unwrap();
    // 200 pages = 12.5 MiB > 4 MiB.
    let r = evaluate_with(
        &host,
        &guest_with_body("(drop (memory.grow (i32.const 200))) (i32.const 1)"),
        &PolicyConfig::new("guest"),
    );
    assert!(!r.allowed);
    assert_eq!(r.code(), Some(500));
    assert!(
        r.message()
            .starts_with("internal server error: Guest call failure: "),
        "{}",
        r.message()
    );
}

#[test]
fn a_module_without_guest_call_is_refused_at_load() {
    let wasm = wat::parse_str(r#"(module (memory (export "memory") 1))"#).unwrap();
    let err = host().load_bytes("no-call", &wasm, None).unwrap_err();
    assert!(format!("{err:#}").contains("__guest_call"), "{err:#}");
    let not_wasm = host().load_bytes("junk", b"not wasm", None).unwrap_err();
    assert!(
        format!("{not_wasm:#}").contains("WebAssembly"),
        "{not_wasm:#}"
    );
}

#[test]
fn a_guest_error_is_an_internal_server_error() {
    let wasm = wat::parse_str(
        r#"(module
  (import "wapc" "__guest_error" (func $guest_error (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "boom")
  (func (export "__guest_call") (param i32 i32) (result i32)
    (call $guest_error (i32.const 0) (i32.const 4)) (i32.const 0)))"#,
    )
    .unwrap();
    let r = evaluate(&wasm);
    assert_eq!(
        r.message(),
        "internal server error: Guest call failure: boom"
    );
    assert_eq!(r.code(), Some(500));
}

#[test]
fn mutated_object_becomes_a_base64_json_patch() {
    let wasm = constant_guest(
        r#"{"accepted":true,"message":null,"code":null,"mutated_object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"team":"a"}}},"audit_annotations":null,"warnings":null}"#,
    );
    let r = evaluate(&wasm);
    assert!(r.allowed);
    assert_eq!(r.patch_type.as_deref(), Some("JSONPatch"));
    assert_eq!(
        r.decoded_patch().unwrap().unwrap(),
        json!([{"op": "add", "path": "/metadata/labels", "value": {"team": "a"}}])
    );
    let line = r.to_json_line();
    assert!(
        line.starts_with(r#"{"uid":"u-1","allowed":true,"patchType":"JSONPatch","patch":""#),
        "{line}"
    );

    // policy-server's default: a policy not allowed to mutate is rejected.
    let mut config = PolicyConfig::new("guest");
    config.allowed_to_mutate = false;
    let refused = evaluate_with(host(), &wasm, &config);
    assert!(!refused.allowed && refused.patch.is_none());
    assert!(refused.message().contains("not allow mutations"));
}

#[test]
fn monitor_mode_admits_a_rejection() {
    let wasm = constant_guest(
        r#"{"accepted":false,"message":"no","code":403,"audit_annotations":{"k":"v"},"warnings":["w"]}"#,
    );
    let protect = evaluate(&wasm);
    assert!(!protect.allowed);
    assert_eq!(protect.code(), Some(403));
    let mut config = PolicyConfig::new("guest");
    config.mode = PolicyMode::Monitor;
    let monitor = evaluate_with(host(), &wasm, &config);
    assert!(monitor.allowed);
    assert!(monitor.status.is_none());
    assert_eq!(monitor.warnings, Some(vec!["w".to_string()]));
}

#[test]
fn an_unparsable_policy_answer_is_an_internal_server_error() {
    let r = evaluate(&constant_guest("not json"));
    assert_eq!(r.code(), Some(500));
    assert!(r.message().starts_with("internal server error: "));
}

/// The relay guest, annotated with the resources it may read.
fn context_aware_guest() -> Vec<u8> {
    let mut metadata = Metadata::from_yaml(
        r#"
rules: [{apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [CREATE]}]
mutating: false
contextAwareResources: [{apiVersion: v1, kind: Namespace}]
"#,
    )
    .unwrap();
    metadata.protocol_version = Some("v1".into());
    append_custom_section(&relay_guest(), METADATA_SECTION, &metadata.to_json())
}

fn snapshot_context() -> Arc<Context> {
    let objects = vec![
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a", "labels": {"env": "prod"}, "managedFields": [{}]}}),
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-b", "labels": {"env": "dev"}}}),
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "team-a"}}),
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "reader"},
               "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]}]}),
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "readers"},
               "roleRef": {"kind": "ClusterRole", "name": "reader"}, "subjects": [{"kind": "User", "name": "alice"}]}),
    ];
    let recorded = vec![RecordedCall {
        namespace: "oci".into(),
        operation: "v1/manifest_digest".into(),
        request: json!("\"nginx:1.25\""),
        response: Some(json!({"digest": "sha256:abc"})),
        error: None,
    }];
    Arc::new(Context::new(kit::Snapshot::new(objects), recorded))
}

fn host_call(
    granted: bool,
    namespace: &str,
    operation: &str,
    payload: &str,
) -> Result<Value, String> {
    let module = host()
        .load_bytes("relay", &context_aware_guest(), None)
        .expect("loads");
    let config = PolicyConfig {
        allow_context_aware: granted,
        ..PolicyConfig::new("relay")
    };
    host()
        .call(
            &module,
            &config,
            &snapshot_context(),
            namespace,
            format!("{operation}\n{payload}").as_bytes(),
        )
        .map(|bytes| serde_json::from_slice(&bytes).expect("host answers JSON"))
        .map_err(|e| match e {
            CallError::Guest(m) => m,
            other => panic!("unexpected failure {other}"),
        })
}

#[test]
fn kubernetes_reads_are_gated_by_context_aware_resources() {
    let get = r#"{"api_version":"v1","kind":"Namespace","name":"team-a","namespace":null,"disable_cache":false,"field_masks":null}"#;
    let ns = host_call(true, "kubernetes", "get_resource", get).unwrap();
    assert_eq!(ns["metadata"]["name"], "team-a");
    assert!(ns["metadata"].get("managedFields").is_none());

    let refused = host_call(false, "kubernetes", "get_resource", get).unwrap_err();
    assert_eq!(
        refused,
        "Policy has not been granted access to Kubernetes v1/Namespace resources. The violation has been reported."
    );
    // Granted the module's list, not anything else.
    let cm = r#"{"api_version":"v1","kind":"ConfigMap","namespace":"team-a","label_selector":null,"field_selector":null,"field_masks":null}"#;
    let refused = host_call(true, "kubernetes", "list_resources_by_namespace", cm).unwrap_err();
    assert!(
        refused.contains("Kubernetes v1/ConfigMap resources"),
        "{refused}"
    );
}

#[test]
fn kubernetes_answers_come_from_the_snapshot() {
    let list = host_call(
        true,
        "kubernetes",
        "list_resources_all",
        r#"{"api_version":"v1","kind":"Namespace","label_selector":"env=prod","field_selector":null,"field_masks":null}"#,
    )
    .unwrap();
    assert_eq!(list["apiVersion"], "v1");
    assert_eq!(list["kind"], "NamespaceList");
    assert_eq!(list["metadata"], json!({}));
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["metadata"]["name"], "team-a");

    let missing = host_call(
        true,
        "kubernetes",
        "get_resource",
        r#"{"api_version":"v1","kind":"Namespace","name":"nope","namespace":null,"disable_cache":false}"#,
    )
    .unwrap_err();
    assert!(missing.contains("not found"), "{missing}");

    let sar = |user: &str| {
        format!(
            r#"{{"subject_access_review":{{"groups":null,"resource_attributes":{{"group":"","name":null,"namespace":"team-a","resource":"pods","subresource":null,"verb":"get","version":"v1"}},"user":"{user}"}},"disable_cache":false}}"#
        )
    };
    // can_i is not gated by contextAwareResources.
    assert_eq!(
        host_call(false, "kubernetes", "can_i", &sar("alice")).unwrap(),
        json!({"allowed": true})
    );
    assert_eq!(
        host_call(false, "kubernetes", "can_i", &sar("bob")).unwrap(),
        json!({"allowed": false})
    );
}

#[test]
fn other_capabilities_answer_from_recordings_or_refuse() {
    assert_eq!(
        host_call(false, "oci", "v1/manifest_digest", "\"nginx:1.25\"").unwrap(),
        json!({"digest": "sha256:abc"})
    );
    let other = host_call(false, "oci", "v1/manifest_digest", "\"redis:7\"").unwrap_err();
    assert!(
        other.contains("Replay error: unexpected request"),
        "{other}"
    );
    assert_eq!(
        host_call(false, "net", "v1/dns_lookup_host", "\"example.com\"").unwrap_err(),
        "Policy has not been granted access to the 'net/v1/dns_lookup_host' host capability. The violation has been reported."
    );
    assert_eq!(
        host_call(false, "storage", "v1/get", "{}").unwrap_err(),
        "unknown namespace: storage"
    );
    assert_eq!(
        host_call(false, "kubernetes", "delete_resource", "{}").unwrap_err(),
        "unknown operation: delete_resource"
    );
    // tracing/log always succeeds with an empty answer (not JSON: check raw).
    let module = host().load_bytes("relay", &relay_guest(), None).unwrap();
    let answer = host()
        .call(
            &module,
            &PolicyConfig::new("relay"),
            &Arc::new(Context::default()),
            "tracing",
            b"log\n{\"level\":\"info\",\"message\":\"hi\"}",
        )
        .unwrap();
    assert!(answer.is_empty());
}

#[test]
fn annotate_round_trip() {
    let raw = constant_guest("\"v1\"");
    let metadata = Metadata::from_yaml(
        r#"
rules: [{apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [CREATE, UPDATE]}]
mutating: false
annotations: {io.kubewarden.policy.title: demo}
"#,
    )
    .unwrap();
    let annotated = kube_soc2::commands::annotate::annotate_bytes(
        host(),
        "demo",
        &raw,
        metadata.clone(),
        Some("# usage".into()),
    )
    .unwrap();
    let read = read_metadata(&annotated)
        .unwrap()
        .expect("metadata section");
    assert_eq!(read.protocol_version.as_deref(), Some("v1"));
    assert_eq!(read.rules, metadata.rules);
    assert_eq!(
        read.annotations.as_ref().unwrap()["io.kubewarden.policy.usage"],
        "# usage"
    );
    // The annotated module still loads and carries its metadata.
    let module = host().load_bytes("demo", &annotated, None).unwrap();
    assert_eq!(module.metadata.as_ref(), Some(&read));
    // Annotating twice is refused.
    let again =
        kube_soc2::commands::annotate::annotate_bytes(host(), "demo", &annotated, metadata, None)
            .unwrap_err();
    assert!(format!("{again:#}").contains("already has"), "{again:#}");
    // A module answering another protocol is refused.
    let wrong = kube_soc2::commands::annotate::annotate_bytes(
        host(),
        "demo",
        &constant_guest("\"v2\""),
        read,
        None,
    )
    .unwrap_err();
    assert!(format!("{wrong:#}").contains("v2"), "{wrong:#}");
}
