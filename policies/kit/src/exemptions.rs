//! Exemptions: who or what is exempt from which controls, and why.

use crate::control::{Control, Family, Finding};
use crate::dom::Value;
use crate::glob::any_matches;
use crate::request::Request;
use crate::settings::{selectors, selects};

const KEYS: &[&str] = &[
    "namespaces",
    "images",
    "containers",
    "users",
    "groups",
    "labels",
    "kinds",
    "names",
    "controls",
    "reason",
    "expires",
];

/// One exemption entry. Fields combine with AND; the values of one field with OR.
/// Without `controls` it covers every control of the module.
#[derive(Debug, Default, Clone)]
pub struct Exemption {
    pub namespaces: Vec<String>,
    pub images: Vec<String>,
    pub containers: Vec<String>,
    pub users: Vec<String>,
    pub groups: Vec<String>,
    pub labels: Vec<(String, String)>,
    /// Object kinds (`Deployment`, `networking.k8s.io/Ingress`).
    pub kinds: Vec<String>,
    /// Object names (globs).
    pub names: Vec<String>,
    pub controls: Vec<String>,
    /// Free text kept for the audit trail (ticket, approver).
    pub reason: String,
    /// Last day (UTC, inclusive) the exemption applies, as days since 1970-01-01.
    pub expires: Option<i64>,
}

/// Characters that mean something in a regular expression but nothing in a
/// glob: a pattern holding them was almost certainly written as a regex and
/// would silently match nothing (or the wrong thing).
const REGEX_CHARS: &[char] = &['^', '$', '\\', '(', ')', '[', ']', '{', '}', '|', '+'];

/// Checks one glob of an exemption field: refuses regex syntax and patterns
/// made of wildcards only, which match every value and so exempt everything
/// the other fields do not restrict.
fn check_glob(at: &str, pattern: &str) -> Result<(), String> {
    if pattern.contains(REGEX_CHARS) {
        return Err(crate::text!(
            "{at}: \"{pattern}\" looks like a regular expression; patterns are globs (`*` any run, `?` one character), e.g. \"kube-*\""
        ));
    }
    if pattern.chars().all(|c| c == '*' || c == '?') {
        return Err(crate::text!(
            "{at}: \"{pattern}\" matches everything; name what is exempt, or use \"skip\" to disable a control"
        ));
    }
    Ok(())
}

fn globs(key: &str, v: &Value) -> Result<Vec<String>, String> {
    let list = strings(key, v)?;
    for (i, p) in list.iter().enumerate() {
        check_glob(&crate::text!("{key}[{i}]"), p)?;
    }
    Ok(list)
}

/// `YYYY-MM-DD` → days since 1970-01-01.
fn parse_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = &s[r];
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let days_in_month = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days_in_month)
        .contains(&d)
        .then(|| crate::calendar::days_from_civil(y, m, d))
}

/// Today (UTC) as days since 1970-01-01; the WASI clock inside a policy-server.
pub fn today() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| (d.as_secs() / 86_400) as i64)
        .unwrap_or(0)
}

fn strings(key: &str, v: &Value) -> Result<Vec<String>, String> {
    match v {
        Value::String(s) => Ok(vec![s.to_string()]),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                item.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| crate::text!("{key}[{i}] must be a string, got {item}"))
            })
            .collect(),
        other => Err(crate::text!(
            "{key} must be a list of strings, got {}",
            crate::json::brief(other, 60)
        )),
    }
}

impl Exemption {
    pub fn parse_list(family: &Family, v: &Value) -> Result<Vec<Exemption>, String> {
        let Value::Array(items) = v else {
            return Err("exemptions must be a list of objects".into());
        };
        items
            .iter()
            .enumerate()
            .map(|(i, item)| Exemption::parse(family, i, item))
            .collect()
    }

