//! Objects holding personal data carry a valid retention period (ISO 8601
//! duration, within the configured bounds per class) and a data owner.

use crate::data::{self, Marks};
use crate::duration::Iso;
use kit::control::Params;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "retention-metadata",
    title: kit::cold!("Personal data declares its retention period and data owner"),
    rationale: kit::cold!(
        "Personal information is kept only as long as its purpose requires and then disposed of (SOC 2 P4.2, P4.3; ISO/IEC 27001 A.5.33, A.5.34, A.8.10). Lifecycle tooling and auditors can only act on a period that is written down in a form a machine reads: an ISO 8601 duration (P7Y, P18M, P90D) on the namespace, claim or workload holding the data, with an accountable owner. The control applies to objects marked as holding personal data (and to configured classifications); a retention annotation present on any object must parse, so a typo never reads as \"keep forever\" or \"delete now\". Bounds are compared with years of 365.2425 days and months of a twelfth of that."
    ),
    remediation: kit::cold!(
        "annotate the object with the retention period as an ISO 8601 duration (e.g. privacy.kube-soc2.io/retention: P7Y) within the configured bounds, and with the data owner (privacy.kube-soc2.io/data-owner: team or person)"
    ),
    severity: Severity::Medium,
    tags: &["default", "retention", "data-lifecycle"],
    criteria: super::RETENTION,
    kinds: KindSet::Only(&[
        "/Namespace",
        "/PersistentVolumeClaim",
        "apps/Deployment",
        "apps/StatefulSet",
        "apps/DaemonSet",
        "batch/Job",
        "batch/CronJob",
    ]),
    params: &[
        Param {
            name: "includeWorkloads",
            kind: ParamKind::Bool,
            default: "false",
            description: kit::cold!(
                "also check Deployments, StatefulSets, DaemonSets, Jobs and CronJobs (namespaces and claims always)"
            ),
        },
        Param {
            name: "classes",
            kind: ParamKind::StringList,
            default: "[]",
            description: kit::cold!(
                "classification values (classificationLabel) that require retention metadata like the personal-data mark"
            ),
        },
        Param {
            name: "requireOwner",
            kind: ParamKind::Bool,
            default: "true",
            description: kit::cold!(
                "require the data-owner annotation (dataOwnerAnnotation) on objects that require retention metadata"
            ),
        },
        Param {
            name: "minimum",
            kind: ParamKind::String,
            default: "\"\"",
            description: kit::cold!(
                "shortest retention allowed (ISO 8601 duration; empty: no lower bound)"
            ),
        },
        Param {
            name: "maximum",
            kind: ParamKind::String,
            default: "\"\"",
            description: kit::cold!(
                "longest retention allowed (ISO 8601 duration; empty: no upper bound)"
            ),
        },
        Param {
            name: "minimumByClass",
            kind: ParamKind::StringMap,
            default: "{}",
            description: kit::cold!(
                "shortest retention per classification value, overriding minimum"
            ),
        },
        Param {
            name: "maximumByClass",
            kind: ParamKind::StringMap,
            default: "{}",
            description: kit::cold!(
                "longest retention per classification value, overriding maximum"
            ),
        },
    ],
    validate_params: Some(validate),
    check,
    ..Control::DEFAULTS
};

fn bound(text: &str, name: &str) -> Result<Option<Iso>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    Iso::parse(text).map(Some).map_err(|e| {
        kit::text!(
            "{name}: \"{}\" is not an ISO 8601 duration: it {e}",
            crate::meta::bounded(text)
        )
    })
}

fn validate(p: &Params) -> Result<(), String> {
    let min = bound(&p.string("minimum"), "minimum")?;
    let max = bound(&p.string("maximum"), "maximum")?;
    let mins = p.string_map("minimumByClass");
    let maxs = p.string_map("maximumByClass");
    for (class, v) in &mins {
        bound(v, &kit::text!("minimumByClass.{class}"))?;
    }
    for (class, v) in &maxs {
        bound(v, &kit::text!("maximumByClass.{class}"))?;
    }
    let mut classes: Vec<Option<&str>> = vec![None];
    classes.extend(mins.iter().chain(&maxs).map(|(c, _)| Some(c.as_str())));
    for class in classes {
        let (lo, hi) = bounds_for(p, class);
        if let (Some(lo), Some(hi)) = (lo.or(min), hi.or(max))
            && lo > hi
        {
            return Err(kit::text!(
                "the minimum retention exceeds the maximum{}",
                class.map_or(String::new(), |c| kit::text!(" for class {c}"))
            ));
        }
    }
    Ok(())
}

