//! No container pulls from a denied registry or repository.

use crate::patterns::{RegistryPattern, RepositoryPattern, parse_all};
use kit::control::Params;
use kit::{Control, Ctx, Finding, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "image-registry-denied",
    title: kit::cold!("Images do not come from denied registries or repositories"),
    rationale: kit::cold!(
        "Some sources must never run in production: registries that are frozen and no longer receive security fixes (k8s.gcr.io was frozen in April 2023 and its images end at old patch levels), public mirrors outside the organisation's control, repositories known to be compromised. Registries match the whole host (registry.example.com never matches registry.example.com.evil.io). References the runtime cannot parse cannot be pulled and are image-reference-valid's."
    ),
    remediation: kit::cold!(
        "pull the image from an approved registry (for Kubernetes images: registry.k8s.io instead of k8s.gcr.io)"
    ),
    severity: Severity::High,
    tags: &["default", "images", "supply-chain"],
    criteria: super::PROVENANCE,
    params: &[
        Param {
            name: "registries",
            kind: ParamKind::StringList,
            default: r#"["k8s.gcr.io"]"#,
            description: kit::cold!(
                "registry hosts refused (whole host with port; * within a DNS label, ** across labels)"
            ),
        },
        Param {
            name: "repositories",
            kind: ParamKind::StringList,
            default: r#"["gcr.io/google_containers/**", "gcr.io/google-containers/**"]"#,
            description: kit::cold!(
                "repositories refused, registry/path globs (* within a path segment, ** across segments; nginx = docker.io/library/nginx)"
            ),
        },
    ],
    validate_params: Some(validate),
    check,
    ..Control::DEFAULTS
};

fn validate(p: &Params) -> Result<(), String> {
    parse_all(
        "registries",
        &p.strings("registries"),
        RegistryPattern::parse,
    )?;
    parse_all(
        "repositories",
        &p.strings("repositories"),
        RepositoryPattern::parse,
    )?;
    Ok(())
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let (registries, repositories) = crate::patterns::registries_and_repositories(&ctx.params);
    crate::refs::parsed(ctx)
        .filter_map(|(c, r)| {
            let why = if let Some(p) = registries.iter().find(|p| p.matches(&r)) {
                kit::text!("registry {} is denied ({})", r.domain(), p.as_str())
            } else if let Some(p) = repositories.iter().find(|p| p.matches(&r)) {
                kit::text!("repository {} is denied ({})", r.repository(), p.text())
            } else {
                return None;
            };
            Some(Finding::container(
                &c,
                "image",
                kit::text!("image {}: {why}", crate::reference::excerpt(c.image, 120)),
            ))
        })
        .collect()
}
