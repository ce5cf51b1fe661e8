//! `--format markdown`: the report for a pull-request comment, a wiki page or
//! a CI job summary (GitHub-flavoured tables). Every user-supplied string is
//! escaped, so an object name cannot inject markup or HTML.

use crate::RenderOptions;
use crate::criteria::{Framework, compress};
use crate::escape::{markdown as md, markdown_code as code};
use crate::exit::exit_code_for;
use crate::json::verdict;
use crate::model::Scan;
use crate::results::{Check, Coverage, CriterionSummary, Results, Status};
use std::fmt::Write;

/// The status word for people: `not evaluated` rather than the JSON name.
fn status_name(s: Option<Status>) -> &'static str {
    s.map(Status::as_str).unwrap_or("not evaluated")
}

/// The coverage matrix of one framework: a row per criterion some control
/// maps to, then the rest of the registry as two compact lines.
fn criteria(out: &mut String, heading: &str, framework: Framework, rows: &[CriterionSummary]) {
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
                Coverage::Evaluated => format!("**{}**", status_name(r.status())),
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

pub fn render(scan: &Scan, results: &Results, options: &RenderOptions) -> String {
    let mut out = String::new();
    let code_exit = exit_code_for(scan, results, options.fail_on);
    let _ = writeln!(out, "# {} compliance scan\n", md(&scan.tool));
    out.push_str("| | |\n|---|---|\n");
    let _ = writeln!(
        out,
        "| Generated | {} |",
        crate::time::rfc3339(scan.generated_at)
    );
    let _ = writeln!(out, "| Tool | {} {} |", md(&scan.tool), md(&scan.version));
    let inputs: Vec<String> = scan.inputs.iter().map(|i| code(i)).collect();
    let _ = writeln!(out, "| Inputs | {} |", inputs.join(" "));
    let modules: Vec<String> = scan
        .modules
        .iter()
        .map(|m| format!("{} {}", code(m.name()), md(&m.catalogue.version)))
        .collect();
    let _ = writeln!(out, "| Modules | {} |", modules.join(", "));
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
        "| Checks | {} evaluated: {} passed, {} failed, {} warned, {} skipped, {} errors |",
        t.evaluated, t.pass, t.fail, t.warn, t.skip, t.error
    );
    let _ = writeln!(
        out,
        "| Result | **{}** (exit {}, `--fail-on {}`) |",
        verdict(code_exit).to_uppercase(),
        code_exit.code(),
        options.fail_on
    );

    criteria(
        &mut out,
        "SOC 2 Trust Services Criteria",
        Framework::Soc2,
        &results.soc2,
    );
    criteria(
        &mut out,
        "ISO/IEC 27001:2022 Annex A",
        Framework::Iso27001,
        &results.iso27001,
    );

    out.push_str("\n## Controls\n\n");
    out.push_str("| Control | Module | Severity | Title | SOC 2 | ISO 27001 | Evaluated | Passed | Failed | Status |\n");
    out.push_str("|---|---|---|---|---|---|--:|--:|--:|---|\n");
    for c in results.controls.iter().filter(|c| c.enabled) {
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
            status_name(c.counts.worst()),
        );
    }

    let flagged = results.flagged_objects();
    if !flagged.is_empty() {
        out.push_str("\n## Failures by resource\n");
        for o in flagged {
            let _ = writeln!(
                out,
                "\n### {}\n\n{}\n",
                md(&o.object.describe()),
                code(&o.object.origin.to_string())
            );
            out.push_str("| Result | Control | Severity | Field | Finding | Remediation |\n");
            out.push_str("|---|---|---|---|---|---|\n");
            for c in results.flagged_checks(o) {
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
        }
    }

    out.push_str("\n## Evidence\n\nEvery object × control check of the scan.\n\n");
    out.push_str("| Object | Origin | Module | Control | Result | Detail |\n");
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
    out
}
