//! The verdicts every report shows, derived once from a [`Scan`]: one check per
//! object × enabled control that applies to the object's kind, with its
//! status, plus the totals per control and per SOC 2 / ISO 27001 criterion.
//!
//! A module's answer only names what failed; which controls *passed* follows
//! from the catalogue: the controls the settings enable whose kinds include
//! the object's kind (the kit engine's own rule, for a CREATE).

use crate::catalogue::{ControlInfo, Severity};
use crate::criteria::{Evidence, Framework, natural_cmp};
use crate::model::{
    ControlFinding, ControlOutcome, Evaluation, Exemption, Finding, Module, ObjectRef, Scan,
};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

/// Outcome of one object × control check, ordered from best to worst.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    /// Exempted by the settings (the PolicyReport `skip`).
    Skip,
    /// Violated, but the control is `warnOnly`.
    Warn,
    Fail,
    /// The module could not evaluate the object.
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Skip => "skip",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Error => "error",
        }
    }
}

/// One object × control verdict.
#[derive(Clone, Copy, Debug)]
pub struct Check<'a> {
    pub object: &'a ObjectRef,
    pub module: &'a str,
    pub control_id: &'a str,
    /// `None` for a control a module reported but its catalogue lacks.
    pub control: Option<&'a ControlInfo>,
    pub status: Status,
    /// The module's findings (fail and warn).
    pub finding: Option<&'a ControlFinding>,
    pub exemption: Option<&'a Exemption>,
    /// The module's error (status error).
    pub error: Option<&'a str>,
    /// A failure the `--baseline` already had: shown, not new, not counted.
    pub known: bool,
}

impl Check<'_> {
    pub fn severity(&self) -> Option<Severity> {
        self.control.map(|c| c.severity)
    }

    pub fn findings(&self) -> &[Finding] {
        self.finding.map(|f| f.findings.as_slice()).unwrap_or(&[])
    }

    pub fn title(&self) -> &str {
        match (self.control, self.finding) {
            (Some(c), _) if !c.title.is_empty() => &c.title,
            (_, Some(f)) => &f.title,
            _ => "",
        }
    }

    pub fn remediation(&self) -> &str {
        match (self.control, self.finding) {
            (Some(c), _) if !c.remediation.is_empty() => &c.remediation,
            (_, Some(f)) => f.remediation.as_deref().unwrap_or(""),
            _ => "",
        }
    }

    /// One line saying what was found (fail/warn), why it was skipped or what
    /// went wrong; empty for a pass.
    pub fn detail(&self) -> String {
        match self.status {
            Status::Pass => String::new(),
            Status::Skip => match self.exemption.and_then(|e| e.reason.as_deref()) {
                Some(r) => format!("exempted: {r}"),
                None => "exempted".to_string(),
            },
            Status::Error => self.error.unwrap_or("evaluation error").to_string(),
            Status::Fail | Status::Warn => {
                let f = self.findings();
                if f.is_empty() {
                    return self.finding.map(|f| f.text.clone()).unwrap_or_default();
                }
                f.iter()
                    .map(describe_finding)
                    .collect::<Vec<_>>()
                    .join("; ")
            }
        }
    }
}

/// `container "c" at path: message`, as the kit words a finding.
pub fn describe_finding(f: &Finding) -> String {
    match (&f.container, &f.path) {
        (Some(c), Some(p)) => format!("container \"{c}\" at {p}: {}", f.message),
        (None, Some(p)) => format!("{p}: {}", f.message),
        _ => f.message.clone(),
    }
}

/// Check counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub evaluated: usize,
    pub pass: usize,
    pub fail: usize,
    pub warn: usize,
    pub skip: usize,
    pub error: usize,
}

impl Counts {
    pub fn add(&mut self, s: Status) {
        self.evaluated += 1;
        match s {
            Status::Pass => self.pass += 1,
            Status::Fail => self.fail += 1,
            Status::Warn => self.warn += 1,
            Status::Skip => self.skip += 1,
            Status::Error => self.error += 1,
        }
    }

    pub fn merge(&mut self, o: &Counts) {
        self.evaluated += o.evaluated;
        self.pass += o.pass;
        self.fail += o.fail;
        self.warn += o.warn;
        self.skip += o.skip;
        self.error += o.error;
    }

    /// The worst status among the counted checks; `None` when nothing was checked.
    pub fn worst(&self) -> Option<Status> {
        [
            (self.error, Status::Error),
            (self.fail, Status::Fail),
            (self.warn, Status::Warn),
            (self.skip, Status::Skip),
            (self.pass, Status::Pass),
        ]
        .into_iter()
        .find(|(n, _)| *n > 0)
        .map(|(_, s)| s)
    }
}

