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
use crate::results::{Check, Results, Status};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

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

/// Splits `results` into runs whose JSON stays under `max` bytes (with room
/// for the report around them); a single result larger than that (it cannot
/// be: findings are capped per control) still gets a report of its own.
fn chunks(results: Vec<Value>, max: usize) -> Vec<Vec<Value>> {
    // Metadata, scope and summary of a report.
    const ENVELOPE: usize = 2_000;
    let budget = max.saturating_sub(ENVELOPE).max(1);
    let mut out: Vec<Vec<Value>> = vec![Vec::new()];
    let mut size = 0;
    for r in results {
        let n = serde_json::to_string(&r).map_or(0, |s| s.len() + 1);
        if size + n > budget && out.last().is_some_and(|l| !l.is_empty()) {
            out.push(Vec::new());
            size = 0;
        }
        size += n;
        if let Some(last) = out.last_mut() {
            last.push(r);
        }
    }
    out
}

/// One report per chunk of `results`, named `name`, `name-2`, ...
fn reports(
    kind: &str,
    name: &str,
    namespace: Option<&str>,
    scope: Option<Value>,
    results: Vec<Value>,
    max: usize,
) -> Vec<Value> {
    chunks(results, max)
        .into_iter()
        .enumerate()
        .map(|(i, part)| {
            let name = if i == 0 {
                name.to_string()
            } else {
                format!("{name}-{}", i + 1)
            };
            report(kind, name, namespace, scope.clone(), part)
        })
        .collect()
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
    match options.layout {
        Layout::PerNamespace => {
            let mut namespaced: BTreeMap<String, Vec<Value>> = BTreeMap::new();
            let mut apply_time: Vec<Value> = Vec::new();
            let mut cluster: Vec<Value> = Vec::new();
            for c in results.checks() {
                let r = result(&c, &category(c.module), seconds, options, true);
                match ns_of(c.object) {
                    Some(ns) => namespaced.entry(ns).or_default().push(r),
                    None if c.object.namespace_unknown() => apply_time.push(r),
                    None => cluster.push(r),
                }
            }
            let mut out: Vec<Value> = Vec::new();
            for (ns, rs) in namespaced {
                let scope = json!({"apiVersion": "v1", "kind": "Namespace", "name": ns});
                out.extend(reports(
                    "PolicyReport",
                    &format!("kube-soc2-{ns}"),
                    Some(&ns),
                    Some(scope),
                    rs,
                    max,
                ));
            }
            if !apply_time.is_empty() {
                // No namespace and no scope: `kubectl apply -n <ns>` puts it
                // where the objects go.
                out.extend(reports(
                    "PolicyReport",
                    "kube-soc2-apply-namespace",
                    None,
                    None,
                    apply_time,
                    max,
                ));
            }
            if !cluster.is_empty() {
                // Like the audit-scanner's cluster-wide report: no scope.
                out.extend(reports(
                    "ClusterPolicyReport",
                    "kube-soc2-cluster",
                    None,
                    None,
                    cluster,
                    max,
                ));
            }
            out
        }
        Layout::PerResource => {
            // Keyed by (first position, identity) so an object listed twice
            // gets one report, placed where it first appeared.
            let mut by_object: BTreeMap<(usize, String), Pending> = BTreeMap::new();
            let mut first_seen: BTreeMap<String, usize> = BTreeMap::new();
            for c in results.checks() {
                let o = c.object;
                let ns = ns_of(o);
                let identity = format!(
                    "{}/{}/{}/{}",
                    o.api_version,
                    o.kind,
                    ns.as_deref().unwrap_or(""),
                    o.name
                );
                let order = *first_seen.entry(identity.clone()).or_insert(o.seq);
                let pending = by_object
                    .entry((order, identity))
                    .or_insert_with(|| Pending {
                        scope: object_reference(o),
                        namespace: ns,
                        cluster_scoped: o.is_cluster_scoped(),
                        results: Vec::new(),
                    });
                pending
                    .results
                    .push(result(&c, &category(c.module), seconds, options, false));
            }
            by_object
                .into_iter()
                .flat_map(|((_, identity), p)| {
                    let kind = if p.cluster_scoped {
                        "ClusterPolicyReport"
                    } else {
                        "PolicyReport"
                    };
                    let name = format!("kube-soc2-{:016x}", fnv(&identity));
                    reports(
                        kind,
                        &name,
                        p.namespace.as_deref(),
                        Some(p.scope),
                        p.results,
                        max,
                    )
                })
                .collect()
        }
    }
}

/// A per-resource report being filled.
struct Pending {
    scope: Value,
    namespace: Option<String>,
    cluster_scoped: bool,
    results: Vec<Value>,
}

/// The reports as a YAML stream (`---` between documents).
pub fn render(scan: &Scan, results: &Results, options: &Options) -> String {
    let mut out = String::new();
    for v in to_values(scan, results, options) {
        out.push_str("---\n");
        // A tree of strings, numbers and maps always serialises.
        out.push_str(&serde_yaml::to_string(&v).unwrap_or_default());
    }
    out
}
