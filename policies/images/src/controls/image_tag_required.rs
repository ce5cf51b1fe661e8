//! Every image names its version: a tag or a digest (never implicit latest).

use kit::{Control, Ctx, Finding, Flag, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "image-tag-required",
    title: kit::cold!("Images name an explicit tag"),
    rationale: kit::cold!(
        "A reference with neither tag nor digest is pulled as :latest: whatever was pushed last runs, and no record says which version that was. With requireTagWithDigest, digest-pinned references must also carry the human-readable tag reviewers and release notes refer to."
    ),
    remediation: kit::cold!(
        "add the version tag (e.g. registry.example.com/shop/api:2.31.4) and, ideally, its digest"
    ),
    severity: Severity::Medium,
    tags: &["default", "images"],
    criteria: super::CHANGE,
    params: &[Param {
        name: "requireTagWithDigest",
        kind: ParamKind::Bool,
        default: "false",
        description: kit::cold!(
            "also require a tag on references pinned by digest (repo:tag@sha256:…)"
        ),
    }],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let with_digest = Flag::of(Some(&ctx.params.value("requireTagWithDigest"))).is_true();
    crate::refs::parsed(ctx)
        .filter(|(_, r)| r.tag().is_none() && (r.digest().is_none() || with_digest))
        .map(|(c, r)| {
            let msg = if r.digest().is_none() {
                kit::text!(
                    "image {} has no tag: the runtime pulls {}:latest, whatever was pushed last",
                    crate::reference::excerpt(c.image, 120),
                    r.repository()
                )
            } else {
                kit::text!(
                    "image {} is pinned by digest but names no version tag",
                    crate::reference::excerpt(c.image, 120)
                )
            };
            Finding::container(&c, "image", msg)
        })
        .collect()
}
