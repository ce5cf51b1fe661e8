//! `kube-soc2 scan`: evaluates manifests on disk against every module of the
//! dist folder — the very modules a policy-server runs, through the same host —
//! and writes a compliance report (terminal summary, JSON, PolicyReport, JUnit,
//! Markdown, HTML) with the `report` crate.
//!
//! - Inputs: files, folders (recursive) and stdin, read by
//!   [`report::inputs::load`]; bad documents become input errors and the scan
//!   goes on.
//! - Context: the scanned set, plus `--cluster`, is the cluster snapshot the
//!   context-aware controls read (a Deployment and its PDB in one folder
//!   satisfy `pdb-required`). A namespaced object whose manifest names no
//!   namespace lands in the namespace given at apply time, unknown here: it
//!   is evaluated without one unless `--namespace` says which to assume
//!   (then the reports mark it "namespace assumed").
//! - Settings: one file with the settings of each module, exactly what the
//!   policy-server is given, validated by each module's `validate_settings`.
//! - Routing: an object reaches a module only if the module's metadata rules
//!   match a CREATE of its resource, as the API server routes admission
//!   requests (versions ignored: policy-server registers with
//!   `matchPolicy: Equivalent`).
//! - Speed: modules are compiled once; every worker thread (one per core)
//!   keeps one instance per module (see [`Instances`] for why that cannot
//!   change a verdict), each object is serialised once for every module, and
//!   modules answer only for the controls that ran.
//! - Memory: objects are held once, as a tree in the cluster context when a
//!   module may look their kind up, else as JSON text; passing checks are
//!   counted, not kept (see `report::results`), so what a scan holds grows
//!   with failures plus a few bytes per check.

use super::{dist_modules, resolve_dist};
use crate::admission::PolicyConfig;
use crate::cluster_snapshot::{ClusterObjects, Context, SelectedBy, parse_documents};
use crate::engine::{Host, HostOptions, LoadedModule, PolicyInstance};
use crate::metadata::Metadata;
use crate::request::{self, Wrap};
use anyhow::{Context as _, Result, anyhow, bail};
use kit::dom::Value as Tree;
use report::inputs::{InputError, Loaded, Object};
use report::{Evaluation, FailOn, FamilyCatalogue, Format, ObjectRef};
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// `--format`: `text` (= `terminal`), `json`, `policyreport`, `junit`,
/// `markdown`, `html`, `sarif`.
fn parse_format(s: &str) -> Result<Format, String> {
    Format::parse(s)
}

/// `--fail-on`: `low`, `medium`, `high`, `critical`, `none` (also `any`, `never`).
fn parse_fail_on(s: &str) -> Result<FailOn, String> {
    FailOn::parse(s)
}

/// `--report FORMAT=FILE`.
fn parse_report(s: &str) -> Result<(Format, PathBuf), String> {
    let (format, file) = s
        .split_once('=')
        .ok_or_else(|| format!("\"{s}\" is not FORMAT=FILE (e.g. html=report.html)"))?;
    if file.is_empty() {
        return Err(format!("\"{s}\" names no file"));
    }
    Ok((Format::parse(format)?, PathBuf::from(file)))
}

fn parse_layout(s: &str) -> Result<report::policyreport::Layout, String> {
    report::policyreport::Layout::parse(s)
}

fn parse_evidence(s: &str) -> Result<report::EvidenceMode, String> {
    report::EvidenceMode::parse(s)
}

/// How `--dist` is found, for `--help`.
const DIST_HELP: &str = "Folder of the policy modules (*.wasm). Default: $KUBE_SOC2_DIST, else dist/ beside the kube-soc2 binary, else dist/ in the current folder (the first that holds modules)";

/// Host flags of the evaluating commands.
#[derive(clap::Args, Debug, Clone)]
pub struct ScanHostArgs {
    /// Evaluation deadline in seconds (like policy-server's --policy-timeout); 0 disables it
    /// (and the epoch checks compiled into the modules for it, as kwctl does).
    #[arg(long, default_value_t = crate::engine::DEFAULT_TIMEOUT_SECONDS)]
    pub timeout: u64,
    /// Largest memory of one policy instance, in MiB; 0 disables the limit
    /// (policy-server sets none).
    #[arg(long, default_value_t = 512)]
    pub memory_limit: usize,
    /// Parallel evaluations (default: every core).
    #[arg(long, short)]
    pub jobs: Option<usize>,
    /// Print the policies' log events and output to stderr.
    #[arg(long, short)]
    pub verbose: bool,
}

impl ScanHostArgs {
    pub fn host(&self) -> Result<Host> {
        Host::new(HostOptions {
            timeout_seconds: (self.timeout > 0).then_some(self.timeout),
            memory_limit: crate::engine::memory_limit_bytes(self.memory_limit),
            verbose: self.verbose,
            // A module's output must never end up inside a report on stdout.
            inherit_stdio: self.verbose,
            compile_cache: crate::compile_cache::default_dir(),
        })
    }

    pub fn jobs(&self) -> usize {
        self.jobs.filter(|&j| j > 0).unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        })
    }
}

