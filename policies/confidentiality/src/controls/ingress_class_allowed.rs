//! Every Ingress names its controller through `ingressClassName`, from an
//! allow-list when one is configured.

use kit::Value;
use kit::glob::any_matches;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

/// The annotation `ingressClassName` replaced (deprecated since 1.18).
const LEGACY: &str = "kubernetes.io/ingress.class";

pub static CONTROL: Control = Control {
    id: "ingress-class-allowed",
    title: kit::cold!("Ingresses set an allowed ingressClassName"),
    rationale: kit::cold!(
        "An Ingress without a class is served by the cluster's default IngressClass, or by every controller that claims unclassed Ingresses: an internal application can end up on the public controller. Naming the class, from the ones the platform allows, decides which entry point (public or internal) publishes it."
    ),
    remediation: kit::cold!(
        "set spec.ingressClassName to one of allowedClasses (the deprecated kubernetes.io/ingress.class annotation is not enough)"
    ),
    severity: Severity::Medium,
    tags: &["exposure", "ingress"],
    criteria: super::EXPOSURE,
    kinds: KindSet::Only(super::INGRESS),
    params: &[Param {
        name: "allowedClasses",
        kind: ParamKind::StringList,
        default: "[]",
        description: kit::cold!(
            "IngressClass names (globs) allowed; empty: any class, as long as one is named"
        ),
    }],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let ing = ctx.object();
    let allowed = ctx.params.strings("allowedClasses");
    match json::get(ing, &["spec", "ingressClassName"]) {
        None | Some(Value::Null) => {
            let legacy = json::get_str(ing, &["metadata", "annotations", LEGACY]);
            let mut m = String::from(
                "spec.ingressClassName is not set: the default IngressClass (or any controller) serves this Ingress",
            );
            if let Some(l) = legacy {
                m.push_str(&kit::text!(
                    "; the deprecated {LEGACY} annotation (\"{}\") is not honoured by every controller",
                    crate::classification::bounded(l)
                ));
            }
            vec![Finding::new("spec.ingressClassName", m)]
        }
        Some(Value::String(c)) if allowed.is_empty() || any_matches(&allowed, c) => {
            if c.is_empty() {
                vec![Finding::new(
                    "spec.ingressClassName",
                    "ingressClassName is empty",
                )]
            } else {
                Vec::new()
            }
        }
        Some(Value::String(c)) => vec![Finding::new(
            "spec.ingressClassName",
            kit::text!(
                "ingressClassName \"{}\" is not one of {}",
                crate::classification::bounded(c),
                allowed.join(", ")
            ),
        )],
        Some(other) => vec![Finding::new(
            "spec.ingressClassName",
            kit::text!(
                "ingressClassName is not a string ({})",
                json::brief(other, 60)
            ),
        )],
    }
}