/// `(minimum, maximum)` for `class`: the per-class bound, else the general one.
fn bounds_for(p: &Params, class: Option<&str>) -> (Option<Iso>, Option<Iso>) {
    let pick = |by_class: &str, general: &str| {
        let specific = class.and_then(|c| {
            p.string_map(by_class)
                .into_iter()
                .find(|(k, _)| k == c)
                .map(|(_, v)| v)
        });
        let text = specific.unwrap_or_else(|| p.string(general));
        Iso::parse(&text).ok()
    };
    (
        pick("minimumByClass", "minimum"),
        pick("maximumByClass", "maximum"),
    )
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let obj = ctx.object();
    let kind = ctx.request.kind.as_str();
    let mut out = Vec::new();
    // A StatefulSet's claim templates become claims this control checks when
    // the controller creates them: refuse the StatefulSet rather than let its
    // claims fail later.
    if kind == "StatefulSet" {
        for c in crate::claims::of(ctx) {
            out.extend(check_object(ctx, c.claim, &c.prefix));
        }
    }
    if matches!(kind, "Namespace" | "PersistentVolumeClaim") || ctx.params.bool("includeWorkloads")
    {
        out.extend(check_object(ctx, obj, ""));
    }
    out
}

/// The retention metadata of `obj` (an object or a claim template at `prefix`).
fn check_object(ctx: &Ctx, obj: &kit::Value, prefix: &str) -> Vec<Finding> {
    let marks = Marks::of(ctx, obj);
    let classes = ctx.params.strings("classes");
    let required = marks.personal
        || marks
            .class
            .as_deref()
            .is_some_and(|c| classes.iter().any(|x| x == c));
    let key = data::key(ctx, data::RETENTION_ANNOTATION);
    let path = kit::text!("{prefix}{}", data::annotation_path(key));
    let mut out = Vec::new();
    match data::annotation(obj, key) {
        Err(v) => out.push(Finding::new(
            path,
            kit::text!(
                "the retention annotation is {}, not an ISO 8601 duration string",
                crate::meta::shown(v)
            ),
        )),
        Ok(None) if required => out.push(Finding::new(
            path,
            kit::text!(
                "the object holds {} but has no retention annotation {key}",
                marks.describe()
            ),
        )),
        Ok(None) => {}
        Ok(Some(text)) => match Iso::parse(text) {
            Err(e) => out.push(Finding::new(
                path,
                kit::text!(
                    "the retention \"{}\" is not an ISO 8601 duration (PnYnMnWnDTnHnMnS): it {e}",
                    crate::meta::bounded(text)
                ),
            )),
            Ok(d) => {
                let text = crate::meta::bounded(text);
                let (min, max) = bounds_for(&ctx.params, marks.class.as_deref());
                let class = marks
                    .class
                    .as_deref()
                    .map_or(String::new(), |c| kit::text!(" for class {c}"));
                if d.is_zero() {
                    out.push(Finding::new(
                        path,
                        kit::text!("the retention \"{text}\" is zero"),
                    ));
                } else if let Some(min) = min.filter(|m| d < *m) {
                    out.push(Finding::new(
                        path,
                        kit::text!("the retention \"{text}\" ({d}) is shorter than the minimum{class} ({min})"),
                    ));
                } else if let Some(max) = max.filter(|m| d > *m) {
                    out.push(Finding::new(
                        path,
                        kit::text!("the retention \"{text}\" ({d}) is longer than the maximum{class} ({max})"),
                    ));
                }
            }
        },
    }
    if required && ctx.params.bool("requireOwner") {
        let owner_key = data::key(ctx, data::OWNER_ANNOTATION);
        let blank =
            !matches!(data::annotation(obj, owner_key), Ok(Some(s)) if !s.trim().is_empty());
        if blank {
            out.push(Finding::new(
                kit::text!("{prefix}{}", data::annotation_path(owner_key)),
                kit::text!(
                    "the object holds {} but names no data owner ({owner_key})",
                    marks.describe()
                ),
            ));
        }
    }
    out
}