/// An object, what the modules said about it, and its checks that did not
/// pass (`Results::notable[notable]`). Its passing checks are not kept: they
/// are read again from the evaluations when a format lists them (see
/// [`Results::object_checks`]), so the results grow with failures, not with
/// checks.
#[derive(Clone, Debug)]
pub struct ObjectResult<'a> {
    pub object: &'a ObjectRef,
    /// In module order.
    evaluations: Vec<(&'a Evaluation, Option<&'a Module>)>,
    pub notable: Range<usize>,
    pub counts: Counts,
}

/// Totals of one control of one module.
#[derive(Clone, Debug)]
pub struct ControlSummary<'a> {
    pub module: &'a str,
    pub id: &'a str,
    pub control: Option<&'a ControlInfo>,
    /// Selected by the module's settings.
    pub enabled: bool,
    pub counts: Counts,
}

/// How far a scan's evidence reaches for one criterion of the registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Coverage {
    /// Enabled controls evaluated objects: the status is their verdict.
    Evaluated,
    /// Enabled controls map to it, but none applied to a scanned object.
    NotEvaluated,
    /// Controls of the scanned modules map to it, but the settings leave
    /// every one of them out.
    NotEnabled,
    /// An admission control could evidence it (in part), but no control of
    /// the scanned modules maps to it.
    NoControl,
    /// No admission control can evidence it (governance, people, physical):
    /// it needs evidence from outside the cluster.
    Organisational,
}

impl Coverage {
    pub const ALL: &'static [Coverage] = &[
        Coverage::Evaluated,
        Coverage::NotEvaluated,
        Coverage::NotEnabled,
        Coverage::NoControl,
        Coverage::Organisational,
    ];

    /// The JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            Coverage::Evaluated => "evaluated",
            Coverage::NotEvaluated => "notEvaluated",
            Coverage::NotEnabled => "notEnabled",
            Coverage::NoControl => "noControl",
            Coverage::Organisational => "organisational",
        }
    }

    /// The words for people.
    pub fn describe(self) -> &'static str {
        match self {
            Coverage::Evaluated => "evaluated",
            Coverage::NotEvaluated => "enabled controls applied to no scanned object",
            Coverage::NotEnabled => "controls exist but are not enabled",
            Coverage::NoControl => "no control of the scanned modules maps to it",
            Coverage::Organisational => "not evidenced by admission control (organisational)",
        }
    }
}

/// How many of a criterion's controls exist, are enabled, ran, passed and
/// failed: a verdict is only as strong as the controls behind it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ControlTally {
    /// Controls of the scanned modules that map to the criterion.
    pub mapped: usize,
    /// Of those, enabled by the settings.
    pub enabled: usize,
    /// Enabled controls that evaluated at least one object.
    pub ran: usize,
    /// Controls that ran with at least one pass and no failure, warning or
    /// error (one that was only exempted neither passed nor failed).
    pub passed: usize,
    /// Controls with at least one failed check.
    pub failed: usize,
}

/// Totals of one SOC 2 criterion or ISO 27001 Annex A control.
#[derive(Clone, Debug)]
pub struct CriterionSummary<'a> {
    pub id: &'a str,
    pub title: Option<&'static str>,
    /// From the registry; `None` for an id a control uses that the registry
    /// lacks (a test keeps that from happening).
    pub evidence: Option<Evidence>,
    pub coverage: Coverage,
    /// Enabled controls giving evidence for it.
    pub controls: Vec<&'a str>,
    /// Controls that map to it but the settings left out.
    pub disabled: Vec<&'a str>,
    pub tally: ControlTally,
    pub counts: Counts,
}

impl CriterionSummary<'_> {
    /// The verdict: the worst status of its checks; `None` (not evaluated)
    /// when no check ran, whatever the reason — never a pass.
    pub fn status(&self) -> Option<Status> {
        self.counts.worst()
    }

    /// `2 of 3 controls ran: 1 passed, 1 failed` (empty when none is mapped).
    pub fn tally_text(&self) -> String {
        let t = &self.tally;
        if t.mapped == 0 {
            return String::new();
        }
        let mut s = format!(
            "{} of {} control{} ran",
            t.ran,
            t.mapped,
            if t.mapped == 1 { "" } else { "s" }
        );
        if t.ran > 0 {
            s.push_str(&format!(": {} passed, {} failed", t.passed, t.failed));
        }
        if t.enabled < t.mapped {
            s.push_str(&format!("; {} not enabled", t.mapped - t.enabled));
        }
        s
    }
}