/// `kube-soc2 scan`.
#[derive(clap::Args, Debug, Clone)]
pub struct ScanArgs {
    /// Manifest files and folders (recursive: *.yaml, *.yml, *.json); - reads
    /// standard input. Multi-document YAML, JSON, List kinds, `kubectl get -o
    /// yaml`, `helm template` and `kustomize build` output are understood.
    /// Bad documents are reported and skipped; inputs without any object are
    /// an error (a wrong path must not pass).
    #[arg(value_name = "PATHS", required = true)]
    pub inputs: Vec<PathBuf>,
    /// Leave out files and folders of the folder walk matching GLOB
    /// (repeatable; `*-test.yaml`, `tests/`, `vendor/**`: a pattern without
    /// `/` matches a name at any depth, one with `/` the path below the
    /// folder given); a `.kube-soc2ignore` file in a scanned folder lists more,
    /// one per line. Helm charts, kustomizations, templates, other tools'
    /// configuration and special files are skipped anyway, in one line.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Folder of the policy modules (*.wasm). Default: $KUBE_SOC2_DIST, else
    /// dist/ beside the kube-soc2 binary, else dist/ in the current folder
    /// (the first that holds modules). A bundle (soc2.wasm) and the family
    /// modules it holds never both run: the families when every one is
    /// there, the bundle when --settings names it or some are missing.
    #[arg(long)]
    pub dist: Option<PathBuf>,
    /// Settings per module, one YAML or JSON file:
    /// `{access-control: {controls: [...]}, availability: {...}}` — the
    /// settings the policy-server gets. Modules not named run with defaults.
    #[arg(long)]
    pub settings: Option<PathBuf>,
    /// More cluster context for the context-aware controls (files or folders),
    /// besides the scanned objects themselves.
    #[arg(long, value_name = "PATH")]
    pub cluster: Vec<PathBuf>,
    /// Report format: text, json, policyreport, junit, markdown, html or sarif
    /// (SARIF 2.1.0, for code-scanning dashboards).
    #[arg(long, short, default_value = "text", value_parser = parse_format)]
    pub format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Also write the report in FORMAT to FILE, from the same scan
    /// (repeatable): --report html=scan.html --report junit=scan.xml.
    #[arg(long, value_name = "FORMAT=FILE", value_parser = parse_report)]
    pub report: Vec<(Format, PathBuf)>,
    /// Fail (exit 1) on failures of controls at or above this severity:
    /// low, medium, high, critical, or none.
    #[arg(long, default_value = "low", value_parser = parse_fail_on)]
    pub fail_on: FailOn,
    /// Namespace to assume for namespaced objects whose manifest names none
    /// (the one you give `kubectl apply -n`). Default: none assumed — they
    /// land in the namespace given at apply time, unknown to the scan, so
    /// namespace controls do not judge them; reports say which ones.
    #[arg(long, short)]
    pub namespace: Option<String>,
    /// How much passing evidence html and markdown list: failures (failures,
    /// warnings, exemptions, errors per object; passes counted per control)
    /// or full (every check). JSON always lists every check.
    #[arg(long, default_value = "failures", value_parser = parse_evidence)]
    pub evidence: report::EvidenceMode,
    /// A previous `--format json` report: only failures it does not have are
    /// reported as new and count for --fail-on; fixed ones are counted.
    /// Matched by control, object kind/namespace/name and field path.
    #[arg(long, value_name = "REPORT.json")]
    pub baseline: Option<PathBuf>,
    /// PolicyReport layout: namespace (one report per namespace) or resource
    /// (one report per object).
    #[arg(long, default_value = "namespace", value_parser = parse_layout)]
    pub policy_report_layout: report::policyreport::Layout,
    #[command(flatten)]
    pub host: ScanHostArgs,
}

/// `kube-soc2 bench-scan`.
#[derive(clap::Args, Debug, Clone)]
pub struct BenchScanArgs {
    /// How many objects to generate (report::generate: a realistic mix).
    #[arg(long, default_value_t = 10_000)]
    pub objects: usize,
    /// Seed of the generator.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Which objects: realistic (a cluster's proportions: a third carry a
    /// pod template) or workloads (only Pod-bearing kinds: every object
    /// reaches every module that takes workloads).
    #[arg(long, default_value = "realistic", value_parser = report::generate::Mix::parse)]
    pub mix: report::generate::Mix,
    /// A fresh instance for every evaluation (policy-server's way) instead of
    /// one kept per module and thread (scan's way): to compare the two.
    #[arg(long)]
    pub fresh_instances: bool,
    #[arg(long, help = DIST_HELP)]
    pub dist: Option<PathBuf>,
    /// Settings per module, as for scan.
    #[arg(long)]
    pub settings: Option<PathBuf>,
    #[command(flatten)]
    pub host: ScanHostArgs,
}

/// A module ready to scan with: compiled, its catalogue read, its settings
/// validated.
pub struct ScanModule {
    pub loaded: Arc<LoadedModule>,
    pub catalogue: FamilyCatalogue,
    /// The settings object evaluations get (`{}` when none was given).
    pub settings: Value,
    /// `settings` as the JSON every payload carries, serialised once.
    pub settings_bytes: Vec<u8>,
    /// The settings as given (`null` = defaults), for the report.
    pub given: Value,
    pub source: String,
    /// The module's own reading of the settings (`explain` of the settings).
    pub selection: report::Selection,
    /// `sha256:<hex>` of the module file.
    pub sha256: String,
    /// Whether the module answers `explain` (every kube-soc2 module does);
    /// other Kubewarden modules are evaluated through `validate` alone.
    pub explains: bool,
}

impl ScanModule {
    /// The name evaluations and reports use (the catalogue's family).
    pub fn name(&self) -> &str {
        &self.catalogue.family
    }
}

/// Reads the `--settings` file: a mapping of module name to settings object.
pub fn read_settings_file(path: &Path) -> Result<Map<String, Value>> {
    let name = path.display();
    let bytes = std::fs::read(path).with_context(|| format!("--settings: cannot read {name}"))?;
    let text = String::from_utf8(bytes).map_err(|_| anyhow!("--settings: {name} is not UTF-8"))?;
    let body = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let trimmed = body.trim_start();
    let value: Value = if trimmed.is_empty() {
        Value::Null
    } else if trimmed.starts_with('{') {
        serde_json::from_str(body)
            .map_err(|e| anyhow!("--settings: {name} is not valid JSON: {e}"))?
    } else {
        let mut docs = parse_documents(body)
            .map_err(|e| anyhow!("--settings: {name} is not valid YAML: {e:#}"))?;
        match docs.len() {
            0 => Value::Null,
            1 => docs.remove(0),
            n => bail!("--settings: {name} holds {n} YAML documents; expected one"),
        }
    };
    match value {
        Value::Null => Ok(Map::new()),
        // The `settings:` key of a Kubewarden policy resource wraps one
        // module's settings; this file maps module names to settings.
        Value::Object(m) if m.len() == 1 && m.contains_key("settings") => bail!(
            "--settings: {name} has a top-level `settings:` key, as in a Kubewarden policy resource; this file maps module names to their settings directly (`access-control: {{controls: [...]}}`): remove the `settings:` level (see examples/settings/)"
        ),
        Value::Object(m) => Ok(m),
        other => bail!(
            "--settings: {name} must map module names to settings ({{\"access-control\": {{...}}}}), got {}",
            crate::admission::json_type_name(&other)
        ),
    }
}

