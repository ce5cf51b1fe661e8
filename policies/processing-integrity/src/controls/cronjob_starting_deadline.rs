//! Missed CronJob runs are bounded in time (PI1.3).

use crate::job::int_at;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "cronjob-starting-deadline",
    title: kit::cold!("CronJobs set startingDeadlineSeconds"),
    rationale: kit::cold!(
        "Without startingDeadlineSeconds a CronJob whose controller was down, or whose runs were skipped, starts a missed run whenever it can, however late, and stops scheduling altogether after 100 missed starts: processing happens at unexpected times or not at all. A deadline says how late a run may still start. Below 10 seconds runs may never start, since the controller checks every 10 seconds."
    ),
    remediation: kit::cold!(
        "set spec.startingDeadlineSeconds to how late a run may still start (e.g. 300), at least the configured minimum"
    ),
    severity: Severity::Low,
    tags: &["cronjobs"],
    criteria: super::PROCESSING,
    kinds: KindSet::Only(&["batch/CronJob"]),
    params: &[Param {
        name: "minSeconds",
        kind: ParamKind::Integer {
            min: 0,
            max: 86_400,
        },
        default: "10",
        description: kit::cold!("smallest startingDeadlineSeconds accepted"),
    }],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    const PATH: &str = "spec.startingDeadlineSeconds";
    let min = ctx.params.int("minSeconds");
    match int_at(ctx.object(), &["spec", "startingDeadlineSeconds"], PATH) {
        Err(f) => vec![f],
        Ok(None) => vec![Finding::new(
            PATH,
            "startingDeadlineSeconds is not set: missed runs start however late",
        )],
        Ok(Some(n)) if n < min => vec![Finding::new(
            PATH,
            kit::text!("startingDeadlineSeconds is {n}, below the minimum of {min}"),
        )],
        Ok(Some(_)) => Vec::new(),
    }
}
