//! Loading manifests: files, folders (recursive) and stdin.
//!
//! Accepted: multi-document YAML, JSON (one value, an array, or several values
//! in a row), `kind: List` and every `*List` kind (items are flattened and
//! inherit nothing from the list), and therefore the output of
//! `kubectl get -o yaml|json`, `helm template` (`# Source:` comments, empty
//! documents) and `kustomize build`.
//!
//! A bad document (unparsable, not an object, no apiVersion or kind) becomes an
//! [`InputError`] naming the file, line and 1-based document number, and
//! loading goes on, with the next document of the same file (YAML documents
//! are split at their `---` lines before parsing; a JSON stream resumes at the
//! next line that opens a value) and with the other files: one broken
//! document must not hide the findings of the others.
//!
//! Values are read as the API server receives them from `kubectl apply`
//! ([`Scalars::Kubectl`], [`parse_yaml_document`]): YAML 1.1 scalars as
//! go-yaml v2 resolves them (`tty: yes` is `true`), integers beyond 64 bits as
//! floats rather than errors.
//! The order of the result is deterministic: inputs in the order given, folder
//! entries sorted by name, documents and list items in file order.
//!
//! Folders as they are: files that are not manifests are recognised and
//! skipped (listed in [`Loaded::skipped`], summed up in one line by
//! [`skipped_summary`]) rather than reported as bad documents — a Helm chart
//! (a folder with `Chart.yaml`: its templates, values and chart files), Go
//! templates (`{{ .Values.x }}`), a kustomization and the patches it names,
//! other tools' configuration (YAML or JSON without `kind`: OpenAPI, JSON
//! Schema, CI workflows, `values.yaml`), and anything in a folder that is not
//! a regular file (a FIFO would block the scan forever). `--exclude` globs
//! ([`LoadOptions`]) and a `.kube-soc2ignore` file in a scanned folder leave
//! out more. Real input errors (invalid YAML, a
//! manifest without `kind`) stay errors.

use crate::model::ObjectRef;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The input name that means standard input.
pub const STDIN: &str = "-";
/// How standard input is named in origins and errors.
pub const STDIN_NAME: &str = "<stdin>";
/// Files above this are refused. One object is at most 3 MiB, but a
/// `kubectl get -A -o yaml` export of a large cluster runs to hundreds of
/// megabytes (50,000 generated workloads: 105 MB): the bound only keeps a
/// path named by mistake from exhausting memory, as a file's text is held
/// whole while its objects are read.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024 * 1024;
/// The start of a file is checked as UTF-8 before the rest is read, so a
/// binary named by mistake (an image, an archive) is refused at once.
const SNIFF_BYTES: u64 = 64 * 1024;
/// Extensions a folder walk picks up (case-insensitive). Files named
/// explicitly are read whatever their name.
pub const EXTENSIONS: &[&str] = &["yaml", "yml", "json"];
/// Folder nesting beyond this is almost surely a symlink cycle.
const MAX_DEPTH: usize = 64;
/// `List` items that are themselves lists, at most this deep.
const MAX_LIST_DEPTH: usize = 16;

/// Where an object comes from.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Origin {
    /// The path as given or found by the folder walk; [`STDIN_NAME`] for stdin.
    pub file: String,
    /// 1-based document number within the file (see [`split_documents`]).
    pub document: usize,
    /// Index in the `items` of a `List` document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<usize>,
    /// 1-based line where the document starts (its `---` line, if any).
    pub line: usize,
    /// The chart template a `helm template` document came from (`# Source:`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{} (document {}", self.file, self.line, self.document)?;
        if let Some(i) = self.item {
            write!(f, ", items[{i}]")?;
        }
        f.write_str(")")
    }
}

/// One loaded Kubernetes object.
#[derive(Clone, Debug, PartialEq)]
pub struct Object {
    /// Position in the loaded set: orders the report like the input.
    pub seq: usize,
    pub origin: Origin,
    /// The object, always a JSON object with string `apiVersion` and `kind`,
    /// as compact JSON text: a scan of 50,000 objects holds every one from
    /// loading to the end of evaluation, and the kit's tree takes three to
    /// four times the text ([`Object::value`] reads it).
    json: Arc<str>,
    api_version: Box<str>,
    kind: Box<str>,
    /// `metadata.name`, when a string.
    name: Option<Box<str>>,
    /// `metadata.generateName` ("" when not a string).
    generate_name: Box<str>,
    /// `metadata.namespace` ("" when not a string).
    namespace: Box<str>,
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    let mut cur = v;
    for key in path {
        match cur.get(key) {
            Some(next) => cur = next,
            None => return "",
        }
    }
    cur.as_str().unwrap_or("")
}

impl Object {
    /// `value` (a JSON object with string `apiVersion` and `kind`) as the
    /// `seq`th object loaded, from `origin`.
    pub fn new(seq: usize, origin: Origin, value: &Value) -> Object {
        let at = |path: &[&str]| Box::from(str_at(value, path));
        Object {
            seq,
            origin,
            json: Arc::from(value.to_string()),
            api_version: at(&["apiVersion"]),
            kind: at(&["kind"]),
            name: value
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .map(Box::from),
            generate_name: at(&["metadata", "generateName"]),
            namespace: at(&["metadata", "namespace"]),
        }
    }

    /// The object in the kit's tree; refused only when nested deeper than
    /// the kit's parser reads (the modules refuse such a request too).
    pub fn value(&self) -> Result<kit::dom::Value, kit::dom::Error> {
        kit::dom::parse(self.json.as_bytes())
    }

    /// The object as compact JSON.
    pub fn json(&self) -> &Arc<str> {
        &self.json
    }

    pub fn api_version(&self) -> &str {
        &self.api_version
    }

    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// `metadata.name`, else `metadata.generateName` (helm hooks, Jobs).
    pub fn name(&self) -> &str {
        match self.name.as_deref() {
            None | Some("") => &self.generate_name,
            Some(n) => n,
        }
    }

    /// `metadata.name` alone, when a string.
    pub fn metadata_name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// `metadata.namespace` as written (manifests usually leave it out).
    pub fn namespace(&self) -> Option<&str> {
        Some(&*self.namespace).filter(|n| !n.is_empty())
    }

    /// The reference the result model and the reports use.
    pub fn reference(&self) -> ObjectRef {
        ObjectRef {
            api_version: self.api_version().to_string(),
            kind: self.kind().to_string(),
            namespace: self.namespace().map(str::to_string),
            namespace_assumed: false,
            name: self.name().to_string(),
            origin: self.origin.clone(),
            seq: self.seq,
        }
    }
}

