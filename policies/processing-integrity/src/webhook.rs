//! The webhooks of a Validating/MutatingWebhookConfiguration, with field paths.

use kit::Value;
use kit::{Ctx, Finding, glob, json};

pub const KINDS: &[&str] = &[
    "admissionregistration.k8s.io/ValidatingWebhookConfiguration",
    "admissionregistration.k8s.io/MutatingWebhookConfiguration",
];

/// One entry of `webhooks`.
pub struct Hook<'a> {
    pub value: &'a Value,
    pub name: &'a str,
    /// `webhooks[i]`.
    pub path: String,
}

impl<'a> Hook<'a> {
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.value.get(key)
    }

    pub fn field(&self, key: &str) -> String {
        kit::text!("{}.{key}", self.path)
    }

    /// `webhook "name"`, for messages.
    pub fn describe(&self) -> String {
        kit::text!("webhook \"{}\"", self.name)
    }
}

/// The webhooks of the object; a finding when `webhooks` or an entry has a
/// shape the API server never admits (fail closed: nothing is "checked" that
/// could not be read).
pub fn hooks(object: &Value) -> Result<Vec<Hook<'_>>, Finding> {
    let items = match object.get("webhooks") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(Finding::new(
                "webhooks",
                kit::text!("webhooks is not a list: {}", json::brief(other, 60)),
            ));
        }
    };
    items
        .iter()
        .enumerate()
        .map(|(i, v)| {
            if !v.is_object() {
                return Err(Finding::new(
                    kit::text!("webhooks[{i}]"),
                    kit::text!("webhook entry is not an object: {}", json::brief(v, 60)),
                ));
            }
            Ok(Hook {
                value: v,
                name: json::get_str(v, &["name"]).unwrap_or(""),
                path: kit::text!("webhooks[{i}]"),
            })
        })
        .collect()
}

/// Whether the configuration is served as `admissionregistration.k8s.io/v1beta1`
/// (removed in 1.22), whose defaults differ (failurePolicy Ignore, timeout 30 s,
/// sideEffects Unknown).
pub fn is_v1beta1(ctx: &Ctx) -> bool {
    let api_version = json::get_str(ctx.object(), &["apiVersion"]).unwrap_or("");
    api_version.ends_with("/v1beta1")
        || (api_version.is_empty() && ctx.request.version == "v1beta1")
}

/// Whether the configuration's name or the webhook's name matches one of `patterns`.
pub fn selected(ctx: &Ctx, hook: &Hook, patterns: &[String]) -> bool {
    let config = json::get_str(ctx.object(), &["metadata", "name"]).unwrap_or("");
    glob::any_matches(patterns, config) || glob::any_matches(patterns, hook.name)
}
