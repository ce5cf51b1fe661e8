//! CIS 4.2.2 and 4.2.3: the kubelet authenticates and authorizes through the API server.

use super::kubelet::{TAGS_DEFAULT, expect_bool};
use kit::{Control, Criteria, Ctx, Finding, Severity, json, value};

pub static CONTROL: Control = Control {
    id: "kubelet-webhook-auth",
    title: kit::cold!(
        "Kubelets authenticate bearer tokens and client certificates, and authorize through the API server"
    ),
    rationale: kit::cold!(
        "authorization.mode AlwaysAllow lets any authenticated caller exec into every container of the node; Webhook asks the API server (SubjectAccessReview), so RBAC decides. authentication.webhook checks bearer tokens with the API server (TokenReview); without x509.clientCAFile the API server's own client certificate cannot be verified."
    ),
    remediation: kit::cold!(
        "set authorization.mode: Webhook, authentication.webhook.enabled: true and authentication.x509.clientCAFile to the cluster CA (kubeadm: /etc/kubernetes/pki/ca.crt) in the KubeletConfiguration"
    ),
    severity: Severity::High,
    tags: TAGS_DEFAULT,
    criteria: Criteria {
        soc2: &["CC6.1"],
        iso27001: &["A.8.5", "A.5.15"],
        pss: &[],
        cis: &["4.2.2", "4.2.3"],
    },
    kinds: super::KUBELET_CONFIGURATION,
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let object = ctx.object();
    let mut out = Vec::new();
    match value::string(json::get(object, &["authorization", "mode"])) {
        Ok(None) | Ok(Some("Webhook")) => {}
        Ok(Some("AlwaysAllow")) => out.push(Finding::new(
            "authorization.mode",
            "authorization.mode is AlwaysAllow: every authenticated request to the kubelet API is allowed",
        )),
        Ok(Some(other)) => out.push(Finding::new(
            "authorization.mode",
            kit::text!(
                "authorization.mode is \"{}\", neither Webhook nor AlwaysAllow: the kubelet refuses the file",
                kit::response::truncate(other, 40)
            ),
        )),
        Err(v) => out.push(Finding::new(
            "authorization.mode",
            kit::text!("authorization.mode is {}, not a string", json::brief(v, 40)),
        )),
    }
    out.extend(expect_bool(
        object,
        &["authentication", "webhook", "enabled"],
        true,
        true,
        "bearer tokens are not checked with the API server",
    ));
    match value::string(json::get(object, &["authentication", "x509", "clientCAFile"])) {
        Ok(Some(s)) if !s.trim().is_empty() => {}
        Ok(_) => out.push(Finding::new(
            "authentication.x509.clientCAFile",
            "authentication.x509.clientCAFile is not set (no default): client certificates, the API server's included, are not verified",
        )),
        Err(v) => out.push(Finding::new(
            "authentication.x509.clientCAFile",
            kit::text!("authentication.x509.clientCAFile is {}, not a string", json::brief(v, 40)),
        )),
    }
    out
}
