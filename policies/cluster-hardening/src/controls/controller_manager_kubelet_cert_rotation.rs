//! CIS 1.3.6: kubelet serving-certificate rotation is not switched off.

use crate::static_pod::{CONTROLLER_MANAGER, each, shown};
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "controller-manager-kubelet-cert-rotation",
    title: kit::cold!("The controller manager keeps kubelet serving-certificate rotation on"),
    rationale: kit::cold!(
        "The RotateKubeletServerCertificate feature gate (on by default) lets kubelets renew their serving certificates through the certificates API before they expire; switching it off leaves long-lived or self-signed kubelet certificates, which the API server cannot verify (see apiserver-kubelet-client-auth)."
    ),
    remediation: kit::cold!(
        "remove RotateKubeletServerCertificate=false from --feature-gates of kube-controller-manager (or set it to true)"
    ),
    severity: Severity::Low,
    tags: &[
        "default",
        "cluster-hardening",
        "control-plane",
        "kube-controller-manager",
    ],
    criteria: Criteria {
        soc2: &["CC6.1", "CC6.7"],
        iso27001: &["A.8.24", "A.8.5"],
        pss: &[],
        cis: &["1.3.6"],
    },
    kinds: super::POD,
    check,
    ..Control::DEFAULTS
};

/// A `Name=value` entry of `--feature-gates` that turns `gate` off (or that
/// cannot be read as a boolean: fail closed).
pub fn gate_off(entry: &str, gate: &str) -> bool {
    match entry.split_once('=') {
        Some((name, value)) if name.trim() == gate => {
            !matches!(value.trim(), "1" | "t" | "T" | "true" | "TRUE" | "True")
        }
        _ => false,
    }
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    each(ctx, &[CONTROLLER_MANAGER], |c, out| {
        for arg in c.flags.args.iter().filter(|a| a.name == "feature-gates") {
            if arg
                .value
                .unwrap_or("")
                .split(',')
                .any(|e| gate_off(e, "RotateKubeletServerCertificate"))
            {
                out.push(c.at(
                    arg,
                    kit::text!(
                        "kube-controller-manager {}: kubelet serving certificates are not rotated",
                        shown(arg)
                    ),
                ));
            }
        }
    })
}
