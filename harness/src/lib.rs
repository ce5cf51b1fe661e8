//! kube-soc2 harness: a wasmtime host that evaluates kube-soc2's policy
//! modules the way Kubewarden's policy-server does, and the commands of the
//! `kube-soc2` CLI built on it.
//!
//! ```no_run
//! use kube_soc2::{Host, HostOptions, Context, PolicyConfig};
//! use std::sync::Arc;
//! # fn main() -> anyhow::Result<()> {
//! let host = Host::new(HostOptions::default())?;
//! let module = host.load("dist/access-control.wasm".as_ref())?;
//! let request = serde_json::json!({"uid": "1", "kind": {"group": "", "version": "v1", "kind": "Pod"},
//!     "operation": "CREATE", "object": {"metadata": {"name": "p"}, "spec": {"containers": []}}});
//! let settings = serde_json::json!({});
//! assert!(host.validate_settings(&module, &settings)?.valid);
//! let ctx = Arc::new(Context::default());
//! let answer = host.evaluate(&module, &request, &settings, &PolicyConfig::new("p"), &ctx)?;
//! println!("{}", answer.to_json_line());
//! # Ok(()) }
//! ```

pub mod admission;
pub mod catalogue;
pub mod cluster_snapshot;
pub mod commands;
pub mod compile_cache;
pub mod engine;
pub mod fixtures;
pub mod host_capabilities;
pub mod metadata;
pub mod request;
pub mod wapc;

pub use admission::{AdmissionResponse, PolicyConfig, PolicyMode};
pub use cluster_snapshot::{Context, RecordedCall};
pub use engine::{CallError, Host, HostOptions, LoadedModule, PolicyInstance};
pub use metadata::Metadata;
pub use request::AdmissionRequest;
