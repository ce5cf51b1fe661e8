//! Objects managed by a GitOps controller change only through it (CC8.1).

use kit::Value;
use kit::{Control, Ctx, Finding, KindSet, Operation, Param, ParamKind, Severity, glob, json};

pub static CONTROL: Control = Control {
    id: "gitops-drift",
    title: kit::cold!("GitOps-managed objects change only through the pipeline"),
    rationale: kit::cold!(
        "When a GitOps controller (Argo CD, Flux) applies the reviewed state from git, a manual `kubectl edit`, `scale` of the main resource or `delete` of one of its objects is a change outside change management (CC8.1): it bypasses review, is overwritten or not at the next sync, and leaves the cluster different from the approved record in the meantime. UPDATE and DELETE of an object whose managed-by label (on the old object, so removing the label does not help) names a configured manager are admitted only for the configured users and groups (the GitOps controllers, Kubernetes' own controllers, a break-glass group); every refusal is recorded. Objects a controller owns (ReplicaSets, Pods) are left to it, so node drains and rollouts are never refused."
    ),
    remediation: kit::cold!(
        "change the object through its git repository; for an emergency, act as a member of the configured break-glass group and record why"
    ),
    severity: Severity::Medium,
    tags: &["change-provenance"],
    criteria: super::CHANGE,
    kinds: KindSet::Only(&[
        "Pod",
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "ReplicaSet",
        "Job",
        "CronJob",
        "/Service",
        "/ConfigMap",
        "/Secret",
        "/ServiceAccount",
        "/PersistentVolumeClaim",
        "networking.k8s.io/Ingress",
        "networking.k8s.io/NetworkPolicy",
        "rbac.authorization.k8s.io/Role",
        "rbac.authorization.k8s.io/RoleBinding",
        "rbac.authorization.k8s.io/ClusterRole",
        "rbac.authorization.k8s.io/ClusterRoleBinding",
        "policy/PodDisruptionBudget",
        "autoscaling/HorizontalPodAutoscaler",
    ]),
    operations: &[Operation::Update, Operation::Delete],
    params: &[
        Param {
            name: "label",
            kind: ParamKind::String,
            default: r#""app.kubernetes.io/managed-by""#,
            description: kit::cold!("label naming the object's manager"),
        },
        Param {
            name: "managers",
            kind: ParamKind::StringList,
            default: r#"["argocd", "argo-cd", "flux", "fluxcd"]"#,
            description: kit::cold!("values (globs) of the label that mark GitOps-managed objects"),
        },
        Param {
            name: "allowedUsers",
            kind: ParamKind::StringList,
            default: r#"["system:serviceaccount:argocd:*", "system:serviceaccount:flux-system:*", "system:serviceaccount:kube-system:*", "system:kube-controller-manager", "system:kube-scheduler"]"#,
            description: kit::cold!("user names (globs) that may change managed objects"),
        },
        Param {
            name: "allowedGroups",
            kind: ParamKind::StringList,
            default: "[]",
            description: kit::cold!(
                "groups (globs) that may change managed objects, e.g. a break-glass group"
            ),
        },
    ],
    check,
    ..Control::DEFAULTS
};

fn manager<'a>(object: &'a Value, label: &str) -> Option<&'a str> {
    json::get_str(object, &["metadata", "labels", label])
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    // Objects a controller owns (a Deployment's ReplicaSets and Pods) are the
    // controller's to change and recreate: deleting such a Pod (a node drain's
    // evictions) is not drift.
    if super::change_reference::controlled(ctx.object()) {
        return Vec::new();
    }
    let label = ctx.params.string("label");
    let managers = ctx.params.strings("managers");
    let old = &ctx.request.old_object;
    let new = &ctx.request.object;
    // The old object decides (removing the label is itself a change); a new
    // object claiming a manager counts too.
    let Some(by) = [old, new]
        .into_iter()
        .filter_map(|o| manager(o, &label))
        .find(|m| glob::any_matches(&managers, m))
    else {
        return Vec::new();
    };
    let user = ctx.request.username.as_str();
    if glob::any_matches(&ctx.params.strings("allowedUsers"), user) {
        return Vec::new();
    }
    let groups = ctx.params.strings("allowedGroups");
    if ctx
        .request
        .groups
        .iter()
        .any(|g| glob::any_matches(&groups, g))
    {
        return Vec::new();
    }
    let verb = ctx.request.operation_raw.to_ascii_lowercase();
    vec![Finding::new(
        kit::text!("metadata.labels[{label}]"),
        kit::text!(
            "{} is managed by {by}; {} may not {verb} it outside the GitOps pipeline",
            ctx.request.describe(),
            if user.is_empty() {
                "an anonymous user"
            } else {
                user
            }
        ),
    )]
}
