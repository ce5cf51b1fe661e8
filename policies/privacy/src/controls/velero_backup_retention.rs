//! Velero Backups and Schedules keep backups at least as long as the
//! retention minimum, in allowed storage locations, on a valid schedule.

use crate::duration::{self, Iso};
use kit::Value;
use kit::control::Params;
use kit::{Control, Criteria, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "velero-backup-retention",
    title: kit::cold!(
        "Velero backups are kept for the retention period, in allowed locations, on a valid schedule"
    ),
    rationale: kit::cold!(
        "A backup that expires before the retention period ends cannot restore the records the retention schedule promises, and one that lives far beyond it keeps personal data past its disposal date (SOC 2 A1.2, P4.2, P4.3; ISO/IEC 27001 A.8.13, A.5.33). Velero Backups and Schedules state their lifetime in ttl (a Go duration, e.g. 720h0m0s; absent or 0 means the server's default, a parameter here), where they are stored in storageLocation, and a Schedule fires only if its cron expression parses and it is not paused."
    ),
    remediation: kit::cold!(
        "set spec.ttl (Backup) or spec.template.ttl (Schedule) between the configured minimum and maximum (e.g. 2160h0m0s for 90 days), use an allowed storageLocation, a valid 5-field cron schedule and paused: false"
    ),
    severity: Severity::Medium,
    tags: &["backup", "data-lifecycle"],
    criteria: Criteria {
        soc2: &["A1.2", "P4.2", "P4.3"],
        iso27001: &["A.8.13", "A.5.33"],
        pss: &[],
        cis: &[],
    },
    kinds: KindSet::Only(&["velero.io/Backup", "velero.io/Schedule"]),
    params: &[
        Param {
            name: "minimum",
            kind: ParamKind::String,
            default: "\"P30D\"",
            description: kit::cold!(
                "shortest backup lifetime (ISO 8601 duration; empty: no lower bound)"
            ),
        },
        Param {
            name: "maximum",
            kind: ParamKind::String,
            default: "\"\"",
            description: kit::cold!(
                "longest backup lifetime (ISO 8601 duration; empty: no upper bound)"
            ),
        },
        Param {
            name: "serverDefaultTtl",
            kind: ParamKind::String,
            default: "\"720h\"",
            description: kit::cold!(
                "the Velero server's --default-backup-ttl (Go duration), used when ttl is absent or 0"
            ),
        },
        Param {
            name: "allowedStorageLocations",
            kind: ParamKind::StringList,
            default: "[]",
            description: kit::cold!(
                "BackupStorageLocation names (globs) allowed; empty allows any; an absent storageLocation counts as \"default\""
            ),
        },
    ],
    validate_params: Some(validate),
    check,
    ..Control::DEFAULTS
};

fn iso_param(p: &Params, name: &str) -> Result<Option<Iso>, String> {
    let text = p.string(name);
    if text.is_empty() {
        return Ok(None);
    }
    Iso::parse(&text).map(Some).map_err(|e| {
        kit::text!(
            "{name}: \"{}\" is not an ISO 8601 duration: it {e}",
            crate::meta::bounded(&text)
        )
    })
}

fn validate(p: &Params) -> Result<(), String> {
    let (min, max) = (iso_param(p, "minimum")?, iso_param(p, "maximum")?);
    if let (Some(lo), Some(hi)) = (min, max)
        && lo > hi
    {
        return Err("minimum exceeds maximum".into());
    }
    let ttl = p.string("serverDefaultTtl");
    match duration::parse_go(&ttl) {
        Ok(n) if n > 0 => Ok(()),
        _ => Err(kit::text!(
            "serverDefaultTtl: \"{}\" is not a positive Go duration (e.g. 720h)",
            crate::meta::bounded(&ttl)
        )),
    }
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let obj = ctx.object();
    let kind = ctx.request.kind.as_str();
    let (spec, prefix) = crate::velero::backup_spec(kind, obj);
    let mut out = Vec::new();
    let ttl_path = kit::text!("{prefix}ttl");
    let default = duration::parse_go(&ctx.params.string("serverDefaultTtl")).unwrap_or(0);
    let ttl = match json::get(spec, &["ttl"]) {
        None | Some(Value::Null) => Some((default, true)),
        Some(Value::String(s)) => match duration::parse_go(s) {
            Ok(0) => Some((default, true)),
            Ok(n) => Some((n, false)),
            Err(e) => {
                out.push(Finding::new(
                    ttl_path.clone(),
                    kit::text!(
                        "ttl \"{}\" is not a Go duration (e.g. 720h0m0s): it {e}",
                        crate::meta::bounded(s)
                    ),
                ));
                None
            }
        },
        Some(v) => {
            out.push(Finding::new(
                ttl_path.clone(),
                kit::text!("ttl {} is not a Go duration string", crate::meta::shown(v)),
            ));
            None
        }
    };
    if let Some((n, defaulted)) = ttl {
        let shown = if defaulted {
            kit::text!("the server default ({})", duration::describe_go(n))
        } else {
            duration::describe_go(n)
        };
        let nanos = i128::from(n);
        let min = iso_param(&ctx.params, "minimum").ok().flatten();
        let max = iso_param(&ctx.params, "maximum").ok().flatten();
        if let Some(min) = min.filter(|m| nanos < duration::iso_nanos(*m)) {
            out.push(Finding::new(
                ttl_path.clone(),
                kit::text!("backups expire after {shown}, before the retention minimum ({min})"),
            ));
        } else if let Some(max) = max.filter(|m| nanos > duration::iso_nanos(*m)) {
            out.push(Finding::new(
                ttl_path,
                kit::text!("backups are kept for {shown}, beyond the retention maximum ({max})"),
            ));
        }
    }
    let locations = ctx.params.strings("allowedStorageLocations");
    if !locations.is_empty() {
        let path = kit::text!("{prefix}storageLocation");
        match json::get(spec, &["storageLocation"]) {
            None | Some(Value::Null) if kit::glob::any_matches(&locations, "default") => {}
            Some(Value::String(s)) if !s.is_empty() && kit::glob::any_matches(&locations, s) => {}
            Some(Value::String(s))
                if s.is_empty() && kit::glob::any_matches(&locations, "default") => {}
            other => out.push(Finding::new(
                path,
                kit::text!(
                    "storage location {} is not allowed ({})",
                    other.map_or("absent (the default location)".into(), crate::meta::shown),
                    locations.join(", ")
                ),
            )),
        }
    }
    if kind == "Schedule" {
        match json::get(obj, &["spec", "schedule"]) {
            Some(Value::String(s)) => {
                if let Err(e) = crate::velero::check_cron(s) {
                    out.push(Finding::new(
                        "spec.schedule",
                        kit::text!(
                            "schedule \"{}\" is not a valid cron expression: {e}",
                            crate::meta::bounded(s)
                        ),
                    ));
                }
            }
            other => out.push(Finding::new(
                "spec.schedule",
                kit::text!(
                    "schedule {} is not a cron expression",
                    other.map_or("missing".into(), crate::meta::shown)
                ),
            )),
        }
        if kit::Flag::of(json::get(obj, &["spec", "paused"])).may_be_true() {
            out.push(Finding::new(
                "spec.paused",
                "the schedule is paused: no backups are taken",
            ));
        }
    }
    out
}
