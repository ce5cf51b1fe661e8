//! From the policy's `ValidationResponse` (snake_case) to the Kubernetes
//! `AdmissionResponse` (camelCase), with the post-processing policy-server
//! applies: JSONPatch of `mutated_object`, policy mode, mutation permission.

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// What `validate` returns (kubewarden-policy-sdk `ValidationResponse`).
#[derive(Deserialize, Debug, Clone, PartialEq)]
pub struct ValidationResponse {
    pub accepted: bool,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub code: Option<u16>,
    #[serde(default)]
    pub mutated_object: Option<Value>,
    #[serde(default)]
    pub audit_annotations: Option<BTreeMap<String, String>>,
    #[serde(default)]
    pub warnings: Option<Vec<String>>,
}

/// What `validate_settings` returns.
#[derive(Deserialize, Debug, Clone, PartialEq)]
pub struct SettingsValidationResponse {
    pub valid: bool,
    #[serde(default)]
    pub message: Option<String>,
}

#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
pub struct StatusCause {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
pub struct StatusDetails {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub causes: Vec<StatusCause>,
}

#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
pub struct AdmissionResponseStatus {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<StatusDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<u16>,
}

/// Kubernetes `admission/v1` AdmissionResponse, in policy-evaluator's field
/// order (so printed lines look like kwctl's).
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AdmissionResponse {
    pub uid: String,
    pub allowed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patch_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patch: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<AdmissionResponseStatus>,
    pub audit_annotations: Option<BTreeMap<String, String>>,
    pub warnings: Option<Vec<String>>,
}

/// policy-server's answer when an evaluation exceeded its epoch deadline.
pub const TIMEOUT_MESSAGE: &str =
    "Policy execution interrupted because it exceeded the allowed execution time";

const DELETE_MUTATION_MESSAGE: &str = "Incoming object is null, which happens only with DELETE operations, but the policy is attempting a mutation. This is not allowed";

impl AdmissionResponse {
    pub fn reject(uid: &str, message: String, code: Option<u16>) -> AdmissionResponse {
        AdmissionResponse {
            uid: uid.to_string(),
            allowed: false,
            status: Some(AdmissionResponseStatus {
                message: Some(message),
                code,
                ..AdmissionResponseStatus::default()
            }),
            ..AdmissionResponse::default()
        }
    }

    pub fn reject_internal_server_error(uid: &str, message: impl std::fmt::Display) -> Self {
        Self::reject(uid, format!("internal server error: {message}"), Some(500))
    }

    pub fn timeout(uid: &str) -> Self {
        Self::reject(uid, TIMEOUT_MESSAGE.to_string(), Some(500))
    }

    pub fn message(&self) -> &str {
        self.status
            .as_ref()
            .and_then(|s| s.message.as_deref())
            .unwrap_or("")
    }

    pub fn code(&self) -> Option<u16> {
        self.status.as_ref().and_then(|s| s.code)
    }

    /// The decoded JSONPatch, if any.
    pub fn decoded_patch(&self) -> Option<Result<Value, String>> {
        let patch = self.patch.as_ref()?;
        Some(
            base64::engine::general_purpose::STANDARD
                .decode(patch)
                .map_err(|e| format!("patch is not base64: {e}"))
                .and_then(|bytes| {
                    serde_json::from_slice(&bytes).map_err(|e| format!("patch is not JSON: {e}"))
                }),
        )
    }

    /// One JSON line, as `kwctl run` prints it.
    pub fn to_json_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// policy-evaluator's `AdmissionResponse::from_policy_validation_response`.
/// `object` is the diff base: the request's `object` (absent for DELETE).
pub fn from_validation_response(
    uid: &str,
    object: Option<&Value>,
    response: ValidationResponse,
) -> AdmissionResponse {
    let Some(object) = object else {
        if response.mutated_object.is_some() {
            return AdmissionResponse {
                uid: uid.to_string(),
                allowed: false,
                status: Some(AdmissionResponseStatus {
                    message: Some(DELETE_MUTATION_MESSAGE.to_string()),
                    ..AdmissionResponseStatus::default()
                }),
                ..AdmissionResponse::default()
            };
        }
        return plain(uid, response, None);
    };
    let patch = response.mutated_object.as_ref().and_then(|mutated| {
        let diff = json_patch::diff(object, mutated);
        if diff.0.is_empty() {
            None
        } else {
            let text = serde_json::to_string(&diff).unwrap_or_default();
            Some(base64::engine::general_purpose::STANDARD.encode(text))
        }
    });
    plain(uid, response, patch)
}

fn plain(uid: &str, response: ValidationResponse, patch: Option<String>) -> AdmissionResponse {
    let status =
        (response.message.is_some() || response.code.is_some()).then(|| AdmissionResponseStatus {
            message: response.message,
            code: response.code,
            ..AdmissionResponseStatus::default()
        });
    AdmissionResponse {
        uid: uid.to_string(),
        allowed: response.accepted,
        patch_type: patch.as_ref().map(|_| "JSONPatch".to_string()),
        patch,
        status,
        audit_annotations: response.audit_annotations,
        warnings: response.warnings,
    }
}

/// `policyMode` of a policy (policies.yml) / `mode` of the CRDs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PolicyMode {
    #[default]
    Protect,
    Monitor,
}

impl std::str::FromStr for PolicyMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "protect" => Ok(PolicyMode::Protect),
            "monitor" => Ok(PolicyMode::Monitor),
            other => Err(format!(
                "unknown policy mode \"{other}\"; expected protect or monitor"
            )),
        }
    }
}

