//! Kubewarden policy metadata (`metadata.yml`) and its home inside the module:
//! the `io.kubewarden.metadata` custom section written by `kwctl annotate`.

use crate::host_capabilities::ContextAwareResource;
use anyhow::{Context as _, Result, bail};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Name of the custom section holding the metadata as compact JSON.
pub const METADATA_SECTION: &str = "io.kubewarden.metadata";
pub const ANNOTATION_USAGE: &str = "io.kubewarden.policy.usage";

/// An admission rule (`RuleWithOperations`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    pub api_groups: Vec<String>,
    pub api_versions: Vec<String>,
    pub resources: Vec<String>,
    pub operations: Vec<String>,
}

fn default_true() -> bool {
    true
}

fn default_execution_mode() -> String {
    "kubewarden-wapc".into()
}

fn default_policy_type() -> String {
    "kubernetes".into()
}

/// policy-evaluator's `Metadata`, in its field order (serialised as kwctl does).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    /// Set by annotate from the module's `protocol_version`; never written by hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol_version: Option<String>,
    pub rules: Vec<Rule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
    pub mutating: bool,
    #[serde(default = "default_true")]
    pub background_audit: bool,
    #[serde(default = "default_execution_mode")]
    pub execution_mode: String,
    #[serde(default = "default_policy_type")]
    pub policy_type: String,
    #[serde(default)]
    pub context_aware_resources: Vec<ContextAwareResource>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_kubewarden_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_capabilities: Option<Vec<String>>,
}

const OPERATIONS: &[&str] = &["CREATE", "UPDATE", "DELETE", "CONNECT", "*"];

impl Metadata {
    /// Parses metadata.yml (`rules` and `mutating` are required, as in kwctl).
    pub fn from_yaml(text: &str) -> Result<Metadata> {
        let metadata: Metadata = serde_yaml::from_str(text)?;
        metadata.validate()?;
        Ok(metadata)
    }

    /// The checks kwctl's metadata validation makes on what we write.
    pub fn validate(&self) -> Result<()> {
        if self.rules.is_empty() {
            bail!("rules: at least one rule is required");
        }
        for (i, rule) in self.rules.iter().enumerate() {
            for (field, list) in [
                ("apiGroups", &rule.api_groups),
                ("apiVersions", &rule.api_versions),
                ("resources", &rule.resources),
                ("operations", &rule.operations),
            ] {
                if list.is_empty() {
                    bail!("rules[{i}].{field} must not be empty");
                }
                if list.len() > 1 && list.iter().any(|v| v == "*") {
                    bail!("rules[{i}].{field}: \"*\" must be the only entry");
                }
            }
            if let Some(op) = rule
                .operations
                .iter()
                .find(|o| !OPERATIONS.contains(&o.as_str()))
            {
                bail!("rules[{i}].operations: unknown operation \"{op}\"");
            }
        }
        if !matches!(
            self.execution_mode.as_str(),
            "kubewarden-wapc" | "opa" | "gatekeeper" | "wasi"
        ) {
            bail!("unknown executionMode \"{}\"", self.execution_mode);
        }
        if !matches!(self.policy_type.as_str(), "kubernetes" | "raw") {
            bail!("unknown policyType \"{}\"", self.policy_type);
        }
        for (i, r) in self.context_aware_resources.iter().enumerate() {
            if r.api_version.is_empty() || r.kind.is_empty() {
                bail!("contextAwareResources[{i}] needs apiVersion and kind");
            }
        }
        Ok(())
    }

    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

/// Payloads of every custom section named `name`, in module order.
pub fn custom_sections<'a>(wasm: &'a [u8], name: &str) -> Result<Vec<&'a [u8]>> {
    let mut found = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let wasmparser::Payload::CustomSection(reader) =
            payload.context("the file is not a WebAssembly module")?
            && reader.name() == name
        {
            found.push(reader.data());
        }
    }
    Ok(found)
}

/// The embedded metadata: the first `io.kubewarden.metadata` section, or
/// `None` for a module that was never annotated.
pub fn read_metadata(wasm: &[u8]) -> Result<Option<Metadata>> {
    match custom_sections(wasm, METADATA_SECTION)?.first() {
        None => Ok(None),
        Some(data) => serde_json::from_slice(data)
            .map(Some)
            .with_context(|| format!("the {METADATA_SECTION} section is not valid metadata")),
    }
}

fn leb128(mut n: usize, out: &mut Vec<u8>) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// `wasm` with a custom section appended. Custom sections may sit anywhere
/// after the header, so the module's own bytes are kept as they are.
pub fn append_custom_section(wasm: &[u8], name: &str, data: &[u8]) -> Vec<u8> {
    let mut body = Vec::with_capacity(name.len() + data.len() + 5);
    leb128(name.len(), &mut body);
    body.extend_from_slice(name.as_bytes());
    body.extend_from_slice(data);
    let mut out = Vec::with_capacity(wasm.len() + body.len() + 6);
    out.extend_from_slice(wasm);
    out.push(0); // custom section id
    leb128(body.len(), &mut out);
    out.extend_from_slice(&body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = r#"
rules:
  - apiGroups: [""]
    apiVersions: ["v1"]
    resources: ["pods"]
    operations: ["CREATE"]
mutating: false
contextAwareResources: [{apiVersion: v1, kind: Namespace}]
annotations:
  io.kubewarden.policy.title: t
"#;

    #[test]
    fn section_round_trip() {
        let mut m = Metadata::from_yaml(YAML).unwrap();
        m.protocol_version = Some("v1".into());
        let wasm = wat::parse_str("(module)").unwrap();
        assert_eq!(read_metadata(&wasm).unwrap(), None);
        let annotated = append_custom_section(&wasm, METADATA_SECTION, &m.to_json());
        wasmparser::Validator::new()
            .validate_all(&annotated)
            .unwrap();
        assert_eq!(read_metadata(&annotated).unwrap(), Some(m.clone()));
        let text = String::from_utf8(m.to_json()).unwrap();
        assert!(text.starts_with(r#"{"protocolVersion":"v1","rules":[{"apiGroups":[""],"#));
        assert!(text.contains(r#""backgroundAudit":true,"executionMode":"kubewarden-wapc","policyType":"kubernetes","contextAwareResources":[{"apiVersion":"v1","kind":"Namespace"}]"#));
    }

    #[test]
    fn refuses_bad_metadata() {
        assert!(Metadata::from_yaml("mutating: false").is_err());
        assert!(Metadata::from_yaml(&YAML.replace("CREATE", "CRATE")).is_err());
    }
}
