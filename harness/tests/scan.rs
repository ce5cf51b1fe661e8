//! `kube-soc2 scan` end to end through the CLI and the compiled modules in
//! dist/: every input form, every output format (validated against the
//! schemas the report crate publishes or follows), bad documents, context
//! satisfied by the scanned set, settings per module, the examples and the
//! exit codes.

mod common;

#[path = "../report/tests/support/xsd.rs"]
mod xsd;

#[path = "../report/tests/support/crd.rs"]
mod crd;

use common::{cli, dist, dist_module, workspace};
use serde::Deserialize;
use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

// ---------------------------------------------------------------------------
// Helpers

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kube-soc2-scan-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// `kube-soc2 scan --dist <dist> <args>`, stdin fed with `stdin`.
fn scan_with_stdin(args: &[&str], stdin: &str) -> Run {
    // Fails the test with "run scripts/build first" when dist is missing.
    dist_module("access-control");
    dist_module("availability");
    let dist = dist();
    let mut argv = vec!["scan", "--dist", p(&dist)];
    argv.extend(args);
    kube_soc2(&argv, stdin)
}

/// `kube-soc2 <args>` from the workspace root.
fn kube_soc2(args: &[&str], stdin: &str) -> Run {
    let mut child = cli()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kube-soc2 starts");
    let mut pipe = child.stdin.take().unwrap();
    // The scan may exit before reading stdin (usage errors): ignore EPIPE.
    let _ = pipe.write_all(stdin.as_bytes());
    drop(pipe);
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn scan(args: &[&str]) -> Run {
    scan_with_stdin(args, "")
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn example(which: &str) -> String {
    workspace()
        .join("examples")
        .join(which)
        .display()
        .to_string()
}

/// `(kind, name)` of every object of a JSON report, in report order.
fn object_names(report: &Value) -> Vec<(String, String)> {
    report["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["kind"].as_str().unwrap().to_string(),
                o["name"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn object<'a>(report: &'a Value, kind: &str, name: &str) -> &'a Value {
    report["objects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["kind"] == kind && o["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name} in the report"))
}

/// The status of `control` on an object, `None` when it did not apply.
fn status(object: &Value, control: &str) -> Option<String> {
    object["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["control"] == control)
        .map(|r| r["status"].as_str().unwrap().to_string())
}

/// Ids of the controls that failed on an object (or warned: the
/// cluster-hardening family reports as warnings by default).
fn failed(object: &Value) -> Vec<String> {
    object["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "fail" || r["status"] == "warn")
        .map(|r| r["control"].as_str().unwrap().to_string())
        .collect()
}

/// A Deployment passing every default control of both modules (in a
/// namespace of its own, which `--namespace team` supplies).
const GOOD_DEPLOYMENT: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 1, maxSurge: 1}}
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: web
      automountServiceAccountToken: false
      securityContext: {runAsNonRoot: true, runAsUser: 10001, seccompProfile: {type: RuntimeDefault}}
      containers:
      - name: web
        image: registry.example.com/web:1.2.3
        ports: [{name: http, containerPort: 8080}]
        resources:
          requests: {cpu: 100m, memory: 128Mi}
          limits: {cpu: 200m, memory: 128Mi}
        readinessProbe: {httpGet: {path: /ready, port: http}}
        livenessProbe: {httpGet: {path: /live, port: http}}
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities: {drop: [ALL]}
"#;

const GOOD_PDB: &str = r#"
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app: web}}
"#;

const PRIVILEGED_POD: &str = r#"
apiVersion: v1
kind: Pod
metadata: {name: root-shell, namespace: team}
spec:
  containers:
  - name: shell
    image: registry.example.com/debug:1.0
    securityContext: {privileged: true}
"#;

fn settings_file(dir: &Path, name: &str, text: &str) -> PathBuf {
    write(dir, name, text)
}

// ---------------------------------------------------------------------------
// Inputs

#[test]
fn every_input_form_file_folder_stdin_list_and_multi_document() {
    let dir = temp_dir("inputs");
    let folder = dir.join("app");
    // A multi-document YAML file with an empty document (helm leaves those).
    write(
        &folder,
        "10-deploy.yaml",
        &format!("{GOOD_DEPLOYMENT}\n---\n---\n{GOOD_PDB}"),
    );
    // Nested folder, JSON `kind: List` (kubectl get -o json).
    write(
        &folder,
        "nested/list.json",
        &serde_json::to_string_pretty(&json!({
            "apiVersion": "v1",
            "kind": "List",
            "items": [
                {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "web"}},
                {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "web-config"}, "data": {"a": "b"}}
            ]
        }))
        .unwrap(),
    );
    // Not a manifest extension: the folder walk skips it.
    write(&folder, "notes.txt", "kind: Nonsense");
    // A single file named explicitly: a `*List` kind (kubectl get -o yaml).
    let single = write(
        &dir,
        "pods.yml",
        "apiVersion: v1\nkind: PodList\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: from-list, namespace: team}\n  spec:\n    containers: [{name: c, image: registry.example.com/c:1}]\n",
    );
    // stdin: `helm template` output with its `# Source:` comments.
    let helm = "---\n# Source: shop/templates/sa.yaml\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: from-helm\n";

    let run = scan_with_stdin(
        &[
            "--format",
            "json",
            "--namespace",
            "team",
            p(&folder),
            p(&single),
            "-",
        ],
        helm,
    );
    assert_eq!(run.code, 1, "the pod from the list fails: {run:?}");
    let report = run.json();
    assert_eq!(
        object_names(&report),
        [
            ("Deployment", "web"),
            ("PodDisruptionBudget", "web"),
            ("ServiceAccount", "web"),
            ("ConfigMap", "web-config"),
            ("Pod", "from-list"),
            ("ServiceAccount", "from-helm"),
        ]
        .map(|(k, n)| (k.to_string(), n.to_string()))
    );
    assert_eq!(report["inputErrors"], json!([]));
    assert_eq!(report["evaluationErrors"], json!([]));
    let inputs: Vec<&str> = report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(inputs, [p(&folder), p(&single), "-"]);

    // Origins: file, 1-based document (empty ones count), list item, helm source.
    let pdb = object(&report, "PodDisruptionBudget", "web");
    assert!(
        pdb["origin"]["file"]
            .as_str()
            .unwrap()
            .ends_with("10-deploy.yaml")
    );
    assert_eq!(pdb["origin"]["document"], 3);
    let cm = object(&report, "ConfigMap", "web-config");
    assert!(
        cm["origin"]["file"]
            .as_str()
            .unwrap()
            .ends_with("nested/list.json")
    );
    assert_eq!(cm["origin"]["item"], 1);
    let helm_sa = object(&report, "ServiceAccount", "from-helm");
    assert_eq!(helm_sa["origin"]["file"], "<stdin>");
    assert_eq!(helm_sa["origin"]["source"], "shop/templates/sa.yaml");

    // Every object was evaluated by the modules that handle its kind; the
    // namespace the scan put it in is reported.
    let deploy = object(&report, "Deployment", "web");
    assert_eq!(deploy["namespace"], "team");
    assert_eq!(deploy["status"], "pass", "{deploy:#}");
    assert_eq!(status(deploy, "pss-privileged").as_deref(), Some("pass"));
    assert_eq!(status(deploy, "replicas-minimum").as_deref(), Some("pass"));
    assert_eq!(
        status(
            object(&report, "PodDisruptionBudget", "web"),
            "pdb-allows-eviction"
        )
        .as_deref(),
        Some("pass")
    );
    // The encryption family looks for credentials in ConfigMaps.
    assert_eq!(
        status(cm, "secret-literal-configmap").as_deref(),
        Some("pass")
    );
    let pod = object(&report, "Pod", "from-list");
    assert!(
        failed(pod).contains(&"resources-requests-limits".to_string()),
        "{pod:#}"
    );
}

