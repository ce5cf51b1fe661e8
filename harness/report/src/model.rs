//! The result model the harness fills: one [`Evaluation`] per object × module,
//! plus each module's catalogue and settings, collected in a [`Scan`].

use crate::catalogue::{FamilyCatalogue, ModuleSettings};
use crate::inputs::{InputError, Origin};
use crate::message;
use serde::Serialize;
use serde_json::Value;
use std::time::{Duration, SystemTime};

/// Cluster-scoped kinds, declared once in the kit. Everything else is taken
/// as namespaced: the CRDs a scan meets are overwhelmingly namespaced, and a
/// wrong guess only moves a result between a PolicyReport and the
/// ClusterPolicyReport.
pub use kit::kinds::CLUSTER_SCOPED as CLUSTER_SCOPED_KINDS;

/// The namespace a namespaced object without `metadata.namespace` lands in
/// when applied without `-n`.
pub const DEFAULT_NAMESPACE: &str = "default";

/// An evaluated object, as the reports name it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectRef {
    pub api_version: String,
    pub kind: String,
    /// `metadata.namespace` as written; `None` when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
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
        }
        self
    }

    /// `Kind ns/name` or `Kind name`, as the kit names objects in messages.
    pub fn describe(&self) -> String {
        let name = if self.name.is_empty() {
            "(unnamed)"
        } else {
            &self.name
        };
        match &self.namespace {
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
    pub findings: Vec<Finding>,
    /// The `Fix:` part of the message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remediation: Option<String>,
    /// The module's whole line for this control, as the user saw it.
    pub text: String,
}

/// A control an exemption switched off for this object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Exemption {
    pub control: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What one module said about one object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    pub object: ObjectRef,
    /// Module (family) name, e.g. `access-control`.
    pub module: String,
    pub allowed: bool,
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

impl Evaluation {
    /// Reads a module's `ValidationResponse` (the JSON the waPC `validate`
    /// returns: `accepted`, `message`, `code`, `audit_annotations`,
    /// `warnings`). The catalogue, when given, makes the message parsing exact
    /// (titles and remediations are matched, not guessed).
    pub fn from_response(
        object: ObjectRef,
        module: &str,
        response: &Value,
        catalogue: Option<&FamilyCatalogue>,
    ) -> Evaluation {
        let parsed = message::parse_response(response, catalogue);
        Evaluation {
            object,
            module: module.to_string(),
            allowed: parsed.allowed,
            violations: parsed.violations,
            warnings: parsed.warnings,
            exempted: parsed.exempted,
            message: parsed.message,
            error: parsed.error,
        }
    }

    /// Like [`Evaluation::from_response`] from the raw bytes a module returned.
    pub fn from_response_bytes(
        object: ObjectRef,
        module: &str,
        bytes: &[u8],
        catalogue: Option<&FamilyCatalogue>,
    ) -> Evaluation {
        match serde_json::from_slice::<Value>(bytes) {
            Ok(v) => Evaluation::from_response(object, module, &v, catalogue),
            Err(e) => Evaluation::failed(
                object,
                module,
                format!("the module answered with invalid JSON: {e}"),
            ),
        }
    }

    /// An evaluation that did not complete (trap, timeout, host error).
    pub fn failed(object: ObjectRef, module: &str, error: impl Into<String>) -> Evaluation {
        Evaluation {
            object,
            module: module.to_string(),
            allowed: false,
            violations: Vec::new(),
            warnings: Vec::new(),
            exempted: Vec::new(),
            message: None,
            error: Some(error.into()),
        }
    }
}

/// A module as the scan ran it: its catalogue and the settings it was given.
#[derive(Clone, Debug, PartialEq)]
pub struct Module {
    pub catalogue: FamilyCatalogue,
    /// The settings object passed to the module (`null` = defaults).
    pub settings: Value,
    /// Where the module came from (path or OCI ref), for the evidence.
    pub source: Option<String>,
    /// Resolved from `settings`: which controls run, which only warn.
    pub selection: ModuleSettings,
}

impl Module {
    pub fn new(catalogue: FamilyCatalogue, settings: Value) -> Module {
        let selection = ModuleSettings::from_value(&settings);
        Module {
            catalogue,
            settings,
            source: None,
            selection,
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
        }
    }

    pub fn module(&self, name: &str) -> Option<&Module> {
        self.modules.iter().find(|m| m.name() == name)
    }
}
