//! Control `pods-bare`.
//! Shared helpers: [`super::replicas`].

use super::replicas::*;
use kit::control::Operation;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "pods-bare",
    title: kit::cold!("Pods are run by a controller"),
    rationale: kit::cold!(
        "A Pod without a controlling owner (a ReplicaSet, StatefulSet, DaemonSet, Job or an operator's resource) is not recreated when its node fails, is drained or evicts it: the workload silently disappears. Mirror pods of static pods are accepted. Checked on CREATE only, so existing bare Pods can still be updated (e.g. to add a debug container)."
    ),
    remediation: kit::cold!(
        "run the pod from a Deployment, StatefulSet, DaemonSet or Job, or add its name to allowedNames"
    ),
    severity: Severity::Medium,
    tags: TAGS,
    criteria: super::REDUNDANCY,
    kinds: KindSet::Only(&["Pod"]),
    operations: &[Operation::Create],
    params: &[Param {
        name: "allowedNames",
        kind: ParamKind::StringList,
        default: "[]",
        description: kit::cold!(
            "pod names (globs, matched against metadata.name or generateName) that may run without a controller, e.g. [\"debug-*\"]"
        ),
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
