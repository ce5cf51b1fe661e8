//! Reading NetworkPolicies the way the network plugin enforces them.

use kit::Cluster;
use kit::Value;

pub const NETWORKING_V1: &str = "networking.k8s.io/v1";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    pub fn name(self) -> &'static str {
        match self {
            Direction::Ingress => "Ingress",
            Direction::Egress => "Egress",
        }
    }
    /// The rules field (`ingress`/`egress`) and the peers field (`from`/`to`).
    pub fn fields(self) -> (&'static str, &'static str) {
        match self {
            Direction::Ingress => ("ingress", "from"),
            Direction::Egress => ("egress", "to"),
        }
    }
}

/// Whether a policy applies to `dir`. Without `policyTypes`, Kubernetes
/// assumes Ingress always and Egress when egress rules are present.
pub fn applies_to(np: &Value, dir: Direction) -> bool {
    let spec = np.get("spec").unwrap_or(&Value::Null);
    match spec.get("policyTypes").and_then(Value::as_array) {
        Some(types) if !types.is_empty() => types.iter().any(|t| t.as_str() == Some(dir.name())),
        _ => match dir {
            Direction::Ingress => true,
            Direction::Egress => !kit::json::get_array(spec, &["egress"]).is_empty(),
        },
    }
}

/// An empty label selector (`{}`, or one with empty matchLabels and
/// matchExpressions): it selects everything. Absent reads as empty, as in Go.
pub fn is_empty_selector(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::Object(m)) => m.iter().all(|(k, v)| match k.as_str() {
            "matchLabels" => v.is_null() || v.as_object().is_some_and(|o| o.is_empty()),
            "matchExpressions" => v.is_null() || v.as_array().is_some_and(|a| a.is_empty()),
            _ => true,
        }),
        Some(_) => false,
    }
}

/// A default-deny policy for `dir`: selects every pod, applies to `dir`, and
/// allows nothing in that direction.
pub fn is_default_deny(np: &Value, dir: Direction) -> bool {
    let Some(spec) = np.get("spec").filter(|s| s.is_object()) else {
        return false;
    };
    let (rules, _) = dir.fields();
    let no_rules = match spec.get(rules) {
        None | Some(Value::Null) => true,
        Some(Value::Array(a)) => a.is_empty(),
        Some(_) => false,
    };
    is_empty_selector(spec.get("podSelector")) && applies_to(np, dir) && no_rules
}

/// The NetworkPolicies of `namespace`; errors are phrased for a refusal.
pub fn list(cluster: &dyn Cluster, namespace: &str) -> Result<Vec<Value>, String> {
    cluster
        .list(NETWORKING_V1, "NetworkPolicy", Some(namespace), None)
        .map_err(|e| {
            kit::text!("could not list the NetworkPolicies of namespace \"{namespace}\": {e}")
        })
}

/// The namespace a workload lands in: the request's, or `default` for an
/// object that names none (a manifest applied without `-n`).
pub fn workload_namespace(request: &kit::Request) -> &str {
    match request.namespace() {
        "" => "default",
        ns => ns,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kit::json_value as json;

    #[test]
    fn default_deny_shapes() {
        let deny_in = json!({"spec": {"podSelector": {}}});
        assert!(is_default_deny(&deny_in, Direction::Ingress));
        assert!(!is_default_deny(&deny_in, Direction::Egress));
        let deny_both = json!({"spec": {"podSelector": {"matchLabels": {}}, "policyTypes": ["Ingress", "Egress"]}});
        assert!(is_default_deny(&deny_both, Direction::Ingress));
        assert!(is_default_deny(&deny_both, Direction::Egress));
        let egress_only =
            json!({"spec": {"podSelector": {}, "policyTypes": ["Egress"], "ingress": []}});
        assert!(!is_default_deny(&egress_only, Direction::Ingress));
        let allows = json!({"spec": {"podSelector": {}, "ingress": [{}]}});
        assert!(!is_default_deny(&allows, Direction::Ingress));
        let some_pods = json!({"spec": {"podSelector": {"matchLabels": {"app": "x"}}}});
        assert!(!is_default_deny(&some_pods, Direction::Ingress));
        assert!(!is_default_deny(
            &json!({"spec": {"podSelector": "all"}}),
            Direction::Ingress
        ));
        assert!(!is_default_deny(&json!("junk"), Direction::Ingress));
    }
}
