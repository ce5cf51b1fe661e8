//! The result model the harness fills: one [`Evaluation`] per object × module,
//! plus each module's catalogue and settings, collected in a [`Scan`].

use crate::catalogue::{ControlInfo, FamilyCatalogue};
use crate::inputs::{InputError, Origin, Skipped};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeSet, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// A module's `explain` answer, as the kit's JSON tree.
pub type Answer = kit::dom::Value;

/// Cluster-scoped kinds, declared once in the kit. Everything else is taken
/// as namespaced: the CRDs a scan meets are overwhelmingly namespaced, and a
/// wrong guess only moves a result between a PolicyReport and the
/// ClusterPolicyReport.
pub use kit::kinds::CLUSTER_SCOPED as CLUSTER_SCOPED_KINDS;

/// The namespace `kubectl apply` uses without `-n` and without a context
/// namespace. A scan never assumes it: a namespaced object whose manifest
/// names no namespace lands in the namespace given at apply time, which only
/// `--namespace` tells (see [`ObjectRef::namespace_assumed`]).
pub const DEFAULT_NAMESPACE: &str = "default";

/// An evaluated object, as the reports name it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectRef {
    pub api_version: String,
    pub kind: String,
    /// `metadata.namespace` as written, or the `--namespace` the scan
    /// assumed for a namespaced object whose manifest names none; `None` when
    /// absent and not assumed (the namespace given at apply time).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The namespace is not in the manifest: the scan assumed `--namespace`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub namespace_assumed: bool,
    /// `metadata.name` (or `generateName`); may be empty.
    pub name: String,
    pub origin: Origin,
    /// Position in the loaded set; reports list objects in this order.
    #[serde(skip)]
    pub seq: usize,
}

impl ObjectRef {
    pub fn is_cluster_scoped(&self) -> bool {
        CLUSTER_SCOPED_KINDS.contains(&self.kind.as_str())
    }

    /// The namespace the object would live in: `None` if cluster-scoped.
    pub fn effective_namespace<'a>(&'a self, default: &'a str) -> Option<&'a str> {
        if self.is_cluster_scoped() {
            None
        } else {
            Some(self.namespace.as_deref().unwrap_or(default))
        }
    }

    /// The reference with `ns` filled in for a namespaced object whose
    /// manifest names no namespace: what the API server does on
    /// `kubectl apply -n <ns>`, so reports name the namespace the object was
    /// evaluated in.
    pub fn with_default_namespace(mut self, ns: &str) -> ObjectRef {
        if self.namespace.is_none() && !self.is_cluster_scoped() {
            self.namespace = Some(ns.to_string());
            self.namespace_assumed = true;
        }
        self
    }

    /// A namespaced object whose manifest names no namespace and for which
    /// the scan assumed none: it lands in the namespace given at apply time.
    pub fn namespace_unknown(&self) -> bool {
        self.namespace.is_none() && !self.is_cluster_scoped()
    }

    /// `Kind ns/name` or `Kind name`, as the kit names objects in messages;
    /// an assumed namespace is said so (an unknown one is the reports' note).
    pub fn describe(&self) -> String {
        let name = if self.name.is_empty() {
            "(unnamed)"
        } else {
            &self.name
        };
        match &self.namespace {
            Some(ns) if !self.is_cluster_scoped() && self.namespace_assumed => {
                format!("{} {ns}/{name} (namespace assumed)", self.kind)
            }
            Some(ns) if !self.is_cluster_scoped() => format!("{} {ns}/{name}", self.kind),
            _ => format!("{} {name}", self.kind),
        }
    }
}

/// One finding of a violated control.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Container name, when the finding is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// Field path from the object root, e.g. `spec.template.spec.containers[0].image`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub message: String,
}

/// One violated (or warned) control with its findings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ControlFinding {
    pub control: String,
    pub title: String,
    /// The findings the module carried (at most `kit::explain::MAX_FINDINGS`).
    pub findings: Vec<Finding>,
    /// How many findings the control had in all.
    pub total: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remediation: Option<String>,
    /// One line for this control, as a person reads it.
    pub text: String,
}

