//! `--baseline previous.json`: adopt the scan on a repository that already
//! has failures. A failure of the previous `--format json` report is *known*:
//! it is still shown as failing in the control and criteria tables, but not
//! listed as new and not counted against `--fail-on`; failures of the
//! previous report that are gone are counted as fixed.
//!
//! Failures are matched by control id, object kind, namespace and name, and
//! field path — never by message text, which changes with wording and
//! values. A check with several findings is known only when every one of its
//! field paths was failing before: a new failing field is a new failure.

use crate::results::{Check, Status};
use serde_json::Value;
use std::collections::{BTreeSet, HashSet};

/// control, kind, namespace (empty when none), name.
type CheckKey = (String, String, String, String);
/// A check key and one field path (empty when the finding names none).
type FieldKey = (CheckKey, String);

/// The failures of a previous report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Baseline {
    /// Where it was read from, for the report.
    pub source: String,
    fields: HashSet<FieldKey>,
    /// Each failed check of the previous report with its field paths.
    checks: Vec<(CheckKey, Vec<String>)>,
}

/// What the baseline did to this scan.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BaselineSummary {
    pub source: String,
    /// Failed checks of this scan that the baseline already had.
    pub known: usize,
    /// Failed checks of this scan the baseline did not have.
    pub new: usize,
    /// Failed checks of the baseline none of whose fields fail any more:
    /// `(control, kind, namespace, name)`.
    pub fixed: Vec<(String, String, String, String)>,
}

fn check_key(control: &str, kind: &str, namespace: Option<&str>, name: &str) -> CheckKey {
    (
        control.to_string(),
        kind.to_string(),
        namespace.unwrap_or("").to_string(),
        name.to_string(),
    )
}

/// Field paths of findings (one empty path when none names a field).
fn paths<'a>(paths: impl Iterator<Item = Option<&'a str>>) -> Vec<String> {
    let set: BTreeSet<String> = paths.map(|p| p.unwrap_or("").to_string()).collect();
    if set.is_empty() {
        vec![String::new()]
    } else {
        set.into_iter().collect()
    }
}

impl Baseline {
    /// Reads a `--format json` report of this tool.
    pub fn from_report(source: &str, report: &Value) -> Result<Baseline, String> {
        if report["schemaVersion"] != 1 {
            return Err(format!(
                "{source} is not a kube-soc2 --format json report (schemaVersion 1)"
            ));
        }
        let objects = report["objects"]
            .as_array()
            .ok_or_else(|| format!("{source}: the report has no objects list"))?;
        let mut b = Baseline {
            source: source.to_string(),
            ..Baseline::default()
        };
        for o in objects {
            let kind = o["kind"].as_str().unwrap_or("");
            let namespace = o["namespace"].as_str();
            let name = o["name"].as_str().unwrap_or("");
            for r in o["results"].as_array().into_iter().flatten() {
                if r["status"] != "fail" {
                    continue;
                }
                let key = check_key(r["control"].as_str().unwrap_or(""), kind, namespace, name);
                let fields = paths(
                    r["findings"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|f| f["path"].as_str()),
                );
                for f in &fields {
                    b.fields.insert((key.clone(), f.clone()));
                }
                b.checks.push((key, fields));
            }
        }
        Ok(b)
    }

    /// Reads the report file's text.
    pub fn from_json(source: &str, text: &str) -> Result<Baseline, String> {
        let v: Value = serde_json::from_str(text)
            .map_err(|e| format!("{source} is not a JSON report: {e}"))?;
        Baseline::from_report(source, &v)
    }

    /// Failures in the baseline (checks).
    pub fn len(&self) -> usize {
        self.checks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.checks.is_empty()
    }

    /// Marks the known failures of `checks` and says what changed.
    pub fn apply(&self, checks: &mut [Check]) -> BaselineSummary {
        let mut now: HashSet<FieldKey> = HashSet::new();
        let mut summary = BaselineSummary {
            source: self.source.clone(),
            ..BaselineSummary::default()
        };
        for c in checks.iter_mut().filter(|c| c.status == Status::Fail) {
            let key = check_key(
                c.control_id,
                &c.object.kind,
                c.object.namespace.as_deref(),
                &c.object.name,
            );
            let fields = paths(c.findings().iter().map(|f| f.path.as_deref()));
            c.known = fields
                .iter()
                .all(|f| self.fields.contains(&(key.clone(), f.clone())));
            if c.known {
                summary.known += 1;
            } else {
                summary.new += 1;
            }
            now.extend(fields.into_iter().map(|f| (key.clone(), f)));
        }
        summary.fixed = self
            .checks
            .iter()
            .filter(|(key, fields)| {
                !fields
                    .iter()
                    .any(|f| now.contains(&(key.clone(), f.clone())))
            })
            .map(|(key, _)| key.clone())
            .collect();
        summary
    }
}
