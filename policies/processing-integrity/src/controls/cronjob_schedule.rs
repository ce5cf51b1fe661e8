//! CronJob schedules Kubernetes accepts and that fire (PI1.3): a schedule the
//! controller cannot read, or that names a date that never comes, means the
//! processing it describes silently never happens.

use crate::cron::{self, Schedule};
use kit::Value;
use kit::{Control, Ctx, Finding, KindSet, Severity, json};

pub static CONTROL: Control = Control {
    id: "cronjob-schedule-valid",
    title: kit::cold!("CronJob schedules are valid and fire"),
    rationale: kit::cold!(
        "The CronJob controller reads spec.schedule with robfig/cron (5 fields or @yearly/@monthly/@weekly/@daily/@hourly/@every). A schedule it cannot parse is refused; a TZ= or CRON_TZ= prefix is refused since Kubernetes 1.27 (use spec.timeZone); and a schedule that parses but names a date that never comes (30 February, 31 April) is accepted yet never runs: the report, backup or reconciliation it stands for silently never happens. spec.timeZone, when set, must be a zone the API server knows."
    ),
    remediation: kit::cold!(
        "write spec.schedule as 5 fields (minute hour day-of-month month day-of-week) or a macro such as @daily, on days that exist in the chosen months; move any TZ=/CRON_TZ= prefix to spec.timeZone with an IANA zone name such as Europe/Berlin"
    ),
    severity: Severity::High,
    tags: &["default", "cronjobs"],
    criteria: super::SCHEDULE,
    kinds: KindSet::Only(&["batch/CronJob"]),
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let object = ctx.object();
    let mut out = Vec::new();
    match json::get(object, &["spec", "timeZone"]) {
        None | Some(Value::Null) => {}
        Some(Value::String(tz)) => {
            if let Some(why) = crate::tz::refusal(tz) {
                out.push(Finding::new("spec.timeZone", why));
            }
        }
        Some(v) => out.push(Finding::new(
            "spec.timeZone",
            kit::text!("timeZone is not a string: {}", json::brief(v, 40)),
        )),
    }
    let schedule = match json::get(object, &["spec", "schedule"]) {
        Some(Value::String(s)) => s.as_str(),
        None | Some(Value::Null) => {
            out.push(Finding::new("spec.schedule", "schedule is not set"));
            return out;
        }
        Some(v) => {
            out.push(Finding::new(
                "spec.schedule",
                kit::text!("schedule is not a string: {}", json::brief(v, 40)),
            ));
            return out;
        }
    };
    let shown = kit::json::brief(&Value::String(schedule.into()), 60);
    let mut spec = schedule;
    if schedule.contains("TZ") {
        out.push(Finding::new(
            "spec.schedule",
            kit::text!("schedule {shown} uses TZ or CRON_TZ, which the API server refuses since Kubernetes 1.27: use spec.timeZone"),
        ));
        if schedule.starts_with("TZ=") || schedule.starts_with("CRON_TZ=") {
            match schedule.split_once(' ') {
                Some((_, rest)) => spec = rest.trim(),
                None => return out,
            }
        }
    }
    match cron::parse(spec) {
        Err(e) => out.push(Finding::new(
            "spec.schedule",
            kit::text!(
                "schedule {shown} is not valid: {}",
                kit::response::truncate(&e, 120)
            ),
        )),
        Ok(Schedule::Every(_)) => {}
        Ok(Schedule::Spec(s)) => {
            if let Some(why) = cron::never_fires(&s) {
                out.push(Finding::new(
                    "spec.schedule",
                    kit::text!("schedule {shown} never fires: {why}"),
                ));
            }
        }
    }
    out
}
