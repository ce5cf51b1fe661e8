//! Replicas and spread: enough copies of a service, placed so that one node or
//! zone failing leaves some serving (A1.2).

use kit::control::Operation;
use kit::labels::Selector;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};
use serde_json::{Map, Value};

const TAGS_DEFAULT: &[&str] = &["default", "resilience"];
const TAGS: &[&str] = &["resilience"];

/// Deployments and StatefulSets are what people write; their ReplicaSets and
/// Pods are derived, and a ReplicaSet is legitimately scaled to 0 by its
/// Deployment on every rollout.
pub const REPLICATED: &[&str] = &["Deployment", "StatefulSet"];

pub static MINIMUM: Control = Control {
    id: "replicas-minimum",
    title: "Deployments and StatefulSets run at least the minimum number of replicas",
    rationale: "A single replica is an outage on every node drain, node failure, eviction and rollout of a StatefulSet. Two or more let one go while the others serve. spec.replicas: 0 is a deliberate stop and is allowed unless allowZero is false. With an HorizontalPodAutoscaler, set spec.replicas to the HPA's minReplicas (the API server defaults an omitted field to 1).",
    remediation: "set spec.replicas to at least the minimum (2 by default)",
    severity: Severity::Medium,
    tags: TAGS_DEFAULT,
    criteria: super::REDUNDANCY,
    kinds: KindSet::Only(REPLICATED),
    params: &[
        Param {
            name: "minReplicas",
            kind: ParamKind::Integer { min: 1, max: 1000 },
            default: "2",
            description: "smallest spec.replicas",
        },
        Param {
            name: "allowZero",
            kind: ParamKind::Bool,
            default: "true",
            description: "accept spec.replicas: 0 (a workload deliberately scaled down)",
        },
    ],
    check: check_minimum,
    ..Control::DEFAULTS
};

fn check_minimum(ctx: &Ctx) -> Vec<Finding> {
    let min = ctx.params.int("minReplicas");
    let Some(replicas) = super::replicas(ctx.object()) else {
        return vec![Finding::new(
            "spec.replicas",
            "spec.replicas is not an integer",
        )];
    };
    if replicas >= min || (replicas == 0 && ctx.params.bool("allowZero")) {
        return Vec::new();
    }
    let shown = if json::get(ctx.object(), &["spec", "replicas"]).is_some_and(|v| !v.is_null()) {
        format!("{replicas} replica(s)")
    } else {
        "1 replica (spec.replicas is unset)".to_string()
    };
    vec![Finding::new(
        "spec.replicas",
        format!(
            "{} runs {shown}, below the minimum of {min}",
            ctx.request.kind
        ),
    )]
}

// ---------------------------------------------------------------------------

pub static SPREAD: Control = Control {
    id: "replicas-spread",
    title: "Replicated workloads spread their pods across zones or nodes",
    rationale: "Replicas that land on one node or in one zone fail together. A topologySpreadConstraint on the zone key (maxSkew bounded, and DoNotSchedule by default so it is a guarantee rather than a preference), or a pod anti-affinity term on an accepted topology key, keeps copies apart. The constraint must select the workload's own pods: a selector that matches nothing spreads nothing. Applies from spec.replicas >= 2.",
    remediation: "add spec.template.spec.topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: <the pod's labels>}}], or a podAntiAffinity term on kubernetes.io/hostname",
    severity: Severity::Medium,
    tags: TAGS,
    criteria: super::REDUNDANCY,
    kinds: KindSet::Only(REPLICATED),
    params: &[
        Param {
            name: "topologyKey",
            kind: ParamKind::String,
            default: "\"topology.kubernetes.io/zone\"",
            description: "node label the pods must spread across",
        },
        Param {
            name: "maxSkew",
            kind: ParamKind::Integer { min: 1, max: 100 },
            default: "1",
            description: "largest maxSkew accepted",
        },
        Param {
            name: "whenUnsatisfiable",
            kind: ParamKind::String,
            default: "\"DoNotSchedule\"",
            description: "required whenUnsatisfiable: DoNotSchedule, ScheduleAnyway, or \"\" for either",
        },
        Param {
            name: "antiAffinityTopologyKeys",
            kind: ParamKind::StringList,
            default: "[\"topology.kubernetes.io/zone\", \"kubernetes.io/hostname\"]",
            description: "topology keys of a podAntiAffinity term accepted instead of a spread constraint ([] = anti-affinity is not accepted)",
        },
        Param {
            name: "preferredAntiAffinity",
            kind: ParamKind::Bool,
            default: "false",
            description: "accept preferred (soft) anti-affinity terms, not only required ones",
        },
    ],
    validate_params: Some(|p| match p.string("whenUnsatisfiable").as_str() {
        "" | "DoNotSchedule" | "ScheduleAnyway" => Ok(()),
        other => Err(format!(
            "whenUnsatisfiable: \"{other}\" is not DoNotSchedule, ScheduleAnyway or \"\""
        )),
    }),
    check: check_spread,
    ..Control::DEFAULTS
};

/// Whether a `labelSelector` object selects pods with `labels`.
fn selects(selector: Option<&Value>, labels: Option<&Map<String, Value>>) -> bool {
    selector
        .and_then(|s| Selector::from_object(s).ok())
        .is_some_and(|s| s.matches(labels))
}