/// Loads every `dist/*.wasm` (sorted), reads its catalogue and validates its
/// settings. Errors name the module (and, through the module's own message,
/// the settings key).
pub fn load_modules(
    host: &Host,
    dist: &Path,
    settings_file: Option<&Path>,
) -> Result<Vec<ScanModule>> {
    let mut settings = match settings_file {
        Some(path) => read_settings_file(path)?,
        None => Map::new(),
    };
    // A bundle and the families it holds: one side only (see the function).
    let named: Vec<&str> = settings.keys().map(String::as_str).collect();
    let paths = super::without_double_counting(dist_modules(dist)?, &named)?;
    let mut modules = Vec::new();
    for path in &paths {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let sha256 = report::evidence::sha256(&bytes);
        drop(bytes);
        let loaded = host.load(path)?;
        let catalogue = match (&loaded.catalogue, &loaded.catalogue_error) {
            (Some(c), _) => serde_json::to_value(c)
                .map_err(|e| e.to_string())
                .and_then(|v| FamilyCatalogue::from_value(&v))
                .map_err(|e| anyhow!("{}: {e}", path.display()))?,
            (None, Some(e)) => bail!("{}: cannot read the catalogue: {e}", path.display()),
            (None, None) => {
                eprintln!(
                    "warning: {} has no catalogue function (not a kube-soc2 module?); its verdicts are reported without control metadata",
                    path.display()
                );
                FamilyCatalogue {
                    family: loaded.name.clone(),
                    title: loaded.name.clone(),
                    version: String::new(),
                    controls: Vec::new(),
                }
            }
        };
        let mut catalogue = catalogue;
        if catalogue.family.is_empty() {
            catalogue.family = loaded.name.clone();
        }
        let given = settings.remove(&loaded.name).unwrap_or(Value::Null);
        let object = match &given {
            Value::Null => Value::Object(Map::new()),
            Value::Object(_) => given.clone(),
            other => bail!(
                "--settings: the settings of module {} must be an object, got {}",
                loaded.name,
                crate::admission::json_type_name(other)
            ),
        };
        let verdict = host.validate_settings(&loaded, &object)?;
        if !verdict.valid {
            bail!(
                "--settings: invalid settings for module {}: {}",
                loaded.name,
                verdict.message.unwrap_or_default()
            );
        }
        let explains = !catalogue.controls.is_empty();
        let selection = if explains {
            let config = PolicyConfig::new(&loaded.name);
            let answer = host.explain(&loaded, None, &object, &config, &Arc::default())?;
            report::Selection::from_explanation(&answer).map_err(|e| {
                anyhow!(
                    "--settings: module {} cannot read its settings: {e}",
                    loaded.name
                )
            })?
        } else {
            report::Selection::default()
        };
        modules.push(ScanModule {
            settings_bytes: serde_json::to_vec(&object)?,
            source: path.display().to_string(),
            loaded,
            catalogue,
            settings: object,
            given,
            selection,
            sha256,
            explains,
        });
    }
    if !settings.is_empty() {
        let known: Vec<&str> = modules.iter().map(|m| m.loaded.name.as_str()).collect();
        let unknown: Vec<String> = settings
            .keys()
            .map(|k| match did_you_mean(k, &known) {
                Some(near) => format!("{k} (did you mean {near}?)"),
                None => k.clone(),
            })
            .collect();
        bail!(
            "--settings: unknown module{} {}; the modules in {} are {}",
            if unknown.len() == 1 { "" } else { "s" },
            unknown.join(", "),
            dist.display(),
            known.join(", ")
        );
    }
    Ok(modules)
}

/// Levenshtein distance (small strings: module names).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

/// The known name closest to `name`, if close enough to be a typo or a
/// near miss (`access_control`, `availabilty`, `rbac` for none).
fn did_you_mean<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    let lower = name.to_ascii_lowercase().replace('_', "-");
    known
        .iter()
        .map(|k| (edit_distance(&lower, k), *k))
        .filter(|(d, k)| *d <= 3.max(k.len() / 4) || k.starts_with(&lower) && lower.len() >= 4)
        .min()
        .map(|(_, k)| k)
}

/// The object's JSON as the API server stores it: namespaced objects without
/// a namespace get `default_ns`, when one is assumed (`--namespace`).
/// Returns the JSON and the namespace it holds.
fn with_namespace<'o>(object: &'o Object, default_ns: Option<&'o str>) -> (Arc<str>, &'o str) {
    let written = (object.json().clone(), object.namespace().unwrap_or(""));
    let Some(default_ns) = default_ns else {
        return written;
    };
    if request::is_cluster_scoped(object.kind()) || object.namespace().is_some() {
        return written;
    }
    // Deeper than the kit's parser reads: sent as written, and refused by
    // the modules, whose parser is the same.
    let Ok(mut value) = object.value() else {
        return written;
    };
    if let Tree::Object(o) = &mut value {
        let mut meta = match o.remove("metadata") {
            Some(Tree::Object(meta)) => meta,
            // Not an object (the API server would refuse it): left as is.
            Some(_) => return written,
            None => kit::dom::Map::new(),
        };
        meta.insert("namespace", Tree::String(default_ns.into()));
        o.insert("metadata", Tree::Object(meta));
    }
    (Arc::from(value.to_string()), default_ns)
}

/// The object's reference in the reports, with the namespace it was
/// evaluated in (marked assumed when it came from `--namespace`).
fn reference(object: &Object, default_ns: Option<&str>) -> ObjectRef {
    let r = object.reference();
    match default_ns {
        Some(ns) if !request::is_cluster_scoped(object.kind()) => r.with_default_namespace(ns),
        _ => r,
    }
}

/// apiVersion, kind, namespace and name: an object given twice is the same
/// object of the cluster.
type Identity = (String, String, String, String);

fn identity(object: &Object, namespace: &str) -> Option<Identity> {
    let name = object.metadata_name().unwrap_or("");
    (!name.is_empty()).then(|| {
        (
            object.api_version().to_string(),
            object.kind().to_string(),
            namespace.to_string(),
            name.to_string(),
        )
    })
}

/// A scanned object ready to evaluate: how the reports name it, where the
/// admission rules route it, and its JSON.
pub struct Target {
    pub reference: Arc<ObjectRef>,
    group: String,
    resource: String,
    /// `metadata.name`, the request's `name`.
    name: Option<String>,
    namespace_written: bool,
    /// Held once: the cluster context shares this text when a module may
    /// look the object up (a scan of 50,000 objects holds them all until it
    /// ends; a tree takes three to four times the text).
    json: Arc<str>,
}

/// RBAC objects answer `can_i` lookups, which every module may make.
const RBAC_KINDS: &[&str] = &["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"];

