//! Default-deny NetworkPolicies, read as the network plugin enforces them
//! (the same reading as access-control's `namespace-default-deny`; a
//! candidate for the kit).

use kit::Value;

/// `Ingress` or `Egress`.
pub fn applies_to(np: &Value, dir: &str) -> bool {
    let spec = np.get("spec").unwrap_or(&Value::Null);
    match spec.get("policyTypes").and_then(Value::as_array) {
        Some(types) if !types.is_empty() => types.iter().any(|t| t.as_str() == Some(dir)),
        _ => dir == "Ingress" || !kit::json::get_array(spec, &["egress"]).is_empty(),
    }
}

fn is_empty_selector(v: Option<&Value>) -> bool {
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

/// Selects every pod, applies to `dir`, allows nothing in that direction.
pub fn is_default_deny(np: &Value, dir: &str) -> bool {
    let Some(spec) = np.get("spec").filter(|s| s.is_object()) else {
        return false;
    };
    let rules = if dir == "Ingress" {
        "ingress"
    } else {
        "egress"
    };
    let no_rules = match spec.get(rules) {
        None | Some(Value::Null) => true,
        Some(Value::Array(a)) => a.is_empty(),
        Some(_) => false,
    };
    is_empty_selector(spec.get("podSelector")) && applies_to(np, dir) && no_rules
}

#[cfg(test)]
mod tests {
    use super::*;
    use kit::json_value as json;

    #[test]
    fn default_deny_shapes() {
        let deny_in = json!({"spec": {"podSelector": {}}});
        assert!(is_default_deny(&deny_in, "Ingress"));
        assert!(!is_default_deny(&deny_in, "Egress"));
        let both = json!({"spec": {"podSelector": {"matchLabels": {}}, "policyTypes": ["Ingress", "Egress"]}});
        assert!(is_default_deny(&both, "Ingress") && is_default_deny(&both, "Egress"));
        assert!(!is_default_deny(
            &json!({"spec": {"podSelector": {}, "ingress": [{}]}}),
            "Ingress"
        ));
        assert!(!is_default_deny(
            &json!({"spec": {"podSelector": {"matchLabels": {"a": "b"}}}}),
            "Ingress"
        ));
        assert!(!is_default_deny(
            &json!({"spec": {"podSelector": "all"}}),
            "Ingress"
        ));
        assert!(!is_default_deny(&json!("junk"), "Ingress"));
    }
}
