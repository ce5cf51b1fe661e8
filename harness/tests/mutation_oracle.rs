//! Mutation oracle over every fixture: a rewrite of a request that keeps its
//! meaning must keep its verdict.
//!
//! Every case of every fixture file (`policies/*/fixtures`, `tests/fixtures`)
//! is evaluated natively (`kit::engine`, the code the modules compile) with the
//! modules it names. For each control that denied it (`fail`, or `error` when
//! the control could not verify) or warned, every mutant below must be denied
//! (or warned, as the original) by that same control, and no mutant may
//! panic or be answered with an empty refusal:
//!
//! - `shuffled-keys-N`: the payload bytes with every object's keys in another
//!   order;
//! - `floats`: every integer of the object written as a float (`3` → `3.0`);
//! - `extra-fields`: an unrelated label and annotation on the object and the
//!   pod template, and unknown fields on the object, its spec and each
//!   container;
//! - `extra-container`: a hardened container appended to the pod spec;
//! - `explicit-defaults`: absent optional lists written `[]`, absent
//!   `securityContext`s written `{}`, absent `hostNetwork`/`hostPID`/`hostIPC`
//!   written `false`;
//! - `all-at-once`: the last four together;
//! - `as-<Kind>`: a Pod's spec wrapped into every other Pod-bearing kind, for
//!   the controls that handle that kind.
//!
//! YAML 1.1 spellings (`yes`) need no mutant here: `scan` reads them as
//! kubectl does before any module sees them (report's tests/documents.rs).

use kube_soc2::commands::bench::{NATIVE_FAMILIES, native_family};
use kube_soc2::fixtures::{self, Case, Fixture};
use kube_soc2::request::validate_payload;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// Fail-open classes found by this oracle and not fixed yet, as
/// `(control id, mutation, what happens)`: the lead fixes them in the
/// families (policies/ is not this test's to change); each entry is
/// excluded from the assertion until then and printed by every run.
const KNOWN_FAIL_OPEN: &[(&str, &str, &str)] = &[];

/// Rewrites that keep a request's meaning in general but not for this
/// control, as `(control id, mutation, why)`.
const NOT_MEANING_PRESERVING: &[(&str, &str, &str)] = &[
    (
        "probes-liveness-readiness",
        "as-Job",
        "a Job's pods run to completion: probes are for long-running pods",
    ),
    (
        "probes-liveness-readiness",
        "as-CronJob",
        "a CronJob's pods run to completion: probes are for long-running pods",
    ),
    (
        "probes-startup",
        "as-Job",
        "a Job's pods run to completion: probes are for long-running pods",
    ),
    (
        "probes-startup",
        "as-CronJob",
        "a CronJob's pods run to completion: probes are for long-running pods",
    ),
];