/// The cluster the context-aware controls see: the scanned objects and the
/// `--cluster` ones that a module may look up (`readable`: its declared
/// context-aware resources, and RBAC); an object in both counts once, as
/// scanned (it is the version about to be applied). Also returns the
/// scanned objects as [`Target`]s, in order. Objects are held as JSON text
/// (see [`ClusterObjects`]).
pub fn build_context(
    scanned: Vec<Object>,
    cluster: Vec<Object>,
    default_ns: Option<&str>,
    readable: &dyn Fn(&str, &str) -> bool,
) -> (Context, Vec<Target>) {
    let mut seen: HashSet<Identity> = HashSet::new();
    let mut objects = ClusterObjects::default();
    let mut targets = Vec::with_capacity(scanned.len());
    let in_context = |o: &Object| {
        readable(o.api_version(), o.kind())
            || o.api_version().starts_with("rbac.authorization.k8s.io/")
                && RBAC_KINDS.contains(&o.kind())
    };
    for o in scanned {
        let (group, _) = request::split_api_version(o.api_version());
        let (json, namespace) = with_namespace(&o, default_ns);
        if in_context(&o) && identity(&o, namespace).is_none_or(|id| seen.insert(id)) {
            objects.insert_text(json.clone(), selected_by(&o, namespace));
        }
        targets.push(Target {
            reference: Arc::new(reference(&o, default_ns)),
            group,
            resource: request::plural(o.kind()),
            name: o.metadata_name().map(str::to_string),
            namespace_written: o.namespace().is_some(),
            json,
        });
    }
    for o in cluster {
        if !in_context(&o) {
            continue;
        }
        let (json, namespace) = with_namespace(&o, default_ns);
        if let Some(id) = identity(&o, namespace)
            && !seen.insert(id)
        {
            continue;
        }
        objects.insert_text(json, selected_by(&o, namespace));
    }
    (Context::new(objects, Vec::new()), targets)
}

fn selected_by<'o>(object: &'o Object, namespace: &'o str) -> SelectedBy<'o> {
    SelectedBy {
        api_version: object.api_version(),
        kind: object.kind(),
        namespace,
        name: object.metadata_name().unwrap_or(""),
    }
}

/// Returns to the system the memory a scan has freed: glibc keeps it in the
/// heap, in holes between live values, and serves large allocations from
/// fresh pages instead. Called once the inputs are read (the YAML parser's
/// and serde_json's trees of every document lie between the objects' texts)
/// and once the texts are dropped before the reports are built: without it,
/// the report's vector of evaluations came on top of both.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks glibc's own free lists; no Rust value
    // is touched.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Whether any of `modules` may look up objects of this kind.
pub fn readable_by(modules: &[ScanModule]) -> impl Fn(&str, &str) -> bool + '_ {
    move |api_version, kind| {
        modules.iter().any(|m| {
            m.loaded
                .context_aware_resources()
                .iter()
                .any(|r| r.api_version == api_version && r.kind == kind)
        })
    }
}

/// Whether the module's admission rules send it a CREATE of `group`/`resource`
/// (any version: policy-server registers with `matchPolicy: Equivalent`). A
/// module without metadata gets everything.
pub fn routes(metadata: Option<&Metadata>, group: &str, resource: &str) -> bool {
    let Some(m) = metadata else { return true };
    m.rules.iter().any(|r| {
        r.operations.iter().any(|o| o == "CREATE" || o == "*")
            && r.api_groups.iter().any(|g| g == "*" || g == group)
            && r.resources
                .iter()
                .any(|x| x == "*" || x == "*/*" || x == resource)
    })
}

/// Evaluates objects against modules.
pub struct Evaluator<'a> {
    pub host: &'a Host,
    pub modules: &'a [ScanModule],
    pub context: Arc<Context>,
    /// `--namespace`: assumed for objects whose manifest names none.
    pub default_namespace: Option<&'a str>,
    /// Keep one instance per module and worker (see [`Instances`]); false
    /// gives every evaluation a fresh one, as policy-server does.
    pub reuse_instances: bool,
}

/// What one object produced.
pub struct ObjectOutcome {
    pub reference: Arc<ObjectRef>,
    pub evaluations: Vec<Evaluation>,
    /// Modules whose rules do not route this object.
    pub skipped: usize,
}

/// Moves what the objects produced into `scan`, each vector sized once:
/// grown by doubling, the vector of a large scan's evaluations (350,000 for
/// 50,000 workloads through seven modules) held both copies at each step.
pub fn add_outcomes(scan: &mut report::Scan, outcomes: Vec<ObjectOutcome>) {
    scan.objects.reserve_exact(outcomes.len());
    scan.evaluations
        .reserve_exact(outcomes.iter().map(|o| o.evaluations.len()).sum());
    for o in outcomes {
        scan.objects.push(Arc::unwrap_or_clone(o.reference));
        scan.evaluations.extend(o.evaluations);
    }
}

/// Instances one worker keeps between objects, one per module (by index in
/// [`Evaluator::modules`]).
///
/// Reusing an instance cannot change a verdict for a kube-soc2 module: its
/// waPC calls keep no state from one call to the next (the request and the
/// settings come with every call, the arena allocator rewinds after each
/// call, the evidence journal is cleared when an evaluation starts; this is
/// also how `kwctl run` and `kwctl bench` use one instance), and every
/// instance of a scan is granted the same cluster context. An instance is
/// dropped after any failed call (a trap or a timeout may leave it
/// half-way) and when a call grew its memory beyond [`KEEP_MEMORY_BYTES`], so
/// one huge object does not pin its memory for the rest of the scan. Other
/// Kubewarden modules get a fresh instance per evaluation, as under
/// policy-server: nothing says they are stateless.
///
/// Each kept instance's last answer is kept too, with what it was read into:
/// objects that pass a module's controls get the same answer byte for byte
/// (it names no object), and reading an answer (parse, control ids interned,
/// the list of controls that ran shared) costs the host about a tenth of an
/// evaluation. An answer identical to the last one is read as it was then;
/// the reading depends on nothing but the bytes, apart from the object it is
/// about.
#[derive(Default)]
pub struct Instances(Vec<Kept>);

/// What a worker keeps of one module.
#[derive(Default)]
struct Kept {
    instance: Option<PolicyInstance>,
    /// The module's last answer and what it was read into.
    last_answer: Option<(Vec<u8>, Evaluation)>,
}

impl Instances {
    fn of(&mut self, index: usize, modules: usize) -> &mut Kept {
        if self.0.len() < modules {
            self.0.resize_with(modules, Kept::default);
        }
        &mut self.0[index]
    }
}

/// An instance whose linear memory grew beyond this is not kept.
pub const KEEP_MEMORY_BYTES: usize = 64 << 20;

