use crate::engine::Host;
use anyhow::Result;
use std::path::Path;
pub fn replay(_host: &Host, _dist: &Path, _fixtures: &Path, _filter: Option<&str>) -> Result<bool> { todo!() }
