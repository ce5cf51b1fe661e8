//! Resources: what each container asks the scheduler for and may consume (A1.1).
//!
//! Ephemeral containers are never checked here: the API server refuses
//! `resources` on them, so requiring any would forbid `kubectl debug`.

use crate::quantity::Quantity;
use kit::Value;
use kit::control::Params;
use kit::pod::ContainerList;
use kit::{Container, Param, ParamKind, PodTemplate};

pub(crate) const TAGS_DEFAULT: &[&str] = &["default", "resources"];
pub(crate) const TAGS: &[&str] = &["resources"];

/// Containers that may carry `resources`: regular ones, and init containers
/// unless `init` is false.
pub(crate) fn sized<'a>(
    pod: &'a PodTemplate<'a>,
    init: bool,
) -> impl Iterator<Item = Container<'a>> + 'a {
    pod.containers().filter(move |c| match c.list {
        ContainerList::Containers => true,
        ContainerList::InitContainers => init,
        ContainerList::EphemeralContainers => false,
    })
}

/// `resources.<section>.<name>` of a container or pod spec, when set.
pub(crate) fn value<'a>(v: &'a Value, section: &str, name: &str) -> Option<&'a Value> {
    kit::json::get(v, &["resources", section, name]).filter(|v| !v.is_null())
}

/// Field path of a resource, quoting names such as `nvidia.com/gpu`.
pub(crate) fn field(section: &str, name: &str) -> String {
    if name.contains(['.', '/']) {
        kit::text!("resources.{section}['{name}']")
    } else {
        kit::text!("resources.{section}.{name}")
    }
}

/// A quantity as written, for messages.
pub(crate) fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        other => kit::json::brief(other, 40),
    }
}

pub(crate) fn label(section: &str, name: &str) -> String {
    let what = match name {
        "cpu" => "CPU",
        other => other,
    };
    let kind = if section == "requests" {
        "request"
    } else {
        "limit"
    };
    kit::text!("{what} {kind}")
}

/// Parses an optional quantity parameter ("" = unset).
pub(crate) fn quantity_param(p: &Params, name: &str) -> Result<Option<Quantity>, String> {
    let s = p.string(name);
    if s.is_empty() {
        return Ok(None);
    }
    match Quantity::parse(&s) {
        Some(q) if q.nanos() >= 0 => Ok(Some(q)),
        _ => Err(kit::text!(
            "{name}: \"{s}\" is not a Kubernetes quantity such as \"500m\", \"2\" or \"1Gi\""
        )),
    }
}

pub(crate) const INIT_CONTAINERS: Param = Param {
    name: "initContainers",
    kind: ParamKind::Bool,
    default: "true",
    description: kit::cold!(
        "also check init containers: they are scheduled and run like the app's containers, and the pod's effective request is the larger of the two"
    ),
};
