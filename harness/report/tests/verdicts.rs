//! One verdict in every format, evidence that ties a report to what ran,
//! namespaces the manifests do not give, baselines and expiring exemptions.

mod support;

use report::baseline::Baseline;
use report::{
    ExitCode, FailOn, Format, RenderOptions, Scan, Severity, Verdict, analyse, render, verdict,
};
use serde_json::{Value, json};
use support::family::{ACCESS, AVAILABILITY, default_scan, scan_of};

fn json_of(scan: &Scan, options: &RenderOptions) -> Value {
    serde_json::from_str(&render(Format::Json, scan, options)).unwrap()
}

fn schema_validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("report.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn assert_valid(doc: &Value) {
    let v = schema_validator();
    let errors: Vec<String> = v.iter_errors(doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

/// Every readable format states `want`, and the exit code agrees.
fn assert_everywhere(scan: &Scan, options: &RenderOptions, json_word: &str, people: &str) {
    let v = json_of(scan, options);
    assert_valid(&v);
    assert_eq!(v["result"], json_word);
    let terminal = render(Format::Terminal, scan, options);
    let markdown = render(Format::Markdown, scan, options);
    let html = render(Format::Html, scan, options);
    assert!(
        terminal.contains(&format!("Result: {}", people.to_uppercase())),
        "{terminal}"
    );
    assert!(
        markdown.contains(&format!("| Result | **{}**", people.to_uppercase())),
        "{markdown}"
    );
    assert!(
        html.contains(&format!("<dt>Verdict</dt><dd>{people} (exit code")),
        "verdict missing in html"
    );
    let code = report::exit::exit_code_for(scan, &analyse(scan), options.fail_on).code();
    assert_eq!(v["exitCode"], code);
    assert!(terminal.contains(&format!("(exit {code})")));
    assert!(markdown.contains(&format!("(exit {code},")));
    assert!(html.contains(&format!("(exit code {code},")));
}

#[test]
fn a_scan_that_evaluated_nothing_says_so_everywhere_and_does_not_pass() {
    // No control of the test families applies to a ClusterRole.
    let scan = default_scan(report::inputs::load_str(
        "r.yaml",
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\nrules: []\n",
    ));
    let results = analyse(&scan);
    assert_eq!(results.totals.evaluated, 0);
    assert_eq!(
        verdict(&scan, &results, FailOn::Never),
        Verdict::NothingEvaluated
    );
    assert_eq!(
        report::exit_code(&scan, FailOn::Any),
        ExitCode::Error,
        "nothing evaluated must not exit 0"
    );
    assert_everywhere(
        &scan,
        &RenderOptions::default(),
        "notEvaluated",
        "nothing evaluated",
    );
    let sarif: Value =
        serde_json::from_str(&render(Format::Sarif, &scan, &RenderOptions::default())).unwrap();
    assert!(sarif["runs"][0]["results"].as_array().unwrap().is_empty());
}

const MEDIUM_ONLY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: one, namespace: x, labels: {app.kubernetes.io/name: one}}\nspec:\n  replicas: 1\n  template:\n    spec:\n      securityContext: {runAsNonRoot: true}\n      containers: [{name: c, image: i:1}]\n";

#[test]
fn tables_agree_with_the_verdict_under_fail_on() {
    let scan = default_scan(report::inputs::load_str("m.yaml", MEDIUM_ONLY));
    let high = RenderOptions {
        fail_on: FailOn::AtLeast(Severity::High),
        ..RenderOptions::default()
    };
    assert_everywhere(&scan, &high, "pass", "pass");
    // The failing control and its criteria say the failure is not counted,
    // rather than a bare "fail" under a passing badge.
    let terminal = render(Format::Terminal, &scan, &high);
    assert!(terminal.contains("FAIL (not counted)"), "{terminal}");
    let markdown = render(Format::Markdown, &scan, &high);
    assert!(markdown.contains("| **fail, not counted** |"), "{markdown}");
    assert!(!markdown.contains("| **fail** |"), "{markdown}");
    let html = render(Format::Html, &scan, &high);
    assert!(html.contains("fail, not counted"));
    // At the default threshold the same tables say fail, and so does the verdict.
    let any = RenderOptions::default();
    assert_everywhere(&scan, &any, "fail", "fail");
    assert!(render(Format::Markdown, &scan, &any).contains("| **fail** |"));
}

#[test]
fn input_errors_and_unverified_checks_are_counted_and_make_an_error() {
    let mut loaded = report::inputs::load_str("m.yaml", MEDIUM_ONLY);
    loaded
        .errors
        .extend(report::inputs::load_str("bad.yaml", "a: [").errors);
    let scan = default_scan(loaded);
    assert_everywhere(&scan, &RenderOptions::default(), "error", "error");
    let v = json_of(&scan, &RenderOptions::default());
    assert_eq!(v["summary"]["inputErrors"], 1);
    let terminal = render(Format::Terminal, &scan, &RenderOptions::default());
    assert!(terminal.contains("1 input error"), "{terminal}");
    assert!(
        render(Format::Markdown, &scan, &RenderOptions::default()).contains("| Errors | 1 input")
    );
}

#[test]
fn settings_shown_are_the_effective_ones_never_null() {
    let scan = default_scan(report::inputs::load_str("m.yaml", MEDIUM_ONLY));
    let v = json_of(&scan, &RenderOptions::default());
    for m in v["modules"].as_array().unwrap() {
        assert_eq!(m["settings"], json!({}), "{m}");
        assert!(!m["enabledControls"].as_array().unwrap().is_empty());
        assert!(m["warnOnlyControls"].is_array());
    }
    let html = render(Format::Html, &scan, &RenderOptions::default());
    assert!(!html.contains("<pre>null</pre>"));
    assert!(
        html.contains("settings: none given, the module&#39;s defaults")
            || html.contains("settings: none given, the module's defaults")
    );
    let warn = scan_of(
        report::inputs::load_str("m.yaml", MEDIUM_ONLY),
        &[(
            &AVAILABILITY,
            json!({"controls": ["default", "inventory"], "warnOnly": ["test-replicas"]}),
        )],
        &["m.yaml"],
    );
    let v = json_of(&warn, &RenderOptions::default());
    assert_eq!(
        v["modules"][0]["warnOnlyControls"],
        json!(["test-replicas"])
    );
    assert_eq!(
        v["modules"][0]["settings"]["warnOnly"],
        json!(["test-replicas"])
    );
}

#[test]
fn reports_carry_digests_of_inputs_and_modules_and_the_tool_version() {
    let mut loaded = report::Loaded::default();
    report::inputs::load_reader("app.yaml", &mut MEDIUM_ONLY.as_bytes(), &mut loaded);
    assert_eq!(loaded.files.len(), 1);
    assert_eq!(
        loaded.files[0].sha256,
        report::evidence::sha256(MEDIUM_ONLY.as_bytes())
    );
    let files = loaded.files.clone();
    let mut scan = default_scan(loaded);
    scan.input_files = files;
    scan.modules[0].sha256 = Some(report::evidence::sha256(b"module bytes"));
    let digest = scan.modules[0].sha256.clone().unwrap();
    let input = scan.input_files[0].sha256.clone();
    assert!(input.starts_with("sha256:") && input.len() == 7 + 64);

    let v = json_of(&scan, &RenderOptions::default());
    assert_valid(&v);
    assert_eq!(v["inputFiles"][0]["sha256"], input.as_str());
    assert_eq!(v["inputFiles"][0]["bytes"], MEDIUM_ONLY.len());
    assert_eq!(v["modules"][0]["sha256"], digest.as_str());
    assert_eq!(v["tool"]["version"], "0.1.0");
    for f in [Format::Html, Format::Markdown] {
        let out = render(f, &scan, &RenderOptions::default());
        assert!(out.contains(&input), "{f:?} lacks the input digest");
        assert!(out.contains(&digest), "{f:?} lacks the module digest");
        assert!(out.contains("0.1.0"));
    }
    let terminal = render(Format::Terminal, &scan, &RenderOptions::default());
    let line = terminal
        .lines()
        .find(|l| l.starts_with("evidence: "))
        .expect("one evidence line");
    assert!(
        line.contains("kube-soc2 0.1.0") && line.contains("1 input file"),
        "{line}"
    );
}

const NO_NAMESPACE: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, labels: {app.kubernetes.io/name: web}}\nspec:\n  replicas: 3\n  template:\n    spec:\n      securityContext: {runAsNonRoot: true}\n      containers: [{name: c, image: i:1}]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader, namespace: added-by-kustomize}\nrules: []\n";