/// A module that could not evaluate an object.
#[derive(Clone, Debug)]
pub struct EvalError<'a> {
    pub object: &'a ObjectRef,
    pub module: &'a str,
    pub message: &'a str,
}

/// Everything the renderers show.
#[derive(Clone, Debug, Default)]
pub struct Results<'a> {
    /// In input order; objects no control applies to have no checks.
    pub objects: Vec<ObjectResult<'a>>,
    /// Every check that did not pass (fail, warn, skip, error), in report
    /// order; [`Results::checks`] lists them all.
    pub notable: Vec<Check<'a>>,
    /// Per module in scan order, controls in catalogue order; controls only
    /// named by a module's answer come last.
    pub controls: Vec<ControlSummary<'a>>,
    pub soc2: Vec<CriterionSummary<'a>>,
    pub iso27001: Vec<CriterionSummary<'a>>,
    pub totals: Counts,
    pub errors: Vec<EvalError<'a>>,
    /// Set when the scan has a `--baseline`.
    pub baseline: Option<crate::baseline::BaselineSummary>,
}

impl<'a> Results<'a> {
    /// Every check of one object, in report order (read again from the
    /// module's answers: passes are not kept).
    pub fn object_checks(&self, o: &ObjectResult<'a>) -> Vec<Check<'a>> {
        let mut checks = Vec::new();
        for (e, module) in &o.evaluations {
            check_evaluation(o.object, e, *module, &mut checks);
        }
        // The baseline marked the notable ones: same checks, same order.
        let mut notable = self.notable[o.notable.clone()].iter();
        for c in checks.iter_mut().filter(|c| c.status != Status::Pass) {
            if let Some(n) = notable.next() {
                c.known = n.known;
            }
        }
        checks
    }

    /// Every check, object by object, in report order.
    pub fn checks(&self) -> impl Iterator<Item = Check<'a>> + '_ {
        self.objects.iter().flat_map(|o| self.object_checks(o))
    }

    /// The checks of one object that did not pass, in report order.
    pub fn object_notable(&self, o: &ObjectResult<'a>) -> &[Check<'a>] {
        &self.notable[o.notable.clone()]
    }

    /// Objects with at least one failed or warned check that is not a known
    /// failure of the baseline: the "failures by resource" section every
    /// readable format has.
    pub fn flagged_objects(&self) -> Vec<&ObjectResult<'a>> {
        self.objects
            .iter()
            .filter(|o| {
                o.counts.fail + o.counts.warn > 0 && self.flagged_checks(o).next().is_some()
            })
            .collect()
    }

    /// The failed and warned checks of one object, in report order, without
    /// known failures of the baseline.
    pub fn flagged_checks(&self, o: &ObjectResult<'a>) -> impl Iterator<Item = &Check<'a>> {
        self.object_notable(o)
            .iter()
            .filter(|c| matches!(c.status, Status::Fail | Status::Warn) && !c.known)
    }

    /// Failed checks counted against `--fail-on` (and not known from the
    /// baseline), per control id: a control or criterion whose failures all
    /// fall below the threshold says so instead of contradicting the verdict.
    pub fn counted_by_control(&self, fail_on: crate::FailOn) -> HashMap<&'a str, usize> {
        let mut out: HashMap<&'a str, usize> = HashMap::new();
        for c in &self.notable {
            if crate::exit::counts_against(c, fail_on) {
                *out.entry(c.control_id).or_default() += 1;
            }
        }
        out
    }

    /// Objects whose manifest names no namespace and for which none was
    /// assumed (`--namespace` not given), and those with an assumed one.
    pub fn namespace_notes(&self) -> (usize, usize) {
        let unknown = self
            .objects
            .iter()
            .filter(|o| o.object.namespace_unknown())
            .count();
        let assumed = self
            .objects
            .iter()
            .filter(|o| o.object.namespace_assumed)
            .count();
        (unknown, assumed)
    }

    /// Checks with this status (not pass: passes are only counted), in
    /// report order.
    pub fn with_status(&self, s: Status) -> impl Iterator<Item = &Check<'a>> {
        debug_assert!(s != Status::Pass, "passes are not kept");
        self.notable.iter().filter(move |c| c.status == s)
    }
}

type ObjectKey<'a> = (usize, &'a str, usize, Option<usize>);

