use crate::engine::Host;
use anyhow::Result;
use std::path::Path;
pub fn conformance(_host: &Host, _cases: &Path, _module: &Path, _filter: Option<&str>) -> Result<bool> { todo!() }
