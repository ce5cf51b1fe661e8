//! ValidatingAdmissionPolicies enforce (CC6.8, CC8.1).

use kit::Value;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, glob, json};

pub static CONTROL: Control = Control {
    id: "admission-policy-enforced",
    title: kit::cold!("ValidatingAdmissionPolicies deny and fail closed"),
    rationale: kit::cold!(
        "A ValidatingAdmissionPolicyBinding whose validationActions lack Deny only warns or audits: violations are admitted. A ValidatingAdmissionPolicy with failurePolicy Ignore admits every request whose CEL evaluation errors or whose parameters are missing. For the configured (security) policies, bindings must include Deny and policies must fail closed."
    ),
    remediation: kit::cold!(
        "add Deny to spec.validationActions of the binding (keep Audit alongside for evidence) and set spec.failurePolicy: Fail on the policy (the default)"
    ),
    severity: Severity::Medium,
    tags: &["admission-control"],
    criteria: super::ADMISSION,
    kinds: KindSet::Only(&[
        "admissionregistration.k8s.io/ValidatingAdmissionPolicy",
        "admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding",
    ]),
    params: &[Param {
        name: "policies",
        kind: ParamKind::StringList,
        default: r#"["*"]"#,
        description: kit::cold!(
            "globs on the policy name (spec.policyName of a binding) that must enforce"
        ),
    }],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let object = ctx.object();
    let patterns = ctx.params.strings("policies");
    if ctx.request.kind == "ValidatingAdmissionPolicyBinding" {
        let policy = json::get_str(object, &["spec", "policyName"]).unwrap_or("");
        if !glob::any_matches(&patterns, policy) {
            return Vec::new();
        }
        let actions = match json::get(object, &["spec", "validationActions"]) {
            Some(Value::Array(a)) => a,
            other => {
                return vec![Finding::new(
                    "spec.validationActions",
                    kit::text!(
                        "validationActions must list Deny, got {}",
                        other.map_or("nothing".into(), |v| json::brief(v, 40))
                    ),
                )];
            }
        };
        if actions.iter().any(|a| a.as_str() == Some("Deny")) {
            return Vec::new();
        }
        return vec![Finding::new(
            "spec.validationActions",
            kit::text!(
                "binding of policy {policy} has validationActions {}: violations are admitted",
                json::brief(&Value::Array(actions.clone()), 60)
            ),
        )];
    }
    let name = json::get_str(object, &["metadata", "name"]).unwrap_or("");
    if !glob::any_matches(&patterns, name) {
        return Vec::new();
    }
    match json::get(object, &["spec", "failurePolicy"]) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) if s == "Fail" => Vec::new(),
        Some(v) => vec![Finding::new(
            "spec.failurePolicy",
            kit::text!(
                "failurePolicy is {}: requests are admitted when the policy cannot be evaluated",
                json::brief(v, 40)
            ),
        )],
    }
}
