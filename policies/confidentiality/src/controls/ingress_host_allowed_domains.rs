//! Ingress hosts stay within the organisation's domains.

use crate::exposure::within;
use kit::Value;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "ingress-host-allowed-domains",
    title: kit::cold!("Ingress hosts are within the allowed domains"),
    rationale: kit::cold!(
        "An Ingress may claim any host name: a tenant can publish a service under another team's or another company's domain, or take over traffic for a name that still points at the controller. Restricting hosts to the domain suffixes the platform owns keeps published names under the organisation's DNS, certificates and monitoring."
    ),
    remediation: kit::cold!(
        "use a host within allowedDomains (e.g. shop.example.com for example.com), or ask the platform team to add the domain"
    ),
    severity: Severity::Medium,
    tags: &["exposure", "ingress"],
    criteria: super::EXPOSURE,
    kinds: KindSet::Only(super::INGRESS),
    params: &[Param {
        name: "allowedDomains",
        kind: ParamKind::StringList,
        default: "[]",
        description: kit::cold!(
            "Domain suffixes hosts must lie within (example.com admits example.com and *.example.com); with none configured every host is refused"
        ),
    }],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let domains = ctx.params.strings("allowedDomains");
    let mut out = Vec::new();
    for (i, rule) in json::get_array(ctx.object(), &["spec", "rules"])
        .iter()
        .enumerate()
    {
        let path = kit::text!("spec.rules[{i}].host");
        match rule.get("host") {
            // A missing host is ingress-no-catch-all-host's concern.
            None | Some(Value::Null) => {}
            Some(Value::String(h)) if h.is_empty() => {}
            Some(Value::String(h)) => {
                if !domains.iter().any(|d| within(h, d)) {
                    out.push(Finding::new(
                        path,
                        kit::text!(
                            "host \"{}\" is not within the allowed domains ({})",
                            crate::classification::bounded(h),
                            if domains.is_empty() {
                                "none configured".to_string()
                            } else {
                                domains.join(", ")
                            }
                        ),
                    ));
                }
            }
            Some(other) => out.push(Finding::new(
                path,
                kit::text!("host is not a string ({})", json::brief(other, 60)),
            )),
        }
    }
    out
}
