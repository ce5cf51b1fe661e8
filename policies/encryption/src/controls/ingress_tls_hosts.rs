//! Every host an Ingress serves is covered by a TLS entry naming a secret.

use super::shown;
use crate::tls::host_covered;
use kit::Value;
use kit::{Control, Ctx, Finding, KindSet, Severity, json};

pub static CONTROL: Control = Control {
    id: "ingress-tls-hosts",
    title: kit::cold!("Ingresses terminate TLS for every host they serve"),
    rationale: kit::cold!(
        "A host listed in spec.rules but not in spec.tls[].hosts is served over plain HTTP: credentials, session cookies and personal data cross the network readable and modifiable by anyone on the path. Wildcard TLS hosts cover one label (*.example.com covers shop.example.com, not example.com). A TLS entry without secretName falls back to the controller's default certificate, which does not match the host. Rules without a host (catch-all) are served for any name, so they need a TLS entry without hosts (the controller's default server)."
    ),
    remediation: kit::cold!(
        "add every spec.rules[].host to spec.tls[].hosts with a secretName (e.g. issued by cert-manager); give catch-all rules a host"
    ),
    severity: Severity::High,
    tags: &["default", "encryption-in-transit"],
    criteria: super::TRANSIT,
    kinds: KindSet::Only(&["networking.k8s.io/Ingress"]),
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let ing = ctx.object();
    let mut out = Vec::new();
    let tls = json::get_array(ing, &["spec", "tls"]);
    let mut covered: Vec<&str> = Vec::new();
    // An entry without hosts applies to the controller's default (catch-all) server.
    let mut default_server = false;
    for (i, entry) in tls.iter().enumerate() {
        match kit::value::string(entry.get("secretName")) {
            Ok(Some(s)) if !s.trim().is_empty() => {}
            Ok(_) => out.push(Finding::new(
                kit::text!("spec.tls[{i}].secretName"),
                "the TLS entry names no secretName: the controller serves its default certificate",
            )),
            Err(v) => out.push(Finding::new(
                kit::text!("spec.tls[{i}].secretName"),
                kit::text!("secretName is {}, not a string", json::brief(v, 40)),
            )),
        }
        covered.extend(json::get_strs(entry, &["hosts"]));
        default_server |= json::get_array(entry, &["hosts"]).is_empty();
    }
    if let Some(v) = json::get(ing, &["spec", "tls"])
        && !(v.is_array() || v.is_null())
    {
        out.push(Finding::new(
            "spec.tls",
            kit::text!("spec.tls is {}, not a list", json::brief(v, 40)),
        ));
    }
    let rules = json::get_array(ing, &["spec", "rules"]);
    for (i, rule) in rules.iter().enumerate() {
        match rule.get("host") {
            None | Some(Value::Null) => {
                if !default_server {
                    out.push(Finding::new(
                        kit::text!("spec.rules[{i}].host"),
                        "the rule has no host (catch-all) and no TLS entry without hosts covers it: it is served over plain HTTP",
                    ));
                }
            }
            Some(Value::String(h)) => {
                if !covered.iter().any(|t| host_covered(t, h)) {
                    out.push(Finding::new(
                        kit::text!("spec.rules[{i}].host"),
                        kit::text!("host {} is not covered by spec.tls[].hosts: it is served over plain HTTP", shown(h)),
                    ));
                }
            }
            Some(v) => out.push(Finding::new(
                kit::text!("spec.rules[{i}].host"),
                kit::text!("host is {}, not a string", json::brief(v, 40)),
            )),
        }
    }
    if rules.is_empty() && json::get(ing, &["spec", "defaultBackend"]).is_some() && tls.is_empty() {
        out.push(Finding::new(
            "spec.defaultBackend",
            "the Ingress serves a default backend without any TLS entry: it is served over plain HTTP",
        ));
    }
    out
}
