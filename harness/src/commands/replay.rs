//! `kube-soc2 replay`: every fixture against every module in `dist/`. A
//! bundle module (`soc2`) is held to the expectations of the fixtures of
//! every family it holds, with their controls (see [`bundle_settings`]).

use super::dist_modules;
use crate::admission::PolicyConfig;
use crate::catalogue::ControlInfo;
use crate::engine::{Host, LoadedModule};
use crate::fixtures::{self, Case};
use anyhow::Result;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// One module × case evaluation and what went wrong in it.
struct Outcome {
    label: String,
    module: String,
    description: String,
    diffs: Vec<String>,
}

/// Settings a module is evaluated with: the fixture's own for the modules it
/// names; for the others the fixture's if that module accepts them (they are
/// usually another family's control ids), `{}` otherwise.
struct SettingsCache<'h> {
    host: &'h Host,
    verdicts: Mutex<HashMap<(String, String), Result<(), String>>>,
}

impl SettingsCache<'_> {
    fn validate(&self, module: &LoadedModule, settings: &Value) -> Result<(), String> {
        let key = (module.name.clone(), settings.to_string());
        if let Some(v) = self.verdicts.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return v;
        }
        let verdict = match self.host.validate_settings(module, settings) {
            Ok(r) if r.valid => Ok(()),
            Ok(r) => Err(r.message.unwrap_or_default()),
            Err(e) => Err(format!("{e:#}")),
        };
        if let Ok(mut m) = self.verdicts.lock() {
            m.insert(key, verdict.clone());
        }
        verdict
    }
}

/// Whether `module` is a bundle holding family `family` (its catalogue names
/// controls of that family).
fn holds(module: &LoadedModule, family: &str) -> bool {
    module.name != family
        && module
            .catalogue
            .as_ref()
            .is_some_and(|c| c.controls.iter().any(|ctl| ctl.family == family))
}

/// The settings a bundle module is held to a case's expectations with, when
/// the case names families the bundle holds (and not the bundle): the case's
/// settings with `controls` listing the controls they select in those
/// families (by default their `default` ones), so the bundle evaluates
/// exactly the named families' controls. A selector that selects none of
/// them is kept as written, for the bundle to refuse as the family does; ids
/// a tag brings in and `skip` lists are left out, as the family leaves them.
fn bundle_settings(module: &LoadedModule, case: &Case) -> Option<Value> {
    if case.modules.contains(&module.name) {
        return None;
    }
    let catalogue = module.catalogue.as_ref()?;
    let controls: Vec<&ControlInfo> = catalogue
        .controls
        .iter()
        .filter(|c| c.family != catalogue.family && case.modules.contains(&c.family))
        .collect();
    if controls.is_empty() {
        return None;
    }
    let mut settings = case.settings.clone();
    let selectors = match settings.get("controls") {
        None => vec![json!(kit::settings::DEFAULT_TAG)],
        Some(Value::Array(a)) => a.clone(),
        Some(one @ Value::String(_)) => vec![one.clone()],
        // Not selectors: refused by the bundle as by the family.
        Some(_) => return Some(settings),
    };
    let skipped: Vec<&str> = match settings.get("skip") {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        Some(Value::String(s)) => vec![s.as_str()],
        _ => Vec::new(),
    };
    let mut ids: Vec<Value> = Vec::new();
    for selector in selectors {
        let Some(sel) = selector.as_str() else {
            ids.push(selector);
            continue;
        };
        let selected: Vec<&str> = controls
            .iter()
            .filter(|c| sel == kit::settings::ALL || c.id == sel || c.tags.iter().any(|t| t == sel))
            .map(|c| c.id.as_str())
            .collect();
        if selected.is_empty() || selected == [sel] {
            ids.push(selector.clone());
            continue;
        }
        for id in selected {
            if !skipped.contains(&id) && !ids.iter().any(|v| v == id) {
                ids.push(json!(id));
            }
        }
    }
    settings["controls"] = Value::Array(ids);
    Some(settings)
}

fn evaluate(host: &Host, cache: &SettingsCache, module: &LoadedModule, case: &Case) -> Outcome {
    let through_bundle = bundle_settings(module, case);
    let named = case.modules.contains(&module.name) || through_bundle.is_some();
    let case_settings = through_bundle.as_ref().unwrap_or(&case.settings);
    let mut outcome = Outcome {
        label: case.label(),
        module: module.name.clone(),
        description: case.description.clone(),
        diffs: Vec::new(),
    };
    // A fixture may test how `validate` refuses bad settings (policy-server
    // would refuse them at start), so the named modules still get them; the
    // verdict of validate_settings is shown when the expectation fails.
    let (settings, invalid_settings) = match cache.validate(module, case_settings) {
        Ok(()) => (case_settings.clone(), None),
        Err(message) if named => (case_settings.clone(), Some(message)),
        Err(_) => (json!({}), None),
    };
    let config = PolicyConfig {
        // Fixtures test context-aware controls: grant what the module declares.
        allow_context_aware: true,
        ..PolicyConfig::new(&module.name)
    };
    match host.evaluate(module, &case.request, &settings, &config, &case.context) {
        Ok(response) => {
            outcome.diffs = if named {
                let mut d = fixtures::check(&case.expect, &response);
                d.extend(
                    fixtures::check_well_formed(case, &response)
                        .into_iter()
                        .filter(|w| {
                            !w.starts_with("internal error") || case.expect.code != Some(500)
                        }),
                );
                d.dedup();
                if let (false, Some(message)) = (d.is_empty(), invalid_settings) {
                    d.push(format!("Provided settings are not valid: {message}"));
                }
                d
            } else {
                fixtures::check_well_formed(case, &response)
            }
        }
        Err(e) => outcome.diffs.push(format!("cannot evaluate: {e:#}")),
    }
    outcome
}

