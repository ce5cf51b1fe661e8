//! Claims and volumes stay below a size cap.

use crate::Quantity;
use kit::control::Params;
use kit::{Control, Criteria, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "pvc-size-cap",
    title: kit::cold!("Claims and volumes stay below a size cap"),
    rationale: kit::cold!(
        "Data minimisation has a storage face: a claim far larger than its purpose needs accumulates records nobody inventories and that outlive their retention, and unbounded volumes are a cost and capacity risk (SOC 2 P4.2, A1.1; ISO/IEC 27001 A.5.34). Sizes are Kubernetes quantities read exactly as the API server reads them; an unreadable size is a violation."
    ),
    remediation: kit::cold!(
        "request at most maxSize in spec.resources.requests.storage (claims, StatefulSet volumeClaimTemplates) and spec.capacity.storage (PersistentVolumes), or raise the cap for this namespace through an exemption"
    ),
    severity: Severity::Low,
    tags: &["storage"],
    criteria: Criteria {
        soc2: &["P4.2", "A1.1"],
        iso27001: &["A.5.34", "A.8.6"],
        pss: &[],
        cis: &[],
    },
    kinds: KindSet::Only(&[
        "/PersistentVolumeClaim",
        "apps/StatefulSet",
        "/PersistentVolume",
    ]),
    params: &[Param {
        name: "maxSize",
        kind: ParamKind::String,
        default: "\"100Gi\"",
        description: kit::cold!(
            "largest storage a claim may request or a volume may offer (Kubernetes quantity)"
        ),
    }],
    validate_params: Some(validate),
    check,
    ..Control::DEFAULTS
};

fn validate(p: &Params) -> Result<(), String> {
    let text = p.string("maxSize");
    match Quantity::parse(&text) {
        Some(q) if q > Quantity::ZERO => Ok(()),
        _ => Err(kit::text!(
            "maxSize: \"{}\" is not a positive Kubernetes quantity",
            crate::meta::bounded(&text)
        )),
    }
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let max_text = ctx.params.string("maxSize");
    let Some(max) = Quantity::parse(&max_text) else {
        return Vec::new();
    };
    let mut sizes = Vec::new();
    if ctx.request.kind == "PersistentVolume" {
        sizes.push((
            "spec.capacity.storage".to_string(),
            json::get(ctx.object(), &["spec", "capacity", "storage"]),
        ));
    } else {
        for c in crate::claims::of(ctx) {
            for field in ["requests", "limits"] {
                let v = json::get(c.claim, &["spec", "resources", field, "storage"]);
                if v.is_some() || field == "requests" {
                    sizes.push((c.path(&kit::text!("spec.resources.{field}.storage")), v));
                }
            }
        }
    }
    let mut out = Vec::new();
    for (path, v) in sizes {
        match v.map(|v| (v, Quantity::from_json(v))) {
            None => out.push(Finding::new(
                path,
                "no storage size: the size cap cannot be verified",
            )),
            Some((v, None)) => out.push(Finding::new(
                path,
                kit::text!(
                    "storage size {} is not a Kubernetes quantity",
                    crate::meta::shown(v)
                ),
            )),
            Some((v, Some(q))) if q > max => out.push(Finding::new(
                path,
                kit::text!(
                    "storage size {} exceeds the cap {max_text}",
                    crate::meta::shown(v)
                ),
            )),
            Some(_) => {}
        }
    }
    out
}
