//! Loading manifests: files, folders (recursive) and stdin.
//!
//! Accepted: multi-document YAML, JSON (one value, an array, or several values
//! in a row), `kind: List` and every `*List` kind (items are flattened and
//! inherit nothing from the list), and therefore the output of
//! `kubectl get -o yaml|json`, `helm template` (`# Source:` comments, empty
//! documents) and `kustomize build`.
//!
//! A bad document (unparsable, not an object, no apiVersion or kind) becomes an
//! [`InputError`] naming the file and 1-based document number, and loading goes
//! on: one broken file in a folder must not hide the findings of the others.
//! The order of the result is deterministic: inputs in the order given, folder
//! entries sorted by name, documents and list items in file order.

use crate::model::ObjectRef;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The input name that means standard input.
pub const STDIN: &str = "-";
/// How standard input is named in origins and errors.
pub const STDIN_NAME: &str = "<stdin>";
/// Files above this are refused: the API server takes 3 MiB per object, so a
/// larger manifest file is a mistake (a log, an image) and reading it whole
/// would only cost memory.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
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
    /// The object; always a JSON object with string `apiVersion` and `kind`.
    pub value: Value,
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
    pub fn api_version(&self) -> &str {
        str_at(&self.value, &["apiVersion"])
    }

    pub fn kind(&self) -> &str {
        str_at(&self.value, &["kind"])
    }

    /// `metadata.name`, else `metadata.generateName` (helm hooks, Jobs).
    pub fn name(&self) -> &str {
        match str_at(&self.value, &["metadata", "name"]) {
            "" => str_at(&self.value, &["metadata", "generateName"]),
            n => n,
        }
    }

    /// `metadata.namespace` as written (manifests usually leave it out).
    pub fn namespace(&self) -> Option<&str> {
        Some(str_at(&self.value, &["metadata", "namespace"])).filter(|n| !n.is_empty())
    }

    /// The reference the result model and the reports use.
    pub fn reference(&self) -> ObjectRef {
        ObjectRef {
            api_version: self.api_version().to_string(),
            kind: self.kind().to_string(),
            namespace: self.namespace().map(str::to_string),
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

/// Everything loaded from the inputs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Loaded {
    pub objects: Vec<Object>,
    pub errors: Vec<InputError>,
}

impl Loaded {
    fn push(&mut self, origin: Origin, value: Value) {
        let seq = self.objects.len();
        self.objects.push(Object { seq, origin, value });
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
                let mut files = Vec::new();
                let mut visited = HashSet::new();
                walk(path, 0, &mut files, &mut visited, &mut loaded);
                for file in files {
                    load_file_once(&file, &mut seen, &mut loaded);
                }
            }
            Ok(_) => load_file_once(path, &mut seen, &mut loaded),
        }
    }
    loaded
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

