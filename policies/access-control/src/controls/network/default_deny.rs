//! Context-aware: a workload is admitted only into a namespace that already
//! has a default-deny NetworkPolicy for ingress (and egress, when
//! configured). Kyverno's `require-netpol` sample covers Deployments only;
//! this covers every Pod-bearing kind, and egress.
//!
//! One `list` of `networking.k8s.io/v1` NetworkPolicy in the workload's
//! namespace per evaluation (memoised by the host). A failed lookup refuses
//! the workload: segmentation cannot be verified.

use super::policy::{Direction, is_default_deny, list, workload_namespace};
use kit::{Control, Criteria, Ctx, Finding, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "namespace-default-deny",
    title: kit::cold!("Workloads run only in namespaces with a default-deny NetworkPolicy"),
    rationale: kit::cold!(
        "Kubernetes lets every pod talk to every other pod until a NetworkPolicy selects it; without a default-deny in the namespace, a new workload is reachable from (and can reach) the whole cluster, whatever the other policies say."
    ),
    remediation: kit::cold!(
        "create a NetworkPolicy in the namespace with podSelector: {} and policyTypes: [Ingress] (and Egress when required) and no rules, then allow the flows the workloads need explicitly"
    ),
    severity: Severity::High,
    tags: &["network", "context-aware"],
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: super::ISO,
        pss: &[],
        cis: &["5.3.2"],
    },
    params: &[Param {
        name: "egress",
        kind: ParamKind::Bool,
        default: "false",
        description: kit::cold!("Also require a default-deny for egress"),
    }],
    reads: &[("networking.k8s.io/v1", "NetworkPolicy")],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
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
    let mut dirs = vec![Direction::Ingress];
    if ctx.params.bool("egress") {
        dirs.push(Direction::Egress);
    }
    dirs.into_iter()
        .filter(|d| !policies.iter().any(|np| is_default_deny(np, *d)))
        .map(|d| {
            Finding::new(
                "metadata.namespace",
                kit::text!(
                    "namespace \"{ns}\" has no default-deny NetworkPolicy for {} (podSelector: {{}}, policyTypes including {}, no {} rules)",
                    d.name(),
                    d.name(),
                    d.fields().0
                ),
            )
        })
        .collect()
}
