//! Turning the findings of one evaluation into one [`Response`].

use crate::control::{Control, Finding};
use crate::json::{write_optional_str, write_str};
use crate::pod::ContainerList;
use crate::request::Request;
use crate::text::{self, Text};
use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write;

/// Audit annotation keys. The API server prefixes them with `<webhook name>/`,
/// so they must be plain qualified-name parts without a `/` of their own.
pub const ANNOTATION_VIOLATIONS: &str = "kube-soc2.violations";
pub const ANNOTATION_CRITERIA: &str = "kube-soc2.criteria";
pub const ANNOTATION_WARNINGS: &str = "kube-soc2.warnings";
pub const ANNOTATION_EXEMPTED: &str = "kube-soc2.exempted";

/// What `validate` answers: kubewarden-policy-sdk's `ValidationResponse` on
/// the wire ([`write_response`]), held as the engine builds it. The SDK's
/// type keeps the audit annotations in a `HashMap`: seeding its hasher, a
/// SipHash of every key and a sort of them all again before writing were a
/// tenth of the time availability spent answering the bench Pod's denial.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Response {
    pub accepted: bool,
    pub message: Option<String>,
    /// HTTP-like status of a refusal that is not about compliance.
    pub code: Option<u16>,
    /// In key order, each key once ([`Response::annotate`]); written as
    /// `null` when empty, as the SDK writes `None`.
    pub audit_annotations: Vec<(Cow<'static, str>, String)>,
    /// Written as `null` when empty, as the SDK writes `None`.
    pub warnings: Vec<String>,
}

impl Response {
    /// An answer that admits the request and says nothing more.
    pub fn accepted() -> Response {
        Response {
            accepted: true,
            ..Response::default()
        }
    }

    /// Sets the audit annotation `key` (replacing its value if it has one).
    pub fn annotate(&mut self, key: impl Into<Cow<'static, str>>, value: String) {
        let key = key.into();
        match self.annotation_at(&key) {
            Ok(i) => self.audit_annotations[i].1 = value,
            Err(i) => self.audit_annotations.insert(i, (key, value)),
        }
    }

    /// Where the annotation `key` is, or where it would go (keys stay in order).
    fn annotation_at(&self, key: &str) -> Result<usize, usize> {
        self.audit_annotations
            .binary_search_by(|(k, _)| k.as_ref().cmp(key))
    }

    /// The answer as the JSON the module writes ([`write_response`]), for
    /// tests and reports that read it as a value.
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::from_slice(&to_bytes(self)).expect("write_response writes JSON")
    }

    /// The value of the audit annotation `key`.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        let i = self.annotation_at(key).ok()?;
        Some(&self.audit_annotations[i].1)
    }
}

