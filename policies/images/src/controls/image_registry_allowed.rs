//! Every container pulls from an allowed registry or repository.

use crate::patterns::{RegistryPattern, RepositoryPattern, parse_all};
use kit::control::Params;
use kit::{Control, Ctx, Finding, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "image-registry-allowed",
    title: kit::cold!("Images come from allowed registries or repositories"),
    rationale: kit::cold!(
        "Only software from sources the organisation controls (an internal registry that mirrors, scans and signs what it serves; approved minimal base images) may run. Patterns are anchored on the registry host and the repository path, so registry.example.com never matches registry.example.com.evil.io and registry.example.com/shop/* does not match registry.example.com/shopping/x. A reference that cannot be parsed is not allowed."
    ),
    remediation: kit::cold!(
        "mirror the image into an allowed registry and reference it from there, or add its registry or repository to the allow-list after review"
    ),
    severity: Severity::High,
    tags: &["images", "supply-chain"],
    criteria: super::PROVENANCE,
    params: &[
        Param {
            name: "registries",
            kind: ParamKind::StringList,
            default: "[]",
            description: kit::cold!(
                "registry hosts allowed (whole host with port; * within a DNS label, ** across labels)"
            ),
        },
        Param {
            name: "repositories",
            kind: ParamKind::StringList,
            default: "[]",
            description: kit::cold!(
                "repositories allowed, registry/path globs (* within a path segment, ** across segments); e.g. minimal base images only"
            ),
        },
    ],
    validate_params: Some(validate),
    check,
    ..Control::DEFAULTS
};

fn validate(p: &Params) -> Result<(), String> {
    let regs = parse_all(
        "registries",
        &p.strings("registries"),
        RegistryPattern::parse,
    )?;
    let repos = parse_all(
        "repositories",
        &p.strings("repositories"),
        RepositoryPattern::parse,
    )?;
    if regs.is_empty() && repos.is_empty() {
        return Err("registries or repositories must list at least one pattern".into());
    }
    Ok(())
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let (registries, repositories) = crate::patterns::registries_and_repositories(&ctx.params);
    // Named in findings only: most Pods have none.
    let list = || {
        let mut l: Vec<String> = registries.iter().map(|p| p.as_str().to_string()).collect();
        l.extend(repositories.iter().map(|p| p.text()));
        if l.is_empty() {
            "nothing is allowed: set parameters registries or repositories".to_string()
        } else {
            let mut s = l.join(", ");
            if s.len() > 200 {
                s = kit::text!("{}…", s.chars().take(200).collect::<String>());
            }
            kit::text!("allowed: {s}")
        }
    };
    crate::refs::containers(ctx)
        .filter_map(|(c, r)| match r {
            Err(why) => Some(crate::refs::unparsable(&c, "the image source", &why)),
            Ok(r) => {
                let ok = registries.iter().any(|p| p.matches(&r))
                    || repositories.iter().any(|p| p.matches(&r));
                (!ok).then(|| {
                    Finding::container(
                        &c,
                        "image",
                        kit::text!(
                            "image {} comes from {}, which is not allowed ({})",
                            crate::reference::excerpt(c.image, 120),
                            r.repository(),
                            list()
                        ),
                    )
                })
            }
        })
        .collect()
}
