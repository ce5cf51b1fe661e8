//! Group ids within a range: `runAsGroup`, `supplementalGroups`, `fsGroup`
//! (Kubewarden `user-group-psp` and `allowed-fsgroups-psp`, Gatekeeper
//! `K8sPSPAllowedUsers`). PSS restricts the user id only, so a container may
//! still run with the root group (0) and read root-group-owned files.

use kit::Value;
use kit::control::Params;
use kit::{Criteria, Param, ParamKind};

pub(crate) const ID_RANGE: ParamKind = ParamKind::Integer {
    min: 0,
    max: i32::MAX as i64,
};

pub(crate) const MIN: Param = Param {
    name: "min",
    kind: ID_RANGE,
    default: "1",
    description: kit::cold!("Lowest allowed group id (1 excludes the root group)"),
};

pub(crate) const MAX: Param = Param {
    name: "max",
    kind: ID_RANGE,
    default: "2147483647",
    description: kit::cold!("Highest allowed group id"),
};

pub(crate) const CRITERIA: Criteria = Criteria {
    soc2: super::SOC2,
    iso27001: super::ISO,
    pss: &[],
    cis: &[],
};

pub(crate) fn validate_range(p: &Params) -> Result<(), String> {
    let (min, max) = (p.int("min"), p.int("max"));
    if min > max {
        return Err(kit::text!("min ({min}) is greater than max ({max})"));
    }
    Ok(())
}

/// Why `v` is not an allowed group id, if it is not.
pub(crate) fn out_of_range(v: &Value, min: i64, max: i64) -> Option<String> {
    match kit::Int::of(Some(v)) {
        kit::Int::Value(id) if (min..=max).contains(&id) => None,
        kit::Int::Value(id) => Some(kit::text!(
            "group id {id} is outside the allowed range {min}-{max}"
        )),
        _ => Some(kit::text!(
            "must be an integer group id, got {}",
            kit::json::brief(v, 40)
        )),
    }
}

pub(crate) fn set(v: Option<&Value>) -> Option<&Value> {
    v.filter(|v| !v.is_null())
}
