//! ReferenceGrants open a namespace's objects to references from another
//! namespace: each grant names the objects it opens.

use kit::Value;
use kit::{Control, Ctx, Finding, KindSet, Severity, json};

pub static CONTROL: Control = Control {
    id: "reference-grant-scoped",
    title: kit::cold!("ReferenceGrants name the objects they open to other namespaces"),
    rationale: kit::cold!(
        "A ReferenceGrant lets routes or Gateways of the `from` namespaces reference objects of its own namespace; a `to` entry without name opens every object of that kind, e.g. every Secret of the namespace to any Gateway of the other namespace (which then serves them as TLS certificates or forwards to every Service). Naming each object keeps cross-namespace access to what was intended."
    ),
    remediation: kit::cold!(
        "set spec.to[].name for every entry (one entry per Secret or Service to share) and list only the namespaces that need it in spec.from"
    ),
    severity: Severity::High,
    tags: &["exposure", "gateway-api"],
    criteria: kit::Criteria {
        soc2: &["C1.1", "CC6.1"],
        iso27001: &["A.8.3", "A.8.22"],
        pss: &[],
        cis: &[],
    },
    kinds: KindSet::Only(&["gateway.networking.k8s.io/ReferenceGrant"]),
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let obj = ctx.object();
    let mut out = Vec::new();
    for (i, from) in json::get_array(obj, &["spec", "from"]).iter().enumerate() {
        match from.get("namespace") {
            Some(Value::String(ns)) if !ns.is_empty() && !ns.contains('*') => {}
            other => out.push(Finding::new(
                kit::text!("spec.from[{i}].namespace"),
                kit::text!(
                    "from namespace {} is not a namespace name",
                    other.map_or("(absent)".to_string(), |v| json::brief(v, 60))
                ),
            )),
        }
    }
    for (i, to) in json::get_array(obj, &["spec", "to"]).iter().enumerate() {
        let kind = to.get("kind").and_then(Value::as_str).unwrap_or("?");
        match to.get("name") {
            Some(Value::String(n)) if !n.is_empty() => {}
            None | Some(Value::Null) | Some(Value::String(_)) => out.push(Finding::new(
                kit::text!("spec.to[{i}].name"),
                kit::text!(
                    "to {} has no name: every {} of the namespace is opened to the from namespaces",
                    crate::classification::bounded(kind),
                    crate::classification::bounded(kind)
                ),
            )),
            Some(other) => out.push(Finding::new(
                kit::text!("spec.to[{i}].name"),
                kit::text!("name is not a string ({})", json::brief(other, 60)),
            )),
        }
    }
    out
}
