//! Jobs bound how much they process at once (PI1.3).

use crate::job::{JobSpec, optional_int};
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "job-parallelism-bounds",
    title: kit::cold!("Job parallelism and completions stay within bounds"),
    rationale: kit::cold!(
        "parallelism decides how many pods process input at the same time and completions how many successful runs the Job needs: an unbounded value (a typo of 1000 for 10) floods downstream systems, exhausts quotas and makes the order and completeness of processing hard to verify. Bounding both keeps batch processing within the capacity it was designed and tested for."
    ),
    remediation: kit::cold!(
        "set spec.parallelism and spec.completions (spec.jobTemplate.spec.* in a CronJob) to non-negative integers within the configured maxima"
    ),
    severity: Severity::Low,
    tags: &["jobs"],
    criteria: super::PROCESSING,
    kinds: KindSet::Only(crate::job::KINDS),
    params: &[
        Param {
            name: "maxParallelism",
            kind: ParamKind::Integer {
                min: 1,
                max: 100_000,
            },
            default: "10",
            description: kit::cold!("largest parallelism accepted"),
        },
        Param {
            name: "maxCompletions",
            kind: ParamKind::Integer {
                min: 1,
                max: 100_000,
            },
            default: "1000",
            description: kit::cold!("largest completions accepted"),
        },
    ],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let js = JobSpec::of(ctx);
    let mut out = Vec::new();
    for (key, param) in [
        ("parallelism", "maxParallelism"),
        ("completions", "maxCompletions"),
    ] {
        let max = ctx.params.int(param);
        match optional_int(&js, key) {
            Err(f) => out.push(f),
            Ok(Some(n)) if n < 0 => out.push(Finding::new(
                js.field(key),
                kit::text!("{key} is negative: {n}"),
            )),
            Ok(Some(n)) if n > max => out.push(Finding::new(
                js.field(key),
                kit::text!("{key} is {n}, above the maximum of {max}"),
            )),
            _ => {}
        }
    }
    out
}
