use anyhow::Result;
use std::path::Path;
use super::controls::Format;
pub fn bench(_dist: &Path, _request: Option<&Path>, _settings: Option<&str>, _iterations: usize, _format: Format) -> Result<bool> { todo!() }