#[test]
fn bad_documents_are_reported_with_file_and_document_and_the_scan_goes_on() {
    let dir = temp_dir("bad-docs");
    let bad = write(
        &dir,
        "app/broken.yaml",
        &format!(
            "{PRIVILEGED_POD}---\nkind: [unclosed\n---\napiVersion: v1\nmetadata: {{name: no-kind}}\n---\n- just\n- a list\n---\n{GOOD_DEPLOYMENT}"
        ),
    );
    write(&dir, "app/other.yaml", GOOD_PDB);
    write(&dir, "app/binary.yaml", "\u{0}\u{1}not text\u{ff}");
    std::fs::write(dir.join("app/latin1.yaml"), b"kind: \xe9t\xe9\n").unwrap();

    let run = scan(&[
        "--format",
        "json",
        "--namespace",
        "team",
        p(&dir.join("app")),
    ]);
    assert_eq!(
        run.code, 2,
        "input errors make the scan incomplete: {run:?}"
    );
    let report = run.json();
    assert_eq!(report["result"], "error");
    assert_eq!(report["exitCode"], 2);
    let errors = report["inputErrors"].as_array().unwrap();
    let in_broken: Vec<u64> = errors
        .iter()
        .filter(|e| e["file"] == p(&bad))
        .map(|e| e["document"].as_u64().unwrap())
        .collect();
    assert_eq!(in_broken, [2, 3, 4], "{errors:#?}");
    assert!(
        errors
            .iter()
            .any(|e| e["file"].as_str().unwrap().ends_with("latin1.yaml")),
        "{errors:#?}"
    );
    // The good documents around the bad ones were still scanned.
    assert_eq!(
        failed(object(&report, "Pod", "root-shell"))
            .first()
            .map(String::as_str),
        Some("pss-privileged")
    );
    assert_eq!(object(&report, "Deployment", "web")["status"], "pass");
    assert_eq!(
        object(&report, "PodDisruptionBudget", "web")["status"],
        "pass"
    );

    // On the other formats the errors are also printed to stderr; the
    // terminal summary lists them with file and document.
    assert!(run.stderr.contains("broken.yaml"), "{run:?}");
    let text = scan(&["--namespace", "team", p(&dir.join("app"))]);
    assert_eq!(text.code, 2);
    assert!(text.stdout.contains("Input errors"), "{text:?}");
    assert!(
        text.stdout.contains(&format!("{}:", p(&bad)))
            && text.stdout.contains("(document 2)")
            && text.stdout.contains("(document 3)"),
        "{text:?}"
    );
    assert!(text.stdout.contains("FAIL  pss-privileged"), "{text:?}");
}

