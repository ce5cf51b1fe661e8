//! Images are built on an allowed (minimal, maintained) base image, read from
//! the image configuration's OCI base-image label.

use crate::host::{Memo, first_line};
use crate::patterns::{RepositoryPattern, parse_all};
use crate::reference::excerpt;
use kit::Value;
use kit::control::Params;
use kit::{Control, Ctx, Finding, Flag, Param, ParamKind, Severity, json};

pub const BASE_LABEL: &str = "org.opencontainers.image.base.name";

pub static CONTROL: Control = Control {
    id: "image-base-allowed",
    title: kit::cold!("Images are built on an allowed base image"),
    rationale: kit::cold!(
        "A minimal, maintained base image (distroless, a hardened internal base) carries fewer packages to patch and fewer tools for an intruder; a random base from a tutorial carries whatever it had when it was pulled. The base is read from the image's configuration (label org.opencontainers.image.base.name, written by docker buildx, BuildKit and most CI templates) through the policy-server (host capability oci/v1/oci_manifest_config). An image without the label is refused unless requireLabel is false, and a failed lookup is reported as 'could not verify', never accepted."
    ),
    remediation: kit::cold!(
        "rebuild the image FROM an allowed base and let the build record it (docker buildx build --annotation / LABEL org.opencontainers.image.base.name=<base reference>)"
    ),
    severity: Severity::Medium,
    tags: &["images", "supply-chain", "host-capabilities"],
    criteria: kit::Criteria {
        soc2: &["CC7.1", "CC6.8"],
        iso27001: &["A.8.19", "A.5.21"],
        pss: &[],
        cis: &[],
    },
    params: &[
        Param {
            name: "baseImages",
            kind: ParamKind::StringList,
            default: "[]",
            description: kit::cold!(
                "allowed base images, repository patterns (e.g. gcr.io/distroless/**, registry.example.com/base/*)"
            ),
        },
        Param {
            name: "images",
            kind: ParamKind::StringList,
            default: r#"["**"]"#,
            description: kit::cold!(
                "repositories whose base is checked (e.g. only the organisation's own images)"
            ),
        },
        Param {
            name: "requireLabel",
            kind: ParamKind::Bool,
            default: "true",
            description: kit::cold!("refuse images whose configuration does not name its base"),
        },
    ],
    validate_params: Some(validate),
    check,
    ..Control::DEFAULTS
};

fn validate(p: &Params) -> Result<(), String> {
    let bases = parse_all(
        "baseImages",
        &p.strings("baseImages"),
        RepositoryPattern::parse,
    )?;
    if bases.is_empty() {
        return Err("baseImages must list at least one repository pattern".into());
    }
    let images = parse_all("images", &p.strings("images"), RepositoryPattern::parse)?;
    if images.is_empty() {
        return Err("images must list at least one repository pattern (** for every image)".into());
    }
    Ok(())
}

/// The base-image label of an `oci/v1/oci_manifest_config` answer:
/// `Ok(None)` when the configuration has no such label.
pub fn base_label(answer: &Value) -> Result<Option<&str>, String> {
    let Some(config) = json::get(answer, &["config"]).filter(|c| c.is_object()) else {
        return Err("the host's answer has no image configuration".into());
    };
    match json::get(config, &["config", "Labels", BASE_LABEL]) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(kit::text!("label {BASE_LABEL} is not a string")),
    }
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let parse = |key: &str| -> Vec<RepositoryPattern> {
        ctx.params
            .strings(key)
            .iter()
            .filter_map(|p| RepositoryPattern::parse(p).ok())
            .collect()
    };
    let (bases, images) = (parse("baseImages"), parse("images"));
    let require = Flag::of(Some(&ctx.params.value("requireLabel"))).is_true();
    let mut memo = Memo::default();
    let mut out = Vec::new();
    for (c, r) in crate::refs::containers(ctx) {
        let r = match r {
            Ok(r) => r,
            Err(why) => {
                out.push(crate::refs::unparsable(&c, "the base image", &why));
                continue;
            }
        };
        if !images.iter().any(|p| p.matches(&r)) {
            continue;
        }
        let shown = excerpt(c.image, 120);
        let payload = Value::String(c.image.into()).to_string();
        let answer = memo
            .call("oci", "v1/oci_manifest_config", &payload)
            .and_then(|b| {
                kit::dom::parse(&b).map_err(|_| "the host's answer is not JSON".to_string())
            });
        let problem = match answer.as_ref().map_err(|e| e.clone()).and_then(base_label) {
            Err(e) => Some(kit::text!(
                "could not verify the base image of {shown}: {}",
                first_line(&e)
            )),
            Ok(None) if require => Some(kit::text!(
                "{shown} does not name its base image (no {BASE_LABEL} label in its configuration)"
            )),
            Ok(None) => None,
            Ok(Some(base)) => match crate::reference::parse(base) {
                Err(e) => Some(kit::text!(
                    "{shown} names a malformed base image: {}",
                    first_line(&e)
                )),
                Ok(b) if bases.iter().any(|p| p.matches(&b)) => None,
                Ok(b) => Some(kit::text!(
                    "{shown} is built on {}, which is not an allowed base image",
                    excerpt(&b.to_string(), 160)
                )),
            },
        };
        if let Some(p) = problem {
            out.push(Finding::container(&c, "image", p));
        }
    }
    out
}
