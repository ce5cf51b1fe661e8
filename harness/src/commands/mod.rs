//! The `kube-soc2` subcommands. Each returns whether everything it checked
//! passed; errors are for input it could not use.

pub mod annotate;
pub mod artifacthub;
pub mod bench;
pub mod conformance;
pub mod controls;
pub mod explain;
pub mod manifest;
pub mod new_family;
pub mod package;
pub mod replay;
pub mod run;
pub mod scaffold;
pub mod scan;

use anyhow::{Context as _, Result, bail};
use std::path::{Path, PathBuf};

/// `dist/*.wasm`, sorted.
pub fn dist_modules(dist: &Path) -> Result<Vec<PathBuf>> {
    let mut modules: Vec<PathBuf> = std::fs::read_dir(dist)
        .with_context(|| format!("cannot read {} (run scripts/build first)", dist.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "wasm"))
        .collect();
    modules.sort();
    if modules.is_empty() {
        bail!(
            "{} holds no .wasm module (run scripts/build first)",
            dist.display()
        );
    }
    Ok(modules)
}
