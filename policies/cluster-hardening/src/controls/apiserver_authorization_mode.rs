//! CIS 1.2.6, 1.2.7, 1.2.8: authorization by Node and RBAC, never AlwaysAllow.

use crate::static_pod::{APISERVER, each, shown};
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "apiserver-authorization-mode",
    title: kit::cold!("The API server authorizes with Node and RBAC, never AlwaysAllow"),
    rationale: kit::cold!(
        "--authorization-mode defaults to AlwaysAllow: every authenticated request is allowed, whatever the RBAC objects say. Without the Node authorizer a kubelet's credentials read every Secret of the cluster; without RBAC the Roles and bindings audited elsewhere in this suite have no effect."
    ),
    remediation: kit::cold!(
        "set --authorization-mode=Node,RBAC (Webhook may follow) and never AlwaysAllow; with --authorization-config list Node and RBAC authorizers in that file"
    ),
    severity: Severity::Critical,
    tags: &[
        "default",
        "cluster-hardening",
        "control-plane",
        "kube-apiserver",
    ],
    criteria: Criteria {
        soc2: &["CC6.1"],
        iso27001: &["A.5.15", "A.8.2", "A.8.9"],
        pss: &[],
        cis: &["1.2.6", "1.2.7", "1.2.8"],
    },
    kinds: super::POD,
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    each(ctx, &[APISERVER], |c, out| {
        let Some(last) = c.flags.last("authorization-mode") else {
            match c.unverifiable(
                "authorization-config",
                "the authorizer chain (StructuredAuthorizationConfiguration)",
            ) {
                Some(f) => out.push(f),
                None => out.push(c.missing(
                    "kube-apiserver --authorization-mode is not set and defaults to AlwaysAllow: every authenticated request is allowed",
                )),
            }
            return;
        };
        let modes = c.flags.values("authorization-mode");
        for arg in c
            .flags
            .args
            .iter()
            .filter(|a| a.name == "authorization-mode")
        {
            if arg
                .value
                .unwrap_or("")
                .split(',')
                .any(|m| m.trim() == "AlwaysAllow")
            {
                out.push(c.at(
                    arg,
                    kit::text!(
                        "kube-apiserver {}: AlwaysAllow allows every authenticated request",
                        shown(arg)
                    ),
                ));
            }
        }
        for (mode, why) in [
            (
                "Node",
                "kubelets are not restricted to the objects of their own Pods",
            ),
            ("RBAC", "Roles and RoleBindings have no effect"),
        ] {
            if !modes.contains(&mode) {
                out.push(c.at(
                    last,
                    kit::text!("kube-apiserver {} lacks {mode}: {why}", shown(last)),
                ));
            }
        }
    })
}
