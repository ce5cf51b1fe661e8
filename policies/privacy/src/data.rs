//! What the privacy controls know about an object's data: the family-wide
//! options naming the labels and annotations (personal-data mark, the
//! classification label owned by the confidentiality family, legal hold,
//! retention, data owner, disposal procedure), and the readers of those marks.
//!
//! A mark is a label or an annotation with the configured key. Reading is
//! fail-closed: the key present with any value but `"false"` (or a JSON
//! `false`, as an unquoted YAML manifest holds it) marks the object, so
//! `"yes"`, `"TRUE"` or `"1"` cannot sneak personal data past the controls.

use kit::{Ctx, Param, ParamKind, json};
use kit::{Value, dom::Map};

pub const PERSONAL_DATA_KEY: &str = "personalDataKey";
pub const CLASSIFICATION_LABEL: &str = "classificationLabel";
pub const REGULATED_CLASSES: &str = "regulatedClasses";
pub const LEGAL_HOLD_KEY: &str = "legalHoldKey";
pub const RETENTION_ANNOTATION: &str = "retentionAnnotation";
pub const OWNER_ANNOTATION: &str = "dataOwnerAnnotation";
pub const DISPOSAL_ANNOTATION: &str = "disposalAnnotation";

/// Family-wide settings keys (top level of the settings, like `controls`).
pub static OPTIONS: &[Param] = &[
    Param {
        name: PERSONAL_DATA_KEY,
        kind: ParamKind::String,
        default: "\"privacy.kube-soc2.io/personal-data\"",
        description: kit::cold!(
            "label or annotation marking an object as holding personal data (any value but \"false\")"
        ),
    },
    Param {
        name: CLASSIFICATION_LABEL,
        kind: ParamKind::String,
        default: "\"data-classification\"",
        description: kit::cold!(
            "label holding the data classification (owned and validated by the confidentiality module; read here)"
        ),
    },
    Param {
        name: REGULATED_CLASSES,
        kind: ParamKind::StringList,
        default: "[\"confidential\", \"restricted\"]",
        description: kit::cold!(
            "classification values whose storage, snapshots and backups are regulated like personal data"
        ),
    },
    Param {
        name: LEGAL_HOLD_KEY,
        kind: ParamKind::String,
        default: "\"privacy.kube-soc2.io/legal-hold\"",
        description: kit::cold!(
            "label or annotation putting an object under legal hold (any value but \"false\")"
        ),
    },
    Param {
        name: RETENTION_ANNOTATION,
        kind: ParamKind::String,
        default: "\"privacy.kube-soc2.io/retention\"",
        description: kit::cold!(
            "annotation holding the retention period as an ISO 8601 duration (e.g. P7Y)"
        ),
    },
    Param {
        name: OWNER_ANNOTATION,
        kind: ParamKind::String,
        default: "\"privacy.kube-soc2.io/data-owner\"",
        description: kit::cold!("annotation naming the accountable data owner"),
    },
    Param {
        name: DISPOSAL_ANNOTATION,
        kind: ParamKind::String,
        default: "\"privacy.kube-soc2.io/disposal-procedure\"",
        description: kit::cold!(
            "annotation documenting the disposal path (procedure id or URL) that allows reclaim/deletion policy Delete"
        ),
    },
];

/// Every key option must be a label/annotation key Kubernetes accepts.
pub fn validate_options(options: &Map) -> Result<(), String> {
    for name in [
        PERSONAL_DATA_KEY,
        CLASSIFICATION_LABEL,
        LEGAL_HOLD_KEY,
        RETENTION_ANNOTATION,
        OWNER_ANNOTATION,
        DISPOSAL_ANNOTATION,
    ] {
        let key = options.get(name).and_then(Value::as_str).unwrap_or("");
        crate::meta::check_qualified_name(key)
            .map_err(|e| kit::text!("{name}: \"{}\" {e}", crate::meta::bounded(key)))?;
    }
    Ok(())
}

/// The configured key of option `name`.
pub fn key<'a>(ctx: &Ctx<'a>, name: &str) -> &'a str {
    ctx.option_str(name).unwrap_or("")
}

/// Where a mark was found: the field path and its value.
pub struct Mark<'a> {
    pub path: String,
    pub value: &'a Value,
}

impl Mark<'_> {
    /// Whether the mark sets its flag (anything but `"false"` / `false`).
    pub fn is_set(&self) -> bool {
        !matches!(self.value, Value::Bool(false) | Value::Null)
            && self.value.as_str() != Some("false")
    }
}

