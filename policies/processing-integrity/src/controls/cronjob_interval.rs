//! CronJobs do not run more often than processing needs (PI1.3).

use crate::cron::{self, Schedule};
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "cronjob-min-interval",
    title: kit::cold!("CronJobs run at most as often as the configured interval"),
    rationale: kit::cold!(
        "A schedule such as `* * * * *` starts a Job every minute: a copy-paste default or a typo (`*` for `0` in the minute field) turns a nightly batch into 1,440 runs a day, each processing the same input, creating pods and Jobs faster than they are cleaned up. A minimum interval catches it at review time. The interval is read from the clock fields (and @every); skipped days only make runs rarer."
    ),
    remediation: kit::cold!(
        "schedule the CronJob at most once per configured interval (e.g. `*/15 * * * *` instead of `* * * * *`), or exempt the workloads that really must run that often"
    ),
    severity: Severity::Low,
    tags: &["cronjobs"],
    criteria: super::PROCESSING,
    kinds: KindSet::Only(&["batch/CronJob"]),
    params: &[Param {
        name: "minMinutes",
        kind: ParamKind::Integer { min: 1, max: 1440 },
        default: "5",
        description: kit::cold!("shortest interval between two runs, in minutes"),
    }],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let min = ctx.params.int("minMinutes");
    let Some(schedule) = json::get_str(ctx.object(), &["spec", "schedule"]) else {
        // Missing or not a string: cronjob-schedule-valid reports it.
        return Vec::new();
    };
    // A TZ= prefix is cronjob-schedule-valid's finding; the rest is still read.
    let spec = match schedule.split_once(' ') {
        Some((tz, rest)) if tz.starts_with("TZ=") || tz.starts_with("CRON_TZ=") => rest.trim(),
        _ => schedule,
    };
    let minutes = match cron::parse(spec) {
        Ok(Schedule::Every(seconds)) => seconds / 60.0,
        Ok(Schedule::Spec(s)) => match cron::shortest_interval_minutes(&s) {
            Some(m) => m as f64,
            None => return Vec::new(),
        },
        // Unparsable: cronjob-schedule-valid reports it.
        Err(_) => return Vec::new(),
    };
    if minutes >= min as f64 {
        return Vec::new();
    }
    vec![Finding::new(
        "spec.schedule",
        kit::text!(
            "schedule {} starts a run every {} minute(s), more often than every {min}",
            json::brief(&kit::Value::String(schedule.into()), 60),
            if minutes < 1.0 {
                kit::text!("{minutes:.2}")
            } else {
                kit::text!("{}", minutes.floor())
            }
        ),
    )]
}
