//! The controls of the availability family, one group per concern.

pub mod autoscaling;
pub mod coherence;
pub mod context;
pub mod disruption;
pub mod health;
pub mod priority;
pub mod quota;
pub mod replicas;
pub mod resources;
pub mod rollout;

use kit::json;
use kit::{Control, Criteria};
use serde_json::{Map, Value};

/// Catalogue order: what a container asks for, how it reports health, how many
/// copies run and how they roll out, what may disrupt them, then the controls
/// that need the rest of the cluster.
pub static GROUPS: &[&[&Control]] = &[
    resources::CONTROLS,
    health::CONTROLS,
    replicas::CONTROLS,
    rollout::CONTROLS,
    disruption::CONTROLS,
    autoscaling::CONTROLS,
    priority::CONTROLS,
    coherence::CONTROLS,
    quota::CONTROLS,
];

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

/// `spec.replicas` of a Deployment, StatefulSet or ReplicaSet: absent means 1
/// (the API server's default); `None` when it is not an integer.
pub fn replicas(object: &Value) -> Option<i64> {
    match json::get(object, &["spec", "replicas"]) {
        None | Some(Value::Null) => Some(1),
        Some(v) => v.as_i64(),
    }
}

/// Labels of the pod template of a workload object.
pub fn template_labels(object: &Value) -> Option<&Map<String, Value>> {
    json::get_obj(object, &["spec", "template", "metadata", "labels"])
}

/// The kind of the object's controller (the ownerReference with `controller: true`).
pub fn controller_kind(object: &Value) -> Option<&str> {
    json::get_array(object, &["metadata", "ownerReferences"])
        .iter()
        .find(|r| json::get_bool(r, &["controller"]) == Some(true))
        .map(|r| json::get_str(r, &["kind"]).unwrap_or(""))
}

/// `name` of an object, for messages.
pub fn name_of(object: &Value) -> &str {
    json::get_str(object, &["metadata", "name"]).unwrap_or("<unnamed>")
}

/// `key=value,...` of a label map, for messages.
pub fn labels_text(labels: Option<&Map<String, Value>>) -> String {
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
        return Err(format!("{min} ({lo}) is above {max} ({hi})"));
    }
    Ok(())
}
