//! Fixture files (`tests/fixtures/<family>/<topic>.yaml`, format in
//! tests/fixtures/README.md): parsing, expansion into evaluations (`wrapAs`)
//! and checking answers against expectations.

use crate::admission::AdmissionResponse;
use crate::cluster_snapshot::{Context, RecordedCall, flatten_lists, load_objects};
use crate::request::{self, UserInfo, Wrap};
use anyhow::{Context as _, Result, anyhow, bail};
use report::inputs::Scalars;
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// `module:` is one name or a list.
#[derive(Deserialize, Debug, Clone)]
#[serde(untagged)]
pub enum ModuleNames {
    One(String),
    Many(Vec<String>),
}

impl ModuleNames {
    pub fn names(&self) -> Vec<String> {
        match self {
            ModuleNames::One(n) => vec![n.clone()],
            ModuleNames::Many(v) => v.clone(),
        }
    }
}

/// Present-but-null must differ from absent for `patch`.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

#[derive(Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Expect {
    pub allowed: bool,
    #[serde(default)]
    pub code: Option<u16>,
    #[serde(default)]
    pub message_contains: Vec<String>,
    #[serde(default)]
    pub message_not_contains: Vec<String>,
    /// Each must be contained in some warning; `[]` = no warnings at all.
    #[serde(default)]
    pub warnings: Option<Vec<String>>,
    #[serde(default)]
    pub audit_annotations: Option<BTreeMap<String, String>>,
    /// Expected decoded JSONPatch; `null` = no patch; absent = not checked.
    #[serde(default, deserialize_with = "present")]
    pub patch: Option<Value>,
}

/// One fixture document.
#[derive(Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Fixture {
    pub description: String,
    pub module: ModuleNames,
    #[serde(default)]
    pub settings: Value,
    #[serde(default)]
    pub request: Option<Value>,
    #[serde(default)]
    pub object: Option<Value>,
    #[serde(default)]
    pub operation: Option<String>,
    #[serde(default)]
    pub old_object: Option<Value>,
    #[serde(default)]
    pub namespace: Option<String>,
    #[serde(default)]
    pub sub_resource: Option<String>,
    #[serde(default)]
    pub user_info: Option<UserInfo>,
    #[serde(default)]
    pub wrap_as: Vec<String>,
    #[serde(default)]
    pub cluster: Vec<Value>,
    #[serde(default)]
    pub cluster_path: Option<String>,
    #[serde(default)]
    pub host_capabilities: Vec<RecordedCall>,
    pub expect: Expect,
}

/// One evaluation a fixture document stands for (the document itself, or
/// one of its `wrapAs` kinds).
#[derive(Debug, Clone)]
pub struct Case {
    pub file: PathBuf,
    /// 1-based position of the document in its file.
    pub document: usize,
    pub description: String,
    /// The kind evaluated (differs from the fixture's object with `wrapAs`).
    pub kind: String,
    pub modules: Vec<String>,
    /// The AdmissionRequest as sent to the policy.
    pub request: Value,
    pub settings: Value,
    pub context: Arc<Context>,
    /// Expectation with `{spec}` already replaced for `kind`.
    pub expect: Expect,
}

impl Case {
    /// `file#document (Kind)`, for failure lines.
    pub fn label(&self) -> String {
        format!("{}#{} ({})", self.file.display(), self.document, self.kind)
    }

    pub fn uid(&self) -> &str {
        self.request
            .get("uid")
            .and_then(Value::as_str)
            .unwrap_or("")
    }
}

/// Pod spec path of a Pod-bearing kind, for `{spec}`.
pub fn pod_spec_path(kind: &str) -> Option<&'static str> {
    match kind {
        "Pod" => Some("spec"),
        "Deployment"
        | "ReplicaSet"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicationController"
        | "Job" => Some("spec.template.spec"),
        "CronJob" => Some("spec.jobTemplate.spec.template.spec"),
        _ => None,
    }
}