fn key(o: &ObjectRef) -> ObjectKey<'_> {
    (
        o.seq,
        o.origin.file.as_str(),
        o.origin.document,
        o.origin.item,
    )
}

fn find<'a>(list: &'a [ControlFinding], id: &str) -> Option<&'a ControlFinding> {
    list.iter().find(|c| c.control == id)
}

/// Derives every verdict of `scan`.
pub fn analyse(scan: &Scan) -> Results<'_> {
    let mut objects: BTreeMap<ObjectKey, &ObjectRef> = BTreeMap::new();
    for o in &scan.objects {
        objects.entry(key(o)).or_insert(o);
    }
    let mut by_object: HashMap<ObjectKey, Vec<&Evaluation>> = HashMap::new();
    for e in &scan.evaluations {
        objects.entry(key(&e.object)).or_insert(&e.object);
        by_object.entry(key(&e.object)).or_default().push(e);
    }
    let module_rank = |name: &str| {
        scan.modules
            .iter()
            .position(|m| m.name() == name)
            .unwrap_or(usize::MAX)
    };
    let mut results = Results::default();
    let mut summaries = ControlIndex::new(scan, &mut results.controls);
    let mut checks = Vec::new();
    for (k, object) in objects {
        let mut evals = by_object.remove(&k).unwrap_or_default();
        evals.sort_by(|a, b| {
            module_rank(&a.module)
                .cmp(&module_rank(&b.module))
                .then_with(|| a.module.cmp(&b.module))
        });
        let evaluations: Vec<(&Evaluation, Option<&Module>)> = evals
            .into_iter()
            .map(|e| (e, scan.module(&e.module)))
            .collect();
        checks.clear();
        for (e, module) in &evaluations {
            check_evaluation(object, e, *module, &mut checks);
        }
        let start = results.notable.len();
        let mut counts = Counts::default();
        for c in &checks {
            counts.add(c.status);
            summaries.add(c, &mut results.controls);
            if c.status != Status::Pass {
                results.notable.push(*c);
            }
        }
        for (e, _) in &evaluations {
            if let Some(err) = &e.error {
                results.errors.push(EvalError {
                    object,
                    module: &e.module,
                    message: err,
                });
            }
        }
        results.totals.merge(&counts);
        results.objects.push(ObjectResult {
            object,
            evaluations,
            notable: start..results.notable.len(),
            counts,
        });
    }
    if let Some(b) = &scan.baseline {
        results.baseline = Some(b.apply(&mut results.notable));
    }
    results.soc2 = summarise_criteria(&results.controls, Framework::Soc2, |c| &c.criteria.soc2);
    results.iso27001 = summarise_criteria(&results.controls, Framework::Iso27001, |c| {
        &c.criteria.iso27001
    });
    results
}

/// The controls that would have run on an object of `kind`: only used when a
/// module could not evaluate the object at all (a trap, a refusal), to report
/// each of them as `error`. Otherwise the module's own answer says what ran.
fn applicable_controls<'a>(
    module: Option<&'a Module>,
    api_version: &str,
    kind: &str,
) -> Vec<&'a ControlInfo> {
    let group = kit::kinds::group_of(api_version);
    module
        .map(|m| {
            m.catalogue
                .controls
                .iter()
                .filter(|c| m.selection.enabled(c) && c.applies_to(group, kind))
                .collect()
        })
        .unwrap_or_default()
}

/// The checks of one module's answer about one object, in the answer's
/// order; an evaluation that failed makes every applicable control `error`.
fn check_evaluation<'a>(
    object: &'a ObjectRef,
    e: &'a Evaluation,
    module: Option<&'a Module>,
    out: &mut Vec<Check<'a>>,
) {
    let base = |id: &'a str, control: Option<&'a ControlInfo>, status: Status| Check {
        object,
        module: &e.module,
        control_id: id,
        control,
        status,
        finding: None,
        exemption: None,
        error: None,
        known: false,
    };
    if let Some(err) = &e.error {
        for c in applicable_controls(module, &object.api_version, &object.kind) {
            out.push(Check {
                error: Some(err),
                ..base(&c.id, Some(c), Status::Error)
            });
        }
        return;
    }
    // The module said which controls ran and how they ended (`explain`).
    let lookup = |id: &str| module.and_then(|m| m.catalogue.control(id));
    for ran in e.ran.iter() {
        let id = &*ran.control;
        let check = match ran.outcome {
            ControlOutcome::Pass => base(id, lookup(id), Status::Pass),
            ControlOutcome::Fail => Check {
                finding: find(&e.violations, id),
                ..base(id, lookup(id), Status::Fail)
            },
            ControlOutcome::Warn => Check {
                finding: find(&e.warnings, id),
                ..base(id, lookup(id), Status::Warn)
            },
            ControlOutcome::Exempted => Check {
                exemption: e.exempted.iter().find(|x| x.control == id),
                ..base(id, lookup(id), Status::Skip)
            },
            ControlOutcome::Error => Check {
                error: Some(ran.error.as_deref().unwrap_or("could not verify")),
                ..base(id, lookup(id), Status::Error)
            },
        };
        out.push(check);
    }
}