#[test]
fn a_namespace_the_manifest_does_not_give_is_not_invented() {
    let scan = default_scan(report::inputs::load_str("n.yaml", NO_NAMESPACE));
    let results = analyse(&scan);
    assert_eq!(results.namespace_notes(), (1, 0));
    let v = json_of(&scan, &RenderOptions::default());
    assert_valid(&v);
    assert_eq!(v["summary"]["namespaceUnknown"], 1);
    assert!(v["objects"][0].get("namespace").is_none());
    for f in [Format::Terminal, Format::Markdown, Format::Html] {
        let out = render(f, &scan, &RenderOptions::default());
        assert!(
            out.contains("namespace given at apply time"),
            "{f:?} does not say where the object lands"
        );
    }
    // The PolicyReport goes wherever `kubectl apply -n` puts the objects;
    // the ClusterRole stays cluster-scoped despite its namespace.
    let text = render(Format::PolicyReport, &scan, &RenderOptions::default());
    let reports = report::inputs::load_str("r.yaml", &text).objects;
    let apply = reports
        .iter()
        .find(|r| r.value().unwrap()["metadata"]["name"] == "kube-soc2-apply-namespace")
        .expect("a report for the apply-time namespace");
    assert!(
        apply.value().unwrap()["metadata"]
            .get("namespace")
            .is_none()
    );
    assert!(
        apply.value().unwrap()["results"][0]["resources"][0]
            .get("namespace")
            .is_none()
    );
    assert!(!text.contains("namespace: default"), "{text}");
    let cluster = reports
        .iter()
        .find(|r| r.value().unwrap()["kind"] == "ClusterPolicyReport");
    if let Some(c) = cluster {
        for r in c.value().unwrap()["results"].as_array().unwrap() {
            assert!(r["resources"][0].get("namespace").is_none(), "{r}");
        }
    }
    assert!(
        !text.contains("added-by-kustomize"),
        "cluster-scoped stays cluster-scoped"
    );

    // With --namespace the scan assumes it, and says so.
    let mut assumed = scan.clone();
    assumed.namespace = Some("shop".into());
    for o in &mut assumed.objects {
        *o = o.clone().with_default_namespace("shop");
    }
    for e in &mut assumed.evaluations {
        e.object = (*e.object).clone().with_default_namespace("shop").into();
    }
    let v = json_of(&assumed, &RenderOptions::default());
    assert_valid(&v);
    assert_eq!(v["assumedNamespace"], "shop");
    assert_eq!(v["summary"]["namespaceAssumed"], 1);
    assert_eq!(v["objects"][0]["namespace"], "shop");
    assert_eq!(v["objects"][0]["namespaceAssumed"], true);
    assert!(
        v["objects"][1].get("namespaceAssumed").is_none(),
        "ClusterRole"
    );
    let full = RenderOptions {
        evidence: report::EvidenceMode::Full,
        ..RenderOptions::default()
    };
    let md = render(Format::Markdown, &assumed, &full);
    assert!(
        md.contains("Deployment shop/web (namespace assumed)"),
        "{md}"
    );
    assert!(md.contains("evaluated in \"shop\", the namespace assumed by --namespace"));
}