/// The findings of one evaluation, sorted by how they are reported.
#[derive(Default)]
pub struct Report {
    pub denied: Vec<(&'static Control, Vec<Finding>)>,
    pub warned: Vec<(&'static Control, Vec<Finding>)>,
    /// Exempted controls with the reason of the exemption that covered them.
    pub exempted: Vec<(&'static Control, String)>,
}

/// Findings spelled out per control in a message; the rest are counted.
pub const MAX_FINDINGS_SHOWN: usize = 5;
/// Longest description of one finding in a message.
pub const MAX_FINDING_CHARS: usize = 400;
/// Longest rejection message (and longest warning). The API server copies the
/// message into the client's error and the audit log; a 10,000-container object
/// must not turn into a multi-megabyte answer.
pub const MAX_MESSAGE_CHARS: usize = 16 * 1024;

/// `s` cut to at most `max` bytes on a character boundary, with `…` when cut.
pub fn truncate(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    if s.len() <= max {
        return s.into();
    }
    crate::text!("{}…", crate::text::cut(s, max)).into()
}

/// Appends `f` as a message describes it, cut to [`MAX_FINDING_CHARS`].
fn describe_finding(out: &mut Text, f: &Finding) {
    let start = out.len();
    match &f.container {
        Some((name, _)) if !f.path.is_empty() => {
            // A message that opens with the container (`Container::describe`:
            // `init container "proxy" has no liveness probe`) gets the path
            // right after it, rather than the container named twice.
            if let Some(rest) = after_container(&f.message, name) {
                out.push_str(&f.message[..f.message.len() - rest.len()]);
                out.push_str(" at ");
                out.push_str(&f.path);
                out.push_str(rest);
                out.truncate_from(start, MAX_FINDING_CHARS);
                return;
            }
            out.push_str("container \"");
            out.push_str(&truncate(name, 80));
            out.push_str("\" at ");
            out.push_str(&f.path);
            out.push_str(": ");
            out.push_str(&f.message);
        }
        _ if f.path.is_empty() => out.push_str(&f.message),
        _ => {
            out.push_str(&f.path);
            out.push_str(": ");
            out.push_str(&f.message);
        }
    }
    out.truncate_from(start, MAX_FINDING_CHARS);
}

/// The rest of `message` after its opening `container "name"` (or `init
/// container "name"`, `ephemeral container "name"`), when it opens so.
fn after_container<'m>(message: &'m str, name: &str) -> Option<&'m str> {
    ContainerList::ALL.iter().find_map(|list| {
        message
            .strip_prefix(list.noun())?
            .strip_prefix(" \"")?
            .strip_prefix(name)?
            .strip_prefix('"')
    })
}

/// `[id] title: finding; finding; ... and N more. Fix: remediation`.
pub fn control_line(control: &Control, findings: &[Finding]) -> String {
    let mut out = Text::with_capacity(256);
    write_control_line(&mut out, control, findings);
    out.into_string()
}

/// [`control_line`], appended to `out`.
fn write_control_line(out: &mut Text, control: &Control, findings: &[Finding]) {
    out.push_str("[");
    out.push_str(control.id);
    out.push_str("] ");
    out.push_str(control.title);
    out.push_str(": ");
    for (i, f) in findings.iter().take(MAX_FINDINGS_SHOWN).enumerate() {
        if i > 0 {
            out.push_str("; ");
        }
        describe_finding(out, f);
    }
    if findings.len() > MAX_FINDINGS_SHOWN {
        out.push_str("; and ");
        out.push_decimal(findings.len() - MAX_FINDINGS_SHOWN);
        out.push_str(" more");
    }
    out.push_str(". Fix: ");
    out.push_str(control.remediation);
}

/// Appends one line per control to `out`, stopping before
/// `MAX_MESSAGE_CHARS` with a count of the controls left out (they stay in
/// the audit annotations).
fn bounded_lines(out: &mut Text, list: &[(&'static Control, Vec<Finding>)]) {
    let mut line = Text::default();
    for (i, (control, findings)) in list.iter().enumerate() {
        line.clear();
        write_control_line(&mut line, control, findings);
        if out.len() + line.len() + 1 > MAX_MESSAGE_CHARS {
            _ = write!(
                out,
                "\n… and {} more control(s); see the audit annotation {ANNOTATION_VIOLATIONS}",
                list.len() - i
            );
            break;
        }
        out.push_str("\n");
        out.push_str(line.as_str());
    }
}

fn ids(list: &[(&'static Control, Vec<Finding>)]) -> String {
    text::join(list.iter().map(|(c, _)| c.id), ",")
}

impl Report {
    pub fn into_response(self, request: &Request) -> Response {
        let mut response = Response::accepted();
        if !self.denied.is_empty() {
            response.annotate(ANNOTATION_VIOLATIONS, ids(&self.denied));
            let mut criteria: Vec<&str> = self
                .denied
                .iter()
                .flat_map(|(c, _)| c.criteria.soc2.iter().chain(c.criteria.iso27001))
                .copied()
                .collect();
            criteria.sort_unstable();
            criteria.dedup();
            response.annotate(ANNOTATION_CRITERIA, text::join(criteria, ","));
        }
        if !self.warned.is_empty() {
            response.annotate(ANNOTATION_WARNINGS, ids(&self.warned));
        }
        if !self.exempted.is_empty() {
            let mut list: Vec<String> = self
                .exempted
                .iter()
                .map(|(c, reason)| {
                    if reason.is_empty() {
                        c.id.to_string()
                    } else {
                        crate::text!("{} ({reason})", c.id)
                    }
                })
                .collect();
            list.dedup();
            response.annotate(
                ANNOTATION_EXEMPTED,
                text::join(list.iter().map(String::as_str), ","),
            );
        }
        response.warnings = self
            .warned
            .iter()
            .map(|(c, fs)| {
                let mut line = Text::with_capacity(256);
                request.write_description(&mut line);
                line.push_str(": ");
                write_control_line(&mut line, c, fs);
                line.truncate_from(0, MAX_MESSAGE_CHARS);
                line.into_string()
            })
            .collect();
        if !self.denied.is_empty() {
            let n = self.denied.len();
            let mut message = Text::with_capacity(512);
            request.write_description(&mut message);
            message.push_str(" violates ");
            message.push_decimal(n);
            message.push_str(if n == 1 {
                " kube-soc2 control:"
            } else {
                " kube-soc2 controls:"
            });
            bounded_lines(&mut message, &self.denied);
            let mut message = message.into_string();
            // The answer's bytes are written next, after the room reserved
            // here (a denial of one control leaves about 140 bytes of it
            // unused): that pushed availability's and the bundle's answer
            // onto one more page of a fresh instance's memory. The message
            // is the arena's latest block, so this moves its end, no copy.
            message.shrink_to_fit();
            response.accepted = false;
            response.message = Some(message);
        }
        response
    }
}

/// A refusal that is not about compliance: unreadable payload, bad settings,
/// a malformed object. `code` follows HTTP (400 bad request, 413 too large).
pub fn refuse(family: &str, code: u16, message: impl std::fmt::Display) -> Response {
    Response {
        accepted: false,
        message: Some(crate::text!("kube-soc2/{family}: {message}")),
        code: Some(code),
        ..Response::default()
    }
}

/// The wire form of a [`Response`]: the SDK's `ValidationResponse` field
/// names in its order, as serde_json writes them, with the audit annotations
/// in key order so equal answers are equal bytes. Written by hand: every answer of every
/// call goes through here, and serde_json's string escaping was a seventh of
/// the instructions of the `explain` a scan asks for.
pub fn to_bytes(r: &Response) -> Vec<u8> {
    let mut out = Vec::with_capacity(128 + r.message.as_ref().map_or(0, String::len));
    write_response(&mut out, r);
    out
}

/// [`to_bytes`], appended to `out`.
pub fn write_response(out: &mut Vec<u8>, r: &Response) {
    // Two literals of different lengths: picking one is a copy of a length
    // known only at run time, which `text::append` keeps short.
    text::append(
        out,
        if r.accepted {
            b"{\"accepted\":true"
        } else {
            b"{\"accepted\":false"
        },
    );
    out.extend_from_slice(b",\"message\":");
    write_optional_str(out, r.message.as_deref());
    out.extend_from_slice(b",\"code\":");
    match r.code {
        // Writing into a Vec cannot fail.
        Some(code) => _ = write!(out, "{code}"),
        None => out.extend_from_slice(b"null"),
    }
    // The policies never mutate.
    out.extend_from_slice(b",\"mutated_object\":null,\"audit_annotations\":");
    if r.audit_annotations.is_empty() {
        out.extend_from_slice(b"null");
    } else {
        out.push(b'{');
        for (i, (key, value)) in r.audit_annotations.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_str(out, key);
            out.push(b':');
            write_str(out, value);
        }
        out.push(b'}');
    }
    out.extend_from_slice(b",\"warnings\":");
    if r.warnings.is_empty() {
        out.extend_from_slice(b"null");
    } else {
        out.push(b'[');
        for (i, warning) in r.warnings.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_str(out, warning);
        }
        out.push(b']');
    }
    out.push(b'}');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dom::Str;

    fn line(path: &str, message: &str) -> String {
        static CONTROL: Control = Control {
            id: "probes",
            title: "Probes",
            remediation: "add one",
            ..Control::DEFAULTS
        };
        let finding = Finding {
            path: path.into(),
            container: Some((Str::from("proxy"), Str::from("envoy:1"))),
            message: message.into(),
        };
        control_line(&CONTROL, &[finding])
    }

    #[test]
    fn a_finding_names_its_container_once() {
        assert_eq!(
            line(
                "spec.initContainers[1].livenessProbe",
                "init container \"proxy\" has no liveness probe"
            ),
            "[probes] Probes: init container \"proxy\" at spec.initContainers[1].livenessProbe \
             has no liveness probe. Fix: add one"
        );
        // A message that does not open with this container keeps it in front.
        for message in [
            "no liveness probe",
            "container \"proxy-2\" has no liveness probe",
            "containers \"proxy\" differ",
        ] {
            assert_eq!(
                line("spec.containers[0].livenessProbe", message),
                crate::text!(
                    "[probes] Probes: container \"proxy\" at spec.containers[0].livenessProbe: \
                     {message}. Fix: add one"
                )
            );
        }
    }
}
