//! `--format html`: a self-contained report an auditor opens in a browser or
//! prints: coverage per SOC 2 criterion and per ISO 27001 Annex A control,
//! the controls, the failures, and the evidence table (which object was
//! evaluated by which control, with which result).
//!
//! One file, no scripts, no external assets: inline CSS only, and a Content
//! Security Policy that forbids loading anything, so the report renders the
//! same offline and a hostile string could not fetch or run anything even if
//! it escaped (it does not: every value goes through `escape::html`).

use crate::RenderOptions;
use crate::escape::html as h;
use crate::exit::exit_code_for;
use crate::json::verdict;
use crate::model::Scan;
use crate::results::{Check, Counts, Coverage, CriterionSummary, Results, Status};
use std::fmt::Write;

const CSS: &str = r#"
:root{--fg:#1d2433;--muted:#5b6475;--line:#d9dde5;--bg:#fff;--pass:#1a7f37;--fail:#cf222e;--warn:#9a6700;--skip:#0969da;--error:#8250df}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:1200px;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 8px;border-bottom:2px solid var(--line);padding-bottom:4px}h3{font-size:15px;margin:20px 0 6px}
.muted{color:var(--muted)}
table{border-collapse:collapse;width:100%;margin:8px 0}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f4f6f9;font-weight:600}
td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.obj th{background:#eef1f6}
code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f4f6f9;padding:1px 4px;border-radius:3px;white-space:nowrap}
code.path{white-space:normal;overflow-wrap:anywhere}
pre{font:12px/1.4 ui-monospace,Menlo,Consolas,monospace;background:#f4f6f9;padding:8px;overflow:auto;white-space:pre-wrap}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;color:#fff;background:var(--muted)}
.pass{background:var(--pass)}.fail{background:var(--fail)}.warn{background:var(--warn)}.skip{background:var(--skip)}.error{background:var(--error)}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:110px}
.card b{display:block;font-size:22px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:12px 0}
dl.meta dt{color:var(--muted)}dl.meta dd{margin:0}
ul.findings{margin:0;padding-left:18px}
details{margin:6px 0}summary{cursor:pointer;color:var(--muted)}
@media print{body{max-width:none;padding:0}h2{break-after:avoid}tr{break-inside:avoid}details>*{display:block}}
"#;

fn badge(s: Option<Status>) -> String {
    let name = s.map(Status::as_str).unwrap_or("not evaluated");
    let class = s.map(Status::as_str).unwrap_or("");
    format!("<span class=\"badge {class}\">{name}</span>")
}

fn counts_cells(c: &Counts) -> String {
    format!(
        "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>",
        c.evaluated,
        c.pass,
        c.fail,
        c.warn + c.skip + c.error
    )
}

