//! The default output: a summary a person reads in a terminal or CI log.
//! Per SOC 2 criterion, per ISO 27001 Annex A control and per control:
//! evaluated, passed, failed; then the failures grouped by resource with the
//! control id, field path and remediation; then errors and the verdict.
//! ANSI colour only when the caller asks (it knows whether stdout is a TTY).

use crate::RenderOptions;
use crate::criteria::{Framework, compress};
use crate::escape::terminal as clean;
use crate::exit::{Verdict, counted_failures};
use crate::model::Scan;
use crate::results::{Check, Counts, Coverage, CriterionSummary, Results, Status};
use std::fmt::Write;

struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }

    fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }

    /// The status word padded to one column width (before more text).
    fn status(&self, s: Option<Status>) -> String {
        self.status_word(s, true)
    }

    /// The status word at the end of a line (no trailing blanks).
    fn status_last(&self, s: Option<Status>) -> String {
        self.status_word(s, false)
    }

    fn status_word(&self, s: Option<Status>, pad: bool) -> String {
        let (code, word) = match s {
            Some(Status::Pass) => ("32", "PASS"),
            Some(Status::Fail) => ("31;1", "FAIL"),
            Some(Status::Warn) => ("33", "WARN"),
            Some(Status::Skip) => ("36", "SKIP"),
            Some(Status::Error) => ("35;1", "ERROR"),
            None => ("2", "n/a"),
        };
        // Pad before painting so escape codes do not upset the columns.
        if pad {
            self.paint(code, &format!("{word:<5}"))
        } else {
            self.paint(code, word)
        }
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The coverage matrix of one framework: a row per criterion some control of
/// the scanned modules maps to (verdict, and how many of its controls ran,
/// passed and failed), then the rest of the registry in two compact lines —
/// every criterion is accounted for, none is shown as passed untested.
fn criteria_table(
    out: &mut String,
    st: &Style,
    heading: &str,
    framework: Framework,
    rows: &[CriterionSummary],
) {
    let count = |c: Coverage| rows.iter().filter(|r| r.coverage == c).count();
    let failing = rows
        .iter()
        .filter(|r| matches!(r.status(), Some(Status::Fail | Status::Error)))
        .count();
    let _ = writeln!(
        out,
        "\n{} {}",
        st.bold(heading),
        st.dim(&format!(
            "— {} criteria: {} evaluated ({failing} failing), {} not evaluated, {} not enabled, {} without a control, {} organisational",
            rows.len(),
            count(Coverage::Evaluated),
            count(Coverage::NotEvaluated),
            count(Coverage::NotEnabled),
            count(Coverage::NoControl),
            count(Coverage::Organisational),
        ))
    );
    let mapped: Vec<&CriterionSummary> = rows.iter().filter(|r| r.tally.mapped > 0).collect();
    if !mapped.is_empty() {
        let w = mapped.iter().map(|r| r.id.len()).max().unwrap_or(0).max(9);
        let _ = writeln!(
            out,
            "  {:<w$}  {:>8}  {:>3}  {:>6}  {:>6}  {:>6}  STATUS",
            "CRITERION", "CONTROLS", "RAN", "PASSED", "FAILED", "CHECKS"
        );
        for r in mapped {
            let status = match r.coverage {
                Coverage::Evaluated => st.status(r.status()),
                Coverage::NotEnabled => st.dim("off  "),
                _ => st.dim("n/a  "),
            };
            let title = r
                .title
                .map(|t| format!(" {}", st.dim(t)))
                .unwrap_or_default();
            let line = format!(
                "  {:<w$}  {:>8}  {:>3}  {:>6}  {:>6}  {:>6}  {status}{title}",
                clean(r.id),
                r.tally.mapped,
                r.tally.ran,
                r.tally.passed,
                r.tally.failed,
                r.counts.evaluated,
            );
            let _ = writeln!(out, "{}", line.trim_end());
        }
        let _ = writeln!(
            out,
            "  {}",
            st.dim("CONTROLS: controls mapping to it; RAN/PASSED/FAILED: of those, controls that evaluated objects, passed, failed; CHECKS: object × control checks; n/a: enabled controls applied to no scanned object; off: not enabled")
        );
    }
    for (coverage, label) in [
        (Coverage::NoControl, "no control in the scanned modules"),
        (
            Coverage::Organisational,
            "organisational, not evidenced by admission control",
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
                "  {} {}",
                st.dim(&format!("{label} ({}):", ids.len())),
                clean(&compress(framework, &ids))
            );
        }
    }
}

