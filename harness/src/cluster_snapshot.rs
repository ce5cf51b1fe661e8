//! The world around an evaluation: the cluster a context-aware policy reads
//! and the recorded answers of the other host capabilities.

use anyhow::{Context as _, Result, bail};
use kit::Snapshot;
use serde::Deserialize;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// What the host capabilities answer from. Shared by every evaluation that
/// uses it (wrap it in an `Arc` once).
#[derive(Debug, Default, Clone)]
pub struct Context {
    pub cluster: Snapshot,
    pub recorded: Vec<RecordedCall>,
    /// No cluster at all (`run` without `--cluster`): every `kubernetes`
    /// lookup fails, as policy-server's do when it cannot reach the API
    /// server, instead of answering from an empty cluster.
    pub offline: bool,
}

impl Context {
    pub fn new(cluster: Snapshot, recorded: Vec<RecordedCall>) -> Context {
        Context {
            cluster,
            recorded,
            offline: false,
        }
    }

    /// A context whose Kubernetes lookups all fail.
    pub fn offline() -> Context {
        Context {
            offline: true,
            ..Context::default()
        }
    }
}

/// One recorded `oci`/`net`/`crypto` exchange (fixture `hostCapabilities` entry).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedCall {
    pub namespace: String,
    pub operation: String,
    /// The request payload as JSON text (`"\"nginx:1.25\""`), or as a JSON value.
    pub request: Value,
    #[serde(default)]
    pub response: Option<Value>,
    #[serde(default)]
    pub error: Option<String>,
}

impl RecordedCall {
    /// The request as a JSON value: text that parses as JSON is that JSON.
    pub fn request_value(&self) -> Value {
        match &self.request {
            Value::String(s) => serde_json::from_str(s).unwrap_or_else(|_| self.request.clone()),
            other => other.clone(),
        }
    }
}

/// Parses every YAML/JSON document of `text`; empty documents are skipped.
pub fn parse_documents(text: &str) -> Result<Vec<Value>> {
    let mut docs = Vec::new();
    for (i, doc) in serde_yaml::Deserializer::from_str(text).enumerate() {
        let value = Value::deserialize(doc).with_context(|| format!("document {}", i + 1))?;
        if !value.is_null() {
            docs.push(value);
        }
    }
    Ok(docs)
}

/// `kind: List` and `kind: <Kind>List` documents stand for their items.
pub fn flatten_lists(docs: Vec<Value>, out: &mut Vec<Value>) {
    for doc in docs {
        let is_list = doc
            .get("kind")
            .and_then(Value::as_str)
            .is_some_and(|k| k.ends_with("List"))
            && doc.get("items").is_some_and(Value::is_array);
        if is_list {
            if let Some(Value::Array(items)) = doc.get("items") {
                flatten_lists(items.clone(), out);
            }
        } else {
            out.push(doc);
        }
    }
}

fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read folder {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            collect_files(&path, files)?;
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json")
        ) {
            files.push(path);
        }
    }
    Ok(())
}

/// Objects of a folder (recursive `*.yaml`, `*.yml`, `*.json`) or of one
/// multi-document YAML/JSON file, lists flattened.
pub fn load_objects(path: &Path) -> Result<Vec<Value>> {
    let files = if path.is_dir() {
        let mut files = Vec::new();
        collect_files(path, &mut files)?;
        files.sort();
        files
    } else if path.exists() {
        vec![path.to_path_buf()]
    } else {
        bail!("cluster snapshot {} does not exist", path.display());
    };
    let mut objects = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let docs = parse_documents(&text)
            .with_context(|| format!("{} is not valid YAML/JSON", file.display()))?;
        flatten_lists(docs, &mut objects);
    }
    for (i, o) in objects.iter().enumerate() {
        if !o.is_object() || o.get("kind").and_then(Value::as_str).is_none() {
            bail!(
                "cluster snapshot {}: object #{} has no kind: {}",
                path.display(),
                i + 1,
                kit::json::brief(o, 80)
            );
        }
    }
    Ok(objects)
}

/// A snapshot read from `path` (see [`load_objects`]).
pub fn load_snapshot(path: &Path) -> Result<Snapshot> {
    Ok(Snapshot::new(load_objects(path)?))
}
