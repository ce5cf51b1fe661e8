//! `--format markdown`: the report for a pull-request comment, a wiki page or
//! a CI job summary (GitHub-flavoured tables). Every user-supplied string is
//! escaped, so an object name cannot inject markup or HTML.
//!
//! Failures come first; the long tables (controls, criteria without a
//! control, input digests) are collapsed in `<details>`; passing checks are
//! counted per control and kind unless `--evidence full`, so a small
//! application's report fits a pull-request comment (65,536 characters).

use crate::criteria::{Framework, compress};
use crate::escape::{markdown as md, markdown_code as code};
use crate::model::Scan;
use crate::results::{Check, Counts, Coverage, CriterionSummary, Results, Status};
use crate::{EvidenceMode, RenderOptions};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

/// The status word for people: `not evaluated` rather than the JSON name.
fn status_name(s: Option<Status>) -> &'static str {
    s.map(Status::as_str).unwrap_or("not evaluated")
}

/// The status word, with failures that do not count against `--fail-on`
/// (below it, or known from the baseline) said so.
fn counted_name(s: Option<Status>, counted: usize) -> &'static str {
    if s == Some(Status::Fail) && counted == 0 {
        "fail, not counted"
    } else {
        status_name(s)
    }
}

/// The coverage matrix of one framework: a row per criterion some control
/// maps to, then the rest of the registry as two compact lines.
fn criteria(
    out: &mut String,
    heading: &str,
    framework: Framework,
    rows: &[CriterionSummary],
    counted: &HashMap<&str, usize>,
) {
    let _ = writeln!(out, "\n## {heading}\n");
    let count = |c: Coverage| rows.iter().filter(|r| r.coverage == c).count();
    let _ = writeln!(
        out,
        "{} criteria: {} evaluated, {} not evaluated, {} not enabled, {} without a control, {} organisational.\n",
        rows.len(),
        count(Coverage::Evaluated),
        count(Coverage::NotEvaluated),
        count(Coverage::NotEnabled),
        count(Coverage::NoControl),
        count(Coverage::Organisational),
    );
    let mapped: Vec<&CriterionSummary> = rows.iter().filter(|r| r.tally.mapped > 0).collect();
    if !mapped.is_empty() {
        out.push_str("| Criterion | Title | Evidence | Status | Controls ran / passed / failed | Checks | Failed | Controls |\n");
        out.push_str("|---|---|---|---|---|--:|--:|---|\n");
        for r in mapped {
            let mut controls: Vec<String> = r.controls.iter().map(|c| code(c)).collect();
            if !r.disabled.is_empty() {
                let off: Vec<String> = r.disabled.iter().map(|c| code(c)).collect();
                controls.push(format!("(not enabled: {})", off.join(" ")));
            }
            let status = match r.coverage {
                Coverage::Evaluated => {
                    let n: usize = r
                        .controls
                        .iter()
                        .map(|c| counted.get(c).copied().unwrap_or(0))
                        .sum();
                    format!("**{}**", counted_name(r.status(), n))
                }
                Coverage::NotEnabled => "not enabled".to_string(),
                _ => "not evaluated".to_string(),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {status} | {} of {} ran / {} / {} | {} | {} | {} |",
                md(r.id),
                md(r.title.unwrap_or("")),
                r.evidence.map(|e| e.as_str()).unwrap_or("unknown"),
                r.tally.ran,
                r.tally.mapped,
                r.tally.passed,
                r.tally.failed,
                r.counts.evaluated,
                r.counts.fail,
                controls.join(" "),
            );
        }
    }
    for (coverage, label) in [
        (
            Coverage::NoControl,
            "No control of the scanned modules maps to",
        ),
        (
            Coverage::Organisational,
            "Organisational — no admission control can evidence",
        ),
    ] {
        let ids: Vec<&str> = rows
            .iter()
            .filter(|r| r.coverage == coverage)
            .map(|r| r.id)
            .collect();
        if !ids.is_empty() {
            let _ = writeln!(
                out,
                "\n{label} ({}): {}",
                ids.len(),
                md(&compress(framework, &ids))
            );
        }
    }
}