impl Evaluator<'_> {
    /// The CREATE the API server would send for `target`, serialised.
    fn admission_request(&self, target: &Target) -> Result<Vec<u8>> {
        let r = &target.reference;
        // The request around the object, from the fields it reads (the
        // namespace is the one the object holds: written or assumed).
        let stub = serde_json::json!({
            "apiVersion": r.api_version,
            "kind": r.kind,
            "metadata": {"name": target.name, "namespace": r.namespace},
        });
        let mut request = request::wrap_object(stub, &Wrap::default())?;
        if r.is_cluster_scoped() || (self.default_namespace.is_none() && !target.namespace_written)
        {
            // wrap_object's own list may not know a cluster-scoped kind; and
            // it falls back to `default` like `kubectl` without a context
            // namespace, while the scan does not know the apply-time
            // namespace: the request names none and the object keeps its
            // manifest (controls treat an empty namespace as unknown).
            request.namespace = None;
        }
        // The object itself, as the scan holds it (with the assumed
        // namespace, if any): what wrap_object would have sent.
        request.object = None;
        let mut bytes = serde_json::to_vec(&request)?;
        if bytes.pop() != Some(b'}') {
            bail!("the AdmissionRequest did not serialise to a JSON object");
        }
        bytes.extend_from_slice(b",\"object\":");
        bytes.extend_from_slice(target.json.as_bytes());
        bytes.push(b'}');
        Ok(bytes)
    }

    /// `explain` of `payload` by module `index`, on the worker's kept
    /// instance (see [`Instances`]) or a fresh one.
    fn explain(
        &self,
        index: usize,
        config: &PolicyConfig,
        payload: &[u8],
        instances: &mut Instances,
    ) -> Result<Vec<u8>> {
        let m = &self.modules[index];
        if !self.reuse_instances {
            return self
                .host
                .call(&m.loaded, config, &self.context, "explain", payload)
                .map_err(|e| anyhow!("{e}"));
        }
        let slot = &mut instances.of(index, self.modules.len()).instance;
        let instance = match slot {
            Some(instance) => instance,
            None => slot.insert(
                self.host
                    .instantiate(&m.loaded, config, &self.context)
                    .map_err(|e| anyhow!("{e}"))?,
            ),
        };
        match instance.call("explain", payload) {
            Ok(bytes) => {
                if instance.memory_bytes() > KEEP_MEMORY_BYTES {
                    *slot = None;
                }
                Ok(bytes)
            }
            Err(e) => {
                *slot = None;
                Err(anyhow!("{e}"))
            }
        }
    }

    pub fn evaluate(&self, target: &Target, instances: &mut Instances) -> ObjectOutcome {
        let mut outcome = ObjectOutcome {
            reference: target.reference.clone(),
            evaluations: Vec::new(),
            skipped: 0,
        };
        let targets: Vec<usize> = (0..self.modules.len())
            .filter(|&i| {
                let metadata = self.modules[i].loaded.metadata.as_ref();
                routes(metadata, &target.group, &target.resource)
            })
            .collect();
        outcome.skipped = self.modules.len() - targets.len();
        outcome.evaluations.reserve_exact(targets.len());
        if targets.is_empty() {
            return outcome;
        }
        let request_bytes = match self.admission_request(target) {
            Ok(r) => r,
            Err(e) => {
                for i in targets {
                    outcome.evaluations.push(Evaluation::failed(
                        outcome.reference.clone(),
                        self.modules[i].name(),
                        format!("cannot build the AdmissionRequest: {e:#}"),
                    ));
                }
                return outcome;
            }
        };
        for i in targets {
            let m = &self.modules[i];
            let config = PolicyConfig {
                // The scanned set is the cluster: grant what the module declares.
                allow_context_aware: true,
                ..PolicyConfig::new(&m.loaded.name)
            };
            let reference = outcome.reference.clone();
            let evaluation = if m.explains {
                let payload = request::scan_payload(&request_bytes, &m.settings_bytes);
                match self.explain(i, &config, &payload, instances) {
                    Ok(answer) => self.read_answer(i, reference, answer, instances),
                    Err(e) => Evaluation::failed(reference, m.name(), format!("{e:#}")),
                }
            } else {
                self.verdict_only(m, &request_bytes, &config, reference)
            };
            outcome.evaluations.push(evaluation);
        }
        outcome
    }

    /// The evaluation module `index`'s `answer` says about `reference`; with
    /// kept instances, an answer identical to the module's last one is read
    /// as it was then (see [`Instances`]).
    fn read_answer(
        &self,
        index: usize,
        reference: Arc<ObjectRef>,
        answer: Vec<u8>,
        instances: &mut Instances,
    ) -> Evaluation {
        let m = &self.modules[index];
        let read = |reference| {
            Evaluation::from_explanation_bytes(reference, m.name(), &answer, Some(&m.catalogue))
        };
        if !self.reuse_instances {
            return read(reference);
        }
        let last = &mut instances.of(index, self.modules.len()).last_answer;
        if let Some((bytes, evaluation)) = last.as_ref()
            && *bytes == answer
        {
            return Evaluation {
                object: reference,
                ..evaluation.clone()
            };
        }
        let evaluation = read(reference);
        *last = Some((answer, evaluation.clone()));
        evaluation
    }

    /// A module without `explain` (not a kube-soc2 module): its admission
    /// verdict alone, reported under the module's name as one check.
    fn verdict_only(
        &self,
        m: &ScanModule,
        request: &[u8],
        config: &PolicyConfig,
        reference: Arc<ObjectRef>,
    ) -> Evaluation {
        let request: Value = match serde_json::from_slice(request) {
            Ok(r) => r,
            Err(e) => return Evaluation::failed(reference, m.name(), format!("{e:#}")),
        };
        let request = &request;
        let response =
            match self
                .host
                .evaluate(&m.loaded, request, &m.settings, config, &self.context)
            {
                Ok(r) => r,
                Err(e) => return Evaluation::failed(reference, m.name(), format!("{e:#}")),
            };
        let outcome = if response.allowed { "pass" } else { "fail" };
        let message = response.status.as_ref().and_then(|s| s.message.clone());
        let explanation = kit::json_value!({
            "response": {"accepted": response.allowed, "message": message},
            "controls": [{"id": m.name(), "status": outcome,
                          "findings": [{"path": "", "message": message.clone().unwrap_or_default()}],
                          "total": 1}],
        });
        Evaluation::from_explanation(reference, m.name(), &explanation, None)
    }

    /// Every object on `jobs` threads pulling from a shared index; outcomes in
    /// object order. `on_done` runs after each object (any thread).
    pub fn evaluate_all(
        &self,
        objects: &[Target],
        jobs: usize,
        on_done: &(dyn Fn() + Sync),
    ) -> Vec<ObjectOutcome> {
        let next = AtomicUsize::new(0);
        let threads = jobs.clamp(1, objects.len().max(1));
        let mut indexed: Vec<(usize, ObjectOutcome)> = std::thread::scope(|s| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| {
                        let mut instances = Instances::default();
                        let mut mine = Vec::new();
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            let Some(object) = objects.get(i) else { break };
                            mine.push((i, self.evaluate(object, &mut instances)));
                            on_done();
                        }
                        mine
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|w| match w.join() {
                    Ok(v) => v,
                    Err(panic) => std::panic::resume_unwind(panic),
                })
                .collect()
        });
        indexed.sort_by_key(|(i, _)| *i);
        indexed.into_iter().map(|(_, o)| o).collect()
    }
}

