//! Context-aware lookups over Kubewarden's `kubernetes` host capabilities, with
//! an in-memory [`Snapshot`] that answers the same calls for native tests and
//! for the harness.

use crate::dom::{self, Value};
use crate::json;
use crate::labels::Selector;
use serde_json::json;
use std::cell::RefCell;

/// What a SubjectAccessReview asks.
#[derive(Debug, Clone, Default)]
pub struct Access {
    pub verb: String,
    pub group: String,
    pub version: String,
    pub resource: String,
    pub subresource: String,
    pub namespace: String,
    pub name: String,
}

/// The cluster as a policy sees it. Errors are messages fit for a rejection.
pub trait Cluster {
    /// Objects of `kind` (in `namespace`, or cluster-wide when `None`) matching the
    /// label selector in string form.
    fn list(
        &self,
        api_version: &str,
        kind: &str,
        namespace: Option<&str>,
        label_selector: Option<&str>,
    ) -> Result<Vec<Value>, String>;

    /// One object, `Ok(None)` when it does not exist.
    fn get(
        &self,
        api_version: &str,
        kind: &str,
        namespace: Option<&str>,
        name: &str,
    ) -> Result<Option<Value>, String>;

    /// Whether `user` (with `groups`) may perform `access`.
    fn can_i(&self, user: &str, groups: &[String], access: &Access) -> Result<bool, String>;
}

/// A cluster that answers nothing: for hosts without context.
pub struct NoCluster;

const NO_CONTEXT: &str = "no cluster context is available to this evaluation";

impl Cluster for NoCluster {
    fn list(
        &self,
        _: &str,
        _: &str,
        _: Option<&str>,
        _: Option<&str>,
    ) -> Result<Vec<Value>, String> {
        Err(NO_CONTEXT.into())
    }
    fn get(&self, _: &str, _: &str, _: Option<&str>, _: &str) -> Result<Option<Value>, String> {
        Err(NO_CONTEXT.into())
    }
    fn can_i(&self, _: &str, _: &[String], _: &Access) -> Result<bool, String> {
        Err(NO_CONTEXT.into())
    }
}

/// A host call's answer: the response bytes or the host's error text.
type HostAnswer = Result<Vec<u8>, String>;

/// A cluster whose every lookup fails with the message `error` makes from the
/// kind asked for (`SubjectAccessReview` for `can_i`): a host that refuses
/// context, for tests of how controls degrade.
pub struct Refusing(pub fn(&str) -> String);

impl Cluster for Refusing {
    fn list(
        &self,
        _: &str,
        kind: &str,
        _: Option<&str>,
        _: Option<&str>,
    ) -> Result<Vec<Value>, String> {
        Err((self.0)(kind))
    }
    fn get(&self, _: &str, kind: &str, _: Option<&str>, _: &str) -> Result<Option<Value>, String> {
        Err((self.0)(kind))
    }
    fn can_i(&self, _: &str, _: &[String], _: &Access) -> Result<bool, String> {
        Err((self.0)("SubjectAccessReview"))
    }
}

/// The Kubewarden host's `kubernetes` capabilities. Answers are memoised for
/// the evaluation, since several controls often ask the same question.
#[derive(Default)]
pub struct HostCluster {
    memo: RefCell<Vec<(String, HostAnswer)>>,
}

impl HostCluster {
    fn call(&self, operation: &str, payload: serde_json::Value) -> Result<Vec<u8>, String> {
        let body = crate::json::to_vec(&payload);
        let key = crate::text!("{operation}{}", String::from_utf8_lossy(&body));
        if let Some((_, r)) = self.memo.borrow().iter().find(|(k, _)| *k == key) {
            return r.clone();
        }
        let r = host_call(operation, &body);
        self.memo.borrow_mut().push((key, r.clone()));
        r
    }
}

#[cfg(target_arch = "wasm32")]
fn host_call(operation: &str, payload: &[u8]) -> Result<Vec<u8>, String> {
    crate::wapc_guest::host_call("kubewarden", "kubernetes", operation, payload)
        .map_err(|e| crate::text!("host capability kubernetes/{operation} failed: {e}"))
}

#[cfg(not(target_arch = "wasm32"))]
fn host_call(operation: &str, _payload: &[u8]) -> Result<Vec<u8>, String> {
    Err(crate::text!(
        "host capability kubernetes/{operation} is only available inside a Kubewarden host"
    ))
}

/// policy-server reports a missing object as an error from the API server.
fn is_not_found(msg: &str) -> bool {
    let m = msg.to_ascii_lowercase();
    m.contains("notfound") || m.contains("not found") || m.contains("404")
}

