//! Reading a module's answer back into per-control findings.
//!
//! A `ValidationResponse` carries findings only as text, in the format
//! `kit::response` writes:
//!
//! ```text
//! Deployment shop/api violates 2 kube-soc2 controls:
//! [pss-privileged] Privileged containers are disallowed: container "api" at spec.template.spec.containers[0].securityContext.privileged: privileged is true. Fix: remove securityContext.privileged or set it to false
//! [<id>] <title>: <finding>; <finding>. Fix: <remediation>
//! ```
//!
//! warnings are the same lines prefixed by `<Kind ns/name>: `, and the audit
//! annotations `kube-soc2.violations` (ids, comma-separated) and
//! `kube-soc2.exempted` (`id (reason)`, comma-separated) complete the picture.
//!
//! The parser is tolerant: with the catalogue, titles and remediations are
//! matched exactly; without it, or when a message does not match, it falls back
//! to the separators and never fails (the whole line is kept as `text`).

use crate::catalogue::FamilyCatalogue;
use crate::model::{ControlFinding, Exemption, Finding};
use serde_json::Value;

pub const ANNOTATION_VIOLATIONS: &str = "kube-soc2.violations";
pub const ANNOTATION_WARNINGS: &str = "kube-soc2.warnings";
pub const ANNOTATION_EXEMPTED: &str = "kube-soc2.exempted";

/// A module's answer, read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedResponse {
    pub allowed: bool,
    pub violations: Vec<ControlFinding>,
    pub warnings: Vec<ControlFinding>,
    pub exempted: Vec<Exemption>,
    pub message: Option<String>,
    pub error: Option<String>,
}

/// An audit annotation by its kit key; the API server may have prefixed it
/// with the webhook name (`<webhook>/kube-soc2.violations`). Kits before the
/// keys lost their slash wrote `kube-soc2/violations`: read those too.
fn annotation<'a>(annotations: Option<&'a Value>, key: &str) -> Option<&'a str> {
    let map = annotations?.as_object()?;
    let legacy = key.replacen('.', "/", 1);
    [key, legacy.as_str()]
        .into_iter()
        .find_map(|k| {
            map.get(k).or_else(|| {
                map.iter()
                    .find(|(name, _)| name.ends_with(&format!("/{k}")))
                    .map(|(_, v)| v)
            })
        })
        .and_then(Value::as_str)
}

/// Reads a `ValidationResponse` (snake_case as the SDK serialises it;
/// camelCase as an AdmissionResponse is accepted too).
pub fn parse_response(v: &Value, catalogue: Option<&FamilyCatalogue>) -> ParsedResponse {
    let accepted = v
        .get("accepted")
        .or_else(|| v.get("allowed"))
        .and_then(Value::as_bool);
    let message = v
        .get("message")
        .and_then(Value::as_str)
        .or_else(|| v.pointer("/status/message").and_then(Value::as_str))
        .filter(|m| !m.is_empty())
        .map(str::to_string);
    let code = v
        .get("code")
        .and_then(Value::as_u64)
        .or_else(|| v.pointer("/status/code").and_then(Value::as_u64));
    let annotations = v
        .get("audit_annotations")
        .or_else(|| v.get("auditAnnotations"));

    let mut out = ParsedResponse {
        allowed: accepted.unwrap_or(false),
        message: message.clone(),
        ..ParsedResponse::default()
    };
    let Some(accepted) = accepted else {
        out.error = Some("the module's answer has no \"accepted\" field".into());
        return out;
    };

    if !accepted {
        out.violations = message
            .as_deref()
            .map(|m| parse_rejection(m, catalogue))
            .unwrap_or_default();
        // The annotation lists every violated control even if the message was
        // cut short somewhere on its way.
        for id in annotation(annotations, ANNOTATION_VIOLATIONS)
            .map(split_ids)
            .unwrap_or_default()
        {
            if !out.violations.iter().any(|c| c.control == id) {
                out.violations.push(bare_control(&id, catalogue));
            }
        }
        if out.violations.is_empty() {
            // Not a compliance verdict: bad payload, bad settings, a malformed
            // object (the kit refuses those with a code).
            out.error = Some(match (&message, code) {
                (Some(m), _) => m.clone(),
                (None, Some(c)) => format!("the module refused the object with code {c}"),
                (None, None) => "the module refused the object without a message".into(),
            });
        }
    }

    out.warnings = v
        .get("warnings")
        .and_then(Value::as_array)
        .map(|ws| {
            ws.iter()
                .filter_map(Value::as_str)
                .filter_map(|w| parse_warning(w, catalogue))
                .collect()
        })
        .unwrap_or_default();
    for id in annotation(annotations, ANNOTATION_WARNINGS)
        .map(split_ids)
        .unwrap_or_default()
    {
        if !out.warnings.iter().any(|c| c.control == id) {
            out.warnings.push(bare_control(&id, catalogue));
        }
    }
    out.exempted = annotation(annotations, ANNOTATION_EXEMPTED)
        .map(parse_exempted)
        .unwrap_or_default();
    out
}

