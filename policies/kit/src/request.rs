//! The AdmissionRequest as the policy-server sends it (camelCase), read leniently.

use crate::control::Operation;
use crate::dom::{Map, Str, Value};
use crate::json;
use crate::text::{self, Text};

#[derive(Debug, Default)]
pub struct Request {
    pub uid: Str,
    pub group: Str,
    pub version: Str,
    pub kind: Str,
    /// `resource.resource`, e.g. `pods` (empty when the host did not send it).
    pub resource: Str,
    pub sub_resource: Str,
    pub name: Str,
    pub namespace: Str,
    pub operation: Option<Operation>,
    pub operation_raw: Str,
    pub username: Str,
    pub groups: Vec<Str>,
    /// `userInfo.extra`: attributes the authenticator (OIDC claim mappings, an
    /// authenticating proxy, impersonation headers) attached to the identity.
    pub user_extra: Vec<(String, Vec<String>)>,
    pub object: Value,
    pub old_object: Value,
    /// `options` of the request (e.g. `PodExecOptions` for CONNECT).
    pub options: Value,
}

impl Request {
    /// Reads the `request` member of a `validate` payload. Missing optional fields
    /// are defaulted; only a non-object request or a missing kind/operation is an error.
    pub fn from_value(v: Value) -> Result<Request, String> {
        let Value::Object(mut m) = v else {
            return Err(crate::text!(
                "\"request\" must be an AdmissionRequest object, got {}",
                json::brief(&v, 80)
            ));
        };
        // The request's own strings, shared rather than copied: a copy is
        // an allocation and, in the modules, a call out to the engine's
        // `memory.copy`, ten of them for every request.
        let empty = Str::default();
        let text = |m: &Map, path: &[&str]| -> Str {
            let mut cur = m.get(path[0]);
            for k in &path[1..] {
                cur = cur.and_then(|c| c.get(*k));
            }
            match cur {
                Some(Value::String(s)) => s.clone(),
                _ => empty.clone(),
            }
        };
        let operation_raw = text(&m, &["operation"]);
        let kind = text(&m, &["kind", "kind"]);
        let object = m.take("object").unwrap_or(Value::Null);
        let old_object = m.take("oldObject").unwrap_or(Value::Null);
        let kind = if kind.is_empty() {
            // kwctl and audit-scanner always send kind; a bare test request may not.
            Str::from(
                json::get_str(&object, &["kind"])
                    .or_else(|| json::get_str(&old_object, &["kind"]))
                    .unwrap_or_default(),
            )
        } else {
            kind
        };
        if kind.is_empty() {
            return Err("request.kind.kind is missing and the object names no kind".into());
        }
        if operation_raw.is_empty() {
            return Err("request.operation is missing".into());
        }
        let groups = m
            .get("userInfo")
            .map(|u| {
                json::get_array(u, &["groups"])
                    .iter()
                    .filter_map(|g| match g {
                        Value::String(g) => Some(g.clone()),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        let user_extra = m
            .get("userInfo")
            .and_then(|u| json::get_obj(u, &["extra"]))
            .map(|extra| {
                extra
                    .iter()
                    .map(|(k, v)| {
                        let values = match v {
                            Value::String(s) => vec![text::owned(s)],
                            _ => json::get_strs(v, &[]).map(text::owned).collect(),
                        };
                        (text::owned(k), values)
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Request {
            uid: text(&m, &["uid"]),
            group: if m.contains_key("kind") {
                text(&m, &["kind", "group"])
            } else {
                Str::from(crate::kinds::group_of(
                    json::get_str(&object, &["apiVersion"]).unwrap_or_default(),
                ))
            },
            version: text(&m, &["kind", "version"]),
            resource: text(&m, &["resource", "resource"]),
            sub_resource: text(&m, &["subResource"]),
            name: text(&m, &["name"]),
            namespace: text(&m, &["namespace"]),
            operation: Operation::parse(&operation_raw),
            username: text(&m, &["userInfo", "username"]),
            groups,
            user_extra,
            options: m.take("options").unwrap_or(Value::Null),
            kind,
            operation_raw,
            object,
            old_object,
        })
    }

    /// The values of `userInfo.extra[key]` (keys are lower-case in Kubernetes).
    pub fn extra(&self, key: &str) -> &[String] {
        self.user_extra
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_slice())
            .unwrap_or(&[])
    }

    /// The object the request is about: `object`, or `oldObject` for DELETE.
    pub fn subject(&self) -> &Value {
        if self.object.is_null() {
            &self.old_object
        } else {
            &self.object
        }
    }

    /// Namespace of the request, falling back to the object's own.
    pub fn namespace(&self) -> &str {
        if !self.namespace.is_empty() {
            return &self.namespace;
        }
        json::get_str(self.subject(), &["metadata", "namespace"]).unwrap_or_default()
    }

    /// Name of the object, falling back to `generateName*` for objects not yet named.
    pub fn name(&self) -> String {
        let mut name = Text::default();
        self.write_name(&mut name);
        name.into_string()
    }

    /// [`Request::name`], appended to `out` (no formatting: messages are
    /// built on every denial).
    fn write_name(&self, out: &mut Text) {
        let meta = self.subject();
        if !self.name.is_empty() {
            out.push_str(&self.name);
        } else if let Some(n) = json::get_str(meta, &["metadata", "name"]) {
            out.push_str(n);
        } else if let Some(g) = json::get_str(meta, &["metadata", "generateName"]) {
            out.push_str(g);
            out.push_str("*");
        } else {
            out.push_str("<unnamed>");
        }
    }

    /// `Kind namespace/name` (or `Kind name` for cluster-scoped objects), for messages.
    pub fn describe(&self) -> String {
        let mut text = Text::default();
        self.write_description(&mut text);
        text.into_string()
    }

    /// [`Request::describe`], appended to `out`.
    pub fn write_description(&self, out: &mut Text) {
        out.push_str(&self.kind);
        out.push_str(" ");
        let ns = self.namespace();
        if !ns.is_empty() {
            out.push_str(ns);
            out.push_str("/");
        }
        self.write_name(out);
    }

    pub fn labels(&self) -> Option<&Map> {
        json::get_obj(self.subject(), &["metadata", "labels"])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json_value as json;

    #[test]
    fn reads_a_policy_server_request() {
        let r = Request::from_value(json!({
            "uid": "u1", "kind": {"group": "apps", "version": "v1", "kind": "Deployment"},
            "resource": {"group": "apps", "version": "v1", "resource": "deployments"},
            "operation": "CREATE", "namespace": "prod",
            "userInfo": {"username": "alice", "groups": ["dev", 5]},
            "object": {"metadata": {"name": "web"}}
        }))
        .unwrap();
        assert_eq!(r.kind, "Deployment");
        assert_eq!(r.operation, Some(Operation::Create));
        assert_eq!(r.groups, vec!["dev"]);
        assert!(r.extra("reason").is_empty());
        assert_eq!(r.describe(), "Deployment prod/web");
    }

    #[test]
    fn reads_user_extra() {
        let r = Request::from_value(json!({
            "kind": {"kind": "PodExecOptions"}, "operation": "CONNECT",
            "userInfo": {"username": "alice", "extra": {
                "example.com/ticket": ["INC-1", 7, "INC-2"], "scope": "one", "bad": 3}}
        }))
        .unwrap();
        assert_eq!(r.extra("example.com/ticket"), ["INC-1", "INC-2"]);
        assert_eq!(r.extra("scope"), ["one"]);
        assert!(r.extra("bad").is_empty());
        assert!(r.extra("missing").is_empty());
    }

    #[test]
    fn delete_uses_old_object_and_bad_shapes_are_errors() {
        let r = Request::from_value(json!({
            "kind": {"kind": "Pod"}, "operation": "DELETE",
            "oldObject": {"metadata": {"generateName": "job-", "namespace": "ns"}}
        }))
        .unwrap();
        assert_eq!(r.describe(), "Pod ns/job-*");
        assert!(Request::from_value(json!([1])).is_err());
        assert!(Request::from_value(json!({"operation": "CREATE"})).is_err());
        assert!(Request::from_value(json!({"kind": {"kind": "Pod"}})).is_err());
    }
}
