//! Answers to `__host_call`: the `kubewarden` binding of policy-evaluator's
//! `host_callback`, served from a cluster snapshot and recorded answers instead
//! of a live cluster, registry or resolver.
//!
//! Dispatch, payload parsing, gating and error texts follow policy-evaluator
//! (`runtimes/callback.rs`): the guest sees these strings after `Host error: `.

use crate::cluster_snapshot::Context;
use kit::cluster::{Access, Cluster};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;
use std::sync::Arc;

/// A Kubernetes resource type a policy may read (`contextAwareResources` entry).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContextAwareResource {
    pub api_version: String,
    pub kind: String,
}

/// The host side of one instance: who is calling and what it may reach.
pub struct Capabilities {
    /// Module name, for log lines.
    pub module: String,
    pub context: Arc<Context>,
    /// Resource types the policy was granted (policy-server: the policy's
    /// `contextAwareResources` setting; kwctl: the metadata's list with
    /// `--allow-context-aware`). Empty = every Kubernetes read is refused.
    pub granted_resources: Arc<BTreeSet<ContextAwareResource>>,
    /// Print the policy's `tracing/log` events and console output to stderr.
    pub verbose: bool,
}

type HostResult = Result<Vec<u8>, String>;

fn unknown_operation(operation: &str) -> HostResult {
    Err(format!("unknown operation: {operation}"))
}

fn capability_denied(path: &str) -> String {
    format!(
        "Policy has not been granted access to the '{path}' host capability. The violation has been reported."
    )
}

fn resource_denied(api_version: &str, kind: &str) -> String {
    format!(
        "Policy has not been granted access to Kubernetes {api_version}/{kind} resources. The violation has been reported."
    )
}

/// How policy-evaluator reports an error of the service answering the request.
fn callback_failure(message: impl std::fmt::Display) -> String {
    format!("Callback evaluation failure: {message}")
}

