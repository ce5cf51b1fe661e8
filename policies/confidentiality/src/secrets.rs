//! Every Secret a pod template references: secret volumes, projected
//! volume sources, `env[].valueFrom.secretKeyRef` and `envFrom[].secretRef`
//! of every container list, with the field path of each reference.

use kit::Value;
use kit::{Container, Finding, PodTemplate, json};

/// How a Secret is referenced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    Volume,
    Projected,
    EnvKey,
    EnvFrom,
}

impl Via {
    pub fn describe(self) -> &'static str {
        match self {
            Via::Volume => "secret volume",
            Via::Projected => "projected volume source",
            Via::EnvKey => "env secretKeyRef",
            Via::EnvFrom => "envFrom secretRef",
        }
    }
}

/// One reference to a Secret.
#[derive(Clone, Debug)]
pub struct SecretRef<'a> {
    /// The Secret's name; `Err` carries the value when it is not a string
    /// (an absent name is the empty string).
    pub name: Result<&'a str, &'a Value>,
    /// Field below the container (container references) or the full path
    /// (volume references).
    pub field: String,
    pub container: Option<Container<'a>>,
    pub optional: bool,
    pub via: Via,
}

impl SecretRef<'_> {
    /// A finding about this reference.
    pub fn finding(&self, pod: &PodTemplate, message: impl Into<String>) -> Finding {
        match &self.container {
            Some(c) => Finding::container(c, &self.field, message),
            None => Finding::new(pod.field_path(&self.field), message),
        }
    }

    /// Full field path of the reference.
    pub fn path(&self, pod: &PodTemplate) -> String {
        match &self.container {
            Some(c) => c.field_path(&self.field),
            None => pod.field_path(&self.field),
        }
    }
}

fn name_of<'a>(v: &'a Value, key: &str) -> Result<&'a str, &'a Value> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(""),
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(other),
    }
}

fn optional(v: &Value) -> bool {
    v.get("optional") == Some(&Value::Bool(true))
}

/// Every Secret reference of `pod`, volumes first, then containers in list order.
pub fn references<'a>(pod: &'a PodTemplate<'a>) -> Vec<SecretRef<'a>> {
    let mut out = Vec::new();
    for (i, vol) in pod.volumes() {
        if let Some(s) = vol.get("secret").filter(|s| s.is_object()) {
            out.push(SecretRef {
                name: name_of(s, "secretName"),
                field: kit::text!("volumes[{i}].secret.secretName"),
                container: None,
                optional: optional(s),
                via: Via::Volume,
            });
        }
        for (j, src) in json::get_array(vol, &["projected", "sources"])
            .iter()
            .enumerate()
        {
            if let Some(s) = src.get("secret").filter(|s| s.is_object()) {
                out.push(SecretRef {
                    name: name_of(s, "name"),
                    field: kit::text!("volumes[{i}].projected.sources[{j}].secret.name"),
                    container: None,
                    optional: optional(s),
                    via: Via::Projected,
                });
            }
        }
    }
    for c in pod.containers() {
        for (k, e) in json::get_array(c.raw, &["env"]).iter().enumerate() {
            if let Some(s) = json::get(e, &["valueFrom", "secretKeyRef"]).filter(|s| s.is_object())
            {
                out.push(SecretRef {
                    name: name_of(s, "name"),
                    field: kit::text!("env[{k}].valueFrom.secretKeyRef.name"),
                    container: Some(c),
                    optional: optional(s),
                    via: Via::EnvKey,
                });
            }
        }
        for (k, e) in json::get_array(c.raw, &["envFrom"]).iter().enumerate() {
            if let Some(s) = e.get("secretRef").filter(|s| s.is_object()) {
                out.push(SecretRef {
                    name: name_of(s, "name"),
                    field: kit::text!("envFrom[{k}].secretRef.name"),
                    container: Some(c),
                    optional: optional(s),
                    via: Via::EnvFrom,
                });
            }
        }
    }
    out
}
