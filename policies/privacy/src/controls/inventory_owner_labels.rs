//! Every object of the inventory names an accountable owner and system
//! (required labels, value patterns and kinds are parameters).

use kit::Value;
use kit::control::Params;
use kit::{Control, Criteria, Ctx, Finding, KindSet, Param, ParamKind, Severity, glob, json};

/// The kinds this control can look at; the `kinds` parameter picks among them.
const SUPPORTED: &[&str] = &[
    "/Namespace",
    "/PersistentVolumeClaim",
    "/PersistentVolume",
    "/Service",
    "/ConfigMap",
    "/Secret",
    "apps/Deployment",
    "apps/StatefulSet",
    "apps/DaemonSet",
    "batch/Job",
    "batch/CronJob",
    "storage.k8s.io/StorageClass",
    "networking.k8s.io/Ingress",
];

pub static CONTROL: Control = Control {
    id: "inventory-owner-labels",
    title: kit::cold!("Inventoried objects carry owner and system labels"),
    rationale: kit::cold!(
        "An asset inventory is only useful when every asset has an accountable owner (ISO/IEC 27001 A.5.9; SOC 2 CC6.1 point of focus \"identifies and manages the inventory of information assets\"): who answers for a namespace, a claim or a workload when its data must be found, exported or disposed of. Required labels (names and glob patterns of allowed values) are parameters, as are the kinds checked; values must also be valid Kubernetes label values, since manifests scanned before admission are not validated by the API server."
    ),
    remediation: kit::cold!(
        "add the required labels (e.g. owner: team-payments, app.kubernetes.io/part-of: shop) with values matching the configured patterns"
    ),
    severity: Severity::Low,
    tags: &["inventory", "data-lifecycle"],
    criteria: Criteria {
        soc2: &["CC6.1"],
        iso27001: &["A.5.9"],
        pss: &[],
        cis: &[],
    },
    kinds: KindSet::Only(SUPPORTED),
    params: &[
        Param {
            name: "labels",
            kind: ParamKind::StringMap,
            default: "{\"owner\": \"*\", \"app.kubernetes.io/part-of\": \"*\"}",
            description: kit::cold!(
                "required label names, each with a glob (* and ?) its value must match; \"*\" accepts any non-empty value"
            ),
        },
        Param {
            name: "kinds",
            kind: ParamKind::StringList,
            default: "[\"Namespace\", \"PersistentVolumeClaim\", \"Deployment\", \"StatefulSet\", \"DaemonSet\", \"CronJob\"]",
            description: kit::cold!(
                "kinds that must carry the labels: Namespace, PersistentVolumeClaim, PersistentVolume, Service, ConfigMap, Secret, Deployment, StatefulSet, DaemonSet, Job, CronJob, StorageClass, Ingress"
            ),
        },
    ],
    validate_params: Some(validate),
    check,
    ..Control::DEFAULTS
};

fn supported(kind: &str) -> bool {
    SUPPORTED.iter().any(|k| k.rsplit('/').next() == Some(kind))
}

fn validate(p: &Params) -> Result<(), String> {
    let labels = p.string_map("labels");
    if labels.is_empty() {
        return Err("labels: name at least one required label".into());
    }
    for (name, pattern) in &labels {
        crate::meta::check_qualified_name(name)
            .map_err(|e| kit::text!("labels: \"{}\" {e}", crate::meta::bounded(name)))?;
        if pattern.is_empty() {
            return Err(kit::text!("labels.{name}: the pattern is empty"));
        }
    }
    for kind in p.strings("kinds") {
        if !supported(&kind) {
            return Err(kit::text!(
                "kinds: \"{}\" is not one of the supported kinds",
                crate::meta::bounded(&kind)
            ));
        }
    }
    Ok(())
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    if !ctx
        .params
        .strings("kinds")
        .iter()
        .any(|k| *k == *ctx.request.kind)
    {
        return Vec::new();
    }
    let labels = json::get_obj(ctx.object(), &["metadata", "labels"]);
    let mut out = Vec::new();
    for (name, pattern) in ctx.params.string_map("labels") {
        let path = kit::text!("metadata.labels['{name}']");
        let problem = match labels.and_then(|l| l.get(&name)) {
            None | Some(Value::Null) => Some("is missing".to_string()),
            Some(Value::String(v)) => {
                if v.is_empty() {
                    Some("is empty".to_string())
                } else if let Err(e) = crate::meta::check_label_value(v) {
                    Some(kit::text!(
                        "\"{}\" is not a valid label value: it {e}",
                        crate::meta::bounded(v)
                    ))
                } else if !glob::matches(&pattern, v) {
                    Some(kit::text!(
                        "\"{}\" does not match the pattern \"{pattern}\"",
                        crate::meta::bounded(v)
                    ))
                } else {
                    None
                }
            }
            Some(other) => Some(kit::text!("is {}, not a string", crate::meta::shown(other))),
        };
        if let Some(problem) = problem {
            out.push(Finding::new(path, kit::text!("the label {name} {problem}")));
        }
    }
    out
}