fn field(c: &Check) -> String {
    let paths: Vec<String> = c
        .findings()
        .iter()
        .filter_map(|f| f.path.as_deref())
        .map(code)
        .collect();
    paths.join("<br>")
}

/// Objects with failures open as sections while few, collapsed beyond.
const OPEN_OBJECTS: usize = 10;

pub fn render(scan: &Scan, results: &Results, options: &RenderOptions) -> String {
    let mut out = String::new();
    let verdict = crate::exit::verdict(scan, results, options.fail_on);
    let counted = results.counted_by_control(options.fail_on);
    let _ = writeln!(out, "# {} compliance scan\n", md(&scan.tool));
    out.push_str("| | |\n|---|---|\n");
    let _ = writeln!(
        out,
        "| Result | **{}** (exit {}, `--fail-on {}`) |",
        verdict.words().to_uppercase(),
        verdict.exit_code().code(),
        options.fail_on
    );
    let in_scope = results
        .objects
        .iter()
        .filter(|o| o.counts.evaluated > 0)
        .count();
    let _ = writeln!(
        out,
        "| Objects | {} ({in_scope} in scope) |",
        results.objects.len()
    );
    let t = &results.totals;
    let _ = writeln!(
        out,
        "| Checks | {} evaluated: {} passed, {} failed, {} warned, {} exempted, {} errors |",
        t.evaluated, t.pass, t.fail, t.warn, t.skip, t.error
    );
    let _ = writeln!(
        out,
        "| Errors | {} input, {} evaluation |",
        scan.input_errors.len(),
        results.errors.len()
    );
    if let Some(note) = crate::evidence::namespace_note(scan, results) {
        let _ = writeln!(out, "| Namespaces | {} |", md(&note));
    }
    if let Some(b) = &results.baseline {
        let _ = writeln!(
            out,
            "| Baseline | {}: {} new failures, {} known (not listed), {} fixed |",
            code(&b.source),
            b.new,
            b.known,
            b.fixed.len()
        );
    }
    let _ = writeln!(
        out,
        "| Generated | {} by {} {} |",
        crate::time::rfc3339(scan.generated_at),
        md(&scan.tool),
        md(&scan.version)
    );
    let inputs: Vec<String> = scan.inputs.iter().map(|i| code(i)).collect();
    let _ = writeln!(
        out,
        "| Inputs | {} ({} files read) |",
        inputs.join(" "),
        scan.input_files.len()
    );

    out.push_str("\nContents: [Failures](#failures-by-resource) · [SOC 2](#soc-2-trust-services-criteria) · [ISO 27001](#isoiec-270012022-annex-a) · [Controls](#controls) · [Exemptions](#exemptions) · [Evidence](#evidence) · [What ran](#what-ran)\n");

    let flagged = results.flagged_objects();
    out.push_str("\n## Failures by resource\n\n");
    if let Some(b) = &results.baseline
        && b.known > 0
    {
        let _ = writeln!(
            out,
            "{} failures known from the baseline are not listed.\n",
            b.known
        );
    }
    if flagged.is_empty() {
        out.push_str("No failures or warnings.\n");
    }
    let collapse = flagged.len() > OPEN_OBJECTS;
    for o in &flagged {
        let checks: Vec<&Check> = results.flagged_checks(o).collect();
        if collapse {
            let ids: Vec<&str> = checks.iter().map(|c| c.control_id).collect();
            let _ = writeln!(
                out,
                "<details><summary>{} — {}</summary>\n\n{}\n",
                crate::escape::html(&o.object.describe()),
                crate::escape::html(&ids.join(", ")),
                code(&o.object.origin.to_string())
            );
        } else {
            let _ = writeln!(
                out,
                "### {}\n\n{}\n",
                md(&o.object.describe()),
                code(&o.object.origin.to_string())
            );
        }
        out.push_str("| Result | Control | Severity | Field | Finding | Remediation |\n");
        out.push_str("|---|---|---|---|---|---|\n");
        for c in checks {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                c.status.as_str(),
                code(c.control_id),
                c.severity().map(|s| s.as_str()).unwrap_or("unknown"),
                field(c),
                md(&c.detail()),
                md(c.remediation()),
            );
        }
        if collapse {
            out.push_str("\n</details>\n");
        }
        out.push('\n');
    }

    criteria(
        &mut out,
        "SOC 2 Trust Services Criteria",
        Framework::Soc2,
        &results.soc2,
        &counted,
    );
    criteria(
        &mut out,
        "ISO/IEC 27001:2022 Annex A",
        Framework::Iso27001,
        &results.iso27001,
        &counted,
    );

    let enabled: Vec<_> = results.controls.iter().filter(|c| c.enabled).collect();
    let failing = enabled.iter().filter(|c| c.counts.fail > 0).count();
    let ran = enabled.iter().filter(|c| c.counts.evaluated > 0).count();
    let _ = writeln!(
        out,
        "\n## Controls\n\n{} enabled controls: {ran} evaluated objects, {failing} with failures. Passing checks are counted here; *fail, not counted*: every failure is below `--fail-on` or known from the baseline.\n\n<details><summary>Every enabled control</summary>\n",
        enabled.len()
    );
    out.push_str("| Control | Module | Severity | Title | SOC 2 | ISO 27001 | Evaluated | Passed | Failed | Status |\n");
    out.push_str("|---|---|---|---|---|---|--:|--:|--:|---|\n");
    for c in &enabled {
        let (severity, title, soc2, iso) = match c.control {
            Some(i) => (
                i.severity.as_str(),
                i.title.as_str(),
                i.criteria.soc2.join(", "),
                i.criteria.iso27001.join(", "),
            ),
            None => ("unknown", "", String::new(), String::new()),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {severity} | {} | {} | {} | {} | {} | {} | {} |",
            code(c.id),
            md(c.module),
            md(title),
            md(&soc2),
            md(&iso),
            c.counts.evaluated,
            c.counts.pass,
            c.counts.fail,
            counted_name(c.counts.worst(), counted.get(c.id).copied().unwrap_or(0)),
        );
    }
    out.push_str("\n</details>\n");

    exemptions(&mut out, scan, results, options.evidence);

    if !results.errors.is_empty() {
        out.push_str("\n## Evaluation errors\n\n");
        for e in &results.errors {
            let _ = writeln!(
                out,
                "- {} ({}, {}): {}",
                md(&e.object.describe()),
                md(e.module),
                code(&e.object.origin.to_string()),
                md(e.message)
            );
        }
    }
    if !scan.input_errors.is_empty() {
        out.push_str("\n## Input errors\n\n");
        for e in &scan.input_errors {
            let _ = writeln!(out, "- {}", md(&e.to_string()));
        }
    }

    evidence(&mut out, results, options.evidence);
    what_ran(&mut out, scan);
    out
}

