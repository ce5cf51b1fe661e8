//! CIS 1.2.23, 1.2.24, 1.2.26: the API server's own certificates are explicit,
//! towards clients and towards etcd. (Protocol versions and cipher suites are
//! the encryption family's `control-plane-tls-strength`.)

use crate::static_pod::{APISERVER, each};
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "apiserver-tls-certificates",
    title: kit::cold!(
        "The API server serves a CA-issued certificate and authenticates to etcd with its own"
    ),
    rationale: kit::cold!(
        "Without --tls-cert-file/--tls-private-key-file the API server generates a self-signed certificate at start, which clients cannot verify, so they are configured to skip verification. Without --etcd-certfile/--etcd-keyfile it cannot authenticate to an etcd that requires client certificates, and without --etcd-cafile it does not verify that it talks to the real etcd, which holds every Secret."
    ),
    remediation: kit::cold!(
        "set --tls-cert-file and --tls-private-key-file (kubeadm: /etc/kubernetes/pki/apiserver.{crt,key}), --etcd-certfile and --etcd-keyfile (apiserver-etcd-client.{crt,key}) and --etcd-cafile (etcd/ca.crt) on kube-apiserver"
    ),
    severity: Severity::High,
    tags: &[
        "default",
        "cluster-hardening",
        "control-plane",
        "kube-apiserver",
    ],
    criteria: Criteria {
        soc2: &["CC6.1", "CC6.7"],
        iso27001: &["A.8.5", "A.8.24"],
        pss: &[],
        cis: &["1.2.23", "1.2.24", "1.2.26"],
    },
    kinds: super::POD,
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    each(ctx, &[APISERVER], |c, out| {
        for (flag, why) in [
            (
                "tls-cert-file",
                "the API server serves a self-signed certificate clients cannot verify",
            ),
            (
                "tls-private-key-file",
                "the API server serves a self-signed certificate clients cannot verify",
            ),
            (
                "etcd-certfile",
                "the API server cannot authenticate to etcd with a client certificate",
            ),
            (
                "etcd-keyfile",
                "the API server cannot authenticate to etcd with a client certificate",
            ),
            (
                "etcd-cafile",
                "the API server does not verify etcd's certificate",
            ),
        ] {
            out.extend(c.expect_set(flag, why));
        }
    })
}