/// A control an exemption switched off for this object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Exemption {
    pub control: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What the module said one control did with the object (`explain`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ControlOutcome {
    Pass,
    Fail,
    Warn,
    Exempted,
    /// The control could not verify the object (a lookup failed).
    Error,
}

/// One control the module ran on the object.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Ran {
    pub control: ControlId,
    pub outcome: ControlOutcome,
    /// For `Error`: what could not be verified and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Box<str>>,
}

/// A name a scan repeats millions of times (control ids, module names),
/// held once: a scan names a few hundred distinct controls in millions of
/// checks, and each check holds one.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SharedName(Arc<str>);

/// A control id.
pub type ControlId = SharedName;

/// A module's name (one per evaluation).
pub type ModuleName = SharedName;

impl SharedName {
    /// The one shared copy of `id`.
    pub fn intern(id: &str) -> SharedName {
        static IDS: Mutex<BTreeSet<Arc<str>>> = Mutex::new(BTreeSet::new());
        let mut ids = IDS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(known) = ids.get(id) {
            return SharedName(known.clone());
        }
        let shared: Arc<str> = Arc::from(id);
        ids.insert(shared.clone());
        SharedName(shared)
    }
}

impl std::ops::Deref for SharedName {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for SharedName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for SharedName {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for SharedName {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl Serialize for SharedName {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// The one shared copy of `ran`. A scan keeps every evaluation until it
/// reports, and most objects of a kind run the same controls to the same
/// outcomes: for 50,000 workloads through eight modules (1.7 million checks)
/// the lists took 6 MB at the peak instead of 76 MB.
pub fn shared_ran(ran: Vec<Ran>) -> Arc<[Ran]> {
    static SEEN: Mutex<Option<HashSet<Arc<[Ran]>>>> = Mutex::new(None);
    let mut seen = SEEN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let seen = seen.get_or_insert_with(HashSet::new);
    if let Some(known) = seen.get(ran.as_slice()) {
        return known.clone();
    }
    let shared: Arc<[Ran]> = Arc::from(ran);
    seen.insert(shared.clone());
    shared
}

/// What one module said about one object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    /// Shared by every module's evaluation of the object.
    #[serde(serialize_with = "serialize_shared")]
    pub object: Arc<ObjectRef>,
    /// Module (family) name, e.g. `access-control`: one shared copy.
    pub module: ModuleName,
    pub allowed: bool,
    /// Every control the module ran on this object, with its outcome.
    /// Shared by every evaluation that ran the same controls to the same
    /// outcomes (see [`shared_ran`]).
    #[serde(serialize_with = "serialize_ran")]
    pub ran: Arc<[Ran]>,
    pub violations: Vec<ControlFinding>,
    pub warnings: Vec<ControlFinding>,
    pub exempted: Vec<Exemption>,
    /// The module's whole rejection message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Set when the module could not evaluate the object (a refusal with a
    /// code, a trap, a timeout): its controls are reported as `error`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

fn serialize_ran<S: serde::Serializer>(ran: &Arc<[Ran]>, s: S) -> Result<S::Ok, S::Error> {
    ran.as_ref().serialize(s)
}

fn serialize_shared<S: serde::Serializer>(o: &Arc<ObjectRef>, s: S) -> Result<S::Ok, S::Error> {
    o.as_ref().serialize(s)
}

fn control_finding(c: &Answer, catalogue: Option<&FamilyCatalogue>) -> ControlFinding {
    let id = c["id"].as_str().unwrap_or_default().to_string();
    let info = catalogue.and_then(|cat| cat.control(&id));
    let findings: Vec<Finding> = c["findings"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|f| Finding {
            container: f["container"].as_str().map(str::to_string),
            path: f["path"]
                .as_str()
                .filter(|p| !p.is_empty())
                .map(str::to_string),
            message: f["message"].as_str().unwrap_or_default().to_string(),
        })
        .collect();
    let total = c["total"]
        .as_u64()
        .map_or(findings.len(), |n| n as usize)
        .max(findings.len());
    let title = info.map(|i| i.title.clone()).unwrap_or_default();
    let remediation = info
        .map(|i| i.remediation.clone())
        .filter(|r| !r.is_empty());
    let mut what: Vec<String> = findings
        .iter()
        .map(crate::results::describe_finding)
        .collect();
    if total > findings.len() {
        what.push(format!("and {} more", total - findings.len()));
    }
    let mut text = format!("[{id}] {title}: {}", what.join("; "));
    if let Some(r) = &remediation {
        text.push_str(&format!(". Fix: {r}"));
    }
    ControlFinding {
        control: id,
        title,
        findings,
        total,
        remediation,
        text,
    }
}

impl Evaluation {
    /// Reads what a module's `explain` returned (see `kit::explain`): every
    /// control's outcome and findings as data. The catalogue gives titles and
    /// remediations.
    pub fn from_explanation(
        object: impl Into<Arc<ObjectRef>>,
        module: &str,
        explanation: &Answer,
        catalogue: Option<&FamilyCatalogue>,
    ) -> Evaluation {
        let response = &explanation["response"];
        let mut e = Evaluation {
            object: object.into(),
            module: ModuleName::intern(module),
            allowed: response["accepted"].as_bool().unwrap_or(false),
            ran: Arc::from([]),
            violations: Vec::new(),
            warnings: Vec::new(),
            exempted: Vec::new(),
            message: response["message"].as_str().map(str::to_string),
            error: explanation["refused"].as_str().map(str::to_string),
        };
        if e.error.is_some() {
            return e;
        }
        if !explanation["controls"].is_array() {
            e.error = Some("the module's explanation has no controls".to_string());
            return e;
        }
        let mut ran = Vec::new();
        for c in explanation["controls"].as_array().into_iter().flatten() {
            let id = c["id"].as_str().unwrap_or_default();
            let outcome = match c["status"].as_str().unwrap_or_default() {
                "pass" => ControlOutcome::Pass,
                "fail" => ControlOutcome::Fail,
                "warn" => ControlOutcome::Warn,
                "exempted" => ControlOutcome::Exempted,
                "error" => ControlOutcome::Error,
                _ => continue,
            };
            match outcome {
                ControlOutcome::Fail => e.violations.push(control_finding(c, catalogue)),
                ControlOutcome::Warn => e.warnings.push(control_finding(c, catalogue)),
                ControlOutcome::Exempted => e.exempted.push(Exemption {
                    control: id.to_string(),
                    reason: c["exemption"]
                        .as_str()
                        .filter(|r| !r.is_empty())
                        .map(str::to_string),
                }),
                ControlOutcome::Pass | ControlOutcome::Error => {}
            }
            ran.push(Ran {
                control: ControlId::intern(id),
                outcome,
                error: c["error"].as_str().map(Box::from),
            });
        }
        e.ran = shared_ran(ran);
        e
    }

