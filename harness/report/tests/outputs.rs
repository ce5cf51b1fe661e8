//! Every output format, rendered from scans of real kit answers; the
//! PolicyReport output validated against the wgpolicyk8s.io v1alpha2 CRD
//! schema, the JUnit output against the Jenkins JUnit XSD, the JSON output
//! against its own published schema; and the exit codes.

mod support;

use report::{ExitCode, FailOn, Format, RenderOptions, Scan, Severity, analyse, exit_code, render};
use serde_json::{Value, json};
use support::family::{ACCESS, AVAILABILITY, default_scan, scan_of};

/// A small application with the usual mistakes, one exemption case, a
/// cluster-scoped object and a hostile name.
const APP: &str = r#"
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
  labels: {app.kubernetes.io/name: api}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      initContainers:
      - name: setup
        image: busybox:1.36
        securityContext: {privileged: true, runAsNonRoot: true}
      containers:
      - name: api
        image: registry.example.com/shop/api:2.4.1
        securityContext: {privileged: true}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: {app.kubernetes.io/name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      securityContext: {runAsNonRoot: true}
      containers:
      - name: web
        image: registry.example.com/shop/web:1.0.0
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: "evil</td><script>alert(1)</script>|*x*"
  namespace: shop
data: {a: b}
---
apiVersion: v1
kind: Pod
metadata:
  name: node-agent
  namespace: kube-system
spec:
  securityContext: {runAsNonRoot: true}
  containers:
  - name: agent
    image: registry.example.com/agent:1.0
    securityContext: {privileged: true}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: reader
rules: []
"#;

const COMPLIANT: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: {app.kubernetes.io/name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      securityContext: {runAsNonRoot: true}
      containers:
      - name: web
        image: registry.example.com/shop/web:1.0.0
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web, namespace: shop}
"#;

fn access_settings() -> Value {
    json!({
        "exemptions": [{
            "namespaces": ["kube-system"],
            "controls": ["test-privileged"],
            "reason": "CHG-42, approved (security)"
        }]
    })
}

/// The application scanned with an exemption and opt-in of the label control.
fn app_scan() -> Scan {
    let loaded = report::inputs::load_str("app.yaml", APP);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    scan_of(
        loaded,
        &[
            (&ACCESS, access_settings()),
            (&AVAILABILITY, json!({"controls": ["default", "inventory"]})),
        ],
        &["app.yaml"],
    )
}

fn options() -> RenderOptions {
    RenderOptions::default()
}

#[test]
fn evaluations_carry_parsed_findings() {
    let scan = app_scan();
    let api = scan
        .evaluations
        .iter()
        .find(|e| e.object.name == "api" && e.module == "test-access")
        .unwrap();
    assert!(!api.allowed);
    let privileged = api
        .violations
        .iter()
        .find(|v| v.control == "test-privileged")
        .unwrap();
    assert_eq!(privileged.title, "Privileged containers are disallowed");
    assert_eq!(
        privileged.remediation.as_deref(),
        Some("remove securityContext.privileged or set it to false")
    );
    let found: Vec<(Option<&str>, Option<&str>)> = privileged
        .findings
        .iter()
        .map(|f| (f.container.as_deref(), f.path.as_deref()))
        .collect();
    assert_eq!(
        found,
        [
            (
                Some("api"),
                Some("spec.template.spec.containers[0].securityContext.privileged")
            ),
            (
                Some("setup"),
                Some("spec.template.spec.initContainers[0].securityContext.privileged")
            ),
        ]
    );
    let replicas = scan
        .evaluations
        .iter()
        .find(|e| e.object.name == "api" && e.module == "test-availability")
        .unwrap();
    let f = &replicas.violations[0].findings;
    assert_eq!(
        f.len(),
        1,
        "the '; ' inside the message stays in one finding"
    );
    assert_eq!(f[0].path.as_deref(), Some("spec.replicas"));
    assert_eq!(
        f[0].message,
        "is 1; at least 2 are needed to survive a node drain"
    );
    let agent = scan
        .evaluations
        .iter()
        .find(|e| e.object.name == "node-agent" && e.module == "test-access")
        .unwrap();
    assert!(agent.allowed);
    assert_eq!(agent.exempted[0].control, "test-privileged");
    assert_eq!(
        agent.exempted[0].reason.as_deref(),
        Some("CHG-42, approved (security)")
    );
}

#[test]
fn warn_only_controls_become_warnings() {
    let loaded = report::inputs::load_str("app.yaml", APP);
    let scan = scan_of(
        loaded,
        &[(&ACCESS, json!({"warnOnly": ["test-run-as-non-root"]}))],
        &["app.yaml"],
    );
    let api = scan
        .evaluations
        .iter()
        .find(|e| e.object.name == "api")
        .unwrap();
    assert_eq!(api.warnings.len(), 1);
    assert_eq!(api.warnings[0].control, "test-run-as-non-root");
    assert_eq!(
        api.warnings[0].findings[0].path.as_deref(),
        Some("spec.template.spec.containers[0].securityContext.runAsNonRoot")
    );
    let results = analyse(&scan);
    assert_eq!(results.totals.warn, 1);
}

#[test]
fn results_count_checks_per_control_and_criterion() {
    let scan = app_scan();
    let r = analyse(&scan);
    // Objects in input order; the ClusterRole and Service are in scope of nothing.
    let kinds: Vec<&str> = r.objects.iter().map(|o| o.object.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "Namespace",
            "Deployment",
            "Deployment",
            "Service",
            "ConfigMap",
            "Pod",
            "ClusterRole"
        ]
    );
    assert_eq!(r.objects[6].counts.evaluated, 0);
    let control = |id: &str| r.controls.iter().find(|c| c.id == id).unwrap();
    // 2 Deployments + 1 Pod; the Pod is exempted.
    let p = control("test-privileged").counts;
    assert_eq!((p.evaluated, p.pass, p.fail, p.skip), (3, 1, 1, 1));
    // CONNECT/exec-only control never applies to a scan.
    assert_eq!(control("test-no-exec").counts.evaluated, 0);
    let labels = control("test-labels").counts;
    assert_eq!((labels.evaluated, labels.fail), (5, 3));
    let cc61 = r.soc2.iter().find(|c| c.id == "CC6.1").unwrap();
    assert_eq!(
        cc61.controls,
        ["test-privileged", "test-run-as-non-root", "test-labels"]
    );
    assert_eq!(
        cc61.title,
        Some("Logical access security over software, infrastructure and architectures")
    );
    // The whole registry, in its order; the mapped ones in that order too.
    assert_eq!(r.soc2.len(), 61);
    assert_eq!(r.iso27001.len(), 93);
    let ids: Vec<&str> = r
        .soc2
        .iter()
        .filter(|c| c.tally.mapped > 0)
        .map(|c| c.id)
        .collect();
    assert_eq!(ids, ["CC6.1", "CC6.8", "CC8.1", "A1.2"]);
}