#[test]
fn nothing_to_scan_and_missing_paths_are_input_errors() {
    let dir = temp_dir("empty");
    let run = scan(&["--format", "json", p(&dir)]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.json()["inputErrors"][0]["message"],
        "no Kubernetes objects found"
    );
    let missing = scan(&[p(&dir.join("nope.yaml"))]);
    assert_eq!(missing.code, 2, "{missing:?}");
    assert!(missing.stdout.contains("nope.yaml"), "{missing:?}");
    // Empty stdin.
    let stdin = scan_with_stdin(&["-"], "");
    assert_eq!(stdin.code, 2, "{stdin:?}");
}

// ---------------------------------------------------------------------------
// Context

#[test]
fn context_is_the_scanned_set_plus_cluster() {
    let dir = temp_dir("context");
    // Neither names a namespace: both land in --namespace, where the PDB
    // lookup of pdb-required finds the budget.
    let app = dir.join("app");
    write(&app, "deploy.yaml", GOOD_DEPLOYMENT);
    write(&app, "pdb.yaml", GOOD_PDB);
    let settings = settings_file(
        &dir,
        "settings.json",
        r#"{"availability": {"controls": ["pdb-required", "default"]}}"#,
    );
    let args = |path: &Path| -> Vec<String> {
        vec![
            "--format".into(),
            "json".into(),
            "--namespace".into(),
            "team".into(),
            "--settings".into(),
            p(&settings).into(),
            p(path).into(),
        ]
    };
    fn argv(a: &[String]) -> Vec<&str> {
        a.iter().map(String::as_str).collect()
    }

    let with_pdb = scan(&argv(&args(&app)));
    assert_eq!(with_pdb.code, 0, "{with_pdb:?}");
    let report = with_pdb.json();
    assert_eq!(
        status(object(&report, "Deployment", "web"), "pdb-required").as_deref(),
        Some("pass")
    );

    // The deployment alone: no budget selects its pods.
    let alone = scan(&argv(&args(&app.join("deploy.yaml"))));
    assert_eq!(alone.code, 1, "{alone:?}");
    let report = alone.json();
    let deploy = object(&report, "Deployment", "web");
    assert_eq!(failed(deploy), ["pdb-required"], "{deploy:#}");

    // The budget from --cluster satisfies it too (without being scanned).
    let mut with_cluster = args(&app.join("deploy.yaml"));
    with_cluster.extend(["--cluster".into(), p(&app.join("pdb.yaml")).into()]);
    let run = scan(&argv(&with_cluster));
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        object_names(&run.json()).len(),
        1,
        "--cluster is not scanned"
    );

    // A budget in another namespace does not count.
    let elsewhere = write(
        &dir,
        "other-ns-pdb.yaml",
        &GOOD_PDB.replace("name: web}", "name: web, namespace: elsewhere}"),
    );
    let mut other = args(&app.join("deploy.yaml"));
    other.extend(["--cluster".into(), p(&elsewhere).into()]);
    assert_eq!(scan(&argv(&other)).code, 1);
}