/// A document or file that could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InputError {
    pub file: String,
    /// 1-based document number; `None` when the whole file failed (unreadable).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<usize>,
    /// 1-based line, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(doc) = self.document {
            write!(f, " (document {doc})")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Why a file was not read as manifests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SkipReason {
    /// A file of a Helm chart (a folder holding `Chart.yaml`).
    HelmChart,
    /// Go template text (`{{ .Values.x }}`) outside a chart folder.
    HelmTemplate,
    /// A kustomization, or a patch or configuration file it names.
    Kustomize,
    /// YAML or JSON that is no Kubernetes object: another tool's
    /// configuration, OpenAPI or JSON Schema, values files.
    NotManifest,
    /// A FIFO, socket or device found in a folder.
    NotRegularFile,
    /// Left out by `--exclude`.
    Excluded,
}

impl SkipReason {
    fn describe(self, n: usize) -> String {
        let s = if n == 1 { "" } else { "s" };
        match self {
            SkipReason::HelmChart => format!("{n} Helm chart file{s}"),
            SkipReason::HelmTemplate => format!("{n} Go/Helm template{s}"),
            SkipReason::Kustomize => format!("{n} kustomization or patch file{s}"),
            SkipReason::NotManifest => {
                format!("{n} file{s} without Kubernetes objects (configuration, schemas, values)")
            }
            SkipReason::NotRegularFile => format!("{n} special file{s} (not a regular file)"),
            SkipReason::Excluded => format!("{n} excluded by --exclude"),
        }
    }
}

/// A file (or folder, for `--exclude`) that was not read as manifests.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub file: String,
    pub reason: SkipReason,
}

/// One line about every skipped file, with how to scan what they describe:
/// `None` when nothing was skipped.
pub fn skipped_summary(skipped: &[Skipped]) -> Option<String> {
    if skipped.is_empty() {
        return None;
    }
    let mut counts: std::collections::BTreeMap<SkipReason, usize> = Default::default();
    for s in skipped {
        *counts.entry(s.reason).or_default() += 1;
    }
    let parts: Vec<String> = counts.iter().map(|(r, n)| r.describe(*n)).collect();
    let mut line = format!("skipped, not Kubernetes manifests: {}", parts.join(", "));
    let helm = counts.contains_key(&SkipReason::HelmChart)
        || counts.contains_key(&SkipReason::HelmTemplate);
    let kustomize = counts.contains_key(&SkipReason::Kustomize);
    if helm || kustomize {
        let mut hints = Vec::new();
        if helm {
            hints.push("`helm template <chart> | kube-soc2 scan -`");
        }
        if kustomize {
            hints.push("`kustomize build <dir> | kube-soc2 scan -`");
        }
        line.push_str(&format!(
            "; scan what they render with {}",
            hints.join(" or ")
        ));
    }
    Some(line)
}

/// How to load: `--exclude` globs.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    exclude: Vec<Glob>,
}

impl LoadOptions {
    /// Options with these `--exclude` patterns (gitignore-like: a pattern
    /// without `/` matches a file or folder name at any depth, one with `/`
    /// the path below the folder given (or the path as shown); `*` and `?`
    /// stay within a name, `**` crosses folders, `[a-z]` and `[!x]` are
    /// classes; a trailing `/` matches folders only).
    pub fn new<S: AsRef<str>>(exclude: &[S]) -> Result<LoadOptions, String> {
        let exclude = exclude
            .iter()
            .map(|p| Glob::new(p.as_ref()))
            .collect::<Result<_, _>>()?;
        Ok(LoadOptions { exclude })
    }

    fn excluded(&self, rel: &str, shown: &str, name: &str, is_dir: bool) -> bool {
        self.exclude
            .iter()
            .any(|g| g.matches(rel, shown, name, is_dir))
    }
}

/// One `--exclude` pattern.
#[derive(Clone, Debug)]
struct Glob {
    pattern: Vec<char>,
    anchored: bool,
    dirs_only: bool,
}

impl Glob {
    fn new(p: &str) -> Result<Glob, String> {
        let dirs_only = p.ends_with('/');
        let body = p.trim_end_matches('/');
        let body = body.strip_prefix("./").unwrap_or(body);
        if body.is_empty() {
            return Err(format!("--exclude: \"{p}\" matches nothing"));
        }
        Ok(Glob {
            anchored: body.contains('/'),
            pattern: body.trim_start_matches('/').chars().collect(),
            dirs_only,
        })
    }

    fn matches(&self, rel: &str, shown: &str, name: &str, is_dir: bool) -> bool {
        if self.dirs_only && !is_dir {
            return false;
        }
        let m = |s: &str| glob_match(&self.pattern, &s.chars().collect::<Vec<_>>());
        if self.anchored {
            m(rel) || m(shown.strip_prefix("./").unwrap_or(shown))
        } else {
            m(name)
        }
    }
}

/// `*` (within a name), `**` (across folders), `?`, `[...]`; the rest literal.
fn glob_match(p: &[char], s: &[char]) -> bool {
    match p.first() {
        None => s.is_empty(),
        Some('*') if p.get(1) == Some(&'*') => {
            let rest = &p[2..];
            // `**/` also matches no folder at all.
            (rest.first() == Some(&'/') && glob_match(&rest[1..], s))
                || (0..=s.len()).any(|i| glob_match(rest, &s[i..]))
        }
        Some('*') => {
            for i in 0..=s.len() {
                if glob_match(&p[1..], &s[i..]) {
                    return true;
                }
                if i < s.len() && s[i] == '/' {
                    return false;
                }
            }
            false
        }
        Some('?') => !s.is_empty() && s[0] != '/' && glob_match(&p[1..], &s[1..]),
        Some('[') => match class(&p[1..], s.first().copied()) {
            Some((true, used)) => glob_match(&p[1 + used..], &s[1..]),
            Some((false, _)) => false,
            // No closing `]`: a literal `[`.
            None => s.first() == Some(&'[') && glob_match(&p[1..], &s[1..]),
        },
        Some(c) => s.first() == Some(c) && glob_match(&p[1..], &s[1..]),
    }
}

