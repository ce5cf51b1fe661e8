//! The policies that enforce the other controls are not weakened behind the
//! auditors' back (CC6.8, CC8.1): Kubewarden's own objects.

use kit::Value;
use kit::{Control, Ctx, Finding, KindSet, Operation, Param, ParamKind, Severity, glob, json};

pub static CONTROL: Control = Control {
    id: "kubewarden-policy-weakening",
    title: kit::cold!("Kubewarden policies are not weakened outside change control"),
    rationale: kit::cold!(
        "Deleting a ClusterAdmissionPolicy (or AdmissionPolicy, or policy group), moving it from protect to monitor, switching failurePolicy to Ignore, dropping resources or operations from its rules, or adding a namespace/object selector switches off the controls that other evidence relies on, and the cluster keeps looking compliant. Such changes are admitted only for the configured users and groups (the platform's GitOps controller, a security break-glass group) and recorded as audit evidence when they are; everyone else is refused. The old object is compared with the new one on UPDATE and read on DELETE."
    ),
    remediation: kit::cold!(
        "change policies through the platform's reviewed pipeline (run as one of the configured users or groups); to retire a policy, record the change and let the allowed identity apply it"
    ),
    severity: Severity::High,
    tags: &["admission-control"],
    criteria: super::ADMISSION,
    kinds: KindSet::Only(&[
        "policies.kubewarden.io/ClusterAdmissionPolicy",
        "policies.kubewarden.io/AdmissionPolicy",
        "policies.kubewarden.io/ClusterAdmissionPolicyGroup",
        "policies.kubewarden.io/AdmissionPolicyGroup",
    ]),
    operations: &[Operation::Update, Operation::Delete],
    params: &[
        Param {
            name: "allowedUsers",
            kind: ParamKind::StringList,
            default: "[]",
            description: kit::cold!(
                "user names (globs) that may weaken or delete policies, e.g. the GitOps controller's service account"
            ),
        },
        Param {
            name: "allowedGroups",
            kind: ParamKind::StringList,
            default: "[]",
            description: kit::cold!(
                "groups (globs) that may weaken or delete policies, e.g. a security break-glass group"
            ),
        },
    ],
    check,
    ..Control::DEFAULTS
};

/// Most rule tuples of the old object, and most list items in the new rules,
/// compared; beyond them a narrowing is assumed (fail closed) so that a
/// hostile object cannot make the comparison quadratic in its size.
const MAX_TUPLES: usize = 5_000;
const MAX_NEW_ITEMS: usize = 2_000;

fn new_items(o: &Value) -> usize {
    json::get_array(o, &["spec", "rules"])
        .iter()
        .map(|r| {
            ["apiGroups", "apiVersions", "resources", "operations"]
                .iter()
                .map(|k| json::get_array(r, &[k]).len())
                .sum::<usize>()
        })
        .sum()
}

fn mode(o: &Value) -> &str {
    json::get_str(o, &["spec", "mode"]).unwrap_or("protect")
}

fn failure_policy(o: &Value) -> &str {
    json::get_str(o, &["spec", "failurePolicy"]).unwrap_or("Fail")
}

fn strs<'a>(v: &'a Value, key: &str) -> Vec<&'a str> {
    json::get_strs(v, &[key]).collect()
}

/// Every (group, version, resource, operation) an old rule covers, unless too many.
fn tuples(o: &Value) -> Option<Vec<[&str; 4]>> {
    let mut out = Vec::new();
    for r in json::get_array(o, &["spec", "rules"]) {
        for g in strs(r, "apiGroups") {
            for v in strs(r, "apiVersions") {
                for res in strs(r, "resources") {
                    for op in strs(r, "operations") {
                        out.push([g, v, res, op]);
                        if out.len() > MAX_TUPLES {
                            return None;
                        }
                    }
                }
            }
        }
    }
    Some(out)
}

fn covers(pattern: &str, value: &str) -> bool {
    pattern == "*" || pattern == value || (pattern == "*/*" && value.contains('/'))
}

