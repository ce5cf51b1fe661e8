//! CronJobs keep evidence of failed runs (PI1.4).

use crate::job::int_at;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "cronjob-history-limits",
    title: kit::cold!("CronJobs keep failed Jobs as evidence"),
    rationale: kit::cold!(
        "failedJobsHistoryLimit 0 deletes every failed run at once, with its pods and logs: the evidence that processing failed, and why, is gone before anyone looks. A ttlSecondsAfterFinished in the job template deletes failed Jobs too, whatever the history limit. Keeping at least one failed Job (the default is 1) for a useful time lets operators and auditors see failed processing."
    ),
    remediation: kit::cold!(
        "set spec.failedJobsHistoryLimit to at least the configured minimum (e.g. 3) and spec.successfulJobsHistoryLimit likewise; remove spec.jobTemplate.spec.ttlSecondsAfterFinished or raise it to the configured minimum"
    ),
    severity: Severity::Low,
    tags: &["cronjobs"],
    criteria: super::OUTPUTS,
    kinds: KindSet::Only(&["batch/CronJob"]),
    params: &[
        Param {
            name: "minFailed",
            kind: ParamKind::Integer { min: 0, max: 100 },
            default: "1",
            description: kit::cold!("smallest failedJobsHistoryLimit accepted (absent means 1)"),
        },
        Param {
            name: "minSuccessful",
            kind: ParamKind::Integer { min: 0, max: 100 },
            default: "0",
            description: kit::cold!(
                "smallest successfulJobsHistoryLimit accepted (absent means 3)"
            ),
        },
        Param {
            name: "minTtlSeconds",
            kind: ParamKind::Integer {
                min: 0,
                max: 31_536_000,
            },
            default: "86400",
            description: kit::cold!(
                "smallest ttlSecondsAfterFinished accepted in the job template (0: any)"
            ),
        },
    ],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let object = ctx.object();
    let mut out = Vec::new();
    for (key, param, default) in [
        ("failedJobsHistoryLimit", "minFailed", 1),
        ("successfulJobsHistoryLimit", "minSuccessful", 3),
    ] {
        let path = kit::text!("spec.{key}");
        let min = ctx.params.int(param);
        match int_at(object, &["spec", key], &path) {
            Err(f) => out.push(f),
            Ok(v) => {
                let n = v.unwrap_or(default);
                if n < min {
                    let shown = v.map_or(kit::text!("not set ({default})"), |n| n.to_string());
                    out.push(Finding::new(
                        path,
                        kit::text!("{key} is {shown}, below the minimum of {min}"),
                    ));
                }
            }
        }
    }
    let min_ttl = ctx.params.int("minTtlSeconds");
    let ttl_path = "spec.jobTemplate.spec.ttlSecondsAfterFinished";
    match int_at(
        object,
        &["spec", "jobTemplate", "spec", "ttlSecondsAfterFinished"],
        ttl_path,
    ) {
        Err(f) => out.push(f),
        Ok(Some(n)) if n < min_ttl => out.push(Finding::new(
            ttl_path,
            kit::text!(
                "ttlSecondsAfterFinished is {n}: failed Jobs are deleted before the minimum of {min_ttl} seconds, whatever the history limits"
            ),
        )),
        Ok(_) => {}
    }
    out
}
