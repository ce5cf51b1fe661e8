//! `--format policyreport`: `wgpolicyk8s.io/v1alpha2` PolicyReport and
//! ClusterPolicyReport objects, as a multi-document YAML stream that
//! `kubectl apply -f -` takes, so Policy Reporter and other dashboards that
//! read Kubewarden's audit-scanner reports show scan results too.
//!
//! Field usage follows the audit-scanner (kubewarden-controller,
//! `internal/audit-scanner/report`): `source: kubewarden`, `policy` = the
//! policy (here: the module), `rule` = the control id, `result`
//! pass/fail/warn/skip/error, `severity`, `category`, `scored: true`,
//! `timestamp {seconds, nanos}`, `message` only when not passing, string
//! `properties` (`validating: "true"`, `policy-name`), and `summary` counts.
//! Two layouts exist there over time:
//!
//! - [`Layout::PerNamespace`] (audit-scanner before its resource-based
//!   refactor): one PolicyReport per namespace scoped to the Namespace, one
//!   ClusterPolicyReport for cluster-scoped objects, each result naming its
//!   object in `resources`.
//! - [`Layout::PerResource`] (audit-scanner today): one report per object,
//!   `scope` = the object, results without `resources`.
//!
//! Size: no report is larger than [`MAX_REPORT_BYTES`] of JSON. The API
//! server refuses objects over about 1.5 MiB (etcd's request limit), and a
//! client-side `kubectl apply` copies the whole object into the
//! `kubectl.kubernetes.io/last-applied-configuration` annotation, which the
//! API server limits to 256 KiB with every other annotation; a report that
//! would be larger is split into several (`kube-soc2-<ns>`,
//! `kube-soc2-<ns>-2`, ...), each with its own summary.
//!
//! Namespaces: a namespaced object whose manifest names no namespace (and no
//! `--namespace` was given) lands in the namespace given at apply time; its
//! results go into a PolicyReport without `metadata.namespace`, which
//! `kubectl apply -n <ns>` places beside the object.
//!
//! Deliberate differences: reports are named `kube-soc2-…` and labelled
//! `app.kubernetes.io/managed-by: kube-soc2`, so the audit-scanner's
//! clean-up (which owns reports labelled `managed-by: kubewarden`) never
//! deletes or overwrites them; manifests on disk have no UID, so per-resource
//! reports are named by a hash of the object's identity and carry no
//! ownerReferences. Properties add the control's criteria and the finding's
//! field paths, which is what an auditor filters on.

use crate::model::{ObjectRef, Scan};
use crate::results::{Check, ObjectResult, Results, Status};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::io;

pub const API_VERSION: &str = "wgpolicyk8s.io/v1alpha2";
pub const MANAGED_BY: &str = "kube-soc2";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Layout {
    #[default]
    PerNamespace,
    PerResource,
}