/// How a policy is deployed: the parts of a policies.yml entry that change
/// what the host answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyConfig {
    /// Policy id used in messages (policies.yml key).
    pub id: String,
    pub mode: PolicyMode,
    pub allowed_to_mutate: bool,
    /// Grant the module's `contextAwareResources` (kwctl `--allow-context-aware`).
    pub allow_context_aware: bool,
    /// policies.yml `message`: replaces the message of a rejection.
    pub custom_message: Option<String>,
}

impl PolicyConfig {
    /// What `kwctl run module.wasm` uses: protect, mutation allowed.
    pub fn new(id: impl Into<String>) -> PolicyConfig {
        PolicyConfig {
            id: id.into(),
            mode: PolicyMode::Protect,
            allowed_to_mutate: true,
            allow_context_aware: false,
            custom_message: None,
        }
    }
}

/// policy-evaluator's `AdmissionResponseHandler::process_response`.
pub fn process_response(
    mut response: AdmissionResponse,
    config: &PolicyConfig,
) -> AdmissionResponse {
    match config.mode {
        PolicyMode::Monitor => {
            response.allowed = true;
            response.patch = None;
            response.patch_type = None;
            response.status = None;
            return response;
        }
        PolicyMode::Protect => {}
    }
    if !config.allowed_to_mutate && response.patch.is_some() {
        response.allowed = false;
        response.patch = None;
        response.patch_type = None;
        response.status = Some(AdmissionResponseStatus {
            message: Some(format!(
                "Request rejected by policy {}. The policy attempted to mutate the request, but it is currently configured to not allow mutations.",
                config.id
            )),
            ..AdmissionResponseStatus::default()
        });
    }
    if let Some(custom) = &config.custom_message
        && !response.allowed
    {
        let status = response.status.get_or_insert_with(Default::default);
        let original = status.message.replace(custom.clone());
        if let Some(original) = original {
            status.details = Some(StatusDetails {
                causes: vec![StatusCause {
                    message: Some(original),
                    field: None,
                }],
            });
        }
    }
    response
}

/// `null`, `a boolean`, … for messages about unexpected JSON.
pub fn json_type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vr(v: Value) -> ValidationResponse {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn mutation_becomes_a_base64_json_patch() {
        let object = json!({"metadata": {"name": "a"}});
        let r = from_validation_response(
            "u",
            Some(&object),
            vr(
                json!({"accepted": true, "mutated_object": {"metadata": {"name": "a", "labels": {"x": "y"}}}}),
            ),
        );
        assert_eq!(r.patch_type.as_deref(), Some("JSONPatch"));
        assert_eq!(
            r.decoded_patch().unwrap().unwrap(),
            json!([{"op": "add", "path": "/metadata/labels", "value": {"x": "y"}}])
        );
        assert!(r.status.is_none());
        let same = from_validation_response(
            "u",
            Some(&object),
            vr(json!({"accepted": true, "mutated_object": object.clone()})),
        );
        assert!(same.patch.is_none());
    }

    #[test]
    fn delete_mutation_is_refused_and_modes_apply() {
        let r = from_validation_response(
            "u",
            None,
            vr(json!({"accepted": true, "mutated_object": {}})),
        );
        assert!(!r.allowed);
        let denied = from_validation_response(
            "u",
            Some(&json!({})),
            vr(json!({"accepted": false, "message": "no", "code": 400, "warnings": ["w"]})),
        );
        let mut monitor = PolicyConfig::new("p");
        monitor.mode = PolicyMode::Monitor;
        let m = process_response(denied.clone(), &monitor);
        assert!(m.allowed && m.status.is_none() && m.warnings.is_some());
        let mut custom = PolicyConfig::new("p");
        custom.custom_message = Some("custom".into());
        let c = process_response(denied, &custom);
        assert_eq!(c.message(), "custom");
        assert_eq!(
            c.status.unwrap().details.unwrap().causes[0]
                .message
                .as_deref(),
            Some("no")
        );
    }

    #[test]
    fn serialises_like_kwctl() {
        let r = AdmissionResponse::reject("u", "m".into(), Some(400));
        assert_eq!(
            r.to_json_line(),
            r#"{"uid":"u","allowed":false,"status":{"message":"m","code":400},"auditAnnotations":null,"warnings":null}"#
        );
    }
}
