//! CIS 1.2.21 and 1.2.22: service-account tokens are checked against etcd and
//! verified with an explicit key.

use crate::static_pod::{APISERVER, each};
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "apiserver-service-account-tokens",
    title: kit::cold!(
        "The API server verifies service-account tokens against live accounts and an explicit key"
    ),
    rationale: kit::cold!(
        "With --service-account-lookup=false a token stays valid after its ServiceAccount or Secret is deleted, so revoking a leaked token does not work. Without --service-account-key-file the API server verifies tokens with its TLS serving key, which ties token trust to certificate rotation and cannot be rotated on its own."
    ),
    remediation: kit::cold!(
        "remove --service-account-lookup=false (or set it to true) and set --service-account-key-file to the public key(s) matching the controller manager's --service-account-private-key-file (kubeadm: /etc/kubernetes/pki/sa.pub)"
    ),
    severity: Severity::Medium,
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
        cis: &["1.2.21", "1.2.22"],
    },
    kinds: super::POD,
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    each(ctx, &[APISERVER], |c, out| {
        out.extend(c.expect_bool(
            "service-account-lookup",
            true,
            true,
            "tokens of deleted service accounts stay valid",
        ));
        out.extend(c.expect_set(
            "service-account-key-file",
            "service-account tokens are verified with the TLS serving key instead of a dedicated, rotatable key",
        ));
    })
}
