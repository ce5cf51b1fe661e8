//! In `scan`: Secret manifests with inline data are plaintext secrets in source.

use kit::{Control, Ctx, Finding, KindSet, Severity, json};

pub static CONTROL: Control = Control {
    id: "secret-manifest-inline-data",
    title: kit::cold!("Secret manifests in a repository carry no inline data"),
    rationale: kit::cold!(
        "A Secret manifest with data or stringData committed to a repository is a credential in source control: base64 is an encoding, not encryption, and the value stays in every clone and in the history after it is removed. Meant for kube-soc2 scan of repositories (tag scan-only); at admission every Secret has data, so do not enable it on a policy-server."
    ),
    remediation: kit::cold!(
        "commit a SealedSecret, an ExternalSecret (External Secrets Operator), a SOPS-encrypted file or a secret-store CSI reference instead, and rotate any credential that was committed"
    ),
    severity: Severity::High,
    tags: &["secrets", "scan-only"],
    criteria: kit::Criteria {
        soc2: &["CC6.1", "C1.1"],
        iso27001: &["A.5.17", "A.5.33", "A.8.24"],
        pss: &[],
        cis: &[],
    },
    kinds: KindSet::Only(&["/Secret"]),
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let s = ctx.object();
    ["data", "stringData"]
        .iter()
        .filter_map(|k| {
            let m = json::get_obj(s, &[k])?;
            let keys: Vec<&str> = m
                .iter()
                .filter(|(_, v)| v.as_str().is_some_and(|v| !v.is_empty()))
                .map(|(k, _)| k.as_str())
                .take(5)
                .collect();
            (!keys.is_empty()).then(|| {
                Finding::new(
                    *k,
                    kit::text!(
                        "the manifest holds Secret values inline ({}): plaintext secrets in source",
                        keys.join(", ")
                    ),
                )
            })
        })
        .collect()
}
