//! CronJobs state the time zone of their schedule (PI1.1, PI1.3).

use kit::Value;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, glob, json};

pub static CONTROL: Control = Control {
    id: "cronjob-time-zone",
    title: kit::cold!("CronJobs set an explicit IANA timeZone"),
    rationale: kit::cold!(
        "Without spec.timeZone a schedule is read in the time zone of the kube-controller-manager, which differs between clusters and providers (usually UTC): a report meant for 02:30 Berlin time runs at 03:30 or 04:30 local time, and moving the workload to another cluster silently moves its processing. An explicit IANA zone makes the processing time part of the reviewed specification. The zone must be one the API server knows (the IANA database is embedded)."
    ),
    remediation: kit::cold!(
        "set spec.timeZone to an IANA zone name such as Europe/Berlin or Etc/UTC (one of the configured allowed zones, if any)"
    ),
    severity: Severity::Low,
    tags: &["cronjobs"],
    criteria: super::SPECIFICATION,
    kinds: KindSet::Only(&["batch/CronJob"]),
    params: &[Param {
        name: "allowed",
        kind: ParamKind::StringList,
        default: "[]",
        description: kit::cold!(
            "zone names (globs such as Europe/*) accepted; empty: any valid IANA zone"
        ),
    }],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    const PATH: &str = "spec.timeZone";
    let tz = match json::get(ctx.object(), &["spec", "timeZone"]) {
        None | Some(Value::Null) => {
            return vec![Finding::new(
                PATH,
                "timeZone is not set: the schedule follows the controller manager's local time zone",
            )];
        }
        Some(Value::String(s)) => s,
        Some(v) => {
            return vec![Finding::new(
                PATH,
                kit::text!("timeZone is not a string: {}", json::brief(v, 40)),
            )];
        }
    };
    if let Some(why) = crate::tz::refusal(tz) {
        return vec![Finding::new(PATH, why)];
    }
    let allowed = ctx.params.strings("allowed");
    if !allowed.is_empty() && !glob::any_matches(&allowed, tz) {
        return vec![Finding::new(
            PATH,
            kit::text!(
                "timeZone {tz} is not one of the allowed zones: {}",
                allowed.join(", ")
            ),
        )];
    }
    Vec::new()
}