#[derive(Deserialize)]
struct ListByNamespaceRequest {
    api_version: String,
    kind: String,
    namespace: String,
    label_selector: Option<String>,
    field_selector: Option<String>,
    field_masks: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct ListAllRequest {
    api_version: String,
    kind: String,
    label_selector: Option<String>,
    field_selector: Option<String>,
    field_masks: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct GetResourceRequest {
    api_version: String,
    kind: String,
    name: String,
    namespace: Option<String>,
    #[serde(default)]
    #[allow(dead_code)] // a snapshot has nothing to cache
    disable_cache: bool,
    field_masks: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct CanIRequest {
    subject_access_review: SubjectAccessReview,
}

#[derive(Deserialize)]
struct SubjectAccessReview {
    user: String,
    groups: Option<Vec<String>>,
    resource_attributes: ResourceAttributes,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ResourceAttributes {
    group: Option<String>,
    name: Option<String>,
    namespace: Option<String>,
    resource: Option<String>,
    subresource: Option<String>,
    verb: Option<String>,
    version: Option<String>,
}

fn parse<'a, T: Deserialize<'a>>(payload: &'a [u8]) -> Result<T, String> {
    serde_json::from_slice(payload).map_err(|e| e.to_string())
}

impl Capabilities {
    /// The `host_callback` of policy-evaluator.
    pub fn host_call(
        &self,
        binding: &str,
        namespace: &str,
        operation: &str,
        payload: &[u8],
    ) -> HostResult {
        if binding != "kubewarden" {
            return Err(format!("unknown binding: {binding}"));
        }
        match namespace {
            "tracing" => match operation {
                "log" => {
                    self.log(payload);
                    Ok(Vec::new())
                }
                _ => unknown_operation(operation),
            },
            "kubernetes" => self.kubernetes(operation, payload),
            "oci" => match operation {
                "v1/manifest_digest"
                | "v1/oci_manifest"
                | "v1/oci_manifest_config"
                | "v1/verify"
                | "v2/verify" => self.recorded(namespace, operation, payload),
                _ => unknown_operation(operation),
            },
            "net" => match operation {
                "v1/dns_lookup_host" => self.recorded(namespace, operation, payload),
                _ => unknown_operation(operation),
            },
            "crypto" => match operation {
                "v1/is_certificate_trusted" => self.recorded(namespace, operation, payload),
                _ => unknown_operation(operation),
            },
            _ => Err(format!("unknown namespace: {namespace}")),
        }
    }

    fn gate_resource(&self, api_version: &str, kind: &str) -> Result<(), String> {
        let wanted = ContextAwareResource {
            api_version: api_version.to_string(),
            kind: kind.to_string(),
        };
        if self.granted_resources.contains(&wanted) {
            Ok(())
        } else {
            Err(resource_denied(api_version, kind))
        }
    }

    fn kubernetes(&self, operation: &str, payload: &[u8]) -> HostResult {
        if self.context.offline {
            return Err(format!(
                "kubernetes/{operation}: no Kubernetes cluster is reachable (give a snapshot with --cluster to answer context-aware lookups)"
            ));
        }
        let cluster = &self.context.cluster;
        match operation {
            "list_resources_by_namespace" => {
                let r: ListByNamespaceRequest = parse(payload)?;
                self.gate_resource(&r.api_version, &r.kind)?;
                let items = cluster
                    .list(
                        &r.api_version,
                        &r.kind,
                        Some(&r.namespace),
                        r.label_selector.as_deref(),
                    )
                    .map_err(callback_failure)?;
                list_response(
                    &r.api_version,
                    &r.kind,
                    items.iter().map(kit::Value::to_serde).collect(),
                    r.field_selector.as_deref(),
                    r.field_masks.as_deref(),
                )
            }
            "list_resources_all" => {
                let r: ListAllRequest = parse(payload)?;
                self.gate_resource(&r.api_version, &r.kind)?;
                let items = cluster
                    .list(&r.api_version, &r.kind, None, r.label_selector.as_deref())
                    .map_err(callback_failure)?;
                list_response(
                    &r.api_version,
                    &r.kind,
                    items.iter().map(kit::Value::to_serde).collect(),
                    r.field_selector.as_deref(),
                    r.field_masks.as_deref(),
                )
            }
            "get_resource" => {
                let r: GetResourceRequest = parse(payload)?;
                self.gate_resource(&r.api_version, &r.kind)?;
                match cluster
                    .get(&r.api_version, &r.kind, r.namespace.as_deref(), &r.name)
                    .map_err(callback_failure)?
                {
                    Some(object) => {
                        let object = prune(
                            strip_managed_fields(object.to_serde()),
                            r.field_masks.as_deref(),
                        );
                        Ok(serde_json::to_vec(&object).unwrap_or_default())
                    }
                    // What kube-rs reports for the API server's 404.
                    None => Err(callback_failure(format!(
                        "Api(ErrorResponse {{ status: \"Failure\", message: \"{} \\\"{}\\\" not found\", reason: \"NotFound\", code: 404 }})",
                        crate::request::plural(&r.kind),
                        r.name
                    ))),
                }
            }
            "can_i" => {
                // Not gated by contextAwareResources, as in policy-server.
                let r: CanIRequest = parse(payload)?;
                let sar = r.subject_access_review;
                let a = sar.resource_attributes;
                let access = Access {
                    verb: a.verb.unwrap_or_default(),
                    group: a.group.unwrap_or_default(),
                    version: a.version.unwrap_or_default(),
                    resource: a.resource.unwrap_or_default(),
                    subresource: a.subresource.unwrap_or_default(),
                    namespace: a.namespace.unwrap_or_default(),
                    name: a.name.unwrap_or_default(),
                };
                let allowed = cluster
                    .can_i(&sar.user, &sar.groups.unwrap_or_default(), &access)
                    .map_err(callback_failure)?;
                Ok(json!({"allowed": allowed}).to_string().into_bytes())
            }
            _ => unknown_operation(operation),
        }
    }

    /// `oci/*`, `net/*`, `crypto/*`: only what the fixture recorded. A path
    /// without recordings is treated as not granted, which is what a
    /// policy-server without network access to offer would have to say.
    fn recorded(&self, namespace: &str, operation: &str, payload: &[u8]) -> HostResult {
        let path = format!("{namespace}/{operation}");
        // The same payload checks policy-evaluator makes before dispatching.
        let request: Value = match operation {
            "v1/manifest_digest"
            | "v1/oci_manifest"
            | "v1/oci_manifest_config"
            | "v1/dns_lookup_host" => Value::String(parse::<String>(payload)?),
            _ => match parse::<Value>(payload)? {
                Value::Object(m) => Value::Object(m),
                other => {
                    return Err(format!(
                        "invalid type: {}, expected a struct",
                        crate::admission::json_type_name(&other)
                    ));
                }
            },
        };
        let candidates: Vec<_> = self
            .context
            .recorded
            .iter()
            .filter(|r| r.namespace == namespace && r.operation == operation)
            .collect();
        if candidates.is_empty() {
            return Err(capability_denied(&path));
        }
        match candidates.iter().find(|r| r.request_value() == request) {
            Some(r) => match (&r.error, &r.response) {
                (Some(error), _) => Err(callback_failure(error)),
                (None, Some(response)) => Ok(serde_json::to_vec(response).unwrap_or_default()),
                (None, None) => Ok(b"null".to_vec()),
            },
            None => Err(callback_failure(format!(
                "Replay error: unexpected request. Was expecting one of {}, got {request} instead",
                candidates
                    .iter()
                    .map(|r| r.request_value().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }

    fn log(&self, payload: &[u8]) {
        if !self.verbose {
            return;
        }
        // Log failures are swallowed, as in policy-evaluator.
        let Ok(Value::Object(mut event)) = serde_json::from_slice::<Value>(payload) else {
            eprintln!(
                "[{}] {}",
                self.module,
                String::from_utf8_lossy(payload).trim_end()
            );
            return;
        };
        let mut take = |k: &str| event.remove(k).unwrap_or(Value::Null);
        let level = take("level");
        let message = take("message");
        let file = take("file");
        let line = take("line");
        take("column");
        let as_text = |v: &Value| {
            v.as_str()
                .map(str::to_string)
                .unwrap_or_else(|| v.to_string())
        };
        let fields: Vec<String> = event
            .iter()
            .map(|(k, v)| format!("{k}={}", as_text(v)))
            .collect();
        eprintln!(
            "[{}] {} {} ({}:{}){}{}",
            self.module,
            as_text(&level).to_uppercase(),
            as_text(&message),
            as_text(&file),
            line,
            if fields.is_empty() { "" } else { " " },
            fields.join(" ")
        );
    }

    pub fn console_log(&self, message: &str) {
        if self.verbose {
            eprintln!("[{}] console: {message}", self.module);
        }
    }
}

/// What a watch-backed list in policy-server returns for `T::LIST_KIND`.
fn list_response(
    api_version: &str,
    kind: &str,
    items: Vec<Value>,
    field_selector: Option<&str>,
    field_masks: Option<&[String]>,
) -> HostResult {
    let selector = FieldSelector::parse(field_selector.unwrap_or("")).map_err(callback_failure)?;
    let items: Vec<Value> = items
        .into_iter()
        .filter(|o| selector.matches(o))
        .map(|o| prune(strip_managed_fields(o), field_masks))
        .collect();
    let list = json!({
        "apiVersion": api_version,
        "kind": format!("{kind}List"),
        "metadata": {},
        "items": items,
    });
    Ok(serde_json::to_vec(&list).unwrap_or_default())
}

/// policy-server's reflectors drop `managedFields`: noise to a policy.
fn strip_managed_fields(mut object: Value) -> Value {
    if let Some(Value::Object(meta)) = object.get_mut("metadata") {
        meta.remove("managedFields");
    }
    object
}

/// Keeps only the dotted paths of `masks` (arrays are traversed); no mask = whole object.
fn prune(object: Value, masks: Option<&[String]>) -> Value {
    let Some(masks) = masks.filter(|m| !m.is_empty()) else {
        return object;
    };
    let paths: Vec<Vec<&str>> = masks.iter().map(|m| m.split('.').collect()).collect();
    keep_paths(&object, &paths)
}

fn keep_paths(value: &Value, paths: &[Vec<&str>]) -> Value {
    if paths.iter().any(|p| p.is_empty()) {
        return value.clone();
    }
    match value {
        Value::Array(items) => Value::Array(items.iter().map(|i| keep_paths(i, paths)).collect()),
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, child) in map {
                let rest: Vec<Vec<&str>> = paths
                    .iter()
                    .filter(|p| p[0] == key)
                    .map(|p| p[1..].to_vec())
                    .collect();
                if !rest.is_empty() {
                    out.insert(key.clone(), keep_paths(child, &rest));
                }
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

/// A Kubernetes field selector: `a.b=v`, `a.b==v`, `a.b!=v`, comma-separated.
struct FieldSelector {
    terms: Vec<(String, bool, String)>,
}

impl FieldSelector {
    fn parse(s: &str) -> Result<FieldSelector, String> {
        let mut terms = Vec::new();
        for term in s.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            let (field, equal, value) = if let Some((f, v)) = term.split_once("!=") {
                (f, false, v)
            } else if let Some((f, v)) = term.split_once("==") {
                (f, true, v)
            } else if let Some((f, v)) = term.split_once('=') {
                (f, true, v)
            } else {
                return Err(format!("invalid field selector term \"{term}\""));
            };
            terms.push((field.trim().to_string(), equal, value.trim().to_string()));
        }
        Ok(FieldSelector { terms })
    }

    fn matches(&self, object: &Value) -> bool {
        self.terms.iter().all(|(field, equal, value)| {
            let actual = field
                .split('.')
                .try_fold(object, |v, k| v.get(k))
                .map(|v| {
                    v.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| v.to_string())
                })
                .unwrap_or_default();
            (actual == *value) == *equal
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_selector_and_masks() {
        let pod = json!({"metadata": {"name": "a", "namespace": "x", "managedFields": [1]},
                         "spec": {"containers": [{"name": "c", "image": "i"}]}});
        let sel = FieldSelector::parse("metadata.name=a,metadata.namespace!=y").unwrap();
        assert!(sel.matches(&pod));
        assert!(
            !FieldSelector::parse("metadata.name==b")
                .unwrap()
                .matches(&pod)
        );
        let pruned = prune(
            strip_managed_fields(pod),
            Some(&[
                "metadata.name".to_string(),
                "spec.containers.image".to_string(),
            ]),
        );
        assert_eq!(
            pruned,
            json!({"metadata": {"name": "a"}, "spec": {"containers": [{"image": "i"}]}})
        );
    }
}
