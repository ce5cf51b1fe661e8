//! `kube-soc2 conformance`: Kubernetes' own Pod Security Admission fixtures
//! (tests/conformance/pss-cases.jsonl) through the access-control module.

use super::replay::parallel_map;
use crate::admission::PolicyConfig;
use crate::cluster_snapshot::Context;
use crate::engine::{Host, LoadedModule};
use crate::request::AdmissionRequest;
use anyhow::{Context as _, Result, anyhow, bail};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};

#[derive(Deserialize)]
struct CaseLine {
    id: String,
    request: Value,
    #[serde(default)]
    settings: Option<CaseSettings>,
    expect: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct CaseSettings {
    #[serde(default)]
    version: Option<String>,
}

/// One verdict to check: a case under one control selection.
struct Check {
    id: String,
    key: String,
    expected_allow: bool,
    request: Value,
    settings: Value,
}

/// `seccompProfile_baseline` → `seccomp-profile-baseline`.
pub fn kebab_case(check: &str) -> String {
    let mut out = String::new();
    for c in check.chars() {
        if c == '_' {
            out.push('-');
        } else if c.is_ascii_uppercase() {
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The control selection an expectation key stands for.
pub fn control_for_key(key: &str) -> Result<String> {
    match key {
        "pss-baseline" | "pss-restricted" => Ok(key.to_string()),
        _ => match key.strip_prefix("pss:") {
            Some(check) if !check.is_empty() => Ok(format!("pss-{}", kebab_case(check))),
            _ => bail!("unknown expectation key \"{key}\""),
        },
    }
}

fn parse_cases(path: &Path, filter: Option<&str>) -> Result<Vec<Check>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut checks = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let case: CaseLine = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: not a conformance case", path.display(), n + 1))?;
        if filter.is_some_and(|f| !case.id.contains(f)) {
            continue;
        }
        let request = AdmissionRequest::from_value(case.request)
            .with_context(|| format!("{}:{} ({})", path.display(), n + 1, case.id))?
            .to_value();
        let version = case.settings.and_then(|s| s.version);
        for (key, verdict) in case.expect {
            let expected_allow = match verdict.as_str() {
                "allow" => true,
                "deny" => false,
                other => bail!(
                    "{}:{} ({}): {key} is \"{other}\", expected allow or deny",
                    path.display(),
                    n + 1,
                    case.id
                ),
            };
            let mut settings = json!({"controls": [control_for_key(&key)?]});
            if let Some(v) = &version {
                settings["pssVersion"] = json!(v);
            }
            checks.push(Check {
                id: case.id.clone(),
                key,
                expected_allow,
                request: request.clone(),
                settings,
            });
        }
    }
    Ok(checks)
}

fn evaluate(
    host: &Host,
    module: &LoadedModule,
    verdicts: &Mutex<HashMap<String, Result<(), String>>>,
    check: &Check,
) -> Option<String> {
    let key = check.settings.to_string();
    let cached = verdicts.lock().ok().and_then(|m| m.get(&key).cloned());
    let valid = cached.unwrap_or_else(|| {
        let v = match host.validate_settings(module, &check.settings) {
            Ok(r) if r.valid => Ok(()),
            Ok(r) => Err(r.message.unwrap_or_default()),
            Err(e) => Err(format!("{e:#}")),
        };
        if let Ok(mut m) = verdicts.lock() {
            m.insert(key, v.clone());
        }
        v
    });
    let expected = if check.expected_allow {
        "allow"
    } else {
        "deny"
    };
    if let Err(message) = valid {
        return Some(format!(
            "{} {}: expected {expected}, got invalid settings {}: {message}",
            check.id, check.key, check.settings
        ));
    }
    let config = PolicyConfig::new(&module.name);
    let context = Arc::new(Context::default());
    match host.evaluate(module, &check.request, &check.settings, &config, &context) {
        Ok(r) if r.allowed == check.expected_allow => None,
        Ok(r) => Some(format!(
            "{} {}: expected {expected}, got {} ({})",
            check.id,
            check.key,
            if r.allowed { "allow" } else { "deny" },
            r.message().replace('\n', " | ")
        )),
        Err(e) => Some(format!(
            "{} {}: cannot evaluate: {e:#}",
            check.id, check.key
        )),
    }
}

pub fn conformance(
    host: &Host,
    cases: &Path,
    module_path: &Path,
    filter: Option<&str>,
) -> Result<bool> {
    let module = host
        .load(module_path)
        .map_err(|e| anyhow!("{e:#} (run scripts/build first)"))?;
    let checks = parse_cases(cases, filter)?;
    let verdicts = Mutex::new(HashMap::new());
    let failures = parallel_map(checks.len(), |i| {
        evaluate(host, &module, &verdicts, &checks[i])
    });
    let failed = failures.iter().flatten().count();
    for f in failures.iter().flatten() {
        println!("FAIL {f}");
    }
    println!("{} passed, {failed} failed", checks.len() - failed);
    Ok(failed == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_names_become_control_ids() {
        assert_eq!(
            control_for_key("pss:seccompProfile_baseline").unwrap(),
            "pss-seccomp-profile-baseline"
        );
        assert_eq!(
            control_for_key("pss:hostProbesAndHostLifecycle").unwrap(),
            "pss-host-probes-and-host-lifecycle"
        );
        assert_eq!(
            control_for_key("pss:capabilities_restricted").unwrap(),
            "pss-capabilities-restricted"
        );
        assert_eq!(control_for_key("pss-baseline").unwrap(), "pss-baseline");
        assert!(control_for_key("other").is_err());
    }
}
