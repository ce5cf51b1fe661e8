//! kube-soc2 confidentiality family (one Kubewarden policy module): service and ingress exposure, data classification, classification-driven controls, secret access (SOC 2 C1.1, C1.2, CC6.6).

pub mod classification;
pub mod controls;
pub mod exposure;
pub mod netpol;
pub mod secrets;

use kit::{Family, Param, ParamKind};
use kit::{Value, dom::Map};

/// Family-wide settings: what the classification label is called, its
/// levels (lowest first), and which extra annotations mark a LoadBalancer as
/// internal. Every classification and exposure control reads the same values.
pub static OPTIONS: &[Param] = &[
    Param {
        name: "classificationLabel",
        kind: ParamKind::String,
        default: r#""data-classification""#,
        description: kit::cold!(
            "Label carrying the data classification of namespaces, workloads and Secrets"
        ),
    },
    Param {
        name: "classificationLevels",
        kind: ParamKind::StringList,
        default: r#"["public", "internal", "confidential", "restricted"]"#,
        description: kit::cold!(
            "Allowed values of the classification label, from the lowest to the highest level"
        ),
    },
    Param {
        name: "internalLoadBalancerAnnotations",
        kind: ParamKind::StringMap,
        default: "{}",
        description: kit::cold!(
            "Extra annotations (key: exact value) that make a LoadBalancer Service internal on your cloud, in addition to the built-in AWS, GKE, Azure, OCI, OpenStack, Alibaba and IBM ones"
        ),
    },
];

fn validate_options(o: &Map) -> Result<(), String> {
    let label = o
        .get("classificationLabel")
        .and_then(Value::as_str)
        .unwrap_or("");
    if label.trim().is_empty() || label.len() > 317 || label.contains(char::is_whitespace) {
        return Err(kit::text!(
            "classificationLabel must be a label key, got \"{}\"",
            label.chars().take(80).collect::<String>()
        ));
    }
    let levels: Vec<&str> = o
        .get("classificationLevels")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if levels.is_empty() {
        return Err("classificationLevels must name at least one level".into());
    }
    for (i, l) in levels.iter().enumerate() {
        if l.is_empty() || l.len() > 63 {
            return Err(kit::text!(
                "classificationLevels[{i}] must be a label value of 1 to 63 characters"
            ));
        }
        if levels[..i].contains(l) {
            return Err(kit::text!("classificationLevels names \"{l}\" twice"));
        }
    }
    if let Some(Value::Object(m)) = o.get("internalLoadBalancerAnnotations")
        && m.keys().any(|k| k.trim().is_empty())
    {
        return Err("internalLoadBalancerAnnotations has an empty annotation key".into());
    }
    Ok(())
}

pub static FAMILY: Family = Family {
    name: "confidentiality",
    title: kit::cold!("Confidentiality and exposure (SOC 2 C1.1, C1.2, CC6.6)"),
    version: env!("CARGO_PKG_VERSION"),
    groups: &[controls::CONTROLS],
    options: OPTIONS,
    validate_options: Some(validate_options),
    default_warn_only: &[],
    reads_whole_request: false,
    run_check: Some(run_check),
};

kit::direct_checks!(run_check, FAMILY);

kit::export_family!(FAMILY);
