//! Exemptions: who or what is exempt from which controls, and why.

use crate::control::{Control, Family, Finding};
use crate::glob::any_matches;
use crate::request::Request;
use crate::settings::{selectors, selects};
use serde_json::Value;

const KEYS: &[&str] = &[
    "namespaces",
    "images",
    "containers",
    "users",
    "groups",
    "labels",
    "controls",
    "reason",
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
    pub controls: Vec<String>,
    /// Free text kept for the audit trail (ticket, approver).
    pub reason: String,
}

fn strings(key: &str, v: &Value) -> Result<Vec<String>, String> {
    match v {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                item.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| format!("{key}[{i}] must be a string, got {item}"))
            })
            .collect(),
        other => Err(format!(
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
            return Err(format!("exemptions[{i}] must be an object"));
        };
        let mut e = Exemption::default();
        for (key, value) in m {
            let at = format!("exemptions[{i}].{key}");
            match key.as_str() {
                "namespaces" => e.namespaces = strings(&at, value)?,
                "images" => e.images = strings(&at, value)?,
                "containers" => e.containers = strings(&at, value)?,
                "users" => e.users = strings(&at, value)?,
                "groups" => e.groups = strings(&at, value)?,
                "controls" => e.controls = selectors(family, &at, value)?,
                "reason" => {
                    e.reason = value
                        .as_str()
                        .ok_or_else(|| format!("{at} must be a string"))?
                        .to_string()
                }
                "labels" => {
                    let Value::Object(lm) = value else {
                        return Err(format!("{at} must be a map of label to value (glob)"));
                    };
                    for (k, lv) in lm {
                        let lv = lv
                            .as_str()
                            .ok_or_else(|| format!("{at}.{k} must be a string"))?;
                        e.labels.push((k.clone(), lv.to_string()));
                    }
                }
                _ => {
                    return Err(format!(
                        "exemptions[{i}]: unknown key \"{key}\"; valid keys: {}",
                        KEYS.join(", ")
                    ));
                }
            }
        }
        if e.namespaces.is_empty()
            && e.images.is_empty()
            && e.containers.is_empty()
            && e.users.is_empty()
            && e.groups.is_empty()
            && e.labels.is_empty()
        {
            return Err(format!(
                "exemptions[{i}] names no namespaces, images, containers, users, groups or labels: it would exempt every request; use \"skip\" to disable a control"
            ));
        }
        Ok(e)
    }

    /// Whether this entry exempts `finding` of `control` in `request`.
    pub fn covers(&self, request: &Request, control: &Control, finding: &Finding) -> bool {
        if !self.controls.is_empty() && !self.controls.iter().any(|s| selects(s, control)) {
            return false;
        }
        if !self.namespaces.is_empty() && !any_matches(&self.namespaces, request.namespace()) {
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