#[test]
fn objects_without_namespace_land_in_the_namespace_given_at_apply_time() {
    let dir = temp_dir("no-namespace");
    let text = std::fs::read_to_string(example("non-compliant/60-reports-cronjob.yaml"))
        .unwrap()
        .replace("  namespace: default\n", "");
    let cronjob = p(&write(&dir, "cronjob.yaml", &text)).to_string();
    let run = scan(&["--format", "json", &cronjob]);
    let report = run.json();
    let cj = object(&report, "CronJob", "nightly-sales-report");
    assert!(cj.get("namespace").is_none(), "no namespace is invented");
    assert_ne!(
        status(cj, "workloads-not-in-default-namespace").as_deref(),
        Some("fail")
    );
    let run = scan(&["--format", "json", "--namespace", "default", &cronjob]);
    let report = run.json();
    let cj = object(&report, "CronJob", "nightly-sales-report");
    assert_eq!(cj["namespace"], "default");
    assert_eq!(cj["namespaceAssumed"], true);
    assert_eq!(
        status(cj, "workloads-not-in-default-namespace").as_deref(),
        Some("fail")
    );
    let run = scan(&["--format", "json", "--namespace", "shop", &cronjob]);
    let report = run.json();
    let cj = object(&report, "CronJob", "nightly-sales-report");
    assert_eq!(cj["namespace"], "shop");
    assert_eq!(
        status(cj, "workloads-not-in-default-namespace").as_deref(),
        Some("pass")
    );
}

// ---------------------------------------------------------------------------
// Settings

#[test]
fn settings_per_module_select_controls_and_invalid_settings_exit_2() {
    let dir = temp_dir("settings");
    let pod = write(&dir, "pod.yaml", PRIVILEGED_POD);

    // Defaults: the privileged pod fails baseline and availability controls.
    let defaults = scan(&["--format", "json", p(&pod)]).json();
    let pod_obj = object(&defaults, "Pod", "root-shell");
    assert!(failed(pod_obj).contains(&"pss-privileged".to_string()));
    assert!(failed(pod_obj).contains(&"resources-requests-limits".to_string()));
    // The settings the module evaluated with: its defaults, never null.
    assert_eq!(defaults["modules"][0]["settings"], serde_json::json!({}));

    // YAML settings: access-control warns only on pss-privileged, availability
    // runs only the opt-in pods-bare. Each module gets its own settings.
    let yaml = settings_file(
        &dir,
        "settings.yaml",
        "# per module, as the policy-server gets them\naccess-control:\n  controls: [pss-privileged, pss-host-ports]\n  warnOnly: [pss-privileged]\navailability:\n  controls: [pods-bare]\n",
    );
    let run = scan(&["--format", "json", "--settings", p(&yaml), p(&pod)]);
    let report = run.json();
    let pod_obj = object(&report, "Pod", "root-shell");
    assert_eq!(status(pod_obj, "pss-privileged").as_deref(), Some("warn"));
    assert_eq!(status(pod_obj, "pods-bare").as_deref(), Some("fail"));
    assert_eq!(status(pod_obj, "resources-requests-limits"), None);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        report["modules"][0]["settings"],
        json!({"controls": ["pss-privileged", "pss-host-ports"], "warnOnly": ["pss-privileged"]})
    );
    assert_eq!(
        report["modules"][1]["enabledControls"],
        json!(["pods-bare"])
    );

    // Exemptions are the module's: skipped with the reason.
    let exempt = settings_file(
        &dir,
        "exempt.json",
        r#"{"access-control": {"exemptions": [{"namespaces": ["team"], "controls": ["pss-privileged"], "reason": "CHG-7"}]},
            "availability": {"controls": ["hpa-sanity"]}}"#,
    );
    let run = scan(&["--format", "json", "--settings", p(&exempt), p(&pod)]);
    assert_eq!(run.code, 0, "{run:?}");
    let report = run.json();
    assert_eq!(
        status(object(&report, "Pod", "root-shell"), "pss-privileged").as_deref(),
        Some("skip")
    );

    // Invalid settings: refused by the module's validate_settings; the
    // message names the module and the key.
    let invalid = settings_file(
        &dir,
        "invalid.yaml",
        "availability:\n  parameters:\n    replicas-minimum: {bogusKey: 3}\n",
    );
    let run = scan(&["--settings", p(&invalid), p(&pod)]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("availability") && run.stderr.contains("bogusKey"),
        "{run:?}"
    );
    assert!(run.stdout.is_empty(), "{run:?}");

    // Unknown module names are refused, not ignored.
    let unknown = settings_file(&dir, "unknown.yaml", "acces-control: {controls: [all]}\n");
    let run = scan(&["--settings", p(&unknown), p(&pod)]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("acces-control") && run.stderr.contains("access-control"),
        "{run:?}"
    );

    // Not a mapping, not parseable, missing.
    for (name, text) in [
        ("list.yaml", "- access-control\n"),
        ("broken.json", "{\"access-control\": "),
        ("scalar-module.yaml", "access-control: 3\n"),
    ] {
        let f = settings_file(&dir, name, text);
        let run = scan(&["--settings", p(&f), p(&pod)]);
        assert_eq!(run.code, 2, "{name}: {run:?}");
        assert!(run.stderr.contains("--settings"), "{name}: {run:?}");
    }
    let run = scan(&["--settings", p(&dir.join("absent.yaml")), p(&pod)]);
    assert_eq!(run.code, 2, "{run:?}");
}

