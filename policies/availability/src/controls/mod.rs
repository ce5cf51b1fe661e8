//! The controls of the availability family, one group per concern.

// Topic modules: helpers shared by the controls of one concern.
pub mod autoscaling;
pub mod context;
pub mod health;
pub mod quota;
pub mod replicas;
pub mod resources;
pub mod rollout;

// One module per control, named after its id.
pub mod hpa_sanity;
pub mod hpa_target_exists;
pub mod namespace_limit_range;
pub mod namespace_resource_quota;
pub mod pdb_allows_eviction;
pub mod pdb_hpa_coherence;
pub mod pdb_required;
pub mod pods_bare;
pub mod priority_class;
pub mod priority_class_global_default;
pub mod probes_distinct;
pub mod probes_liveness_readiness;
pub mod probes_port_declared;
pub mod probes_startup;
pub mod probes_timing;
pub mod replicas_minimum;
pub mod replicas_spread;
pub mod resources_bounds;
pub mod resources_emptydir_size_limit;
pub mod resources_ephemeral_storage;
pub mod resources_extended_requests_equal_limits;
pub mod resources_limit_request_ratio;
pub mod resources_requests_limits;
pub mod rollout_min_ready_seconds;
pub mod rollout_progress_deadline;
pub mod rollout_revision_history;
pub mod rollout_strategy;

use kit::json;
use kit::{Control, Criteria, Finding, Flag, Int};
use kit::{Value, dom::Map};

/// Catalogue order: what a container asks for, how it reports health, how many
/// copies run and how they roll out, what may disrupt them, then the controls
/// that need the rest of the cluster.
pub static CONTROLS: &[&Control] = &[
    // resources
    &resources_requests_limits::CONTROL,
    &resources_bounds::CONTROL,
    &resources_limit_request_ratio::CONTROL,
    &resources_ephemeral_storage::CONTROL,
    &resources_emptydir_size_limit::CONTROL,
    &resources_extended_requests_equal_limits::CONTROL,
    // health
    &probes_liveness_readiness::CONTROL,
    &probes_startup::CONTROL,
    &probes_timing::CONTROL,
    &probes_distinct::CONTROL,
    &probes_port_declared::CONTROL,
    // replicas
    &replicas_minimum::CONTROL,
    &replicas_spread::CONTROL,
    &pods_bare::CONTROL,
    // rollout
    &rollout_strategy::CONTROL,
    &rollout_min_ready_seconds::CONTROL,
    &rollout_progress_deadline::CONTROL,
    &rollout_revision_history::CONTROL,
    // disruption
    &pdb_allows_eviction::CONTROL,
    &pdb_required::CONTROL,
    // autoscaling
    &hpa_sanity::CONTROL,
    &hpa_target_exists::CONTROL,
    // priority
    &priority_class::CONTROL,
    &priority_class_global_default::CONTROL,
    // coherence
    &pdb_hpa_coherence::CONTROL,
    // quota
    &namespace_resource_quota::CONTROL,
    &namespace_limit_range::CONTROL,
];

pub static GROUPS: &[&[&Control]] = &[CONTROLS];

/// Capacity: what a workload may consume and how capacity follows demand
/// (SOC 2 A1.1; ISO/IEC 27001:2022 A.8.6 capacity management).
pub const CAPACITY: Criteria = Criteria {
    soc2: &["A1.1"],
    iso27001: &["A.8.6"],
    pss: &[],
    cis: &[],
};

/// Redundancy: enough copies, spread apart, that voluntary disruptions leave
/// serving (A1.2 recovery infrastructure; A.8.14 redundancy, A.5.30 ICT
/// readiness for business continuity).
pub const REDUNDANCY: Criteria = Criteria {
    soc2: &["A1.2"],
    iso27001: &["A.8.14", "A.5.30"],
    pss: &[],
    cis: &[],
};