/// Where each control's totals are in `Results::controls`: every control of
/// every catalogue (module order, catalogue order), then controls only a
/// module's answer names, as they come.
struct ControlIndex<'a> {
    index: HashMap<(&'a str, &'a str), usize>,
}

impl<'a> ControlIndex<'a> {
    fn new(scan: &'a Scan, controls: &mut Vec<ControlSummary<'a>>) -> ControlIndex<'a> {
        let mut index = HashMap::new();
        for m in &scan.modules {
            for c in &m.catalogue.controls {
                index.insert((m.name(), c.id.as_str()), controls.len());
                controls.push(ControlSummary {
                    module: m.name(),
                    id: &c.id,
                    control: Some(c),
                    enabled: m.selection.enabled(c),
                    counts: Counts::default(),
                });
            }
        }
        ControlIndex { index }
    }

    fn add(&mut self, check: &Check<'a>, controls: &mut Vec<ControlSummary<'a>>) {
        let i = *self
            .index
            .entry((check.module, check.control_id))
            .or_insert_with(|| {
                controls.push(ControlSummary {
                    module: check.module,
                    id: check.control_id,
                    control: check.control,
                    enabled: true,
                    counts: Counts::default(),
                });
                controls.len() - 1
            });
        controls[i].counts.add(check.status);
    }
}

/// One entry per criterion of the registry (in registry order), then any id
/// a control uses that the registry lacks (natural order).
fn summarise_criteria<'a>(
    controls: &[ControlSummary<'a>],
    framework: Framework,
    ids: impl Fn(&'a ControlInfo) -> &'a Vec<String>,
) -> Vec<CriterionSummary<'a>> {
    let entry = |id: &'a str| {
        let known = crate::criteria::lookup(framework, id);
        CriterionSummary {
            id,
            title: known.map(|c| c.title),
            evidence: known.map(|c| c.evidence),
            coverage: Coverage::NoControl,
            controls: Vec::new(),
            disabled: Vec::new(),
            tally: ControlTally::default(),
            counts: Counts::default(),
        }
    };
    let mut out: Vec<CriterionSummary<'a>> = crate::criteria::of(framework)
        .map(|c| entry(c.id))
        .collect();
    let mut index: HashMap<&'a str, usize> =
        out.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    let mut unknown: Vec<&'a str> = Vec::new();
    for s in controls {
        let Some(c) = s.control else { continue };
        for id in ids(c) {
            let i = *index.entry(id.as_str()).or_insert_with(|| {
                unknown.push(id.as_str());
                out.push(entry(id.as_str()));
                out.len() - 1
            });
            let e = &mut out[i];
            if e.controls.contains(&s.id) || e.disabled.contains(&s.id) {
                continue;
            }
            e.tally.mapped += 1;
            if s.enabled {
                e.controls.push(s.id);
                e.tally.enabled += 1;
                e.counts.merge(&s.counts);
                if s.counts.evaluated > 0 {
                    e.tally.ran += 1;
                    if s.counts.fail > 0 {
                        e.tally.failed += 1;
                    } else if s.counts.warn + s.counts.error == 0 && s.counts.pass > 0 {
                        e.tally.passed += 1;
                    }
                }
            } else {
                e.disabled.push(s.id);
            }
        }
    }
    for e in &mut out {
        e.coverage = if e.counts.evaluated > 0 {
            Coverage::Evaluated
        } else if e.tally.enabled > 0 {
            Coverage::NotEvaluated
        } else if e.tally.mapped > 0 {
            Coverage::NotEnabled
        } else if e.evidence == Some(Evidence::Organisational) {
            Coverage::Organisational
        } else {
            Coverage::NoControl
        };
    }
    // Unknown ids last, in natural order.
    let known = out.len() - unknown.len();
    out[known..].sort_by(|a, b| natural_cmp(a.id, b.id));
    out
}
