//! PSS baseline "Seccomp" (PSA check `seccompProfile_baseline`): seccomp must
//! not be disabled. Up to v1.18 PSA reads the alpha annotations; from v1.19 the
//! `seccompProfile` fields (the annotations are then ignored, as the API server
//! turns them into fields).

use super::{about_container, annotation_path, container_named, set, shown, text};
use kit::Value;
use kit::{Control, Criteria, Ctx, Finding, PodTemplate, Severity};

pub static CONTROL: Control = Control {
    id: "pss-seccomp-profile-baseline",
    title: kit::cold!("Seccomp is not disabled"),
    rationale: kit::cold!(
        "Seccomp filters the system calls a container may make; an Unconfined profile exposes the whole kernel attack surface to the container."
    ),
    remediation: kit::cold!(
        "set securityContext.seccompProfile.type to RuntimeDefault or Localhost (or leave it unset)"
    ),
    severity: Severity::Medium,
    tags: super::BASELINE,
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: super::ISO,
        pss: &["Seccomp"],
        cis: &[],
    },
    check,
    ..Control::DEFAULTS
};

pub(crate) const FIELD: &str = "securityContext.seccompProfile.type";
const POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
const CONTAINER_ANNOTATION_PREFIX: &str = "container.seccomp.security.alpha.kubernetes.io/";

/// PSA `validSeccomp`: a `seccompProfile` object whose type is allowed.
pub(crate) fn valid_profile(profile: &Value) -> bool {
    matches!(
        text(profile.get("type")),
        Some("RuntimeDefault" | "Localhost")
    )
}

pub(crate) fn bad_type(profile: &Value) -> String {
    kit::text!(
        "seccomp profile type {} is not RuntimeDefault or Localhost",
        shown(profile.get("type"))
    )
}

/// PSA `validSeccompAnnotationValue` (an empty value is not valid).
fn valid_annotation(v: &Value) -> bool {
    v.as_str().is_some_and(|s| {
        s == "runtime/default" || s == "docker/default" || s.starts_with("localhost/")
    })
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    match super::evaluated(ctx) {
        None => Vec::new(),
        Some(minor) if minor <= 18 => annotations(ctx.pod()),
        Some(_) => fields(ctx.pod()),
    }
}

/// PSA `seccompProfileBaseline_1_0`.
fn annotations(pod: &PodTemplate) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (key, v) in pod.annotations().into_iter().flatten() {
        if valid_annotation(v) {
            continue;
        }
        // PSA looks up the pod key and, per container, the key with its name;
        // an annotation naming no container is not looked at.
        let container = if key == POD_ANNOTATION {
            None
        } else {
            let Some(name) = key.strip_prefix(CONTAINER_ANNOTATION_PREFIX) else {
                continue;
            };
            let Some(c) = container_named(pod, name) else {
                continue;
            };
            Some(c)
        };
        findings.push(about_container(
            container.as_ref(),
            annotation_path(pod, key),
            kit::text!(
                "seccomp profile {} is not runtime/default, docker/default or localhost/<profile>",
                shown(Some(v))
            ),
        ));
    }
    findings
}

/// PSA `seccompProfileBaseline_1_19`.
fn fields(pod: &PodTemplate) -> Vec<Finding> {
    let mut findings = Vec::new();
    if let Some(p) = set(pod.get(&["securityContext", "seccompProfile"]))
        && !valid_profile(p)
    {
        findings.push(Finding::new(pod.field_path(FIELD), bad_type(p)));
    }
    for c in pod.containers() {
        if let Some(p) = set(c.security_context(&["seccompProfile"]))
            && !valid_profile(p)
        {
            findings.push(Finding::container(&c, FIELD, bad_type(p)));
        }
    }
    findings
}