/// A progress bar on stderr, drawn only when stderr is a terminal and the
/// work takes long enough to notice.
struct Progress {
    total: usize,
    done: AtomicUsize,
    finished: AtomicBool,
    started: Instant,
}

const PROGRESS_DELAY: Duration = Duration::from_millis(400);
const PROGRESS_WIDTH: usize = 30;

impl Progress {
    fn new(total: usize) -> Progress {
        Progress {
            total,
            done: AtomicUsize::new(0),
            finished: AtomicBool::new(false),
            started: Instant::now(),
        }
    }

    fn line(&self) -> String {
        let done = self.done.load(Ordering::Relaxed).min(self.total);
        let filled = (done * PROGRESS_WIDTH).checked_div(self.total).unwrap_or(0);
        let percent = (done * 100).checked_div(self.total).unwrap_or(100);
        format!(
            "\r\x1b[2Kscanning [{}{}] {done}/{} objects {percent:>3}% {:.1}s",
            "#".repeat(filled),
            "-".repeat(PROGRESS_WIDTH - filled),
            self.total,
            self.started.elapsed().as_secs_f64()
        )
    }

    /// Draws until `finished`; clears its line if it drew anything.
    fn draw_until_finished(&self) {
        let mut drawn = false;
        let mut stderr = std::io::stderr();
        while !self.finished.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(80));
            if self.started.elapsed() >= PROGRESS_DELAY && !self.finished.load(Ordering::Relaxed) {
                let _ = stderr.write_all(self.line().as_bytes());
                let _ = stderr.flush();
                drawn = true;
            }
        }
        if drawn {
            let _ = stderr.write_all(b"\r\x1b[2K");
            let _ = stderr.flush();
        }
    }
}

/// Evaluates with a progress bar on stderr when it is a terminal.
fn evaluate_with_progress(
    evaluator: &Evaluator,
    objects: &[Target],
    jobs: usize,
) -> Vec<ObjectOutcome> {
    let progress = Progress::new(objects.len());
    let on_done = || {
        progress.done.fetch_add(1, Ordering::Relaxed);
    };
    if !std::io::stderr().is_terminal() {
        return evaluator.evaluate_all(objects, jobs, &on_done);
    }
    std::thread::scope(|s| {
        s.spawn(|| progress.draw_until_finished());
        let outcomes = evaluator.evaluate_all(objects, jobs, &on_done);
        progress.finished.store(true, Ordering::Relaxed);
        outcomes
    })
}

/// Inputs that yielded no object and no error: a wrong path must not pass.
fn nothing_found(inputs: &[PathBuf], loaded: &Loaded) -> Vec<InputError> {
    if !loaded.objects.is_empty() || !loaded.errors.is_empty() {
        return Vec::new();
    }
    inputs
        .iter()
        .map(|i| InputError {
            file: if i.as_os_str() == report::inputs::STDIN {
                report::inputs::STDIN_NAME.to_string()
            } else {
                i.display().to_string()
            },
            document: None,
            line: None,
            message: "no Kubernetes objects found".to_string(),
        })
        .collect()
}

fn use_color(to_stdout: bool) -> bool {
    to_stdout
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Writes the report in `format` to `path`, or to stdout (a reader that
/// stops early, `| head`, is not an error).
fn write_report(
    format: Format,
    scan: &report::Scan,
    results: &report::Results,
    options: &report::RenderOptions,
    path: Option<&Path>,
) -> Result<()> {
    let write = |out: &mut dyn Write| {
        report::write_results(format, scan, results, options, out).and_then(|()| out.flush())
    };
    match path {
        Some(path) => std::fs::File::create(path)
            .and_then(|file| write(&mut std::io::BufWriter::new(file)))
            .with_context(|| format!("cannot write the report to {}", path.display())),
        None => match write(&mut std::io::stdout().lock()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                Err(anyhow!("cannot write the report to stdout: {e}"))
            }
            _ => Ok(()),
        },
    }
}

/// Runs `kube-soc2 scan`. `Err` for usage errors (bad settings, no modules,
/// unwritable output): the caller exits 2.
pub fn scan(args: &ScanArgs) -> Result<report::ExitCode> {
    let started = Instant::now();
    let host = args.host.host()?;
    let dist = resolve_dist(args.dist.as_deref());
    let modules = load_modules(&host, &dist, args.settings.as_deref())?;
    let baseline = match &args.baseline {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("--baseline: cannot read {}", path.display()))?;
            Some(
                report::baseline::Baseline::from_json(&path.display().to_string(), &text)
                    .map_err(|e| anyhow!("--baseline: {e}"))?,
            )
        }
        None => None,
    };

    let load_options = report::LoadOptions::new(&args.exclude).map_err(|e| anyhow!(e))?;
    let mut loaded =
        report::inputs::load_with(&args.inputs, &mut std::io::stdin().lock(), &load_options);
    // One line; the terminal summary carries it itself.
    if (args.format != Format::Terminal || args.output.is_some())
        && let Some(line) = report::inputs::skipped_summary(&loaded.skipped)
    {
        eprintln!("kube-soc2 scan: {line}");
    }
    let cluster = if args.cluster.is_empty() {
        Loaded::default()
    } else {
        report::inputs::load(&args.cluster, &mut std::io::empty())
    };
    let no_objects = nothing_found(&args.inputs, &loaded);
    loaded.errors.extend(no_objects);
    let namespace = args.namespace.as_deref().filter(|n| !n.is_empty());
    let (context, targets) = build_context(
        std::mem::take(&mut loaded.objects),
        cluster.objects,
        namespace,
        &readable_by(&modules),
    );
    let context = Arc::new(context);
    release_freed_memory();

    let evaluator = Evaluator {
        host: &host,
        modules: &modules,
        context,
        default_namespace: namespace,
        reuse_instances: true,
    };
    let outcomes = evaluate_with_progress(&evaluator, &targets, args.host.jobs());
    // The objects and the cluster context are not needed for the reports.
    drop(evaluator);
    drop(targets);
    release_freed_memory();

    let mut scan = report::Scan::new("kube-soc2", env!("CARGO_PKG_VERSION"));
    scan.inputs = args
        .inputs
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    for m in &modules {
        // The settings object the module evaluated with, `{}` for defaults.
        let mut module =
            report::Module::new(m.catalogue.clone(), m.settings.clone(), m.selection.clone());
        module.source = Some(m.source.clone());
        module.sha256 = Some(m.sha256.clone());
        scan.modules.push(module);
    }
    add_outcomes(&mut scan, outcomes);
    release_freed_memory();
    scan.input_errors = loaded.errors;
    scan.skipped_inputs = loaded.skipped;
    scan.input_files = loaded.files;
    scan.input_files
        .extend(cluster.files.iter().map(|f| report::evidence::InputFile {
            file: format!("--cluster {}", f.file),
            ..f.clone()
        }));
    scan.namespace = namespace.map(str::to_string);
    scan.baseline = baseline;
    // --cluster errors make the context incomplete: the scan cannot pass.
    scan.input_errors
        .extend(cluster.errors.into_iter().map(|mut e| {
            e.message = format!("--cluster: {}", e.message);
            e
        }));
    scan.duration = Some(started.elapsed());

    let results = report::analyse(&scan);
    let options = report::RenderOptions {
        color: false,
        fail_on: args.fail_on,
        evidence: args.evidence,
        policy_report: report::policyreport::Options {
            layout: args.policy_report_layout,
            ..Default::default()
        },
    };
    let code = report::exit::exit_code_for(&scan, &results, args.fail_on);
    for (format, path) in &args.report {
        write_report(*format, &scan, &results, &options, Some(path))?;
        eprintln!("wrote {} ({})", path.display(), format.name());
    }
    let options = report::RenderOptions {
        color: args.format == Format::Terminal && use_color(args.output.is_none()),
        ..options
    };
    write_report(
        args.format,
        &scan,
        &results,
        &options,
        args.output.as_deref(),
    )?;
    if let Some(path) = &args.output {
        eprintln!(
            "kube-soc2 scan: {} objects, {} checks: {} passed, {} failed, {} errors; {}: {} written to {} (exit {})",
            results.objects.len(),
            results.totals.evaluated,
            results.totals.pass,
            results.totals.fail,
            results.totals.error + scan.input_errors.len(),
            report::verdict(&scan, &results, args.fail_on).words(),
            args.format.name(),
            path.display(),
            code.code()
        );
    }
    // The terminal summary lists them; other formats on stdout would bury them.
    if args.format != Format::Terminal || args.output.is_some() {
        for e in &scan.input_errors {
            eprintln!("error: {e}");
        }
    }
    Ok(code)
}

