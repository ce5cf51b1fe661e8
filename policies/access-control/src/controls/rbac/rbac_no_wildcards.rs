//! Control `rbac-no-wildcards`.
//! Shared helpers: [`super::roles`].

use super::roles::*;
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "rbac-no-wildcards",
    title: kit::cold!("Roles do not use wildcards"),
    rationale: kit::cold!(
        "A `*` in verbs, resources or apiGroups grants every permission that exists now and every one added later by a CRD or an upgrade, including escalate, impersonate and Secrets: nobody can review what the role really allows."
    ),
    remediation: kit::cold!(
        "list the API groups, resources and verbs the role needs explicitly instead of `*`"
    ),
    severity: Severity::High,
    tags: &["default", "rbac"],
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: super::ISO,
        pss: &[],
        cis: &["5.1.3"],
    },
    kinds: KINDS,
    params: &[ALLOWED_ROLES],
    check: check_wildcards,
    ..Control::DEFAULTS
};

fn check_wildcards(ctx: &Ctx) -> Vec<Finding> {
    let Some(rules) = rules(ctx) else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        for (key, what) in [
            (
                "verbs",
                "every verb, escalate, bind and impersonate included",
            ),
            (
                "apiGroups",
                "every API group, including those installed later",
            ),
            (
                "resources",
                "every resource, Secrets and subresources included",
            ),
            ("nonResourceURLs", "every non-resource URL"),
        ] {
            let wild = kit::json::get_strs(rule, &[key]).find(|v| match key {
                "resources" => *v == "*" || v.starts_with("*/"),
                "nonResourceURLs" => *v == "*" || *v == "/*",
                _ => *v == "*",
            });
            if let Some(w) = wild {
                findings.push(Finding::new(
                    kit::text!("rules[{i}].{key}"),
                    kit::text!("{key} contains \"{w}\" ({what})"),
                ));
            }
        }
    }
    findings
}
