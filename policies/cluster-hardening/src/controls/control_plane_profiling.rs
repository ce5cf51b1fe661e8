//! CIS 1.2.15, 1.3.2, 1.4.1: no profiling endpoints on the control plane.

use crate::static_pod::{APISERVER, CONTROLLER_MANAGER, SCHEDULER, each};
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "control-plane-profiling",
    title: kit::cold!("The API server, controller manager and scheduler serve no profiling data"),
    rationale: kit::cold!(
        "--profiling defaults to true: /debug/pprof exposes the component's memory, goroutines and timing to anyone authorised for it, helps an attacker map the control plane, and heavy profiling requests can degrade it. Production clusters do not need it on."
    ),
    remediation: kit::cold!(
        "set --profiling=false on kube-apiserver, kube-controller-manager and kube-scheduler (kube-scheduler with --config: enableProfiling: false in the KubeSchedulerConfiguration, where --profiling is ignored)"
    ),
    severity: Severity::Medium,
    tags: &[
        "default",
        "cluster-hardening",
        "control-plane",
        "kube-apiserver",
        "kube-controller-manager",
        "kube-scheduler",
    ],
    criteria: Criteria {
        soc2: &["CC6.1", "CC6.6"],
        iso27001: &["A.8.9"],
        pss: &[],
        cis: &["1.2.15", "1.3.2", "1.4.1"],
    },
    kinds: super::POD,
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    each(
        ctx,
        &[APISERVER, CONTROLLER_MANAGER, SCHEDULER],
        |c, out| {
            if c.name == SCHEDULER && c.flags.has("config") {
                // kube-scheduler ignores --profiling when a config file is given.
                out.extend(c.unverifiable(
                    "config",
                    "enableProfiling (default true; --profiling is ignored with --config)",
                ));
                return;
            }
            out.extend(c.expect_bool(
                "profiling",
                false,
                true,
                "/debug/pprof profiling endpoints are served",
            ));
        },
    )
}
