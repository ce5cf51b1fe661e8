//! `--format html`: a self-contained report an auditor opens in a browser or
//! prints: the verdict, the failures first (one collapsible block per
//! object), coverage per SOC 2 criterion and per ISO 27001 Annex A control,
//! the controls with their pass counts, exemptions with their expiry, errors,
//! the evidence, and what ran (module and input digests, effective settings).
//!
//! Its size grows with failures, not with checks: passes are counted per
//! control, and only `--evidence full` lists every passing check (each object
//! in a `<details>` block, readable without scripts).
//!
//! One file, no scripts, no external assets: inline CSS only, and a Content
//! Security Policy that forbids loading anything, so the report renders the
//! same offline and a hostile string could not fetch or run anything even if
//! it escaped (it does not: every value goes through `escape::html`).

use crate::escape::html as h;
use crate::exit::Verdict;
use crate::model::Scan;
use crate::results::{Check, Counts, Coverage, CriterionSummary, ObjectResult, Results, Status};
use crate::{EvidenceMode, RenderOptions};
use std::collections::{BTreeMap, HashMap};
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
details.obj>summary{color:var(--fg)}
nav ol{columns:2;margin:8px 0}
@media print{body{max-width:none;padding:0}h2{break-after:avoid}tr{break-inside:avoid}details>*{display:block}}
"#;

