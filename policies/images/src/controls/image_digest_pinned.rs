//! Every image is pinned by sha256 digest.

use kit::{Control, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "image-digest-pinned",
    title: kit::cold!("Images are pinned by sha256 digest"),
    rationale: kit::cold!(
        "A tag can be moved to other content at any time by anyone who can push to the repository; a digest (@sha256: and 64 lower-case hex characters) names exactly one manifest. Pinning makes what was reviewed, scanned and signed exactly what runs, on every node and after every restart. A reference that cannot be parsed is not pinned."
    ),
    remediation: kit::cold!(
        "append the digest of the reviewed image, e.g. registry.example.com/shop/api:2.31.4@sha256:<64 hex> (crane digest / docker buildx imagetools inspect give it)"
    ),
    severity: Severity::Medium,
    tags: &["images", "supply-chain"],
    criteria: super::CHANGE,
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    crate::refs::containers(ctx)
        .filter_map(|(c, r)| match r {
            Err(why) => Some(crate::refs::unparsable(&c, "digest pinning", &why)),
            Ok(r) if r.sha256().is_some() => None,
            Ok(r) => Some(Finding::container(
                &c,
                "image",
                kit::text!(
                    "image {} is not pinned by a sha256 digest{}",
                    crate::reference::excerpt(c.image, 120),
                    match r.digest() {
                        Some(d) => kit::text!(" (it uses {})", d.split(':').next().unwrap_or("")),
                        None => String::new(),
                    }
                ),
            )),
        })
        .collect()
}