fn covered(new: &Value, t: &[&str; 4]) -> bool {
    json::get_array(new, &["spec", "rules"]).iter().any(|r| {
        [
            ("apiGroups", 0),
            ("apiVersions", 1),
            ("resources", 2),
            ("operations", 3),
        ]
        .iter()
        .all(|(key, i)| strs(r, key).iter().any(|p| covers(p, t[*i])))
    })
}

fn non_empty_selector<'a>(o: &'a Value, key: &str) -> Option<&'a Value> {
    json::get(o, &["spec", key]).filter(|s| match s {
        Value::Null => false,
        Value::Object(m) => m.values().any(|v| match v {
            Value::Null => false,
            Value::Object(x) => !x.is_empty(),
            Value::Array(x) => !x.is_empty(),
            _ => true,
        }),
        Value::Array(items) => !items.is_empty(),
        _ => true,
    })
}

fn weakenings(ctx: &Ctx) -> Vec<Finding> {
    let old = &ctx.request.old_object;
    if ctx.request.operation == Some(Operation::Delete) {
        return vec![Finding::new(
            "metadata.name",
            kit::text!(
                "deleting {} removes its enforcement",
                ctx.request.describe()
            ),
        )];
    }
    let new = &ctx.request.object;
    if !old.is_object() || !new.is_object() {
        return Vec::new();
    }
    let mut out = Vec::new();
    if mode(old) == "protect" && mode(new) != "protect" {
        out.push(Finding::new(
            "spec.mode",
            kit::text!(
                "mode changes from protect to {}: violations are only reported",
                json::brief(
                    json::get(new, &["spec", "mode"]).unwrap_or(&Value::Null),
                    30
                )
            ),
        ));
    }
    if failure_policy(old) == "Fail" && failure_policy(new) != "Fail" {
        out.push(Finding::new(
            "spec.failurePolicy",
            "failurePolicy changes from Fail: requests are admitted unchecked when the policy server is unavailable",
        ));
    }
    match tuples(old).filter(|_| new_items(new) <= MAX_NEW_ITEMS) {
        None => out.push(Finding::new(
            "spec.rules",
            "the rules are too many to compare: treated as narrowed",
        )),
        Some(ts) => {
            let dropped: Vec<String> = ts
                .iter()
                .filter(|t| !covered(new, t))
                .take(5)
                .map(|t| {
                    let group = if t[0].is_empty() { "core" } else { t[0] };
                    kit::text!("{group}/{}/{} {}", t[1], t[2], t[3])
                })
                .collect();
            if !dropped.is_empty() {
                out.push(Finding::new(
                    "spec.rules",
                    kit::text!("rules no longer cover {}", dropped.join(", ")),
                ));
            }
        }
    }
    for key in ["namespaceSelector", "objectSelector", "matchConditions"] {
        if let Some(sel) = non_empty_selector(new, key)
            && json::get(old, &["spec", key]) != Some(sel)
        {
            out.push(Finding::new(
                kit::text!("spec.{key}"),
                kit::text!(
                    "{key} changes to {}: it may exempt objects",
                    json::brief(sel, 80)
                ),
            ));
        }
    }
    out
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let found = weakenings(ctx);
    if found.is_empty() {
        return found;
    }
    let user = ctx.request.username.as_str();
    let allowed = glob::any_matches(&ctx.params.strings("allowedUsers"), user)
        || ctx
            .request
            .groups
            .iter()
            .any(|g| glob::any_matches(&ctx.params.strings("allowedGroups"), g));
    if allowed {
        let what: Vec<String> = found.iter().map(|f| f.message.clone()).collect();
        ctx.record_evidence(
            "kube-soc2.policy-weakened",
            kit::response::truncate(
                &kit::text!("{user} on {}: {}", ctx.request.describe(), what.join("; ")),
                1000,
            ),
        );
        return Vec::new();
    }
    let who = if user.is_empty() {
        "an anonymous user"
    } else {
        user
    };
    found
        .into_iter()
        .map(|mut f| {
            f.message = kit::text!(
                "{}, by {who}, who is not allowed to weaken policies",
                f.message
            );
            f
        })
        .collect()
}
