//! LoadBalancer Services are internal (by the cloud's own annotation) unless
//! allow-listed: the platform decides which services face the internet.

use crate::exposure::{internal_by, service_type};
use kit::glob::any_matches;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "service-load-balancer-internal",
    title: kit::cold!("LoadBalancer Services are internal unless allow-listed"),
    rationale: kit::cold!(
        "Whether a Service gets a public address is decided by one annotation the application team writes; without a rule, a Helm value flips a database to internet-facing. Requiring the cloud's internal annotation (AWS aws-load-balancer-scheme: internal or aws-load-balancer-internal, GKE networking.gke.io/load-balancer-type: Internal or the legacy cloud.google.com one, Azure azure-load-balancer-internal, OCI oci-load-balancer-internal, OpenStack, Alibaba, IBM, plus the family option internalLoadBalancerAnnotations) keeps public entry points to the allow-listed ones. A loadBalancerClass in internalClasses also counts as internal."
    ),
    remediation: kit::cold!(
        "annotate the Service with the cloud's internal-load-balancer annotation (e.g. service.beta.kubernetes.io/aws-load-balancer-scheme: internal), or have the platform team add it to allowedServices (namespace/name globs)"
    ),
    severity: Severity::High,
    tags: &["exposure"],
    criteria: super::EXPOSURE,
    kinds: KindSet::Only(super::SERVICE),
    params: &[
        Param {
            name: "allowedServices",
            kind: ParamKind::StringList,
            default: "[]",
            description: kit::cold!(
                "Services (namespace/name globs, e.g. ingress-nginx/ingress-nginx-controller) that may be internet-facing"
            ),
        },
        Param {
            name: "internalClasses",
            kind: ParamKind::StringList,
            default: "[]",
            description: kit::cold!(
                "spec.loadBalancerClass values (globs) whose load balancers are internal"
            ),
        },
    ],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let svc = ctx.object();
    if service_type(svc) != Ok("LoadBalancer") || internal_by(ctx, svc).is_some() {
        return Vec::new();
    }
    if let Some(class) = kit::json::get_str(svc, &["spec", "loadBalancerClass"])
        && any_matches(&ctx.params.strings("internalClasses"), class)
    {
        return Vec::new();
    }
    let id = kit::text!(
        "{}/{}",
        crate::classification::request_namespace(ctx),
        ctx.request.name()
    );
    if any_matches(&ctx.params.strings("allowedServices"), &id) {
        return Vec::new();
    }
    vec![Finding::new(
        "metadata.annotations",
        kit::text!(
            "LoadBalancer Service {id} carries no internal-load-balancer annotation and is not in allowedServices: it gets an internet-facing address"
        ),
    )]
}