/// A status badge; a failure that does not count against `--fail-on` (below
/// the threshold, or known from the baseline) says so, so no table
/// contradicts the verdict.
fn counted_badge(s: Option<Status>, counted: usize) -> String {
    if s == Some(Status::Fail) && counted == 0 {
        "<span class=\"badge warn\">fail, not counted</span>".to_string()
    } else {
        badge(s)
    }
}

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
fn coverage(
    out: &mut String,
    (anchor, heading): (&str, &str),
    what: &str,
    rows: &[CriterionSummary],
    counted: &HashMap<&str, usize>,
) {
    let _ = writeln!(out, "<h2 id=\"{anchor}\">{}</h2>", h(heading));
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
                Coverage::Evaluated => counted_badge(
                    r.status(),
                    r.controls
                        .iter()
                        .map(|c| counted.get(c).copied().unwrap_or(0))
                        .sum(),
                ),
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
    let verdict = crate::exit::verdict(scan, results, options.fail_on);
    let code = verdict.exit_code();
    let counted = results.counted_by_control(options.fail_on);
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

    let verdict_badge = match verdict {
        Verdict::Pass => badge(Some(Status::Pass)),
        Verdict::Fail => badge(Some(Status::Fail)),
        Verdict::Error => badge(Some(Status::Error)),
        Verdict::NothingEvaluated => badge(None),
    };
    let _ = writeln!(
        out,
        "<h1>{} compliance scan {verdict_badge}</h1>",
        h(&scan.tool)
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
        "<dt>Inputs</dt><dd>{} <span class=\"muted\">({} files read, digests under <i>What ran</i>)</span></dd>",
        scan.inputs
            .iter()
            .map(|i| format!("<code class=\"path\">{}</code>", h(i)))
            .collect::<Vec<_>>()
            .join(" "),
        scan.input_files.len()
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
        h(verdict.words()),
        code.code(),
        h(&options.fail_on.to_string())
    );
    if let Some(note) = crate::evidence::namespace_note(scan, results) {
        let _ = write!(out, "<dt>Namespaces</dt><dd>{}</dd>", h(&note));
    }
    if let Some(b) = &results.baseline {
        let _ = write!(
            out,
            "<dt>Baseline</dt><dd><code class=\"path\">{}</code>: {} new failures reported, {} known failures not listed, {} fixed</dd>",
            h(&b.source),
            b.new,
            b.known,
            b.fixed.len()
        );
    }
    let _ = write!(
        out,
        "<dt>Evidence</dt><dd>{}</dd>",
        match options.evidence {
            EvidenceMode::Failures =>
                "failures, warnings, exemptions and errors per object; passes counted per control (<code>--evidence full</code> lists every check)",
            EvidenceMode::Full => "every check of every object (<code>--evidence full</code>)",
        }
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

    let flagged = results.flagged_objects();
    let exemptions = crate::evidence::exemptions(scan, results);
    let mut toc: Vec<(&str, String)> = Vec::new();
    toc.push((
        "failures",
        format!("Failures by resource ({} objects)", flagged.len()),
    ));
    toc.push(("soc2", "SOC 2 Trust Services Criteria".into()));
    toc.push(("iso27001", "ISO/IEC 27001:2022 Annex A".into()));
    toc.push(("controls", "Controls".into()));
    if !exemptions.is_empty() || t.skip > 0 {
        toc.push(("exemptions", "Exemptions".into()));
    }
    if !results.errors.is_empty() || !scan.input_errors.is_empty() {
        toc.push(("errors", "Errors".into()));
    }
    toc.push(("evidence", "Evidence".into()));
    toc.push(("ran", "What ran: modules, settings, input digests".into()));
    out.push_str("<nav><ol>");
    for (anchor, label) in &toc {
        let _ = write!(out, "<li><a href=\"#{anchor}\">{}</a></li>", h(label));
    }
    out.push_str("</ol></nav>\n");

    failures(&mut out, results, &flagged);

    coverage(
        &mut out,
        ("soc2", "SOC 2 Trust Services Criteria"),
        "Criterion",
        &results.soc2,
        &counted,
    );
    coverage(
        &mut out,
        ("iso27001", "ISO/IEC 27001:2022 Annex A"),
        "Control",
        &results.iso27001,
        &counted,
    );
    controls(&mut out, results, &counted);
    exemptions_section(&mut out, results, &exemptions, options.evidence);
    errors(&mut out, scan, results);
    evidence(&mut out, results, options.evidence);
    what_ran(&mut out, scan);
    out.push_str("</body>\n</html>\n");
    out
}

/// One `<details>` per object with failures or warnings (open when there are
/// few), its failed and warned checks in a table.
fn failures(out: &mut String, results: &Results, flagged: &[&ObjectResult]) {
    let _ = writeln!(out, "<h2 id=\"failures\">Failures by resource</h2>");
    if let Some(b) = &results.baseline
        && b.known > 0
    {
        let _ = writeln!(
            out,
            "<p class=\"muted\">{} failures known from the baseline are not listed; they still show in the control and criteria tables.</p>",
            b.known
        );
    }
    if flagged.is_empty() {
        out.push_str("<p>No failures or warnings.</p>\n");
        return;
    }
    let open = if flagged.len() <= 25 { " open" } else { "" };
    for o in flagged {
        let checks: Vec<&Check> = results.flagged_checks(o).collect();
        let ids: Vec<&str> = checks.iter().map(|c| c.control_id).collect();
        let _ = writeln!(
            out,
            "<details class=\"obj\"{open}><summary><b>{}</b> <span class=\"muted\">{} — {} failed, {} warned: {}</span></summary>",
            h(&o.object.describe()),
            h(&o.object.origin.to_string()),
            checks.iter().filter(|c| c.status == Status::Fail).count(),
            checks.iter().filter(|c| c.status == Status::Warn).count(),
            h(&ids.join(", ")),
        );
        out.push_str("<table><thead><tr><th>Result</th><th>Control</th><th>Severity</th><th>Findings</th><th>Remediation</th></tr></thead><tbody>\n");
        for c in checks {
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
        out.push_str("</tbody></table></details>\n");
    }
}

/// Every enabled control with its counts: the passes, summarised.
fn controls(out: &mut String, results: &Results, counted: &HashMap<&str, usize>) {
    out.push_str("<h2 id=\"controls\">Controls</h2>\n<p class=\"muted\">Passing checks are counted here, per control. <i>fail, not counted</i>: every failure of the control is below <code>--fail-on</code> or known from the baseline.</p>\n<table><thead><tr><th>Control</th><th>Module</th><th>Severity</th><th>Title and rationale</th><th>Criteria</th><th>Evaluated</th><th>Passed</th><th>Failed</th><th>Other</th><th>Status</th></tr></thead><tbody>\n");
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
            counted_badge(c.counts.worst(), counted.get(c.id).copied().unwrap_or(0)),
        );
    }
    out.push_str("</tbody></table>\n");
}

