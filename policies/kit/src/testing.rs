//! Test support shared by every family (native builds only): admission
//! requests built from objects, a pod spec wrapped into every Pod-bearing
//! kind, evaluation through the engine exactly as the waPC `validate` does, and
//! assertions on the answer.

use crate::cluster::{Cluster, Refusing, Snapshot};
use crate::control::{Control, Criteria, Ctx, Family, Finding, POD_KINDS, RunCheck, Severity};
use crate::kinds;
use serde_json::{Value, json};

pub use crate::control::POD_KINDS as POD_BEARING;

/// A control for tests of the kit itself: a default, Pod-bearing control
/// named `id` and `title` that runs `check`, with placeholder text and one
/// SOC 2 and one ISO criterion.
pub const fn control(
    id: &'static str,
    title: &'static str,
    check: fn(&Ctx) -> Vec<Finding>,
) -> Control {
    Control {
        id,
        title,
        rationale: "r",
        remediation: "f",
        severity: Severity::Low,
        tags: &["default"],
        criteria: Criteria {
            soc2: &["CC8.1"],
            iso27001: &["A.8.32"],
            pss: &[],
            cis: &[],
        },
        check,
        ..Control::DEFAULTS
    }
}

/// A family of `groups` for tests of the kit itself, read on demand, whose
/// checks run through `run_check` (`None`: through their pointers).
pub const fn family(
    name: &'static str,
    groups: &'static [&'static [&'static Control]],
    run_check: Option<RunCheck>,
) -> Family {
    Family {
        name,
        title: "t",
        version: "0.0.0",
        groups,
        options: &[],
        validate_options: None,
        default_warn_only: &[],
        reads_whole_request: false,
        run_check,
    }
}

/// The namespace objects of these helpers live in.
pub const NS: &str = "team-a";

/// The `apiVersion` of a built-in Pod-bearing kind.
pub fn api_version(kind: &str) -> &'static str {
    match kind {
        "Pod" | "ReplicationController" => "v1",
        "Job" | "CronJob" => "batch/v1",
        _ => "apps/v1",
    }
}

/// Where the pod spec of `kind` lives, as findings report it.
pub fn spec_path(kind: &str) -> &'static str {
    match kind {
        "Pod" => "spec",
        "CronJob" => "spec.jobTemplate.spec.template.spec",
        _ => "spec.template.spec",
    }
}

/// An object of `kind` named `web` in [`NS`] whose pods (labelled `app: web`,
/// annotated with `pod_annotations`) run `pod_spec`.
pub fn workload(kind: &str, pod_spec: Value, pod_annotations: Value) -> Value {
    let pod_meta = json!({"labels": {"app": "web"}, "annotations": pod_annotations});
    let template = json!({"metadata": pod_meta, "spec": pod_spec});
    let meta = json!({"name": "web", "namespace": NS, "labels": {"app": "web"}});
    let spec = match kind {
        "Pod" => {
            let mut meta = meta;
            meta["annotations"] = template["metadata"]["annotations"].clone();
            return json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta,
                          "spec": template["spec"]});
        }
        "CronJob" => json!({"schedule": "*/5 * * * *",
                            "jobTemplate": {"spec": {"template": template}}}),
        "Job" => json!({"template": template}),
        "ReplicationController" => json!({"selector": {"app": "web"}, "template": template}),
        _ => json!({"selector": {"matchLabels": {"app": "web"}}, "template": template}),
    };
    json!({"apiVersion": api_version(kind), "kind": kind, "metadata": meta, "spec": spec})
}

/// `pod_spec` wrapped into every Pod-bearing kind, with the kind's name.
pub fn every_pod_kind(pod_spec: Value) -> impl Iterator<Item = (&'static str, Value)> {
    POD_KINDS
        .iter()
        .map(move |k| (*k, workload(k, pod_spec.clone(), json!({}))))
}