/// Matches `c` against the class after a `[`: whether it matched and how
/// many pattern chars the class used (with its `]`); `None` if unclosed.
fn class(p: &[char], c: Option<char>) -> Option<(bool, usize)> {
    let negate = matches!(p.first(), Some('!' | '^'));
    let mut i = usize::from(negate);
    let mut hit = false;
    let mut first = true;
    while i < p.len() {
        if p[i] == ']' && !first {
            let ok = c.is_some_and(|c| c != '/' && hit != negate);
            return Some((ok, i + 1));
        }
        first = false;
        if i + 2 < p.len() && p[i + 1] == '-' && p[i + 2] != ']' {
            hit |= c.is_some_and(|c| p[i] <= c && c <= p[i + 2]);
            i += 3;
        } else {
            hit |= c == Some(p[i]);
            i += 1;
        }
    }
    None
}

/// Everything loaded from the inputs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Loaded {
    pub objects: Vec<Object>,
    pub errors: Vec<InputError>,
    /// Files not read as manifests, and why (in walk order).
    pub skipped: Vec<Skipped>,
    /// Every file (and standard input) read, with its sha256 (evidence).
    pub files: Vec<crate::evidence::InputFile>,
}

impl Loaded {
    fn push(&mut self, origin: Origin, value: Value) {
        let seq = self.objects.len();
        self.objects.push(Object::new(seq, origin, &value));
    }

    fn error(&mut self, file: &str, document: Option<usize>, line: Option<usize>, message: String) {
        self.errors.push(InputError {
            file: file.to_string(),
            document,
            line,
            message,
        });
    }
}

/// Loads every input in order: `-` reads `stdin` (once), a folder is walked
/// recursively, anything else is read as a file. A file reached twice (named
/// and inside a named folder) is loaded once.
pub fn load<P: AsRef<Path>>(inputs: &[P], stdin: &mut dyn Read) -> Loaded {
    load_with(inputs, stdin, &LoadOptions::default())
}

/// [`load`] with `--exclude` patterns. Files named explicitly are read
/// whatever they are (a FIFO from `<(helm template ...)` included); only the
/// folder walk skips special files and applies `--exclude`.
pub fn load_with<P: AsRef<Path>>(
    inputs: &[P],
    stdin: &mut dyn Read,
    options: &LoadOptions,
) -> Loaded {
    let mut loaded = Loaded::default();
    let mut seen: HashSet<PathBuf> = HashSet::new();
    let mut stdin_read = false;
    for input in inputs {
        let path = input.as_ref();
        if path.as_os_str() == STDIN {
            if stdin_read {
                loaded.error(
                    STDIN_NAME,
                    None,
                    None,
                    "standard input is named more than once; it is read once".into(),
                );
            } else {
                stdin_read = true;
                load_reader(STDIN_NAME, stdin, &mut loaded);
            }
            continue;
        }
        let name = path.display().to_string();
        match std::fs::metadata(path) {
            Err(e) => loaded.error(&name, None, None, format!("cannot read: {e}")),
            Ok(m) if m.is_dir() => {
                let own = ignore_file(path, options, &mut loaded);
                let mut walker = Walker {
                    root: path,
                    options: own.as_ref().unwrap_or(options),
                    files: Vec::new(),
                    visited: HashSet::new(),
                    not_resources: HashSet::new(),
                };
                walker.walk(path, 0, &mut loaded);
                if !walker.not_resources.is_empty() {
                    for (file, skip) in &mut walker.files {
                        if skip.is_none() && walker.not_resources.contains(&real_path(file)) {
                            *skip = Some(SkipReason::Kustomize);
                        }
                    }
                }
                for (file, skip) in walker.files {
                    match skip {
                        None => load_file_once(&file, &mut seen, &mut loaded),
                        Some(reason) => {
                            let key = std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone());
                            if seen.insert(key) {
                                loaded.skipped.push(Skipped {
                                    file: file.display().to_string(),
                                    reason,
                                });
                            }
                        }
                    }
                }
            }
            Ok(_) => load_file_once(path, &mut seen, &mut loaded),
        }
    }
    loaded
}

/// The file in a scanned folder that lists more `--exclude` patterns for it,
/// one per line (`#` comments), relative to that folder — like
/// `.helmignore` or `.dockerignore`.
pub const IGNORE_FILE: &str = ".kube-soc2ignore";

/// `options` plus the patterns of `dir/.kube-soc2ignore`, if there is one.
fn ignore_file(dir: &Path, options: &LoadOptions, loaded: &mut Loaded) -> Option<LoadOptions> {
    let file = dir.join(IGNORE_FILE);
    let text = std::fs::read_to_string(&file).ok()?;
    let name = file.display().to_string();
    let mut own = options.clone();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('!') {
            loaded.error(
                &name,
                None,
                Some(i + 1),
                format!("\"{line}\": negated patterns are not supported"),
            );
            continue;
        }
        match Glob::new(line) {
            Ok(g) => own.exclude.push(g),
            Err(e) => loaded.error(&name, None, Some(i + 1), e),
        }
    }
    Some(own)
}

fn load_file_once(path: &Path, seen: &mut HashSet<PathBuf>, loaded: &mut Loaded) {
    let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    if seen.insert(key) {
        load_file(path, loaded);
    }
}

