//! Jobs bound their retries (PI1.3): a Job that retries without bound reprocesses
//! the same input again and again, duplicating side effects.

use crate::job::{JobSpec, optional_int};
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "job-backoff-limit",
    title: kit::cold!("Jobs set a bounded backoffLimit"),
    rationale: kit::cold!(
        "Each retry of a failed Job pod processes its input again: a Job whose retries are left to the default (6) or set high repeats partial writes, duplicate messages or charges before anyone notices. An explicit, small backoffLimit (or backoffLimitPerIndex for Indexed Jobs) states how often processing may be repeated and makes a failing Job fail visibly."
    ),
    remediation: kit::cold!(
        "set spec.backoffLimit (spec.jobTemplate.spec.backoffLimit in a CronJob) to an integer between 0 and the configured maximum, or backoffLimitPerIndex for an Indexed Job"
    ),
    severity: Severity::Medium,
    tags: &["default", "jobs"],
    criteria: super::PROCESSING,
    kinds: KindSet::Only(crate::job::KINDS),
    params: &[Param {
        name: "max",
        kind: ParamKind::Integer { min: 0, max: 1000 },
        default: "6",
        description: kit::cold!("largest backoffLimit (and backoffLimitPerIndex) accepted"),
    }],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let js = JobSpec::of(ctx);
    let max = ctx.params.int("max");
    let bounded = |key: &str, n: i64| -> Option<Finding> {
        if n < 0 {
            Some(Finding::new(
                js.field(key),
                kit::text!("{key} is negative: {n}"),
            ))
        } else if n > max {
            Some(Finding::new(
                js.field(key),
                kit::text!("{key} is {n}, above the maximum of {max} retries"),
            ))
        } else {
            None
        }
    };
    match optional_int(&js, "backoffLimitPerIndex") {
        Err(f) => return vec![f],
        // Indexed Jobs with per-index limits: backoffLimit defaults to "unlimited"
        // and the per-index limit is the bound.
        Ok(Some(n)) => return bounded("backoffLimitPerIndex", n).into_iter().collect(),
        Ok(None) => {}
    }
    match optional_int(&js, "backoffLimit") {
        Err(f) => vec![f],
        Ok(None) => vec![Finding::new(
            js.field("backoffLimit"),
            kit::text!(
                "backoffLimit is not set: {} retry failed pods up to the default 6 times",
                js.noun()
            ),
        )],
        Ok(Some(n)) => bounded("backoffLimit", n).into_iter().collect(),
    }
}
