//! The bundle (`policies/soc2`) decides what the families decide: natively,
//! on every fixture case of every family, the bundle's verdict is the union
//! of the family modules' verdicts — every control with the same status, the
//! request denied exactly when some family denies it — and settings naming
//! controls of several families work as each family's own would. Through
//! the compiled module (`dist/soc2.wasm`): every fixture replays through the
//! bundle alone, and `scan` never counts a control twice.

mod common;

use common::{cli, dist_module};
use kit::Family;
use kit::settings::selects;
use kube_soc2::commands::bench::{NATIVE_FAMILIES, native_family};
use kube_soc2::fixtures::{self, Case};
use kube_soc2::request::validate_payload;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn families() -> Vec<&'static Family> {
    NATIVE_FAMILIES
        .iter()
        .map(|name| native_family(name).expect("linked family"))
        .collect()
}

/// Every case of every fixture file (`policies/*/fixtures`, `tests/fixtures`).
fn all_cases() -> Vec<Case> {
    let root = workspace();
    let mut dirs = vec![root.join("tests/fixtures")];
    for f in NATIVE_FAMILIES {
        dirs.push(root.join("policies").join(f).join("fixtures"));
    }
    let mut cases = Vec::new();
    for dir in dirs.into_iter().filter(|d| d.is_dir()) {
        for file in fixtures::fixture_files(&dir).unwrap() {
            for doc in fixtures::parse_file(&file).unwrap() {
                let fixture = doc
                    .fixture
                    .unwrap_or_else(|e| panic!("{}: {e:#}", file.display()));
                cases.extend(fixture.cases(&file, doc.number).unwrap());
            }
        }
    }
    cases
}

/// What an evaluation decided: refused (the request could not be
/// evaluated), accepted, and the status of every control it enabled.
#[derive(Debug, PartialEq)]
struct Verdict {
    refused: bool,
    accepted: bool,
    statuses: BTreeMap<String, String>,
}