// ---------------------------------------------------------------------------
// Outputs

/// The strict v1alpha2 schema of a wgpolicyk8s.io CRD, as the report crate's
/// tests validate against it.
fn crd_schema(file: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(workspace().join("harness/report/tests/schemas").join(file))
        .unwrap();
    jsonschema::validator_for(&crd::v1alpha2_schema(&text)).expect("schema compiles")
}

fn assert_valid(validator: &jsonschema::Validator, doc: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} is invalid:\n{}",
        errors.join("\n")
    );
}

#[test]
fn every_output_format() {
    let input = example("non-compliant");
    let dir = temp_dir("formats");

    // text (the default) and its alias terminal.
    let text = scan(&[&input]);
    assert_eq!(text.code, 1);
    for want in [
        "SOC 2 Trust Services Criteria",
        "ISO/IEC 27001:2022 Annex A",
        "Failures by resource",
        "Deployment shop/api",
        "spec.template.spec.initContainers[0].securityContext.privileged",
        "Result: FAIL",
    ] {
        assert!(text.stdout.contains(want), "missing {want:?}: {text:?}");
    }
    assert!(!text.stdout.contains('\x1b'), "no colour off a TTY");
    assert_eq!(scan(&["--format", "terminal", &input]).stdout, text.stdout);

    // json: parses, has schemaVersion, follows the published schema.
    let run = scan(&["--format", "json", &input]);
    assert_eq!(run.code, 1);
    let report = run.json();
    assert_eq!(report["schemaVersion"], 1);
    assert_eq!(report["result"], "fail");
    assert_eq!(report["exitCode"], 1);
    assert_eq!(report["tool"]["name"], "kube-soc2");
    assert_eq!(
        report["modules"].as_array().unwrap().len(),
        kube_soc2::commands::bench::NATIVE_FAMILIES.len()
    );
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(workspace().join("harness/report/report.schema.json")).unwrap(),
    )
    .unwrap();
    assert_valid(
        &jsonschema::validator_for(&schema).expect("schema compiles"),
        &report,
        "the JSON report",
    );

    // policyreport: a YAML stream of PolicyReports (per namespace) and a
    // ClusterPolicyReport, each valid against its CRD.
    let namespaced = crd_schema("wgpolicyk8s.io_policyreports.yaml");
    let cluster = crd_schema("wgpolicyk8s.io_clusterpolicyreports.yaml");
    for layout in ["namespace", "resource"] {
        let run = scan(&[
            "--format",
            "policyreport",
            "--policy-report-layout",
            layout,
            &input,
        ]);
        assert_eq!(run.code, 1, "{run:?}");
        let mut kinds = Vec::new();
        for doc in serde_yaml::Deserializer::from_str(&run.stdout) {
            let v = Value::deserialize(doc).expect("a YAML document");
            if v.is_null() {
                continue;
            }
            assert_eq!(v["apiVersion"], "wgpolicyk8s.io/v1alpha2");
            let kind = v["kind"].as_str().unwrap().to_string();
            match kind.as_str() {
                "PolicyReport" => assert_valid(&namespaced, &v, "PolicyReport"),
                "ClusterPolicyReport" => assert_valid(&cluster, &v, "ClusterPolicyReport"),
                other => panic!("unexpected kind {other}"),
            }
            kinds.push(kind);
        }
        assert!(kinds.iter().any(|k| k == "PolicyReport"), "{layout}");
        assert!(kinds.iter().any(|k| k == "ClusterPolicyReport"), "{layout}");
        if layout == "namespace" {
            // shop (split in two: no report above 200 KB), default (the
            // CronJob), kube-system (the control-plane mirror Pods) and the
            // cluster-scoped objects.
            assert_eq!(kinds.len(), 5, "{kinds:?}");
            for doc in run.stdout.split("\n---") {
                assert!(doc.len() < 220_000, "a PolicyReport over the apply limit");
            }
        }
    }

    // junit: well-formed, valid against the Jenkins JUnit XSD, one testsuite
    // per module, failures counted.
    let run = scan(&["--format", "junit", &input]);
    assert_eq!(run.code, 1);
    let xsd_text =
        std::fs::read_to_string(workspace().join("harness/report/tests/schemas/junit-10.xsd"))
            .unwrap();
    xsd::Schema::parse(&xsd_text)
        .unwrap()
        .validate(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}\n{}", run.stdout));
    let doc = roxmltree::Document::parse(&run.stdout).unwrap();
    let suites: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testsuite"))
        .filter_map(|n| n.attribute("name"))
        .collect();
    assert!(
        suites.iter().any(|s| s.contains("access-control"))
            && suites.iter().any(|s| s.contains("availability")),
        "{suites:?}"
    );
    assert!(doc.descendants().any(|n| n.has_tag_name("failure")));

    // markdown.
    let run = scan(&["--format", "markdown", &input]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.starts_with('#'), "{run:?}");
    assert!(run.stdout.contains("pss-privileged") && run.stdout.contains("| "));

    // html: self-contained.
    let run = scan(&["--format", "html", &input]);
    assert_eq!(run.code, 1);
    let html = &run.stdout;
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    for banned in ["<script", "src=", "@import", "url(", "<link"] {
        assert!(!html.contains(banned), "{banned}: not self-contained");
    }
    // Links only within the page (the table of contents).
    for (i, _) in html.match_indices("href=") {
        assert!(html[i..].starts_with("href=\"#"), "external link at {i}");
    }
    for want in ["SOC 2", "ISO/IEC 27001", "A.8.2", "Deployment shop/api"] {
        assert!(html.contains(want), "missing {want:?}");
    }

    // --output writes the file instead of stdout; the same report.
    let out = dir.join("report.json");
    let run = scan(&["--format", "json", "--output", p(&out), &input]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("report.json"), "{run:?}");
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(written["summary"], report["summary"]);
    assert_eq!(written["objects"], report["objects"]);

    // --report writes more formats from the same scan.
    let html = dir.join("r.html");
    let junit = dir.join("r.junit.xml");
    let run = scan(&[
        "--format",
        "json",
        "--report",
        &format!("html={}", p(&html)),
        "--report",
        &format!("junit={}", p(&junit)),
        &input,
    ]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.json()["summary"], report["summary"]);
    assert!(
        std::fs::read_to_string(&html)
            .unwrap()
            .starts_with("<!DOCTYPE html>")
    );
    roxmltree::Document::parse(&std::fs::read_to_string(&junit).unwrap()).unwrap();
    let run = scan(&["--report", "html", &input]);
    assert_eq!(run.code, 2, "{run:?}");

    // Unknown formats are usage errors.
    let run = scan(&["--format", "xml", &input]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("valid formats"), "{run:?}");
    // An unwritable --output too.
    let run = scan(&["--output", p(&dir.join("no/such/dir/r.txt")), &input]);
    assert_eq!(run.code, 2, "{run:?}");
}

