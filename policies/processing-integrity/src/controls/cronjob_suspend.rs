//! Suspending scheduled processing is a controlled change (PI1.3, CC8.1).

use kit::{
    Control, Ctx, Finding, Flag, KindSet, Operation, Param, ParamKind, Severity, glob, json,
};

pub static CONTROL: Control = Control {
    id: "cronjob-suspend-change",
    title: kit::cold!("Only allowed identities suspend CronJobs"),
    rationale: kit::cold!(
        "Setting spec.suspend: true stops a CronJob's processing (reports, backups, reconciliations, data retention jobs) without deleting anything, so nothing looks wrong until the missing output is noticed. Suspending a CronJob is admitted only for the configured users and groups and recorded as audit evidence when it is; resuming is always allowed. A suspend value other than a boolean is refused, since some readers take it as true."
    ),
    remediation: kit::cold!(
        "suspend CronJobs through the reviewed pipeline or as one of the configured identities, and record why; resume with spec.suspend: false"
    ),
    severity: Severity::Medium,
    tags: &["cronjobs", "change-provenance"],
    criteria: super::SCHEDULE_CHANGE,
    kinds: KindSet::Only(&["batch/CronJob"]),
    operations: &[Operation::Update],
    params: &[
        Param {
            name: "allowedUsers",
            kind: ParamKind::StringList,
            default: "[]",
            description: kit::cold!(
                "user names (globs) that may suspend CronJobs, e.g. the GitOps controller"
            ),
        },
        Param {
            name: "allowedGroups",
            kind: ParamKind::StringList,
            default: "[]",
            description: kit::cold!(
                "groups (globs) that may suspend CronJobs, e.g. an on-call group"
            ),
        },
    ],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    const PATH: &str = "spec.suspend";
    let new = Flag::of(json::get(&ctx.request.object, &["spec", "suspend"]));
    let old = Flag::of(json::get(&ctx.request.old_object, &["spec", "suspend"]));
    if !new.may_be_true() || old.is_true() && new.is_true() {
        return Vec::new();
    }
    let user = ctx.request.username.as_str();
    let allowed = glob::any_matches(&ctx.params.strings("allowedUsers"), user)
        || ctx
            .request
            .groups
            .iter()
            .any(|g| glob::any_matches(&ctx.params.strings("allowedGroups"), g));
    if new == Flag::Malformed {
        return vec![Finding::new(
            PATH,
            kit::text!(
                "suspend is not a boolean: {}",
                json::brief(
                    json::get(&ctx.request.object, &["spec", "suspend"])
                        .unwrap_or(&kit::Value::Null),
                    40
                )
            ),
        )];
    }
    if allowed {
        ctx.record_evidence(
            "kube-soc2.cronjob-suspended",
            kit::text!("{user} suspended {}", ctx.request.describe()),
        );
        return Vec::new();
    }
    let who = if user.is_empty() {
        "an anonymous user"
    } else {
        user
    };
    vec![Finding::new(
        PATH,
        kit::text!(
            "{who} may not suspend {}: its scheduled processing stops",
            ctx.request.describe()
        ),
    )]
}
