//! The Pod Security Standards, checked as Kubernetes' `pod-security-admission`
//! checks them, one control per PSA check. Version-dependent rules follow the
//! `pssVersion` option, like a namespace's `enforce-version` label.

pub mod privileged;

use kit::{Ctx, Param, ParamKind};
use serde_json::{Map, Value};

pub const OPTIONS: &[Param] = &[Param {
    name: "pssVersion",
    kind: ParamKind::String,
    default: "\"latest\"",
    description: "Pod Security Standards version to apply: \"latest\" or \"v1.0\" ... \"v1.37\", like the pod-security.kubernetes.io/enforce-version label",
}];

/// The newest minor version this release knows; `latest` means this one.
pub const LATEST_MINOR: u32 = 37;

/// Minor version of a `v1.N` string, or `LATEST_MINOR` for `latest`.
pub fn parse_version(s: &str) -> Option<u32> {
    if s == "latest" {
        return Some(LATEST_MINOR);
    }
    let minor: u32 = s.strip_prefix("v1.")?.parse().ok()?;
    (minor <= LATEST_MINOR).then_some(minor)
}

pub fn validate_options(options: &Map<String, Value>) -> Result<(), String> {
    let v = options
        .get("pssVersion")
        .and_then(Value::as_str)
        .unwrap_or("latest");
    parse_version(v).map(|_| ()).ok_or_else(|| {
        format!("pssVersion: \"{v}\" is not \"latest\" or a version from v1.0 to v1.{LATEST_MINOR}")
    })
}

/// The PSS minor version in force for this evaluation.
pub fn minor(ctx: &Ctx) -> u32 {
    ctx.option_str("pssVersion")
        .and_then(parse_version)
        .unwrap_or(LATEST_MINOR)
}

/// SOC 2 / ISO criteria shared by the pod-hardening controls: logical access
/// restrictions (CC6.1), protection against unauthorised software and
/// privilege (CC6.8), secure configuration (A.8.9) and privileged access (A.8.2).
pub const SOC2: &[&str] = &["CC6.1", "CC6.8"];
pub const ISO: &[&str] = &["A.8.2", "A.8.9"];

pub const BASELINE: &[&str] = &["default", "pss-baseline", "pss-restricted"];
pub const RESTRICTED: &[&str] = &["pss-restricted"];

/// The 19 PSS checks: 12 baseline, then 7 restricted.
pub static CONTROLS: &[&kit::Control] = &[&privileged::CONTROL];
