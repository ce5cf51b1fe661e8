//! `--format sarif`: SARIF 2.1.0 for code-scanning dashboards (GitHub code
//! scanning, Azure DevOps, any SARIF viewer).
//!
//! One run. `tool.driver.rules` are the controls the settings enable, and
//! any other a result names (id, title
//! as `shortDescription`, rationale as `fullDescription`, remediation as
//! `help`, severity as the default level and as GitHub's
//! `security-severity`, criteria and tags as properties). Every finding of a
//! failed or warned check is a result: `ruleId` = control id, the file and
//! the line where the object's document starts (for `helm template` on stdin,
//! the chart template it came from), the object as a logical location, the
//! finding as the message. Exempted checks are results with an external
//! suppression carrying the exemption's reason. Input and evaluation errors
//! are tool execution notifications. Validated against the OASIS SARIF 2.1.0
//! schema in the tests.

use crate::RenderOptions;
use crate::catalogue::{ControlInfo, Severity};
use crate::exit::{ExitCode, exit_code_for};
use crate::inputs::{Origin, STDIN_NAME};
use crate::model::{ObjectRef, Scan};
use crate::results::{Check, Results, Status};
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// The schema URI SARIF files name (the OASIS errata 01 schema).
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// SARIF `level` of a failure of this severity.
pub fn level(severity: Option<Severity>) -> &'static str {
    match severity {
        Some(Severity::Critical | Severity::High) | None => "error",
        Some(Severity::Medium) => "warning",
        Some(Severity::Low) => "note",
    }
}

/// GitHub code scanning's `security-severity` (CVSS-like, as a string).
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
    }
}

