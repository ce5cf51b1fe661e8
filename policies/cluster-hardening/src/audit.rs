//! Reading an audit `Policy` (`audit.k8s.io/v1`) the way the API server's
//! policy checker evaluates it: rules are tried in order and the first one
//! that matches a request decides its level; no matching rule means `None`.
//!
//! A static reading cannot know the user, the namespace or the object name of
//! a future request, so a rule that matches the target only for some users,
//! groups, verbs, namespaces or resource names matches it *partially*; the
//! first rule that matches every request on the target decides the rest.

use kit::Value;
use kit::json;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    None,
    Metadata,
    Request,
    RequestResponse,
}

impl Level {
    pub fn parse(s: &str) -> Option<Level> {
        Some(match s {
            "None" => Level::None,
            "Metadata" => Level::Metadata,
            "Request" => Level::Request,
            "RequestResponse" => Level::RequestResponse,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::None => "None",
            Level::Metadata => "Metadata",
            Level::Request => "Request",
            Level::RequestResponse => "RequestResponse",
        }
    }
}

/// A resource request the policy is asked about.
#[derive(Clone, Copy, Debug)]
pub struct Target<'a> {
    pub group: &'a str,
    pub resource: &'a str,
    pub subresource: &'a str,
    /// `None`: every verb.
    pub verb: Option<&'a str>,
}

impl<'a> Target<'a> {
    /// Reads `resource[/subresource][.group]`, e.g. `tokenreviews.authentication.k8s.io`,
    /// `serviceaccounts/token`, `secrets`.
    pub fn parse(spec: &'a str) -> Option<Target<'a>> {
        let (path, group) = match spec.split_once('.') {
            Some((p, g)) => (p, g),
            None => (spec, ""),
        };
        let (resource, subresource) = match path.split_once('/') {
            Some((r, s)) => (r, s),
            None => (path, ""),
        };
        let ok = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        };
        (ok(resource) && (subresource.is_empty() || ok(subresource)) && !group.ends_with('.'))
            .then_some(Target {
                group,
                resource,
                subresource,
                verb: None,
            })
    }

