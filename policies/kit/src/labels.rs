//! Kubernetes label selectors: the string form (`app=web,tier in (a,b),!canary`)
//! used by list calls, and the object form (`matchLabels`/`matchExpressions`)
//! used by PodDisruptionBudgets, NetworkPolicies, topology spread and more.

use crate::dom::{Map, Value};

#[derive(Debug, Clone, PartialEq)]
enum Req {
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    DoesNotExist(String),
}

/// A parsed selector; the empty selector matches everything.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Selector(Vec<Req>);

fn label<'a>(labels: Option<&'a Map>, key: &str) -> Option<&'a str> {
    labels?.get(key)?.as_str()
}

impl Selector {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn matches(&self, labels: Option<&Map>) -> bool {
        self.0.iter().all(|r| match r {
            Req::In(k, vs) => label(labels, k).is_some_and(|v| vs.iter().any(|x| x == v)),
            Req::NotIn(k, vs) => label(labels, k).is_none_or(|v| !vs.iter().any(|x| x == v)),
            Req::Exists(k) => label(labels, k).is_some(),
            Req::DoesNotExist(k) => label(labels, k).is_none(),
        })
    }

    /// Parses the string form. Errors describe the offending term.
    pub fn parse(s: &str) -> Result<Selector, String> {
        let mut reqs = Vec::new();
        for term in split_terms(s) {
            let term = term.trim();
            if term.is_empty() {
                continue;
            }
            let words: Vec<&str> = term.split_whitespace().collect();
            if words.len() >= 2 && (words[1] == "in" || words[1] == "notin") {
                let rest = term[term
                    .find('(')
                    .ok_or(crate::text!("missing ( in \"{term}\""))?
                    + 1..]
                    .trim_end()
                    .strip_suffix(')')
                    .ok_or(crate::text!("missing ) in \"{term}\""))?;
                let vals = rest.split(',').map(|v| v.trim().to_string()).collect();
                let key = words[0].to_string();
                reqs.push(if words[1] == "in" {
                    Req::In(key, vals)
                } else {
                    Req::NotIn(key, vals)
                });
            } else if let Some((k, v)) = term.split_once("!=") {
                reqs.push(Req::NotIn(k.trim().into(), vec![v.trim().into()]));
            } else if let Some((k, v)) = term.split_once("==").or_else(|| term.split_once('=')) {
                reqs.push(Req::In(k.trim().into(), vec![v.trim().into()]));
            } else if let Some(k) = term.strip_prefix('!') {
                reqs.push(Req::DoesNotExist(k.trim().into()));
            } else {
                reqs.push(Req::Exists(term.into()));
            }
        }
        Ok(Selector(reqs))
    }

    /// Reads a `LabelSelector` object. `None` (absent selector) is the caller's
    /// to interpret: Kubernetes gives it different meanings per kind.
    pub fn from_object(v: &Value) -> Result<Selector, String> {
        let Some(m) = v.as_object() else {
            return Err("label selector must be an object".into());
        };
        let mut reqs = Vec::new();
        if let Some(ml) = m.get("matchLabels").and_then(Value::as_object) {
            for (k, v) in ml {
                let v = v
                    .as_str()
                    .ok_or(crate::text!("matchLabels.{k} must be a string"))?;
                reqs.push(Req::In(k.to_string(), vec![v.to_string()]));
            }
        }
        for (i, e) in crate::json::get_array(v, &["matchExpressions"])
            .iter()
            .enumerate()
        {
            let key = crate::json::get_str(e, &["key"])
                .ok_or(crate::text!("matchExpressions[{i}].key is missing"))?
                .to_string();
            let values: Vec<String> = crate::json::get_strs(e, &["values"])
                .map(str::to_string)
                .collect();
            reqs.push(match crate::json::get_str(e, &["operator"]) {
                Some("In") => Req::In(key, values),
                Some("NotIn") => Req::NotIn(key, values),
                Some("Exists") => Req::Exists(key),
                Some("DoesNotExist") => Req::DoesNotExist(key),
                other => {
                    return Err(crate::text!(
                        "matchExpressions[{i}].operator {other:?} is not In, NotIn, Exists or DoesNotExist"
                    ));
                }
            });
        }
        Ok(Selector(reqs))
    }
}

/// The string form understood by `list` calls (`Cluster::list`'s
/// `label_selector`), e.g. `app in (web),!canary`; the empty selector is `""`.
impl std::fmt::Display for Selector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, r) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            match r {
                Req::In(k, vs) => write!(f, "{k} in ({})", vs.join(","))?,
                Req::NotIn(k, vs) => write!(f, "{k} notin ({})", vs.join(","))?,
                Req::Exists(k) => f.write_str(k)?,
                Req::DoesNotExist(k) => write!(f, "!{k}")?,
            }
        }
        Ok(())
    }
}

/// Splits on commas that are not inside parentheses.
fn split_terms(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, ch) in s.char_indices() {
        match ch {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json_value as json;

    #[test]
    fn string_and_object_forms() {
        let labels = json!({"app": "web", "tier": "front"});
        let l = labels.as_object();
        assert!(
            Selector::parse("app=web,tier in (front, back),!canary")
                .unwrap()
                .matches(l)
        );
        assert!(!Selector::parse("app!=web").unwrap().matches(l));
        assert!(Selector::parse("").unwrap().matches(l));
        assert!(!Selector::parse("tier notin (front)").unwrap().matches(l));
        let sel = Selector::from_object(&json!({
            "matchLabels": {"app": "web"},
            "matchExpressions": [{"key": "tier", "operator": "Exists"}]
        }))
        .unwrap();
        assert!(sel.matches(l));
        assert!(!sel.matches(json!({"app": "web"}).as_object()));
        assert!(
            Selector::from_object(&json!({"matchExpressions": [{"key": "a", "operator": "Bad"}]}))
                .is_err()
        );
        // The string form round-trips through `parse`, as `list` calls need.
        let text = sel.to_string();
        assert_eq!(text, "app in (web),tier");
        assert_eq!(Selector::parse(&text).unwrap(), sel);
        let sel = Selector::from_object(&json!({"matchExpressions": [
            {"key": "a", "operator": "NotIn", "values": ["x", "y"]},
            {"key": "b", "operator": "DoesNotExist"}]}))
        .unwrap();
        assert_eq!(Selector::parse(&sel.to_string()).unwrap(), sel);
        assert_eq!(Selector::default().to_string(), "");
    }
}
