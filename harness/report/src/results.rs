//! The verdicts every report shows, derived once from a [`Scan`]: one check per
//! object × enabled control that applies to the object's kind, with its
//! status, plus the totals per control and per SOC 2 / ISO 27001 criterion.
//!
//! A module's answer only names what failed; which controls *passed* follows
//! from the catalogue: the controls the settings enable whose kinds include
//! the object's kind (the kit engine's own rule, for a CREATE).

use crate::catalogue::{ControlInfo, Severity};
use crate::criteria::natural_cmp;
use crate::model::{ControlFinding, Evaluation, Exemption, Finding, Module, ObjectRef, Scan};
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
#[derive(Clone, Debug)]
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

/// An object and its checks (`Results::checks[checks]`).
#[derive(Clone, Debug)]
pub struct ObjectResult<'a> {
    pub object: &'a ObjectRef,
    pub checks: Range<usize>,
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

/// Totals of one SOC 2 criterion or ISO 27001 Annex A control.
#[derive(Clone, Debug)]
pub struct CriterionSummary<'a> {
    pub id: &'a str,
    pub title: Option<&'static str>,
    /// Enabled controls giving evidence for it.
    pub controls: Vec<&'a str>,
    /// Controls that map to it but the settings left out.
    pub disabled: Vec<&'a str>,
    pub counts: Counts,
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
    pub checks: Vec<Check<'a>>,
    /// Per module in scan order, controls in catalogue order; controls only
    /// named by a module's answer come last.
    pub controls: Vec<ControlSummary<'a>>,
    pub soc2: Vec<CriterionSummary<'a>>,
    pub iso27001: Vec<CriterionSummary<'a>>,
    pub totals: Counts,
    pub errors: Vec<EvalError<'a>>,
}

impl<'a> Results<'a> {
    pub fn object_checks(&self, o: &ObjectResult<'a>) -> &[Check<'a>] {
        &self.checks[o.checks.clone()]
    }

    /// Objects with at least one failed or warned check: the "failures by
    /// resource" section every readable format has.
    pub fn flagged_objects(&self) -> Vec<&ObjectResult<'a>> {
        self.objects
            .iter()
            .filter(|o| o.counts.fail + o.counts.warn > 0)
            .collect()
    }

    /// The failed and warned checks of one object, in report order.
    pub fn flagged_checks(&self, o: &ObjectResult<'a>) -> impl Iterator<Item = &Check<'a>> {
        self.object_checks(o)
            .iter()
            .filter(|c| matches!(c.status, Status::Fail | Status::Warn))
    }

    /// Checks with this status, in report order.
    pub fn with_status(&self, s: Status) -> impl Iterator<Item = &Check<'a>> {
        self.checks.iter().filter(move |c| c.status == s)
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
    // Applicable controls per module and kind, computed once.
    let mut applicable: HashMap<(&str, &str, &str), Vec<&ControlInfo>> = HashMap::new();

    let mut results = Results::default();
    for (k, object) in objects {
        let start = results.checks.len();
        let mut evals = by_object.remove(&k).unwrap_or_default();
        evals.sort_by(|a, b| {
            module_rank(&a.module)
                .cmp(&module_rank(&b.module))
                .then_with(|| a.module.cmp(&b.module))
        });
        for e in evals {
            let module = scan.module(&e.module);
            let controls = applicable
                .entry((
                    e.module.as_str(),
                    object.api_version.as_str(),
                    object.kind.as_str(),
                ))
                .or_insert_with(|| applicable_controls(module, &object.api_version, &object.kind));
            check_evaluation(object, e, module, controls, &mut results);
        }
        let end = results.checks.len();
        let mut counts = Counts::default();
        for c in &results.checks[start..end] {
            counts.add(c.status);
        }
        results.totals.merge(&counts);
        results.objects.push(ObjectResult {
            object,
            checks: start..end,
            counts,
        });
    }
    summarise_controls(scan, &mut results);
    results.soc2 = summarise_criteria(
        &results.controls,
        |c| &c.criteria.soc2,
        crate::criteria::soc2_title,
    );
    results.iso27001 = summarise_criteria(
        &results.controls,
        |c| &c.criteria.iso27001,
        crate::criteria::iso27001_title,
    );
    results
}

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