/// The AdmissionRequest the API server sends for `operation` on `object`
/// (by `alice`, groups `dev` and `system:authenticated`).
pub fn request_for(operation: &str, object: Value) -> Value {
    let api_version = object["apiVersion"].as_str().unwrap_or("v1").to_string();
    let kind = object["kind"].as_str().unwrap_or("").to_string();
    let (group, version) = match api_version.rsplit_once('/') {
        Some((g, v)) => (g.to_string(), v.to_string()),
        None => (String::new(), api_version.clone()),
    };
    let namespace = if kinds::is_cluster_scoped(&kind) {
        String::new()
    } else {
        object["metadata"]["namespace"]
            .as_str()
            .unwrap_or(NS)
            .to_string()
    };
    let name = object["metadata"]["name"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let (object, old_object) = if operation == "DELETE" {
        (Value::Null, object)
    } else {
        (object, Value::Null)
    };
    json!({
        "uid": "test",
        "kind": {"group": group, "version": version, "kind": kind},
        "resource": {"group": group, "version": version, "resource": ""},
        "operation": operation,
        "namespace": namespace,
        "name": name,
        "userInfo": {"username": "alice", "groups": ["dev", "system:authenticated"]},
        "object": object,
        "oldObject": old_object,
    })
}

/// A CREATE of `object`.
pub fn request(object: Value) -> Value {
    request_for("CREATE", object)
}

/// The engine's answer as JSON (`accepted`, `message`, `code`,
/// `audit_annotations`, `warnings`).
pub fn evaluate(family: &Family, request: Value, settings: Value, cluster: &dyn Cluster) -> Value {
    let payload = json!({"request": request, "settings": settings});
    let response = crate::engine::evaluate(family, payload.to_string().as_bytes(), cluster);
    response.to_value()
}

/// A CREATE of `object` evaluated with `settings` against `cluster` objects.
pub fn check(family: &Family, object: Value, settings: Value, cluster: Vec<Value>) -> Value {
    evaluate(family, request(object), settings, &Snapshot::new(cluster))
}

/// Settings enabling exactly `control`, with its parameters (`null` for none).
pub fn only(control: &str, params: Value) -> Value {
    if params.is_null() {
        json!({"controls": [control]})
    } else {
        json!({"controls": [control], "parameters": {control: params}})
    }
}

/// A cluster whose every lookup fails as policy-server's do when the policy
/// was not granted access.
pub const REFUSING: Refusing = Refusing(|kind| {
    crate::text!("Policy has not been granted access to Kubernetes {kind} resources")
});

pub fn message(r: &Value) -> &str {
    r["message"].as_str().unwrap_or("")
}

#[track_caller]
pub fn assert_allowed(r: &Value) {
    assert_eq!(
        r["accepted"],
        true,
        "expected acceptance, got: {}",
        message(r)
    );
}

/// Asserts a compliance refusal (no status code) whose message has every needle.
#[track_caller]
pub fn assert_denied(r: &Value, needles: &[&str]) {
    assert_eq!(r["accepted"], false, "expected a refusal, got acceptance");
    assert!(
        r["code"].is_null(),
        "not a compliance refusal: {}",
        message(r)
    );
    for n in needles {
        assert!(
            message(r).contains(n),
            "message lacks {n:?}:\n{}",
            message(r)
        );
    }
}

/// The value of an audit annotation, if set.
pub fn annotation<'a>(r: &'a Value, key: &str) -> Option<&'a str> {
    r["audit_annotations"][key].as_str()
}

/// Whether some warning contains `needle`.
pub fn warned(r: &Value, needle: &str) -> bool {
    r["warnings"].as_array().is_some_and(|w| {
        w.iter()
            .any(|w| w.as_str().is_some_and(|s| s.contains(needle)))
    })
}

/// Every path (object keys and array indices) into `v`, parents first.
pub fn field_paths(v: &Value) -> Vec<Vec<Value>> {
    fn walk(v: &Value, prefix: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
        match v {
            Value::Object(m) => {
                for (k, child) in m {
                    prefix.push(json!(k));
                    out.push(prefix.clone());
                    walk(child, prefix, out);
                    prefix.pop();
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    prefix.push(json!(i));
                    out.push(prefix.clone());
                    walk(child, prefix, out);
                    prefix.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(v, &mut Vec::new(), &mut out);
    out
}

/// `v` with the field at `path` (from [`field_paths`]) replaced by `new`.
pub fn replaced(v: &Value, path: &[Value], new: Value) -> Value {
    let mut out = v.clone();
    let mut cur = &mut out;
    for step in path {
        cur = match step {
            Value::String(k) => &mut cur[k.as_str()],
            Value::Number(i) => &mut cur[i.as_u64().unwrap_or(0) as usize],
            _ => return out,
        };
    }
    *cur = new;
    out
}

/// Values of every JSON type and the odd shapes controls must survive:
/// what [`mutants`] puts in place of each field.
pub fn odd_values() -> Vec<Value> {
    vec![
        Value::Null,
        json!(0),
        json!(-1),
        json!(3.5),
        json!(1e300),
        json!(""),
        json!("*"),
        json!("100%"),
        json!("é/…/"),
        json!(true),
        json!([null, 1, "*"]),
        json!({}),
        json!({"matchExpressions": [{"key": 1, "operator": "In"}]}),
    ]
}

/// `subject` with each of its fields in turn replaced by each of `values`:
/// the mutants a robustness test feeds to the engine.
pub fn mutants<'a>(subject: &'a Value, values: &'a [Value]) -> impl Iterator<Item = Value> + 'a {
    field_paths(subject).into_iter().flat_map(move |path| {
        values
            .iter()
            .map(move |v| replaced(subject, &path, v.clone()))
    })
}