/// Collects manifest files under `dir`, sorted by name at every level. Hidden
/// entries (`.git`, `.github`, editor files) are skipped: they hold CI
/// workflows and tool configs, never manifests to deploy.
fn walk(
    dir: &Path,
    depth: usize,
    out: &mut Vec<PathBuf>,
    visited: &mut HashSet<PathBuf>,
    loaded: &mut Loaded,
) {
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
    if !visited.insert(real) {
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
    for path in paths {
        if path.is_dir() {
            walk(&path, depth + 1, out, visited, loaded);
        } else if has_manifest_extension(&path) {
            out.push(path);
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
    let mut bytes = Vec::new();
    let mut limited = reader.take(MAX_FILE_BYTES + 1);
    if let Err(e) = limited.read_to_end(&mut bytes) {
        loaded.error(name, None, None, format!("cannot read: {e}"));
        return;
    }
    if bytes.len() as u64 > MAX_FILE_BYTES {
        loaded.error(
            name,
            None,
            None,
            format!("larger than {MAX_FILE_BYTES} bytes; not a manifest file"),
        );
        return;
    }
    match String::from_utf8(bytes) {
        Ok(text) => load_str_into(name, &text, loaded),
        Err(e) => loaded.error(
            name,
            None,
            None,
            format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        ),
    }
}

/// Loads manifests from text (the tests' and the generator's entry point).
pub fn load_str(name: &str, text: &str) -> Loaded {
    let mut loaded = Loaded::default();
    load_str_into(name, text, &mut loaded);
    loaded
}

/// Loads manifests from text, appending to `loaded`.
pub fn load_str_into(name: &str, text: &str, loaded: &mut Loaded) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let trimmed = text.trim_start();
    if (trimmed.starts_with('{') || trimmed.starts_with('[')) && load_json(name, text, loaded) {
        return;
    }
    for doc in split_documents(text) {
        load_yaml_document(name, &doc, loaded);
    }
}

/// Reads `text` as a sequence of JSON values, one document each. Returns false
/// (having loaded nothing) if the very first value is not JSON, so the caller
/// reads the text as YAML instead: `{a: b}` is a YAML flow mapping.
fn load_json(name: &str, text: &str, loaded: &mut Loaded) -> bool {
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    let mut document = 0;
    loop {
        let start = stream.byte_offset();
        let next = stream.next();
        let Some(next) = next else { return true };
        document += 1;
        match next {
            Ok(value) => {
                let line = line_of_offset(text, start);
                let origin = Origin {
                    file: name.to_string(),
                    document,
                    item: None,
                    line,
                    source: None,
                };
                classify(origin, value, loaded);
            }
            Err(_) if document == 1 => return false,
            Err(e) => {
                // A JSON stream cannot resynchronise after a syntax error.
                loaded.error(
                    name,
                    Some(document),
                    Some(e.line()),
                    format!("invalid JSON: {e}; the rest of the file is not read"),
                );
                return true;
            }
        }
    }
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
    // (start line, text, opened by a `---`)
    let mut cur: (usize, String, bool) = (1, String::new(), false);
    let close = |cur: &mut (usize, String, bool), docs: &mut Vec<Document>| {
        let (line, body, explicit) = std::mem::take(cur);
        if explicit || has_content(&body) {
            docs.push(Document {
                number: docs.len() + 1,
                line,
                text: body,
            });
        }
    };
    for (i, line) in text.split('\n').enumerate() {
        let n = i + 1;
        if is_marker(line, "---") {
            close(&mut cur, &mut docs);
            // Content may follow the marker on its line (`--- {a: 1}`).
            cur = (n, format!("{}\n", &line[3..]), true);
        } else if is_marker(line, "...") {
            close(&mut cur, &mut docs);
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
    close(&mut cur, &mut docs);
    docs
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

/// Parses one document. The direct YAML → JSON deserialisation is almost
/// twice as fast; documents that may need more care take the careful path
/// through `serde_yaml::Value`: merge keys (kept literally by the direct
/// path), tags, non-finite floats (silently `null` there), and anything the
/// direct path refuses (so errors always come from one place).
fn parse_yaml(text: &str, doc_line: usize) -> Result<Value, (Option<usize>, String)> {
    let delicate = ["<<", "!", ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF"];
    if !delicate.iter().any(|d| text.contains(d))
        && let Ok(v) = serde_yaml::from_str::<Value>(text)
    {
        return Ok(v);
    }
    let mut value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let (line, message) = yaml_error(&e, doc_line);
        (line, format!("invalid YAML: {message}"))
    })?;
    value
        .apply_merge()
        .map_err(|e| (Some(doc_line), format!("invalid YAML merge key: {e}")))?;
    yaml_to_json(value).map_err(|m| (Some(doc_line), m))
}

fn load_yaml_document(name: &str, doc: &Document, loaded: &mut Loaded) {
    let value = match parse_yaml(&doc.text, doc.line) {
        Ok(v) => v,
        Err((line, message)) => {
            loaded.error(name, Some(doc.number), line, message);
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

/// Converts YAML to the JSON model the modules read, as `sigs.k8s.io/yaml`
/// does for kubectl: scalar keys become strings, tags are dropped.
fn yaml_to_json(v: serde_yaml::Value) -> Result<Value, String> {
    use serde_yaml::Value as Y;
    Ok(match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .ok_or_else(|| format!("the number {n} cannot be represented in JSON"))?
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .map(yaml_to_json)
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                let key = match k {
                    Y::String(s) => s,
                    Y::Bool(b) => b.to_string(),
                    Y::Number(n) => n.to_string(),
                    Y::Null => "null".to_string(),
                    Y::Tagged(t) => match yaml_to_json(t.value)? {
                        Value::String(s) => s,
                        other => other.to_string(),
                    },
                    Y::Sequence(_) | Y::Mapping(_) => {
                        return Err(
                            "a mapping key is a list or a mapping; JSON keys are strings".into(),
                        );
                    }
                };
                out.insert(key, yaml_to_json(v)?);
            }
            Value::Object(out)
        }
        Y::Tagged(t) => yaml_to_json(t.value)?,
    })
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