fn check_evaluation<'a>(
    object: &'a ObjectRef,
    e: &'a Evaluation,
    module: Option<&'a Module>,
    controls: &[&'a ControlInfo],
    results: &mut Results<'a>,
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
    };
    if let Some(err) = &e.error {
        results.errors.push(EvalError {
            object,
            module: &e.module,
            message: err,
        });
        for c in controls {
            results.checks.push(Check {
                error: Some(err),
                ..base(&c.id, Some(c), Status::Error)
            });
        }
        return;
    }
    for c in controls {
        let exemption = e.exempted.iter().find(|x| x.control == c.id);
        let check = if let Some(f) = find(&e.violations, &c.id) {
            Check {
                finding: Some(f),
                ..base(&c.id, Some(c), Status::Fail)
            }
        } else if let Some(f) = find(&e.warnings, &c.id) {
            Check {
                finding: Some(f),
                ..base(&c.id, Some(c), Status::Warn)
            }
        } else if exemption.is_some() {
            Check {
                exemption,
                ..base(&c.id, Some(c), Status::Skip)
            }
        } else {
            base(&c.id, Some(c), Status::Pass)
        };
        results.checks.push(check);
    }
    // What the module reported beyond the controls we expected to apply
    // (settings read differently, a catalogue out of date): still reported.
    let expected = |id: &str| controls.iter().any(|c| c.id == id);
    let lookup = |id: &str| module.and_then(|m| m.catalogue.control(id));
    for (list, status) in [(&e.violations, Status::Fail), (&e.warnings, Status::Warn)] {
        for f in list.iter().filter(|f| !expected(&f.control)) {
            if status == Status::Warn && find(&e.violations, &f.control).is_some() {
                continue;
            }
            results.checks.push(Check {
                finding: Some(f),
                ..base(&f.control, lookup(&f.control), status)
            });
        }
    }
    for x in e.exempted.iter().filter(|x| !expected(&x.control)) {
        if find(&e.violations, &x.control).is_some() || find(&e.warnings, &x.control).is_some() {
            continue;
        }
        results.checks.push(Check {
            exemption: Some(x),
            ..base(&x.control, lookup(&x.control), Status::Skip)
        });
    }
}

fn summarise_controls<'a>(scan: &'a Scan, results: &mut Results<'a>) {
    let mut index: HashMap<(&str, &str), usize> = HashMap::new();
    for m in &scan.modules {
        for c in &m.catalogue.controls {
            index.insert((m.name(), c.id.as_str()), results.controls.len());
            results.controls.push(ControlSummary {
                module: m.name(),
                id: &c.id,
                control: Some(c),
                enabled: m.selection.enabled(c),
                counts: Counts::default(),
            });
        }
    }
    for check in &results.checks {
        let i = *index
            .entry((check.module, check.control_id))
            .or_insert_with(|| {
                results.controls.push(ControlSummary {
                    module: check.module,
                    id: check.control_id,
                    control: check.control,
                    enabled: true,
                    counts: Counts::default(),
                });
                results.controls.len() - 1
            });
        results.controls[i].counts.add(check.status);
    }
}

fn summarise_criteria<'a>(
    controls: &[ControlSummary<'a>],
    ids: impl Fn(&'a ControlInfo) -> &'a Vec<String>,
    title: fn(&str) -> Option<&'static str>,
) -> Vec<CriterionSummary<'a>> {
    let mut map: BTreeMap<&'a str, CriterionSummary<'a>> = BTreeMap::new();
    for s in controls {
        let Some(c) = s.control else { continue };
        for id in ids(c) {
            let entry = map.entry(id.as_str()).or_insert_with(|| CriterionSummary {
                id,
                title: title(id),
                controls: Vec::new(),
                disabled: Vec::new(),
                counts: Counts::default(),
            });
            if s.enabled {
                if !entry.controls.contains(&s.id) {
                    entry.controls.push(s.id);
                }
                entry.counts.merge(&s.counts);
            } else if !entry.disabled.contains(&s.id) {
                entry.disabled.push(s.id);
            }
        }
    }
    let mut out: Vec<CriterionSummary> = map.into_values().collect();
    out.sort_by(|a, b| natural_cmp(a.id, b.id));
    out
}
