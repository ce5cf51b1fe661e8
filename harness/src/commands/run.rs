//! `kube-soc2 run`: one evaluation, printed like `kwctl run`.

use crate::admission::{AdmissionResponse, PolicyConfig, PolicyMode};
use crate::cluster_snapshot::{Context, load_snapshot};
use crate::engine::Host;
use crate::request;
use anyhow::{Context as _, Result, anyhow, bail};
use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub struct RunArgs {
    pub policy: PathBuf,
    /// A file, or `-` for stdin.
    pub request: String,
    /// Inline JSON or a JSON/YAML file.
    pub settings: Option<String>,
    pub cluster: Option<PathBuf>,
    pub mode: PolicyMode,
    pub allowed_to_mutate: bool,
    pub allow_context_aware: bool,
    pub message: Option<String>,
}

/// Reads a file (or stdin for `-`) as UTF-8 text.
pub fn read_input(path: &str) -> Result<String> {
    let mut bytes = Vec::new();
    if path == "-" {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("cannot read the request from stdin")?;
    } else {
        bytes = std::fs::read(path).with_context(|| format!("cannot read {path}"))?;
    }
    String::from_utf8(bytes).map_err(|e| anyhow!("{path} is not UTF-8 text: {e}"))
}

/// `--settings`: inline JSON when it looks like JSON, a file otherwise.
pub fn parse_settings(arg: Option<&str>) -> Result<Value> {
    let Some(arg) = arg else {
        return Ok(Value::Object(Default::default()));
    };
    let trimmed = arg.trim_start();
    let value = if trimmed.starts_with('{') || trimmed.starts_with('[') || trimmed == "null" {
        serde_json::from_str(arg).map_err(|e| anyhow!("--settings is not valid JSON: {e}"))?
    } else {
        let text = read_input(arg).context("--settings is neither JSON nor a readable file")?;
        request::parse_text(&text).with_context(|| format!("settings file {arg}"))?
    };
    match value {
        Value::Null => Ok(Value::Object(Default::default())),
        Value::Object(_) => Ok(value),
        other => bail!(
            "settings must be a JSON object, got {}",
            crate::admission::json_type_name(&other)
        ),
    }
}

/// The cluster lookups answer from: the snapshot at `cluster`, or none at
/// all — like a policy-server that cannot reach the API server, every lookup
/// then fails rather than answering from an empty cluster.
pub fn load_context(cluster: Option<&Path>) -> Result<Arc<Context>> {
    Ok(Arc::new(match cluster {
        Some(path) => Context::new(load_snapshot(path)?, Vec::new()),
        None => Context::offline(),
    }))
}

/// Evaluates once; `Err` for anything that kept the evaluation from running.
pub fn run(host: &Host, args: &RunArgs) -> Result<AdmissionResponse> {
    let module = host.load(&args.policy)?;
    let text = read_input(&args.request)?;
    let input = request::parse_text(&text)
        .with_context(|| format!("cannot parse the request {}", args.request))?;
    let admission_request = request::from_input(input)
        .with_context(|| format!("cannot use the request {}", args.request))?;
    let settings = parse_settings(args.settings.as_deref())?;
    let validation = host.validate_settings(&module, &settings)?;
    if !validation.valid {
        bail!(
            "Provided settings are not valid: {}",
            validation.message.unwrap_or_default()
        );
    }
    let context = load_context(args.cluster.as_deref())?;
    if !args.allow_context_aware && !module.context_aware_resources().is_empty() {
        eprintln!(
            "warning: {} reads Kubernetes resources ({}); they are refused unless --allow-context-aware is given",
            module.name,
            module
                .context_aware_resources()
                .iter()
                .map(|r| format!("{}/{}", r.api_version, r.kind))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let config = PolicyConfig {
        id: module.name.clone(),
        mode: args.mode,
        allowed_to_mutate: args.allowed_to_mutate,
        allow_context_aware: args.allow_context_aware,
        custom_message: args.message.clone(),
    };
    host.evaluate(
        &module,
        &admission_request.to_value(),
        &settings,
        &config,
        &context,
    )
}