fn summary_line(c: &Counts, input_errors: usize) -> String {
    format!(
        "{} evaluated: {} passed, {} failed, {} warned, {} exempted, {}; {}",
        plural(c.evaluated, "check", "checks"),
        c.pass,
        c.fail,
        c.warn,
        c.skip,
        plural(c.error, "error", "errors"),
        plural(input_errors, "input error", "input errors"),
    )
}

fn check_lines(out: &mut String, st: &Style, c: &Check) {
    let severity = c.severity().map(|s| s.as_str()).unwrap_or("unknown");
    let _ = writeln!(
        out,
        "    {} {} [{severity}] {}",
        st.status(Some(c.status)),
        st.bold(&clean(c.control_id)),
        clean(c.title()),
    );
    let findings = c.findings();
    if findings.is_empty() {
        let _ = writeln!(out, "          {}", clean(&c.detail()));
    }
    for f in findings {
        let at = match (&f.container, &f.path) {
            (Some(cn), Some(p)) => format!("{} (container \"{}\")", p, cn),
            (None, Some(p)) => p.clone(),
            (Some(cn), None) => format!("container \"{cn}\""),
            (None, None) => String::new(),
        };
        if at.is_empty() {
            let _ = writeln!(out, "          {}", clean(&f.message));
        } else {
            let _ = writeln!(out, "          {}: {}", clean(&at), clean(&f.message));
        }
    }
    let fix = c.remediation();
    if !fix.is_empty() {
        let _ = writeln!(out, "          {} {}", st.dim("fix:"), clean(fix));
    }
}

