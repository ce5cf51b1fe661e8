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
    /// Namespace of namespaced objects whose manifest names none.
    pub default_namespace: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            layout: Layout::default(),
            source: "kubewarden".to_string(),
            default_namespace: crate::model::DEFAULT_NAMESPACE.to_string(),
        }
    }
}

fn object_reference(o: &ObjectRef, default_ns: &str) -> Value {
    let mut r = json!({"apiVersion": o.api_version, "kind": o.kind, "name": o.name});
    if let Some(ns) = o.effective_namespace(default_ns) {
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
        r["resources"] = json!([object_reference(check.object, &options.default_namespace)]);
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
    let ns_of = |o: &ObjectRef| {
        o.effective_namespace(&options.default_namespace)
            .map(str::to_string)
    };
    match options.layout {
        Layout::PerNamespace => {
            let mut namespaced: BTreeMap<String, Vec<Value>> = BTreeMap::new();
            let mut cluster: Vec<Value> = Vec::new();
            for c in &results.checks {
                let r = result(c, &category(c.module), seconds, options, true);
                match ns_of(c.object) {
                    Some(ns) => namespaced.entry(ns).or_default().push(r),
                    None => cluster.push(r),
                }
            }
            let mut out: Vec<Value> = namespaced
                .into_iter()
                .map(|(ns, rs)| {
                    let scope = json!({"apiVersion": "v1", "kind": "Namespace", "name": ns});
                    report(
                        "PolicyReport",
                        format!("kube-soc2-{ns}"),
                        Some(&ns),
                        Some(scope),
                        rs,
                    )
                })
                .collect();
            if !cluster.is_empty() {
                out.push(report(
                    "ClusterPolicyReport",
                    "kube-soc2-cluster".to_string(),
                    None,
                    // Like the audit-scanner's cluster-wide report: no scope.
                    None,
                    cluster,
                ));
            }
            out
        }
        Layout::PerResource => {
            // Keyed by (first position, identity) so an object listed twice
            // gets one report, placed where it first appeared.
            let mut by_object: BTreeMap<(usize, String), Pending> = BTreeMap::new();
            let mut first_seen: BTreeMap<String, usize> = BTreeMap::new();
            for c in &results.checks {
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
                        scope: object_reference(o, &options.default_namespace),
                        namespace: ns,
                        results: Vec::new(),
                    });
                pending
                    .results
                    .push(result(c, &category(c.module), seconds, options, false));
            }
            by_object
                .into_iter()
                .map(|((_, identity), p)| {
                    let kind = match p.namespace {
                        Some(_) => "PolicyReport",
                        None => "ClusterPolicyReport",
                    };
                    let name = format!("kube-soc2-{:016x}", fnv(&identity));
                    report(kind, name, p.namespace.as_deref(), Some(p.scope), p.results)
                })
                .collect()
        }
    }
}

/// A per-resource report being filled.
struct Pending {
    scope: Value,
    namespace: Option<String>,
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