/// The label, else the annotation, `key` of `obj`.
pub fn mark<'a>(obj: &'a Value, key: &str) -> Option<Mark<'a>> {
    for field in ["labels", "annotations"] {
        if let Some(v) = json::get_obj(obj, &["metadata", field]).and_then(|m| m.get(key)) {
            return Some(Mark {
                path: kit::text!("metadata.{field}['{key}']"),
                value: v,
            });
        }
    }
    None
}

/// Whether `obj` carries the flag `key` set (label or annotation).
pub fn flagged(obj: &Value, key: &str) -> bool {
    set_at(obj, key).is_some()
}

/// The field path of the label or annotation `key` setting the flag. A label
/// and an annotation may disagree: either one setting it wins.
pub fn set_at(obj: &Value, key: &str) -> Option<String> {
    ["labels", "annotations"].iter().find_map(|field| {
        let value = json::get_obj(obj, &["metadata", field])?.get(key)?;
        Mark {
            path: String::new(),
            value,
        }
        .is_set()
        .then(|| kit::text!("metadata.{field}['{key}']"))
    })
}

/// What the marks of an object say about its data.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Marks {
    /// Marked as holding personal data.
    pub personal: bool,
    /// The classification label's value, when it is a string.
    pub class: Option<String>,
    /// Personal data, or a classification among `regulatedClasses`.
    pub regulated: bool,
}

impl Marks {
    pub fn of(ctx: &Ctx, obj: &Value) -> Marks {
        let personal = flagged(obj, key(ctx, PERSONAL_DATA_KEY));
        let class = json::get_str(obj, &["metadata", "labels", key(ctx, CLASSIFICATION_LABEL)])
            .map(str::to_string);
        let regulated_classes = regulated_classes(ctx);
        let regulated = personal
            || class
                .as_deref()
                .is_some_and(|c| regulated_classes.iter().any(|r| r == c));
        Marks {
            personal,
            class,
            regulated,
        }
    }

    /// Both objects' marks (an object and its namespace): either one marking wins.
    pub fn or(self, other: Marks) -> Marks {
        Marks {
            personal: self.personal || other.personal,
            class: self.class.or(other.class),
            regulated: self.regulated || other.regulated,
        }
    }

    /// `personal data`, `classification confidential`, for messages.
    pub fn describe(&self) -> String {
        match (&self.class, self.personal) {
            (Some(c), true) => kit::text!("personal data, classification {c}"),
            (Some(c), false) => kit::text!("classification {c}"),
            (None, _) => "personal data".to_string(),
        }
    }
}

pub fn regulated_classes(ctx: &Ctx) -> Vec<String> {
    ctx.options
        .get(REGULATED_CLASSES)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Whether the object is under legal hold.
pub fn on_hold(ctx: &Ctx, obj: &Value) -> bool {
    flagged(obj, key(ctx, LEGAL_HOLD_KEY))
}

/// The annotation `key` of `obj`: `Ok(None)` absent, `Err` not a string.
pub fn annotation<'a>(obj: &'a Value, key: &str) -> Result<Option<&'a str>, &'a Value> {
    kit::value::string(json::get(obj, &["metadata", "annotations", key]))
}

pub fn annotation_path(key: &str) -> String {
    kit::text!("metadata.annotations['{key}']")
}

/// The documented disposal path, if the object carries a non-blank one.
pub fn disposal_documented(ctx: &Ctx, obj: &Value) -> bool {
    matches!(annotation(obj, key(ctx, DISPOSAL_ANNOTATION)), Ok(Some(s)) if !s.trim().is_empty())
}

/// Whether the requesting user belongs to one of `groups`.
pub fn user_in(ctx: &Ctx, groups: &[String]) -> Option<String> {
    ctx.request
        .groups
        .iter()
        .find(|g| groups.iter().any(|a| a == g.as_str()))
        .map(|g| kit::text::owned(g))
}

/// The namespace of a namespaced object, looked up through context: the
/// object (`Ok(None)` when it does not exist) or the finding to report.
pub fn namespace_object(ctx: &Ctx, path: &str) -> Result<Option<Value>, kit::Finding> {
    let ns = match ctx.request.namespace() {
        "" => "default",
        ns => ns,
    };
    ctx.cluster.get("v1", "Namespace", None, ns).map_err(|e| {
        kit::Finding::new(
            path,
            kit::text!(
                "could not verify the data marks of namespace {ns}: {}",
                crate::meta::first_line(&e)
            ),
        )
    })
}