/// A Pod's spec wrapped into a workload of `kind`, with the fields the kind requires.
pub fn wrap_pod(pod: &Value, kind: &str) -> Result<Value> {
    let metadata = pod.get("metadata").cloned().unwrap_or_else(|| json!({}));
    let spec = pod.get("spec").cloned().unwrap_or_else(|| json!({}));
    let mut outer_metadata = metadata.clone();
    if let Value::Object(m) = &mut outer_metadata {
        m.remove("annotations");
    }
    let labels = metadata
        .get("labels")
        .cloned()
        .unwrap_or_else(|| Value::Object(Map::new()));
    let name = metadata.get("name").cloned().unwrap_or(json!("workload"));
    let template = json!({"metadata": metadata, "spec": spec});
    let (api_version, wrapped_spec) = match kind {
        "Deployment" | "ReplicaSet" => (
            "apps/v1",
            json!({"replicas": 1, "selector": {"matchLabels": labels}, "template": template}),
        ),
        "StatefulSet" => (
            "apps/v1",
            json!({"replicas": 1, "serviceName": name, "selector": {"matchLabels": labels}, "template": template}),
        ),
        "DaemonSet" => (
            "apps/v1",
            json!({"selector": {"matchLabels": labels}, "template": template}),
        ),
        "ReplicationController" => (
            "v1",
            json!({"replicas": 1, "selector": labels, "template": template}),
        ),
        "Job" => ("batch/v1", json!({"template": template})),
        "CronJob" => (
            "batch/v1",
            json!({"schedule": "0 * * * *", "jobTemplate": {"spec": {"template": template}}}),
        ),
        other => bail!(
            "wrapAs: cannot wrap a Pod into {other}; known: Deployment, ReplicaSet, StatefulSet, DaemonSet, ReplicationController, Job, CronJob"
        ),
    };
    Ok(json!({
        "apiVersion": api_version,
        "kind": kind,
        "metadata": outer_metadata,
        "spec": wrapped_spec,
    }))
}

fn substitute(expect: &Expect, kind: &str) -> Expect {
    let Some(path) = pod_spec_path(kind) else {
        return expect.clone();
    };
    let sub = |s: &String| s.replace("{spec}", path);
    Expect {
        message_contains: expect.message_contains.iter().map(sub).collect(),
        message_not_contains: expect.message_not_contains.iter().map(sub).collect(),
        warnings: expect
            .warnings
            .as_ref()
            .map(|w| w.iter().map(sub).collect()),
        audit_annotations: expect
            .audit_annotations
            .as_ref()
            .map(|a| a.iter().map(|(k, v)| (k.clone(), sub(v))).collect()),
        ..expect.clone()
    }
}

impl Fixture {
    /// The evaluations of this document.
    pub fn cases(&self, file: &Path, document: usize) -> Result<Vec<Case>> {
        let modules = self.module.names();
        if modules.is_empty() {
            bail!("module: names no module");
        }
        if !self.settings.is_null() && !self.settings.is_object() {
            bail!("settings must be an object");
        }
        let mut objects = Vec::new();
        flatten_lists(self.cluster.clone(), &mut objects);
        if let Some(rel) = &self.cluster_path {
            let base = file.parent().unwrap_or(Path::new("."));
            objects.extend(
                load_objects(&base.join(rel)).with_context(|| format!("clusterPath {rel}"))?,
            );
        }
        let context = Arc::new(Context::new(
            kit::Snapshot::new(objects),
            self.host_capabilities.clone(),
        ));
        let settings = match &self.settings {
            Value::Null => json!({}),
            s => s.clone(),
        };
        let mut requests: Vec<(String, Value)> = Vec::new();
        match (&self.request, &self.object) {
            (Some(_), Some(_)) => bail!("give either request or object, not both"),
            (None, None) => bail!("give a request or an object"),
            (Some(r), None) => {
                if !self.wrap_as.is_empty() {
                    bail!("wrapAs needs an object, not a request");
                }
                let r = request::from_input(r.clone())?;
                requests.push((r.kind.kind.clone(), r.to_value()));
            }
            (None, Some(object)) => {
                let wrap = Wrap {
                    operation: self.operation.clone().unwrap_or_else(|| "CREATE".into()),
                    old_object: self.old_object.clone(),
                    namespace: self.namespace.clone(),
                    sub_resource: self.sub_resource.clone(),
                    user_info: self
                        .user_info
                        .clone()
                        .unwrap_or_else(UserInfo::cluster_admin),
                };
                let kind = object
                    .get("kind")
                    .and_then(Value::as_str)
                    .ok_or_else(|| anyhow!("object has no kind"))?
                    .to_string();
                let r = request::wrap_object(object.clone(), &wrap)?;
                requests.push((kind.clone(), r.to_value()));
                if !self.wrap_as.is_empty() && kind != "Pod" {
                    bail!("wrapAs needs a Pod object, got {kind}");
                }
                for target in &self.wrap_as {
                    let wrapped = wrap_pod(object, target)?;
                    let old = self
                        .old_object
                        .as_ref()
                        .map(|o| wrap_pod(o, target))
                        .transpose()?;
                    let r = request::wrap_object(
                        wrapped,
                        &Wrap {
                            old_object: old,
                            ..wrap.clone()
                        },
                    )?;
                    requests.push((target.clone(), r.to_value()));
                }
            }
        }
        Ok(requests
            .into_iter()
            .map(|(kind, request)| Case {
                file: file.to_path_buf(),
                document,
                description: self.description.clone(),
                expect: substitute(&self.expect, &kind),
                kind,
                modules: modules.clone(),
                request,
                settings: settings.clone(),
                context: context.clone(),
            })
            .collect())
    }
}

