//! `--format json`: the stable, documented machine-readable report.
//! The schema is described in `SCHEMA.md` and `schema/report.schema.json`;
//! additions keep `schemaVersion`, anything else bumps it.

use crate::RenderOptions;
use crate::catalogue::{Criteria, Severity};
use crate::criteria::Evidence;
use crate::evidence::{ExemptionEntry, InputFile};
use crate::exit::counted_failures;
use crate::inputs::{InputError, Origin, Skipped};
use crate::model::{Finding, ObjectRef, Scan};
use crate::results::{
    Check, ControlTally, Counts, Coverage, CriterionSummary, ObjectResult, Results, Status,
};
use serde::Serialize;
use serde_json::Value;

/// Bumped on any change that is not purely additive.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report<'a> {
    schema_version: u32,
    tool: Tool<'a>,
    generated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    duration_seconds: Option<f64>,
    inputs: &'a [String],
    fail_on: String,
    result: &'static str,
    exit_code: i32,
    summary: Summary,
    modules: Vec<ModuleOut<'a>>,
    controls: Vec<ControlOut<'a>>,
    criteria: CriteriaOut<'a>,
    objects: Vec<ObjectOut<'a>>,
    evaluation_errors: Vec<EvalErrorOut<'a>>,
    input_errors: &'a [InputError],
    skipped_inputs: &'a [Skipped],
    /// Every file read, with its digest.
    input_files: &'a [InputFile],
    /// `--namespace`, when given: assumed for objects whose manifest names
    /// no namespace.
    #[serde(skip_serializing_if = "Option::is_none")]
    assumed_namespace: Option<&'a str>,
    exemptions: Vec<ExemptionEntry<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<BaselineOut<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BaselineOut<'a> {
    source: &'a str,
    known: usize,
    new: usize,
    fixed: usize,
    fixed_failures: Vec<FixedOut<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FixedOut<'a> {
    control: &'a str,
    kind: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    namespace: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct Tool<'a> {
    name: &'a str,
    version: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Summary {
    objects: usize,
    objects_in_scope: usize,
    checks: Counts,
    failures_counted: usize,
    input_errors: usize,
    evaluation_errors: usize,
    skipped_inputs: usize,
    /// Namespaced objects whose manifest names no namespace and none was
    /// assumed: they land in the namespace given at apply time.
    namespace_unknown: usize,
    /// Objects evaluated in the assumed `--namespace`.
    namespace_assumed: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ModuleOut<'a> {
    name: &'a str,
    title: &'a str,
    version: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sha256: Option<&'a str>,
    /// The settings object the module evaluated with (`{}` = defaults).
    settings: &'a Value,
    /// The module's own reading of them: the controls that ran…
    enabled_controls: Vec<&'a str>,
    /// …and those of them whose findings are warnings.
    warn_only_controls: Vec<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ControlOut<'a> {
    module: &'a str,
    id: &'a str,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    severity: Option<Severity>,
    tags: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    criteria: Option<&'a Criteria>,
    remediation: &'a str,
    enabled: bool,
    counts: Counts,
}

#[derive(Serialize)]
struct CriteriaOut<'a> {
    soc2: Vec<CriterionOut<'a>>,
    iso27001: Vec<CriterionOut<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CriterionOut<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<Evidence>,
    coverage: Coverage,
    status: &'static str,
    controls: &'a [&'a str],
    disabled_controls: &'a [&'a str],
    control_counts: ControlTally,
    counts: Counts,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ObjectOut<'a> {
    api_version: &'a str,
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    namespace: Option<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    namespace_assumed: bool,
    name: &'a str,
    origin: &'a Origin,
    status: &'static str,
    counts: Counts,
    results: Vec<ResultOut<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultOut<'a> {
    module: &'a str,
    control: &'a str,
    status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    severity: Option<Severity>,
    #[serde(skip_serializing_if = "<[Finding]>::is_empty")]
    findings: &'a [Finding],
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    /// A failure the `--baseline` already had.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    known: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ObjectId<'a> {
    api_version: &'a str,
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    namespace: Option<&'a str>,
    name: &'a str,
    origin: &'a Origin,
}

#[derive(Serialize)]
struct EvalErrorOut<'a> {
    object: ObjectId<'a>,
    module: &'a str,
    message: &'a str,
}

fn object_id(o: &ObjectRef) -> ObjectId<'_> {
    ObjectId {
        api_version: &o.api_version,
        kind: &o.kind,
        namespace: o.namespace.as_deref(),
        name: &o.name,
        origin: &o.origin,
    }
}

/// `pass`, `fail`, ... or `notEvaluated` when nothing was checked.
pub fn status_name(s: Option<Status>) -> &'static str {
    s.map(Status::as_str).unwrap_or("notEvaluated")
}

fn criterion<'a>(c: &'a CriterionSummary<'a>) -> CriterionOut<'a> {
    CriterionOut {
        id: c.id,
        title: c.title,
        evidence: c.evidence,
        coverage: c.coverage,
        status: status_name(c.status()),
        controls: &c.controls,
        disabled_controls: &c.disabled,
        control_counts: c.tally,
        counts: c.counts,
    }
}

