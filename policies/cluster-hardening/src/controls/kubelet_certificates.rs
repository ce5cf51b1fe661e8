//! CIS 4.2.9, 4.2.10, 4.2.11: kubelet client and serving certificates are
//! issued by the cluster and rotated.

use super::kubelet::{TAGS, expect_bool};
use kit::{Control, Criteria, Ctx, Finding, Severity, json, value};

pub static CONTROL: Control = Control {
    id: "kubelet-certificates",
    title: kit::cold!(
        "Kubelets rotate their client certificate and serve with a CA-signed certificate"
    ),
    rationale: kit::cold!(
        "rotateCertificates renews the kubelet's client certificate before it expires (the v1beta1 default is false; kubeadm writes true). Without serverTLSBootstrap or an explicit tlsCertFile/tlsPrivateKeyFile the kubelet serves with a self-signed certificate the API server cannot verify, so --kubelet-certificate-authority cannot be used. Turning the RotateKubeletServerCertificate gate off stops serving-certificate renewal."
    ),
    remediation: kit::cold!(
        "set rotateCertificates: true and serverTLSBootstrap: true (approve the kubelet-serving CSRs) or tlsCertFile and tlsPrivateKeyFile; remove RotateKubeletServerCertificate: false from featureGates"
    ),
    severity: Severity::Medium,
    tags: TAGS,
    criteria: Criteria {
        soc2: &["CC6.1", "CC6.7"],
        iso27001: &["A.8.24", "A.8.5"],
        pss: &[],
        cis: &["4.2.9", "4.2.10", "4.2.11"],
    },
    kinds: super::KUBELET_CONFIGURATION,
    check,
    ..Control::DEFAULTS
};

fn set(object: &kit::Value, key: &str) -> bool {
    matches!(value::string(json::get(object, &[key])), Ok(Some(s)) if !s.trim().is_empty())
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let object = ctx.object();
    let mut out = Vec::new();
    out.extend(expect_bool(
        object,
        &["rotateCertificates"],
        true,
        false,
        "the kubelet's client certificate is not renewed and the node drops out when it expires",
    ));
    let bootstrap = expect_bool(
        object,
        &["serverTLSBootstrap"],
        true,
        false,
        "the serving certificate is not requested from the cluster",
    );
    if let Some(f) = bootstrap
        && !(set(object, "tlsCertFile") && set(object, "tlsPrivateKeyFile"))
    {
        out.push(Finding::new(
            f.path,
            kit::text!("{}; with no tlsCertFile/tlsPrivateKeyFile either, the kubelet serves a self-signed certificate", f.message),
        ));
    }
    let gate = json::get(object, &["featureGates", "RotateKubeletServerCertificate"]);
    match gate {
        None | Some(kit::Value::Null) | Some(kit::Value::Bool(true)) => {}
        Some(kit::Value::Bool(false)) => out.push(Finding::new(
            "featureGates.RotateKubeletServerCertificate",
            "featureGates.RotateKubeletServerCertificate is false: serving certificates are not renewed",
        )),
        Some(v) => out.push(Finding::new(
            "featureGates.RotateKubeletServerCertificate",
            kit::text!("featureGates.RotateKubeletServerCertificate is {}, not a boolean", json::brief(v, 40)),
        )),
    }
    out
}
