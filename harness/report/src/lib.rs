//! The input and report side of `kube-soc2 scan`.
//!
//! The harness evaluates; this crate does everything around it and never runs
//! a module (no wasmtime here, so it builds and tests in seconds):
//!
//! 1. [`inputs`] loads manifests from files, folders and stdin (multi-document
//!    YAML, JSON, `List` kinds, `kubectl get -o yaml`, `helm template`,
//!    `kustomize build`), keeping each object's origin and reporting bad
//!    documents without stopping.
//! 2. The harness asks each module to `explain` its evaluation (every
//!    control's outcome and findings as data, see `kit::explain`), turns the
//!    answer into an [`Evaluation`] ([`Evaluation::from_explanation`]) and
//!    collects them in a [`Scan`] together with each module's catalogue,
//!    settings and the module's own reading of them ([`Selection`]).
//! 3. [`results::analyse`] derives the object × control verdicts once;
//!    [`render`] writes one of the [`Format`]s and [`exit::exit_code`] says
//!    how the process should end.

pub mod baseline;
pub mod catalogue;
pub mod criteria;
pub mod escape;
pub mod evidence;
pub mod exit;
pub mod generate;
pub mod html;
pub mod inputs;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod model;
pub mod policyreport;
pub mod results;
pub mod sarif;
pub mod terminal;
pub mod time;

pub use catalogue::{ControlInfo, Criteria, FamilyCatalogue, Severity};
pub use exit::{ExitCode, FailOn, Verdict, exit_code, verdict};
pub use inputs::{InputError, LoadOptions, Loaded, Object, Origin, SkipReason, Skipped};
pub use model::{
    ControlFinding, ControlOutcome, Evaluation, Exemption, Finding, Module, ObjectRef, Ran, Scan,
    Selection,
};
pub use results::{Results, Status, analyse};

/// Output formats of `kube-soc2 scan --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Terminal,
    Json,
    PolicyReport,
    Junit,
    Markdown,
    Html,
    Sarif,
}

impl Format {
    pub const ALL: &'static [Format] = &[
        Format::Terminal,
        Format::Json,
        Format::PolicyReport,
        Format::Junit,
        Format::Markdown,
        Format::Html,
        Format::Sarif,
    ];

    /// Parses a `--format` value; the error lists the valid ones.
    pub fn parse(s: &str) -> Result<Format, String> {
        Format::ALL
            .iter()
            .copied()
            .find(|f| f.name() == s || (s == "text" && *f == Format::Terminal))
            .ok_or_else(|| {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
                format!(
                    "unknown format \"{s}\"; valid formats: {}",
                    names.join(", ")
                )
            })
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Terminal => "terminal",
            Format::Json => "json",
            Format::PolicyReport => "policyreport",
            Format::Junit => "junit",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Sarif => "sarif",
        }
    }
}

/// `--evidence`: how much of the passing evidence the readable formats
/// (html, markdown) list. JSON, JUnit, SARIF and PolicyReports are for
/// machines and always carry what their format defines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EvidenceMode {
    /// Failures, warnings, exemptions and errors object by object; passes
    /// as counts per control. The report grows with failures, not checks.
    #[default]
    Failures,
    /// Also every passing check of every object.
    Full,
}

impl EvidenceMode {
    pub fn parse(s: &str) -> Result<EvidenceMode, String> {
        match s {
            "failures" => Ok(EvidenceMode::Failures),
            "full" => Ok(EvidenceMode::Full),
            _ => Err(format!("--evidence: \"{s}\" is not one of failures, full")),
        }
    }
}

/// What every renderer may need besides the scan itself.
#[derive(Clone, Debug, Default)]
pub struct RenderOptions {
    /// `--evidence`: failures only (default) or every check.
    pub evidence: EvidenceMode,
    /// ANSI colour in the terminal summary; the harness passes isatty(stdout).
    pub color: bool,
    /// The `--fail-on` threshold, shown in summaries and used for the verdict.
    pub fail_on: FailOn,
    /// PolicyReport layout and naming.
    pub policy_report: policyreport::Options,
}

/// Renders `scan` in `format`. Output is deterministic for a given scan
/// (timestamps come from `scan.generated_at`).
pub fn render(format: Format, scan: &Scan, options: &RenderOptions) -> String {
    let results = analyse(scan);
    render_results(format, scan, &results, options)
}

/// [`render_results`] written to `out`; JSON one object and PolicyReports
/// one report at a time (they list every check: a large scan's would not
/// fit in memory twice).
pub fn write_results(
    format: Format,
    scan: &Scan,
    results: &Results,
    options: &RenderOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::PolicyReport => policyreport::write(scan, results, &options.policy_report, out),
        Format::Json => json::write(scan, results, options, out),
        _ => out.write_all(render_results(format, scan, results, options).as_bytes()),
    }
}

/// Like [`render`] with verdicts already derived (to write several formats
/// from one analysis).
pub fn render_results(
    format: Format,
    scan: &Scan,
    results: &Results,
    options: &RenderOptions,
) -> String {
    match format {
        Format::Terminal => terminal::render(scan, results, options),
        Format::Json => json::render(scan, results, options),
        Format::PolicyReport => policyreport::render(scan, results, &options.policy_report),
        Format::Junit => junit::render(scan, results),
        Format::Markdown => markdown::render(scan, results, options),
        Format::Html => html::render(scan, results, options),
        Format::Sarif => sarif::render(scan, results, options),
    }
}