fn has_manifest_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// Names kustomize reads its kustomization from.
const KUSTOMIZATION_FILES: &[&str] = &["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Files a kustomization names that are not resources: patches, replacement
/// and transformer configs. Resources (`resources`, `crds`) are plain
/// manifests and stay in the scan.
fn kustomize_non_resources(dir: &Path, text: &str) -> Vec<PathBuf> {
    let Ok(v) = serde_yaml::from_str::<Value>(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut add = |p: &str| {
        if !p.contains("://") && !p.trim().is_empty() && !p.contains('\n') {
            out.push(dir.join(p.trim()));
        }
    };
    for key in [
        "patchesStrategicMerge",
        "patches",
        "patchesJson6902",
        "replacements",
        "configurations",
        "transformers",
        "generators",
        "validators",
    ] {
        for item in v.get(key).and_then(Value::as_array).into_iter().flatten() {
            match item {
                Value::String(p) => add(p),
                other => {
                    if let Some(p) = other.get("path").and_then(Value::as_str) {
                        add(p);
                    }
                }
            }
        }
    }
    out
}

/// The folder walk: collects manifest files in name order at every level,
/// and what it leaves out.
struct Walker<'a> {
    root: &'a Path,
    options: &'a LoadOptions,
    /// Files in walk order; `Some(reason)` for those skipped.
    files: Vec<(PathBuf, Option<SkipReason>)>,
    visited: HashSet<PathBuf>,
    /// Real paths of kustomizations and the patches and configs they name.
    not_resources: HashSet<PathBuf>,
}

fn real_path(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

impl Walker<'_> {
    fn relative(&self, path: &Path) -> String {
        path.strip_prefix(self.root)
            .unwrap_or(path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/")
    }

    /// Every manifest-extension file under `dir`, all skipped for `reason`
    /// (a Helm chart is left out as a whole).
    fn skip_tree(&mut self, dir: &Path, depth: usize, reason: SkipReason) {
        if depth > MAX_DEPTH {
            return;
        }
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            let Ok(m) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            if m.is_dir() {
                self.skip_tree(&path, depth + 1, reason);
            } else if m.is_file() && has_manifest_extension(&path) {
                self.files.push((path, Some(reason)));
            }
        }
    }

    /// Hidden entries (`.git`, `.github`, editor files) are skipped: they hold
    /// CI workflows and tool configs, never manifests to deploy.
    fn walk(&mut self, dir: &Path, depth: usize, loaded: &mut Loaded) {
        let name = dir.display().to_string();
        if depth > MAX_DEPTH {
            loaded.error(
                &name,
                None,
                None,
                "folders nested too deep; not read".into(),
            );
            return;
        }
        // Symlinked folders are followed, each real folder once.
        let real = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        if !self.visited.insert(real) {
            return;
        }
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) => {
                loaded.error(&name, None, None, format!("cannot list folder: {e}"));
                return;
            }
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
            .map(|e| e.path())
            .collect();
        paths.sort();
        // A Helm chart: nothing in it is a manifest before `helm template`.
        if dir.join("Chart.yaml").is_file() {
            self.skip_tree(dir, depth, SkipReason::HelmChart);
            return;
        }
        // Anywhere in the walk: a patch may be named `patches/x.yaml` or
        // `../base/patch.yaml`; applied when the walk is done.
        for k in KUSTOMIZATION_FILES {
            let file = dir.join(k);
            if file.is_file() {
                self.not_resources.insert(real_path(&file));
                if let Ok(text) = std::fs::read_to_string(&file) {
                    self.not_resources.extend(
                        kustomize_non_resources(dir, &text)
                            .iter()
                            .map(|p| real_path(p)),
                    );
                }
            }
        }
        for path in paths {
            // Follows symlinks; a dangling one is read (and reported) as a file.
            let meta = std::fs::metadata(&path).ok();
            let is_dir = meta.as_ref().is_some_and(|m| m.is_dir());
            let file_name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let rel = self.relative(&path);
            if self
                .options
                .excluded(&rel, &path.display().to_string(), &file_name, is_dir)
            {
                self.files.push((path, Some(SkipReason::Excluded)));
                continue;
            }
            if is_dir {
                self.walk(&path, depth + 1, loaded);
            } else if meta.as_ref().is_some_and(|m| !m.is_file()) {
                // A FIFO would block the scan forever; sockets and devices
                // are not manifests either.
                self.files.push((path, Some(SkipReason::NotRegularFile)));
            } else if has_manifest_extension(&path) {
                self.files.push((path, None));
            }
        }
    }
}

/// Loads one file (whatever its extension).
pub fn load_file(path: &Path, loaded: &mut Loaded) {
    let name = path.display().to_string();
    match std::fs::File::open(path) {
        Ok(mut f) => load_reader(&name, &mut f, loaded),
        Err(e) => loaded.error(&name, None, None, format!("cannot read: {e}")),
    }
}

/// Loads everything `reader` yields, naming it `name` in origins and errors.
pub fn load_reader(name: &str, reader: &mut dyn Read, loaded: &mut Loaded) {
    load_at_most(name, reader, MAX_FILE_BYTES, loaded);
}

/// [`load_reader`], refusing input above `limit` bytes.
fn load_at_most(name: &str, reader: &mut dyn Read, limit: u64, loaded: &mut Loaded) {
    let mut bytes = Vec::new();
    let mut limited = reader.take(limit + 1);
    let mut binary = None;
    let read = (&mut limited)
        .take(SNIFF_BYTES)
        .read_to_end(&mut bytes)
        .and_then(|_| {
            // An invalid byte, not a sequence cut at the end of the start.
            binary = std::str::from_utf8(&bytes)
                .err()
                .filter(|e| e.error_len().is_some());
            match binary {
                Some(_) => Ok(0),
                None => limited.read_to_end(&mut bytes),
            }
        });
    if let Err(e) = read {
        loaded.error(name, None, None, format!("cannot read: {e}"));
        return;
    }
    if let Some(e) = binary {
        // Not read whole, so not listed among the inputs read.
        loaded.error(name, None, None, not_utf8(&e));
        return;
    }
    if bytes.len() as u64 > limit {
        loaded.error(
            name,
            None,
            None,
            format!(
                "larger than {limit} bytes, the most a scan reads from one file; split it (one file per namespace or kind)"
            ),
        );
        return;
    }
    loaded
        .files
        .push(crate::evidence::InputFile::of(name, &bytes));
    match String::from_utf8(bytes) {
        Ok(text) => load_str_into(name, &text, loaded),
        Err(e) => loaded.error(name, None, None, not_utf8(&e.utf8_error())),
    }
}

/// Why input that is not UTF-8 is refused.
fn not_utf8(e: &std::str::Utf8Error) -> String {
    format!(
        "not UTF-8 text (invalid byte at offset {})",
        e.valid_up_to()
    )
}

/// Loads manifests from text (the tests' and the generator's entry point).
pub fn load_str(name: &str, text: &str) -> Loaded {
    let mut loaded = Loaded::default();
    load_str_into(name, text, &mut loaded);
    loaded
}

/// Loads manifests from text, appending to `loaded` — or, when the text is no
/// manifest at all (a Go template, another tool's configuration), records it
/// in `loaded.skipped` and loads nothing.
pub fn load_str_into(name: &str, text: &str, loaded: &mut Loaded) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut file = Loaded::default();
    let mut notes = Notes::default();
    let trimmed = text.trim_start();
    let json = (trimmed.starts_with('{') || trimmed.starts_with('['))
        && load_json(name, text, &mut file, &mut notes);
    if !json {
        let mut batch = Vec::with_capacity(YAML_BATCH);
        for_each_document(text, |doc| {
            batch.push(doc);
            if batch.len() == YAML_BATCH {
                load_yaml_documents(name, &mut batch, &mut file, &mut notes);
            }
        });
        load_yaml_documents(name, &mut batch, &mut file, &mut notes);
    }
    if let Some(reason) = not_a_manifest(text, &notes) {
        loaded.skipped.push(Skipped {
            file: name.to_string(),
            reason,
        });
        return;
    }
    let base = loaded.objects.len();
    for mut o in file.objects {
        o.seq += base;
        loaded.objects.push(o);
    }
    loaded.errors.extend(file.errors);
}

