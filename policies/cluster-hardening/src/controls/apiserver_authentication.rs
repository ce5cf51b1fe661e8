//! CIS 1.2.2 and 1.2.25: no static token file, client certificates verified,
//! no insecure (unauthenticated) port.

use crate::static_pod::{APISERVER, each, shown};
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "apiserver-authentication",
    title: kit::cold!("The API server authenticates clients with revocable credentials"),
    rationale: kit::cold!(
        "A --token-auth-file holds long-lived bearer tokens in clear text on the control-plane node; they cannot be revoked or rotated without restarting the API server. Without --client-ca-file client certificates are not accepted at all and components fall back to weaker credentials. The legacy --insecure-port / --insecure-bind-address served the whole API without authentication or authorization."
    ),
    remediation: kit::cold!(
        "remove --token-auth-file (use OIDC, webhook token authentication or service-account tokens), set --client-ca-file to the cluster CA, and remove --insecure-port / --insecure-bind-address"
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
        iso27001: &["A.8.5", "A.5.17"],
        pss: &[],
        cis: &["1.2.2", "1.2.25"],
    },
    kinds: super::POD,
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    each(ctx, &[APISERVER], |c, out| {
        if let Some(arg) = c.flags.last("token-auth-file") {
            out.push(c.at(
                arg,
                kit::text!(
                    "kube-apiserver {}: static bearer tokens in a file on the node, valid until the API server restarts",
                    shown(arg)
                ),
            ));
        }
        out.extend(c.expect_set(
            "client-ca-file",
            "client certificates (components, administrators) cannot be verified",
        ));
        if let Some(arg) = c.flags.last("insecure-port")
            && arg.value.is_none_or(|v| v.trim() != "0")
        {
            out.push(c.at(
                arg,
                kit::text!(
                    "kube-apiserver {}: the insecure port serves the API without authentication or authorization",
                    shown(arg)
                ),
            ));
        }
        if let Some(arg) = c.flags.last("insecure-bind-address") {
            out.push(c.at(
                arg,
                kit::text!(
                    "kube-apiserver {}: an address for the unauthenticated insecure port",
                    shown(arg)
                ),
            ));
        }
    })
}