// ---------------------------------------------------------------------------
// Exit codes and examples

#[test]
fn exit_codes_follow_fail_on() {
    let dir = temp_dir("exit");
    let good = write(
        &dir,
        "good.yaml",
        &format!("{GOOD_DEPLOYMENT}---{GOOD_PDB}"),
    );
    let pod = write(&dir, "pod.yaml", PRIVILEGED_POD);
    // A low-severity failure only: the deprecated serviceAccount field.
    let low = write(
        &dir,
        "low.yaml",
        &GOOD_DEPLOYMENT.replace("serviceAccountName: web", "serviceAccount: web"),
    );

    assert_eq!(scan(&["-n", "team", p(&good)]).code, 0);
    assert_eq!(scan(&["-n", "team", p(&pod)]).code, 1);
    assert_eq!(scan(&["-n", "team", p(&low)]).code, 1);
    // --fail-on: below the threshold passes, at or above fails; none never fails.
    assert_eq!(
        scan(&["-n", "team", "--fail-on", "medium", p(&low)]).code,
        0
    );
    let run = scan(&["-n", "team", "--fail-on", "medium", p(&low)]);
    assert!(run.stdout.contains("below --fail-on medium"), "{run:?}");
    assert_eq!(
        scan(&["-n", "team", "--fail-on", "critical", p(&pod)]).code,
        1,
        "pss-privileged is critical"
    );
    assert_eq!(scan(&["-n", "team", "--fail-on", "none", p(&pod)]).code, 0);
    assert_eq!(scan(&["-n", "team", "--fail-on", "low", p(&pod)]).code, 1);
    // 2: usage errors and input errors, whatever the threshold.
    let run = scan(&["--fail-on", "severe", p(&pod)]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(scan(&[]).code, 2, "no inputs");
    assert_eq!(
        scan(&["--fail-on", "none", p(&dir.join("missing"))]).code,
        2
    );
    let run = kube_soc2(&["scan", "--dist", p(&dir.join("no-dist")), p(&pod)], "");
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("scripts/build"), "{run:?}");
}