/// What the documents of one file looked like.
#[derive(Debug, Default)]
struct Notes {
    /// Documents that are (or try to be) Kubernetes objects: they have a
    /// `kind` or `metadata`, or list such items.
    manifests: usize,
    /// Objects of tools that never reach a cluster (kustomize, skaffold, kind).
    tool_configs: usize,
    kustomize: bool,
    /// Other non-empty documents: configuration, schemas, scalars.
    others: usize,
    /// Documents that did not parse.
    parse_errors: usize,
}

/// API groups of configuration read by tools, never applied to a cluster.
const TOOL_CONFIG_GROUPS: &[&str] = &[
    "skaffold",
    "kind.x-k8s.io",
    "kpt.dev",
    "k3d.io",
    "kuttl.dev",
    "ctlptl.dev",
];

impl Notes {
    fn note(&mut self, v: &Value) {
        match v {
            Value::Null => {}
            Value::Object(m) => {
                let api = m.get("apiVersion").and_then(Value::as_str).unwrap_or("");
                let group = api.split('/').next().unwrap_or("");
                if group == "kustomize.config.k8s.io" || api == "builtin" {
                    self.tool_configs += 1;
                    self.kustomize = true;
                } else if TOOL_CONFIG_GROUPS.contains(&group) {
                    self.tool_configs += 1;
                } else if m.contains_key("kind") || m.contains_key("metadata") {
                    self.manifests += 1;
                } else {
                    self.others += 1;
                }
            }
            Value::Array(items) => {
                if items
                    .iter()
                    .any(|i| i.get("kind").is_some() || i.get("metadata").is_some())
                {
                    self.manifests += 1;
                } else if !items.is_empty() {
                    self.others += 1;
                }
            }
            _ => self.others += 1,
        }
    }
}

/// Go template actions only Helm (or a chart's own helpers) write.
const HELM_ACTIONS: &[&str] = &[
    ".Values",
    ".Release",
    ".Chart",
    ".Capabilities",
    ".Files",
    ".Template",
    "$.Values",
    "include ",
    "template ",
    "toYaml",
    "tpl ",
    "define ",
    "required ",
    "/*",
];

/// `(any "{{", any Helm-only action)` in the text.
fn go_template(text: &str) -> (bool, bool) {
    let mut any = false;
    for (i, _) in text.match_indices("{{") {
        any = true;
        let rest = text[i + 2..].trim_start_matches('-').trim_start();
        if HELM_ACTIONS.iter().any(|a| rest.starts_with(a)) {
            return (true, true);
        }
    }
    (any, false)
}

/// Why a whole file is no manifest, if it is not: a template (Helm actions,
/// or `{{` in text that is not valid YAML), tool configuration only, or
/// valid YAML/JSON without any Kubernetes object. A file with one manifest
/// in it is a manifest file: its other documents stay errors.
fn not_a_manifest(text: &str, notes: &Notes) -> Option<SkipReason> {
    let (template, helm) = go_template(text);
    if helm || (template && notes.parse_errors > 0) {
        return Some(SkipReason::HelmTemplate);
    }
    if notes.parse_errors > 0 || notes.manifests > 0 {
        return None;
    }
    if notes.kustomize {
        Some(SkipReason::Kustomize)
    } else if notes.tool_configs + notes.others > 0 {
        Some(SkipReason::NotManifest)
    } else {
        None
    }
}

/// Reads `text` as a sequence of JSON values, one document each. Returns false
/// (having loaded nothing) if the very first value is not JSON but the text
/// reads as YAML, so the caller reads it as YAML instead: `{a: b}` is a YAML
/// flow mapping.
///
/// A JSON stream cannot resynchronise inside a broken value, but the values of
/// `kubectl get -o json`, NDJSON and the like each start a line with `{` or
/// `[`: after a broken value, reading resumes at the next such line, so one
/// bad document never hides the ones after it.
fn load_json(name: &str, text: &str, loaded: &mut Loaded, notes: &mut Notes) -> bool {
    let mut document = 0;
    let mut resume = 0;
    'stream: while resume < text.len() {
        let rest = &text[resume..];
        // Lines before `rest`: serde_json counts from its start.
        let lines_before = line_of(text, resume) - 1;
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<Value>();
        loop {
            let start = resume + stream.byte_offset();
            let Some(next) = stream.next() else {
                return true;
            };
            document += 1;
            match next {
                Ok(value) => {
                    let origin = Origin {
                        file: name.to_string(),
                        document,
                        item: None,
                        line: line_of_offset(text, start),
                        source: None,
                    };
                    notes.note(&value);
                    classify(origin, value, loaded);
                }
                Err(_) if document == 1 && reads_as_yaml(text) => return false,
                Err(e) => {
                    notes.parse_errors += 1;
                    let next = next_json_start(text, start);
                    let what = if next.is_some() {
                        "reading goes on with the next value that starts a line"
                    } else {
                        "no value starts a line after it"
                    };
                    loaded.error(
                        name,
                        Some(document),
                        Some(lines_before + e.line()),
                        format!("invalid JSON: {e}; {what}"),
                    );
                    match next {
                        Some(offset) => {
                            resume = offset;
                            continue 'stream;
                        }
                        None => return true,
                    }
                }
            }
        }
    }
    true
}

/// Whether text that starts like JSON is YAML instead (flow mappings,
/// several `---` documents).
fn reads_as_yaml(text: &str) -> bool {
    let docs = split_documents(text);
    docs.len() > 1
        || docs
            .first()
            .is_some_and(|d| parse_yaml_document(&d.text, d.line, Scalars::Kubectl).is_ok())
}

/// Offset of the first line after the one holding the first non-blank
/// character at or after `offset` that starts with `{` or `[`.
fn next_json_start(text: &str, offset: usize) -> Option<usize> {
    let rest = &text[offset.min(text.len())..];
    let first = offset + (rest.len() - rest.trim_start().len());
    let mut at = first + text[first..].find('\n')? + 1;
    loop {
        if text[at..].starts_with(['{', '[']) {
            return Some(at);
        }
        at += text[at..].find('\n')? + 1;
    }
}

/// Line (1-based) of the byte at `offset`.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Line (1-based) of the first non-blank character at or after `offset`.
fn line_of_offset(text: &str, offset: usize) -> usize {
    let rest = &text[offset.min(text.len())..];
    let skipped = rest.len() - rest.trim_start().len();
    let end = (offset + skipped).min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// One YAML document of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// 1-based number.
    pub number: usize,
    /// 1-based line where it starts: the `---` line, or the first line.
    pub line: usize,
    pub text: String,
}

