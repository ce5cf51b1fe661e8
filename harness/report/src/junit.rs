//! `--format junit`: JUnit XML for CI systems (Jenkins, GitLab, GitHub
//! test-report actions). One `<testsuite>` per module, one `<testcase>` per
//! object × control: a failure is `<failure>`, a module error `<error>`, an
//! exemption `<skipped>`, a warn-only finding a passing case with its text in
//! `<system-out>`. Bad input documents form a last `inputs` suite of errors.
//!
//! Only elements and attributes of the Jenkins xunit-plugin `junit-10.xsd`
//! are written (no `file` on testcases: that schema has none; the origin goes
//! into the case's text), so strict consumers accept the file.

use crate::escape::{xml, xml_text};
use crate::model::Scan;
use crate::results::{Check, Results, Status};
use std::collections::HashSet;
use std::fmt::Write;

struct Case {
    name: String,
    classname: String,
    /// (element, type, message, body) of the outcome element, if any.
    outcome: Option<(&'static str, String, String, String)>,
    system_out: Option<String>,
}

#[derive(Default)]
struct Suite {
    name: String,
    properties: Vec<(String, String)>,
    cases: Vec<Case>,
}

impl Suite {
    fn count(&self, element: &str) -> usize {
        self.cases
            .iter()
            .filter(|c| c.outcome.as_ref().is_some_and(|o| o.0 == element))
            .count()
    }
}

fn case_name(c: &Check) -> String {
    format!("{} {}", c.control_id, c.object.describe())
}

fn body(c: &Check) -> String {
    let mut b = String::new();
    let title = c.title();
    if !title.is_empty() {
        let _ = writeln!(b, "{}: {title}", c.control_id);
    }
    let _ = writeln!(b, "object: {}", c.object.describe());
    let _ = writeln!(b, "origin: {}", c.object.origin);
    for f in c.findings() {
        let _ = writeln!(b, "- {}", crate::results::describe_finding(f));
    }
    if c.findings().is_empty() && c.status != Status::Pass {
        let _ = writeln!(b, "- {}", c.detail());
    }
    let fix = c.remediation();
    if !fix.is_empty() && matches!(c.status, Status::Fail | Status::Warn) {
        let _ = writeln!(b, "fix: {fix}");
    }
    b
}

fn case(c: &Check) -> Case {
    let severity = c.severity().map(|s| s.as_str()).unwrap_or("unknown");
    let outcome = match c.status {
        Status::Pass | Status::Warn => None,
        Status::Fail => Some(("failure", severity.to_string(), c.detail(), body(c))),
        Status::Error => Some(("error", "error".to_string(), c.detail(), body(c))),
        Status::Skip => Some(("skipped", "exempted".to_string(), c.detail(), String::new())),
    };
    Case {
        name: case_name(c),
        classname: format!("{}.{}", c.module, c.control_id),
        outcome,
        system_out: (c.status == Status::Warn).then(|| format!("warning (warnOnly)\n{}", body(c))),
    }
}

fn suites(scan: &Scan, results: &Results) -> Vec<Suite> {
    let mut suites: Vec<Suite> = scan
        .modules
        .iter()
        .map(|m| Suite {
            name: m.name().to_string(),
            properties: vec![
                ("module.title".into(), m.catalogue.title.clone()),
                ("module.version".into(), m.catalogue.version.clone()),
                ("module.settings".into(), m.settings.to_string()),
            ],
            cases: Vec::new(),
        })
        .collect();
    let suite_of = |module: &str, suites: &mut Vec<Suite>| -> usize {
        match suites.iter().position(|s| s.name == module) {
            Some(i) => i,
            None => {
                suites.push(Suite {
                    name: module.to_string(),
                    ..Suite::default()
                });
                suites.len() - 1
            }
        }
    };
    let mut errored: HashSet<(usize, &str)> = HashSet::new();
    for c in results.checks() {
        if c.status == Status::Error {
            errored.insert((c.object.seq, c.module));
        }
        let i = suite_of(c.module, &mut suites);
        suites[i].cases.push(case(&c));
    }
    // A module error on an object no enabled control applies to still shows.
    for e in &results.errors {
        if errored.contains(&(e.object.seq, e.module)) {
            continue;
        }
        let i = suite_of(e.module, &mut suites);
        suites[i].cases.push(Case {
            name: format!("evaluation {}", e.object.describe()),
            classname: format!("{}.evaluation", e.module),
            outcome: Some((
                "error",
                "error".into(),
                e.message.to_string(),
                format!(
                    "object: {}\norigin: {}\n",
                    e.object.describe(),
                    e.object.origin
                ),
            )),
            system_out: None,
        });
    }
    if !scan.input_errors.is_empty() {
        suites.push(Suite {
            name: "inputs".into(),
            properties: Vec::new(),
            cases: scan
                .input_errors
                .iter()
                .map(|e| Case {
                    name: match e.document {
                        Some(d) => format!("{} document {d}", e.file),
                        None => e.file.clone(),
                    },
                    classname: "inputs".into(),
                    outcome: Some(("error", "input".into(), e.message.clone(), e.to_string())),
                    system_out: None,
                })
                .collect(),
        });
    }
    suites
}

/// The JUnit XML document.
pub fn render(scan: &Scan, results: &Results) -> String {
    let suites = suites(scan, results);
    let timestamp = crate::time::rfc3339(scan.generated_at);
    let total = |el: &str| suites.iter().map(|s| s.count(el)).sum::<usize>();
    let tests: usize = suites.iter().map(|s| s.cases.len()).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = write!(
        out,
        "<testsuites name=\"{}\" tests=\"{tests}\" failures=\"{}\" errors=\"{}\"",
        xml(&format!("{} scan", scan.tool)),
        total("failure"),
        total("error"),
    );
    if let Some(d) = scan.duration {
        let _ = write!(out, " time=\"{}\"", crate::time::seconds(d));
    }
    out.push_str(">\n");
    for (id, s) in suites.iter().enumerate() {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" id=\"{id}\" package=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" timestamp=\"{timestamp}\">",
            xml(&s.name),
            xml(&scan.tool),
            s.cases.len(),
            s.count("failure"),
            s.count("error"),
            s.count("skipped"),
        );
        if !s.properties.is_empty() {
            out.push_str("    <properties>\n");
            for (k, v) in &s.properties {
                let _ = writeln!(
                    out,
                    "      <property name=\"{}\" value=\"{}\"/>",
                    xml(k),
                    xml(v)
                );
            }
            out.push_str("    </properties>\n");
        }
        for c in &s.cases {
            let _ = write!(
                out,
                "    <testcase name=\"{}\" classname=\"{}\"",
                xml(&c.name),
                xml(&c.classname)
            );
            if c.outcome.is_none() && c.system_out.is_none() {
                out.push_str("/>\n");
                continue;
            }
            out.push_str(">\n");
            if let Some((element, kind, message, text)) = &c.outcome {
                let _ = write!(
                    out,
                    "      <{element} type=\"{}\" message=\"{}\"",
                    xml(kind),
                    xml(message)
                );
                if text.is_empty() {
                    out.push_str("/>\n");
                } else {
                    let _ = writeln!(out, ">{}</{element}>", xml_text(text));
                }
            }
            if let Some(text) = &c.system_out {
                let _ = writeln!(out, "      <system-out>{}</system-out>", xml_text(text));
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