fn check_spread(ctx: &Ctx) -> Vec<Finding> {
    let object = ctx.object();
    if super::replicas(object).unwrap_or(0) < 2 {
        return Vec::new();
    }
    let p = ctx.params;
    let key = p.string("topologyKey");
    let max_skew = p.int("maxSkew");
    let when = p.string("whenUnsatisfiable");
    let labels = super::template_labels(object);
    let spec = json::get(object, &["spec", "template", "spec"]).unwrap_or(&Value::Null);

    // The closest miss, reported when nothing qualifies.
    let mut miss: Option<Finding> = None;
    for (i, c) in json::get_array(spec, &["topologySpreadConstraints"])
        .iter()
        .enumerate()
    {
        if json::get_str(c, &["topologyKey"]) != Some(key.as_str()) {
            continue;
        }
        let at = |f: &str| format!("spec.template.spec.topologySpreadConstraints[{i}].{f}");
        let skew = json::get_i64(c, &["maxSkew"]).unwrap_or(1);
        let mode = json::get_str(c, &["whenUnsatisfiable"]).unwrap_or("DoNotSchedule");
        if skew > max_skew {
            miss = Some(Finding::new(
                at("maxSkew"),
                format!("spread across {key} allows a skew of {skew}, above {max_skew}"),
            ));
        } else if !when.is_empty() && mode != when {
            miss = Some(Finding::new(
                at("whenUnsatisfiable"),
                format!("spread across {key} is {mode}, not {when}"),
            ));
        } else if !selects(c.get("labelSelector"), labels) {
            miss = Some(Finding::new(
                at("labelSelector"),
                format!(
                    "spread across {key} does not select the workload's own pods ({})",
                    super::labels_text(labels)
                ),
            ));
        } else {
            return Vec::new();
        }
    }

    let keys = p.strings("antiAffinityTopologyKeys");
    if !keys.is_empty() {
        let anti = json::get(spec, &["affinity", "podAntiAffinity"]).unwrap_or(&Value::Null);
        let required =
            json::get_array(anti, &["requiredDuringSchedulingIgnoredDuringExecution"]).iter();
        let preferred = json::get_array(anti, &["preferredDuringSchedulingIgnoredDuringExecution"])
            .iter()
            .filter(|_| p.bool("preferredAntiAffinity"))
            .filter_map(|w| w.get("podAffinityTerm"));
        let ok = required.chain(preferred).any(|term| {
            json::get_str(term, &["topologyKey"]).is_some_and(|k| keys.iter().any(|x| x == k))
                && selects(term.get("labelSelector"), labels)
        });
        if ok {
            return Vec::new();
        }
    }

    vec![miss.unwrap_or_else(|| {
        Finding::new(
            "spec.template.spec.topologySpreadConstraints",
            format!(
                "{} replicas have no topology spread constraint on {key}{}",
                super::replicas(object).unwrap_or(0),
                if keys.is_empty() {
                    String::new()
                } else {
                    format!(" and no pod anti-affinity on {}", keys.join(" or "))
                }
            ),
        )
    })]
}

// ---------------------------------------------------------------------------

pub static BARE_PODS: Control = Control {
    id: "pods-bare",
    title: "Pods are run by a controller",
    rationale: "A Pod without a controlling owner (a ReplicaSet, StatefulSet, DaemonSet, Job or an operator's resource) is not recreated when its node fails, is drained or evicts it: the workload silently disappears. Mirror pods of static pods are accepted. Checked on CREATE only, so existing bare Pods can still be updated (e.g. to add a debug container).",
    remediation: "run the pod from a Deployment, StatefulSet, DaemonSet or Job, or add its name to allowedNames",
    severity: Severity::Medium,
    tags: TAGS,
    criteria: super::REDUNDANCY,
    kinds: KindSet::Only(&["Pod"]),
    operations: &[Operation::Create],
    params: &[Param {
        name: "allowedNames",
        kind: ParamKind::StringList,
        default: "[]",
        description: "pod names (globs, matched against metadata.name or generateName) that may run without a controller, e.g. [\"debug-*\"]",
    }],
    check: check_bare_pods,
    ..Control::DEFAULTS
};

fn check_bare_pods(ctx: &Ctx) -> Vec<Finding> {
    let object = ctx.object();
    if super::controller_kind(object).is_some()
        || json::get(
            object,
            &["metadata", "annotations", "kubernetes.io/config.mirror"],
        )
        .is_some()
    {
        return Vec::new();
    }
    let allowed = ctx.params.strings("allowedNames");
    let name = json::get_str(object, &["metadata", "name"])
        .or_else(|| json::get_str(object, &["metadata", "generateName"]))
        .unwrap_or("");
    if kit::glob::any_matches(&allowed, name) {
        return Vec::new();
    }
    vec![Finding::new(
        "metadata.ownerReferences",
        "the Pod has no controller: nothing recreates it when its node fails or is drained",
    )]
}

pub static CONTROLS: &[&Control] = &[&MINIMUM, &SPREAD, &BARE_PODS];
