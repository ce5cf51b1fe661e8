//! The world around an evaluation: the cluster a context-aware policy reads
//! and the recorded answers of the other host capabilities.

use anyhow::{Context as _, Result, bail};
use kit::Snapshot;
use kit::cluster::{Access, Cluster};
use kit::json::get_str;
use kit::labels::Selector;
use serde::Deserialize;
use serde_json::Value;
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What the host capabilities answer from. Shared by every evaluation that
/// uses it (wrap it in an `Arc` once).
#[derive(Debug, Default, Clone)]
pub struct Context {
    pub cluster: ClusterObjects,
    pub recorded: Vec<RecordedCall>,
    /// No cluster at all (`run` without `--cluster`): every `kubernetes`
    /// lookup fails, as policy-server's do when it cannot reach the API
    /// server, instead of answering from an empty cluster.
    pub offline: bool,
}

impl Context {
    pub fn new(cluster: impl Into<ClusterObjects>, recorded: Vec<RecordedCall>) -> Context {
        Context {
            cluster: cluster.into(),
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

/// The objects context-aware lookups read, grouped by kind in the order they
/// were given (lookups answer in that order, as from a [`Snapshot`]).
///
/// A scan holds every object a module may look up until it ends: tens of
/// thousands of Deployments in a large repository. Those can be held as their
/// JSON text alone (a tree takes three to four times the text) and read into
/// a tree only when a lookup returns them. RBAC objects are always trees:
/// every `can_i` reads all of them.
#[derive(Debug, Default, Clone)]
pub struct ClusterObjects {
    kinds: Vec<KindGroup>,
    rbac: Vec<kit::Value>,
}

#[derive(Debug, Clone)]
struct KindGroup {
    api_version: Box<str>,
    kind: Box<str>,
    objects: Vec<Held>,
}

/// One object and what lookups select it by.
#[derive(Debug, Clone)]
struct Held {
    namespace: Box<str>,
    name: Box<str>,
    object: Kept,
}

#[derive(Debug, Clone)]
enum Kept {
    Tree(kit::Value),
    /// The tree at this index of `rbac`.
    Rbac(usize),
    Text(Arc<str>),
}

/// The kinds `can_i` reads (in any apiVersion: the RBAC reader itself
/// decides which it accepts).
const RBAC_KINDS: &[&str] = &["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"];

/// What lookups select an object by: `metadata.namespace` and
/// `metadata.name` are "" when absent.
#[derive(Clone, Copy, Debug)]
pub struct SelectedBy<'a> {
    pub api_version: &'a str,
    pub kind: &'a str,
    pub namespace: &'a str,
    pub name: &'a str,
}

/// [`SelectedBy`], owned.
struct Key {
    api_version: String,
    kind: String,
    namespace: Box<str>,
    name: Box<str>,
}

impl Key {
    /// `None` for an object without a string `apiVersion` and `kind`, which
    /// no lookup returns (nor a [`Snapshot`]'s).
    fn of(object: &kit::Value) -> Option<Key> {
        Some(Key {
            api_version: get_str(object, &["apiVersion"])?.to_string(),
            kind: get_str(object, &["kind"])?.to_string(),
            namespace: get_str(object, &["metadata", "namespace"])
                .unwrap_or("")
                .into(),
            name: get_str(object, &["metadata", "name"]).unwrap_or("").into(),
        })
    }
}

impl From<SelectedBy<'_>> for Key {
    fn from(by: SelectedBy) -> Key {
        Key {
            api_version: by.api_version.to_string(),
            kind: by.kind.to_string(),
            namespace: by.namespace.into(),
            name: by.name.into(),
        }
    }
}

fn is_rbac(object: &kit::Value) -> bool {
    get_str(object, &["kind"]).is_some_and(|k| RBAC_KINDS.contains(&k))
}

impl ClusterObjects {
    /// Adds `object`, kept as a tree.
    pub fn insert(&mut self, object: kit::Value) {
        let key = Key::of(&object);
        let kept = if is_rbac(&object) {
            self.rbac.push(object);
            Kept::Rbac(self.rbac.len() - 1)
        } else {
            Kept::Tree(object)
        };
        if let Some(key) = key {
            self.add(key, kept);
        }
    }