impl Cluster for HostCluster {
    fn list(
        &self,
        api_version: &str,
        kind: &str,
        namespace: Option<&str>,
        label_selector: Option<&str>,
    ) -> Result<Vec<Value>, String> {
        let (op, payload) = match namespace {
            Some(ns) => (
                "list_resources_by_namespace",
                json!({"api_version": api_version, "kind": kind, "namespace": ns,
                       "label_selector": label_selector, "field_selector": null, "field_masks": null}),
            ),
            None => (
                "list_resources_all",
                json!({"api_version": api_version, "kind": kind,
                       "label_selector": label_selector, "field_selector": null, "field_masks": null}),
            ),
        };
        let bytes = self.call(op, payload)?;
        let list = dom::parse(&bytes)
            .map_err(|e| crate::text!("kubernetes/{op} for {kind} returned invalid JSON: {e}"))?;
        let Value::Object(mut list) = list else {
            return Err(crate::text!(
                "kubernetes/{op} for {kind} did not return an object"
            ));
        };
        match list.remove("items") {
            Some(Value::Array(items)) => Ok(items),
            Some(Value::Null) | None => Ok(Vec::new()),
            Some(_) => Err(crate::text!(
                "kubernetes/{op} for {kind}: items is not a list"
            )),
        }
    }

    fn get(
        &self,
        api_version: &str,
        kind: &str,
        namespace: Option<&str>,
        name: &str,
    ) -> Result<Option<Value>, String> {
        let payload = json!({"api_version": api_version, "kind": kind, "name": name,
                             "namespace": namespace, "disable_cache": false, "field_masks": null});
        match self.call("get_resource", payload) {
            Ok(bytes) => dom::parse(&bytes).map(Some).map_err(|e| {
                crate::text!("kubernetes/get_resource for {kind} {name} returned invalid JSON: {e}")
            }),
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn can_i(&self, user: &str, groups: &[String], a: &Access) -> Result<bool, String> {
        let payload = json!({
            "subject_access_review": {
                "user": user, "groups": groups,
                "resource_attributes": {"group": a.group, "name": a.name, "namespace": a.namespace,
                    "resource": a.resource, "subresource": a.subresource, "verb": a.verb, "version": a.version}
            },
            "disable_cache": false
        });
        let bytes = self.call("can_i", payload)?;
        let status = dom::parse(&bytes)
            .map_err(|e| crate::text!("kubernetes/can_i returned invalid JSON: {e}"))?;
        status
            .get("allowed")
            .and_then(Value::as_bool)
            .ok_or_else(|| "kubernetes/can_i answer has no \"allowed\"".to_string())
    }
}

/// A set of objects standing in for the cluster.
#[derive(Debug, Default, Clone)]
pub struct Snapshot {
    pub objects: Vec<Value>,
}

impl Snapshot {
    pub fn new(objects: Vec<serde_json::Value>) -> Snapshot {
        Snapshot {
            objects: objects.iter().map(Value::from).collect(),
        }
    }

    fn of_kind<'a>(
        &'a self,
        api_version: &'a str,
        kind: &'a str,
    ) -> impl Iterator<Item = &'a Value> + 'a {
        self.objects.iter().filter(move |o| {
            json::get_str(o, &["kind"]) == Some(kind)
                && json::get_str(o, &["apiVersion"]) == Some(api_version)
        })
    }
}

fn namespace_of(o: &Value) -> &str {
    json::get_str(o, &["metadata", "namespace"]).unwrap_or("")
}

impl Cluster for Snapshot {
    fn list(
        &self,
        api_version: &str,
        kind: &str,
        namespace: Option<&str>,
        label_selector: Option<&str>,
    ) -> Result<Vec<Value>, String> {
        let sel = Selector::parse(label_selector.unwrap_or(""))?;
        Ok(self
            .of_kind(api_version, kind)
            .filter(|o| namespace.is_none_or(|ns| namespace_of(o) == ns))
            .filter(|o| sel.matches(json::get_obj(o, &["metadata", "labels"])))
            .cloned()
            .collect())
    }

    fn get(
        &self,
        api_version: &str,
        kind: &str,
        namespace: Option<&str>,
        name: &str,
    ) -> Result<Option<Value>, String> {
        Ok(self
            .of_kind(api_version, kind)
            .find(|o| {
                json::get_str(o, &["metadata", "name"]) == Some(name)
                    && namespace_of(o) == namespace.unwrap_or("")
            })
            .cloned())
    }

    fn can_i(&self, user: &str, groups: &[String], access: &Access) -> Result<bool, String> {
        Ok(crate::rbac::allows(&self.objects, user, groups, access))
    }
}
