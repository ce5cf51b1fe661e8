//! Images carry a trusted sigstore signature, verified by the Kubewarden host.

use crate::host::{Memo, first_line};
use crate::patterns::{RepositoryPattern, parse_all};
use kit::control::Params;
use kit::{Control, Ctx, Finding, Param, ParamKind, Severity};
use kit::{Value, dom::Map, json_value as json};

pub static CONTROL: Control = Control {
    id: "image-signature-verified",
    title: kit::cold!("Images are signed by a trusted identity (sigstore)"),
    rationale: kit::cold!(
        "A signature made by the build pipeline's key or keyless identity proves that the image was produced by the organisation's reviewed build and not pushed by whoever obtained registry credentials. The policy-server verifies it (host capability oci/v2/verify: cosign public keys, keyless issuer and subject or subject prefix, GitHub Actions workflow identity, with required signature annotations); every configured method must verify. A failed or refused verification is reported as 'could not verify', never accepted; a reference pinned by digest must be the digest that was verified."
    ),
    remediation: kit::cold!(
        "sign the image in the build pipeline (cosign sign --key … or keyless), and reference the signed digest; check the identity and keys configured in parameters.image-signature-verified"
    ),
    severity: Severity::High,
    tags: &["images", "supply-chain", "host-capabilities"],
    criteria: kit::Criteria {
        soc2: &["CC6.8", "CC8.1"],
        iso27001: &["A.8.19", "A.5.21", "A.8.32"],
        pss: &[],
        cis: &["5.5.1"],
    },
    params: &[
        Param {
            name: "images",
            kind: ParamKind::StringList,
            default: r#"["**"]"#,
            description: kit::cold!(
                "repositories whose images must be signed (registry/path globs as in image-registry-allowed; ** = every image)"
            ),
        },
        Param {
            name: "pubKeys",
            kind: ParamKind::StringList,
            default: "[]",
            description: kit::cold!(
                "PEM public keys (cosign); every key must have signed the image (verify-image-signatures pubKeys)"
            ),
        },
        Param {
            name: "keylessIssuer",
            kind: ParamKind::String,
            default: r#""""#,
            description: kit::cold!(
                "OIDC issuer of keyless signatures, e.g. https://token.actions.githubusercontent.com"
            ),
        },
        Param {
            name: "keylessSubject",
            kind: ParamKind::String,
            default: r#""""#,
            description: kit::cold!(
                "exact certificate subject (e-mail or URI) of keyless signatures (verify-image-signatures keyless)"
            ),
        },
        Param {
            name: "keylessSubjectPrefix",
            kind: ParamKind::String,
            default: r#""""#,
            description: kit::cold!(
                "URL prefix of the certificate subject of keyless signatures (verify-image-signatures keylessPrefix)"
            ),
        },
        Param {
            name: "githubOwner",
            kind: ParamKind::String,
            default: r#""""#,
            description: kit::cold!(
                "GitHub user or organisation whose Actions workflows signed the image (verify-image-signatures githubActions.owner)"
            ),
        },
        Param {
            name: "githubRepo",
            kind: ParamKind::String,
            default: r#""""#,
            description: kit::cold!("optional repository of those workflows (githubActions.repo)"),
        },
        Param {
            name: "annotations",
            kind: ParamKind::StringMap,
            default: "{}",
            description: kit::cold!("annotations every accepted signature must carry"),
        },
    ],
    validate_params: Some(validate),
    check,
    ..Control::DEFAULTS
};

fn validate(p: &Params) -> Result<(), String> {
    let images = parse_all("images", &p.strings("images"), RepositoryPattern::parse)?;
    if images.is_empty() {
        return Err("images must list at least one repository pattern (** for every image)".into());
    }
    for (i, k) in p.strings("pubKeys").iter().enumerate() {
        let k = k.trim();
        if !(k.starts_with("-----BEGIN PUBLIC KEY-----") && k.ends_with("-----END PUBLIC KEY-----"))
        {
            return Err(kit::text!(
                "pubKeys[{i}] is not a PEM public key (-----BEGIN PUBLIC KEY----- … -----END PUBLIC KEY-----)"
            ));
        }
    }
    let issuer = p.string("keylessIssuer");
    let subject = p.string("keylessSubject");
    let prefix = p.string("keylessSubjectPrefix");
    if issuer.is_empty() && (!subject.is_empty() || !prefix.is_empty()) {
        return Err("keylessIssuer is required with keylessSubject or keylessSubjectPrefix".into());
    }
    if !issuer.is_empty() {
        if !issuer.starts_with("https://") {
            return Err(kit::text!(
                "keylessIssuer must be an https:// URL, got {}",
                crate::reference::excerpt(&issuer, 60)
            ));
        }
        if subject.is_empty() && prefix.is_empty() {
            return Err("keylessIssuer needs keylessSubject or keylessSubjectPrefix".into());
        }
    }
    if !(prefix.is_empty() || prefix.starts_with("https://") || prefix.starts_with("http://")) {
        return Err("keylessSubjectPrefix must be a URL (e.g. https://github.com/acme/)".into());
    }
    let owner = p.string("githubOwner");
    if owner.is_empty() && !p.string("githubRepo").is_empty() {
        return Err("githubOwner is required with githubRepo".into());
    }
    if p.strings("pubKeys").is_empty() && issuer.is_empty() && owner.is_empty() {
        return Err(
            "configure at least one verification method: pubKeys, keylessIssuer with keylessSubject or keylessSubjectPrefix, or githubOwner"
                .into(),
        );
    }
    Ok(())
}