/// The exemptions the settings declare (reason, expiry, whether they still
/// apply) and the checks they exempted.
fn exemptions_section(
    out: &mut String,
    results: &Results,
    exemptions: &[crate::evidence::ExemptionEntry],
    mode: EvidenceMode,
) {
    if exemptions.is_empty() && results.totals.skip == 0 {
        return;
    }
    out.push_str("<h2 id=\"exemptions\">Exemptions</h2>\n");
    if !exemptions.is_empty() {
        out.push_str("<table><thead><tr><th>Module</th><th>#</th><th>Applies to</th><th>Reason</th><th>Expires</th><th>Status</th><th>Checks exempted</th></tr></thead><tbody>\n");
        for e in exemptions {
            let status = if e.expired {
                "<span class=\"badge fail\">expired: no longer applied</span>"
            } else {
                "<span class=\"badge skip\">in force</span>"
            };
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{status}</td><td class=\"n\">{}</td></tr>",
                h(e.module),
                e.index,
                h(&e.scope),
                h(e.reason.unwrap_or("(no reason given)")),
                h(e.expires.unwrap_or("never")),
                e.checks,
            );
        }
        out.push_str("</tbody></table>\n");
    }
    let skipped: Vec<&Check> = results.with_status(Status::Skip).collect();
    if skipped.is_empty() {
        return;
    }
    // Exempted checks per control and reason; each one only with --evidence full.
    let mut groups: BTreeMap<(&str, &str), Vec<&Check>> = BTreeMap::new();
    for c in &skipped {
        let reason = c
            .exemption
            .and_then(|e| e.reason.as_deref())
            .unwrap_or("(no reason given)");
        groups.entry((c.control_id, reason)).or_default().push(c);
    }
    out.push_str("<table><thead><tr><th>Control</th><th>Reason</th><th>Checks exempted</th></tr></thead><tbody>\n");
    for ((control, reason), checks) in &groups {
        let objects = if mode == EvidenceMode::Full || checks.len() <= 10 {
            checks
                .iter()
                .map(|c| h(&c.object.describe()))
                .collect::<Vec<_>>()
                .join("<br>")
        } else {
            format!(
                "{} objects (<code>--evidence full</code> lists them)",
                checks.len()
            )
        };
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            h(control),
            h(reason),
            objects
        );
    }
    out.push_str("</tbody></table>\n");
}

fn errors(out: &mut String, scan: &Scan, results: &Results) {
    if results.errors.is_empty() && scan.input_errors.is_empty() {
        return;
    }
    out.push_str("<h2 id=\"errors\">Errors</h2>\n");
    if !results.errors.is_empty() {
        out.push_str("<h3>Evaluation errors</h3>\n<ul>\n");
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
        out.push_str("<h3>Input errors</h3>\n<ul>\n");
        for e in &scan.input_errors {
            let _ = writeln!(out, "<li>{}</li>", h(&e.to_string()));
        }
        out.push_str("</ul>\n");
    }
}