fn result<'a>(c: &Check<'a>) -> ResultOut<'a> {
    let message = match c.status {
        Status::Pass => None,
        Status::Fail | Status::Warn => c.finding.map(|f| f.text.clone()).filter(|t| !t.is_empty()),
        _ => Some(c.detail()),
    };
    ResultOut {
        module: c.module,
        control: c.control_id,
        status: c.status,
        severity: c.severity(),
        findings: c.finding.map(|f| f.findings.as_slice()).unwrap_or(&[]),
        message,
        known: c.known,
    }
}

/// The settings as reported: `{}` for a module given none (the object it
/// evaluated with), never `null`.
pub fn settings_of(m: &crate::Module) -> &Value {
    static EMPTY: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    if m.settings.is_null() {
        EMPTY.get_or_init(|| Value::Object(serde_json::Map::new()))
    } else {
        &m.settings
    }
}

/// The report as a JSON value (what [`render`] prints).
pub fn to_value(scan: &Scan, results: &Results, options: &RenderOptions) -> Value {
    report_value(scan, results, options, true)
}

fn object_out<'a>(results: &Results<'a>, o: &ObjectResult<'a>) -> ObjectOut<'a> {
    ObjectOut {
        api_version: &o.object.api_version,
        kind: &o.object.kind,
        namespace: o.object.namespace.as_deref(),
        namespace_assumed: o.object.namespace_assumed,
        name: &o.object.name,
        origin: &o.object.origin,
        status: status_name(o.counts.worst()),
        counts: o.counts,
        results: results.object_checks(o).iter().map(result).collect(),
    }
}

/// The report as a JSON value, its `objects` left empty unless
/// `with_objects`.
fn report_value(
    scan: &Scan,
    results: &Results,
    options: &RenderOptions,
    with_objects: bool,
) -> Value {
    let verdict = crate::exit::verdict(scan, results, options.fail_on);
    let code = verdict.exit_code();
    let (namespace_unknown, namespace_assumed) = results.namespace_notes();
    let report = Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: &scan.tool,
            version: &scan.version,
        },
        generated_at: crate::time::rfc3339(scan.generated_at),
        duration_seconds: scan
            .duration
            .map(|d| (d.as_secs_f64() * 1000.0).round() / 1000.0),
        inputs: &scan.inputs,
        fail_on: options.fail_on.to_string(),
        result: verdict.as_str(),
        exit_code: code.code(),
        summary: Summary {
            objects: results.objects.len(),
            objects_in_scope: results
                .objects
                .iter()
                .filter(|o| o.counts.evaluated > 0)
                .count(),
            checks: results.totals,
            failures_counted: counted_failures(results, options.fail_on),
            input_errors: scan.input_errors.len(),
            evaluation_errors: results.errors.len(),
            skipped_inputs: scan.skipped_inputs.len(),
            namespace_unknown,
            namespace_assumed,
        },
        modules: scan
            .modules
            .iter()
            .map(|m| ModuleOut {
                name: m.name(),
                title: &m.catalogue.title,
                version: &m.catalogue.version,
                source: m.source.as_deref(),
                sha256: m.sha256.as_deref(),
                settings: settings_of(m),
                enabled_controls: m
                    .catalogue
                    .controls
                    .iter()
                    .filter(|c| m.selection.enabled(c))
                    .map(|c| c.id.as_str())
                    .collect(),
                warn_only_controls: m
                    .catalogue
                    .controls
                    .iter()
                    .filter(|c| m.selection.enabled(c) && m.selection.warn_only(c))
                    .map(|c| c.id.as_str())
                    .collect(),
            })
            .collect(),
        controls: results
            .controls
            .iter()
            .map(|s| ControlOut {
                module: s.module,
                id: s.id,
                title: s.control.map(|c| c.title.as_str()).unwrap_or(""),
                severity: s.control.map(|c| c.severity),
                tags: s.control.map(|c| c.tags.as_slice()).unwrap_or(&[]),
                criteria: s.control.map(|c| &c.criteria),
                remediation: s.control.map(|c| c.remediation.as_str()).unwrap_or(""),
                enabled: s.enabled,
                counts: s.counts,
            })
            .collect(),
        criteria: CriteriaOut {
            soc2: results.soc2.iter().map(criterion).collect(),
            iso27001: results.iso27001.iter().map(criterion).collect(),
        },
        objects: if with_objects {
            results
                .objects
                .iter()
                .map(|o| object_out(results, o))
                .collect()
        } else {
            Vec::new()
        },
        evaluation_errors: results
            .errors
            .iter()
            .map(|e| EvalErrorOut {
                object: object_id(e.object),
                module: e.module,
                message: e.message,
            })
            .collect(),
        input_errors: &scan.input_errors,
        skipped_inputs: &scan.skipped_inputs,
        input_files: &scan.input_files,
        assumed_namespace: scan.namespace.as_deref(),
        exemptions: crate::evidence::exemptions(scan, results),
        baseline: results.baseline.as_ref().map(|b| BaselineOut {
            source: &b.source,
            known: b.known,
            new: b.new,
            fixed: b.fixed.len(),
            fixed_failures: b
                .fixed
                .iter()
                .map(|(control, kind, namespace, name)| FixedOut {
                    control,
                    kind,
                    namespace,
                    name,
                })
                .collect(),
        }),
    };
    // Serialising plain structs of strings and numbers cannot fail.
    serde_json::to_value(&report).unwrap_or(Value::Null)
}