impl Layout {
    pub fn parse(s: &str) -> Result<Layout, String> {
        match s {
            "namespace" | "per-namespace" => Ok(Layout::PerNamespace),
            "resource" | "per-resource" => Ok(Layout::PerResource),
            _ => Err(format!(
                "unknown PolicyReport layout \"{s}\"; valid: namespace, resource"
            )),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Options {
    pub layout: Layout,
    /// `results[].source`; `kubewarden` like the audit-scanner, so dashboards
    /// group scan results with the cluster's.
    pub source: String,
    /// Largest report, in bytes of JSON (see the module documentation).
    pub max_report_bytes: usize,
}

/// 200 KB: under the 256 KiB annotation limit of a client-side
/// `kubectl apply`, with room for the labels and the annotation's own
/// overhead; far under the API server's 1.5 MiB.
pub const MAX_REPORT_BYTES: usize = 200_000;

impl Default for Options {
    fn default() -> Self {
        Options {
            layout: Layout::default(),
            source: "kubewarden".to_string(),
            max_report_bytes: MAX_REPORT_BYTES,
        }
    }
}

/// The object's namespace as the scan knows it: written or assumed (the
/// object reference already carries `--namespace`); `None` for
/// cluster-scoped objects and for namespace-less manifests.
fn namespace_of(o: &ObjectRef) -> Option<&str> {
    if o.is_cluster_scoped() {
        None
    } else {
        o.namespace.as_deref()
    }
}

fn object_reference(o: &ObjectRef) -> Value {
    let mut r = json!({"apiVersion": o.api_version, "kind": o.kind, "name": o.name});
    if let Some(ns) = namespace_of(o) {
        r["namespace"] = json!(ns);
    }
    r
}

fn join(list: &[String]) -> String {
    list.join(",")
}

fn result(
    check: &Check,
    category: &str,
    seconds: i64,
    options: &Options,
    with_resource: bool,
) -> Value {
    let mut properties = Map::new();
    let mut prop = |k: &str, v: String| {
        if !v.is_empty() {
            properties.insert(k.to_string(), Value::String(v));
        }
    };
    prop("validating", "true".into());
    prop("policy-name", check.module.to_string());
    prop("control-title", check.title().to_string());
    if let Some(c) = check.control {
        prop("soc2", join(&c.criteria.soc2));
        prop("iso27001", join(&c.criteria.iso27001));
        prop("pss", join(&c.criteria.pss));
        prop("cis", join(&c.criteria.cis));
    }
    if matches!(check.status, Status::Fail | Status::Warn) {
        let paths: Vec<&str> = check
            .findings()
            .iter()
            .filter_map(|f| f.path.as_deref())
            .collect();
        let containers: Vec<&str> = check
            .findings()
            .iter()
            .filter_map(|f| f.container.as_deref())
            .collect();
        prop("fields", paths.join(","));
        prop("containers", containers.join(","));
        prop("remediation", check.remediation().to_string());
    }
    if let Some(reason) = check.exemption.and_then(|e| e.reason.clone()) {
        prop("exemption-reason", reason);
    }
    let origin = &check.object.origin;
    prop("source-file", origin.file.clone());
    prop("source-document", origin.document.to_string());
    if let Some(s) = &origin.source {
        prop("helm-source", s.clone());
    }

    let mut r = json!({
        "source": options.source,
        "policy": check.module,
        "rule": check.control_id,
        "category": category,
        "result": check.status.as_str(),
        "scored": true,
        "timestamp": {"seconds": seconds, "nanos": 0},
        "properties": properties,
    });
    if let Some(s) = check.severity() {
        r["severity"] = json!(s.as_str());
    }
    let message = match check.status {
        Status::Pass => String::new(),
        Status::Fail | Status::Warn => check
            .finding
            .map(|f| f.text.clone())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| check.detail()),
        Status::Skip | Status::Error => check.detail(),
    };
    if !message.is_empty() {
        r["message"] = json!(message);
    }
    if with_resource {
        r["resources"] = json!([object_reference(check.object)]);
    }
    r
}

fn summary(results: &[Value]) -> Value {
    let count = |s: &str| results.iter().filter(|r| r["result"] == s).count();
    json!({
        "pass": count("pass"),
        "fail": count("fail"),
        "warn": count("warn"),
        "error": count("error"),
        "skip": count("skip"),
    })
}

/// Reports of one scope, named `name`, `name-2`, ..., filled one result at a
/// time; each is handed on as soon as the next result would take its JSON
/// over `max` bytes (with room for the report around the results). A single
/// result larger than that (it cannot be: findings are capped per control)
/// still gets a report of its own; no result, no report.
struct Reports {
    kind: &'static str,
    name: String,
    namespace: Option<String>,
    scope: Option<Value>,
    budget: usize,
    results: Vec<Value>,
    size: usize,
    written: usize,
}

/// What a report is handed to: the YAML stream, or a list for the tests.
type Emit<'e> = dyn FnMut(Value) -> io::Result<()> + 'e;

impl Reports {
    fn new(
        kind: &'static str,
        name: String,
        namespace: Option<String>,
        scope: Option<Value>,
        max: usize,
    ) -> Reports {
        // Metadata, scope and summary of a report.
        const ENVELOPE: usize = 2_000;
        Reports {
            kind,
            name,
            namespace,
            scope,
            budget: max.saturating_sub(ENVELOPE).max(1),
            results: Vec::new(),
            size: 0,
            written: 0,
        }
    }

    fn add(&mut self, result: Value, emit: &mut Emit) -> io::Result<()> {
        let n = serde_json::to_string(&result).map_or(0, |s| s.len() + 1);
        if self.size + n > self.budget && !self.results.is_empty() {
            self.flush(emit)?;
        }
        self.size += n;
        self.results.push(result);
        Ok(())
    }

    fn flush(&mut self, emit: &mut Emit) -> io::Result<()> {
        let name = match self.written {
            0 => self.name.clone(),
            i => format!("{}-{}", self.name, i + 1),
        };
        self.written += 1;
        self.size = 0;
        let results = std::mem::take(&mut self.results);
        emit(report(
            self.kind,
            name,
            self.namespace.as_deref(),
            self.scope.clone(),
            results,
        ))
    }

    fn finish(mut self, emit: &mut Emit) -> io::Result<()> {
        if self.results.is_empty() {
            return Ok(());
        }
        self.flush(emit)
    }
}

fn report(
    kind: &str,
    name: String,
    namespace: Option<&str>,
    scope: Option<Value>,
    results: Vec<Value>,
) -> Value {
    let mut metadata = json!({
        "name": name,
        "labels": {"app.kubernetes.io/managed-by": MANAGED_BY},
    });
    if let Some(ns) = namespace {
        metadata["namespace"] = json!(ns);
    }
    let mut r = json!({
        "apiVersion": API_VERSION,
        "kind": kind,
        "metadata": metadata,
        "summary": summary(&results),
        "results": results,
    });
    if let Some(scope) = scope {
        r["scope"] = scope;
    }
    r
}

/// FNV-1a, 64 bit: a stable short name from an object's identity.
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The reports as JSON values, in output order.
pub fn to_values(scan: &Scan, results: &Results, options: &Options) -> Vec<Value> {
    let mut reports = Vec::new();
    let _ = for_each_report(scan, results, options, &mut |r| {
        reports.push(r);
        Ok(())
    });
    reports
}

/// Hands every report to `emit`, in output order, one at a time: they list
/// every check, passes included (400 MB of YAML for 50,000 objects), so only
/// the objects are grouped first and each report's results are built when it
/// is written.
fn for_each_report(
    scan: &Scan,
    results: &Results,
    options: &Options,
    emit: &mut Emit,
) -> io::Result<()> {
    let (seconds, _) = crate::time::unix(scan.generated_at);
    let category = |module: &str| {
        scan.module(module)
            .map(|m| m.catalogue.title.as_str())
            .filter(|t| !t.is_empty())
            .unwrap_or(module)
            .to_string()
    };
    let ns_of = |o: &ObjectRef| namespace_of(o).map(str::to_string);
    let max = options.max_report_bytes;
    // Each group's results are built as its reports are written.
    let mut write = |groups: Vec<(Reports, Vec<&ObjectResult>)>, with_resource: bool| {
        for (mut reports, objects) in groups {
            for o in objects {
                for c in results.object_checks(o) {
                    let r = result(&c, &category(c.module), seconds, options, with_resource);
                    reports.add(r, emit)?;
                }
            }
            reports.finish(emit)?;
        }
        Ok(())
    };
    match options.layout {
        Layout::PerNamespace => {
            // Every check of an object goes to the object's report.
            let mut namespaced: BTreeMap<String, Vec<&ObjectResult>> = BTreeMap::new();
            let mut apply_time = Vec::new();
            let mut cluster = Vec::new();
            for o in &results.objects {
                match ns_of(o.object) {
                    Some(ns) => namespaced.entry(ns).or_default().push(o),
                    None if o.object.namespace_unknown() => apply_time.push(o),
                    None => cluster.push(o),
                }
            }
            let mut groups: Vec<(Reports, Vec<&ObjectResult>)> = Vec::new();
            for (ns, objects) in namespaced {
                let scope = json!({"apiVersion": "v1", "kind": "Namespace", "name": ns});
                let name = format!("kube-soc2-{ns}");
                let reports = Reports::new("PolicyReport", name, Some(ns), Some(scope), max);
                groups.push((reports, objects));
            }
            // No namespace and no scope: `kubectl apply -n <ns>` puts it
            // where the objects go.
            let name = "kube-soc2-apply-namespace".to_string();
            groups.push((
                Reports::new("PolicyReport", name, None, None, max),
                apply_time,
            ));
            // Like the audit-scanner's cluster-wide report: no scope.
            let name = "kube-soc2-cluster".to_string();
            let reports = Reports::new("ClusterPolicyReport", name, None, None, max);
            groups.push((reports, cluster));
            write(groups, true)
        }
        Layout::PerResource => {
            // Keyed by (first position, identity) so an object listed twice
            // gets one report, placed where it first appeared with a check.
            let mut by_object: BTreeMap<(usize, String), (Reports, Vec<&ObjectResult>)> =
                BTreeMap::new();
            let mut first_seen: BTreeMap<String, usize> = BTreeMap::new();
            for o in &results.objects {
                // Counted from the same checks `object_checks` gives.
                if o.counts.evaluated == 0 {
                    continue;
                }
                let ns = ns_of(o.object);
                let identity = format!(
                    "{}/{}/{}/{}",
                    o.object.api_version,
                    o.object.kind,
                    ns.as_deref().unwrap_or(""),
                    o.object.name
                );
                let order = *first_seen.entry(identity.clone()).or_insert(o.object.seq);
                let key = (order, identity);
                let (_, objects) = by_object.entry(key).or_insert_with_key(|(_, identity)| {
                    let kind = if o.object.is_cluster_scoped() {
                        "ClusterPolicyReport"
                    } else {
                        "PolicyReport"
                    };
                    let name = format!("kube-soc2-{:016x}", fnv(identity));
                    let scope = Some(object_reference(o.object));
                    (Reports::new(kind, name, ns, scope, max), Vec::new())
                });
                objects.push(o);
            }
            write(by_object.into_values().collect(), false)
        }
    }
}

/// The reports as a YAML stream (`---` before each document), written one
/// at a time.
pub fn write(
    scan: &Scan,
    results: &Results,
    options: &Options,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    for_each_report(scan, results, options, &mut |report| {
        out.write_all(b"---\n")?;
        // A tree of strings, numbers and maps always serialises.
        out.write_all(
            serde_yaml::to_string(&report)
                .unwrap_or_default()
                .as_bytes(),
        )
    })
}

/// The reports as a YAML stream.
pub fn render(scan: &Scan, results: &Results, options: &Options) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail; the text is YAML, hence UTF-8.
    let _ = write(scan, results, options, &mut out);
    String::from_utf8(out).unwrap_or_default()
}
