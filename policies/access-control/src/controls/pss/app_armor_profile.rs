//! PSS baseline "AppArmor" (PSA check `appArmorProfile`). PSA has a single
//! version of this check (from v1.0) that looks at both the beta annotations
//! and the `appArmorProfile` field (API field since Kubernetes 1.30), so both
//! are checked at every `pssVersion`.

use super::{about_container, annotation_path, container_named, set, shown, text};
use kit::Value;
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "pss-app-armor-profile",
    title: kit::cold!("AppArmor is not disabled or overridden"),
    rationale: kit::cold!(
        "The runtime's default AppArmor profile confines what a container may do on the host; running Unconfined removes that layer of isolation."
    ),
    remediation: kit::cold!(
        "set securityContext.appArmorProfile.type to RuntimeDefault or Localhost (or leave it unset), and give container.apparmor.security.beta.kubernetes.io/* annotations only runtime/default or localhost/<profile>"
    ),
    severity: Severity::Medium,
    tags: super::BASELINE,
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: super::ISO,
        pss: &["AppArmor"],
        cis: &[],
    },
    check,
    ..Control::DEFAULTS
};

const ANNOTATION_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";
const FIELD: &str = "securityContext.appArmorProfile.type";

fn allowed_type(profile: &Value) -> bool {
    matches!(
        text(profile.get("type")),
        Some("RuntimeDefault" | "Localhost")
    )
}

fn allowed_annotation(v: &Value) -> bool {
    match v.as_str() {
        Some(s) => s.is_empty() || s == "runtime/default" || s.starts_with("localhost/"),
        None => false,
    }
}

fn bad_type(profile: &Value) -> String {
    kit::text!(
        "AppArmor profile type {} is not RuntimeDefault or Localhost",
        shown(profile.get("type"))
    )
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    // One version of this check for every PSS version.
    if super::evaluated(ctx).is_none() {
        return Vec::new();
    }
    let pod = ctx.pod();
    let mut findings = Vec::new();
    if let Some(p) = set(pod.get(&["securityContext", "appArmorProfile"]))
        && !allowed_type(p)
    {
        findings.push(Finding::new(pod.field_path(FIELD), bad_type(p)));
    }
    for c in pod.containers() {
        if let Some(p) = set(c.security_context(&["appArmorProfile"]))
            && !allowed_type(p)
        {
            findings.push(Finding::container(&c, FIELD, bad_type(p)));
        }
    }
    // PSA checks every annotation with the prefix, whether or not a container
    // of that name exists.
    for (key, v) in pod.annotations().into_iter().flatten() {
        let Some(name) = key.strip_prefix(ANNOTATION_PREFIX) else {
            continue;
        };
        if allowed_annotation(v) {
            continue;
        }
        findings.push(about_container(
            container_named(pod, name).as_ref(),
            annotation_path(pod, key),
            kit::text!(
                "AppArmor profile {} is not runtime/default or localhost/<profile>",
                shown(Some(v))
            ),
        ));
    }
    findings
}
