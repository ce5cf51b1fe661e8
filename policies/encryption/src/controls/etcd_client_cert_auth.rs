//! etcd authenticates clients and peers with certificates, never auto-generated ones.

use crate::controlplane;
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "etcd-client-cert-auth",
    title: kit::cold!("etcd requires client and peer certificates and does not self-sign"),
    rationale: kit::cold!(
        "etcd holds every object of the cluster, Secrets included. Without --client-cert-auth any process that reaches port 2379 reads and writes it; without --peer-client-cert-auth any host can join the cluster as a member. --auto-tls and --peer-auto-tls make etcd generate self-signed certificates that no one verifies, so the connection is encrypted but not authenticated."
    ),
    remediation: kit::cold!(
        "run etcd with --client-cert-auth=true, --peer-client-cert-auth=true, --trusted-ca-file and --peer-trusted-ca-file, and without --auto-tls / --peer-auto-tls (kubeadm's defaults)"
    ),
    severity: Severity::Critical,
    tags: &["default", "encryption-in-transit", "control-plane"],
    criteria: Criteria {
        soc2: &["CC6.7", "CC6.1"],
        iso27001: &["A.8.24", "A.5.17"],
        pss: &[],
        cis: &["2.2", "2.3", "2.5", "2.6"],
    },
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for (c, flags) in controlplane::containers(ctx, "etcd") {
        if let Some(p) = flags.malformed.first() {
            out.push(Finding::container(
                &c,
                "",
                kit::text!("{p} is not a string: the command line cannot be read"),
            ));
            continue;
        }
        let at = |name: &str, msg: String| Finding {
            path: flags
                .last(name)
                .map_or_else(|| c.field_path("command"), |a| a.path(&c)),
            container: Some(c.identity()),
            message: msg,
        };
        for (flag, what) in [
            ("client-cert-auth", "clients"),
            ("peer-client-cert-auth", "peers"),
        ] {
            if !flags.flag(flag).is_true() {
                out.push(at(flag, kit::text!("--{flag} is not true: etcd does not authenticate {what} by certificate (value {})", flags.get(flag).unwrap_or("unset"))));
            }
        }
        for flag in ["auto-tls", "peer-auto-tls"] {
            if flags.flag(flag).may_be_true() {
                out.push(at(flag, kit::text!("--{flag} makes etcd use self-signed certificates nobody verifies (value {})", flags.get(flag).unwrap_or(""))));
            }
        }
    }
    out
}