const TWO_FAILURES: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop, labels: {app.kubernetes.io/name: api}}
spec:
  replicas: 1
  template:
    spec:
      securityContext: {runAsNonRoot: true}
      containers: [{name: api, image: i:1, securityContext: {privileged: true}}]
"#;

#[test]
fn a_baseline_reports_only_new_failures_and_counts_fixed_ones() {
    let before = default_scan(report::inputs::load_str("a.yaml", TWO_FAILURES));
    let previous = render(Format::Json, &before, &RenderOptions::default());
    let baseline = Baseline::from_json("previous.json", &previous).unwrap();
    assert_eq!(baseline.len(), 2, "privileged and replicas");

    // Same manifests: nothing new, the scan passes, nothing listed.
    let mut same = default_scan(report::inputs::load_str("a.yaml", TWO_FAILURES));
    same.baseline = Some(baseline.clone());
    let r = analyse(&same);
    let b = r.baseline.clone().unwrap();
    assert_eq!((b.known, b.new, b.fixed.len()), (2, 0, 0));
    assert_eq!(report::exit_code(&same, FailOn::Any), ExitCode::Pass);
    assert!(r.flagged_objects().is_empty());
    let v = json_of(&same, &RenderOptions::default());
    assert_valid(&v);
    assert_eq!(v["result"], "pass");
    assert_eq!(v["baseline"]["known"], 2);
    // Still failing in the tables, marked as not counted.
    assert!(
        render(Format::Terminal, &same, &RenderOptions::default()).contains("FAIL (not counted)")
    );

    // Privileged fixed, a new failure elsewhere (label), the replica one
    // reworded: matched by control, object and field, not by message.
    let changed = TWO_FAILURES
        .replace("privileged: true", "privileged: false")
        .replace("labels: {app.kubernetes.io/name: api}", "labels: {team: x}");
    let mut after = scan_of(
        report::inputs::load_str("a.yaml", &changed),
        &[
            (&ACCESS, Value::Null),
            (&AVAILABILITY, json!({"controls": ["default", "inventory"]})),
        ],
        &["a.yaml"],
    );
    for e in &mut after.evaluations {
        for v in &mut e.violations {
            for f in &mut v.findings {
                f.message = format!("reworded: {}", f.message);
            }
        }
    }
    after.baseline = Some(baseline);
    let r = analyse(&after);
    let b = r.baseline.clone().unwrap();
    assert_eq!((b.known, b.new), (1, 1), "{b:?}");
    assert_eq!(b.fixed.len(), 1);
    assert_eq!(b.fixed[0].0, "test-privileged");
    let flagged: Vec<&str> = r
        .flagged_objects()
        .iter()
        .flat_map(|o| r.flagged_checks(o).map(|c| c.control_id))
        .collect();
    assert_eq!(flagged, ["test-labels"]);
    // Exit code from the new failure only: labels are low severity.
    assert_eq!(report::exit_code(&after, FailOn::Any), ExitCode::Failures);
    assert_eq!(
        report::exit_code(&after, FailOn::AtLeast(Severity::Medium)),
        ExitCode::Pass,
        "the known medium replica failure must not count"
    );
    let v = json_of(&after, &RenderOptions::default());
    assert_valid(&v);
    assert_eq!(
        v["baseline"]["fixedFailures"][0]["control"],
        "test-privileged"
    );
    assert!(
        render(Format::Markdown, &after, &RenderOptions::default())
            .contains("1 new failures, 1 known (not listed), 1 fixed")
    );

    assert!(Baseline::from_json("x.json", "{}").is_err());
    assert!(Baseline::from_json("x.json", "not json").is_err());
}

