//! Control `replicas-spread`.
//! Shared helpers: [`super::replicas`].

use super::replicas::*;
use kit::labels::Selector;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};
use kit::{Value, dom::Map};

pub static CONTROL: Control = Control {
    id: "replicas-spread",
    title: kit::cold!("Replicated workloads spread their pods across zones or nodes"),
    rationale: kit::cold!(
        "Replicas that land on one node or in one zone fail together. A topologySpreadConstraint on the zone key (maxSkew bounded, and DoNotSchedule by default so it is a guarantee rather than a preference), or a pod anti-affinity term on an accepted topology key, keeps copies apart. The constraint must select the workload's own pods: a selector that matches nothing spreads nothing. Applies from spec.replicas >= 2."
    ),
    remediation: kit::cold!(
        "add spec.template.spec.topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: <the pod's labels>}}], or a podAntiAffinity term on kubernetes.io/hostname"
    ),
    severity: Severity::Medium,
    tags: TAGS,
    criteria: super::REDUNDANCY,
    kinds: KindSet::Only(REPLICATED),
    params: &[
        Param {
            name: "topologyKey",
            kind: ParamKind::String,
            default: "\"topology.kubernetes.io/zone\"",
            description: kit::cold!("node label the pods must spread across"),
        },
        Param {
            name: "maxSkew",
            kind: ParamKind::Integer { min: 1, max: 100 },
            default: "1",
            description: kit::cold!("largest maxSkew accepted"),
        },
        Param {
            name: "whenUnsatisfiable",
            kind: ParamKind::String,
            default: "\"DoNotSchedule\"",
            description: kit::cold!(
                "required whenUnsatisfiable: DoNotSchedule, ScheduleAnyway, or \"\" for either"
            ),
        },
        Param {
            name: "antiAffinityTopologyKeys",
            kind: ParamKind::StringList,
            default: "[\"topology.kubernetes.io/zone\", \"kubernetes.io/hostname\"]",
            description: kit::cold!(
                "topology keys of a podAntiAffinity term accepted instead of a spread constraint ([] = anti-affinity is not accepted)"
            ),
        },
        Param {
            name: "preferredAntiAffinity",
            kind: ParamKind::Bool,
            default: "false",
            description: kit::cold!(
                "accept preferred (soft) anti-affinity terms, not only required ones"
            ),
        },
    ],
    validate_params: Some(|p| match p.string("whenUnsatisfiable").as_str() {
        "" | "DoNotSchedule" | "ScheduleAnyway" => Ok(()),
        other => Err(kit::text!(
            "whenUnsatisfiable: \"{other}\" is not DoNotSchedule, ScheduleAnyway or \"\""
        )),
    }),
    check: check_spread,
    ..Control::DEFAULTS
};

/// Whether a `labelSelector` object selects pods with `labels`.
fn selects(selector: Option<&Value>, labels: Option<&Map>) -> bool {
    selector
        .and_then(|s| Selector::from_object(s).ok())
        .is_some_and(|s| s.matches(labels))
}

fn check_spread(ctx: &Ctx) -> Vec<Finding> {
    let object = ctx.object();
    match super::replicas(object) {
        Ok(n) if n < 2 => return Vec::new(),
        Ok(_) => {}
        Err(m) => return vec![super::bad_replicas(m)],
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
        let at = |f: &str| kit::text!("spec.template.spec.topologySpreadConstraints[{i}].{f}");
        let skew = match super::int(c, &["maxSkew"], 1) {
            Ok(n) => n,
            Err(m) => {
                miss = Some(Finding::new(at("maxSkew"), m));
                continue;
            }
        };
        let mode = json::get_str(c, &["whenUnsatisfiable"]).unwrap_or("DoNotSchedule");
        if skew > max_skew {
            miss = Some(Finding::new(
                at("maxSkew"),
                kit::text!("spread across {key} allows a skew of {skew}, above {max_skew}"),
            ));
        } else if !when.is_empty() && mode != when {
            miss = Some(Finding::new(
                at("whenUnsatisfiable"),
                kit::text!("spread across {key} is {mode}, not {when}"),
            ));
        } else if !selects(c.get("labelSelector"), labels) {
            miss = Some(Finding::new(
                at("labelSelector"),
                kit::text!(
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
            kit::text!(
                "{} replicas have no topology spread constraint on {key}{}",
                super::replicas(object).unwrap_or(0),
                if keys.is_empty() {
                    String::new()
                } else {
                    kit::text!(" and no pod anti-affinity on {}", keys.join(" or "))
                }
            ),
        )
    })]
}
