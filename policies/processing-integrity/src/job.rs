//! The Job spec of a Job or of a CronJob's `jobTemplate`, with field paths.

use kit::Value;
use kit::{Ctx, Finding, Int, json};

/// Kinds whose objects carry a Job spec.
pub const KINDS: &[&str] = &["batch/Job", "batch/CronJob"];

static NULL: Value = Value::Null;

/// The Job spec under review: `spec` of a Job, `spec.jobTemplate.spec` of a CronJob.
pub struct JobSpec<'a> {
    pub spec: &'a Value,
    /// Dotted path of `spec`.
    pub path: &'static str,
    pub in_cronjob: bool,
}

impl<'a> JobSpec<'a> {
    pub fn of(ctx: &Ctx<'a>) -> JobSpec<'a> {
        let object = ctx.object();
        if ctx.request.kind == "CronJob" {
            JobSpec {
                spec: json::get(object, &["spec", "jobTemplate", "spec"]).unwrap_or(&NULL),
                path: "spec.jobTemplate.spec",
                in_cronjob: true,
            }
        } else {
            JobSpec {
                spec: json::get(object, &["spec"]).unwrap_or(&NULL),
                path: "spec",
                in_cronjob: false,
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.spec.get(key)
    }

    pub fn int(&self, key: &str) -> Int {
        Int::of(self.get(key))
    }

    pub fn field(&self, key: &str) -> String {
        kit::text!("{}.{key}", self.path)
    }

    /// A field of the pod template's spec.
    pub fn pod_get(&self, key: &str) -> Option<&'a Value> {
        json::get(self.spec, &["template", "spec", key])
    }

    pub fn pod_field(&self, key: &str) -> String {
        kit::text!("{}.template.spec.{key}", self.path)
    }

    /// `Job` or `CronJob's jobTemplate`, for messages.
    pub fn noun(&self) -> &'static str {
        if self.in_cronjob {
            "the CronJob's Jobs"
        } else {
            "the Job"
        }
    }
}

/// A finding for a value that is not an integer.
pub fn not_an_integer(path: String, v: Option<&Value>) -> Finding {
    let seen = v.map_or_else(|| "nothing".to_string(), |v| json::brief(v, 60));
    let name = path.rsplit('.').next().unwrap_or("").to_string();
    Finding::new(path, kit::text!("{name} is not an integer: {seen}"))
}

/// An integer field read fail-closed: `Ok(None)` when absent, a finding when malformed.
pub fn optional_int(js: &JobSpec, key: &str) -> Result<Option<i64>, Finding> {
    match js.int(key) {
        Int::Absent => Ok(None),
        Int::Value(v) => Ok(Some(v)),
        Int::Malformed => Err(not_an_integer(js.field(key), js.get(key))),
    }
}

/// An integer field of any object, read fail-closed.
pub fn int_at(object: &Value, keys: &[&str], path: &str) -> Result<Option<i64>, Finding> {
    let v = json::get(object, keys);
    match Int::of(v) {
        Int::Absent => Ok(None),
        Int::Value(n) => Ok(Some(n)),
        Int::Malformed => Err(not_an_integer(path.to_string(), v)),
    }
}

/// Whether a CronJob created the object (an owner reference of kind CronJob).
pub fn owned_by_cronjob(object: &Value) -> bool {
    json::get_array(object, &["metadata", "ownerReferences"])
        .iter()
        .any(|r| json::get_str(r, &["kind"]) == Some("CronJob"))
}
