//! Context-aware, optional: the workload's pods are selected by at least one
//! NetworkPolicy of their namespace (Kubescape C-0260, the "Firewall" control
//! of its SOC 2 framework; Polaris `missingNetworkPolicy`).

use super::policy::{list, workload_namespace};
use kit::labels::Selector;
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "workload-selected-by-network-policy",
    title: kit::cold!("The workload's pods are selected by a NetworkPolicy"),
    rationale: kit::cold!(
        "A pod no NetworkPolicy selects is not isolated at all: it accepts traffic from, and sends it to, anywhere the network reaches."
    ),
    remediation: kit::cold!(
        "create a NetworkPolicy whose podSelector matches the pod template's labels (or a namespace-wide default-deny)"
    ),
    severity: Severity::Medium,
    tags: &["network", "context-aware"],
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: super::ISO,
        pss: &[],
        cis: &["5.3.2"],
    },
    reads: &[("networking.k8s.io/v1", "NetworkPolicy")],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let pod = ctx.pod();
    let ns = workload_namespace(ctx.request);
    let policies = match list(ctx.cluster, ns) {
        Ok(p) => p,
        Err(e) => {
            return vec![Finding::new(
                "metadata.namespace",
                kit::text!(
                    "{e}; the workload is refused because its network isolation cannot be verified"
                ),
            )];
        }
    };
    let labels = pod.labels();
    let selected = policies.iter().any(|np| {
        // A malformed selector selects nothing (the API server never stores one).
        kit::json::get(np, &["spec", "podSelector"])
            .filter(|v| !v.is_null())
            .map_or(Ok(Selector::default()), Selector::from_object)
            .is_ok_and(|sel| sel.matches(labels))
            && np.get("spec").is_some_and(|s| s.is_object())
    });
    if selected {
        return Vec::new();
    }
    vec![Finding::new(
        kit::text!("{}.labels", pod.metadata_path),
        kit::text!(
            "no NetworkPolicy of namespace \"{ns}\" selects these pods ({} policies checked)",
            policies.len()
        ),
    )]
}