    fn parse(family: &Family, i: usize, v: &Value) -> Result<Exemption, String> {
        let Value::Object(m) = v else {
            return Err(crate::text!("exemptions[{i}] must be an object"));
        };
        let mut e = Exemption::default();
        for (key, value) in m {
            let at = crate::text!("exemptions[{i}].{key}");
            match key.as_str() {
                "namespaces" => e.namespaces = globs(&at, value)?,
                "images" => e.images = globs(&at, value)?,
                "containers" => e.containers = globs(&at, value)?,
                "users" => e.users = globs(&at, value)?,
                "groups" => e.groups = globs(&at, value)?,
                "kinds" => e.kinds = strings(&at, value)?,
                "names" => e.names = globs(&at, value)?,
                "controls" => {
                    e.controls = selectors(family, &at, value)?;
                    if e.controls.is_empty() {
                        return Err(crate::text!(
                            "{at} is empty; list the exempt controls, or omit the key to exempt from every control"
                        ));
                    }
                }
                "expires" => {
                    let text = value.as_str().unwrap_or_default();
                    e.expires = Some(parse_date(text).ok_or_else(|| {
                        crate::text!(
                            "{at} must be a date YYYY-MM-DD (the last day the exemption applies), got {}",
                            crate::json::brief(value, 40)
                        )
                    })?);
                }
                "reason" => {
                    e.reason = value
                        .as_str()
                        .ok_or_else(|| crate::text!("{at} must be a string"))?
                        .to_string()
                }
                "labels" => {
                    let Value::Object(lm) = value else {
                        return Err(crate::text!("{at} must be a map of label to value (glob)"));
                    };
                    for (k, lv) in lm {
                        let lv = lv
                            .as_str()
                            .ok_or_else(|| crate::text!("{at}.{k} must be a string"))?;
                        check_glob(&crate::text!("{at}.{k}"), lv)?;
                        e.labels.push((k.to_string(), lv.to_string()));
                    }
                }
                _ => {
                    return Err(crate::text!(
                        "exemptions[{i}]: unknown key \"{key}\"; valid keys: {}",
                        KEYS.join(", ")
                    ));
                }
            }
        }
        // Who may create the object decides its labels, container names,
        // kinds and names: on their own they would let an author exempt their
        // own object. They narrow an exemption granted by namespace, user,
        // group or image (a registry the author cannot push to), never grant one.
        let granted_by_operator = !(e.namespaces.is_empty()
            && e.users.is_empty()
            && e.groups.is_empty()
            && e.images.is_empty());
        if !granted_by_operator {
            let author_fields: Vec<&str> = [
                ("labels", e.labels.is_empty()),
                ("containers", e.containers.is_empty()),
                ("kinds", e.kinds.is_empty()),
                ("names", e.names.is_empty()),
            ]
            .iter()
            .filter(|(_, empty)| !empty)
            .map(|(k, _)| *k)
            .collect();
            return Err(if author_fields.is_empty() {
                crate::text!(
                    "exemptions[{i}] names no namespaces, images, users or groups: it would exempt every request; use \"skip\" to disable a control"
                )
            } else {
                crate::text!(
                    "exemptions[{i}]: {} are chosen by whoever writes the object, so alone they would let an author exempt their own object; combine them with namespaces, users, groups or images",
                    author_fields.join(", ")
                )
            });
        }
        Ok(e)
    }

    /// Whether this entry exempts `finding` of `control` in `request`.
    pub fn covers(&self, request: &Request, control: &Control, finding: &Finding) -> bool {
        if !self.controls.is_empty() && !self.controls.iter().any(|s| selects(s, control)) {
            return false;
        }
        if self.expires.is_some_and(|last| today() > last) {
            return false;
        }
        // A cluster-scoped object has no namespace, whatever its manifest says.
        if !self.namespaces.is_empty()
            && (crate::kinds::is_cluster_scoped(&request.kind)
                || !any_matches(&self.namespaces, request.namespace()))
        {
            return false;
        }
        if !self.kinds.is_empty()
            && !self
                .kinds
                .iter()
                .any(|k| crate::kinds::matches(k, &request.group, &request.kind))
        {
            return false;
        }
        if !self.names.is_empty() && !any_matches(&self.names, &request.name()) {
            return false;
        }
        if !self.users.is_empty() && !any_matches(&self.users, &request.username) {
            return false;
        }
        if !self.groups.is_empty() && !request.groups.iter().any(|g| any_matches(&self.groups, g)) {
            return false;
        }
        if !self.labels.is_empty() {
            let labels = request.labels();
            let all = self.labels.iter().all(|(k, pattern)| {
                labels
                    .and_then(|l| l.get(k))
                    .and_then(Value::as_str)
                    .is_some_and(|v| crate::glob::matches(pattern, v))
            });
            if !all {
                return false;
            }
        }
        if !self.images.is_empty() || !self.containers.is_empty() {
            let Some((name, image)) = &finding.container else {
                return false;
            };
            if !self.images.is_empty() && !any_matches(&self.images, image) {
                return false;
            }
            if !self.containers.is_empty() && !any_matches(&self.containers, name) {
                return false;
            }
        }
        true
    }
}
