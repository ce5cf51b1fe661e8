//! CIS 1.3.3, 1.3.4, 1.3.5: per-controller credentials and service-account
//! signing material.

use crate::static_pod::{CONTROLLER_MANAGER, each};
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "controller-manager-service-accounts",
    title: kit::cold!(
        "The controller manager runs each controller with its own service account and signs tokens with an explicit key"
    ),
    rationale: kit::cold!(
        "Without --use-service-account-credentials every controller acts with the controller manager's own broad credential, so RBAC cannot restrict them one by one and the audit log cannot tell them apart. --service-account-private-key-file is the key that signs service-account tokens (it must be set and rotatable), and --root-ca-file is the CA bundle placed in every Pod so workloads can verify the API server."
    ),
    remediation: kit::cold!(
        "set --use-service-account-credentials=true, --service-account-private-key-file (kubeadm: /etc/kubernetes/pki/sa.key) and --root-ca-file (kubeadm: /etc/kubernetes/pki/ca.crt) on kube-controller-manager"
    ),
    severity: Severity::Medium,
    tags: &[
        "default",
        "cluster-hardening",
        "control-plane",
        "kube-controller-manager",
    ],
    criteria: Criteria {
        soc2: &["CC6.1"],
        iso27001: &["A.8.2", "A.8.5"],
        pss: &[],
        cis: &["1.3.3", "1.3.4", "1.3.5"],
    },
    kinds: super::POD,
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    each(ctx, &[CONTROLLER_MANAGER], |c, out| {
        out.extend(c.expect_bool(
            "use-service-account-credentials",
            true,
            false,
            "every controller runs with the controller manager's single broad credential",
        ));
        out.extend(c.expect_set(
            "service-account-private-key-file",
            "service-account tokens are not signed with a dedicated key",
        ));
        out.extend(c.expect_set(
            "root-ca-file",
            "Pods receive no CA bundle to verify the API server",
        ));
    })
}