/// The objects in scope: counted per kind; with `--evidence full`, every
/// object and its checks, each in a collapsed block.
fn evidence(out: &mut String, results: &Results, mode: EvidenceMode) {
    out.push_str("<h2 id=\"evidence\">Evidence</h2>\n");
    let mut kinds: BTreeMap<&str, (usize, usize, Counts)> = BTreeMap::new();
    for o in &results.objects {
        let k = kinds.entry(o.object.kind.as_str()).or_default();
        k.0 += 1;
        if o.counts.evaluated > 0 {
            k.1 += 1;
        }
        k.2.merge(&o.counts);
    }
    out.push_str("<table><thead><tr><th>Kind</th><th>Objects</th><th>In scope</th><th>Checks</th><th>Passed</th><th>Failed</th><th>Other</th></tr></thead><tbody>\n");
    for (kind, (n, scope, c)) in &kinds {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"n\">{n}</td><td class=\"n\">{scope}</td>{}</tr>",
            h(kind),
            counts_cells(c)
        );
    }
    out.push_str("</tbody></table>\n");
    if mode == EvidenceMode::Failures {
        out.push_str("<p class=\"muted\">Every passing check is counted per control and per kind; <code>kube-soc2 scan --evidence full</code> lists each object × control check, and <code>--format json</code> always does.</p>\n");
        return;
    }
    out.push_str(
        "<p class=\"muted\">Every object of the scan and every control that evaluated it.</p>\n",
    );
    for o in &results.objects {
        let checks = results.object_checks(o);
        let _ = writeln!(
            out,
            "<details class=\"obj\"><summary><b>{}</b> <span class=\"muted\">{} · {} — {} checks, {} passed</span></summary>",
            h(&o.object.describe()),
            h(&o.object.api_version),
            h(&o.object.origin.to_string()),
            o.counts.evaluated,
            o.counts.pass,
        );
        if checks.is_empty() {
            out.push_str("<p class=\"muted\">not evaluated: no enabled control applies to this kind</p></details>\n");
            continue;
        }
        out.push_str("<table><thead><tr><th>Module</th><th>Control</th><th>Result</th><th>Detail</th></tr></thead><tbody>\n");
        for c in checks {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                h(c.module),
                h(c.control_id),
                badge(Some(c.status)),
                findings_cell(&c),
            );
        }
        out.push_str("</tbody></table></details>\n");
    }
}

/// Module digests, sources and effective settings; input file digests.
fn what_ran(out: &mut String, scan: &Scan) {
    out.push_str("<h2 id=\"ran\">What ran</h2>\n");
    let _ = writeln!(
        out,
        "<p>{} {} · scan of {}</p>",
        h(&scan.tool),
        h(&scan.version),
        h(&crate::time::rfc3339(scan.generated_at))
    );
    for m in &scan.modules {
        let _ = writeln!(
            out,
            "<h3><code>{}</code> {} <span class=\"muted\">{}</span></h3>",
            h(m.name()),
            h(&m.catalogue.version),
            h(&m.catalogue.title)
        );
        out.push_str("<dl class=\"meta\">");
        if let Some(src) = &m.source {
            let _ = write!(
                out,
                "<dt>File</dt><dd><code class=\"path\">{}</code></dd>",
                h(src)
            );
        }
        if let Some(d) = &m.sha256 {
            let _ = write!(
                out,
                "<dt>Digest</dt><dd><code class=\"path\">{}</code></dd>",
                h(d)
            );
        }
        let enabled: Vec<&str> = m
            .catalogue
            .controls
            .iter()
            .filter(|c| m.selection.enabled(c))
            .map(|c| c.id.as_str())
            .collect();
        let warn: Vec<&str> = m
            .catalogue
            .controls
            .iter()
            .filter(|c| m.selection.enabled(c) && m.selection.warn_only(c))
            .map(|c| c.id.as_str())
            .collect();
        let _ = write!(
            out,
            "<dt>Enabled</dt><dd>{} of {} controls{}</dd>",
            enabled.len(),
            m.catalogue.controls.len(),
            if warn.is_empty() {
                String::new()
            } else {
                format!("; warn only: {}", codes(&warn))
            }
        );
        out.push_str("</dl>\n");
        let settings = crate::json::settings_of(m);
        let label = if settings.as_object().is_some_and(|o| o.is_empty()) {
            "settings: none given, the module's defaults"
        } else {
            "settings"
        };
        let _ = writeln!(
            out,
            "<details><summary>{label}</summary><pre>{}</pre></details>",
            h(&serde_json::to_string_pretty(settings).unwrap_or_default())
        );
    }
    if !scan.input_files.is_empty() {
        let _ = writeln!(
            out,
            "<details><summary>{} input files read, with their sha256</summary><table><thead><tr><th>File</th><th>Bytes</th><th>sha256</th></tr></thead><tbody>",
            scan.input_files.len()
        );
        for f in &scan.input_files {
            let _ = writeln!(
                out,
                "<tr><td><code class=\"path\">{}</code></td><td class=\"n\">{}</td><td><code class=\"path\">{}</code></td></tr>",
                h(&f.file),
                f.bytes,
                h(&f.sha256)
            );
        }
        out.push_str("</tbody></table></details>\n");
    }
}