/// Containers nested deeper than this are written on one line: the report's
/// sections and lists stay readable line by line (one criterion, one check
/// result per line) while the 154-entry coverage matrix and the evidence stay
/// compact.
pub const PRETTY_DEPTH: usize = 3;

/// serde_json's pretty printer down to `max` levels of nesting, compact
/// below.
struct ShallowPretty {
    max: usize,
    depth: usize,
    has_value: bool,
}

impl ShallowPretty {
    fn pretty(&self) -> bool {
        self.depth <= self.max
    }

    fn separator<W: ?Sized + std::io::Write>(&self, w: &mut W, first: bool) -> std::io::Result<()> {
        if self.pretty() {
            w.write_all(if first { b"\n" } else { b",\n" })?;
            for _ in 0..self.depth {
                w.write_all(b"  ")?;
            }
            Ok(())
        } else if first {
            Ok(())
        } else {
            w.write_all(b",")
        }
    }

    fn close<W: ?Sized + std::io::Write>(&mut self, w: &mut W, end: &[u8]) -> std::io::Result<()> {
        let pretty = self.pretty();
        self.depth -= 1;
        if pretty && self.has_value {
            w.write_all(b"\n")?;
            for _ in 0..self.depth {
                w.write_all(b"  ")?;
            }
        }
        w.write_all(end)
    }
}

impl serde_json::ser::Formatter for ShallowPretty {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.separator(w, first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.separator(w, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(if self.pretty() { b": " } else { b":" })
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// `value` as JSON with a trailing newline, indented down to `levels` of
/// nesting and compact below (one list entry per line).
pub fn to_string_shallow(value: &impl Serialize, levels: usize) -> String {
    let mut bytes = Vec::new();
    if write_shallow(value, levels, &mut bytes).is_err() {
        return "null\n".to_string();
    }
    // serde_json writes valid UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|_| "null\n".to_string())
}

/// [`to_string_shallow`] written to `out`.
fn write_shallow(
    value: &impl Serialize,
    levels: usize,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let formatter = ShallowPretty {
        max: levels,
        depth: 0,
        has_value: false,
    };
    let mut ser = serde_json::Serializer::with_formatter(&mut *out, formatter);
    serde::Serialize::serialize(value, &mut ser).map_err(std::io::Error::other)?;
    out.write_all(b"\n")
}

/// The report as JSON with a trailing newline: indented down to the entries
/// of each list (one criterion, one object field, one result per line).
///
/// The same text as printing [`to_value`], written object by object: the
/// whole report as one JSON tree took ten times the text (1.1 GB for the
/// 84 MB report of 50,000 objects).
pub fn render(scan: &Scan, results: &Results, options: &RenderOptions) -> String {
    let mut bytes = Vec::new();
    if write(scan, results, options, &mut bytes).is_err() {
        return to_string_shallow(&Value::Null, PRETTY_DEPTH);
    }
    String::from_utf8(bytes).unwrap_or_else(|_| to_string_shallow(&Value::Null, PRETTY_DEPTH))
}

/// [`render`] written to `out` as it is produced (84 MB for 50,000 objects
/// need not be held before the file is written).
pub fn write(
    scan: &Scan,
    results: &Results,
    options: &RenderOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let Value::Object(mut head) = report_value(scan, results, options, false) else {
        return write_shallow(&Value::Null, PRETTY_DEPTH, out);
    };
    head.remove("objects");
    write_shallow(&WithObjects { head, results }, PRETTY_DEPTH, out)
}

/// The report's members in key order (serde_json's `Value` sorts them),
/// `objects` written one object at a time.
struct WithObjects<'r, 'a> {
    head: serde_json::Map<String, Value>,
    results: &'r Results<'a>,
}

impl Serialize for WithObjects<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let objects = Objects(self.results);
        let mut map = s.serialize_map(Some(self.head.len() + 1))?;
        let mut written = false;
        for (key, value) in &self.head {
            if !written && key.as_str() > "objects" {
                map.serialize_entry("objects", &objects)?;
                written = true;
            }
            map.serialize_entry(key, value)?;
        }
        if !written {
            map.serialize_entry("objects", &objects)?;
        }
        map.end()
    }
}

struct Objects<'r, 'a>(&'r Results<'a>);

impl Serialize for Objects<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.0.objects.len()))?;
        for o in &self.0.objects {
            // Through a tree, so its members are sorted as in `to_value`.
            let value =
                serde_json::to_value(object_out(self.0, o)).map_err(serde::ser::Error::custom)?;
            seq.serialize_element(&value)?;
        }
        seq.end()
    }
}
