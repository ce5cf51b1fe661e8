//! ClusterRoles that aggregate into the built-in user-facing roles. A
//! ClusterRole labelled `rbac.authorization.k8s.io/aggregate-to-view: "true"`
//! silently extends `view` (and so every subject bound to it, in every
//! namespace): the label, not a binding, is the grant. None of the peer
//! libraries checks it.

use super::risk::{Risks, rule_risks, validate_ignored};
use crate::controls::common::{allowed, join_list};
use kit::Value;
use kit::control::Params;
use kit::{Control, Criteria, Ctx, Finding, KindSet, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "rbac-no-sensitive-aggregation",
    title: kit::cold!("ClusterRoles do not aggregate high-risk grants into admin, edit or view"),
    rationale: kit::cold!(
        "An aggregate-to-admin/edit/view label adds the ClusterRole's rules to the built-in role, so every subject already bound to it gains them without any new binding to review: a quiet, cluster-wide privilege grant."
    ),
    remediation: kit::cold!(
        "remove the high-risk rules from the aggregated ClusterRole, or drop the aggregate-to-* label and bind the ClusterRole explicitly to the subjects that need it"
    ),
    severity: Severity::High,
    tags: &["default", "rbac"],
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: super::ISO,
        pss: &[],
        cis: &[],
    },
    kinds: KindSet::Only(&["ClusterRole"]),
    params: &[
        Param {
            name: "allowedRoles",
            kind: ParamKind::StringList,
            default: r#"["system:aggregate-to-*"]"#,
            description: kit::cold!(
                "ClusterRole names (globs) allowed to aggregate high-risk grants; the default is the API server's own aggregate-to roles"
            ),
        },
        Param {
            name: "aggregationLabels",
            kind: ParamKind::StringList,
            default: r#"["rbac.authorization.k8s.io/aggregate-to-admin", "rbac.authorization.k8s.io/aggregate-to-edit", "rbac.authorization.k8s.io/aggregate-to-view"]"#,
            description: kit::cold!(
                "Label keys (set to \"true\") that aggregate a ClusterRole into a widely bound role; add your own aggregated roles' labels"
            ),
        },
        Param {
            name: "ignoreGrants",
            kind: ParamKind::StringList,
            default: "[]",
            description: kit::cold!(
                "Grants that may be aggregated: secrets-read, escalate-bind-impersonate, pod-exec-attach-portforward, create-pods, nodes-proxy, csr-approval, admission-configuration, serviceaccount-token, create-persistentvolumes"
            ),
        },
    ],
    validate_params: Some(validate),
    check,
    ..Control::DEFAULTS
};

fn validate(p: &Params) -> Result<(), String> {
    validate_ignored(&p.strings("ignoreGrants"))
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let role = ctx.object();
    let Some(labels) = ctx.request.labels() else {
        return Vec::new();
    };
    let keys = ctx.params.strings("aggregationLabels");
    let targets: Vec<&str> = keys
        .iter()
        .filter(|k| labels.get(k.as_str()).and_then(Value::as_str) == Some("true"))
        .map(String::as_str)
        .collect();
    if targets.is_empty() {
        return Vec::new();
    }
    let name = kit::json::get_str(role, &["metadata", "name"]).unwrap_or("");
    if allowed(&ctx.params.strings("allowedRoles"), name) {
        return Vec::new();
    }
    let wanted = Risks::all_except(&ctx.params.strings("ignoreGrants"));
    let into = join_list(&targets);
    kit::json::get_array(role, &["rules"])
        .iter()
        .enumerate()
        .filter_map(|(i, rule)| {
            let found = rule_risks(rule, false).intersect(wanted);
            (!found.is_empty()).then(|| {
                Finding::new(
                    kit::text!("rules[{i}]"),
                    kit::text!(
                        "grants {} and is aggregated by label {into}, so every subject bound to that role gains it",
                        found.describe()
                    ),
                )
            })
        })
        .collect()
}
