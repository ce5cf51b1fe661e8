//! Reports that scale: the readable formats grow with failures, not with
//! checks, and PolicyReports stay under the size `kubectl apply` and the API
//! server accept. Sizes only: no timing is asserted.

mod support;

use report::generate::generate_objects;
use report::policyreport::MAX_REPORT_BYTES;
use report::{EvidenceMode, Format, RenderOptions, Scan, Status, analyse, render_results};

fn generated_scan(n: usize, seed: u64) -> Scan {
    let loaded = report::Loaded {
        objects: generate_objects(n, seed),
        ..Default::default()
    };
    support::family::default_scan(loaded)
}

/// Fixed part of the HTML report (header, criteria matrices, controls,
/// evidence per kind, settings) and what each failed or warned check may add
/// (its object's block, the finding, the remediation).
const HTML_BASE: usize = 120_000;
const HTML_PER_FLAGGED_CHECK: usize = 1_200;
const MARKDOWN_BASE: usize = 40_000;
const MARKDOWN_PER_FLAGGED_CHECK: usize = 600;

#[test]
fn html_and_markdown_of_20000_objects_grow_with_failures_not_checks() {
    let scan = generated_scan(20_000, 7);
    let results = analyse(&scan);
    let flagged = results
        .notable
        .iter()
        .filter(|c| matches!(c.status, Status::Fail | Status::Warn))
        .count();
    let options = RenderOptions::default();
    let html = render_results(Format::Html, &scan, &results, &options);
    let md = render_results(Format::Markdown, &scan, &results, &options);
    assert!(results.totals.evaluated > 15_000, "{:?}", results.totals);
    assert!(flagged > 100, "the generator makes mistakes");
    let html_bound = HTML_BASE + HTML_PER_FLAGGED_CHECK * flagged;
    let md_bound = MARKDOWN_BASE + MARKDOWN_PER_FLAGGED_CHECK * flagged;
    println!(
        "20,000 objects, {} checks, {flagged} failed or warned: html {} bytes (bound {html_bound}), markdown {} bytes (bound {md_bound})",
        results.totals.evaluated,
        html.len(),
        md.len()
    );
    assert!(
        html.len() <= html_bound,
        "html {} > {html_bound}",
        html.len()
    );
    assert!(md.len() <= md_bound, "markdown {} > {md_bound}", md.len());
    // Every failure is there, each object in its own collapsed block.
    let flagged_objects = results.flagged_objects().len();
    assert_eq!(
        html.matches("<details class=\"obj\">").count(),
        flagged_objects
    );

    // --evidence full lists every check, so it is far larger.
    let full = RenderOptions {
        evidence: EvidenceMode::Full,
        ..RenderOptions::default()
    };
    let html_full = render_results(Format::Html, &scan, &results, &full);
    assert!(html_full.len() > 3 * html.len());
    assert_eq!(
        html_full.matches("<details class=\"obj\">").count(),
        flagged_objects + results.objects.len()
    );
}

/// The same failures with many more passing objects: the HTML and markdown
/// hardly change (counts only), however many checks passed.
#[test]
fn passing_objects_add_counts_not_rows() {
    let sloppy = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: bad, namespace: shop}\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers: [{name: c, image: i:1, securityContext: {privileged: true}}]\n";
    let good = |i: usize| {
        format!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: ok-{i}, namespace: shop}}\nspec:\n  replicas: 3\n  template:\n    spec:\n      securityContext: {{runAsNonRoot: true}}\n      containers: [{{name: c, image: i:1}}]\n"
        )
    };
    let manifests = |n: usize| {
        let mut s = sloppy.to_string();
        for i in 0..n {
            s.push_str(&good(i));
        }
        support::family::default_scan(report::inputs::load_str("m.yaml", &s))
    };
    let small = manifests(10);
    let large = manifests(2_000);
    let options = RenderOptions::default();
    for f in [Format::Html, Format::Markdown, Format::Terminal] {
        let a = report::render(f, &small, &options).len();
        let b = report::render(f, &large, &options).len();
        assert!(
            b < a + 200,
            "{f:?}: {a} bytes with 10 passing objects, {b} with 2,000"
        );
    }
    // And a small application's markdown fits a GitHub comment (65,536).
    assert!(report::render(Format::Markdown, &small, &options).len() < 65_536);
}

#[test]
fn policy_reports_of_a_large_scan_are_split_under_the_apply_limit() {
    let scan = generated_scan(20_000, 3);
    let results = analyse(&scan);
    for layout in [
        report::policyreport::Layout::PerNamespace,
        report::policyreport::Layout::PerResource,
    ] {
        let options = report::policyreport::Options {
            layout,
            ..Default::default()
        };
        let reports = report::policyreport::to_values(&scan, &results, &options);
        let mut names = std::collections::HashSet::new();
        let mut total = 0;
        for r in &reports {
            let size = serde_json::to_string(r).unwrap().len();
            assert!(
                size <= MAX_REPORT_BYTES,
                "{} is {size} bytes",
                r["metadata"]["name"]
            );
            assert_eq!(r["apiVersion"], "wgpolicyk8s.io/v1alpha2");
            let key = format!("{}/{}", r["metadata"]["namespace"], r["metadata"]["name"]);
            assert!(names.insert(key.clone()), "duplicate {key}");
            let results = r["results"].as_array().unwrap();
            let summary: u64 = ["pass", "fail", "warn", "error", "skip"]
                .iter()
                .map(|k| r["summary"][k].as_u64().unwrap())
                .sum();
            assert_eq!(summary as usize, results.len());
            total += results.len();
        }
        assert_eq!(
            total,
            results.checks().count(),
            "{layout:?}: no result lost"
        );
        if layout == report::policyreport::Layout::PerNamespace {
            assert!(
                reports.len() > 8,
                "namespaces with many checks are split ({})",
                reports.len()
            );
        }
    }
    // The YAML stream reads back as objects kubectl applies one by one.
    let text = render_results(
        Format::PolicyReport,
        &scan,
        &results,
        &RenderOptions::default(),
    );
    let docs = report::inputs::load_str("reports.yaml", &text);
    assert!(docs.errors.is_empty());
    assert!(
        docs.objects
            .iter()
            .all(|o| o.value().unwrap()["apiVersion"] == "wgpolicyk8s.io/v1alpha2")
    );
}

#[test]
fn json_written_object_by_object_is_the_report_tree_printed() {
    let mut scan = generated_scan(600, 11);
    scan.namespace = Some("team".into());
    let results = analyse(&scan);
    assert!(
        !results.notable.is_empty(),
        "failures must be in the report too"
    );
    let options = RenderOptions::default();
    let streamed = report::json::render(&scan, &results, &options);
    let tree = report::json::to_value(&scan, &results, &options);
    assert_eq!(
        streamed,
        report::json::to_string_shallow(&tree, report::json::PRETTY_DEPTH)
    );
    // An empty scan too: `objects` stays in its place.
    let empty = Scan::new("kube-soc2", "0");
    let none = analyse(&empty);
    assert_eq!(
        report::json::render(&empty, &none, &options),
        report::json::to_string_shallow(
            &report::json::to_value(&empty, &none, &options),
            report::json::PRETTY_DEPTH
        )
    );
}
