//! AdmissionRequests: parsed from what a user hands `run` (an AdmissionReview,
//! an AdmissionRequest or a bare object) and re-serialised the way
//! policy-evaluator sends them (camelCase, absent fields omitted, keys sorted).

use anyhow::{Result, anyhow, bail};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::BTreeMap;

#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
pub struct GroupVersionKind {
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub kind: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
pub struct GroupVersionResource {
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub resource: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
pub struct UserInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra: Option<BTreeMap<String, Vec<String>>>,
}

impl UserInfo {
    /// Who `kubectl` is on a kind/kubeadm cluster.
    pub fn cluster_admin() -> UserInfo {
        UserInfo {
            username: Some("kubernetes-admin".into()),
            groups: Some(vec!["system:masters".into(), "system:authenticated".into()]),
            ..UserInfo::default()
        }
    }
}

/// policy-evaluator's `AdmissionRequest`. Unlike kwctl, `uid`, `resource` and
/// `userInfo` may be absent from input (they are filled in), so hand-written
/// test requests stay short.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AdmissionRequest {
    #[serde(default)]
    pub uid: String,
    pub kind: GroupVersionKind,
    #[serde(default)]
    pub resource: GroupVersionResource,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_resource: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_kind: Option<GroupVersionKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_resource: Option<GroupVersionResource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_sub_resource: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub operation: String,
    #[serde(default)]
    pub user_info: UserInfo,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_object: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dry_run: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Value>,
}

impl AdmissionRequest {
    /// The request as policy-evaluator puts it under `"request"`: keys sorted
    /// at every level (serde_json without `preserve_order`), `None` omitted.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// Reads an AdmissionRequest, filling what a hand-written one may omit.
    pub fn from_value(value: Value) -> Result<AdmissionRequest> {
        check_shape(&value)?;
        let mut request: AdmissionRequest = serde_json::from_value(value)
            .map_err(|e| anyhow!("not a valid AdmissionRequest: {e}"))?;
        if request.kind.kind.is_empty() {
            bail!("not a valid AdmissionRequest: kind.kind is empty");
        }
        if request.operation.is_empty() {
            bail!("not a valid AdmissionRequest: operation is empty");
        }
        if request.uid.is_empty() {
            request.uid = new_uid();
        }
        if request.resource.resource.is_empty() {
            request.resource = resource_of(&request.kind);
        }
        Ok(request)
    }
}

/// Names the first field of the wrong JSON type (serde's own error does not
/// say which field it was).
fn check_shape(value: &Value) -> Result<()> {
    use crate::admission::json_type_name;
    let Value::Object(map) = value else {
        bail!(
            "an AdmissionRequest must be a JSON object, got {}",
            json_type_name(value)
        );
    };
    let is_string = |v: &Value| v.is_string();
    let is_object = |v: &Value| v.is_object();
    let string_list = |v: &Value| v.as_array().is_some_and(|a| a.iter().all(Value::is_string));
    type Check = fn(&Value) -> bool;
    let fields: [(&str, Check, &str); 12] = [
        ("uid", is_string, "a string"),
        ("operation", is_string, "a string"),
        ("name", is_string, "a string"),
        ("namespace", is_string, "a string"),
        ("subResource", is_string, "a string"),
        ("requestSubResource", is_string, "a string"),
        ("kind", is_object, "an object"),
        ("resource", is_object, "an object"),
        ("requestKind", is_object, "an object"),
        ("requestResource", is_object, "an object"),
        ("userInfo", is_object, "an object"),
        ("dryRun", Value::is_boolean, "a boolean"),
    ];
    for (field, ok, expected) in fields {
        if let Some(v) = map.get(field).filter(|v| !v.is_null())
            && !ok(v)
        {
            bail!(
                "not a valid AdmissionRequest: {field} must be {expected}, got {}",
                json_type_name(v)
            );
        }
    }
    for parent in ["kind", "resource", "requestKind", "requestResource"] {
        if let Some(Value::Object(m)) = map.get(parent) {
            for (k, v) in m {
                if !v.is_string() {
                    bail!(
                        "not a valid AdmissionRequest: {parent}.{k} must be a string, got {}",
                        json_type_name(v)
                    );
                }
            }
        }
    }
    if let Some(Value::Object(user)) = map.get("userInfo") {
        for (k, v) in user {
            let ok = match k.as_str() {
                "username" | "uid" => v.is_string() || v.is_null(),
                "groups" => string_list(v) || v.is_null(),
                _ => true,
            };
            if !ok {
                bail!(
                    "not a valid AdmissionRequest: userInfo.{k} has the wrong type ({})",
                    json_type_name(v)
                );
            }
        }
    }
    Ok(())
}

/// Builds the `validate` payload exactly as policy-evaluator does.
pub fn validate_payload(request: &Value, settings: &Value) -> Vec<u8> {
    // `json!` over `Value`s: a BTreeMap, so "request" < "settings" and every
    // nested object is key-sorted.
    serde_json::to_vec(&json!({"request": request, "settings": settings})).unwrap_or_default()
}