fn is_marker(line: &str, marker: &str) -> bool {
    match line.strip_prefix(marker) {
        Some(rest) => rest.is_empty() || rest.starts_with([' ', '\t', '\r']),
        None => false,
    }
}

fn has_content(text: &str) -> bool {
    text.lines().any(|l| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#')
    })
}

/// Splits a YAML stream at its `---` lines. The YAML spec ends a document at a
/// column-0 `---` even inside a block scalar, so a line-based split is exact,
/// and it lets a broken document be reported while its neighbours still load
/// (serde_yaml's own multi-document iterator repeats the first syntax error
/// forever instead of moving on).
///
/// Numbering: every `---` opens a document, counted even when empty (so
/// `helm template`'s empty documents keep the numbers a reader counts in an
/// editor); text before the first `---` (or after a `...` end marker) counts
/// only if it holds more than comments, and starts at its first line of text.
/// Directives (`%YAML`) are dropped.
pub fn split_documents(text: &str) -> Vec<Document> {
    let mut docs = Vec::new();
    for_each_document(text, |d| docs.push(d));
    docs
}

/// [`split_documents`] one document at a time: a file of 50,000 manifests is
/// not copied whole before the first one is read.
pub fn for_each_document(text: &str, mut each: impl FnMut(Document)) {
    let mut count = 0;
    // (start line, text, opened by a `---`)
    let mut cur: (usize, String, bool) = (1, String::new(), false);
    let mut close = |cur: &mut (usize, String, bool)| {
        let (line, body, explicit) = std::mem::take(cur);
        if explicit || has_content(&body) {
            count += 1;
            each(Document {
                number: count,
                line,
                text: body,
            });
        }
    };
    for (i, line) in text.split('\n').enumerate() {
        let n = i + 1;
        if is_marker(line, "---") {
            close(&mut cur);
            // Content may follow the marker on its line (`--- {a: 1}`).
            cur = (n, format!("{}\n", &line[3..]), true);
        } else if is_marker(line, "...") {
            close(&mut cur);
            cur = (n + 1, String::new(), false);
        } else if !cur.2 && cur.1.is_empty() && (line.trim().is_empty() || line.starts_with('%')) {
            // A document without `---` starts at its first line of text, so
            // reports point there rather than at the blank lines above it.
            cur.0 = n + 1;
        } else {
            cur.1.push_str(line);
            cur.1.push('\n');
        }
    }
    close(&mut cur);
}

/// The chart template of a `helm template` document (`# Source: chart/templates/x.yaml`).
fn helm_source(text: &str) -> Option<String> {
    text.lines()
        .map(str::trim)
        .take_while(|l| l.is_empty() || l.starts_with('#'))
        .find_map(|l| l.strip_prefix("# Source:"))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// How plain (unquoted, untagged) YAML scalars are read.
///
/// kubectl, Helm and the other Go clients convert YAML to JSON with
/// `sigs.k8s.io/yaml`, which decodes with go-yaml v2: YAML 1.1 scalars. A
/// plain `yes`/`no`/`on`/`off`/`y`/`n` (lower, Title or UPPER case, nothing
/// else) is a boolean there, `0644` is the octal 420, `1_000` is 1000, and
/// every float the JSON encoder can write as an integer (`3.0`) is sent as
/// one. Quoted, block (`|`, `>`) and explicitly tagged scalars stay strings.
/// serde_yaml reads YAML 1.2, where all of these are strings or floats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scalars {
    /// What the API server receives from `kubectl apply`: manifests.
    Kubectl,
    /// YAML 1.2 as written (the harness's own files: fixtures).
    Yaml12,
}

/// A document that could not be read, located in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentError {
    /// 1-based line in the file, when known.
    pub line: Option<usize>,
    pub message: String,
}

/// Reads one YAML document (as split by [`split_documents`], starting at
/// `doc_line` of its file) into the JSON the modules read.
///
/// Integers beyond 64 bits (≥ 2^64, < -2^63) become floats, as go-yaml and
/// every JSON decoder without arbitrary precision hand them on: a number, never
/// an "out of range" error (with [`Scalars::Kubectl`], a float that rounds to
/// a 64-bit integer, such as -2^63 - 1, is that integer, as kubectl sends it). Merge keys (`<<`) are applied, tags are dropped,
/// non-scalar mapping keys and non-finite floats (`.nan`, `.inf`: JSON has
/// none) are errors. Error lines point into the file.
pub fn parse_yaml_document(
    text: &str,
    doc_line: usize,
    scalars: Scalars,
) -> Result<Value, DocumentError> {
    let reader = Reader {
        text,
        scalars,
        tagged: false,
    };
    serde::de::DeserializeSeed::deserialize(reader, serde_yaml::Deserializer::from_str(text))
        .map_err(|e| {
            let (line, message) = yaml_error(&e, doc_line);
            DocumentError {
                line,
                message: format!("invalid YAML: {message}"),
            }
        })
}

/// Builds JSON straight from serde_yaml's events (one pass, no intermediate
/// `serde_yaml::Value`), deciding what each scalar means.
#[derive(Clone, Copy)]
struct Reader<'de> {
    /// The document text: a plain scalar is recognised by where serde_yaml's
    /// borrowed slice of it sits in this text (see [`is_plain`]).
    text: &'de str,
    scalars: Scalars,
    /// The value carries an explicit tag (`!foo x`): never resolved further.
    tagged: bool,
}

impl<'de> Reader<'de> {
    fn child(self) -> Reader<'de> {
        Reader {
            tagged: false,
            ..self
        }
    }

    fn number<E: serde::de::Error>(self, f: f64) -> Result<Value, E> {
        let value = match self.scalars {
            Scalars::Kubectl => go_json_number(f),
            Scalars::Yaml12 => serde_json::Number::from_f64(f).map(Value::Number),
        };
        value.ok_or_else(|| E::custom(format!("the number {f} cannot be represented in JSON")))
    }
}

/// A float as Go's JSON encoder writes it, hence as the API server receives
/// it from kubectl: integral values in the 64-bit range as integers (`3.0`
/// is `3`), others as floats; `None` for NaN and infinities (an error there).
fn go_json_number(f: f64) -> Option<Value> {
    if !f.is_finite() {
        return None;
    }
    if f.fract() == 0.0 && f >= i64::MIN as f64 && f < u64::MAX as f64 {
        return Some(if f < 0.0 {
            Value::from(f as i64)
        } else {
            Value::from(f as u64)
        });
    }
    serde_json::Number::from_f64(f).map(Value::Number)
}

