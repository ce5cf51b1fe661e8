//! CIS 1.3.7 and 1.4.2: controller manager and scheduler listen on loopback only.

use crate::static_pod::{CONTROLLER_MANAGER, SCHEDULER, each, shown};
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "control-plane-bind-address",
    title: kit::cold!("The controller manager and scheduler listen on loopback only"),
    rationale: kit::cold!(
        "kube-controller-manager and kube-scheduler serve health, metrics and (unless disabled) profiling on their secure port, bound by default to every interface (0.0.0.0). Nothing outside the node needs them; bound to 127.0.0.1 they cannot be probed or attacked from the network."
    ),
    remediation: kit::cold!(
        "set --bind-address=127.0.0.1 on kube-controller-manager and kube-scheduler (kubeadm does), and scrape metrics through the node or a proxy"
    ),
    severity: Severity::Medium,
    tags: &[
        "default",
        "cluster-hardening",
        "control-plane",
        "kube-controller-manager",
        "kube-scheduler",
    ],
    criteria: Criteria {
        soc2: &["CC6.6"],
        iso27001: &["A.8.20", "A.8.9"],
        pss: &[],
        cis: &["1.3.7", "1.4.2"],
    },
    kinds: super::POD,
    check,
    ..Control::DEFAULTS
};

const LOOPBACK: &[&str] = &["127.0.0.1", "::1", "[::1]", "localhost"];

fn check(ctx: &Ctx) -> Vec<Finding> {
    each(ctx, &[CONTROLLER_MANAGER, SCHEDULER], |c, out| {
        if c.flags.get("secure-port").map(str::trim) == Some("0") {
            return; // serving is off altogether
        }
        match c.flags.last("bind-address") {
            None => out.push(c.missing(kit::text!(
                "{} --bind-address is not set and defaults to 0.0.0.0: the secure port listens on every interface",
                c.name
            ))),
            Some(arg) if LOOPBACK.contains(&arg.value.unwrap_or("").trim()) => {}
            Some(arg) => out.push(c.at(
                arg,
                kit::text!("{} {}: the secure port is reachable from the network", c.name, shown(arg)),
            )),
        }
    })
}