/// The `explain` payload a scan sends: [`validate_payload`] from the
/// request and the settings already serialised (so the request is not
/// serialised again for every module that evaluates it), asking the module
/// to leave out the controls that did not run (`kit::explain`).
pub fn scan_payload(request: &[u8], settings: &[u8]) -> Vec<u8> {
    let mut payload = Vec::with_capacity(request.len() + settings.len() + 48);
    payload.extend_from_slice(b"{\"applicableOnly\":true,\"request\":");
    payload.extend_from_slice(request);
    payload.extend_from_slice(b",\"settings\":");
    payload.extend_from_slice(settings);
    payload.push(b'}');
    payload
}

/// A random RFC 4122 v4 UUID, as the API server gives every request.
pub fn new_uid() -> String {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut bytes = [0u8; 16];
    for half in bytes.chunks_mut(8) {
        let mut h = RandomState::new().build_hasher();
        h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        half.copy_from_slice(&h.finish().to_le_bytes());
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Resource names of the kinds a compliance suite meets; the rest get the
/// API server's regular English plural.
const PLURALS: &[(&str, &str)] = &[
    ("Endpoints", "endpoints"),
    ("Ingress", "ingresses"),
    ("IngressClass", "ingressclasses"),
    ("NetworkPolicy", "networkpolicies"),
    ("PodSecurityPolicy", "podsecuritypolicies"),
    ("PriorityClass", "priorityclasses"),
    ("RuntimeClass", "runtimeclasses"),
    ("StorageClass", "storageclasses"),
    ("ResourceQuota", "resourcequotas"),
    ("PodDisruptionBudget", "poddisruptionbudgets"),
    ("PodExecOptions", "pods"),
    ("PodAttachOptions", "pods"),
    ("PodPortForwardOptions", "pods"),
    ("PodProxyOptions", "pods"),
    ("Binding", "bindings"),
    ("Eviction", "pods"),
];

/// Plural resource name of `kind` (e.g. `Pod` → `pods`, `NetworkPolicy` → `networkpolicies`).
pub fn plural(kind: &str) -> String {
    if let Some((_, p)) = PLURALS.iter().find(|(k, _)| *k == kind) {
        return p.to_string();
    }
    let lower = kind.to_ascii_lowercase();
    if let Some(stem) = lower.strip_suffix('y')
        && !stem.ends_with(['a', 'e', 'i', 'o', 'u'])
    {
        return format!("{stem}ies");
    }
    if lower.ends_with('s')
        || lower.ends_with('x')
        || lower.ends_with("ch")
        || lower.ends_with("sh")
    {
        return format!("{lower}es");
    }
    format!("{lower}s")
}

/// The subresource a pod sub-kind stands for (`PodExecOptions` → `exec`).
fn implied_subresource(kind: &str) -> Option<&'static str> {
    match kind {
        "PodExecOptions" => Some("exec"),
        "PodAttachOptions" => Some("attach"),
        "PodPortForwardOptions" => Some("portforward"),
        "PodProxyOptions" => Some("proxy"),
        "Eviction" => Some("eviction"),
        "Binding" => None,
        _ => None,
    }
}

pub use kit::kinds::is_cluster_scoped;

fn resource_of(kind: &GroupVersionKind) -> GroupVersionResource {
    GroupVersionResource {
        group: kind.group.clone(),
        version: kind.version.clone(),
        resource: plural(&kind.kind),
    }
}

/// `apps/v1` → (`apps`, `v1`); `v1` → (``, `v1`).
pub fn split_api_version(api_version: &str) -> (String, String) {
    match api_version.split_once('/') {
        Some((g, v)) => (g.to_string(), v.to_string()),
        None => (String::new(), api_version.to_string()),
    }
}

/// How to turn a bare object into a request.
#[derive(Debug, Clone)]
pub struct Wrap {
    pub operation: String,
    pub old_object: Option<Value>,
    pub namespace: Option<String>,
    pub sub_resource: Option<String>,
    pub user_info: UserInfo,
}

impl Default for Wrap {
    fn default() -> Wrap {
        Wrap {
            operation: "CREATE".into(),
            old_object: None,
            namespace: None,
            sub_resource: None,
            user_info: UserInfo::cluster_admin(),
        }
    }
}

/// Wraps a bare object into the AdmissionRequest the API server would send.
pub fn wrap_object(object: Value, wrap: &Wrap) -> Result<AdmissionRequest> {
    let api_version = object
        .get("apiVersion")
        .and_then(Value::as_str)
        .ok_or_else(|| anyhow!("the object has no string apiVersion"))?;
    let kind_name = object
        .get("kind")
        .and_then(Value::as_str)
        .ok_or_else(|| anyhow!("the object has no string kind"))?
        .to_string();
    let (group, version) = split_api_version(api_version);
    let kind = GroupVersionKind {
        group,
        version,
        kind: kind_name.clone(),
    };
    let resource = resource_of(&kind);
    let sub_resource = wrap
        .sub_resource
        .clone()
        .or_else(|| implied_subresource(&kind_name).map(str::to_string));
    let mut object = object;
    let namespace = wrap
        .namespace
        .clone()
        .or_else(|| {
            object
                .pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .or_else(|| (!is_cluster_scoped(&kind_name)).then(|| "default".to_string()));
    // The API server fills the namespace in from the URL before admission.
    if let (Some(ns), Some(Value::Object(meta))) = (&namespace, object.get_mut("metadata"))
        && !meta.contains_key("namespace")
        && !is_cluster_scoped(&kind_name)
    {
        meta.insert("namespace".into(), Value::String(ns.clone()));
    }
    let name = object
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .map(str::to_string);
    let operation = wrap.operation.to_ascii_uppercase();
    let options = match operation.as_str() {
        "CREATE" => Some(json!({"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"})),
        "UPDATE" => Some(json!({"apiVersion": "meta.k8s.io/v1", "kind": "UpdateOptions"})),
        "DELETE" => Some(json!({"apiVersion": "meta.k8s.io/v1", "kind": "DeleteOptions"})),
        _ => None,
    };
    let (object, old_object) = match operation.as_str() {
        // A DELETE carries the object being deleted as oldObject only.
        "DELETE" => (None, Some(wrap.old_object.clone().unwrap_or(object))),
        _ => (Some(object), wrap.old_object.clone()),
    };
    Ok(AdmissionRequest {
        uid: new_uid(),
        request_kind: Some(kind.clone()),
        request_resource: Some(resource.clone()),
        request_sub_resource: sub_resource.clone(),
        kind,
        resource,
        sub_resource,
        name,
        namespace: namespace.filter(|_| !is_cluster_scoped(&kind_name)),
        operation,
        user_info: wrap.user_info.clone(),
        object,
        old_object,
        dry_run: Some(false),
        options,
    })
}

/// Reads what `run --request` accepts: an AdmissionReview (`{"request": …}`),
/// an AdmissionRequest, or a bare object wrapped into a CREATE.
pub fn from_input(value: Value) -> Result<AdmissionRequest> {
    let Value::Object(map) = &value else {
        bail!(
            "expected an AdmissionReview, an AdmissionRequest or a Kubernetes object, got {}",
            crate::admission::json_type_name(&value)
        );
    };
    if let Some(request) = map.get("request") {
        if !request.is_object() {
            bail!("the AdmissionReview's \"request\" is not an object");
        }
        return AdmissionRequest::from_value(request.clone());
    }
    if map.get("kind").is_some_and(Value::is_object) || map.contains_key("operation") {
        return AdmissionRequest::from_value(value);
    }
    if map.get("kind").is_some_and(Value::is_string) {
        return wrap_object(value, &Wrap::default());
    }
    bail!(
        "expected an AdmissionReview (with \"request\"), an AdmissionRequest (with \"kind\" and \"operation\") or a Kubernetes object (with \"apiVersion\" and \"kind\"); found keys {}",
        map.keys().cloned().collect::<Vec<_>>().join(", ")
    )
}

/// Parses request text: JSON first (exact errors), YAML otherwise.
pub fn parse_text(text: &str) -> Result<Value> {
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        bail!("the request is empty");
    }
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return serde_json::from_str(text).map_err(|e| anyhow!("invalid JSON: {e}"));
    }
    let mut docs = crate::cluster_snapshot::parse_documents(text)
        .map_err(|e| anyhow!("invalid YAML: {e:#}"))?;
    match docs.len() {
        1 => Ok(docs.remove(0)),
        0 => bail!("the request is empty"),
        n => bail!("expected one document, found {n}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals() {
        assert_eq!(plural("Pod"), "pods");
        assert_eq!(plural("NetworkPolicy"), "networkpolicies");
        assert_eq!(plural("Ingress"), "ingresses");
        assert_eq!(plural("Gateway"), "gateways");
        assert_eq!(plural("Endpoints"), "endpoints");
    }

    #[test]
    fn wraps_a_deployment() {
        let r = wrap_object(
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}}),
            &Wrap::default(),
        )
        .unwrap();
        assert_eq!(r.kind.group, "apps");
        assert_eq!(r.resource.resource, "deployments");
        assert_eq!(r.namespace.as_deref(), Some("default"));
        assert_eq!(r.object.unwrap()["metadata"]["namespace"], "default");
        let v = wrap_object(
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x"}}),
            &Wrap {
                operation: "DELETE".into(),
                ..Wrap::default()
            },
        )
        .unwrap();
        assert!(v.object.is_none() && v.old_object.is_some() && v.namespace.is_none());
    }

    #[test]
    fn keys_are_sorted_and_absent_fields_omitted() {
        let r = from_input(json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}))
            .unwrap();
        let text = String::from_utf8(validate_payload(&r.to_value(), &json!({}))).unwrap();
        assert!(text.starts_with(r#"{"request":{"dryRun":false,"kind":{"group":"","kind":"Pod","version":"v1"},"name":"p""#), "{text}");
        assert!(!text.contains("oldObject"));
    }
}