/// The `oci/v2/verify` requests (SigstoreVerificationInputV2 of the SDK) for `image`.
pub fn requests(p: &Params, image: &str) -> Vec<(&'static str, Value)> {
    let annotations = {
        let m: Map = p
            .string_map("annotations")
            .into_iter()
            .map(|(k, v)| (k, Value::String(v.into())))
            .collect();
        if m.is_empty() {
            Value::Null
        } else {
            Value::Object(m)
        }
    };
    let mut out = Vec::new();
    let keys = p.strings("pubKeys");
    if !keys.is_empty() {
        out.push((
            "public keys",
            json!({"type": "SigstorePubKeyVerify", "image": image, "pub_keys": keys, "annotations": annotations}),
        ));
    }
    let issuer = p.string("keylessIssuer");
    let subject = p.string("keylessSubject");
    if !issuer.is_empty() && !subject.is_empty() {
        out.push((
            "keyless identity",
            json!({"type": "SigstoreKeylessVerify", "image": image,
                   "keyless": [{"issuer": issuer, "subject": subject}], "annotations": annotations}),
        ));
    }
    let prefix = p.string("keylessSubjectPrefix");
    if !issuer.is_empty() && !prefix.is_empty() {
        out.push((
            "keyless identity prefix",
            json!({"type": "SigstoreKeylessPrefixVerify", "image": image,
                   "keyless_prefix": [{"issuer": issuer, "url_prefix": prefix}], "annotations": annotations}),
        ));
    }
    let owner = p.string("githubOwner");
    if !owner.is_empty() {
        let repo = p.string("githubRepo");
        out.push((
            "GitHub Actions identity",
            json!({"type": "SigstoreGithubActionsVerify", "image": image, "owner": owner,
                   "repo": if repo.is_empty() { Value::Null } else { Value::String(repo.into()) },
                   "annotations": annotations}),
        ));
    }
    out
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let images: Vec<_> = ctx
        .params
        .strings("images")
        .iter()
        .filter_map(|p| RepositoryPattern::parse(p).ok())
        .collect();
    let mut memo = Memo::default();
    let mut out = Vec::new();
    for (c, r) in crate::refs::containers(ctx) {
        let r = match r {
            Ok(r) => r,
            Err(why) => {
                out.push(crate::refs::unparsable(&c, "the image signature", &why));
                continue;
            }
        };
        if !images.iter().any(|p| p.matches(&r)) {
            continue;
        }
        let shown = crate::reference::excerpt(c.image, 120);
        let reqs = requests(&ctx.params, c.image);
        if reqs.is_empty() {
            out.push(Finding::container(
                &c,
                "image",
                kit::text!("could not verify the signature of {shown}: no verification method is configured"),
            ));
            continue;
        }
        for (method, payload) in reqs {
            let answer = memo.call("oci", "v2/verify", &payload.to_string());
            let problem = match answer {
                Err(e) => Some(kit::text!(
                    "could not verify the signature of {shown} ({method}): {}",
                    first_line(&e)
                )),
                Ok(bytes) => match kit::dom::parse(&bytes) {
                    Err(_) => Some(kit::text!(
                        "could not verify the signature of {shown} ({method}): the host's answer is not JSON"
                    )),
                    Ok(v) => match (
                        v.get("is_trusted").and_then(Value::as_bool),
                        v.get("digest").and_then(Value::as_str),
                    ) {
                        (Some(true), digest) => match (r.digest(), digest) {
                            (Some(want), Some(got)) if want != got => Some(kit::text!(
                                "the signature of {shown} ({method}) is for digest {}, not the referenced one",
                                crate::reference::excerpt(got, 80)
                            )),
                            _ => None,
                        },
                        (Some(false), _) => {
                            Some(kit::text!("{shown} has no trusted signature ({method})"))
                        }
                        (None, _) => Some(kit::text!(
                            "could not verify the signature of {shown} ({method}): the host's answer has no is_trusted"
                        )),
                    },
                },
            };
            if let Some(p) = problem {
                out.push(Finding::container(&c, "image", p));
            }
        }
    }
    out
}
