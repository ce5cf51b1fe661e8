//! Standalone Jobs are cleaned up after they finish (PI1.5): finished Jobs and
//! their pods otherwise accumulate, with their logs and output, indefinitely.

use crate::job::{JobSpec, optional_int, owned_by_cronjob};
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "job-ttl-after-finished",
    title: kit::cold!("Standalone Jobs set ttlSecondsAfterFinished"),
    rationale: kit::cold!(
        "A finished Job and its pods stay in the cluster until someone deletes them: their logs, environment and output are kept with no retention period, and stale Jobs make it hard to tell which run produced which output. ttlSecondsAfterFinished gives every standalone Job a retention period. Jobs a CronJob creates (owner reference of kind CronJob) and CronJob templates are left alone: the CronJob's history limits keep the evidence of its recent runs (see cronjob-history-limits)."
    ),
    remediation: kit::cold!(
        "set spec.ttlSecondsAfterFinished on the Job (e.g. 86400 to keep it one day after it finishes)"
    ),
    severity: Severity::Low,
    tags: &["jobs"],
    criteria: super::STORAGE,
    kinds: KindSet::Only(&["batch/Job"]),
    params: &[Param {
        name: "maxSeconds",
        kind: ParamKind::Integer {
            min: 0,
            max: 31_536_000,
        },
        default: "0",
        description: kit::cold!("largest ttlSecondsAfterFinished accepted (0: no upper bound)"),
    }],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    if owned_by_cronjob(ctx.object()) {
        return Vec::new();
    }
    let js = JobSpec::of(ctx);
    let path = js.field("ttlSecondsAfterFinished");
    let max = ctx.params.int("maxSeconds");
    match optional_int(&js, "ttlSecondsAfterFinished") {
        Err(f) => vec![f],
        Ok(None) => vec![Finding::new(
            path,
            "ttlSecondsAfterFinished is not set: the finished Job and its pods are kept forever",
        )],
        Ok(Some(n)) if n < 0 => vec![Finding::new(
            path,
            kit::text!("ttlSecondsAfterFinished is negative: {n}"),
        )],
        Ok(Some(n)) if max > 0 && n > max => vec![Finding::new(
            path,
            kit::text!("ttlSecondsAfterFinished is {n}, above the maximum of {max}"),
        )],
        Ok(Some(_)) => Vec::new(),
    }
}