    /// Adds the object whose JSON is `text`, kept as the text alone; RBAC
    /// kinds are read into a tree (a text that does not read as JSON, which
    /// the modules refuse too, is left out of `can_i`).
    pub fn insert_text(&mut self, text: Arc<str>, by: SelectedBy) {
        if RBAC_KINDS.contains(&by.kind)
            && let Ok(tree) = kit::dom::parse(text.as_bytes())
        {
            return self.insert(tree);
        }
        self.add(by.into(), Kept::Text(text));
    }

    /// How many objects lookups can return.
    pub fn len(&self) -> usize {
        self.kinds.iter().map(|g| g.objects.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn add(&mut self, key: Key, object: Kept) {
        let found = self
            .kinds
            .iter()
            .position(|g| *g.api_version == key.api_version && *g.kind == key.kind);
        let group = match found {
            Some(i) => &mut self.kinds[i],
            None => {
                self.kinds.push(KindGroup {
                    api_version: key.api_version.into(),
                    kind: key.kind.into(),
                    objects: Vec::new(),
                });
                self.kinds.last_mut().expect("just pushed")
            }
        };
        group.objects.push(Held {
            namespace: key.namespace,
            name: key.name,
            object,
        });
    }

    fn of_kind(&self, api_version: &str, kind: &str) -> &[Held] {
        self.kinds
            .iter()
            .find(|g| &*g.api_version == api_version && &*g.kind == kind)
            .map_or(&[], |g| &g.objects)
    }

    fn tree<'a>(&'a self, held: &'a Held) -> Result<Cow<'a, kit::Value>, String> {
        match &held.object {
            Kept::Tree(t) => Ok(Cow::Borrowed(t)),
            Kept::Rbac(i) => Ok(Cow::Borrowed(&self.rbac[*i])),
            Kept::Text(text) => kit::dom::parse(text.as_bytes())
                .map(Cow::Owned)
                .map_err(|e| format!("a stored object no longer reads as JSON: {e}")),
        }
    }
}

impl From<Snapshot> for ClusterObjects {
    fn from(snapshot: Snapshot) -> ClusterObjects {
        let mut objects = ClusterObjects::default();
        for o in snapshot.objects {
            objects.insert(o);
        }
        objects
    }
}

impl Cluster for ClusterObjects {
    fn list(
        &self,
        api_version: &str,
        kind: &str,
        namespace: Option<&str>,
        label_selector: Option<&str>,
    ) -> Result<Vec<kit::Value>, String> {
        let selector = Selector::parse(label_selector.unwrap_or(""))?;
        let mut found = Vec::new();
        for held in self.of_kind(api_version, kind) {
            if namespace.is_some_and(|ns| *held.namespace != *ns) {
                continue;
            }
            let object = self.tree(held)?;
            if selector.matches(kit::json::get_obj(&object, &["metadata", "labels"])) {
                found.push(object.into_owned());
            }
        }
        Ok(found)
    }

    fn get(
        &self,
        api_version: &str,
        kind: &str,
        namespace: Option<&str>,
        name: &str,
    ) -> Result<Option<kit::Value>, String> {
        self.of_kind(api_version, kind)
            .iter()
            .find(|h| &*h.name == name && *h.namespace == *namespace.unwrap_or(""))
            .map(|h| self.tree(h).map(Cow::into_owned))
            .transpose()
    }

    fn can_i(&self, user: &str, groups: &[String], access: &Access) -> Result<bool, String> {
        Ok(kit::rbac::allows(&self.rbac, user, groups, access))
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn objects() -> Vec<Value> {
        vec![
            json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
                   "metadata": {"name": "a", "namespace": "team", "labels": {"tier": "web"}}}),
            json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
                   "metadata": {"name": "b", "namespace": "team"}, "spec": {"minAvailable": 1.5}}),
            json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
                   "metadata": {"name": "a", "namespace": "other", "labels": {"tier": "db"}}}),
            json!({"apiVersion": "policy/v1beta1", "kind": "PodDisruptionBudget",
                   "metadata": {"name": "old", "namespace": "team"}}),
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}}),
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": 7}}),
            json!({"kind": "ConfigMap", "metadata": {"name": "no-api-version"}}),
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                   "metadata": {"name": "read", "namespace": "team"},
                   "rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}]}),
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                   "metadata": {"name": "read", "namespace": "team"},
                   "roleRef": {"kind": "Role", "name": "read"},
                   "subjects": [{"kind": "User", "name": "ann"}]}),
        ]
    }

    /// The same objects kept as text: as the scan keeps them.
    fn as_text(objects: &[Value]) -> ClusterObjects {
        let mut kept = ClusterObjects::default();
        for o in objects {
            let text = |path: &str| o.pointer(path).and_then(Value::as_str).unwrap_or("");
            let (Some(api_version), Some(kind)) = (
                o.get("apiVersion").and_then(Value::as_str),
                o.get("kind").and_then(Value::as_str),
            ) else {
                continue;
            };
            let by = SelectedBy {
                api_version,
                kind,
                namespace: text("/metadata/namespace"),
                name: text("/metadata/name"),
            };
            kept.insert_text(Arc::from(o.to_string()), by);
        }
        kept
    }

    #[test]
    fn lookups_answer_as_from_a_snapshot_whether_kept_as_trees_or_text() {
        let snapshot = Snapshot::new(objects());
        let trees = ClusterObjects::from(Snapshot::new(objects()));
        let texts = as_text(&objects());
        let lists = [
            ("policy/v1", "PodDisruptionBudget", Some("team"), None),
            ("policy/v1", "PodDisruptionBudget", None, None),
            ("policy/v1", "PodDisruptionBudget", None, Some("tier=web")),
            (
                "policy/v1",
                "PodDisruptionBudget",
                None,
                Some("tier in (web,db)"),
            ),
            ("policy/v1", "PodDisruptionBudget", Some("nowhere"), None),
            ("policy/v1beta1", "PodDisruptionBudget", Some("team"), None),
            ("v1", "Namespace", None, None),
            ("v1", "ConfigMap", None, None),
            ("rbac.authorization.k8s.io/v1", "Role", Some("team"), None),
            ("v1", "Secret", None, None),
        ];
        for (api_version, kind, ns, selector) in lists {
            let expected = snapshot.list(api_version, kind, ns, selector).unwrap();
            for kept in [&trees, &texts] {
                assert_eq!(
                    kept.list(api_version, kind, ns, selector).unwrap(),
                    expected,
                    "list {api_version} {kind} {ns:?} {selector:?}"
                );
            }
        }
        let wrong = snapshot.list(
            "policy/v1",
            "PodDisruptionBudget",
            None,
            Some("tier in (web"),
        );
        assert!(wrong.is_err());
        assert_eq!(
            texts.list(
                "policy/v1",
                "PodDisruptionBudget",
                None,
                Some("tier in (web")
            ),
            wrong
        );
        let gets = [
            ("policy/v1", "PodDisruptionBudget", Some("team"), "a"),
            ("policy/v1", "PodDisruptionBudget", Some("other"), "a"),
            ("policy/v1", "PodDisruptionBudget", None, "a"),
            ("v1", "Namespace", None, "team"),
            ("policy/v1", "PodDisruptionBudget", Some("team"), "missing"),
        ];
        for (api_version, kind, ns, name) in gets {
            let expected = snapshot.get(api_version, kind, ns, name).unwrap();
            for kept in [&trees, &texts] {
                assert_eq!(kept.get(api_version, kind, ns, name).unwrap(), expected);
            }
        }
        for (user, secret_ns, allowed) in [
            ("ann", "team", true),
            ("ann", "other", false),
            ("bob", "team", false),
        ] {
            let access = Access {
                verb: "get".into(),
                resource: "secrets".into(),
                namespace: secret_ns.into(),
                ..Access::default()
            };
            assert_eq!(snapshot.can_i(user, &[], &access).unwrap(), allowed);
            for kept in [&trees, &texts] {
                assert_eq!(
                    kept.can_i(user, &[], &access).unwrap(),
                    allowed,
                    "{user} {secret_ns}"
                );
            }
        }
        assert_eq!(trees.len(), texts.len());
    }
}