fn exemptions(out: &mut String, scan: &Scan, results: &Results, mode: EvidenceMode) {
    let entries = crate::evidence::exemptions(scan, results);
    out.push_str("\n## Exemptions\n\n");
    if entries.is_empty() && results.totals.skip == 0 {
        out.push_str("No exemptions declared.\n");
        return;
    }
    if !entries.is_empty() {
        out.push_str("| Module | # | Applies to | Reason | Expires | Status | Checks exempted |\n");
        out.push_str("|---|--:|---|---|---|---|--:|\n");
        for e in &entries {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                md(e.module),
                e.index,
                md(&e.scope),
                md(e.reason.unwrap_or("(no reason given)")),
                md(e.expires.unwrap_or("never")),
                if e.expired {
                    "**expired: no longer applied**"
                } else {
                    "in force"
                },
                e.checks
            );
        }
    }
    let mut groups: BTreeMap<(&str, &str), Vec<&Check>> = BTreeMap::new();
    for c in results.with_status(Status::Skip) {
        let reason = c
            .exemption
            .and_then(|e| e.reason.as_deref())
            .unwrap_or("(no reason given)");
        groups.entry((c.control_id, reason)).or_default().push(c);
    }
    if groups.is_empty() {
        return;
    }
    out.push_str("\n| Exempted control | Reason | Objects |\n|---|---|---|\n");
    for ((control, reason), checks) in &groups {
        let objects = if mode == EvidenceMode::Full || checks.len() <= 5 {
            checks
                .iter()
                .map(|c| md(&c.object.describe()))
                .collect::<Vec<_>>()
                .join("<br>")
        } else {
            format!("{} objects", checks.len())
        };
        let _ = writeln!(out, "| {} | {} | {objects} |", code(control), md(reason));
    }
}