impl<'de> serde::de::DeserializeSeed<'de> for Reader<'de> {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Reader<'de> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a YAML value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, i: i64) -> Result<Value, E> {
        Ok(Value::from(i))
    }

    fn visit_u64<E>(self, u: u64) -> Result<Value, E> {
        Ok(Value::from(u))
    }

    // serde_yaml hands integers beyond 64 bits over as 128-bit ones.
    fn visit_i128<E: serde::de::Error>(self, i: i128) -> Result<Value, E> {
        self.number(i as f64)
    }

    fn visit_u128<E: serde::de::Error>(self, u: u128) -> Result<Value, E> {
        self.number(u as f64)
    }

    fn visit_f64<E: serde::de::Error>(self, f: f64) -> Result<Value, E> {
        self.number(f)
    }

    // A plain or quoted scalar whose value is its own text.
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Value, E> {
        if self.scalars == Scalars::Kubectl
            && !self.tagged
            && let Some(v) = yaml11_scalar(s)
            && is_plain(self.text, s)
        {
            return Ok(v);
        }
        Ok(Value::String(s.to_string()))
    }

    // Escaped, folded or block scalars: always strings.
    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_string()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element_seed(self.child())? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        use serde::de::Error;
        let mut out = Map::new();
        let mut merged = Vec::new();
        while let Some(key) = map.next_key_seed(self.child())? {
            let value = map.next_value_seed(self.child())?;
            // `<<`: no label or annotation key may hold `<`, so in a
            // Kubernetes object it is always the merge key.
            if key.as_str() == Some("<<") {
                match value {
                    Value::Object(m) => merged.push(m),
                    Value::Array(sources) => {
                        for source in sources {
                            match source {
                                Value::Object(m) => merged.push(m),
                                other => {
                                    return Err(A::Error::custom(format!(
                                        "a merge key (<<) lists {}, not a mapping",
                                        type_name(&other)
                                    )));
                                }
                            }
                        }
                    }
                    other => {
                        return Err(A::Error::custom(format!(
                            "a merge key (<<) takes a mapping or a list of mappings, not {}",
                            type_name(&other)
                        )));
                    }
                }
                continue;
            }
            // As sigs.k8s.io/yaml: scalar keys become strings (`true`, `1`).
            let key = match key {
                Value::String(s) => s,
                Value::Array(_) | Value::Object(_) => {
                    return Err(A::Error::custom(
                        "a mapping key is a list or a mapping; JSON keys are strings",
                    ));
                }
                other => other.to_string(),
            };
            out.insert(key, value);
        }
        // Keys of the mapping itself win, then earlier merged mappings.
        for source in merged {
            for (k, v) in source {
                out.entry(k).or_insert(v);
            }
        }
        Ok(Value::Object(out))
    }

    // A tagged node (`!secret x`): the tag is dropped, the value kept.
    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        use serde::de::VariantAccess;
        let (_tag, variant) = data.variant::<String>()?;
        variant.newtype_variant_seed(Reader {
            tagged: true,
            ..self
        })
    }
}

/// What go-yaml v2 makes of a plain scalar that YAML 1.2 reads as a string:
/// YAML 1.1 booleans, and integers written in octal with a leading zero or
/// with `_` separators. `None`: it stays a string.
fn yaml11_scalar(s: &str) -> Option<Value> {
    match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => return Some(Value::Bool(true)),
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => {
            return Some(Value::Bool(false));
        }
        _ => {}
    }
    let first = *s.as_bytes().first()?;
    if !(first.is_ascii_digit() || first == b'+' || first == b'-') {
        return None;
    }
    let plain = s.replace('_', "");
    let (negative, digits) = match plain.as_bytes().first() {
        Some(b'-') => (true, &plain[1..]),
        Some(b'+') => (false, &plain[1..]),
        _ => (false, plain.as_str()),
    };
    let prefixed = |p: &str| {
        digits
            .strip_prefix(p)
            .or_else(|| digits.strip_prefix(&p.to_ascii_uppercase()))
    };
    let (radix, body) = if let Some(b) = prefixed("0x") {
        (16, b)
    } else if let Some(b) = prefixed("0o") {
        (8, b)
    } else if let Some(b) = prefixed("0b") {
        (2, b)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    // `from_str_radix` takes a sign itself: only digits may follow ours.
    if body.bytes().all(|b| b.is_ascii_alphanumeric())
        && let Ok(m) = u64::from_str_radix(body, radix)
    {
        if !negative {
            return Some(Value::from(m));
        }
        if let Ok(i) = i64::try_from(-i128::from(m)) {
            return Some(Value::from(i));
        }
    }
    // Not an integer: a decimal float, as YAML 1.1 writes them (`08` is 8).
    let (mantissa, exponent) = match digits.find(['e', 'E']) {
        Some(i) => (&digits[..i], Some(&digits[i + 1..])),
        None => (digits, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = all_digits(whole)
        && all_digits(fraction)
        && (!whole.is_empty() || (!fraction.is_empty() && mantissa.starts_with('.')));
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && all_digits(e)
    });
    if !(mantissa_ok && exponent_ok) {
        return None;
    }
    go_json_number(plain.parse().ok()?)
}