/// The default controls each non-compliant object is documented to fail
/// (examples/README.md).
const NON_COMPLIANT: &[(&str, &str, &[&str])] = &[
    ("Namespace", "shop", &["namespace-psa-labels"]),
    (
        "PriorityClass",
        "shop-critical",
        &["priority-class-global-default"],
    ),
    (
        "Secret",
        "ci-deployer-token",
        &["no-legacy-service-account-token-secrets"],
    ),
    ("Role", "api-config-reader", &["rbac-no-secret-read"]),
    (
        "RoleBinding",
        "api-config-reader",
        &["rbac-no-default-service-account-binding"],
    ),
    (
        "Role",
        "shop-debug",
        &["rbac-no-wildcards", "rbac-no-pod-exec"],
    ),
    (
        "ClusterRoleBinding",
        "commerce-admins",
        &["rbac-restrict-cluster-admin"],
    ),
    (
        "ClusterRoleBinding",
        "shop-status-page",
        &["rbac-no-anonymous-bindings"],
    ),
    (
        "ClusterRole",
        "shop-operator",
        &[
            "rbac-no-escalation-verbs",
            "rbac-no-secret-read",
            "rbac-no-sensitive-aggregation",
        ],
    ),
    (
        "NetworkPolicy",
        "api-allow-all-temporary",
        &["network-policy-no-allow-all"],
    ),
    (
        "Deployment",
        "frontend",
        &[
            "replicas-minimum",
            "rollout-strategy",
            "pss-host-ports",
            "resources-requests-limits",
            "probes-liveness-readiness",
        ],
    ),
    ("PodDisruptionBudget", "frontend", &["pdb-allows-eviction"]),
    ("HorizontalPodAutoscaler", "frontend", &["hpa-sanity"]),
    (
        "Deployment",
        "api",
        &[
            "pss-privileged",
            "pss-capabilities-baseline",
            "no-deprecated-service-account-field",
            "probes-port-declared",
            "pss-host-probes-and-host-lifecycle",
            "projected-token-bounds",
            "rollout-strategy",
            "rollout-revision-history",
            "resources-requests-limits",
        ],
    ),
    ("HorizontalPodAutoscaler", "api", &["hpa-sanity"]),
    (
        "Deployment",
        "worker",
        &[
            "no-container-runtime-socket",
            "pss-host-path-volumes",
            "no-share-process-namespace",
            "probes-liveness-readiness",
        ],
    ),
    (
        "StatefulSet",
        "postgres",
        &[
            "pss-host-namespaces",
            "pss-sysctls",
            "replicas-minimum",
            "rollout-strategy",
        ],
    ),
    (
        "Deployment",
        "redis",
        &[
            "pss-seccomp-profile-baseline",
            "pss-app-armor-profile",
            "pss-proc-mount",
            "pss-se-linux-options",
        ],
    ),
    (
        "CronJob",
        "nightly-sales-report",
        &["workloads-not-in-default-namespace"],
    ),
    (
        "Pod",
        "debug-shell",
        &[
            "pss-capabilities-baseline",
            "resources-requests-limits",
            "probes-liveness-readiness",
        ],
    ),
    (
        "Ingress",
        "legacy",
        &["ingress-tls-hosts", "ingress-weak-tls"],
    ),
    (
        "Secret",
        "legacy-tls",
        &["tls-secret-certificate", "secret-last-applied-data"],
    ),
    (
        "Certificate",
        "partners-tls",
        &["cert-manager-key-strength"],
    ),
    ("ConfigMap", "mailer-config", &["secret-literal-configmap"]),
    ("Deployment", "mailer", &["secret-literal-env"]),
    (
        "PeerAuthentication",
        "default",
        &["istio-peer-authentication-strict"],
    ),
    (
        "Pod",
        "etcd-cp1",
        &["etcd-client-cert-auth", "etcd-unique-ca"],
    ),
    (
        "Deployment",
        "legacy-metrics",
        &[
            "image-tag-not-latest",
            "image-tag-required",
            "image-registry-denied",
        ],
    ),
    ("Service", "postgres-debug", &["service-no-node-port"]),
    (
        "Service",
        "api-public",
        &[
            "service-no-external-ips",
            "service-load-balancer-source-ranges",
        ],
    ),
    (
        "Ingress",
        "catch-all",
        &[
            "ingress-no-catch-all-host",
            "ingress-nginx-dangerous-annotations",
        ],
    ),
    (
        "CronJob",
        "month-end-close",
        &[
            "job-backoff-limit",
            "cronjob-schedule-valid",
            "cronjob-concurrency-policy",
        ],
    ),
    (
        "MutatingWebhookConfiguration",
        "shop-audit-hook",
        &[
            "webhook-side-effects",
            "webhook-timeout",
            "webhook-client-tls",
        ],
    ),
    ("Ingress", "legacy-shop", &["api-version-removed"]),
    ("StorageClass", "customer-ssd", &["storage-reclaim-retain"]),
    (
        "VolumeSnapshotClass",
        "quick-snapshots",
        &["snapshot-class-retain"],
    ),
    ("PersistentVolume", "scratch-export", &["pv-no-host-path"]),
    (
        "PersistentVolumeClaim",
        "customer-export",
        &["retention-metadata"],
    ),
    ("Pod", "kube-apiserver", &["apiserver-anonymous-auth"]),
    ("Policy", "", &["audit-policy-sensitive-resources"]),
];