#[test]
fn coverage_matrix_accounts_for_every_criterion_and_never_passes_an_untested_one() {
    use report::criteria::{Evidence, Framework};
    use report::results::Coverage;
    // Default settings: test-labels (A.5.9) is not enabled; test-no-exec
    // (CC8.1, A.8.32) is enabled but never applies to a scan.
    let scan = default_scan(report::inputs::load_str("ok.yaml", COMPLIANT));
    let r = analyse(&scan);
    for (framework, rows) in [
        (Framework::Soc2, &r.soc2),
        (Framework::Iso27001, &r.iso27001),
    ] {
        let registry: Vec<&str> = report::criteria::of(framework).map(|c| c.id).collect();
        let got: Vec<&str> = rows.iter().map(|c| c.id).collect();
        assert_eq!(got, registry, "every criterion, in registry order");
        for c in rows.iter() {
            if c.coverage != Coverage::Evaluated {
                assert_eq!(
                    c.status(),
                    None,
                    "{} is {:?} but has a verdict",
                    c.id,
                    c.coverage
                );
            }
        }
    }
    let soc2 = |id: &str| r.soc2.iter().find(|c| c.id == id).unwrap();
    let iso = |id: &str| r.iso27001.iter().find(|c| c.id == id).unwrap();

    let cc61 = soc2("CC6.1");
    assert_eq!(cc61.coverage, Coverage::Evaluated);
    assert_eq!(cc61.evidence, Some(Evidence::Admission));
    assert_eq!(cc61.status(), Some(report::Status::Pass));
    // privileged + non-root ran and passed; labels maps to it but is off.
    assert_eq!(
        (
            cc61.tally.mapped,
            cc61.tally.enabled,
            cc61.tally.ran,
            cc61.tally.passed,
            cc61.tally.failed
        ),
        (3, 2, 2, 2, 0)
    );
    assert_eq!(
        cc61.tally_text(),
        "2 of 3 controls ran: 2 passed, 0 failed; 1 not enabled"
    );

    let cc81 = soc2("CC8.1");
    assert_eq!(cc81.coverage, Coverage::NotEvaluated);
    assert_eq!((cc81.tally.enabled, cc81.tally.ran), (1, 0));
    assert_eq!(iso("A.5.9").coverage, Coverage::NotEnabled);
    assert_eq!(iso("A.5.9").disabled, ["test-labels"]);
    assert_eq!(soc2("CC6.6").coverage, Coverage::NoControl);
    assert_eq!(soc2("CC1.1").coverage, Coverage::Organisational);
    assert_eq!(iso("A.7.4").coverage, Coverage::Organisational);

    // The same in JSON, for every criterion.
    let v: Value = serde_json::from_str(&render(Format::Json, &scan, &options())).unwrap();
    let cc11 = &v["criteria"]["soc2"][0];
    assert_eq!(cc11["id"], "CC1.1");
    assert_eq!(cc11["evidence"], "organisational");
    assert_eq!(cc11["coverage"], "organisational");
    assert_eq!(cc11["status"], "notEvaluated");
    let cc61 = v["criteria"]["soc2"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "CC6.1")
        .unwrap();
    assert_eq!(
        cc61["controlCounts"],
        json!({"mapped": 3, "enabled": 2, "ran": 2, "passed": 2, "failed": 0})
    );
    assert_eq!(v["criteria"]["iso27001"].as_array().unwrap().len(), 93);

    // And readable: the terminal accounts for the rest in compact lines.
    let text = render(Format::Terminal, &scan, &options());
    for want in [
        "61 criteria: 3 evaluated (0 failing), 1 not evaluated, 0 not enabled",
        "organisational, not evidenced by admission control (",
        "CC1.1–CC1.5",
        "A.7.1–A.7.14",
        "no control in the scanned modules (",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    let md = render(Format::Markdown, &scan, &options());
    assert!(md.contains("| CC8.1 | Authorising, designing, testing, approving and implementing changes | partial | not evaluated | 0 of 1 ran / 0 / 0 |"), "{md}");
    assert!(md.contains("Organisational — no admission control can evidence ("));
    let html = render(Format::Html, &scan, &options());
    assert!(html.contains("<code>A.7.14</code> Secure disposal or re-use of equipment"));
}

/// An id a control uses that the registry lacks is still reported (last,
/// without title), never dropped.
#[test]
fn unknown_criterion_ids_are_listed_not_dropped() {
    let mut scan = default_scan(report::inputs::load_str("ok.yaml", COMPLIANT));
    scan.modules[0].catalogue.controls[0]
        .criteria
        .soc2
        .push("CC99.1".into());
    let r = analyse(&scan);
    let last = r.soc2.last().unwrap();
    assert_eq!((last.id, last.title, last.evidence), ("CC99.1", None, None));
    assert_eq!(r.soc2.len(), 62);
}

#[test]
fn terminal_summary() {
    let scan = app_scan();
    let text = render(Format::Terminal, &scan, &options());
    assert!(!text.contains('\u{1b}'), "no colour unless asked");
    for want in [
        "SOC 2 Trust Services Criteria",
        "ISO/IEC 27001:2022 Annex A",
        "CC6.1",
        "A.8.2",
        "Failures by resource",
        "Deployment shop/api",
        "app.yaml:6 (document 2)",
        "test-privileged [critical]",
        "spec.template.spec.initContainers[0].securityContext.privileged (container \"setup\"): privileged is true",
        "fix: remove securityContext.privileged or set it to false",
        "Result: FAIL",
        "(exit 1)",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    let coloured = render(
        Format::Terminal,
        &scan,
        &RenderOptions {
            color: true,
            ..options()
        },
    );
    assert!(coloured.contains("\u{1b}[31;1mFAIL"));
}

#[test]
fn terminal_strips_control_characters_from_user_text() {
    let loaded = report::inputs::load_str(
        "x.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \"a\\e[2Jb\"}\n",
    );
    let scan = scan_of(
        loaded,
        &[(&AVAILABILITY, json!({"controls": ["all"]}))],
        &["x.yaml"],
    );
    let text = render(Format::Terminal, &scan, &options());
    assert!(text.contains("ConfigMap a\u{FFFD}[2Jb"), "{text}");
}

fn json_schema_validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::validator_for(schema).expect("schema compiles")
}

fn assert_valid(validator: &jsonschema::Validator, doc: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} is invalid:\n{}",
        errors.join("\n")
    );
}

