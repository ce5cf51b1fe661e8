//! CIS 1.2.4 and 1.2.5: the API server authenticates to kubelets and verifies them.

use crate::static_pod::{APISERVER, each};
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "apiserver-kubelet-client-auth",
    title: kit::cold!("The API server and the kubelets authenticate each other"),
    rationale: kit::cold!(
        "kubectl exec, logs and port-forward go through the API server to each kubelet. Without --kubelet-client-certificate/--kubelet-client-key the kubelets cannot tell the API server from anyone else; without --kubelet-certificate-authority the API server does not verify the kubelet's serving certificate, so whoever can intercept node traffic sees (and can alter) exec sessions and logs."
    ),
    remediation: kit::cold!(
        "set --kubelet-client-certificate and --kubelet-client-key (kubeadm: /etc/kubernetes/pki/apiserver-kubelet-client.{crt,key}) and --kubelet-certificate-authority to the CA that signs kubelet serving certificates (enable serverTLSBootstrap on the kubelets and approve their CSRs)"
    ),
    severity: Severity::Medium,
    tags: &[
        "default",
        "cluster-hardening",
        "control-plane",
        "kube-apiserver",
    ],
    criteria: Criteria {
        soc2: &["CC6.1", "CC6.6"],
        iso27001: &["A.8.5", "A.8.20"],
        pss: &[],
        cis: &["1.2.4", "1.2.5"],
    },
    kinds: super::POD,
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    each(ctx, &[APISERVER], |c, out| {
        out.extend(c.expect_set(
            "kubelet-client-certificate",
            "kubelets cannot authenticate the API server",
        ));
        out.extend(c.expect_set(
            "kubelet-client-key",
            "kubelets cannot authenticate the API server",
        ));
        out.extend(c.expect_set(
            "kubelet-certificate-authority",
            "the kubelets' serving certificates are not verified (exec, logs and port-forward traffic can be intercepted)",
        ));
    })
}