#[test]
fn examples_compliant_passes_everything_and_non_compliant_fails_as_documented() {
    let dir = temp_dir("examples");
    let all = settings_file(
        &dir,
        "all.yaml",
        "access-control: {controls: [all]}\navailability: {controls: [all]}\ncluster-hardening: {controls: [all]}\n",
    );
    let compliant = example("compliant");
    // Every default control, then every control of every family.
    for settings in [None, Some(p(&all))] {
        let mut args = vec!["--format", "json"];
        if let Some(s) = settings {
            args.extend(["--settings", s]);
        }
        args.push(&compliant);
        let run = scan(&args);
        assert_eq!(run.code, 0, "{settings:?}: {run:?}");
        let report = run.json();
        let checks = &report["summary"]["checks"];
        assert_eq!(checks["fail"], 0, "{settings:?}");
        assert_eq!(checks["error"], 0, "{settings:?}");
        assert_eq!(checks["warn"], 0, "{settings:?}");
        assert!(checks["pass"].as_u64().unwrap() > 150, "{checks}");
        // Every workload was checked by both families.
        let deploy = object(&report, "Deployment", "api");
        assert!(status(deploy, "pss-privileged").is_some());
        assert!(status(deploy, "resources-requests-limits").is_some());
    }

    let run = scan(&["--format", "json", &example("non-compliant")]);
    assert_eq!(run.code, 1, "{run:?}");
    let report = run.json();
    assert_eq!(report["summary"]["checks"]["error"], 0);
    assert!(report["summary"]["checks"]["fail"].as_u64().unwrap() >= 40);
    for (kind, name, controls) in NON_COMPLIANT {
        let failures = failed(object(&report, kind, name));
        for c in *controls {
            assert!(
                failures.iter().any(|f| f == c),
                "{kind} {name} should fail {c}; fails {failures:?}"
            );
        }
    }
    // With every control enabled, many more fail, still without errors.
    let run = scan(&[
        "--format",
        "json",
        "--settings",
        p(&all),
        &example("non-compliant"),
    ]);
    assert_eq!(run.code, 1);
    let all_report = run.json();
    assert_eq!(all_report["summary"]["checks"]["error"], 0);
    assert!(
        all_report["summary"]["checks"]["fail"].as_u64().unwrap()
            > 2 * report["summary"]["checks"]["fail"].as_u64().unwrap()
    );
}
