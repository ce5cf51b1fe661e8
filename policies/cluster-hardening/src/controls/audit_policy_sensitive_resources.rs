//! CIS 3.2.1 and 3.2.2: Secrets, ConfigMaps and token requests are audited at
//! Metadata: recorded, without their payload.

use crate::audit::{Level, Target, walk};
use kit::Value;
use kit::control::Params;
use kit::{Control, Criteria, Ctx, Finding, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "audit-policy-sensitive-resources",
    title: kit::cold!(
        "The audit policy records Secrets, ConfigMaps and tokens at Metadata, never with their content"
    ),
    rationale: kit::cold!(
        "At Request or RequestResponse level the audit log copies request and response bodies: every Secret value, ConfigMap credential and issued token ends up in log files and log pipelines with far wider access than the Secrets themselves (a confidentiality breach). At None, reads and changes of Secrets leave no trace. Rules are first-match, so a broad rule earlier in the policy decides before a careful one later."
    ),
    remediation: kit::cold!(
        "put a rule `level: Metadata` for secrets, configmaps, tokenreviews.authentication.k8s.io and serviceaccounts/token before any rule logging bodies (level Request/RequestResponse) or dropping them (level None) for those resources"
    ),
    severity: Severity::High,
    tags: &[
        "default",
        "cluster-hardening",
        "audit-policy",
        "audit-logging",
        "scan-only",
    ],
    criteria: Criteria {
        soc2: &["CC7.2", "C1.1"],
        iso27001: &["A.8.15", "A.8.12"],
        pss: &[],
        cis: &["3.2.1", "3.2.2"],
    },
    kinds: super::AUDIT_POLICY,
    params: &[Param {
        name: "resources",
        kind: ParamKind::StringList,
        default: r#"["secrets", "configmaps", "tokenreviews.authentication.k8s.io", "serviceaccounts/token"]"#,
        description: kit::cold!(
            "resources that must be audited at exactly Metadata, as resource[/subresource][.group]"
        ),
    }],
    validate_params: Some(validate),
    check,
    ..Control::DEFAULTS
};

pub fn validate_targets(p: &Params) -> Result<(), String> {
    let specs = p.strings("resources");
    if specs.is_empty() {
        return Err("resources must list at least one resource".into());
    }
    for s in &specs {
        if Target::parse(s).is_none() {
            return Err(kit::text!(
                "resources: \"{s}\" is not resource[/subresource][.group] in lower case (e.g. tokenreviews.authentication.k8s.io)"
            ));
        }
    }
    Ok(())
}

fn validate(p: &Params) -> Result<(), String> {
    validate_targets(p)
}

/// The policy's `rules`, or the finding that says they cannot be read.
pub fn rules(object: &Value) -> Result<&[Value], Finding> {
    match json::get(object, &["rules"]) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(v) => Err(Finding::new(
            "rules",
            kit::text!(
                "rules is {}, not a list: the policy cannot be verified",
                json::brief(v, 40)
            ),
        )),
    }
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let rules = match rules(ctx.object()) {
        Ok(r) => r,
        Err(f) => return vec![f],
    };
    let specs = ctx.params.strings("resources");
    let mut out = Vec::new();
    for spec in &specs {
        let Some(target) = Target::parse(spec) else {
            continue;
        };
        let what = target.describe();
        let hits = walk(rules, &target);
        for hit in &hits {
            let path = kit::text!("rules[{}].level", hit.index);
            match &hit.level {
                Err(raw) => out.push(Finding::new(
                    path,
                    kit::text!("rule {} (matching {what}) has level {}, not None, Metadata, Request or RequestResponse", hit.index, kit::response::truncate(raw, 40)),
                )),
                Ok(l @ (Level::Request | Level::RequestResponse)) => out.push(Finding::new(
                    path,
                    kit::text!(
                        "rule {} logs {what} at {}{}: their content is copied into the audit log",
                        hit.index,
                        l.as_str(),
                        if hit.every { "" } else { " (for some requests)" }
                    ),
                )),
                Ok(Level::None) if hit.every => out.push(Finding::new(
                    path,
                    kit::text!("rule {} matches every request on {what} at level None: they are not audited", hit.index),
                )),
                Ok(_) => {}
            }
        }
        if !hits.iter().any(|h| h.every) {
            out.push(Finding::new(
                "rules",
                kit::text!("no rule matches every request on {what}: the rest fall through to level None and are not audited"),
            ));
        }
    }
    out
}