/// `1.2 MB`, `340 KB`, `912 B` (decimal units).
fn human_bytes(n: usize) -> String {
    match n {
        0..1_000 => format!("{n} B"),
        1_000..1_000_000 => format!("{:.0} KB", n as f64 / 1e3),
        _ => format!("{:.1} MB", n as f64 / 1e6),
    }
}

/// The process's peak resident set size (Linux `VmHWM`), if known.
pub fn peak_rss() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// CPU time (user + system) the process has used so far, from
/// `/proc/self/stat` (Linux; clock ticks of 10 ms): throughput per CPU second
/// stays comparable when other work shares the machine.
pub fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line: 11 and 12 here.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Runs `kube-soc2 bench-scan`: scans generated objects through the modules
/// and prints objects per second and the time to the first result.
pub fn bench_scan(args: &BenchScanArgs) -> Result<bool> {
    let started = Instant::now();
    let host = args.host.host()?;
    let dist = resolve_dist(args.dist.as_deref());
    let modules = load_modules(&host, &dist, args.settings.as_deref())?;
    let compiled = started.elapsed();
    let objects = report::generate::generate_objects_mix(args.objects, args.seed, args.mix);
    // Generated objects all name their namespace.
    let namespace = None;
    let (context, objects) = build_context(objects, Vec::new(), namespace, &readable_by(&modules));
    let context = Arc::new(context);
    let prepared = started.elapsed();
    let jobs = args.host.jobs();
    let evaluator = Evaluator {
        host: &host,
        modules: &modules,
        context,
        default_namespace: namespace,
        reuse_instances: !args.fresh_instances,
    };
    let first = std::sync::OnceLock::<Duration>::new();
    let cpu_before = cpu_time();
    let throughput = report::generate::Throughput::start();
    let on_done = || {
        first.get_or_init(|| started.elapsed());
        throughput.record();
    };
    let outcomes = evaluator.evaluate_all(&objects, jobs, &on_done);
    let measured = throughput.finish();
    let cpu = cpu_time()
        .zip(cpu_before)
        .map(|(after, before)| after - before);

    let report_started = Instant::now();
    let mut scan = report::Scan::new("kube-soc2", env!("CARGO_PKG_VERSION"));
    scan.inputs = vec!["generated".into()];
    for m in &modules {
        scan.modules.push(report::Module::new(
            m.catalogue.clone(),
            m.given.clone(),
            m.selection.clone(),
        ));
    }
    let evaluations = outcomes.iter().map(|o| o.evaluations.len()).sum::<usize>();
    let skipped = outcomes.iter().map(|o| o.skipped).sum::<usize>();
    add_outcomes(&mut scan, outcomes);
    scan.duration = Some(started.elapsed());
    // The high-water mark of the scan itself: rendering every format below
    // at once (a scan renders the ones asked for) raises it further.
    let scanned_peak = peak_rss();
    let results = report::analyse(&scan);
    let json = report::render_results(
        Format::Json,
        &scan,
        &results,
        &report::RenderOptions::default(),
    );
    let reported = report_started.elapsed();

    let names: Vec<&str> = modules.iter().map(ScanModule::name).collect();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "bench-scan: {} generated objects ({} mix, seed {}) × {} modules ({}), {jobs} threads",
        objects.len(),
        args.mix.name(),
        args.seed,
        modules.len(),
        names.join(", ")
    );
    println!(
        "  modules compiled (or read from the compile cache) and settings validated in {:.0} ms; objects generated and context built in {:.0} ms",
        ms(compiled),
        ms(prepared - compiled)
    );
    println!(
        "  evaluated: {evaluations} evaluations ({}), {skipped} object × module pairs not routed by the modules' rules",
        if args.fresh_instances {
            "a fresh instance each, as policy-server"
        } else {
            "one instance kept per module and thread, as scan"
        }
    );
    println!(
        "  throughput: {:.0} objects/s ({} objects in {:.3} s, {:.0} evaluations/s)",
        measured.objects_per_second(),
        measured.objects,
        measured.total.as_secs_f64(),
        evaluations as f64 / measured.total.as_secs_f64().max(f64::EPSILON)
    );
    if let Some(cpu) = cpu {
        println!(
            "  CPU: {:.3} s for the evaluations, {:.0} µs per object, {:.0} µs per evaluation ({:.0} objects per CPU second; {jobs} threads on idle cores: up to {:.0} objects/s)",
            cpu.as_secs_f64(),
            cpu.as_secs_f64() * 1e6 / measured.objects.max(1) as f64,
            cpu.as_secs_f64() * 1e6 / evaluations.max(1) as f64,
            measured.objects as f64 / cpu.as_secs_f64().max(f64::EPSILON),
            jobs as f64 * measured.objects as f64 / cpu.as_secs_f64().max(f64::EPSILON)
        );
    }
    println!(
        "  time to first result: {:.1} ms after evaluation began, {:.1} ms after the command started",
        measured.time_to_first_result.map(ms).unwrap_or(0.0),
        first.get().copied().map(ms).unwrap_or(0.0)
    );
    println!(
        "  checks: {} evaluated, {} passed, {} failed, {} errors; analysed and rendered as JSON ({} bytes) in {:.0} ms",
        results.totals.evaluated,
        results.totals.pass,
        results.totals.fail,
        results.totals.error,
        json.len(),
        ms(reported)
    );
    // Report sizes per format (default options: --evidence failures), and
    // what --evidence full costs: the readable formats grow with failures.
    let flagged = results
        .notable
        .iter()
        .filter(|c| matches!(c.status, report::Status::Fail | report::Status::Warn))
        .count();
    let mut sizes = Vec::new();
    for format in [
        Format::Html,
        Format::Markdown,
        Format::Terminal,
        Format::PolicyReport,
        Format::Sarif,
    ] {
        let t = Instant::now();
        let text = report::render_results(format, &scan, &results, &Default::default());
        sizes.push(format!(
            "{} {} in {:.0} ms",
            format.name(),
            human_bytes(text.len()),
            ms(t.elapsed())
        ));
    }
    let full = report::RenderOptions {
        evidence: report::EvidenceMode::Full,
        ..Default::default()
    };
    let html_full = report::render_results(Format::Html, &scan, &results, &full).len();
    println!(
        "  reports ({flagged} failed or warned checks): json {}, {}; html --evidence full {}",
        human_bytes(json.len()),
        sizes.join(", "),
        human_bytes(html_full)
    );
    let shown = |peak: Option<usize>| peak.map_or("unknown".to_string(), human_bytes);
    println!(
        "  total: {:.3} s; peak resident memory {} when evaluated, {} with every report format above rendered at once",
        started.elapsed().as_secs_f64(),
        shown(scanned_peak),
        shown(peak_rss())
    );
    Ok(results.totals.error == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(v: serde_json::Value) -> Object {
        let origin = report::Origin {
            file: "f".into(),
            document: 1,
            item: None,
            line: 1,
            source: None,
        };
        Object::new(0, origin, &v)
    }
    use kit::cluster::Cluster;

    #[test]
    fn default_namespace_only_for_namespaced_kinds() {
        let placed = |v: serde_json::Value, ns: Option<&str>| {
            let o = object(v);
            let (text, namespace) = with_namespace(&o, ns);
            (
                kit::dom::parse(text.as_bytes()).unwrap(),
                namespace.to_string(),
            )
        };
        let (d, ns) = placed(
            serde_json::json!({"kind": "Deployment", "metadata": {"name": "a"}}),
            Some("team"),
        );
        assert_eq!(d["metadata"]["namespace"], "team");
        assert_eq!(ns, "team");
        let (kept, ns) = placed(
            serde_json::json!({"kind": "Deployment", "metadata": {"name": "a", "namespace": "x"}}),
            Some("team"),
        );
        assert_eq!(kept["metadata"]["namespace"], "x");
        assert_eq!(ns, "x");
        let (ns, _) = placed(
            serde_json::json!({"kind": "Namespace", "metadata": {"name": "a"}}),
            Some("team"),
        );
        assert!(ns["metadata"].get("namespace").is_none());
        let (flow, _) = placed(
            serde_json::json!({"kind": "FlowSchema", "metadata": {}}),
            Some("team"),
        );
        assert!(flow["metadata"].get("namespace").is_none());
        // No --namespace: the manifest is left as written.
        let (none, ns) = placed(
            serde_json::json!({"kind": "Deployment", "metadata": {"name": "a"}}),
            None,
        );
        assert!(none["metadata"].get("namespace").is_none());
        assert_eq!(ns, "");
    }

    #[test]
    fn near_module_names_are_suggested() {
        let known = ["access-control", "availability", "supply-chain"];
        assert_eq!(
            did_you_mean("access_control", &known),
            Some("access-control")
        );
        assert_eq!(did_you_mean("availabilty", &known), Some("availability"));
        assert_eq!(did_you_mean("supply", &known), Some("supply-chain"));
        assert_eq!(did_you_mean("rbac", &known), None);
    }

    #[test]
    fn rules_route_by_group_and_resource() {
        let m: Metadata = serde_json::from_value(serde_json::json!({
            "rules": [
                {"apiGroups": ["apps"], "apiVersions": ["v1"], "resources": ["deployments"], "operations": ["CREATE", "UPDATE"]},
                {"apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods/exec"], "operations": ["CONNECT"]},
                {"apiGroups": ["rbac.authorization.k8s.io"], "apiVersions": ["*"], "resources": ["*"], "operations": ["*"]}
            ],
            "mutating": false
        }))
        .unwrap();
        assert!(routes(Some(&m), "apps", "deployments"));
        assert!(!routes(Some(&m), "apps", "statefulsets"));
        assert!(!routes(Some(&m), "", "pods"));
        assert!(routes(Some(&m), "rbac.authorization.k8s.io", "roles"));
        assert!(routes(None, "", "configmaps"));
    }

    #[test]
    fn context_counts_an_object_once_and_the_scanned_version_wins() {
        let obj = object;
        let scanned = vec![
            obj(
                serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"v": "new"}}),
            ),
            obj(
                serde_json::json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}}),
            ),
        ];
        let cluster = vec![
            obj(
                serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "namespace": "default"}, "data": {"v": "old"}}),
            ),
            obj(
                serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}}),
            ),
            obj(
                serde_json::json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "c"}}),
            ),
        ];
        // Only ConfigMaps are looked up: the Secret and the Service stay out.
        let readable = |_: &str, kind: &str| kind == "ConfigMap";
        let (ctx, targets) = build_context(scanned, cluster, Some("default"), &readable);
        assert_eq!(ctx.cluster.len(), 2);
        let config_maps = ctx.cluster.list("v1", "ConfigMap", None, None).unwrap();
        assert_eq!(config_maps[0]["data"]["v"], "new");
        assert_eq!(config_maps[1]["metadata"]["namespace"], "default");
        assert!(
            ctx.cluster
                .list("v1", "Secret", None, None)
                .unwrap()
                .is_empty()
        );
        assert!(
            targets[1].json.contains(r#""namespace":"default""#),
            "{}",
            targets[1].json
        );
    }
}