#[test]
fn json_output_follows_its_published_schema() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("report.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = json_schema_validator(&schema);
    let scan = app_scan();
    let text = render(Format::Json, &scan, &options());
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_valid(&validator, &v, "the JSON report");
    assert_eq!(v["schemaVersion"], 1);
    assert_eq!(v["result"], "fail");
    assert_eq!(v["exitCode"], 1);
    assert_eq!(v["generatedAt"], "2026-05-21T08:33:56Z");
    let api = v["objects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "api")
        .unwrap();
    assert_eq!(api["origin"]["document"], 2);
    let privileged = api["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["control"] == "test-privileged")
        .unwrap();
    assert_eq!(privileged["status"], "fail");
    assert_eq!(privileged["severity"], "critical");
    assert_eq!(privileged["findings"][1]["container"], "setup");
    // Stable: the same scan renders byte-identically.
    assert_eq!(text, render(Format::Json, &scan, &options()));

    // Error shapes validate too.
    let mut with_errors = app_scan();
    with_errors.input_errors.push(report::InputError {
        file: "bad.yaml".into(),
        document: Some(2),
        line: Some(7),
        message: "invalid YAML".into(),
    });
    let v: Value = serde_json::from_str(&render(Format::Json, &with_errors, &options())).unwrap();
    assert_valid(&validator, &v, "the JSON report with errors");
    assert_eq!(v["exitCode"], 2);
    assert_eq!(v["inputErrors"][0]["document"], 2);
}

/// The strict v1alpha2 schema of a CRD file under tests/.
fn crd_schema(file: &str) -> Value {
    support::crd::v1alpha2_schema(&support::read(file))
}

fn policy_reports(scan: &Scan, layout: report::policyreport::Layout) -> Vec<Value> {
    let opts = RenderOptions {
        policy_report: report::policyreport::Options {
            layout,
            ..Default::default()
        },
        ..options()
    };
    let text = render(Format::PolicyReport, scan, &opts);
    // Read back with the crate's own loader: a multi-document YAML stream.
    let loaded = report::inputs::load_str("reports.yaml", &text);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    loaded
        .objects
        .into_iter()
        .map(|o| o.value().unwrap().to_serde())
        .collect()
}

#[test]
fn policy_reports_validate_against_the_wgpolicyk8s_v1alpha2_crds() {
    use report::policyreport::Layout;
    let namespaced =
        json_schema_validator(&crd_schema("schemas/wgpolicyk8s.io_policyreports.yaml"));
    let cluster = json_schema_validator(&crd_schema(
        "schemas/wgpolicyk8s.io_clusterpolicyreports.yaml",
    ));
    let scan = app_scan();
    for layout in [Layout::PerNamespace, Layout::PerResource] {
        let reports = policy_reports(&scan, layout);
        assert!(!reports.is_empty());
        for r in &reports {
            assert_eq!(r["apiVersion"], "wgpolicyk8s.io/v1alpha2");
            let validator = match r["kind"].as_str() {
                Some("PolicyReport") => &namespaced,
                Some("ClusterPolicyReport") => &cluster,
                other => panic!("unexpected kind {other:?}"),
            };
            assert_valid(
                validator,
                r,
                &format!("{layout:?} {}", r["metadata"]["name"]),
            );
            // The summary counts its results.
            let results = r["results"].as_array().unwrap();
            let sum: u64 = ["pass", "fail", "warn", "error", "skip"]
                .iter()
                .map(|k| r["summary"][k].as_u64().unwrap())
                .sum();
            assert_eq!(sum as usize, results.len());
            assert_eq!(
                r["metadata"]["labels"]["app.kubernetes.io/managed-by"],
                "kube-soc2"
            );
        }
    }
    // Per namespace: kube-system and shop; the Namespace object itself is
    // cluster-scoped, so there is a ClusterPolicyReport for its checks.
    let reports = policy_reports(&scan, Layout::PerNamespace);
    let names: Vec<&str> = reports
        .iter()
        .map(|r| r["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "kube-soc2-kube-system",
            "kube-soc2-shop",
            "kube-soc2-cluster"
        ]
    );
    let shop = &reports[1];
    assert_eq!(shop["metadata"]["namespace"], "shop");
    assert_eq!(
        shop["scope"],
        json!({"apiVersion": "v1", "kind": "Namespace", "name": "shop"})
    );
    let fail = shop["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "test-privileged" && r["result"] == "fail")
        .unwrap();
    assert_eq!(fail["policy"], "test-access");
    assert_eq!(fail["source"], "kubewarden");
    assert_eq!(fail["severity"], "critical");
    assert_eq!(fail["scored"], true);
    assert_eq!(
        fail["timestamp"],
        json!({"seconds": 1_779_352_436, "nanos": 0})
    );
    assert_eq!(fail["properties"]["soc2"], "CC6.1,CC6.8");
    assert_eq!(fail["properties"]["iso27001"], "A.8.2,A.8.9");
    assert_eq!(
        fail["properties"]["fields"],
        "spec.template.spec.containers[0].securityContext.privileged,spec.template.spec.initContainers[0].securityContext.privileged"
    );
    assert_eq!(
        fail["resources"],
        json!([{"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "shop", "name": "api"}])
    );
    assert!(
        fail["message"]
            .as_str()
            .unwrap()
            .starts_with("[test-privileged]")
    );
    let skip = reports[0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["result"] == "skip")
        .unwrap();
    assert_eq!(
        skip["properties"]["exemption-reason"],
        "CHG-42, approved (security)"
    );
    let pass = shop["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["result"] == "pass")
        .unwrap();
    assert!(pass.get("message").is_none());

    // Per resource: one report per evaluated object, scoped to it.
    let reports = policy_reports(&scan, Layout::PerResource);
    let scopes: Vec<String> = reports
        .iter()
        .map(|r| {
            format!(
                "{} {} {}",
                r["kind"].as_str().unwrap(),
                r["scope"]["kind"].as_str().unwrap(),
                r["scope"]["name"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        scopes,
        [
            "ClusterPolicyReport Namespace shop",
            "PolicyReport Deployment api",
            "PolicyReport Deployment web",
            "PolicyReport Service web",
            "PolicyReport ConfigMap evil</td><script>alert(1)</script>|*x*",
            "PolicyReport Pod node-agent"
        ]
    );
    assert!(reports[1]["results"][0].get("resources").is_none());

    // The schemas are not rubber stamps.
    let mut bad = reports[1].clone();
    bad["results"][0]["result"] = json!("failed");
    assert!(!namespaced.is_valid(&bad));
    let mut bad = reports[1].clone();
    bad["results"][0]["resource"] = json!([]);
    assert!(!namespaced.is_valid(&bad));
    let mut bad = reports[1].clone();
    bad["results"][0]["timestamp"] = json!({"seconds": 1});
    assert!(!namespaced.is_valid(&bad));
    let mut bad = reports[1].clone();
    bad["results"][0]["properties"]["x"] = json!(1);
    assert!(!namespaced.is_valid(&bad));
    let name = reports[1]["metadata"]["name"].as_str().unwrap();
    assert!(name.starts_with("kube-soc2-") && name.len() == 26, "{name}");
    assert_eq!(reports[1]["metadata"]["namespace"], "shop");
}

#[test]
fn junit_output_validates_against_the_jenkins_junit_xsd() {
    let schema = support::xsd::Schema::parse(&support::read("schemas/junit-10.xsd")).unwrap();
    let mut scan = app_scan();
    scan.input_errors.push(report::InputError {
        file: "bad & <broken>.yaml".into(),
        document: Some(3),
        line: Some(9),
        message: "invalid YAML: \"quoted\" 'single' \u{1}".into(),
    });
    let xml = render(Format::Junit, &scan, &options());
    schema
        .validate(&xml)
        .unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let suites: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testsuite"))
        .map(|n| n.attribute("name").unwrap())
        .collect();
    assert_eq!(suites, ["test-access", "test-availability", "inputs"]);
    let root = doc.root_element();
    let failures: usize = root.attribute("failures").unwrap().parse().unwrap();
    assert_eq!(
        failures,
        doc.descendants()
            .filter(|n| n.has_tag_name("failure"))
            .count()
    );
    assert!(failures > 0);
    let evil = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase") && n.attribute("name").unwrap().contains("evil"))
        .unwrap();
    assert_eq!(
        evil.attribute("name"),
        Some("test-labels ConfigMap shop/evil</td><script>alert(1)</script>|*x*")
    );
    let input = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase") && n.attribute("classname") == Some("inputs"))
        .unwrap();
    let error = input.children().find(|n| n.has_tag_name("error")).unwrap();
    assert_eq!(
        error.attribute("message"),
        Some("invalid YAML: \"quoted\" 'single' \u{FFFD}")
    );
    let skipped = doc
        .descendants()
        .find(|n| n.has_tag_name("skipped"))
        .unwrap();
    assert_eq!(
        skipped.attribute("message"),
        Some("exempted: CHG-42, approved (security)")
    );

    // The validator is not a rubber stamp.
    assert!(
        schema
            .validate("<testsuites><testcase name=\"x\"/></testsuites>")
            .is_err()
    );
    assert!(
        schema
            .validate("<testsuite name=\"x\" tests=\"1\" failures=\"0\"/>")
            .is_err()
    );
    assert!(
        schema
            .validate("<testsuites time=\"1.23456\"></testsuites>")
            .is_err()
    );
    assert!(
        schema
            .validate("<testsuite name=\"x\" tests=\"1\" failures=\"0\" errors=\"0\"><testcase name=\"a\" file=\"f\"/></testsuite>")
            .is_err()
    );
}

#[test]
fn markdown_report() {
    let scan = app_scan();
    let md = render(Format::Markdown, &scan, &options());
    for want in [
        "# kube-soc2 compliance scan",
        "| Result | **FAIL** (exit 1, `--fail-on any`) |",
        "## SOC 2 Trust Services Criteria",
        "| CC6.1 | Logical access security over software, infrastructure and architectures | admission | **fail** |",
        "## ISO/IEC 27001:2022 Annex A",
        "## Failures by resource",
        "### Deployment shop/api",
        "`spec.template.spec.containers[0].securityContext.privileged`",
        "## Evidence",
    ] {
        assert!(md.contains(want), "missing {want:?} in\n{md}");
    }
    assert!(!md.contains("<script>"), "raw HTML leaked");
    assert!(md.contains("evil&lt;/td&gt;&lt;script&gt;alert(1)&lt;/script&gt;\\|\\*x\\*"));
    // Every table row has the column count of its header.
    let mut cols = 0;
    for line in md.lines() {
        if !line.starts_with('|') {
            cols = 0;
            continue;
        }
        let n = line.replace("\\|", "").matches('|').count();
        if cols == 0 {
            cols = n;
        }
        assert_eq!(n, cols, "ragged row: {line}");
    }
}

#[test]
fn html_report_is_self_contained_and_escaped() {
    let scan = app_scan();
    let html = render(Format::Html, &scan, &options());
    assert!(html.starts_with("<!DOCTYPE html>"));
    for banned in ["<script", "src=", "@import", "url(", "<link"] {
        assert!(
            !html.contains(banned),
            "{banned} found: not self-contained or not escaped"
        );
    }
    // Links only within the page (the table of contents).
    for (i, _) in html.match_indices("href=") {
        assert!(html[i..].starts_with("href=\"#"), "external link at {i}");
    }
    assert!(html.contains("&lt;/td&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    for want in [
        "Content-Security-Policy",
        "<h2 id=\"soc2\">SOC 2 Trust Services Criteria</h2>",
        "<h2 id=\"iso27001\">ISO/IEC 27001:2022 Annex A</h2>",
        "<h2 id=\"evidence\">Evidence</h2>",
        "<a href=\"#failures\">",
        "A.8.14",
        "Deployment shop/api",
        "<td>CHG-42, approved (security)</td>",
    ] {
        assert!(html.contains(want), "missing {want:?}");
    }
    // Every check of every object only with --evidence full.
    let full = render(
        Format::Html,
        &scan,
        &RenderOptions {
            evidence: report::EvidenceMode::Full,
            ..options()
        },
    );
    for want in [
        "not evaluated: no enabled control applies to this kind",
        "exempted: CHG-42, approved (security)",
    ] {
        assert!(full.contains(want), "missing {want:?} with --evidence full");
        assert!(!html.contains(want), "{want:?} without --evidence full");
    }
    // Balanced table markup.
    for tag in ["table", "tr", "td", "th", "ul", "li", "h2", "h3"] {
        let open =
            html.matches(&format!("<{tag}>")).count() + html.matches(&format!("<{tag} ")).count();
        let close = html.matches(&format!("</{tag}>")).count();
        assert_eq!(open, close, "<{tag}> unbalanced");
    }
}

#[test]
fn exit_codes() {
    let compliant = default_scan(report::inputs::load_str("ok.yaml", COMPLIANT));
    assert_eq!(exit_code(&compliant, FailOn::Any), ExitCode::Pass);
    assert!(render(Format::Terminal, &compliant, &options()).contains("Result: PASS (exit 0)"));

    let app = app_scan();
    assert_eq!(exit_code(&app, FailOn::Any), ExitCode::Failures);
    assert_eq!(
        exit_code(&app, FailOn::AtLeast(Severity::Critical)),
        ExitCode::Failures
    );
    assert_eq!(exit_code(&app, FailOn::Never), ExitCode::Pass);

    // Only a medium failure (replicas) and a low one (labels).
    let medium = default_scan(report::inputs::load_str(
        "m.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: one, namespace: x}\nspec:\n  replicas: 1\n  template:\n    spec:\n      securityContext: {runAsNonRoot: true}\n      containers: [{name: c, image: i:1}]\n",
    ));
    assert_eq!(
        exit_code(&medium, FailOn::AtLeast(Severity::Medium)),
        ExitCode::Failures
    );
    assert_eq!(
        exit_code(&medium, FailOn::AtLeast(Severity::High)),
        ExitCode::Pass
    );
    let text = render(
        Format::Terminal,
        &medium,
        &RenderOptions {
            fail_on: FailOn::AtLeast(Severity::High),
            ..options()
        },
    );
    assert!(
        text.contains("PASS — 1 failure not counted (below --fail-on high)"),
        "{text}"
    );

    // Bad input documents: 2, whatever the findings.
    let mut loaded = report::inputs::load_str("ok.yaml", COMPLIANT);
    loaded
        .errors
        .extend(report::inputs::load_str("bad.yaml", "a: [").errors);
    let scan = default_scan(loaded);
    assert_eq!(exit_code(&scan, FailOn::Never), ExitCode::Error);

    // A module that cannot evaluate an object (the kit refuses a malformed
    // pod template with a code): 2, and the object's checks are errors.
    let malformed = default_scan(report::inputs::load_str(
        "m.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: broken, namespace: x}\nspec:\n  replicas: 2\n  template: not-a-template\n",
    ));
    let r = analyse(&malformed);
    assert!(!r.errors.is_empty(), "{:?}", malformed.evaluations);
    assert!(
        r.errors[0].message.contains("malformed"),
        "{}",
        r.errors[0].message
    );
    assert_eq!(exit_code(&malformed, FailOn::Any), ExitCode::Error);
    assert_eq!(ExitCode::Error.code(), 2);
}

/// `KUBE_SOC2_REPORT_DUMP=<dir> cargo test -p kube-soc2-report --test outputs`
/// writes every format of the sample scan there, to look at.
#[test]
fn dump_when_asked() {
    let Ok(dir) = std::env::var("KUBE_SOC2_REPORT_DUMP") else {
        return;
    };
    let scan = app_scan();
    std::fs::create_dir_all(&dir).unwrap();
    for (f, ext) in [
        (Format::Terminal, "txt"),
        (Format::Json, "json"),
        (Format::PolicyReport, "yaml"),
        (Format::Junit, "xml"),
        (Format::Markdown, "md"),
        (Format::Html, "html"),
        (Format::Sarif, "sarif"),
    ] {
        let out = render(f, &scan, &options());
        std::fs::write(format!("{dir}/report.{ext}"), out).unwrap();
    }
}

#[test]
fn every_format_renders_an_empty_scan() {
    let scan = Scan::new("kube-soc2", "0.1.0");
    for f in Format::ALL {
        let out = render(*f, &scan, &options());
        assert!(f == &Format::PolicyReport || !out.is_empty(), "{f:?}");
    }
    assert_eq!(Format::parse("junit"), Ok(Format::Junit));
    assert!(Format::parse("xml").unwrap_err().contains("policyreport"));
}

/// The OASIS SARIF 2.1.0 schema (tests/schemas/sarif-schema-2.1.0.json),
/// with format validation on (URIs, dates).
fn sarif_validator() -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_str(&support::read("schemas/sarif-schema-2.1.0.json")).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

#[test]
fn sarif_output_validates_against_the_sarif_2_1_0_schema() {
    let validator = sarif_validator();
    let mut scan = app_scan();
    scan.input_errors.push(report::InputError {
        file: "bad dir/bad.yaml".into(),
        document: Some(2),
        line: Some(7),
        message: "invalid YAML".into(),
    });
    let text = render(Format::Sarif, &scan, &options());
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_valid(&validator, &v, "the SARIF log");
    assert_eq!(v["version"], "2.1.0");
    let runs = v["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1, "one run");
    let run = &runs[0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "test-privileged",
            "test-run-as-non-root",
            "test-no-exec",
            "test-replicas",
            "test-labels"
        ]
    );
    let privileged = &rules[0];
    assert_eq!(
        privileged["shortDescription"]["text"],
        "Privileged containers are disallowed"
    );
    assert_eq!(
        privileged["help"]["text"],
        "remove securityContext.privileged or set it to false"
    );
    assert_eq!(privileged["defaultConfiguration"]["level"], "error");
    assert_eq!(privileged["properties"]["soc2"], json!(["CC6.1", "CC6.8"]));
    assert_eq!(privileged["properties"]["severity"], "critical");
    assert_eq!(rules[4]["defaultConfiguration"]["level"], "note");

    let results = run["results"].as_array().unwrap();
    // One result per finding: api has two privileged containers.
    let api_privileged: Vec<&Value> = results
        .iter()
        .filter(|r| {
            r["ruleId"] == "test-privileged"
                && r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
                    == "Deployment shop/api"
        })
        .collect();
    assert_eq!(api_privileged.len(), 2);
    let r = api_privileged[0];
    assert_eq!(r["ruleIndex"], 0);
    assert_eq!(r["level"], "error");
    assert_eq!(
        r["locations"][0]["physicalLocation"],
        json!({"artifactLocation": {"uri": "app.yaml"}, "region": {"startLine": 6}})
    );
    assert_eq!(
        r["message"]["text"],
        "container \"api\" at spec.template.spec.containers[0].securityContext.privileged: privileged is true"
    );
    assert_eq!(
        r["properties"]["fieldPath"],
        "spec.template.spec.containers[0].securityContext.privileged"
    );
    // The exemption is a suppressed result with its reason.
    let exempted = results
        .iter()
        .find(|r| r["suppressions"].is_array())
        .unwrap();
    assert_eq!(
        exempted["suppressions"][0]["justification"],
        "CHG-42, approved (security)"
    );
    // No passes; the input error is a notification with its (encoded) file.
    assert!(results.iter().all(|r| r["properties"]["status"] != "pass"));
    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert_eq!(
        invocation["toolExecutionNotifications"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
            ["uri"],
        "bad%20dir/bad.yaml"
    );

    // helm template output on stdin points at the chart template.
    let loaded = report::inputs::load_str(
        report::inputs::STDIN_NAME,
        "---\n# Source: shop/templates/api.yaml\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: x}\nspec:\n  containers: [{name: c, image: i, securityContext: {privileged: true}}]\n",
    );
    let scan = scan_of(loaded, &[(&ACCESS, Value::Null)], &["-"]);
    let v: Value = serde_json::from_str(&render(Format::Sarif, &scan, &options())).unwrap();
    assert_valid(&validator, &v, "the SARIF log of stdin");
    assert_eq!(
        v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "shop/templates/api.yaml"
    );

    // The schema is not a rubber stamp.
    let mut bad = v.clone();
    bad["runs"][0]["results"][0]["level"] = json!("critical");
    assert!(!validator.is_valid(&bad));
    let mut bad = v.clone();
    bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"] =
        json!({"startLine": 0});
    assert!(!validator.is_valid(&bad));
    let mut bad = v;
    bad["version"] = json!("2.0.0");
    assert!(!validator.is_valid(&bad));
}
