//! An Ingress rule without a host, a wildcard host or a default backend
//! captures traffic for names nobody assigned to it.

use kit::Value;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "ingress-no-catch-all-host",
    title: kit::cold!(
        "Ingresses name their hosts (no empty, wildcard or default-backend catch-all)"
    ),
    rationale: kit::cold!(
        "A rule without host matches every name the controller serves, a wildcard host every subdomain, and spec.defaultBackend every request no other rule matches: one tenant's Ingress then receives traffic (and credentials, cookies) meant for other applications, or publishes an internal service on any name pointing at the controller."
    ),
    remediation: kit::cold!(
        "give every rule an explicit host (e.g. shop.example.com) and remove spec.defaultBackend"
    ),
    severity: Severity::High,
    tags: &["default", "exposure", "ingress"],
    criteria: super::EXPOSURE,
    kinds: KindSet::Only(super::INGRESS),
    params: &[Param {
        name: "allowWildcard",
        kind: ParamKind::Bool,
        default: "false",
        description: kit::cold!(
            "Accept wildcard hosts (*.example.com); empty hosts and default backends stay refused"
        ),
    }],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let ing = ctx.object();
    let mut out = Vec::new();
    if let Some(b) = json::get(ing, &["spec", "defaultBackend"]).filter(|b| !b.is_null()) {
        out.push(Finding::new(
            "spec.defaultBackend",
            kit::text!(
                "defaultBackend {} receives every request no rule matches",
                json::brief(b, 60)
            ),
        ));
    }
    let allow_wildcard = ctx.params.bool("allowWildcard");
    let rules = match json::get(ing, &["spec", "rules"]) {
        None | Some(Value::Null) => return out,
        Some(Value::Array(r)) => r,
        Some(other) => {
            out.push(Finding::new(
                "spec.rules",
                kit::text!("rules is not a list ({})", json::brief(other, 60)),
            ));
            return out;
        }
    };
    for (i, rule) in rules.iter().enumerate() {
        let path = kit::text!("spec.rules[{i}].host");
        match rule.get("host") {
            None | Some(Value::Null) => out.push(Finding::new(
                path,
                "the rule has no host: it matches every name served by the controller",
            )),
            Some(Value::String(h)) if h.trim().is_empty() => out.push(Finding::new(
                path,
                "the rule's host is empty: it matches every name served by the controller",
            )),
            Some(Value::String(h)) if h.contains('*') && !allow_wildcard => out.push(Finding::new(
                path,
                kit::text!(
                    "host \"{}\" is a wildcard: it matches names nobody assigned to this Ingress",
                    crate::classification::bounded(h)
                ),
            )),
            Some(Value::String(_)) => {}
            Some(other) => out.push(Finding::new(
                path,
                kit::text!("host is not a string ({})", json::brief(other, 60)),
            )),
        }
    }
    out
}
