//! `kube-soc2 annotate`: what `kwctl annotate` does for a waPC policy.

use crate::admission::PolicyConfig;
use crate::cluster_snapshot::Context;
use crate::engine::Host;
use crate::metadata::{
    ANNOTATION_USAGE, METADATA_SECTION, Metadata, append_custom_section, custom_sections,
};
use anyhow::{Context as _, Result, anyhow, bail};
use std::path::Path;
use std::sync::Arc;

/// The annotated module's bytes: `wasm` plus an `io.kubewarden.metadata`
/// section holding `metadata` with the protocol version the module reports.
pub fn annotate_bytes(
    host: &Host,
    name: &str,
    wasm: &[u8],
    mut metadata: Metadata,
    usage: Option<String>,
) -> Result<Vec<u8>> {
    if !custom_sections(wasm, METADATA_SECTION)?.is_empty() {
        bail!(
            "the module already has an {METADATA_SECTION} section; annotate the raw build output"
        );
    }
    if metadata.execution_mode != "kubewarden-wapc" {
        bail!(
            "executionMode {} is not supported; this host runs kubewarden-wapc modules",
            metadata.execution_mode
        );
    }
    // Ask the module itself, as kwctl's protocol detector does.
    let module = host.load_bytes(name, wasm, None)?;
    let answer = host
        .call(
            &module,
            &PolicyConfig::new(name),
            &Arc::new(Context::default()),
            "protocol_version",
            &[],
        )
        .map_err(|e| anyhow!("cannot read the module's protocol version: {e}"))?;
    let version: String = serde_json::from_slice(&answer).map_err(|e| {
        anyhow!(
            "protocol_version answered {:?}, not a JSON string: {e}",
            String::from_utf8_lossy(&answer)
        )
    })?;
    if version != "v1" {
        bail!("the module speaks protocol {version}; only v1 is supported");
    }
    metadata.protocol_version = Some(version);
    if let Some(usage) = usage {
        metadata
            .annotations
            .get_or_insert_with(Default::default)
            .insert(ANNOTATION_USAGE.to_string(), usage);
    }
    metadata.validate()?;
    Ok(append_custom_section(
        wasm,
        METADATA_SECTION,
        &metadata.to_json(),
    ))
}

pub fn annotate(
    host: &Host,
    metadata_path: &Path,
    usage: Option<&Path>,
    input: &Path,
    output: &Path,
) -> Result<()> {
    let text = std::fs::read_to_string(metadata_path)
        .with_context(|| format!("cannot read {}", metadata_path.display()))?;
    let metadata = Metadata::from_yaml(&text)
        .with_context(|| format!("{} is not valid policy metadata", metadata_path.display()))?;
    let usage = usage
        .map(|p| std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display())))
        .transpose()?;
    let wasm = std::fs::read(input).with_context(|| format!("cannot read {}", input.display()))?;
    let name = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "policy".into());
    let annotated = annotate_bytes(host, &name, &wasm, metadata, usage)
        .with_context(|| format!("cannot annotate {}", input.display()))?;
    if let Some(dir) = output.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(output, annotated)
        .with_context(|| format!("cannot write {}", output.display()))?;
    Ok(())
}
