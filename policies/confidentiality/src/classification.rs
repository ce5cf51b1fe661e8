//! The data-classification label: its name and ordered levels (family
//! options `classificationLabel`, `classificationLevels`), how an object's
//! label is read, and the namespace's level looked up through context.

use kit::Value;
use kit::{Ctx, Finding, json};

/// The label key (family option `classificationLabel`).
pub fn label<'a>(ctx: &Ctx<'a>) -> &'a str {
    ctx.option_str("classificationLabel")
        .unwrap_or("data-classification")
}

/// The levels, lowest first (family option `classificationLevels`).
pub fn levels<'a>(ctx: &Ctx<'a>) -> Vec<&'a str> {
    ctx.options
        .get("classificationLevels")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// A classification label as read from an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Level {
    /// No label.
    Absent,
    /// A configured level: its rank (0 = lowest) and name.
    Known(usize, String),
    /// A value that is not a configured level, or not a string (bounded rendering).
    Unknown(String),
}

impl Level {
    /// Reads the label from a labels map.
    pub fn of(ctx: &Ctx, labels: Option<&kit::dom::Map>) -> Level {
        match labels.and_then(|l| l.get(label(ctx))) {
            None | Some(Value::Null) => Level::Absent,
            Some(Value::String(s)) => match levels(ctx).iter().position(|l| l == s) {
                Some(rank) => Level::Known(rank, s.to_string()),
                None => Level::Unknown(kit::text!("\"{}\"", bounded(s))),
            },
            Some(other) => Level::Unknown(json::brief(other, 60)),
        }
    }

    /// Reads the label of an object (`metadata.labels`).
    pub fn of_object(ctx: &Ctx, object: &Value) -> Level {
        Level::of(ctx, json::get_obj(object, &["metadata", "labels"]))
    }
}

/// The rank of a level named by a parameter; `Err` is the finding message.
pub fn rank_of(ctx: &Ctx, param: &str) -> Result<usize, String> {
    let name = ctx.params.string(param);
    levels(ctx)
        .iter()
        .position(|l| *l == name)
        .ok_or_else(|| {
            kit::text!(
                "parameter {param} \"{}\" is not one of classificationLevels ({}); the control cannot decide",
                bounded(&name),
                levels(ctx).join(", ")
            )
        })
}

pub fn bounded(s: &str) -> String {
    if s.chars().count() <= 63 {
        s.to_string()
    } else {
        kit::text!("{}…", s.chars().take(63).collect::<String>())
    }
}

/// Namespace of the request; `default` for a bare object without one.
pub fn request_namespace<'a>(ctx: &'a Ctx) -> &'a str {
    match ctx.request.namespace() {
        "" => "default",
        ns => ns,
    }
}

/// The classification of the request's namespace, read through context
/// (`v1 Namespace`). A failed lookup or a missing namespace is the finding
/// to report (at `path`).
pub fn namespace_level(ctx: &Ctx, path: &str) -> Result<Level, Finding> {
    let ns = request_namespace(ctx);
    match ctx.cluster.get("v1", "Namespace", None, ns) {
        Ok(Some(obj)) => Ok(Level::of_object(ctx, &obj)),
        Ok(None) => Err(Finding::new(
            path,
            kit::text!(
                "could not verify the classification of namespace \"{ns}\": the namespace was not found"
            ),
        )),
        Err(e) => Err(Finding::new(
            path,
            kit::text!(
                "could not verify the classification of namespace \"{ns}\": {}",
                first_line(&e)
            ),
        )),
    }
}

/// The first line of a host error, bounded.
pub fn first_line(e: &str) -> String {
    let line = e.lines().next().unwrap_or("");
    if line.chars().count() <= 200 {
        line.to_string()
    } else {
        kit::text!("{}…", line.chars().take(200).collect::<String>())
    }
}

/// The classification a pod works at: its template's label, else its
/// namespace's (looked up through context), else the lowest level.
pub struct WorkloadLevel {
    pub rank: usize,
    pub name: String,
    /// Where the level comes from, for messages.
    pub source: &'static str,
}

/// Reads the level of the pod of a Pod-bearing request; `Err` is the finding
/// (unknown label value, failed namespace lookup).
pub fn workload_level(ctx: &Ctx) -> Result<WorkloadLevel, Finding> {
    let pod = ctx.pod();
    let key = label(ctx);
    let label_path = kit::text!("{}.labels.{key}", pod.metadata_path);
    match Level::of(ctx, pod.labels()) {
        Level::Known(rank, name) => Ok(WorkloadLevel {
            rank,
            name,
            source: "the pods' label",
        }),
        Level::Unknown(v) => Err(Finding::new(
            label_path,
            kit::text!(
                "{key} is {v}, not one of {}: the workload's classification cannot be decided",
                levels(ctx).join(", ")
            ),
        )),
        Level::Absent => match namespace_level(ctx, &label_path)? {
            Level::Known(rank, name) => Ok(WorkloadLevel {
                rank,
                name,
                source: "the namespace's label",
            }),
            Level::Absent => Ok(WorkloadLevel {
                rank: 0,
                name: levels(ctx).first().copied().unwrap_or("").to_string(),
                source: "no label on the pods or the namespace: lowest level",
            }),
            Level::Unknown(v) => Err(Finding::new(
                label_path,
                kit::text!(
                    "namespace \"{}\" has {key} {v}, not a configured level: the workload's classification cannot be decided",
                    request_namespace(ctx)
                ),
            )),
        },
    }
}
