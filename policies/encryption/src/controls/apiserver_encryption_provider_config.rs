//! kube-apiserver is started with an encryption provider configuration.

use crate::controlplane;
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "apiserver-encryption-provider-config",
    title: kit::cold!("kube-apiserver encrypts resources at rest"),
    rationale: kit::cold!(
        "Without --encryption-provider-config the API server stores Secrets in etcd unencrypted, and every etcd backup is a copy of every credential. Read from the kube-apiserver static Pod (its mirror Pod in kube-system, or the manifest from /etc/kubernetes/manifests given to scan); what the file contains is judged by encryption-config-secrets when the file is scanned."
    ),
    remediation: kit::cold!(
        "pass --encryption-provider-config=/etc/kubernetes/enc/encryption-config.yaml (mounted from the host) with a configuration that encrypts secrets"
    ),
    severity: Severity::Critical,
    tags: &["default", "encryption-at-rest", "control-plane"],
    criteria: Criteria {
        soc2: &["CC6.1", "C1.1"],
        iso27001: &["A.8.24"],
        pss: &[],
        cis: &["1.2.27"],
    },
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for (c, flags) in controlplane::containers(ctx, "kube-apiserver") {
        if let Some(p) = flags.malformed.first() {
            out.push(Finding::container(
                &c,
                "",
                kit::text!("{p} is not a string: the command line cannot be read"),
            ));
            continue;
        }
        match flags.get("encryption-provider-config") {
            Some(v) if !v.trim().is_empty() && v != "true" => {}
            _ => out.push(Finding::container(
                &c,
                "command",
                "--encryption-provider-config is not set: Secrets are stored unencrypted in etcd",
            )),
        }
    }
    out
}
