//! A Gateway listener accepts routes from its own namespace or a selected
//! set, never from every namespace.

use kit::Value;
use kit::{Control, Ctx, Finding, KindSet, Severity, json};

pub static CONTROL: Control = Control {
    id: "gateway-allowed-routes-scoped",
    title: kit::cold!("Gateway listeners do not accept routes from all namespaces"),
    rationale: kit::cold!(
        "allowedRoutes.namespaces.from: All lets any namespace attach a route to the listener: every tenant can publish its services on the Gateway's address and hostnames, including names meant for other applications. A Selector with an empty selector is the same. Same (the default) or a Selector naming the trusted namespaces keeps the boundary with the Gateway's owner."
    ),
    remediation: kit::cold!(
        "set spec.listeners[].allowedRoutes.namespaces.from to Same, or to Selector with a selector matching the namespaces allowed to publish (e.g. matchLabels: {shared-gateway-access: \"true\"})"
    ),
    severity: Severity::High,
    tags: &["exposure", "gateway-api"],
    criteria: super::EXPOSURE,
    kinds: KindSet::Only(&["gateway.networking.k8s.io/Gateway"]),
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, l) in json::get_array(ctx.object(), &["spec", "listeners"])
        .iter()
        .enumerate()
    {
        let Some(ns) = json::get(l, &["allowedRoutes", "namespaces"]).filter(|v| !v.is_null())
        else {
            continue;
        };
        let path = kit::text!("spec.listeners[{i}].allowedRoutes.namespaces");
        match ns.get("from") {
            None | Some(Value::Null) => {}
            Some(Value::String(f)) if f == "Same" => {}
            Some(Value::String(f)) if f == "All" => out.push(Finding::new(
                kit::text!("{path}.from"),
                "from is All: routes of every namespace may attach to this listener",
            )),
            Some(Value::String(f)) if f == "Selector" => {
                let empty = match ns.get("selector") {
                    None | Some(Value::Null) => true,
                    Some(Value::Object(s)) => {
                        s.get("matchLabels")
                            .and_then(Value::as_object)
                            .is_none_or(|m| m.is_empty())
                            && s.get("matchExpressions")
                                .and_then(Value::as_array)
                                .is_none_or(|e| e.is_empty())
                    }
                    Some(_) => true,
                };
                if empty {
                    out.push(Finding::new(
                        kit::text!("{path}.selector"),
                        "from is Selector with an empty or missing selector: it selects every namespace",
                    ));
                }
            }
            Some(other) => out.push(Finding::new(
                kit::text!("{path}.from"),
                kit::text!(
                    "from {} is not Same, Selector or All",
                    json::brief(other, 60)
                ),
            )),
        }
    }
    out
}