/// Detection and automatic recovery of failed containers (A1.2; A.5.30, and
/// A.8.16 monitoring of applications for anomalous behaviour).
pub const RECOVERY: Criteria = Criteria {
    soc2: &["A1.2"],
    iso27001: &["A.5.30", "A.8.16"],
    pss: &[],
    cis: &[],
};

/// Rollouts that keep serving and can be rolled back: availability during
/// change (A1.2) and the deployment of changes (CC8.1; A.8.32 change management).
pub const ROLLOUT: Criteria = Criteria {
    soc2: &["A1.2", "CC8.1"],
    iso27001: &["A.5.30", "A.8.32"],
    pss: &[],
    cis: &[],
};

/// Capacity and redundancy judged together (autoscaler floor against budgets).
pub const CAPACITY_AND_REDUNDANCY: Criteria = Criteria {
    soc2: &["A1.1", "A1.2"],
    iso27001: &["A.8.6", "A.8.14", "A.5.30"],
    pss: &[],
    cis: &[],
};

/// An integer field of `v` at `path`, read through `kit::Int` (the one reader
/// of integers: `3.0` is 3): `Ok(default)` when absent, `Err(message)` naming
/// the field and the value seen when it is not an integer (`3.5`, `"3"`,
/// `1e300`). Every availability control reads its integers here and turns the
/// `Err` into a finding: a value it cannot read never passes.
pub fn int(v: &Value, path: &[&str], default: i64) -> Result<i64, String> {
    let field = json::get(v, path);
    match Int::of(field) {
        Int::Absent => Ok(default),
        Int::Value(n) => Ok(n),
        Int::Malformed => Err(not_integer(path.last().copied().unwrap_or(""), field)),
    }
}

/// `"<field> is not an integer: <value>"`, for findings.
pub fn not_integer(field: &str, v: Option<&Value>) -> String {
    kit::text!(
        "{field} is not an integer: {}",
        json::brief(v.unwrap_or(&Value::Null), 40)
    )
}

/// `spec.replicas` of a Deployment, StatefulSet or ReplicaSet: absent means 1
/// (the API server's default); `Err` when it is not an integer.
pub fn replicas(object: &Value) -> Result<i64, String> {
    int(object, &["spec", "replicas"], 1)
}

/// The finding of a workload whose `spec.replicas` cannot be read.
pub fn bad_replicas(message: String) -> Finding {
    Finding::new("spec.replicas", message)
}

/// Labels of the pod template of a workload object.
pub fn template_labels(object: &Value) -> Option<&Map> {
    json::get_obj(object, &["spec", "template", "metadata", "labels"])
}

/// The kind of the object's controller (the ownerReference with `controller: true`).
pub fn controller_kind(object: &Value) -> Option<&str> {
    json::get_array(object, &["metadata", "ownerReferences"])
        .iter()
        .find(|r| Flag::of(r.get("controller")).is_true())
        .map(|r| json::get_str(r, &["kind"]).unwrap_or(""))
}

/// `name` of an object, for messages.
pub fn name_of(object: &Value) -> &str {
    json::get_str(object, &["metadata", "name"]).unwrap_or("<unnamed>")
}

/// `key=value,...` of a label map, for messages.
pub fn labels_text(labels: Option<&Map>) -> String {
    let Some(labels) = labels.filter(|l| !l.is_empty()) else {
        return "no labels".to_string();
    };
    let mut out = String::new();
    for (k, v) in labels {
        if !out.is_empty() {
            out.push(',');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v.as_str().unwrap_or("?"));
    }
    out
}

/// Refuses settings whose integer parameter `min` is above `max`.
pub fn ordered(p: &kit::control::Params, min: &str, max: &str) -> Result<(), String> {
    let (lo, hi) = (p.int(min), p.int(max));
    if lo > hi {
        return Err(kit::text!("{min} ({lo}) is above {max} ({hi})"));
    }
    Ok(())
}
