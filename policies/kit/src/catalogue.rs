//! The control catalogue as JSON, served by each module (`catalogue` waPC
//! function) so tools read it from the module itself rather than a copy.

use crate::control::{Control, Family, Param, ParamKind};
use serde_json::{Value, json};

fn param_json(p: &Param) -> Value {
    let mut v = json!({
        "name": p.name,
        "type": p.kind.name(),
        "default": p.default_value(),
        "description": p.description,
    });
    if let ParamKind::Integer { min, max } = p.kind {
        v["minimum"] = json!(min);
        v["maximum"] = json!(max);
    }
    v
}

pub fn control_json(family: &Family, c: &Control) -> Value {
    json!({
        "id": c.id,
        "family": family.name,
        "title": c.title,
        "rationale": c.rationale,
        "remediation": c.remediation,
        "severity": c.severity.as_str(),
        "tags": c.tags,
        "criteria": {
            "soc2": c.criteria.soc2,
            "iso27001": c.criteria.iso27001,
            "pss": c.criteria.pss,
            "cis": c.criteria.cis,
        },
        "kinds": c.kinds.kinds(),
        "operations": c.operations.iter().map(|o| o.as_str()).collect::<Vec<_>>(),
        "subresources": c.subresources,
        "reads": c.reads.iter().map(|(api_version, kind)| json!({"apiVersion": api_version, "kind": kind})).collect::<Vec<_>>(),
        "parameters": c.params.iter().map(param_json).collect::<Vec<_>>(),
    })
}

pub fn to_value(family: &Family) -> Value {
    json!({
        "family": family.name,
        "title": family.title,
        "version": family.version,
        "options": family.options.iter().map(param_json).collect::<Vec<_>>(),
        "defaultWarnOnly": family.default_warn_only,
        "controls": family.controls().map(|c| control_json(family, c)).collect::<Vec<_>>(),
    })
}

pub fn to_json(family: &Family) -> Vec<u8> {
    crate::json::to_vec(&to_value(family))
}

/// Invariants every family must keep; family crates call this from a test.
pub fn check_family(family: &Family) -> Result<(), String> {
    // A family without its dispatcher, or with controls past its reach, is
    // still right, only slower in a fresh instance: a test is where that shows.
    if family.run_check.is_none() {
        return Err(crate::text!(
            "family {} has no run_check: define one with kit::direct_checks!",
            family.name
        ));
    }
    let count = family.controls().count();
    if count > crate::control::DIRECT_CHECKS {
        return Err(crate::text!(
            "family {} has {count} controls; kit::direct_checks! reaches the first {}",
            family.name,
            crate::control::DIRECT_CHECKS
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for c in family.controls() {
        let kebab = !c.id.is_empty()
            && c.id
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-')
            && !c.id.starts_with('-')
            && !c.id.ends_with('-')
            && !c.id.contains("--");
        if !kebab {
            return Err(crate::text!("control id \"{}\" is not kebab-case", c.id));
        }
        if !seen.insert(c.id) {
            return Err(crate::text!("control id \"{}\" is used twice", c.id));
        }
        if c.title.is_empty() || c.rationale.is_empty() || c.remediation.is_empty() {
            return Err(crate::text!(
                "control {} lacks title, rationale or remediation",
                c.id
            ));
        }
        if c.criteria.soc2.is_empty() || c.criteria.iso27001.is_empty() {
            return Err(crate::text!(
                "control {} maps to no SOC 2 or ISO 27001 criterion",
                c.id
            ));
        }
        if c.operations.is_empty() || c.kinds.kinds().is_empty() {
            return Err(crate::text!(
                "control {} applies to no kind or operation",
                c.id
            ));
        }
        for p in c.params.iter().chain(family.options) {
            let d = crate::dom::parse(p.default.as_bytes())
                .map_err(|e| crate::text!("{}: default of {} is not JSON: {e}", c.id, p.name))?;
            p.kind
                .check(&d)
                .map_err(|e| crate::text!("{}: default of {} {e}", c.id, p.name))?;
            if let Some(list) = crate::control::plain_string_list(p.default)
                && !list.map(|s| crate::dom::Value::String(s.into())).eq(d
                    .as_array()
                    .into_iter()
                    .flatten()
                    .cloned())
            {
                return Err(crate::text!(
                    "{}: default of {} reads otherwise as a plain list than with the parser",
                    c.id,
                    p.name
                ));
            }
            if p.default_value() != d {
                return Err(crate::text!(
                    "{}: default of {} reads as {} without the parser, {d} with it",
                    c.id,
                    p.name,
                    p.default_value()
                ));
            }
        }
    }
    // A module assumes the selection of empty settings it worked out when
    // compiled (`settings::Defaults`): it must be what parsing `{}` gives.
    if let Some(compiled) = crate::settings::Defaults::of(family) {
        let parsed = crate::settings::Defaults::of_parse(family)
            .map_err(|e| crate::text!("empty settings are refused: {e}"))?;
        if compiled != parsed {
            return Err(
                "the selection of empty settings worked out at compile time is not the one parsing {} gives"
                    .into(),
            );
        }
    }
    // Nor may its table of the controls each Pod-bearing kind is looked at by
    // (`settings::PodKinds`) say otherwise than the controls' kinds.
    if let Some(why) = crate::settings::PodKinds::of(family).and_then(|t| t.disagreement(family)) {
        return Err(why);
    }
    Ok(())
}