/// One document of a fixture file.
#[derive(Debug)]
pub struct Document {
    /// 1-based position in the file (every `---` opens one).
    pub number: usize,
    /// 1-based line where the document starts, or where its error is.
    pub line: usize,
    pub fixture: Result<Fixture>,
}

/// Every fixture document of one file, each parsed or with its error.
///
/// The file is split at its `---` lines before parsing (like `scan` reads
/// manifests), so a broken document is reported with its line and the ones
/// after it are still read. Values are YAML 1.2 as written: a fixture states
/// the exact value it sends (`tty: "yes"` and `tty: true` are different
/// cases), and integers beyond 64 bits are floats, never an error.
pub fn parse_file(path: &Path) -> Result<Vec<Document>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut out = Vec::new();
    for doc in report::inputs::split_documents(&text) {
        let (line, fixture) =
            match report::inputs::parse_yaml_document(&doc.text, doc.line, Scalars::Yaml12) {
                Ok(Value::Null) => continue,
                Ok(value) => (
                    doc.line,
                    serde_json::from_value::<Fixture>(value).map_err(|e| anyhow!("{e}")),
                ),
                Err(e) => (e.line.unwrap_or(doc.line), Err(anyhow!("{}", e.message))),
            };
        out.push(Document {
            number: doc.number,
            line,
            fixture,
        });
    }
    Ok(out)
}

/// Fixture files under `dir` (recursive `*.yaml`/`*.yml`), sorted.
pub fn fixture_files(dir: &Path) -> Result<Vec<PathBuf>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
        for entry in
            std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                walk(&path, out)?;
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml")
            ) {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    walk(dir, &mut files)?;
    files.sort();
    Ok(files)
}

fn brief(s: &str) -> String {
    const MAX: usize = 400;
    let one_line = s.replace('\n', " | ");
    if one_line.chars().count() <= MAX {
        one_line
    } else {
        format!("{}…", one_line.chars().take(MAX).collect::<String>())
    }
}