#[test]
fn expired_exemptions_stop_applying_and_the_report_says_so() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: agent, namespace: kube-system}\nspec:\n  securityContext: {runAsNonRoot: true}\n  containers: [{name: a, image: i:1, securityContext: {privileged: true}}]\n";
    let settings = json!({"exemptions": [
        {"namespaces": ["kube-system"], "controls": ["test-privileged"],
         "reason": "CHG-1 node agent", "expires": "2020-01-31"},
        {"namespaces": ["kube-system"], "controls": ["test-run-as-non-root"],
         "reason": "CHG-2 until the rewrite", "expires": "2099-12-31"}
    ]});
    let scan = scan_of(
        report::inputs::load_str("p.yaml", pod),
        &[(&ACCESS, settings)],
        &["p.yaml"],
    );
    let r = analyse(&scan);
    let status = |id: &str| r.checks().find(|c| c.control_id == id).unwrap().status;
    assert_eq!(
        status("test-privileged"),
        report::Status::Fail,
        "expired: applies no more"
    );
    let entries = report::evidence::exemptions(&scan, &r);
    assert_eq!(entries.len(), 2);
    assert!(entries[0].expired && entries[0].checks == 0);
    assert!(!entries[1].expired);
    assert_eq!(entries[1].expires, Some("2099-12-31"));

    let v = json_of(&scan, &RenderOptions::default());
    assert_valid(&v);
    assert_eq!(v["exemptions"][0]["expired"], true);
    assert_eq!(v["exemptions"][0]["reason"], "CHG-1 node agent");
    let terminal = render(Format::Terminal, &scan, &RenderOptions::default());
    assert!(
        terminal.contains("expired on 2020-01-31: no longer applied (CHG-1 node agent)"),
        "{terminal}"
    );
    let md = render(Format::Markdown, &scan, &RenderOptions::default());
    assert!(
        md.contains("| 2020-01-31 | **expired: no longer applied** |"),
        "{md}"
    );
    let html = render(Format::Html, &scan, &RenderOptions::default());
    assert!(html.contains("expired: no longer applied") && html.contains("2099-12-31"));
}
