//! No object uses an API version the target Kubernetes release no longer serves
//! (CC7.1, CC8.1).

use crate::apiversions::{KINDS, parse_minor, removed};
use kit::control::Params;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "api-version-removed",
    title: kit::cold!("Objects use API versions the target Kubernetes release serves"),
    rationale: kit::cold!(
        "A manifest written against an API version that Kubernetes removed (extensions/v1beta1 Ingress, batch/v1beta1 CronJob, policy/v1beta1 PodDisruptionBudget, flowcontrol v1beta3, ...) fails to apply after an upgrade: deployments break in the middle of a change, or the change silently never reaches the cluster. Checking against the release you are upgrading to (targetVersion) catches them before the upgrade, in CI with `kube-soc2 scan` and at admission on clusters that still serve them. The table follows the Kubernetes Deprecated API Migration Guide through the v1.32 removals."
    ),
    remediation: kit::cold!(
        "move the object to the replacement API version named in the message (kubectl convert, or pluto/kubent to find them) and adjust the fields that changed"
    ),
    severity: Severity::High,
    tags: &["default", "api-versions"],
    criteria: super::API_VERSIONS,
    kinds: KindSet::Only(KINDS),
    params: &[Param {
        name: "targetVersion",
        kind: ParamKind::String,
        default: r#""1.35""#,
        description: kit::cold!("the Kubernetes release (1.N) the objects must work on"),
    }],
    validate_params: Some(validate),
    check,
    ..Control::DEFAULTS
};

fn validate(p: &Params) -> Result<(), String> {
    let v = p.string("targetVersion");
    match parse_minor(&v) {
        Some(_) => Ok(()),
        None => Err(kit::text!(
            "targetVersion must be a Kubernetes release such as \"1.32\", got {v:?}"
        )),
    }
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let target = parse_minor(&ctx.params.string("targetVersion")).unwrap_or(u32::MAX);
    let object = ctx.object();
    let request_version = if ctx.request.group.is_empty() {
        ctx.request.version.to_string()
    } else {
        kit::text!("{}/{}", ctx.request.group, ctx.request.version)
    };
    let api_version = json::get_str(object, &["apiVersion"]).unwrap_or(&request_version);
    let kind = json::get_str(object, &["kind"]).unwrap_or(&ctx.request.kind);
    match removed(api_version, kind) {
        Some(r) if r.removed_in <= target => vec![Finding::new(
            "apiVersion",
            kit::text!(
                "{api_version} {kind} is not served since Kubernetes 1.{} (target 1.{target}); use {}",
                r.removed_in,
                r.replacement
            ),
        )],
        _ => Vec::new(),
    }
}