/// A violated control known only by id (from an annotation).
fn bare_control(id: &str, catalogue: Option<&FamilyCatalogue>) -> ControlFinding {
    let info = catalogue.and_then(|c| c.control(id));
    ControlFinding {
        control: id.to_string(),
        title: info.map(|c| c.title.clone()).unwrap_or_default(),
        findings: Vec::new(),
        remediation: info.map(|c| c.remediation.clone()),
        text: String::new(),
    }
}

/// `a,b, c` → `[a, b, c]`.
pub fn split_ids(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// `kube-soc2.exempted`: `id (reason),id`. Reasons are free text and may hold
/// commas and parentheses, so the list is split only at top-level commas.
pub fn parse_exempted(s: &str) -> Vec<Exemption> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, ch) in s.char_indices() {
        match ch {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    let mut out: Vec<Exemption> = Vec::new();
    for part in parts.into_iter().map(str::trim).filter(|p| !p.is_empty()) {
        let e = match part.split_once(" (") {
            Some((id, rest)) => Exemption {
                control: id.trim().to_string(),
                reason: Some(rest.strip_suffix(')').unwrap_or(rest).to_string())
                    .filter(|r| !r.is_empty()),
            },
            None => Exemption {
                control: part.to_string(),
                reason: None,
            },
        };
        if !out.contains(&e) {
            out.push(e);
        }
    }
    out
}

/// Every `[id] ...` line of a rejection message. The first line (`Kind ns/name
/// violates N kube-soc2 controls:`) is skipped; a line that does not open with
/// `[` continues the previous control (a finding message with a newline).
pub fn parse_rejection(message: &str, catalogue: Option<&FamilyCatalogue>) -> Vec<ControlFinding> {
    let mut lines: Vec<String> = Vec::new();
    for line in message.lines() {
        if control_id(line).is_some() {
            lines.push(line.to_string());
        } else if let Some(last) = lines.last_mut() {
            last.push('\n');
            last.push_str(line);
        }
    }
    lines
        .iter()
        .filter_map(|l| parse_control_line(l, catalogue))
        .collect()
}

/// The id of a `[id] ...` line: no blanks, no brackets.
fn control_id(line: &str) -> Option<&str> {
    let rest = line.strip_prefix('[')?;
    let (id, _) = rest.split_once(']')?;
    (!id.is_empty() && !id.contains(char::is_whitespace) && !id.contains('[')).then_some(id)
}

/// A warning: `<Kind ns/name>: [id] ...` (or a bare `[id] ...`).
pub fn parse_warning(line: &str, catalogue: Option<&FamilyCatalogue>) -> Option<ControlFinding> {
    let line = line.trim();
    if line.starts_with('[') {
        return parse_control_line(line, catalogue);
    }
    let at = line.find(": [")?;
    parse_control_line(&line[at + 2..], catalogue)
}

/// One `[id] title: finding; finding. Fix: remediation` line.
pub fn parse_control_line(
    line: &str,
    catalogue: Option<&FamilyCatalogue>,
) -> Option<ControlFinding> {
    let line = line.trim();
    let id = control_id(line)?;
    let rest = line[id.len() + 2..].trim_start();
    let info = catalogue.and_then(|c| c.control(id));

    // Title: the catalogue's if the line carries it, else up to the first ": ".
    let (title, body) = match info
        .filter(|c| !c.title.is_empty())
        .and_then(|c| {
            rest.strip_prefix(c.title.as_str())
                .map(|b| (c.title.clone(), b))
        })
        .and_then(|(t, b)| b.strip_prefix(':').map(|b| (t, b.trim_start())))
    {
        Some(found) => found,
        None => match rest.split_once(": ") {
            Some((t, b)) => (t.to_string(), b),
            None => (String::new(), rest),
        },
    };

    // Remediation: the catalogue's if the line ends with it, else the last
    // ". Fix: " (a finding may well contain "Fix").
    let known_fix = info.filter(|c| !c.remediation.is_empty()).and_then(|c| {
        body.strip_suffix(c.remediation.as_str())
            .and_then(|b| b.strip_suffix(". Fix: "))
            .map(|b| (b, c.remediation.clone()))
    });
    let (findings_text, remediation) = match known_fix {
        Some((b, r)) => (b, Some(r)),
        None => match body.rfind(". Fix: ") {
            Some(at) => (&body[..at], Some(body[at + 7..].to_string())),
            None => (body.strip_suffix('.').unwrap_or(body), None),
        },
    };

    Some(ControlFinding {
        control: id.to_string(),
        title,
        findings: parse_findings(findings_text),
        remediation,
        text: line.to_string(),
    })
}

/// Top-level fields a finding path may consist of alone (`spec: ...`);
/// longer paths are recognised by their `.` or `[`.
const ROOT_FIELDS: &[&str] = &[
    "metadata", "spec", "data", "rules", "subjects", "roleRef", "webhooks", "status",
];

/// The field path a finding starts with (`<path>: message`), if any.
fn path_prefix(s: &str) -> Option<(&str, &str)> {
    let (path, message) = s.split_once(": ")?;
    let plausible = !path.is_empty()
        && path.starts_with(|c: char| c.is_ascii_alphabetic())
        && !path.contains(char::is_whitespace)
        && (path.contains('.') || path.contains('[') || ROOT_FIELDS.contains(&path));
    plausible.then_some((path, message))
}

/// `container "name" at <path>: message`.
fn container_prefix(s: &str) -> Option<(&str, &str, &str)> {
    let rest = s.strip_prefix("container \"")?;
    let (name, rest) = rest.split_once("\" at ")?;
    let (path, message) = rest.split_once(": ")?;
    Some((name, path, message))
}

fn looks_structured(s: &str) -> bool {
    container_prefix(s).is_some() || path_prefix(s).is_some()
}

/// Splits the findings part of a line. Findings are joined with `; `, which a
/// finding message may itself contain: when findings carry a path, a piece
/// without one is glued back to the finding before it.
pub fn parse_findings(s: &str) -> Vec<Finding> {
    let s = s.trim();
    if s.is_empty() {
        return Vec::new();
    }
    let parts: Vec<&str> = s.split("; ").collect();
    let structured = looks_structured(parts[0]);
    let mut joined: Vec<String> = Vec::new();
    for part in parts {
        match joined.last_mut() {
            Some(last) if structured && !looks_structured(part) => {
                last.push_str("; ");
                last.push_str(part);
            }
            _ => joined.push(part.to_string()),
        }
    }
    joined.iter().map(|f| parse_finding(f)).collect()
}

/// One finding: `container "c" at path: msg`, `path: msg` or `msg`.
pub fn parse_finding(s: &str) -> Finding {
    if let Some((name, path, message)) = container_prefix(s) {
        return Finding {
            container: Some(name.to_string()),
            path: Some(path.to_string()),
            message: message.to_string(),
        };
    }
    if let Some((path, message)) = path_prefix(s) {
        return Finding {
            container: None,
            path: Some(path.to_string()),
            message: message.to_string(),
        };
    }
    Finding {
        container: None,
        path: None,
        message: s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_a_control_line_without_catalogue() {
        let c = parse_control_line(
            "[pss-privileged] Privileged containers are disallowed: container \"api\" at spec.template.spec.containers[0].securityContext.privileged: privileged is true; container \"side\" at spec.template.spec.initContainers[0].securityContext.privileged: privileged is true. Fix: remove securityContext.privileged or set it to false",
            None,
        )
        .unwrap();
        assert_eq!(c.control, "pss-privileged");
        assert_eq!(c.title, "Privileged containers are disallowed");
        assert_eq!(c.findings.len(), 2);
        assert_eq!(c.findings[1].container.as_deref(), Some("side"));
        assert_eq!(
            c.findings[1].path.as_deref(),
            Some("spec.template.spec.initContainers[0].securityContext.privileged")
        );
        assert_eq!(
            c.remediation.as_deref(),
            Some("remove securityContext.privileged or set it to false")
        );
    }

    #[test]
    fn keeps_semicolons_inside_structured_findings() {
        let f =
            parse_findings("spec.replicas: is 1; at least 2 are needed; spec.strategy: missing");
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].message, "is 1; at least 2 are needed");
        assert_eq!(f[1].path.as_deref(), Some("spec.strategy"));
    }

    #[test]
    fn plain_findings_split_and_unknown_lines_survive() {
        let f = parse_findings("no PodDisruptionBudget selects it; no HPA");
        assert_eq!(f.len(), 2);
        assert!(f[0].path.is_none());
        assert!(parse_control_line("not a control line", None).is_none());
        let c = parse_control_line("[x-y] odd", None).unwrap();
        assert_eq!(c.findings[0].message, "odd");
    }

    #[test]
    fn exempted_reasons_may_hold_commas() {
        let e = parse_exempted("a (CHG-1, approved (by sec)),b,a (CHG-1, approved (by sec))");
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].reason.as_deref(), Some("CHG-1, approved (by sec)"));
        assert_eq!(e[1].control, "b");
        assert!(e[1].reason.is_none());
    }

    #[test]
    fn refusals_are_errors_and_prefixed_annotations_are_read() {
        let r = parse_response(
            &json!({"accepted": false, "message": "kube-soc2/access-control: Deployment x is malformed", "code": 400}),
            None,
        );
        assert!(r.error.is_some() && r.violations.is_empty());
        let r = parse_response(
            &json!({"accepted": false, "message": "X violates 1 kube-soc2 control:",
                    "audit_annotations": {"policy.example/kube-soc2.violations": "a-b"}}),
            None,
        );
        assert_eq!(r.violations[0].control, "a-b");
        let r = parse_response(
            &json!({"accepted": false, "audit_annotations": {"kube-soc2/violations": "c-d"}}),
            None,
        );
        assert_eq!(r.violations[0].control, "c-d");
        assert!(r.error.is_none());
        let r = parse_response(&json!({"message": "?"}), None);
        assert!(r.error.is_some());
    }
}
