//! CIS 1.2.1: the API server refuses anonymous requests.

use crate::static_pod::{APISERVER, each};
use kit::{Control, Criteria, Ctx, Finding, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "apiserver-anonymous-auth",
    title: kit::cold!("The API server does not accept anonymous requests"),
    rationale: kit::cold!(
        "With --anonymous-auth left at its default (true) every request without credentials is served as system:anonymous in group system:unauthenticated; one careless RoleBinding to those subjects, or a future vulnerability in an endpoint they reach, exposes the cluster to anyone who can reach the API server. Since Kubernetes 1.32 an AuthenticationConfiguration (--authentication-config) can keep anonymous access for the health endpoints only."
    ),
    remediation: kit::cold!(
        "set --anonymous-auth=false on kube-apiserver (use tcpSocket or authenticated probes), or use --authentication-config with anonymous access restricted to /livez, /readyz and /healthz and set trustAuthenticationConfig once authentication-configuration-anonymous checks that file"
    ),
    severity: Severity::High,
    tags: &[
        "default",
        "cluster-hardening",
        "control-plane",
        "kube-apiserver",
    ],
    criteria: Criteria {
        soc2: &["CC6.1"],
        iso27001: &["A.8.5", "A.8.9"],
        pss: &[],
        cis: &["1.2.1"],
    },
    kinds: super::POD,
    params: &[Param {
        name: "trustAuthenticationConfig",
        kind: ParamKind::Bool,
        default: "false",
        description: kit::cold!(
            "accept an --authentication-config file without --anonymous-auth (its anonymous section is then checked by authentication-configuration-anonymous when the file is scanned)"
        ),
    }],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let trust = ctx.params.bool("trustAuthenticationConfig");
    each(ctx, &[APISERVER], |c, out| {
        if !c.flags.has("anonymous-auth") && c.flags.has("authentication-config") {
            if !trust {
                out.extend(c.unverifiable(
                    "authentication-config",
                    "whether anonymous requests are accepted (the anonymous section of the AuthenticationConfiguration)",
                ));
            }
            return;
        }
        out.extend(c.expect_bool(
            "anonymous-auth",
            false,
            true,
            "unauthenticated requests are served as system:anonymous",
        ));
    })
}