/// How `response` differs from `expect`; empty = as expected.
pub fn check(expect: &Expect, response: &AdmissionResponse) -> Vec<String> {
    let mut diffs = Vec::new();
    let message = response.message();
    if response.allowed != expect.allowed {
        diffs.push(format!(
            "allowed: expected {}, got {} (message: \"{}\")",
            expect.allowed,
            response.allowed,
            brief(message)
        ));
    }
    if let Some(code) = expect.code
        && response.code() != Some(code)
    {
        diffs.push(format!(
            "code: expected {code}, got {}",
            response
                .code()
                .map_or_else(|| "none".to_string(), |c| c.to_string())
        ));
    }
    for needle in &expect.message_contains {
        if !message.contains(needle.as_str()) {
            diffs.push(format!(
                "message lacks \"{needle}\" (message: \"{}\")",
                brief(message)
            ));
        }
    }
    for needle in &expect.message_not_contains {
        if message.contains(needle.as_str()) {
            diffs.push(format!(
                "message contains \"{needle}\" (message: \"{}\")",
                brief(message)
            ));
        }
    }
    let warnings = response.warnings.clone().unwrap_or_default();
    match &expect.warnings {
        Some(expected) if expected.is_empty() && !warnings.is_empty() => {
            diffs.push(format!(
                "expected no warnings, got {}",
                brief(&warnings.join(" || "))
            ));
        }
        Some(expected) => {
            for needle in expected {
                if !warnings.iter().any(|w| w.contains(needle.as_str())) {
                    diffs.push(format!(
                        "no warning contains \"{needle}\" (warnings: {})",
                        brief(&warnings.join(" || "))
                    ));
                }
            }
        }
        None => {}
    }
    if let Some(expected) = &expect.audit_annotations {
        let actual = response.audit_annotations.clone().unwrap_or_default();
        for (key, value) in expected {
            match actual.get(key) {
                Some(v) if v.contains(value.as_str()) => {}
                Some(v) => diffs.push(format!(
                    "auditAnnotations.{key}: expected to contain \"{value}\", got \"{v}\""
                )),
                None => diffs.push(format!(
                    "auditAnnotations.{key}: missing (annotations: {})",
                    serde_json::to_string(&actual).unwrap_or_default()
                )),
            }
        }
    }
    if let Some(expected) = &expect.patch {
        match (response.decoded_patch(), expected) {
            (None, Value::Null) => {}
            (None, _) => diffs.push(format!("patch: expected {expected}, got none")),
            (Some(Err(e)), _) => diffs.push(format!("patch: {e}")),
            (Some(Ok(actual)), _) if actual == *expected => {}
            (Some(Ok(actual)), _) => {
                diffs.push(format!("patch: expected {expected}, got {actual}"))
            }
        }
    }
    diffs
}

/// What every module must answer to any case: a well-formed response for
/// this request that is not an internal error.
pub fn check_well_formed(case: &Case, response: &AdmissionResponse) -> Vec<String> {
    let mut diffs = Vec::new();
    if response.uid != case.uid() {
        diffs.push(format!(
            "uid: expected \"{}\", got \"{}\"",
            case.uid(),
            response.uid
        ));
    }
    if response.code() == Some(500) {
        diffs.push(format!(
            "internal error (code 500): {}",
            brief(response.message())
        ));
    } else if !response.allowed && response.message().is_empty() {
        diffs.push("rejected without a message".to_string());
    }
    if let Some(Err(e)) = response.decoded_patch() {
        diffs.push(format!("patch: {e}"));
    }
    diffs
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"
description: privileged init container is denied
module: access-control
settings: {controls: [pss-privileged]}
object:
  apiVersion: v1
  kind: Pod
  metadata: {name: p, namespace: team-a, labels: {app: web}, annotations: {a: b}}
  spec: {containers: [{name: c, image: nginx}]}
wrapAs: [Deployment, CronJob]
expect:
  allowed: false
  messageContains: ["{spec}.initContainers[0]"]
  patch: null
"#;

    #[test]
    fn expands_wrap_as_and_substitutes_spec() {
        let f: Fixture = serde_yaml::from_str(DOC).unwrap();
        let cases = f.cases(Path::new("x.yaml"), 1).unwrap();
        let kinds: Vec<&str> = cases.iter().map(|c| c.kind.as_str()).collect();
        assert_eq!(kinds, ["Pod", "Deployment", "CronJob"]);
        assert_eq!(
            cases[2].expect.message_contains[0],
            "spec.jobTemplate.spec.template.spec.initContainers[0]"
        );
        let cron = &cases[2].request["object"];
        assert_eq!(
            cron["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["annotations"]["a"],
            "b"
        );
        assert!(cron["metadata"].get("annotations").is_none());
        assert_eq!(cases[1].request["resource"]["resource"], "deployments");
        assert_eq!(cases[0].expect.patch, Some(Value::Null));
    }

    #[test]
    fn unknown_keys_are_errors() {
        let bad = DOC.replace("wrapAs", "wrapas");
        assert!(serde_yaml::from_str::<Fixture>(&bad).is_err());
    }
}
