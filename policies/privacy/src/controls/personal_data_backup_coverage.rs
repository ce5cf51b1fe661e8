//! Namespaces holding personal or regulated data are covered by a Velero
//! backup Schedule (context-aware).

use crate::data::Marks;
use crate::duration::{self, Iso};
use kit::Value;
use kit::control::Params;
use kit::{Control, Criteria, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "personal-data-backup-coverage",
    title: kit::cold!("Namespaces with personal data are covered by a backup schedule"),
    rationale: kit::cold!(
        "Records that must be kept for a retention period must survive the loss of the cluster or of a volume: a namespace marked as holding personal or regulated data needs a Velero Schedule that includes it (includedNamespaces, globs, * or empty for all; not excludedNamespaces) with all its resources (no labelSelector, includedResources empty or *), is not paused, and keeps backups at least as long as the configured minimum (SOC 2 A1.2, P4.2; ISO/IEC 27001 A.8.13, A.5.33). Context-aware: the Schedules are read from the cluster (velero.io/v1 Schedule in veleroNamespace); a failed lookup is reported, never passed. Create the Schedule before the namespace, or include namespaces by glob."
    ),
    remediation: kit::cold!(
        "create a Velero Schedule in the Velero namespace whose spec.template.includedNamespaces covers this namespace (and whose ttl meets the minimum), or widen an existing one"
    ),
    severity: Severity::Medium,
    tags: &["backup", "context-aware", "data-lifecycle"],
    criteria: Criteria {
        soc2: &["A1.2", "P4.2"],
        iso27001: &["A.8.13", "A.5.33"],
        pss: &[],
        cis: &[],
    },
    kinds: KindSet::Only(&["/Namespace"]),
    params: &[
        Param {
            name: "veleroNamespace",
            kind: ParamKind::String,
            default: "\"velero\"",
            description: kit::cold!("namespace holding the Velero Schedules"),
        },
        Param {
            name: "minimum",
            kind: ParamKind::String,
            default: "\"\"",
            description: kit::cold!(
                "shortest backup lifetime a covering Schedule must keep (ISO 8601 duration; empty: any)"
            ),
        },
        Param {
            name: "serverDefaultTtl",
            kind: ParamKind::String,
            default: "\"720h\"",
            description: kit::cold!(
                "the Velero server's --default-backup-ttl (Go duration), used when a Schedule's ttl is absent or 0"
            ),
        },
    ],
    validate_params: Some(validate),
    reads: &[("velero.io/v1", "Schedule")],
    check,
    ..Control::DEFAULTS
};

fn validate(p: &Params) -> Result<(), String> {
    let min = p.string("minimum");
    if !min.is_empty() {
        Iso::parse(&min).map_err(|e| {
            kit::text!(
                "minimum: \"{}\" is not an ISO 8601 duration: it {e}",
                crate::meta::bounded(&min)
            )
        })?;
    }
    let ttl = p.string("serverDefaultTtl");
    if !matches!(duration::parse_go(&ttl), Ok(n) if n > 0) {
        return Err(kit::text!(
            "serverDefaultTtl: \"{}\" is not a positive Go duration",
            crate::meta::bounded(&ttl)
        ));
    }
    if p.string("veleroNamespace").is_empty() {
        return Err("veleroNamespace: must not be empty".into());
    }
    Ok(())
}

/// Why a Schedule does not count, or `None` when it covers `ns`.
fn gap(schedule: &Value, ns: &str, min: Option<Iso>, default_ttl: i64) -> Option<String> {
    let spec = json::get(schedule, &["spec", "template"]).unwrap_or(&Value::Null);
    if !crate::velero::covers(spec, ns) {
        return Some("does not include the namespace".into());
    }
    if ["labelSelector", "orLabelSelectors"]
        .iter()
        .any(|k| !matches!(json::get(spec, &[k]), None | Some(Value::Null)))
    {
        return Some("backs up only objects matching a label selector".into());
    }
    let resources: Vec<&str> = json::get_strs(spec, &["includedResources"]).collect();
    if !resources.is_empty() && !resources.contains(&"*") {
        return Some("backs up only some resource kinds (includedResources)".into());
    }
    if kit::Flag::of(json::get(schedule, &["spec", "paused"])).may_be_true() {
        return Some("is paused".into());
    }
    if json::get_str(schedule, &["spec", "schedule"])
        .is_none_or(|s| crate::velero::check_cron(s).is_err())
    {
        return Some("has no valid cron schedule".into());
    }
    let ttl = match json::get(spec, &["ttl"]) {
        None | Some(Value::Null) => default_ttl,
        Some(Value::String(s)) => match duration::parse_go(s) {
            Ok(0) => default_ttl,
            Ok(n) => n,
            Err(_) => return Some("has an unreadable ttl".into()),
        },
        Some(_) => return Some("has an unreadable ttl".into()),
    };
    if let Some(min) = min
        && i128::from(ttl) < duration::iso_nanos(min)
    {
        return Some(kit::text!(
            "keeps backups {} only (minimum {min})",
            duration::describe_go(ttl)
        ));
    }
    None
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    const PATH: &str = "metadata.name";
    let obj = ctx.object();
    let marks = Marks::of(ctx, obj);
    if !marks.regulated {
        return Vec::new();
    }
    let Some(ns) = json::get_str(obj, &["metadata", "name"]) else {
        return Vec::new();
    };
    let velero_ns = ctx.params.string("veleroNamespace");
    let schedules = match ctx
        .cluster
        .list("velero.io/v1", "Schedule", Some(&velero_ns), None)
    {
        Ok(s) => s,
        Err(e) => {
            return vec![Finding::new(
                PATH,
                kit::text!(
                    "could not verify that a Velero Schedule backs up namespace {ns}: {}",
                    crate::meta::first_line(&e)
                ),
            )];
        }
    };
    let min = {
        let t = ctx.params.string("minimum");
        if t.is_empty() {
            None
        } else {
            Iso::parse(&t).ok()
        }
    };
    let default_ttl = duration::parse_go(&ctx.params.string("serverDefaultTtl")).unwrap_or(0);
    let mut reasons = Vec::new();
    for s in &schedules {
        match gap(s, ns, min, default_ttl) {
            None => return Vec::new(),
            Some(why) => reasons.push(kit::text!(
                "{} {why}",
                crate::meta::bounded(
                    json::get_str(s, &["metadata", "name"]).unwrap_or("<unnamed>")
                )
            )),
        }
    }
    let mut message = kit::text!(
        "namespace {ns} holds {} but no Velero Schedule in namespace {velero_ns} backs it up",
        marks.describe()
    );
    if !reasons.is_empty() {
        reasons.truncate(5);
        message.push_str(&kit::text!(" ({})", reasons.join("; ")));
    }
    vec![Finding::new(PATH, message)]
}