/// The verdicts one evaluation gave: control id → status, for the controls
/// that denied or warned; `refused` when the module refused the request.
#[derive(Debug, Default, PartialEq)]
struct Verdicts {
    accepted: bool,
    refused: bool,
    controls: BTreeMap<String, String>,
    /// Whether any enabled control looked at the request at all.
    applicable: bool,
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fixture_dirs() -> Vec<PathBuf> {
    let root = workspace();
    let mut dirs: Vec<PathBuf> = NATIVE_FAMILIES
        .iter()
        .map(|f| root.join("policies").join(f).join("fixtures"))
        .filter(|d| d.is_dir())
        .collect();
    let suite = root.join("tests/fixtures");
    if suite.is_dir() {
        dirs.push(suite);
    }
    dirs
}

fn evaluate(
    family: &kit::Family,
    payload: &[u8],
    cluster: &dyn kit::Cluster,
) -> Result<Verdicts, String> {
    let (response, explanation) = catch_unwind(AssertUnwindSafe(|| {
        kit::engine::evaluate_and_explain(family, payload, cluster)
    }))
    .map_err(|p| {
        p.downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .map_or_else(|| "panicked".to_string(), |m| format!("panicked: {m}"))
    })?;
    if !response.accepted && response.message.as_deref().unwrap_or("").is_empty() {
        return Err("refused without a message".into());
    }
    let wire = explanation.to_value(&response);
    let controls = wire["controls"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| {
            let status = c["status"].as_str()?;
            matches!(status, "fail" | "warn" | "error").then(|| {
                (
                    c["id"].as_str().unwrap_or("").to_string(),
                    status.to_string(),
                )
            })
        })
        .collect();
    let applicable = wire["controls"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|c| !matches!(c["status"].as_str(), Some("disabled" | "not-applicable")));
    Ok(Verdicts {
        accepted: response.accepted,
        refused: explanation.refused.is_some(),
        controls,
        applicable,
    })
}

/// Whether `got` keeps the meaning of `original` for `control`.
fn keeps(original: &str, got: Option<&String>) -> bool {
    let denies = |s: &str| matches!(s, "fail" | "error");
    match (original, got.map(String::as_str)) {
        (o, Some(g)) if denies(o) => denies(g),
        ("warn", Some(g)) => g == "warn" || denies(g),
        _ => false,
    }
}

// ---------------------------------------------------------------- mutations

/// A small deterministic generator (xorshift64*): the same mutants every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// `v` as JSON text with every object's keys in a shuffled order.
fn shuffled_json(v: &Value, rng: &mut Rng, out: &mut String) {
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(&String, &Value)> = m.iter().collect();
            for i in (1..entries.len()).rev() {
                let j = (rng.next() % (i as u64 + 1)) as usize;
                entries.swap(i, j);
            }
            out.push('{');
            for (n, (k, v)) in entries.into_iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                shuffled_json(v, rng, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                shuffled_json(item, rng, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

fn floats(v: &mut Value) {
    match v {
        Value::Number(n) if n.is_i64() || n.is_u64() => {
            if let Some(f) = n.as_f64() {
                *v = json!(f);
            }
        }
        Value::Object(m) => m.values_mut().for_each(floats),
        Value::Array(a) => a.iter_mut().for_each(floats),
        _ => {}
    }
}

/// The pod specs of an object of any Pod-bearing kind.
fn pod_specs(object: &mut Value) -> Vec<&mut Map<String, Value>> {
    let kind = object["kind"].as_str().unwrap_or("").to_string();
    let Some(path) = fixtures::pod_spec_path(&kind) else {
        return Vec::new();
    };
    let mut cur = object;
    for step in path.split('.') {
        match cur.get_mut(step) {
            Some(next) => cur = next,
            None => return Vec::new(),
        }
    }
    cur.as_object_mut().into_iter().collect()
}

fn pod_template_metadata(object: &mut Value) -> Option<&mut Value> {
    let kind = object["kind"].as_str().unwrap_or("").to_string();
    let path = fixtures::pod_spec_path(&kind)?.strip_suffix("spec")?;
    let mut cur = object;
    for step in path.split('.').filter(|s| !s.is_empty()) {
        cur = cur.get_mut(step)?;
    }
    cur.get_mut("metadata")
}

fn add_label_and_annotation(metadata: &mut Value) {
    if let Value::Object(m) = metadata {
        for field in ["labels", "annotations"] {
            let entry = m.entry(field).or_insert_with(|| json!({}));
            if let Value::Object(e) = entry {
                e.insert("mutation.example.com/unrelated".into(), json!("1"));
            }
        }
    }
}

fn extra_fields(object: &mut Value) {
    if let Some(meta) = object.get_mut("metadata") {
        add_label_and_annotation(meta);
    }
    if let Some(meta) = pod_template_metadata(object) {
        add_label_and_annotation(meta);
    }
    if let Value::Object(m) = object {
        m.insert("mutationUnrelated".into(), json!({"note": "unrelated"}));
        if let Some(Value::Object(spec)) = m.get_mut("spec") {
            spec.insert("mutationUnrelated".into(), json!(1));
        }
    }
    for spec in pod_specs(object) {
        for list in ["containers", "initContainers"] {
            if let Some(Value::Array(cs)) = spec.get_mut(list) {
                for c in cs.iter_mut().filter_map(Value::as_object_mut) {
                    c.insert("mutationUnrelated".into(), json!("x"));
                }
            }
        }
    }
}

fn extra_container(object: &mut Value) {
    for spec in pod_specs(object) {
        if let Some(Value::Array(cs)) = spec.get_mut("containers") {
            cs.push(json!({
                "name": "mutation-sidecar",
                "image": "registry.example.com/sidecar@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                "imagePullPolicy": "Always",
                "securityContext": {
                    "allowPrivilegeEscalation": false,
                    "privileged": false,
                    "readOnlyRootFilesystem": true,
                    "runAsNonRoot": true,
                    "runAsUser": 10001,
                    "capabilities": {"drop": ["ALL"]},
                    "seccompProfile": {"type": "RuntimeDefault"}
                },
                "resources": {
                    "requests": {"cpu": "10m", "memory": "16Mi"},
                    "limits": {"cpu": "100m", "memory": "64Mi"}
                },
                "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8081}},
                "readinessProbe": {"httpGet": {"path": "/ready", "port": 8081}}
            }));
        }
    }
}

fn explicit_defaults(object: &mut Value) {
    for spec in pod_specs(object) {
        for list in [
            "initContainers",
            "volumes",
            "imagePullSecrets",
            "tolerations",
        ] {
            spec.entry(list).or_insert_with(|| json!([]));
        }
        spec.entry("securityContext").or_insert_with(|| json!({}));
        for host in ["hostNetwork", "hostPID", "hostIPC"] {
            spec.entry(host).or_insert(json!(false));
        }
        for list in ["containers", "initContainers"] {
            if let Some(Value::Array(cs)) = spec.get_mut(list) {
                for c in cs.iter_mut().filter_map(Value::as_object_mut) {
                    c.entry("securityContext").or_insert_with(|| json!({}));
                    c.entry("env").or_insert_with(|| json!([]));
                    c.entry("ports").or_insert_with(|| json!([]));
                }
            }
        }
    }
}

type Rewrite = fn(&mut Value);

const REWRITES: &[(&str, &[Rewrite])] = &[
    ("floats", &[floats]),
    ("extra-fields", &[extra_fields]),
    ("extra-container", &[extra_container]),
    ("explicit-defaults", &[explicit_defaults]),
    (
        "all-at-once",
        &[extra_fields, extra_container, explicit_defaults, floats],
    ),
];

/// The request with `rewrite` applied to its object and old object.
fn rewritten(request: &Value, rewrites: &[Rewrite]) -> Value {
    let mut r = request.clone();
    for field in ["object", "oldObject"] {
        if let Some(o) = r.get_mut(field).filter(|o| o.is_object()) {
            for rewrite in rewrites {
                rewrite(o);
            }
        }
    }
    r
}

/// One mutant: its name, payload and the controls whose verdict it must keep
/// (`None`: all of them).
struct Mutant {
    name: String,
    payload: Vec<u8>,
    only: Option<Vec<&'static str>>,
}

fn mutants(
    case: &Case,
    fixture: &Fixture,
    file: &Path,
    document: usize,
    family: &kit::Family,
) -> Vec<Mutant> {
    let mut out = Vec::new();
    let plain = json!({"request": case.request, "settings": case.settings});
    for seed in 1..=2u64 {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ seed);
        let mut text = String::new();
        shuffled_json(&plain, &mut rng, &mut text);
        out.push(Mutant {
            name: format!("shuffled-keys-{seed}"),
            payload: text.into_bytes(),
            only: None,
        });
    }
    for (name, rewrites) in REWRITES {
        let request = rewritten(&case.request, rewrites);
        if request != case.request {
            out.push(Mutant {
                name: (*name).to_string(),
                payload: validate_payload(&request, &case.settings),
                only: None,
            });
        }
    }
    // A Pod's spec in every other Pod-bearing kind, as `wrapAs` builds them.
    let wrappable = case.kind == "Pod"
        && fixture.object.is_some()
        && fixture.sub_resource.is_none()
        && matches!(
            fixture.operation.as_deref(),
            None | Some("CREATE" | "UPDATE")
        );
    if wrappable {
        for kind in kit::testing::POD_BEARING.iter().filter(|k| **k != "Pod") {
            let wrapped = Fixture {
                wrap_as: vec![(*kind).to_string()],
                ..fixture.clone()
            };
            let Ok(cases) = wrapped.cases(file, document) else {
                continue;
            };
            let Some(c) = cases.into_iter().find(|c| c.kind == *kind) else {
                continue;
            };
            let group = kit::testing::api_version(kind)
                .rsplit_once('/')
                .map_or("", |(g, _)| g);
            let only = family
                .controls()
                .filter(|control| control.kinds.contains(group, kind))
                .map(|control| control.id)
                .collect();
            out.push(Mutant {
                name: format!("as-{kind}"),
                payload: validate_payload(&c.request, &c.settings),
                only: Some(only),
            });
        }
    }
    out
}

/// A verdict a mutant did not keep.
struct Broken {
    control: String,
    mutation: String,
    text: String,
}

/// What the oracle did with one fixture document for one module.
#[derive(Default)]
struct Tally {
    originals: usize,
    mutants: usize,
    broken: Vec<Broken>,
}

fn oracle(family: &kit::Family, fixture: &Fixture, file: &Path, document: usize) -> Tally {
    let mut tally = Tally::default();
    let Ok(cases) = fixture.cases(file, document) else {
        return tally; // replay reports it
    };
    for case in cases
        .iter()
        .filter(|c| c.modules.iter().any(|m| m == family.name))
    {
        let cluster = &case.context.cluster;
        let label = format!("{} [{}] {}", case.label(), family.name, case.description);
        let mut broken = |control: &str, mutation: &str, text: String| {
            tally.broken.push(Broken {
                control: control.to_string(),
                mutation: mutation.to_string(),
                text: format!("{label} {mutation}: {text}"),
            })
        };
        let payload = validate_payload(&case.request, &case.settings);
        let original = match evaluate(family, &payload, cluster) {
            Ok(v) => v,
            Err(e) => {
                broken("", "original", e);
                continue;
            }
        };
        if original.accepted && original.controls.is_empty() {
            continue;
        }
        tally.originals += 1;
        for mutant in mutants(case, fixture, file, document, family) {
            tally.mutants += 1;
            let got = match evaluate(family, &mutant.payload, cluster) {
                Ok(v) => v,
                Err(e) => {
                    broken("", &mutant.name, e);
                    continue;
                }
            };
            if original.refused {
                // Kept by every mutant an enabled control still looks at: a
                // static Pod wrapped into a Deployment is no static Pod, and
                // a control of Pods alone does not read its template.
                if got.accepted && got.applicable {
                    broken(
                        "",
                        &mutant.name,
                        "the original was refused, the mutant accepted".into(),
                    );
                }
                continue;
            }
            for (control, status) in &original.controls {
                let in_scope = mutant
                    .only
                    .as_ref()
                    .is_none_or(|ids| ids.contains(&control.as_str()));
                let now = got.controls.get(control);
                if in_scope && !keeps(status, now) {
                    broken(
                        control,
                        &mutant.name,
                        format!(
                            "[{control}] expected {status}, got {}",
                            now.map_or("pass/not-applicable", String::as_str)
                        ),
                    );
                }
            }
        }
    }
    tally
}

/// Whether a broken verdict is listed in [`KNOWN_FAIL_OPEN`] or
/// [`NOT_MEANING_PRESERVING`].
fn excluded(b: &Broken) -> Option<&'static str> {
    KNOWN_FAIL_OPEN
        .iter()
        .chain(NOT_MEANING_PRESERVING)
        .find(|(c, m, _)| *c == b.control && *m == b.mutation)
        .map(|(_, _, why)| *why)
}

#[test]
fn meaning_preserving_mutants_keep_every_denial() {
    let started = std::time::Instant::now();
    let mut files = Vec::new();
    for dir in fixture_dirs() {
        files.extend(fixtures::fixture_files(&dir).unwrap());
    }
    assert!(files.len() > 50, "fixtures not found: {files:?}");
    let mut total = Tally::default();
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    for file in &files {
        for doc in fixtures::parse_file(file).unwrap() {
            let Ok(fixture) = doc.fixture else {
                continue; // replay reports it
            };
            for module in fixture.module.names() {
                let Some(family) = native_family(&module) else {
                    continue;
                };
                let tally = oracle(family, &fixture, file, doc.number);
                total.originals += tally.originals;
                total.mutants += tally.mutants;
                for b in tally.broken {
                    match excluded(&b) {
                        Some(_) => {
                            *skipped
                                .entry(format!("{} {}", b.control, b.mutation))
                                .or_default() += 1
                        }
                        None => total.broken.push(b),
                    }
                }
            }
        }
    }
    println!(
        "{} fixture files, {} denied or warned cases, {} mutants in {:.1} s",
        files.len(),
        total.originals,
        total.mutants,
        started.elapsed().as_secs_f64()
    );
    for (what, n) in &skipped {
        println!("excluded (see the lists in this file): {what} ×{n}");
    }
    assert!(
        total.originals > 1000,
        "too few denied cases: {}",
        total.originals
    );
    let lines: Vec<&str> = total.broken.iter().map(|b| b.text.as_str()).collect();
    assert!(
        lines.is_empty(),
        "{} mutants changed a verdict:\n{}",
        lines.len(),
        lines.join("\n")
    );
}

// ------------------------------------------------ the oracle itself can fail

fn seeded_privileged(ctx: &kit::Ctx) -> Vec<kit::control::Finding> {
    // Reads the Pod's own spec only, never a template's: fail-open on every
    // workload kind.
    let containers = ctx
        .object()
        .pointer("/spec/containers")
        .and_then(kit::Value::as_array);
    containers
        .into_iter()
        .flatten()
        .filter(|c| {
            c.pointer("/securityContext/privileged")
                .and_then(kit::Value::as_bool)
                == Some(true)
        })
        .map(|_| kit::control::Finding::new("spec.containers", "privileged"))
        .collect()
}

fn seeded_port(ctx: &kit::Ctx) -> Vec<kit::control::Finding> {
    // Reads an integer with `as_u64`: `22.0` is no port to it (the
    // fail-open class of issue 9).
    ctx.pod()
        .containers()
        .filter(|c| {
            c.get(&["ports"])
                .and_then(kit::Value::as_array)
                .into_iter()
                .flatten()
                .any(|p| p.get("containerPort").and_then(kit::Value::as_u64) == Some(22))
        })
        .map(|c| kit::control::Finding::container(&c, "ports", "exposes ssh"))
        .collect()
}

static SEEDED_PRIVILEGED: kit::Control = kit::Control {
    id: "seeded-privileged",
    title: "Seeded: privileged, read on the Pod only",
    rationale: "Proves the oracle catches a control blind to templates.",
    remediation: "-",
    criteria: kit::Criteria {
        soc2: &["CC6.1"],
        iso27001: &[],
        pss: &[],
        cis: &[],
    },
    check: seeded_privileged,
    ..kit::Control::DEFAULTS
};

static SEEDED_PORT: kit::Control = kit::Control {
    id: "seeded-port",
    title: "Seeded: ssh port, read with as_u64",
    rationale: "Proves the oracle catches a control blind to integral floats.",
    remediation: "-",
    criteria: kit::Criteria {
        soc2: &["CC6.1"],
        iso27001: &[],
        pss: &[],
        cis: &[],
    },
    check: seeded_port,
    ..kit::Control::DEFAULTS
};

static SEEDED: kit::Family = kit::Family {
    name: "seeded",
    title: "Deliberately fail-open controls",
    version: "0.0.0",
    groups: &[&[&SEEDED_PRIVILEGED, &SEEDED_PORT]],
    options: &[],
    validate_options: None,
    default_warn_only: &[],
    reads_whole_request: false,
    run_check: None,
};

#[test]
fn the_oracle_catches_fail_open_controls() {
    let fixture: Fixture = serde_yaml::from_str(
        "description: seeded\nmodule: seeded\nsettings: {controls: [seeded-privileged, seeded-port]}\nobject:\n  apiVersion: v1\n  kind: Pod\n  metadata: {name: p, namespace: team-a}\n  spec:\n    containers:\n    - name: c\n      image: nginx\n      securityContext: {privileged: true}\n      ports: [{containerPort: 22}]\nexpect: {allowed: false}\n",
    )
    .unwrap();
    let tally = oracle(&SEEDED, &fixture, Path::new("seeded.yaml"), 1);
    assert_eq!(tally.originals, 1);
    let mut caught: Vec<(String, String)> = tally
        .broken
        .iter()
        .map(|b| (b.control.clone(), b.mutation.clone()))
        .collect();
    caught.sort();
    caught.dedup();
    let has = |c: &str, m: &str| caught.iter().any(|(cc, mm)| cc == c && mm == m);
    for kind in kit::testing::POD_BEARING.iter().filter(|k| **k != "Pod") {
        assert!(
            has("seeded-privileged", &format!("as-{kind}")),
            "{caught:?}"
        );
    }
    assert!(has("seeded-port", "floats"), "{caught:?}");
    assert!(has("seeded-port", "all-at-once"), "{caught:?}");
    // Meaning-preserving for these two: not reported.
    assert!(
        !caught
            .iter()
            .any(|(_, m)| m.starts_with("shuffled") || m == "extra-fields")
    );
}

#[test]
fn a_verdict_that_changes_is_not_kept() {
    // A rewrite that changes the meaning must be caught: privileged written
    // as false is no longer denied by pss-privileged.
    let family = native_family("access-control").unwrap();
    let pod = json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "p", "namespace": "team-a"},
        "spec": {"containers": [{"name": "c", "image": "nginx",
            "securityContext": {"privileged": true}}]}});
    let settings = json!({"controls": ["pss-privileged"]});
    let cluster = kit::Snapshot::default();
    let original = evaluate(
        family,
        &validate_payload(&kit::testing::request(pod.clone()), &settings),
        &cluster,
    )
    .unwrap();
    assert!(keeps("fail", original.controls.get("pss-privileged")));
    let mut changed = pod;
    changed["spec"]["containers"][0]["securityContext"]["privileged"] = json!(false);
    let got = evaluate(
        family,
        &validate_payload(&kit::testing::request(changed), &settings),
        &cluster,
    )
    .unwrap();
    assert!(!keeps("fail", got.controls.get("pss-privileged")));
}