fn codes(ids: &[&str]) -> String {
    ids.iter()
        .map(|i| format!("<code>{}</code>", h(i)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The coverage matrix of one framework: a row per criterion some control
/// maps to (verdict, controls ran / passed / failed, checks), then every
/// other criterion of the registry, collapsed (no scripts needed).
fn coverage(out: &mut String, heading: &str, what: &str, rows: &[CriterionSummary]) {
    let _ = writeln!(out, "<h2>{}</h2>", h(heading));
    let count = |c: Coverage| rows.iter().filter(|r| r.coverage == c).count();
    let _ = writeln!(
        out,
        "<p class=\"muted\">{} criteria: {} evaluated, {} not evaluated, {} not enabled, {} without a control, {} organisational (no admission control can evidence them). A verdict is only as strong as the controls behind it: see how many ran.</p>",
        rows.len(),
        count(Coverage::Evaluated),
        count(Coverage::NotEvaluated),
        count(Coverage::NotEnabled),
        count(Coverage::NoControl),
        count(Coverage::Organisational),
    );
    let mapped: Vec<&CriterionSummary> = rows.iter().filter(|r| r.tally.mapped > 0).collect();
    if !mapped.is_empty() {
        let _ = writeln!(
            out,
            "<table><thead><tr><th>{what}</th><th>Title</th><th>Evidence</th><th>Status</th><th>Controls ran / passed / failed</th><th>Evidence from controls</th><th>Checks</th><th>Passed</th><th>Failed</th><th>Other</th></tr></thead><tbody>"
        );
        for r in mapped {
            let mut controls = codes(&r.controls);
            if !r.disabled.is_empty() {
                let _ = write!(
                    controls,
                    "<br><span class=\"muted\">not enabled: {}</span>",
                    codes(&r.disabled)
                );
            }
            let status = match r.coverage {
                Coverage::Evaluated => badge(r.status()),
                Coverage::NotEnabled => "<span class=\"badge\">not enabled</span>".to_string(),
                _ => badge(None),
            };
            let _ = writeln!(
                out,
                "<tr><td><b>{}</b></td><td>{}</td><td>{}</td><td>{status}</td><td class=\"n\">{} of {} ran / {} / {}</td><td>{controls}</td>{}</tr>",
                h(r.id),
                h(r.title.unwrap_or("")),
                r.evidence.map(|e| e.as_str()).unwrap_or("unknown"),
                r.tally.ran,
                r.tally.mapped,
                r.tally.passed,
                r.tally.failed,
                counts_cells(&r.counts),
            );
        }
        out.push_str("</tbody></table>\n");
    }
    for (coverage, label) in [
        (
            Coverage::NoControl,
            "no control of the scanned modules maps to them",
        ),
        (
            Coverage::Organisational,
            "organisational: no admission control can evidence them",
        ),
    ] {
        let rest: Vec<&CriterionSummary> = rows.iter().filter(|r| r.coverage == coverage).collect();
        if rest.is_empty() {
            continue;
        }
        let _ = write!(
            out,
            "<details><summary>{} {label} (not evaluated)</summary><ul class=\"findings\">",
            rest.len()
        );
        for r in rest {
            let _ = write!(
                out,
                "<li><code>{}</code> {} <span class=\"muted\">({})</span></li>",
                h(r.id),
                h(r.title.unwrap_or("")),
                r.evidence.map(|e| e.as_str()).unwrap_or("unknown")
            );
        }
        out.push_str("</ul></details>\n");
    }
}

fn findings_cell(c: &Check) -> String {
    let findings = c.findings();
    if findings.is_empty() {
        return h(&c.detail());
    }
    let mut s = String::from("<ul class=\"findings\">");
    for f in findings {
        s.push_str("<li>");
        if let Some(p) = &f.path {
            let _ = write!(s, "<code class=\"path\">{}</code> ", h(p));
        }
        if let Some(cn) = &f.container {
            let _ = write!(s, "(container <code>{}</code>) ", h(cn));
        }
        s.push_str(&h(&f.message));
        s.push_str("</li>");
    }
    s.push_str("</ul>");
    s
}

pub fn render(scan: &Scan, results: &Results, options: &RenderOptions) -> String {
    let code = exit_code_for(scan, results, options.fail_on);
    let generated = crate::time::rfc3339(scan.generated_at);
    let title = format!("{} compliance scan — {generated}", scan.tool);
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(
        out,
        "<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>",
        h(&title)
    );

    let _ = writeln!(
        out,
        "<h1>{} compliance scan {}</h1>",
        h(&scan.tool),
        // The verdict words are the status names: pass, fail, error.
        badge(Some(match code {
            crate::ExitCode::Pass => Status::Pass,
            crate::ExitCode::Failures => Status::Fail,
            crate::ExitCode::Error => Status::Error,
        }))
    );
    out.push_str("<dl class=\"meta\">");
    let _ = write!(out, "<dt>Generated</dt><dd>{}</dd>", h(&generated));
    let _ = write!(
        out,
        "<dt>Tool</dt><dd>{} {}</dd>",
        h(&scan.tool),
        h(&scan.version)
    );
    let _ = write!(
        out,
        "<dt>Inputs</dt><dd>{}</dd>",
        scan.inputs
            .iter()
            .map(|i| format!("<code class=\"path\">{}</code>", h(i)))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let _ = write!(
        out,
        "<dt>Modules</dt><dd>{}</dd>",
        scan.modules
            .iter()
            .map(|m| format!("<code>{}</code> {}", h(m.name()), h(&m.catalogue.version)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = write!(
        out,
        "<dt>Verdict</dt><dd>{} (exit code {}, <code>--fail-on {}</code>)</dd>",
        h(verdict(code)),
        code.code(),
        h(&options.fail_on.to_string())
    );
    out.push_str("</dl>\n");

    let t = &results.totals;
    let in_scope = results
        .objects
        .iter()
        .filter(|o| o.counts.evaluated > 0)
        .count();
    out.push_str("<div class=\"cards\">");
    for (label, n) in [
        ("objects", results.objects.len()),
        ("in scope", in_scope),
        ("checks", t.evaluated),
        ("passed", t.pass),
        ("failed", t.fail),
        ("warned", t.warn),
        ("exempted", t.skip),
        ("errors", t.error + scan.input_errors.len()),
    ] {
        let _ = write!(out, "<div class=\"card\"><b>{n}</b>{label}</div>");
    }
    out.push_str("</div>\n");

    coverage(
        &mut out,
        "SOC 2 Trust Services Criteria",
        "Criterion",
        &results.soc2,
    );
    coverage(
        &mut out,
        "ISO/IEC 27001:2022 Annex A",
        "Control",
        &results.iso27001,
    );

    out.push_str("<h2>Controls</h2>\n<table><thead><tr><th>Control</th><th>Module</th><th>Severity</th><th>Title and rationale</th><th>Criteria</th><th>Evaluated</th><th>Passed</th><th>Failed</th><th>Other</th><th>Status</th></tr></thead><tbody>\n");
    for c in results.controls.iter().filter(|c| c.enabled) {
        let (severity, about, criteria) = match c.control {
            Some(i) => (
                i.severity.as_str(),
                format!(
                    "<b>{}</b><br><span class=\"muted\">{}</span>",
                    h(&i.title),
                    h(&i.rationale)
                ),
                format!(
                    "SOC 2: {}<br>ISO 27001: {}{}{}",
                    h(&i.criteria.soc2.join(", ")),
                    h(&i.criteria.iso27001.join(", ")),
                    if i.criteria.pss.is_empty() {
                        String::new()
                    } else {
                        format!("<br>PSS: {}", h(&i.criteria.pss.join(", ")))
                    },
                    if i.criteria.cis.is_empty() {
                        String::new()
                    } else {
                        format!("<br>CIS: {}", h(&i.criteria.cis.join(", ")))
                    },
                ),
            ),
            None => ("unknown", String::new(), String::new()),
        };
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td>{severity}</td><td>{about}</td><td>{criteria}</td>{}<td>{}</td></tr>",
            h(c.id),
            h(c.module),
            counts_cells(&c.counts),
            badge(c.counts.worst()),
        );
    }
    out.push_str("</tbody></table>\n");

    let flagged = results.flagged_objects();
    if !flagged.is_empty() {
        out.push_str("<h2>Failures by resource</h2>\n");
        for o in flagged {
            let _ = writeln!(
                out,
                "<h3>{} <span class=\"muted\">{}</span></h3>",
                h(&o.object.describe()),
                h(&o.object.origin.to_string())
            );
            out.push_str("<table><thead><tr><th>Result</th><th>Control</th><th>Severity</th><th>Findings</th><th>Remediation</th></tr></thead><tbody>\n");
            for c in results.flagged_checks(o) {
                let _ = writeln!(
                    out,
                    "<tr><td>{}</td><td><code>{}</code><br>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    badge(Some(c.status)),
                    h(c.control_id),
                    h(c.title()),
                    c.severity().map(|s| s.as_str()).unwrap_or("unknown"),
                    findings_cell(c),
                    h(c.remediation()),
                );
            }
            out.push_str("</tbody></table>\n");
        }
    }

    out.push_str("<h2>Evidence</h2>\n<p class=\"muted\">Every object of the scan and every control that evaluated it.</p>\n");
    out.push_str("<table><thead><tr><th>Module</th><th>Control</th><th>Result</th><th>Detail</th></tr></thead><tbody>\n");
    for o in &results.objects {
        let _ = writeln!(
            out,
            "<tr class=\"obj\"><th colspan=\"4\">{} <span class=\"muted\">{} · {}</span></th></tr>",
            h(&o.object.describe()),
            h(&o.object.api_version),
            h(&o.object.origin.to_string())
        );
        let checks = results.object_checks(o);
        if checks.is_empty() {
            out.push_str("<tr><td colspan=\"4\" class=\"muted\">not evaluated: no enabled control applies to this kind</td></tr>\n");
        }
        for c in checks {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                h(c.module),
                h(c.control_id),
                badge(Some(c.status)),
                findings_cell(c),
            );
        }
    }
    out.push_str("</tbody></table>\n");

    if !results.errors.is_empty() {
        out.push_str("<h2>Evaluation errors</h2>\n<ul>\n");
        for e in &results.errors {
            let _ = writeln!(
                out,
                "<li>{} ({}, {}): {}</li>",
                h(&e.object.describe()),
                h(e.module),
                h(&e.object.origin.to_string()),
                h(e.message)
            );
        }
        out.push_str("</ul>\n");
    }
    if !scan.input_errors.is_empty() {
        out.push_str("<h2>Input errors</h2>\n<ul>\n");
        for e in &scan.input_errors {
            let _ = writeln!(out, "<li>{}</li>", h(&e.to_string()));
        }
        out.push_str("</ul>\n");
    }

    out.push_str("<h2>Modules and settings</h2>\n");
    for m in &scan.modules {
        let _ = writeln!(
            out,
            "<h3><code>{}</code> {} <span class=\"muted\">{}</span></h3>",
            h(m.name()),
            h(&m.catalogue.version),
            h(&m.catalogue.title)
        );
        if let Some(src) = &m.source {
            let _ = writeln!(out, "<p class=\"muted\">{}</p>", h(src));
        }
        let settings = serde_json::to_string_pretty(&m.settings).unwrap_or_default();
        let _ = writeln!(out, "<pre>{}</pre>", h(&settings));
    }
    out.push_str("</body>\n</html>\n");
    out
}