    pub fn describe(&self) -> String {
        let mut s = self.resource.to_string();
        if !self.subresource.is_empty() {
            s = kit::text!("{s}/{}", self.subresource);
        }
        if !self.group.is_empty() {
            s = kit::text!("{s}.{}", self.group);
        }
        if let Some(v) = self.verb {
            s = kit::text!("{v} {s}");
        }
        s
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Match {
    No,
    /// Only some requests on the target (some users, verbs, namespaces, names).
    Partial,
    Every,
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    json::get_strs(v, &[key]).map(str::to_string).collect()
}

fn non_empty(v: &Value, key: &str) -> bool {
    !json::get_array(v, &[key]).is_empty()
}

/// How `rule` matches requests on `t` (the checker's `ruleMatches`).
pub fn rule_matches(rule: &Value, t: &Target) -> Match {
    let mut partial = non_empty(rule, "users") || non_empty(rule, "userGroups");
    if non_empty(rule, "verbs") {
        match t.verb {
            Some(v) => {
                if !strings(rule, "verbs").iter().any(|x| x == v) {
                    return Match::No;
                }
            }
            None => partial = true,
        }
    }
    if non_empty(rule, "namespaces") || non_empty(rule, "resources") {
        partial |= non_empty(rule, "namespaces");
        if !non_empty(rule, "resources") {
            return if partial {
                Match::Partial
            } else {
                Match::Every
            };
        }
        let combined = if t.subresource.is_empty() {
            t.resource.to_string()
        } else {
            kit::text!("{}/{}", t.resource, t.subresource)
        };
        let mut best = Match::No;
        for gr in json::get_array(rule, &["resources"]) {
            if json::get_str(gr, &["group"]).unwrap_or("") != t.group {
                continue;
            }
            let named = non_empty(gr, "resourceNames");
            let resources = strings(gr, "resources");
            let hit = resources.is_empty()
                || resources.iter().any(|res| {
                    res == &combined
                        || res == "*"
                        || (!t.subresource.is_empty()
                            && res.strip_prefix("*/") == Some(t.subresource))
                        || res.strip_suffix("/*") == Some(t.resource)
                });
            if hit {
                let m = if partial || (named && !resources.is_empty()) {
                    Match::Partial
                } else {
                    Match::Every
                };
                if m == Match::Every {
                    return m;
                }
                best = m;
            }
        }
        return best;
    }
    if non_empty(rule, "nonResourceURLs") {
        return Match::No;
    }
    if partial {
        Match::Partial
    } else {
        Match::Every
    }
}

/// A rule that matches the target.
#[derive(Clone, Debug)]
pub struct Hit {
    pub index: usize,
    /// `Err` carries the unreadable level as written.
    pub level: Result<Level, String>,
    pub every: bool,
}

/// The rules that match requests on `t`, in order, up to and including the
/// first that matches every such request (the rest are never reached).
pub fn walk(rules: &[Value], t: &Target) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (index, rule) in rules.iter().enumerate() {
        let m = rule_matches(rule, t);
        if m == Match::No {
            continue;
        }
        let level = match rule.get("level") {
            Some(Value::String(s)) => Level::parse(s).ok_or_else(|| s.to_string()),
            Some(other) => Err(json::brief(other, 40)),
            None => Err("(absent)".to_string()),
        };
        hits.push(Hit {
            index,
            level,
            every: m == Match::Every,
        });
        if m == Match::Every {
            break;
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use kit::json_value as json;

    fn t(spec: &str) -> Target<'_> {
        Target::parse(spec).unwrap()
    }

    #[test]
    fn matches_like_the_policy_checker() {
        let secrets = t("secrets");
        assert_eq!(
            rule_matches(&json!({"level": "None"}), &secrets),
            Match::Every
        );
        let r = json!({"resources": [{"group": "", "resources": ["secrets", "configmaps"]}]});
        assert_eq!(rule_matches(&r, &secrets), Match::Every);
        assert_eq!(rule_matches(&r, &t("serviceaccounts/token")), Match::No);
        assert_eq!(
            rule_matches(&r, &t("tokenreviews.authentication.k8s.io")),
            Match::No
        );
        let r = json!({"resources": [{"group": ""}]});
        assert_eq!(rule_matches(&r, &t("serviceaccounts/token")), Match::Every);
        let r = json!({"resources": [{"resources": ["*/token"]}]});
        assert_eq!(rule_matches(&r, &t("serviceaccounts/token")), Match::Every);
        let r = json!({"resources": [{"resources": ["pods/*"]}]});
        assert_eq!(rule_matches(&r, &t("pods/exec")), Match::Every);
        let r = json!({"users": ["system:kube-proxy"], "resources": [{"resources": ["secrets"]}]});
        assert_eq!(rule_matches(&r, &secrets), Match::Partial);
        let r = json!({"resources": [{"resources": ["secrets"], "resourceNames": ["x"]}]});
        assert_eq!(rule_matches(&r, &secrets), Match::Partial);
        let r = json!({"verbs": ["get"], "resources": [{"resources": ["secrets"]}]});
        assert_eq!(rule_matches(&r, &secrets), Match::Partial);
        let get = Target {
            verb: Some("get"),
            ..secrets
        };
        assert_eq!(rule_matches(&r, &get), Match::Every);
        let create = Target {
            verb: Some("create"),
            ..secrets
        };
        assert_eq!(rule_matches(&r, &create), Match::No);
        let r = json!({"nonResourceURLs": ["/healthz*"]});
        assert_eq!(rule_matches(&r, &secrets), Match::No);
        let r = json!({"namespaces": ["kube-system"]});
        assert_eq!(rule_matches(&r, &secrets), Match::Partial);
        assert!(Target::parse("Secrets").is_none());
        assert!(Target::parse("").is_none());
        assert_eq!(
            t("tokenreviews.authentication.k8s.io").group,
            "authentication.k8s.io"
        );
    }

    #[test]
    fn walks_to_the_first_rule_that_decides() {
        let rules = vec![
            json!({"level": "Request", "users": ["a"], "resources": [{"resources": ["secrets"]}]}),
            json!({"level": "None", "resources": [{"resources": ["events"]}]}),
            json!({"level": "Metadata", "resources": [{"resources": ["secrets"]}]}),
            json!({"level": "RequestResponse"}),
        ];
        let hits = walk(&rules, &t("secrets"));
        assert_eq!(hits.len(), 2);
        assert_eq!(hits[0].level, Ok(Level::Request));
        assert!(!hits[0].every && hits[1].every);
        assert_eq!(hits[1].index, 2);
    }
}
