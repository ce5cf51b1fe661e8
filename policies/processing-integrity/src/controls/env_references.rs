//! The ConfigMaps and Secrets a container reads exist (PI1.2).

use kit::Value;
use kit::{Container, Control, Ctx, Finding, Severity, json};

pub static CONTROL: Control = Control {
    id: "env-references-exist",
    title: kit::cold!("Environment references name ConfigMaps and Secrets that exist"),
    rationale: kit::cold!(
        "A container whose env or envFrom names a ConfigMap, Secret or key that does not exist never starts (CreateContainerConfigError), or with optional: true starts without the input it expects: the processing runs on missing or default configuration. Context-aware: the ConfigMaps and Secrets of the namespace are read from the cluster (the policy server needs get access to them; only names and keys are used), and a failed lookup is reported, never passed. Create the referenced objects before the workload."
    ),
    remediation: kit::cold!(
        "create the referenced ConfigMap/Secret (with the referenced key) in the workload's namespace before the workload, or fix the name; mark references optional: true only when the process works without them"
    ),
    severity: Severity::Low,
    tags: &["inputs", "context-aware"],
    criteria: super::INPUTS,
    reads: &[("v1", "ConfigMap"), ("v1", "Secret")],
    check,
    ..Control::DEFAULTS
};

/// One reference: kind, name, key (None for envFrom), field path.
struct Ref {
    kind: &'static str,
    name: String,
    key: Option<String>,
    path: String,
}

fn optional(v: &Value) -> bool {
    v.get("optional").and_then(Value::as_bool) == Some(true)
}

fn refs(c: &Container) -> Vec<Ref> {
    let mut out = Vec::new();
    for (i, e) in json::get_array(c.raw, &["env"]).iter().enumerate() {
        for (field, kind) in [("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")] {
            if let Some(r) = json::get(e, &["valueFrom", field])
                && !optional(r)
            {
                out.push(Ref {
                    kind,
                    name: json::get_str(r, &["name"]).unwrap_or("").to_string(),
                    key: Some(json::get_str(r, &["key"]).unwrap_or("").to_string()),
                    path: c.field_path(&kit::text!("env[{i}].valueFrom.{field}")),
                });
            }
        }
    }
    for (i, e) in json::get_array(c.raw, &["envFrom"]).iter().enumerate() {
        for (field, kind) in [("configMapRef", "ConfigMap"), ("secretRef", "Secret")] {
            if let Some(r) = e.get(field).filter(|r| r.is_object())
                && !optional(r)
            {
                out.push(Ref {
                    kind,
                    name: json::get_str(r, &["name"]).unwrap_or("").to_string(),
                    key: None,
                    path: c.field_path(&kit::text!("envFrom[{i}].{field}")),
                });
            }
        }
    }
    out
}

fn has_key(o: &Value, key: &str) -> bool {
    ["data", "binaryData", "stringData"]
        .iter()
        .any(|d| json::get_obj(o, &[d]).is_some_and(|m| m.contains_key(key)))
}

/// The answer of one cluster lookup.
type Lookup = Result<Option<Value>, String>;

fn check(ctx: &Ctx) -> Vec<Finding> {
    let ns = ctx.request.namespace();
    let mut out = Vec::new();
    let mut cache: Vec<(&'static str, String, Lookup)> = Vec::new();
    for c in ctx.pod().containers() {
        for r in refs(&c) {
            if r.name.is_empty() {
                out.push(Finding {
                    path: r.path,
                    container: Some(c.identity()),
                    message: kit::text!("a {} reference has no name", r.kind),
                });
                continue;
            }
            let pos = match cache
                .iter()
                .position(|(k, n, _)| *k == r.kind && *n == r.name)
            {
                Some(p) => p,
                None => {
                    let got = ctx.cluster.get("v1", r.kind, Some(ns), &r.name);
                    cache.push((r.kind, r.name.clone(), got));
                    cache.len() - 1
                }
            };
            let finding = match &cache[pos].2 {
                Err(e) => Some(kit::text!(
                    "could not verify that {} {} exists: {}",
                    r.kind,
                    r.name,
                    kit::response::truncate(e.lines().next().unwrap_or(""), 160)
                )),
                Ok(None) => Some(kit::text!(
                    "{} {} does not exist in namespace {ns}",
                    r.kind,
                    r.name
                )),
                Ok(Some(o)) => match &r.key {
                    Some(k) if !has_key(o, k) => {
                        Some(kit::text!("{} {} has no key {k}", r.kind, r.name))
                    }
                    _ => None,
                },
            };
            if let Some(m) = finding {
                out.push(Finding {
                    path: r.path,
                    container: Some(c.identity()),
                    message: m,
                });
            }
        }
    }
    out
}