fn evaluate(family: &Family, case: &Case, settings: &Value) -> Verdict {
    let payload = validate_payload(&case.request, settings);
    let answer: Value = serde_json::from_slice(&kit::engine::explain(
        family,
        &payload,
        &case.context.cluster,
    ))
    .unwrap();
    let statuses = answer["controls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] != "disabled")
        .map(|c| {
            let status = c["status"].as_str().unwrap().to_string();
            (c["id"].as_str().unwrap().to_string(), status)
        })
        .collect();
    Verdict {
        refused: !answer["refused"].is_null(),
        accepted: answer["response"]["accepted"] == true,
        statuses,
    }
}

/// String selectors of `v` (a list or one string).
fn selectors(v: Option<&Value>) -> Option<Vec<String>> {
    match v? {
        Value::Array(a) => Some(
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect(),
        ),
        Value::String(s) => Some(vec![s.clone()]),
        _ => None,
    }
}

/// The part of the bundle's settings that is `family`'s: what an operator
/// running the family modules would give that module. `None` when they
/// enable none of its controls (the family contributes nothing); `Err` when
/// the family cannot express them (see the caller).
fn project(family: &Family, settings: &Map<String, Value>) -> Result<Option<Value>, String> {
    let own = |list: Vec<String>| -> Vec<String> {
        list.into_iter()
            .filter(|s| family.controls().any(|c| selects(s, c)))
            .collect()
    };
    let controls =
        own(selectors(settings.get("controls")).unwrap_or_else(|| vec!["default".to_string()]));
    let skip = own(selectors(settings.get("skip")).unwrap_or_default());
    let enabled: Vec<&kit::Control> = family
        .controls()
        .filter(|c| controls.iter().any(|s| selects(s, c)) && !skip.iter().any(|s| selects(s, c)))
        .collect();
    if enabled.is_empty() {
        return Ok(None);
    }
    let mut out = Map::new();
    out.insert("controls".into(), json!(controls));
    if settings.contains_key("skip") {
        out.insert("skip".into(), json!(skip));
    }
    if let Some(warn) = selectors(settings.get("warnOnly")) {
        let warn = own(warn);
        if enabled.iter().all(|c| warn.iter().any(|s| selects(s, c))) {
            return Err(format!(
                "every enabled control of {} is warn-only",
                family.name
            ));
        }
        out.insert("warnOnly".into(), json!(warn));
    }
    if let Some(Value::Array(exemptions)) = settings.get("exemptions") {
        let mut kept = Vec::new();
        for e in exemptions {
            let mut e = e.clone();
            if let Some(list) = selectors(e.get("controls")) {
                let list = own(list);
                if list.is_empty() {
                    continue;
                }
                e["controls"] = json!(list);
            }
            kept.push(e);
        }
        out.insert("exemptions".into(), Value::Array(kept));
    }
    if let Some(Value::Object(parameters)) = settings.get("parameters") {
        let own: Map<String, Value> = parameters
            .iter()
            .filter(|(id, _)| family.control(id).is_some())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        out.insert("parameters".into(), Value::Object(own));
    }
    for option in family.options {
        if let Some(v) = settings.get(option.name) {
            out.insert(option.name.into(), v.clone());
        }
    }
    Ok(Some(Value::Object(out)))
}

fn settings_valid(family: &Family, settings: &Value) -> bool {
    let answer: Value = serde_json::from_slice(&kit::engine::validate_settings(
        family,
        &serde_json::to_vec(settings).unwrap(),
    ))
    .unwrap();
    answer["valid"] == true
}

#[test]
fn on_every_fixture_case_the_bundle_decides_what_the_families_decide_together() {
    let bundle = &soc2::FAMILY;
    let families = families();
    let cases = all_cases();
    let (mut compared, mut denied, mut refused_settings, mut inexpressible) = (0, 0, 0, 0);
    let mut problems = Vec::new();
    for case in &cases {
        let Value::Object(settings) = &case.settings else {
            panic!("{}: settings are an object", case.label());
        };
        if !settings_valid(bundle, &case.settings) {
            // Refused settings: replay checks the bundle refuses what the
            // family refuses, with the family's expectations.
            refused_settings += 1;
            continue;
        }
        let mut parts = Vec::new();
        let mut expressible = true;
        for family in &families {
            match project(family, settings) {
                Ok(Some(s)) => parts.push((*family, s)),
                Ok(None) => {}
                Err(_) => expressible = false,
            }
        }
        if !expressible {
            inexpressible += 1;
            continue;
        }
        let together = evaluate(bundle, case, &case.settings);
        let mut union = Verdict {
            refused: false,
            accepted: true,
            statuses: BTreeMap::new(),
        };
        for (family, s) in &parts {
            assert!(
                settings_valid(family, s),
                "{}: {} refuses its part of the settings {s}",
                case.label(),
                family.name
            );
            let v = evaluate(family, case, s);
            union.refused |= v.refused;
            union.accepted &= v.accepted;
            union.statuses.extend(v.statuses);
        }
        compared += 1;
        if !union.accepted {
            denied += 1;
        }
        // A request the bundle cannot evaluate (a malformed pod template)
        // is refused as a whole; the families needing the template refuse
        // it, the others evaluate what they can.
        let same = if together.refused || union.refused {
            together.refused == union.refused && !together.accepted
        } else {
            together == union
        };
        if !same {
            problems.push(format!(
                "{} {}: bundle {together:?}\n  families {union:?}",
                case.label(),
                case.description
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} of {compared} cases differ:\n{}",
        problems.len(),
        problems.join("\n")
    );
    eprintln!(
        "{compared} of {} cases compared ({denied} denied), {refused_settings} with settings the bundle refuses, {inexpressible} not expressible per family",
        cases.len()
    );
    // The comparison covers the suite, not a corner of it.
    assert!(
        compared * 10 >= cases.len() * 9 && denied * 3 >= compared,
        "compared {compared} of {} cases ({denied} denied; {refused_settings} with refused settings, {inexpressible} inexpressible per family)",
        cases.len()
    );
}

fn pod(containers: Value) -> Value {
    json!({
        "uid": "u1",
        "kind": {"group": "", "version": "v1", "kind": "Pod"},
        "resource": {"group": "", "version": "v1", "resource": "pods"},
        "operation": "CREATE",
        "namespace": "shop",
        "userInfo": {"username": "alice"},
        "object": {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "web", "namespace": "shop"},
            "spec": {"containers": containers}
        }
    })
}

fn explain(settings: Value, request: &Value) -> Value {
    let payload = validate_payload(request, &settings);
    serde_json::from_slice(&soc2::explain(&payload)).unwrap()
}

fn status(answer: &Value, id: &str) -> String {
    answer["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .map(|c| c["status"].as_str().unwrap().to_string())
        .unwrap_or_else(|| panic!("no control {id}"))
}

fn settings_message(settings: Value) -> Option<String> {
    let answer: Value = serde_json::from_slice(&soc2::validate_settings(
        &serde_json::to_vec(&settings).unwrap(),
    ))
    .unwrap();
    match answer["valid"].as_bool() {
        Some(true) => None,
        _ => Some(answer["message"].as_str().unwrap_or_default().to_string()),
    }
}

#[test]
fn settings_naming_controls_of_several_families_select_exactly_those() {
    let privileged = pod(json!([{
        "name": "app",
        "image": "nginx:latest",
        "securityContext": {"privileged": true}
    }]));
    // An access-control and an availability control, an availability one only warning.
    let answer = explain(
        json!({
            "controls": ["pss-privileged", "resources-requests-limits", "probes-liveness-readiness"],
            "warnOnly": ["probes-liveness-readiness"]
        }),
        &privileged,
    );
    assert_eq!(answer["family"], "soc2");
    assert_eq!(status(&answer, "pss-privileged"), "fail");
    assert_eq!(status(&answer, "resources-requests-limits"), "fail");
    assert_eq!(status(&answer, "probes-liveness-readiness"), "warn");
    let enabled: Vec<&str> = answer["controls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] != "disabled")
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        enabled,
        [
            "pss-privileged",
            "resources-requests-limits",
            "probes-liveness-readiness"
        ]
    );
    let response = &answer["response"];
    assert_eq!(response["accepted"], false);
    let message = response["message"].as_str().unwrap();
    assert!(
        message.contains("pss-privileged") && message.contains("resources-requests-limits"),
        "{message}"
    );
    assert!(!message.contains("probes-liveness-readiness"), "{message}");

    // Skipping one family's control by id and another's by tag, and an
    // exemption naming controls of two families.
    let answer = explain(
        json!({
            "controls": ["default"],
            "skip": ["resources", "pss-privileged"],
            "exemptions": [{"namespaces": ["shop"], "controls": ["image-tag-not-latest", "pss-baseline"], "reason": "CHG-1"}]
        }),
        &privileged,
    );
    assert_eq!(status(&answer, "pss-privileged"), "disabled");
    assert_eq!(status(&answer, "resources-requests-limits"), "disabled");
    assert_eq!(status(&answer, "probes-liveness-readiness"), "fail");
    assert_eq!(status(&answer, "image-tag-not-latest"), "exempted");
    assert_eq!(status(&answer, "pss-host-ports"), "pass");
}

#[test]
fn every_familys_options_and_validation_hold_in_the_bundle() {
    // Options of three families side by side; the classification label is
    // one setting, read by confidentiality and privacy alike.
    assert_eq!(
        settings_message(json!({
            "pssVersion": "v1.30",
            "controlPlaneNamespaces": ["kube-system", "control-plane"],
            "classificationLabel": "example.com/data-class",
            "parameters": {"replicas-minimum": {}},
        })),
        None
    );
    let pss = settings_message(json!({"pssVersion": "v1.99"})).unwrap();
    assert!(pss.starts_with("pssVersion:"), "{pss}");
    let ns = settings_message(json!({"controlPlaneNamespaces": []})).unwrap();
    assert!(ns.starts_with("controlPlaneNamespaces"), "{ns}");
    let label = settings_message(json!({"classificationLabel": "has space"})).unwrap();
    assert!(label.starts_with("classificationLabel"), "{label}");
    let unknown = settings_message(json!({"pssVersio": "latest"})).unwrap();
    assert!(
        unknown.contains("unknown settings key \"pssVersio\"") && unknown.contains("pssVersion"),
        "{unknown}"
    );
    let id = settings_message(json!({"controls": ["no-such-control"]})).unwrap();
    assert!(id.contains("module soc2"), "{id}");
    // Parameters of two families' controls are checked by each control.
    let bad = settings_message(json!({
        "parameters": {"replicas-minimum": {"no-such-parameter": 1}}
    }))
    .unwrap();
    assert!(
        bad.starts_with("parameters.replicas-minimum.no-such-parameter"),
        "{bad}"
    );
}

#[test]
fn cluster_hardening_warns_by_default_in_the_bundle_too() {
    let apiserver = json!({
        "uid": "u2",
        "kind": {"group": "", "version": "v1", "kind": "Pod"},
        "resource": {"group": "", "version": "v1", "resource": "pods"},
        "operation": "CREATE",
        "namespace": "kube-system",
        "userInfo": {"username": "system:node:cp-1"},
        "object": {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "kube-apiserver-cp-1", "namespace": "kube-system",
                         "labels": {"component": "kube-apiserver", "tier": "control-plane"}},
            "spec": {"containers": [{"name": "kube-apiserver", "image": "registry.k8s.io/kube-apiserver:v1.31.0",
                                     "command": ["kube-apiserver", "--anonymous-auth=true"]}]}
        }
    });
    let answer = explain(
        json!({"controls": ["apiserver-anonymous-auth"]}),
        &apiserver,
    );
    assert_eq!(status(&answer, "apiserver-anonymous-auth"), "warn");
    assert_eq!(answer["response"]["accepted"], true);
    // Naming warnOnly replaces the default, as in the family's own module.
    let answer = explain(
        json!({"controls": ["apiserver-anonymous-auth", "pss-privileged"], "warnOnly": ["pss-privileged"]}),
        &apiserver,
    );
    assert_eq!(status(&answer, "apiserver-anonymous-auth"), "fail");
}

#[test]
fn the_readme_settings_example_is_accepted() {
    let readme = std::fs::read_to_string(workspace().join("policies/soc2/README.md")).unwrap();
    let block = readme
        .split("```yaml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a yaml block in policies/soc2/README.md");
    let settings: Value = serde_yaml::from_str(block).unwrap();
    assert_eq!(settings_message(settings), None);
}

/// A dist folder holding copies of `modules` from dist/.
fn dist_with(name: &str, modules: &[&str]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kube-soc2-bundle-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for m in modules {
        std::fs::copy(dist_module(m), dir.join(format!("{m}.wasm"))).unwrap();
    }
    dir
}

#[test]
fn every_fixture_replays_through_the_bundle_alone() {
    let dir = dist_with("replay", &["soc2"]);
    let out = cli()
        .arg("replay")
        .arg("--dist")
        .arg(&dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = text.lines().last().unwrap_or_default();
    let passed: usize = summary
        .split(" passed")
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no summary: {summary}"));
    // One evaluation per case: the bundle stands in for every family.
    assert!(passed >= all_cases().len(), "{summary}");
    assert!(summary.ends_with(" 0 failed"), "{summary}");
    // The bundle is held to the family's expectations, not only to giving
    // a well-formed answer: a wrong expectation fails through it.
    let fixtures = dir.join("fixtures");
    std::fs::create_dir_all(&fixtures).unwrap();
    std::fs::write(
        fixtures.join("wrong.yaml"),
        r#"description: a privileged Pod wrongly expected allowed
module: access-control
settings: {controls: [pss-privileged]}
object:
  apiVersion: v1
  kind: Pod
  metadata: {name: p, namespace: default}
  spec:
    containers: [{name: c, image: "nginx:1.25", securityContext: {privileged: true}}]
expect:
  allowed: true
"#,
    )
    .unwrap();
    let out = cli()
        .arg("replay")
        .arg("--dist")
        .arg(&dir)
        .arg("--fixtures")
        .arg(&fixtures)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains(
            "[soc2] a privileged Pod wrongly expected allowed: allowed: expected true, got false"
        ) && text.contains("0 passed, 1 failed"),
        "{text}"
    );
}

/// `scan --format json` of the examples with `dist`; the modules it used
/// and its check counts.
fn scan(dist: &std::path::Path, settings: Option<&str>) -> (Vec<String>, Value) {
    let mut c = cli();
    c.args([
        "scan",
        "examples/non-compliant",
        "--format",
        "json",
        "--dist",
    ])
    .arg(dist);
    let settings_file = dist.join("settings.json");
    if let Some(s) = settings {
        std::fs::write(&settings_file, s).unwrap();
        c.arg("--settings").arg(&settings_file);
    }
    let out = c.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "the examples fail: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let modules = report["modules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap().to_string())
        .collect();
    (modules, report["summary"]["checks"].clone())
}

#[test]
fn scan_uses_the_bundle_or_its_families_never_both() {
    let mut every: Vec<&str> = NATIVE_FAMILIES.to_vec();
    every.push("soc2");
    let both = dist_with("both", &every);
    let (modules, families_checks) = scan(&both, None);
    assert_eq!(
        modules, NATIVE_FAMILIES,
        "the families, when dist holds them all"
    );
    let (modules, bundle_checks) = scan(&both, Some(r#"{"soc2": {"controls": ["default"]}}"#));
    assert_eq!(modules, ["soc2"], "the bundle, when the settings name it");
    assert_eq!(
        bundle_checks, families_checks,
        "the same checks, the same verdicts"
    );
    let partial = dist_with("partial", &["access-control", "soc2"]);
    let (modules, partial_checks) = scan(&partial, None);
    assert_eq!(modules, ["soc2"], "the bundle, when a family is missing");
    assert_eq!(partial_checks, families_checks);
    // Settings for the bundle and one of its families: refused, not doubled.
    std::fs::write(both.join("settings.json"), r#"{"soc2": {}, "images": {}}"#).unwrap();
    let out = cli()
        .args(["scan", "examples/non-compliant", "--dist"])
        .arg(&both)
        .arg("--settings")
        .arg(both.join("settings.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("names both soc2 and images"), "{err}");
}
