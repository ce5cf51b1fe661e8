//! Custom resources are validated by a structural schema (PI1.2).

use kit::Value;
use kit::{Control, Ctx, Finding, KindSet, Severity, json};

pub static CONTROL: Control = Control {
    id: "crd-structural-schema",
    title: kit::cold!("CustomResourceDefinitions validate their objects with a schema"),
    rationale: kit::cold!(
        "The API server validates custom resources only against the openAPIV3Schema of their version: a served version without a schema, or a schema whose root sets x-kubernetes-preserve-unknown-fields: true, accepts any input, so typos and malicious fields reach the controllers that process them. A structural schema with type: object at the root is the input validation of every custom resource."
    ),
    remediation: kit::cold!(
        "give every served version in spec.versions a schema.openAPIV3Schema with type: object at the root and the fields the resource accepts; keep x-kubernetes-preserve-unknown-fields to the nested fields that really are free-form"
    ),
    severity: Severity::Medium,
    tags: &["custom-resources"],
    criteria: super::INPUTS,
    kinds: KindSet::Only(&["apiextensions.k8s.io/CustomResourceDefinition"]),
    check,
    ..Control::DEFAULTS
};

fn check_schema(schema: Option<&Value>, path: &str, version: &str, out: &mut Vec<Finding>) {
    let schema = match schema {
        Some(s @ Value::Object(_)) => s,
        None | Some(Value::Null) => {
            out.push(Finding::new(
                path,
                kit::text!(
                    "version {version} has no openAPIV3Schema: its objects are not validated"
                ),
            ));
            return;
        }
        Some(v) => {
            out.push(Finding::new(
                path,
                kit::text!("openAPIV3Schema is not an object: {}", json::brief(v, 40)),
            ));
            return;
        }
    };
    match schema.get("x-kubernetes-preserve-unknown-fields") {
        None | Some(Value::Null) | Some(Value::Bool(false)) => {}
        Some(v) => out.push(Finding::new(
            kit::text!("{path}.x-kubernetes-preserve-unknown-fields"),
            kit::text!(
                "version {version} keeps unknown fields at the root ({}): any input is accepted",
                json::brief(v, 20)
            ),
        )),
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => {}
        _ => out.push(Finding::new(
            kit::text!("{path}.type"),
            kit::text!(
                "version {version} schema root type is {}, not object",
                schema
                    .get("type")
                    .map_or("not set".into(), |v| json::brief(v, 20))
            ),
        )),
    }
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let object = ctx.object();
    let mut out = Vec::new();
    let global = json::get(object, &["spec", "validation", "openAPIV3Schema"]);
    let versions = json::get_array(object, &["spec", "versions"]);
    if versions.is_empty() {
        // v1beta1 with a single spec.version
        check_schema(global, "spec.validation.openAPIV3Schema", "(all)", &mut out);
        return out;
    }
    for (i, v) in versions.iter().enumerate() {
        if v.get("served").and_then(Value::as_bool) == Some(false) {
            continue;
        }
        let name = json::get_str(v, &["name"]).unwrap_or("?");
        let own = json::get(v, &["schema", "openAPIV3Schema"]);
        if own.is_none() && global.is_some() {
            check_schema(global, "spec.validation.openAPIV3Schema", name, &mut out);
        } else {
            check_schema(
                own,
                &kit::text!("spec.versions[{i}].schema.openAPIV3Schema"),
                name,
                &mut out,
            );
        }
    }
    out
}