fn evidence(out: &mut String, results: &Results, mode: EvidenceMode) {
    out.push_str("\n## Evidence\n\n");
    let mut kinds: BTreeMap<&str, (usize, usize, Counts)> = BTreeMap::new();
    for o in &results.objects {
        let k = kinds.entry(o.object.kind.as_str()).or_default();
        k.0 += 1;
        if o.counts.evaluated > 0 {
            k.1 += 1;
        }
        k.2.merge(&o.counts);
    }
    out.push_str(
        "| Kind | Objects | In scope | Checks | Passed | Failed |\n|---|--:|--:|--:|--:|--:|\n",
    );
    for (kind, (n, scope, c)) in &kinds {
        let _ = writeln!(
            out,
            "| {} | {n} | {scope} | {} | {} | {} |",
            md(kind),
            c.evaluated,
            c.pass,
            c.fail
        );
    }
    if mode == EvidenceMode::Failures {
        out.push_str("\nPassing checks are counted per control and kind; `--evidence full` lists every object × control check (`--format json` always does).\n");
        return;
    }
    out.push_str("\n| Object | Origin | Module | Control | Result | Detail |\n");
    out.push_str("|---|---|---|---|---|---|\n");
    for o in &results.objects {
        let checks = results.object_checks(o);
        if checks.is_empty() {
            let _ = writeln!(
                out,
                "| {} | {} | | | not evaluated | no enabled control applies to this kind |",
                md(&o.object.describe()),
                code(&o.object.origin.to_string())
            );
        }
        for c in checks {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                md(&o.object.describe()),
                code(&o.object.origin.to_string()),
                md(c.module),
                code(c.control_id),
                c.status.as_str(),
                md(&c.detail()),
            );
        }
    }
}

fn what_ran(out: &mut String, scan: &Scan) {
    out.push_str("\n## What ran\n\n");
    out.push_str("| Module | Version | Enabled controls | Warn only | Settings | sha256 |\n|---|---|--:|--:|---|---|\n");
    for m in &scan.modules {
        let enabled = m
            .catalogue
            .controls
            .iter()
            .filter(|c| m.selection.enabled(c))
            .count();
        let warn = m
            .catalogue
            .controls
            .iter()
            .filter(|c| m.selection.enabled(c) && m.selection.warn_only(c))
            .count();
        let settings = crate::json::settings_of(m);
        let settings = if settings.as_object().is_some_and(|o| o.is_empty()) {
            "defaults (`{}`)".to_string()
        } else {
            code(&serde_json::to_string(settings).unwrap_or_default())
        };
        let _ = writeln!(
            out,
            "| {} | {} | {enabled} of {} | {warn} | {settings} | {} |",
            code(m.name()),
            md(&m.catalogue.version),
            m.catalogue.controls.len(),
            m.sha256.as_deref().map(code).unwrap_or_default(),
        );
    }
    if !scan.input_files.is_empty() {
        let _ = writeln!(
            out,
            "\n<details><summary>{} input files read, with their sha256</summary>\n\n| File | Bytes | sha256 |\n|---|--:|---|",
            scan.input_files.len()
        );
        for f in &scan.input_files {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                code(&f.file),
                f.bytes,
                code(&f.sha256)
            );
        }
        out.push_str("\n</details>\n");
    }
}