/// Runs `work(i)` for `0..n` on every core; results in index order.
pub fn parallel_map<T: Send>(n: usize, work: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(n.max(1));
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<T>>> = (0..n).map(|_| Mutex::new(None)).collect();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        break;
                    }
                    let r = work(i);
                    if let Ok(mut slot) = results[i].lock() {
                        *slot = Some(r);
                    }
                }
            });
        }
    });
    results
        .into_iter()
        .filter_map(|m| m.into_inner().ok().flatten())
        .collect()
}

/// The fixture folders replayed when none is named: the suite-wide ones and
/// each family's own (`policies/<family>/fixtures`).
pub fn default_fixture_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = vec![PathBuf::from("tests/fixtures")]
        .into_iter()
        .filter(|p| p.is_dir())
        .collect();
    if let Ok(entries) = std::fs::read_dir("policies") {
        let mut families: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path().join("fixtures")))
            .filter(|p| p.is_dir())
            .collect();
        families.sort();
        dirs.extend(families);
    }
    dirs
}

pub fn replay(
    host: &Host,
    dist: &Path,
    fixture_dirs: &[PathBuf],
    filter: Option<&str>,
) -> Result<bool> {
    let fixture_dirs = if fixture_dirs.is_empty() {
        default_fixture_dirs()
    } else {
        fixture_dirs.to_vec()
    };
    let modules: Vec<Arc<LoadedModule>> = dist_modules(dist)?
        .iter()
        .map(|p| host.load(p))
        .collect::<Result<_>>()?;
    let mut cases: Vec<Case> = Vec::new();
    let mut failures: Vec<String> = Vec::new();
    let mut files = Vec::new();
    for dir in &fixture_dirs {
        files.extend(fixtures::fixture_files(dir)?);
    }
    for file in files {
        let file_matches = filter.is_none_or(|f| file.to_string_lossy().contains(f));
        for doc in fixtures::parse_file(&file)? {
            let document = doc.number;
            let fixture = match doc.fixture {
                Ok(f) => f,
                Err(e) => {
                    failures.push(format!(
                        "{}:{} (document {document}): unparsable fixture: {e:#}",
                        file.display(),
                        doc.line
                    ));
                    continue;
                }
            };
            if !file_matches && !filter.is_some_and(|f| fixture.description.contains(f)) {
                continue;
            }
            match fixture.cases(&file, document) {
                Ok(c) => cases.extend(c),
                Err(e) => failures.push(format!(
                    "{}#{document} {}: unusable fixture: {e:#}",
                    file.display(),
                    fixture.description
                )),
            }
        }
    }
    let unparsable = failures.len();
    // Modules a fixture names but dist lacks (a bundle holding one stands in).
    let mut missing = 0;
    for case in &cases {
        for name in &case.modules {
            if !modules.iter().any(|m| &m.name == name || holds(m, name)) {
                missing += 1;
                failures.push(format!(
                    "{} [{name}] {}: module {name} is not in {} (run scripts/build first)",
                    case.label(),
                    case.description,
                    dist.display()
                ));
            }
        }
    }
    let cache = SettingsCache {
        host,
        verdicts: Mutex::new(HashMap::new()),
    };
    let pairs: Vec<(&Case, &LoadedModule)> = cases
        .iter()
        .flat_map(|c| modules.iter().map(move |m| (c, m.as_ref())))
        .collect();
    let outcomes = parallel_map(pairs.len(), |i| {
        evaluate(host, &cache, pairs[i].1, pairs[i].0)
    });
    let mut passed = 0;
    let mut failed = unparsable + missing;
    for o in outcomes {
        if o.diffs.is_empty() {
            passed += 1;
        } else {
            failed += 1;
            failures.push(format!(
                "{} [{}] {}: {}",
                o.label,
                o.module,
                o.description,
                o.diffs.join("; ")
            ));
        }
    }
    for f in &failures {
        println!("FAIL {f}");
    }
    println!("{passed} passed, {failed} failed");
    Ok(failed == 0)
}
