//! Pods that pull from private registries name their pull secrets.

use crate::patterns::{RegistryPattern, parse_all};
use kit::Value;
use kit::control::Params;
use kit::{Control, Ctx, Finding, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "image-pull-secrets-required",
    title: kit::cold!("Pods pulling from private registries declare imagePullSecrets"),
    rationale: kit::cold!(
        "A private registry must authenticate every pull. Without the pod's own imagePullSecrets the pull either fails or silently relies on node-wide credentials or on an image another tenant cached on the node, so access to private software is not granted per workload. Secrets of the pod's ServiceAccount are copied into Pods by the ServiceAccount admission plugin before this check; for workload templates they must be written in the template."
    ),
    remediation: kit::cold!(
        "add spec.imagePullSecrets: [{name: <docker-registry secret>}] to the pod template"
    ),
    severity: Severity::Medium,
    tags: &["images", "supply-chain"],
    criteria: kit::Criteria {
        soc2: &["CC6.1", "CC6.8"],
        iso27001: &["A.5.21", "A.8.19"],
        pss: &[],
        cis: &[],
    },
    params: &[Param {
        name: "privateRegistries",
        kind: ParamKind::StringList,
        default: "[]",
        description: kit::cold!(
            "registry hosts that require credentials (whole host with port; * within a DNS label, ** across labels)"
        ),
    }],
    validate_params: Some(validate),
    check,
    ..Control::DEFAULTS
};

fn validate(p: &Params) -> Result<(), String> {
    let regs = parse_all(
        "privateRegistries",
        &p.strings("privateRegistries"),
        RegistryPattern::parse,
    )?;
    if regs.is_empty() {
        return Err("privateRegistries must list at least one registry".into());
    }
    Ok(())
}

/// Why the pod's imagePullSecrets do not name a secret, if they do not.
fn secrets_problem(spec: Option<&Value>) -> Option<String> {
    match spec {
        None | Some(Value::Null) => Some("imagePullSecrets is not set".into()),
        Some(Value::Array(items)) => {
            let named = items.iter().any(|i| {
                i.get("name")
                    .and_then(Value::as_str)
                    .is_some_and(|n| !n.is_empty())
            });
            (!named).then(|| "imagePullSecrets names no secret".to_string())
        }
        Some(v) => Some(kit::text!(
            "imagePullSecrets is malformed ({})",
            kit::json::brief(v, 40)
        )),
    }
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let private: Vec<_> = ctx
        .params
        .strings("privateRegistries")
        .iter()
        .filter_map(|p| RegistryPattern::parse(p).ok())
        .collect();
    let pod = ctx.pod();
    let Some(problem) = secrets_problem(pod.get(&["imagePullSecrets"])) else {
        return Vec::new();
    };
    let users: Vec<String> = crate::refs::parsed(ctx)
        .filter(|(_, r)| private.iter().any(|p| p.matches(r)))
        .map(|(c, r)| kit::text!("{} ({})", c.describe(), r.domain()))
        .collect();
    if users.is_empty() {
        return Vec::new();
    }
    vec![Finding::new(
        pod.field_path("imagePullSecrets"),
        kit::text!(
            "{problem}, but {} pull from a private registry",
            users.join(", ")
        ),
    )]
}
