//! How `kube-soc2 scan` ends: 0 all pass, 1 failures at or above `--fail-on`,
//! 2 usage or input errors, or nothing evaluated.
//!
//! Every format derives its headline from [`verdict`], so the badge, the
//! summary line and the exit code cannot disagree.

use crate::catalogue::Severity;
use crate::model::Scan;
use crate::results::{Results, Status};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitCode {
    /// Every evaluated control passed (warnings and exemptions allowed).
    Pass = 0,
    /// At least one failure at or above the threshold.
    Failures = 1,
    /// Usage errors, unreadable inputs or bad documents, a module that
    /// could not evaluate an object, or a scan in which no enabled control
    /// applied to any object: the scan is incomplete or empty, so it cannot
    /// pass.
    Error = 2,
}

impl ExitCode {
    pub fn code(self) -> i32 {
        self as i32
    }
}

/// The `--fail-on` threshold: failures of controls at or above it fail the
/// scan. `Never` reports failures without failing (exit 0 unless errors).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FailOn {
    #[default]
    Any,
    AtLeast(Severity),
    Never,
}

impl FailOn {
    /// Parses `--fail-on`: `low|medium|high|critical`, `any` (= `low`), `never`/`none`.
    pub fn parse(s: &str) -> Result<FailOn, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "any" => Ok(FailOn::Any),
            "never" | "none" => Ok(FailOn::Never),
            other => Severity::parse(other).map(FailOn::AtLeast).ok_or_else(|| {
                format!("--fail-on: \"{s}\" is not one of low, medium, high, critical, any, never")
            }),
        }
    }

    /// Whether a failure of this severity fails the scan. A control missing
    /// from the catalogues counts at every threshold: better a loud unknown
    /// than a silent pass.
    pub fn counts(self, severity: Option<Severity>) -> bool {
        match (self, severity) {
            (FailOn::Never, _) => false,
            (FailOn::Any, _) | (_, None) => true,
            (FailOn::AtLeast(t), Some(s)) => s >= t,
        }
    }
}

impl fmt::Display for FailOn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailOn::Any => f.write_str("any"),
            FailOn::Never => f.write_str("never"),
            FailOn::AtLeast(s) => write!(f, "{s}"),
        }
    }
}

/// Whether a failed check counts against the threshold: at or above
/// `--fail-on` and not a known failure of the `--baseline`.
pub fn counts_against(check: &crate::results::Check, fail_on: FailOn) -> bool {
    check.status == Status::Fail && !check.known && fail_on.counts(check.severity())
}

/// Failures that count against the threshold.
pub fn counted_failures(results: &Results, fail_on: FailOn) -> usize {
    results
        .notable
        .iter()
        .filter(|c| counts_against(c, fail_on))
        .count()
}

/// The one verdict of a scan every format shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Fail,
    /// Input or evaluation errors: the scan is incomplete.
    Error,
    /// No enabled control applied to any scanned object: nothing was
    /// evidenced, which is not a pass.
    NothingEvaluated,
}

impl Verdict {
    pub fn exit_code(self) -> ExitCode {
        match self {
            Verdict::Pass => ExitCode::Pass,
            Verdict::Fail => ExitCode::Failures,
            Verdict::Error | Verdict::NothingEvaluated => ExitCode::Error,
        }
    }

    /// The JSON word (`result`).
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Error => "error",
            Verdict::NothingEvaluated => "notEvaluated",
        }
    }

    /// The words for people.
    pub fn words(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Error => "error",
            Verdict::NothingEvaluated => "nothing evaluated",
        }
    }
}

/// The verdict of an analysed scan. Errors come first (an incomplete scan
/// cannot pass or fail cleanly: an unreadable input, a module that could not
/// evaluate an object, a control that could not verify one), then an empty
/// scan, then the threshold.
pub fn verdict(scan: &Scan, results: &Results, fail_on: FailOn) -> Verdict {
    if !scan.input_errors.is_empty() || !results.errors.is_empty() || results.totals.error > 0 {
        Verdict::Error
    } else if results.totals.evaluated == 0 {
        Verdict::NothingEvaluated
    } else if counted_failures(results, fail_on) > 0 {
        Verdict::Fail
    } else {
        Verdict::Pass
    }
}

/// The exit code for an analysed scan.
pub fn exit_code_for(scan: &Scan, results: &Results, fail_on: FailOn) -> ExitCode {
    verdict(scan, results, fail_on).exit_code()
}

/// The exit code for a scan (analyses it; use [`exit_code_for`] when the
/// results are at hand).
pub fn exit_code(scan: &Scan, fail_on: FailOn) -> ExitCode {
    exit_code_for(scan, &crate::results::analyse(scan), fail_on)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds() {
        assert_eq!(FailOn::parse("HIGH"), Ok(FailOn::AtLeast(Severity::High)));
        assert_eq!(FailOn::parse("none"), Ok(FailOn::Never));
        assert!(FailOn::parse("severe").is_err());
        let high = FailOn::AtLeast(Severity::High);
        assert!(high.counts(Some(Severity::Critical)));
        assert!(!high.counts(Some(Severity::Medium)));
        assert!(high.counts(None));
        assert!(!FailOn::Never.counts(Some(Severity::Critical)));
    }
}
