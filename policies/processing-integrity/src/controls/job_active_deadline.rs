//! Jobs have a deadline (PI1.3): processing that hangs is stopped and reported
//! as failed instead of running, and holding its input, forever.

use crate::job::{JobSpec, optional_int};
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "job-active-deadline",
    title: kit::cold!("Jobs set activeDeadlineSeconds"),
    rationale: kit::cold!(
        "A Job without activeDeadlineSeconds may run forever: a hung batch keeps its input locked, blocks the next run of a CronJob with concurrencyPolicy Forbid, and never reports failure, so late or missing output goes unnoticed. A deadline turns a stuck run into a failed Job (reason DeadlineExceeded) that monitoring sees."
    ),
    remediation: kit::cold!(
        "set spec.activeDeadlineSeconds (spec.jobTemplate.spec.activeDeadlineSeconds in a CronJob) to the longest time a run may take"
    ),
    severity: Severity::Medium,
    tags: &["jobs"],
    criteria: super::PROCESSING,
    kinds: KindSet::Only(crate::job::KINDS),
    params: &[Param {
        name: "maxSeconds",
        kind: ParamKind::Integer {
            min: 0,
            max: 31_536_000,
        },
        default: "0",
        description: kit::cold!("largest activeDeadlineSeconds accepted (0: no upper bound)"),
    }],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let js = JobSpec::of(ctx);
    let path = js.field("activeDeadlineSeconds");
    let max = ctx.params.int("maxSeconds");
    match optional_int(&js, "activeDeadlineSeconds") {
        Err(f) => vec![f],
        Ok(None) => vec![Finding::new(
            path,
            kit::text!(
                "activeDeadlineSeconds is not set: {} may run forever",
                js.noun()
            ),
        )],
        Ok(Some(n)) if n <= 0 => vec![Finding::new(
            path,
            kit::text!("activeDeadlineSeconds must be positive, got {n}"),
        )],
        Ok(Some(n)) if max > 0 && n > max => vec![Finding::new(
            path,
            kit::text!("activeDeadlineSeconds is {n}, above the maximum of {max}"),
        )],
        Ok(Some(_)) => Vec::new(),
    }
}