/// Whether `s`, a slice serde_yaml borrowed from `text`, was written as a
/// plain scalar without a tag. serde_yaml does not say which style a scalar
/// had, but a borrowed scalar is its own text: a quoted one sits right after
/// its quote, a tagged one after its tag (`!!str yes`, `!!str &a yes`).
fn is_plain(text: &str, s: &str) -> bool {
    let start = (s.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
    let Some(before) = text.get(..start) else {
        return false;
    };
    if start + s.len() > text.len() || before.ends_with(['"', '\'']) {
        return false;
    }
    let mut rest = before.trim_end_matches([' ', '\t']);
    // At most a tag and an anchor precede a scalar.
    for _ in 0..2 {
        let token_start = rest
            .rfind(|c: char| c.is_whitespace() || matches!(c, '[' | '{' | ','))
            .map_or(0, |i| i + 1);
        let token = &rest[token_start..];
        if token.starts_with('!') {
            return false;
        }
        if !token.starts_with('&') {
            break;
        }
        rest = rest[..token_start].trim_end_matches([' ', '\t']);
    }
    true
}

/// How many documents are read at once (see [`load_yaml_documents`]).
const YAML_BATCH: usize = 256;

/// Reads `docs` on every core and records them in document order. Reading
/// YAML is most of the time a scan spends loading; a batch at a time bounds
/// the trees held at once (each is a few times its text until it is
/// recorded as compact JSON).
fn load_yaml_documents(
    name: &str,
    docs: &mut Vec<Document>,
    loaded: &mut Loaded,
    notes: &mut Notes,
) {
    use rayon::prelude::*;
    let parsed: Vec<_> = docs
        .par_iter()
        .map(|doc| parse_yaml_document(&doc.text, doc.line, Scalars::Kubectl))
        .collect();
    for (doc, value) in docs.drain(..).zip(parsed) {
        load_yaml_document(name, &doc, value, loaded, notes);
    }
}

fn load_yaml_document(
    name: &str,
    doc: &Document,
    parsed: Result<Value, DocumentError>,
    loaded: &mut Loaded,
    notes: &mut Notes,
) {
    let value = match parsed {
        Ok(v) => v,
        Err(e) => {
            notes.parse_errors += 1;
            loaded.error(name, Some(doc.number), e.line, e.message);
            return;
        }
    };
    let origin = Origin {
        file: name.to_string(),
        document: doc.number,
        item: None,
        line: doc.line,
        source: helm_source(&doc.text),
    };
    notes.note(&value);
    classify(origin, value, loaded);
}

/// serde_yaml locates errors within the document text ("... at line 5 column
/// 9", possibly twice: the problem and its context); rebase every location
/// onto the file so the message points where the user looks.
fn yaml_error(e: &serde_yaml::Error, doc_line: usize) -> (Option<usize>, String) {
    let offset = doc_line.saturating_sub(1);
    let text = e.to_string();
    let mut message = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find("at line ") {
        message.push_str(&rest[..i + 8]);
        rest = &rest[i + 8..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if let Ok(n) = rest[..digits].parse::<usize>() {
            message.push_str(&(n + offset).to_string());
            rest = &rest[digits..];
        }
    }
    message.push_str(rest);
    let line = e.location().map(|l| l.line() + offset).unwrap_or(doc_line);
    (Some(line), message)
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "empty",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Why `v` is not a loadable Kubernetes object, if it is not.
fn object_problem(v: &Value) -> Option<String> {
    let Value::Object(m) = v else {
        return Some(format!("{} is not a Kubernetes object", type_name(v)));
    };
    for key in ["apiVersion", "kind"] {
        match m.get(key) {
            None | Some(Value::Null) => return Some(format!("the object has no {key}")),
            Some(Value::String(s)) if s.trim().is_empty() => {
                return Some(format!("the object has an empty {key}"));
            }
            Some(Value::String(_)) => {}
            Some(other) => {
                return Some(format!("{key} must be a string, got {}", type_name(other)));
            }
        }
    }
    None
}

/// Whether an object is a list to flatten: `kind: List`, or a `*List` kind
/// that carries `items` (so a CRD kind such as `AllowList` without items stays
/// an object).
fn list_items(v: &Value) -> Option<Result<Vec<Value>, String>> {
    let kind = v.get("kind")?.as_str()?;
    let items = v.get("items");
    if kind == "List" || (kind.ends_with("List") && items.is_some_and(Value::is_array)) {
        return Some(match items {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(a)) => Ok(a.clone()),
            Some(other) => Err(format!(
                "{kind}.items must be a list, got {}",
                type_name(other)
            )),
        });
    }
    None
}

/// Adds one parsed document (or list item) to `loaded`.
fn classify(origin: Origin, value: Value, loaded: &mut Loaded) {
    match value {
        // An empty document: `helm template` writes them for templates that
        // render nothing.
        Value::Null => {}
        // A top-level array of objects is read like a `List` without the
        // wrapper (JSON arrays of objects are common tool output); an array
        // with no object at all is just not a manifest.
        Value::Array(items) if !items.is_empty() && !items.iter().any(Value::is_object) => {
            loaded.error(
                &origin.file,
                Some(origin.document),
                Some(origin.line),
                format!(
                    "not loaded: a list is not a Kubernetes object (none of its {} items is an object)",
                    items.len()
                ),
            );
        }
        Value::Array(items) => flatten(&origin, items, "", 0, loaded),
        v => match list_items(&v) {
            Some(Ok(items)) => flatten(&origin, items, "items", 0, loaded),
            Some(Err(message)) => {
                loaded.error(
                    &origin.file,
                    Some(origin.document),
                    Some(origin.line),
                    message,
                );
            }
            None => match object_problem(&v) {
                Some(problem) => loaded.error(
                    &origin.file,
                    Some(origin.document),
                    Some(origin.line),
                    format!("not loaded: {problem}"),
                ),
                None => loaded.push(origin, v),
            },
        },
    }
}

fn flatten(origin: &Origin, items: Vec<Value>, field: &str, depth: usize, loaded: &mut Loaded) {
    for (i, item) in items.into_iter().enumerate() {
        let at = if field.is_empty() {
            format!("[{i}]")
        } else {
            format!("{field}[{i}]")
        };
        let report = |loaded: &mut Loaded, message: String| {
            loaded.error(
                &origin.file,
                Some(origin.document),
                Some(origin.line),
                format!("{at}: not loaded: {message}"),
            )
        };
        // Only the outermost index is kept in the origin; nested lists are
        // named in error messages.
        let item_origin = Origin {
            item: Some(origin.item.unwrap_or(i)),
            ..origin.clone()
        };
        match list_items(&item) {
            Some(_) if depth >= MAX_LIST_DEPTH => report(loaded, "lists nested too deep".into()),
            Some(Ok(inner)) => flatten(
                &item_origin,
                inner,
                &format!("{at}.items"),
                depth + 1,
                loaded,
            ),
            Some(Err(message)) => report(loaded, message),
            None => match object_problem(&item) {
                Some(problem) => report(loaded, problem),
                None => loaded.push(item_origin, item),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Input up to the limit is read; one byte more is refused, naming it.
    #[test]
    fn input_above_the_limit_is_refused() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n";
        let limit = text.len() as u64;
        let mut loaded = Loaded::default();
        load_at_most("fits.yaml", &mut text.as_bytes(), limit, &mut loaded);
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        assert_eq!(loaded.objects.len(), 1);
        let longer = format!("{text}#");
        let mut loaded = Loaded::default();
        load_at_most("big.yaml", &mut longer.as_bytes(), limit, &mut loaded);
        assert!(loaded.objects.is_empty());
        assert!(
            loaded.errors[0]
                .message
                .contains(&format!("larger than {limit} bytes")),
            "{}",
            loaded.errors[0].message
        );
    }
}
