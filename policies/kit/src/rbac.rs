//! RBAC evaluation over a set of Role/ClusterRole/Binding objects, the way the
//! API server's authorizer answers a SubjectAccessReview (allow-only rules).

use crate::cluster::Access;
use crate::dom::Value;
use crate::json;
use crate::labels::Selector;

const RBAC: &str = "rbac.authorization.k8s.io/v1";

fn kind_is(o: &Value, kind: &str) -> bool {
    json::get_str(o, &["kind"]) == Some(kind)
        && json::get_str(o, &["apiVersion"]).is_none_or(|v| v == RBAC)
}

fn name_of(o: &Value) -> &str {
    json::get_str(o, &["metadata", "name"]).unwrap_or("")
}

fn ns_of(o: &Value) -> &str {
    json::get_str(o, &["metadata", "namespace"]).unwrap_or("")
}

/// Whether a binding subject denotes the requesting identity.
fn subject_matches(s: &Value, binding_ns: &str, user: &str, groups: &[String]) -> bool {
    let name = json::get_str(s, &["name"]).unwrap_or("");
    match json::get_str(s, &["kind"]) {
        Some("User") => name == user,
        Some("Group") => groups.iter().any(|g| g == name),
        Some("ServiceAccount") => {
            let ns = json::get_str(s, &["namespace"]).unwrap_or(binding_ns);
            user == crate::text!("system:serviceaccount:{ns}:{name}")
        }
        _ => false,
    }
}

/// The rules of a ClusterRole, including those aggregated into it by label.
pub fn cluster_role_rules<'a>(objects: &'a [Value], role: &'a Value) -> Vec<&'a Value> {
    let mut rules: Vec<&Value> = json::get_array(role, &["rules"]).iter().collect();
    for sel in json::get_array(role, &["aggregationRule", "clusterRoleSelectors"]) {
        let Ok(sel) = Selector::from_object(sel) else {
            continue;
        };
        for other in objects.iter().filter(|o| kind_is(o, "ClusterRole")) {
            if !std::ptr::eq(other, role)
                && sel.matches(json::get_obj(other, &["metadata", "labels"]))
            {
                rules.extend(json::get_array(other, &["rules"]));
            }
        }
    }
    rules
}

fn has(list: &[Value], want: &str) -> bool {
    list.iter()
        .filter_map(Value::as_str)
        .any(|v| v == "*" || v == want)
}

/// Whether one PolicyRule grants `a`.
pub fn rule_allows(rule: &Value, a: &Access) -> bool {
    let resource = if a.subresource.is_empty() {
        a.resource.clone()
    } else {
        crate::text!("{}/{}", a.resource, a.subresource)
    };
    let resources = json::get_array(rule, &["resources"]);
    let resource_ok = resources.iter().filter_map(Value::as_str).any(|r| {
        r == "*"
            || r == resource
            || (!a.subresource.is_empty() && r == crate::text!("*/{}", a.subresource))
    });
    let names = json::get_array(rule, &["resourceNames"]);
    has(json::get_array(rule, &["verbs"]), &a.verb)
        && has(json::get_array(rule, &["apiGroups"]), &a.group)
        && resource_ok
        && (names.is_empty() || has(names, &a.name))
}

/// Whether the RBAC objects grant `access` to `user`/`groups`.
pub fn allows(objects: &[Value], user: &str, groups: &[String], access: &Access) -> bool {
    let role_rules = |binding: &Value| -> Vec<&Value> {
        let ref_kind = json::get_str(binding, &["roleRef", "kind"]).unwrap_or("");
        let ref_name = json::get_str(binding, &["roleRef", "name"]).unwrap_or("");
        let binding_ns = ns_of(binding);
        objects
            .iter()
            .find(|o| {
                kind_is(o, ref_kind)
                    && name_of(o) == ref_name
                    && (ref_kind == "ClusterRole" || ns_of(o) == binding_ns)
            })
            .map(|role| {
                if ref_kind == "ClusterRole" {
                    cluster_role_rules(objects, role)
                } else {
                    json::get_array(role, &["rules"]).iter().collect()
                }
            })
            .unwrap_or_default()
    };
    objects.iter().any(|b| {
        let applies = if kind_is(b, "ClusterRoleBinding") {
            true
        } else if kind_is(b, "RoleBinding") {
            !access.namespace.is_empty() && ns_of(b) == access.namespace
        } else {
            false
        };
        applies
            && json::get_array(b, &["subjects"])
                .iter()
                .any(|s| subject_matches(s, ns_of(b), user, groups))
            && role_rules(b).into_iter().any(|r| rule_allows(r, access))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json_value as json;

    #[test]
    fn bindings_roles_and_aggregation() {
        let objects = vec![
            json!({"apiVersion": RBAC, "kind": "ClusterRole", "metadata": {"name": "agg"},
                   "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"agg": "true"}}]}}),
            json!({"apiVersion": RBAC, "kind": "ClusterRole", "metadata": {"name": "exec", "labels": {"agg": "true"}},
                   "rules": [{"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["create"]}]}),
            json!({"apiVersion": RBAC, "kind": "RoleBinding", "metadata": {"name": "b", "namespace": "dev"},
                   "roleRef": {"kind": "ClusterRole", "name": "agg"},
                   "subjects": [{"kind": "Group", "name": "devs"}]}),
        ];
        let exec = Access {
            verb: "create".into(),
            resource: "pods".into(),
            subresource: "exec".into(),
            namespace: "dev".into(),
            ..Access::default()
        };
        assert!(allows(&objects, "bob", &["devs".into()], &exec));
        assert!(!allows(&objects, "bob", &["ops".into()], &exec));
        let other_ns = Access {
            namespace: "prod".into(),
            ..exec.clone()
        };
        assert!(!allows(&objects, "bob", &["devs".into()], &other_ns));
        let get = Access {
            verb: "get".into(),
            ..exec
        };
        assert!(!allows(&objects, "bob", &["devs".into()], &get));
    }
}
