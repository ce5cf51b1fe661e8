//! CIS 2.7: etcd trusts its own certificate authority, not the cluster's.

use crate::static_pod::{ETCD, each, shown};
use kit::{Control, Criteria, Ctx, Finding, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "etcd-unique-ca",
    title: kit::cold!("etcd trusts a certificate authority of its own"),
    rationale: kit::cold!(
        "etcd holds every Secret of the cluster. If it trusts the Kubernetes cluster CA, any client certificate that CA signs (kubelets, administrators, anything issued through the certificates API) can read and write etcd directly, bypassing authorization and audit. A dedicated etcd CA limits etcd clients to the API server and etcd peers. (Client and peer certificate authentication themselves are checked by the encryption family.)"
    ),
    remediation: kit::cold!(
        "give etcd --trusted-ca-file and --peer-trusted-ca-file pointing at a dedicated etcd CA (kubeadm: /etc/kubernetes/pki/etcd/ca.crt), never the cluster CA (/etc/kubernetes/pki/ca.crt)"
    ),
    severity: Severity::High,
    tags: &["default", "cluster-hardening", "control-plane", "etcd"],
    criteria: Criteria {
        soc2: &["CC6.1"],
        iso27001: &["A.8.5", "A.8.24"],
        pss: &[],
        cis: &["2.7"],
    },
    kinds: super::POD,
    params: &[Param {
        name: "clusterCaFiles",
        kind: ParamKind::StringList,
        default: r#"["/etc/kubernetes/pki/ca.crt"]"#,
        description: kit::cold!(
            "paths of the Kubernetes cluster CA on control-plane nodes, which etcd must not trust"
        ),
    }],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let cluster_cas = ctx.params.strings("clusterCaFiles");
    each(ctx, &[ETCD], |c, out| {
        if let Some(f) = c.unverifiable(
            "config-file",
            "every setting (etcd ignores its flags when --config-file is given)",
        ) {
            out.push(f);
            return;
        }
        for flag in ["trusted-ca-file", "peer-trusted-ca-file"] {
            match c.flags.last(flag) {
                None => out.push(c.missing(kit::text!(
                    "etcd --{flag} is not set: etcd does not say which CA it trusts"
                ))),
                Some(arg) => {
                    let v = arg.value.unwrap_or("").trim();
                    if v.is_empty() {
                        out.push(c.at(arg, kit::text!("etcd {} has no value", shown(arg))));
                    } else if cluster_cas.iter().any(|ca| ca == v) {
                        out.push(c.at(
                            arg,
                            kit::text!(
                                "etcd {}: the Kubernetes cluster CA; every certificate it signs can reach etcd directly",
                                shown(arg)
                            ),
                        ));
                    }
                }
            }
        }
    })
}