    /// Like [`Evaluation::from_explanation`] from the raw bytes a module
    /// returned (read with the kit's parser: a scan reads one answer per
    /// object and module, and serde_json's tree costs twice as much).
    pub fn from_explanation_bytes(
        object: impl Into<Arc<ObjectRef>>,
        module: &str,
        bytes: &[u8],
        catalogue: Option<&FamilyCatalogue>,
    ) -> Evaluation {
        match kit::dom::parse(bytes) {
            Ok(v) => Evaluation::from_explanation(object, module, &v, catalogue),
            Err(e) => Evaluation::failed(
                object,
                module,
                format!("the module answered with invalid JSON: {e}"),
            ),
        }
    }

    /// An evaluation that did not complete (trap, timeout, host error).
    pub fn failed(
        object: impl Into<Arc<ObjectRef>>,
        module: &str,
        error: impl Into<String>,
    ) -> Evaluation {
        Evaluation {
            object: object.into(),
            module: ModuleName::intern(module),
            allowed: false,
            ran: Arc::from([]),
            violations: Vec::new(),
            warnings: Vec::new(),
            exempted: Vec::new(),
            message: None,
            error: Some(error.into()),
        }
    }
}

/// Which controls a module's settings enable and which only warn, as the
/// module itself reads them (`explain` of the settings alone).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    pub enabled: Vec<String>,
    pub warn_only: Vec<String>,
}

impl Selection {
    /// Reads the module's answer to `explain` of `{"settings": ...}`.
    pub fn from_explanation(v: &Value) -> Result<Selection, String> {
        if let Some(refused) = v["refused"].as_str() {
            return Err(refused.to_string());
        }
        let controls = v["controls"]
            .as_array()
            .ok_or("the module's explanation has no controls")?;
        let mut s = Selection::default();
        for c in controls {
            let id = c["id"].as_str().unwrap_or_default().to_string();
            if c["status"] == "enabled" {
                if c["warnOnly"] == true {
                    s.warn_only.push(id.clone());
                }
                s.enabled.push(id);
            }
        }
        Ok(s)
    }