pub fn render(scan: &Scan, results: &Results, options: &RenderOptions) -> String {
    let st = Style {
        color: options.color,
    };
    let mut out = String::new();
    let in_scope = results
        .objects
        .iter()
        .filter(|o| o.counts.evaluated > 0)
        .count();
    let _ = writeln!(
        out,
        "{} — {} ({in_scope} in scope of an enabled control), {}",
        st.bold(&format!("{} scan", clean(&scan.tool))),
        plural(results.objects.len(), "object", "objects"),
        plural(scan.modules.len(), "module", "modules"),
    );
    let _ = writeln!(
        out,
        "{}",
        summary_line(&results.totals, scan.input_errors.len())
    );
    if let Some(line) = crate::inputs::skipped_summary(&scan.skipped_inputs) {
        let _ = writeln!(out, "{}", st.dim(&clean(&line)));
    }
    if let Some(note) = crate::evidence::namespace_note(scan, results) {
        let _ = writeln!(out, "{}", st.dim(&clean(&note)));
    }
    // Evidence integrity in one line; the digests are in json/html/markdown.
    let _ = writeln!(
        out,
        "{}",
        st.dim(&format!(
            "evidence: {} {}, {} (sha256 recorded), {} read (sha256 recorded), settings as the modules read them; see --format json",
            clean(&scan.tool),
            clean(&scan.version),
            plural(scan.modules.len(), "module", "modules"),
            plural(scan.input_files.len(), "input file", "input files"),
        ))
    );
    if let Some(b) = &results.baseline {
        let _ = writeln!(
            out,
            "baseline {}: {} new, {} known (not listed), {} fixed",
            clean(&b.source),
            plural(b.new, "failure", "failures"),
            b.known,
            b.fixed.len()
        );
    }
    for e in crate::evidence::exemptions(scan, results) {
        if e.expired {
            let _ = writeln!(
                out,
                "{}",
                st.paint(
                    "33",
                    &format!(
                        "exemption {}[{}] ({}) expired on {}: no longer applied ({})",
                        clean(e.module),
                        e.index,
                        clean(&e.scope),
                        clean(e.expires.unwrap_or("")),
                        clean(e.reason.unwrap_or("no reason given"))
                    )
                )
            );
        }
    }

    criteria_table(
        &mut out,
        &st,
        "SOC 2 Trust Services Criteria",
        Framework::Soc2,
        &results.soc2,
    );
    criteria_table(
        &mut out,
        &st,
        "ISO/IEC 27001:2022 Annex A",
        Framework::Iso27001,
        &results.iso27001,
    );

    let enabled: Vec<_> = results.controls.iter().filter(|c| c.enabled).collect();
    if !enabled.is_empty() {
        let _ = writeln!(out, "\n{}", st.bold("Controls"));
        let w = enabled.iter().map(|c| c.id.len()).max().unwrap_or(0).max(7);
        let _ = writeln!(
            out,
            "  {:<w$}  {:<8}  {:>9}  {:>6}  {:>6}  STATUS",
            "CONTROL", "SEVERITY", "EVALUATED", "PASSED", "FAILED"
        );
        let counted = results.counted_by_control(options.fail_on);
        for c in &enabled {
            let severity = c.control.map(|i| i.severity.as_str()).unwrap_or("unknown");
            let status = if c.counts.worst() == Some(Status::Fail)
                && counted.get(c.id).copied().unwrap_or(0) == 0
            {
                st.dim("FAIL (not counted)")
            } else {
                st.status_last(c.counts.worst())
            };
            let _ = writeln!(
                out,
                "  {:<w$}  {:<8}  {:>9}  {:>6}  {:>6}  {}",
                clean(c.id),
                severity,
                c.counts.evaluated,
                c.counts.pass,
                c.counts.fail,
                status,
            );
        }
        let disabled = results.controls.len() - enabled.len();
        if disabled > 0 {
            let _ = writeln!(
                out,
                "  {}",
                st.dim(&format!(
                    "{} not enabled by the settings",
                    plural(disabled, "control", "controls")
                ))
            );
        }
    }

    let flagged = results.flagged_objects();
    if !flagged.is_empty() {
        let _ = writeln!(out, "\n{}", st.bold("Failures by resource"));
        for o in flagged {
            let _ = writeln!(
                out,
                "  {}  {}",
                st.bold(&clean(&o.object.describe())),
                st.dim(&clean(&o.object.origin.to_string())),
            );
            let checks = results.object_checks(o);
            for c in checks.iter().filter(|c| c.status == Status::Fail) {
                check_lines(&mut out, &st, c);
            }
            for c in checks.iter().filter(|c| c.status == Status::Warn) {
                check_lines(&mut out, &st, c);
            }
        }
    }

    if !results.errors.is_empty() {
        let _ = writeln!(out, "\n{}", st.bold("Evaluation errors"));
        for e in &results.errors {
            let _ = writeln!(
                out,
                "  {} ({}, {}): {}",
                clean(&e.object.describe()),
                clean(e.module),
                clean(&e.object.origin.to_string()),
                clean(e.message)
            );
        }
    }
    if !scan.input_errors.is_empty() {
        let _ = writeln!(out, "\n{}", st.bold("Input errors"));
        for e in &scan.input_errors {
            let _ = writeln!(out, "  {}", clean(&e.to_string()));
        }
    }

    let v = crate::exit::verdict(scan, results, options.fail_on);
    let code = v.exit_code();
    let counted = counted_failures(results, options.fail_on);
    let not_counted = results.totals.fail - counted;
    let verdict = match v {
        Verdict::Pass if not_counted > 0 => st.paint(
            "33;1",
            &format!(
                "PASS — {} not counted (below --fail-on {}{})",
                plural(not_counted, "failure", "failures"),
                options.fail_on,
                if results.baseline.is_some() {
                    " or known from the baseline"
                } else {
                    ""
                }
            ),
        ),
        Verdict::Pass => st.paint("32;1", "PASS"),
        Verdict::Fail => st.paint(
            "31;1",
            &format!(
                "FAIL — {} at or above --fail-on {}",
                plural(counted, "failure", "failures"),
                options.fail_on
            ),
        ),
        Verdict::NothingEvaluated => st.paint(
            "35;1",
            &format!(
                "NOTHING EVALUATED — no enabled control applies to any of the {}; a scan that checked nothing cannot pass",
                plural(results.objects.len(), "object", "objects")
            ),
        ),
        Verdict::Error => st.paint(
            "35;1",
            &format!(
                "ERROR — {}, {} and {}; the scan is incomplete",
                plural(scan.input_errors.len(), "input error", "input errors"),
                plural(
                    results.errors.len(),
                    "evaluation error",
                    "evaluation errors"
                ),
                plural(
                    results.totals.error,
                    "check that could not verify",
                    "checks that could not verify"
                ),
            ),
        ),
    };
    let _ = writeln!(out, "\nResult: {verdict} (exit {})", code.code());
    out
}
