//! Every container names a well-formed image reference.

use kit::{Control, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "image-reference-valid",
    title: kit::cold!("Image references are well-formed"),
    rationale: kit::cold!(
        "The runtime parses the image reference with the Docker reference grammar (lower-case repository, tag of at most 128 characters, sha256 digest of 64 lower-case hex characters). A reference it cannot parse never starts, and a reference that other tools read differently (upper case, stray characters) defeats every allow-list and review that reads it as text. Workload templates may even omit the image, leaving the pods to be refused later."
    ),
    remediation: kit::cold!(
        "write the image as [registry[:port]/]repository[:tag][@sha256:<64 hex>], lower-case repository, e.g. registry.example.com/shop/api:2.31.4@sha256:…"
    ),
    severity: Severity::Medium,
    tags: &["default", "images"],
    criteria: super::CHANGE,
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    crate::refs::containers(ctx)
        .filter_map(|(c, r)| {
            let why = r.err()?;
            Some(Finding::container(
                &c,
                "image",
                if why == "no image" {
                    "the container has no image: its pods cannot start".to_string()
                } else {
                    why
                },
            ))
        })
        .collect()
}
