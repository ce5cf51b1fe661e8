//! Mutable (tag-only) references are pulled on every start.

use kit::{Control, Ctx, Finding, Severity, value};

pub static CONTROL: Control = Control {
    id: "image-pull-policy-always",
    title: kit::cold!("Images referenced by tag are pulled with imagePullPolicy Always"),
    rationale: kit::cold!(
        "With IfNotPresent a node runs whatever it cached under a tag, so nodes drift apart when the tag moves, and a pod can start a private image that another pod pulled with credentials it does not hold itself. Always makes the kubelet resolve the tag against the registry (with this pod's credentials) at every start. Digest-pinned references are immutable and exempt. An absent policy is read as Kubernetes defaults it (Always only for :latest or untagged images)."
    ),
    remediation: kit::cold!("set imagePullPolicy: Always, or pin the image by digest"),
    severity: Severity::Low,
    tags: &["images"],
    criteria: kit::Criteria {
        soc2: &["CC8.1", "CC6.8"],
        iso27001: &["A.8.32", "A.8.19"],
        pss: &[],
        cis: &[],
    },
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    crate::refs::parsed(ctx)
        .filter(|(_, r)| !r.is_pinned())
        .filter_map(|(c, r)| {
            let policy = match value::string(c.get(&["imagePullPolicy"])) {
                Ok(Some(p)) => p.to_string(),
                Ok(None) if r.effective_tag() == Some("latest") => return None,
                Ok(None) => "IfNotPresent (the default for a tagged image)".to_string(),
                Err(v) => kit::text!("malformed ({})", kit::json::brief(v, 40)),
            };
            (policy != "Always").then(|| {
                Finding::container(
                    &c,
                    "imagePullPolicy",
                    kit::text!(
                        "image {} is referenced by tag but imagePullPolicy is {}",
                        crate::reference::excerpt(c.image, 120),
                        if policy.len() > 80 {
                            crate::reference::excerpt(&policy, 60)
                        } else {
                            policy
                        }
                    ),
                )
            })
        })
        .collect()
}