/// Percent-encodes a path into a URI reference: relative paths stay
/// relative (with `/`), absolute ones become `file://` URIs.
pub fn path_uri(path: &str) -> String {
    let unix = path.replace('\\', "/");
    let mut out = String::new();
    let absolute = unix.starts_with('/');
    let windows_drive = unix.len() > 1 && unix.as_bytes()[1] == b':';
    if absolute {
        out.push_str("file://");
    } else if windows_drive {
        out.push_str("file:///");
    }
    for (i, b) in unix.bytes().enumerate() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/')
            || (windows_drive && i == 1);
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn text(s: impl Into<String>) -> Value {
    json!({"text": s.into()})
}

fn rule(c: &ControlInfo, module: &str) -> Value {
    let mut properties = Map::new();
    properties.insert("module".into(), json!(module));
    properties.insert("severity".into(), json!(c.severity.as_str()));
    properties.insert(
        "security-severity".into(),
        json!(security_severity(c.severity)),
    );
    let mut tags = vec!["security".to_string(), "compliance".to_string()];
    tags.extend(c.tags.iter().cloned());
    properties.insert("tags".into(), json!(tags));
    for (key, ids) in [
        ("soc2", &c.criteria.soc2),
        ("iso27001", &c.criteria.iso27001),
        ("pss", &c.criteria.pss),
        ("cis", &c.criteria.cis),
    ] {
        if !ids.is_empty() {
            properties.insert(key.into(), json!(ids));
        }
    }
    let mut r = Map::new();
    r.insert("id".into(), json!(c.id));
    if !c.title.is_empty() {
        r.insert("shortDescription".into(), text(&c.title));
    }
    if !c.rationale.is_empty() {
        r.insert("fullDescription".into(), text(&c.rationale));
    }
    if !c.remediation.is_empty() {
        r.insert("help".into(), text(&c.remediation));
    }
    r.insert(
        "defaultConfiguration".into(),
        json!({"level": level(Some(c.severity))}),
    );
    r.insert("properties".into(), Value::Object(properties));
    Value::Object(r)
}

/// Where an object was read: its file (or, from stdin, the chart template
/// `helm template` named) and the line its document starts at.
fn physical_location(origin: &Origin) -> Option<Value> {
    let file = if origin.file == STDIN_NAME {
        origin.source.as_deref()?
    } else {
        origin.file.as_str()
    };
    let mut location = json!({"artifactLocation": {"uri": path_uri(file)}});
    if origin.line > 0 && origin.file != STDIN_NAME {
        location["region"] = json!({"startLine": origin.line});
    }
    Some(location)
}

fn location(object: &ObjectRef) -> Value {
    let mut l = Map::new();
    if let Some(p) = physical_location(&object.origin) {
        l.insert("physicalLocation".into(), p);
    }
    l.insert(
        "logicalLocations".into(),
        json!([{"fullyQualifiedName": object.describe(), "kind": "object"}]),
    );
    Value::Object(l)
}

fn results_of(c: &Check, rule_index: Option<usize>) -> Vec<Value> {
    let base = |message: String, extra: Map<String, Value>| {
        let mut r = Map::new();
        r.insert("ruleId".into(), json!(c.control_id));
        if let Some(i) = rule_index {
            r.insert("ruleIndex".into(), json!(i));
        }
        let level = match c.status {
            Status::Warn => "warning",
            _ => level(c.severity()),
        };
        r.insert("level".into(), json!(level));
        r.insert("message".into(), text(message));
        r.insert("locations".into(), json!([location(c.object)]));
        let mut properties = extra;
        properties.insert("module".into(), json!(c.module));
        properties.insert("status".into(), json!(c.status.as_str()));
        r.insert("properties".into(), Value::Object(properties));
        r
    };
    match c.status {
        Status::Fail | Status::Warn => {
            let findings = c.findings();
            if findings.is_empty() {
                return vec![Value::Object(base(c.detail(), Map::new()))];
            }
            let total = c.finding.map_or(findings.len(), |f| f.total);
            let mut out: Vec<Value> = findings
                .iter()
                .map(|f| {
                    let mut extra = Map::new();
                    if let Some(p) = &f.path {
                        extra.insert("fieldPath".into(), json!(p));
                    }
                    if let Some(cn) = &f.container {
                        extra.insert("container".into(), json!(cn));
                    }
                    Value::Object(base(crate::results::describe_finding(f), extra))
                })
                .collect();
            if total > findings.len()
                && let Some(Value::Object(last)) = out.last_mut()
            {
                let more = format!(
                    "{} (and {} more findings of this control on the object)",
                    crate::results::describe_finding(&findings[findings.len() - 1]),
                    total - findings.len()
                );
                last.insert("message".into(), text(more));
            }
            out
        }
        Status::Skip => {
            let mut r = base(format!("{}: exempted", c.title()), Map::new());
            let justification = c
                .exemption
                .and_then(|e| e.reason.clone())
                .unwrap_or_else(|| "exempted by the module settings".to_string());
            r.insert(
                "suppressions".into(),
                json!([{"kind": "external", "status": "accepted", "justification": justification}]),
            );
            vec![Value::Object(r)]
        }
        Status::Pass | Status::Error => Vec::new(),
    }
}

/// The SARIF log as a JSON value.
pub fn to_value(scan: &Scan, results: &Results, options: &RenderOptions) -> Value {
    // The rules: every control the settings enable (what the scan checked
    // for), and any other control a result names.
    let reported: std::collections::HashSet<&str> = results
        .notable
        .iter()
        .filter(|c| matches!(c.status, Status::Fail | Status::Warn | Status::Skip))
        .map(|c| c.control_id)
        .collect();
    let mut rules = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for m in &scan.modules {
        for c in &m.catalogue.controls {
            if !m.selection.enabled(c) && !reported.contains(c.id.as_str()) {
                continue;
            }
            index.entry(c.id.as_str()).or_insert_with(|| {
                rules.push(rule(c, m.name()));
                rules.len() - 1
            });
        }
    }
    // Passes give no SARIF result.
    let sarif_results: Vec<Value> = results
        .notable
        .iter()
        .flat_map(|c| results_of(c, index.get(c.control_id).copied()))
        .collect();

    let mut notifications: Vec<Value> = Vec::new();
    for e in &scan.input_errors {
        let mut n = json!({"level": "error", "message": text(e.to_string())});
        if e.file != STDIN_NAME {
            let mut p = json!({"artifactLocation": {"uri": path_uri(&e.file)}});
            if let Some(line) = e.line.filter(|l| *l > 0) {
                p["region"] = json!({"startLine": line});
            }
            n["locations"] = json!([{"physicalLocation": p}]);
        }
        notifications.push(n);
    }
    for e in &results.errors {
        notifications.push(json!({
            "level": "error",
            "message": text(format!("{} could not evaluate {}: {}", e.module, e.object.describe(), e.message)),
            "locations": [location(e.object)],
        }));
    }
    let code = exit_code_for(scan, results, options.fail_on);
    let mut invocation = json!({
        "executionSuccessful": code != ExitCode::Error,
        "exitCode": code.code(),
        "properties": {"failOn": options.fail_on.to_string()},
    });
    if !notifications.is_empty() {
        invocation["toolExecutionNotifications"] = json!(notifications);
    }
    let mut driver = json!({
        "name": scan.tool,
        "rules": rules,
    });
    if !scan.version.is_empty() {
        driver["version"] = json!(scan.version);
    }
    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            "invocations": [invocation],
            "results": sarif_results,
            "columnKind": "unicodeCodePoints",
        }],
    })
}

/// The SARIF log with a trailing newline: one rule, one result per line.
pub fn render(scan: &Scan, results: &Results, options: &RenderOptions) -> String {
    crate::json::to_string_shallow(&to_value(scan, results, options), 5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(path_uri("k8s/app deploy.yaml"), "k8s/app%20deploy.yaml");
        assert_eq!(path_uri("/srv/a#b.yaml"), "file:///srv/a%23b.yaml");
        assert_eq!(path_uri("C:\\x\\y.yaml"), "file:///C:/x/y.yaml");
        assert_eq!(level(Some(Severity::Low)), "note");
    }
}
