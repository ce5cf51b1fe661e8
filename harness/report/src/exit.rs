//! How `kube-soc2 scan` ends: 0 all pass, 1 failures at or above `--fail-on`,
//! 2 usage or input errors.

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
    /// Usage errors, unreadable inputs or bad documents, or a module that
    /// could not evaluate an object: the scan is incomplete, so it cannot pass.
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

/// Failures that count against the threshold.
pub fn counted_failures(results: &Results, fail_on: FailOn) -> usize {
    results
        .checks
        .iter()
        .filter(|c| c.status == Status::Fail && fail_on.counts(c.severity()))
        .count()
}

/// The exit code for an analysed scan.
pub fn exit_code_for(scan: &Scan, results: &Results, fail_on: FailOn) -> ExitCode {
    if !scan.input_errors.is_empty() || !results.errors.is_empty() {
        ExitCode::Error
    } else if counted_failures(results, fail_on) > 0 {
        ExitCode::Failures
    } else {
        ExitCode::Pass
    }
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
