//! Internal Ingresses answer only the client networks named in the
//! controller's source-range annotation.

use crate::exposure::{Range, range};
use kit::Value;
use kit::glob::any_matches;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "ingress-source-range-restricted",
    title: kit::cold!("Ingresses restrict their clients with a source-range annotation"),
    rationale: kit::cold!(
        "An Ingress is published on every address of its controller. For internal applications the controller's source allow-list (ingress-nginx whitelist-source-range / allowlist-source-range, or the annotation your controller uses) limits clients to the corporate and VPN ranges, so an internal tool does not answer the internet when it lands on a public controller by mistake."
    ),
    remediation: kit::cold!(
        "annotate the Ingress with nginx.ingress.kubernetes.io/allowlist-source-range: \"10.0.0.0/8,192.168.0.0/16\" (bounded CIDRs, never 0.0.0.0/0)"
    ),
    severity: Severity::Medium,
    tags: &["exposure", "ingress"],
    criteria: super::EXPOSURE,
    kinds: KindSet::Only(super::INGRESS),
    params: &[
        Param {
            name: "annotations",
            kind: ParamKind::StringList,
            default: r#"["nginx.ingress.kubernetes.io/allowlist-source-range", "nginx.ingress.kubernetes.io/whitelist-source-range"]"#,
            description: kit::cold!(
                "Annotations holding the comma-separated source CIDRs; one of them must be present"
            ),
        },
        Param {
            name: "classes",
            kind: ParamKind::StringList,
            default: r#"["*"]"#,
            description: kit::cold!(
                "IngressClass names (globs) this control applies to (e.g. nginx-internal); an Ingress without ingressClassName matches only \"*\""
            ),
        },
    ],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let ing = ctx.object();
    let classes = ctx.params.strings("classes");
    let class = json::get_str(ing, &["spec", "ingressClassName"]);
    let applies = match class {
        Some(c) => any_matches(&classes, c),
        None => classes.iter().any(|c| c == "*"),
    };
    if !applies {
        return Vec::new();
    }
    let keys = ctx.params.strings("annotations");
    let annotations = json::get_obj(ing, &["metadata", "annotations"]);
    let mut out = Vec::new();
    let mut found = false;
    for key in &keys {
        let Some(v) = annotations.and_then(|a| a.get(key)) else {
            continue;
        };
        found = true;
        let path = kit::text!("metadata.annotations.{key}");
        let Value::String(s) = v else {
            out.push(Finding::new(
                path,
                kit::text!(
                    "the source ranges are not a string ({})",
                    json::brief(v, 60)
                ),
            ));
            continue;
        };
        let ranges: Vec<&str> = s
            .split(',')
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .collect();
        if ranges.is_empty() {
            out.push(Finding::new(
                path.clone(),
                "the source-range annotation is empty",
            ));
        }
        for r in ranges {
            let shown = crate::classification::bounded(r);
            match range(r) {
                Range::Bounded => {}
                Range::Open => out.push(Finding::new(
                    path.clone(),
                    kit::text!("source range \"{shown}\" admits every address"),
                )),
                Range::Invalid => out.push(Finding::new(
                    path.clone(),
                    kit::text!("source range \"{shown}\" is not a CIDR"),
                )),
            }
        }
    }
    if !found {
        out.push(Finding::new(
            "metadata.annotations",
            kit::text!(
                "no source-range annotation ({}): the Ingress answers every client of its controller",
                keys.join(", ")
            ),
        ));
    }
    out
}