    pub fn enabled(&self, c: &ControlInfo) -> bool {
        self.enabled.contains(&c.id)
    }

    pub fn warn_only(&self, c: &ControlInfo) -> bool {
        self.warn_only.contains(&c.id)
    }
}

/// A module as the scan ran it: its catalogue and the settings it was given.
#[derive(Clone, Debug, PartialEq)]
pub struct Module {
    pub catalogue: FamilyCatalogue,
    /// The settings object passed to the module (`{}` = defaults).
    pub settings: Value,
    /// Where the module came from (path or OCI ref), for the evidence.
    pub source: Option<String>,
    /// The module's reading of `settings`: which controls run, which only warn.
    pub selection: Selection,
    /// `sha256:<hex>` of the module file, tying the evidence to what ran.
    pub sha256: Option<String>,
}

impl Module {
    pub fn new(catalogue: FamilyCatalogue, settings: Value, selection: Selection) -> Module {
        Module {
            catalogue,
            settings,
            source: None,
            selection,
            sha256: None,
        }
    }

    pub fn name(&self) -> &str {
        &self.catalogue.family
    }
}

/// Everything one `kube-soc2 scan` produced; the renderers read only this.
#[derive(Clone, Debug)]
pub struct Scan {
    /// Tool name and version for the report headers (`kube-soc2`, `0.1.0`).
    pub tool: String,
    pub version: String,
    /// When the scan ran; every timestamp in the reports is this one, so a
    /// report is reproducible from the same scan.
    pub generated_at: SystemTime,
    pub duration: Option<Duration>,
    /// The inputs as given on the command line.
    pub inputs: Vec<String>,
    pub modules: Vec<Module>,
    /// Every loaded object, also those no control looked at (evidence that
    /// they were in scope). Objects only named by evaluations are added too.
    pub objects: Vec<ObjectRef>,
    pub evaluations: Vec<Evaluation>,
    pub input_errors: Vec<InputError>,
    /// Files the folder walk (or content checks) left out as no manifests:
    /// Helm charts, kustomizations, other configuration, special files,
    /// `--exclude`d paths.
    pub skipped_inputs: Vec<Skipped>,
    /// Every file (and standard input) read, with its digest.
    pub input_files: Vec<crate::evidence::InputFile>,
    /// `--namespace`: the namespace assumed for namespaced objects whose
    /// manifest names none; `None` = unknown (the one given at apply time).
    pub namespace: Option<String>,
    /// `--baseline`: failures of a previous report that are not reported as
    /// new and do not fail the scan.
    pub baseline: Option<crate::baseline::Baseline>,
}

impl Scan {
    pub fn new(tool: &str, version: &str) -> Scan {
        Scan {
            tool: tool.to_string(),
            version: version.to_string(),
            generated_at: SystemTime::now(),
            duration: None,
            inputs: Vec::new(),
            modules: Vec::new(),
            objects: Vec::new(),
            evaluations: Vec::new(),
            input_errors: Vec::new(),
            skipped_inputs: Vec::new(),
            input_files: Vec::new(),
            namespace: None,
            baseline: None,
        }
    }

    pub fn module(&self, name: &str) -> Option<&Module> {
        self.modules.iter().find(|m| m.name() == name)
    }
}
