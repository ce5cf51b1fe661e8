//! No container names a denied (floating) tag such as `:latest`.

use kit::{Control, Ctx, Finding, Param, ParamKind, Severity, glob};

pub static CONTROL: Control = Control {
    id: "image-tag-not-latest",
    title: kit::cold!("Images do not use the latest tag"),
    rationale: kit::cold!(
        "`latest` (and similar floating tags) names whatever was pushed last: two nodes may run different code under one manifest, a rollback returns to nothing in particular, and the change that reached production is not the change that was reviewed. Written with a digest the tag is ignored by the runtime but still misleads reviewers. Untagged references (implicit latest) are image-tag-required's."
    ),
    remediation: kit::cold!(
        "use a versioned tag (e.g. :2.31.4), ideally with its digest (@sha256:…)"
    ),
    severity: Severity::Medium,
    tags: &["default", "images"],
    criteria: super::CHANGE,
    params: &[Param {
        name: "deniedTags",
        kind: ParamKind::StringList,
        default: r#"["latest"]"#,
        description: kit::cold!("tags refused, compared case-insensitively; * and ? globs"),
    }],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let denied: Vec<String> = ctx
        .params
        .strings("deniedTags")
        .iter()
        .map(|t| kit::text::ascii_lowercase(t))
        .collect();
    crate::refs::parsed(ctx)
        .filter_map(|(c, r)| {
            let tag = r.tag()?;
            let lower = kit::text::ascii_lowercase(tag);
            let p = denied.iter().find(|p| glob::matches(p, &lower))?;
            Some(Finding::container(
                &c,
                "image",
                kit::text!(
                    "image uses tag \"{tag}\" of {}, which is denied ({p}): a floating tag does not say which code runs",
                    r.repository()
                ),
            ))
        })
        .collect()
}
