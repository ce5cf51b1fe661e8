//! `kube-soc2 scaffold artifacthub`: the `artifacthub-pkg.yml` that
//! `kwctl scaffold artifacthub` writes from a policy's metadata.yml (same
//! fields, order, checks and YAML), with a reproducible `createdAt`, plus the
//! policy README beside it, ready to commit under `artifacthub/<family>/`.

use super::package::{
    POLICY_OCI_URL, POLICY_SOURCE, POLICY_TITLE, POLICY_VERSION, check_semver, source_date_epoch,
};
use crate::host_capabilities::ContextAwareResource;
use crate::metadata::Metadata;
use anyhow::{Context as _, Result, anyhow, bail};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub const POLICY_DESCRIPTION: &str = "io.kubewarden.policy.description";
pub const POLICY_AUTHOR: &str = "io.kubewarden.policy.author";
pub const POLICY_URL: &str = "io.kubewarden.policy.url";
pub const POLICY_LICENSE: &str = "io.kubewarden.policy.license";
pub const GITHUB_RELEASE_TAG: &str = "com.github.release.tag";
pub const ARTIFACTHUB_DISPLAY_NAME: &str = "io.artifacthub.displayName";
pub const ARTIFACTHUB_KEYWORDS: &str = "io.artifacthub.keywords";
pub const ARTIFACTHUB_RESOURCES: &str = "io.artifacthub.resources";
pub const HIDDEN_UI: &str = "io.kubewarden.hidden-ui";

pub const AH_MUTATION: &str = "kubewarden/mutation";
pub const AH_CONTEXT_AWARE_RESOURCES: &str = "kubewarden/contextAwareResources";
pub const AH_RULES: &str = "kubewarden/rules";
pub const AH_RESOURCES: &str = "kubewarden/resources";
pub const AH_QUESTIONS_UI: &str = "kubewarden/questions-ui";
pub const AH_HIDDEN_UI: &str = "kubewarden/hidden-ui";

const HEADER: &str = "# Kubewarden Artifacthub Package config
#
# Use this config to submit the policy to https://artifacthub.io.
#
# Generated from the policy's metadata.yml by `kube-soc2 scaffold artifacthub`
# (scripts/package): edit metadata.yml, not this file.
";

/// Arguments of `kube-soc2 scaffold artifacthub`.
#[derive(clap::Args, Debug, Clone)]
pub struct ArtifactHubArgs {
    /// The policy's metadata.yml.
    #[arg(long, short)]
    pub metadata: PathBuf,
    /// README copied beside the output (default: README.md next to metadata.yml).
    #[arg(long)]
    pub readme: Option<PathBuf>,
    /// questions-ui file for the Rancher UI (kubewarden/questions-ui).
    #[arg(long, short)]
    pub questions: Option<PathBuf>,
    /// Policy version; must equal io.kubewarden.policy.version (kwctl now
    /// reads the version from the metadata and only accepts this for
    /// compatibility).
    #[arg(long, short)]
    pub version: Option<String>,
    /// createdAt: RFC 3339 or Unix seconds. Default: $SOURCE_DATE_EPOCH, else
    /// the createdAt of the existing output when it is for the same version,
    /// else now.
    #[arg(long)]
    pub created_at: Option<String>,
    /// Output file (its folder receives README.md); stdout when absent.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct ContainerImage {
    pub name: String,
    pub image: String,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct Link {
    pub name: String,
    pub url: String,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct Maintainer {
    pub name: String,
    pub email: String,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct Provider {
    pub name: String,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct Recommendation {
    pub url: String,
}

/// policy-evaluator's `ArtifactHubPkg`, in its field order.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ArtifactHubPkg {
    pub version: String,
    pub name: String,
    pub display_name: String,
    pub created_at: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    #[serde(rename = "homeURL", skip_serializing_if = "Option::is_none")]
    pub home_url: Option<String>,
    pub containers_images: Vec<ContainerImage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keywords: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub links: Option<Vec<Link>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub install: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maintainers: Option<Vec<Maintainer>>,
    pub provider: Provider,
    pub recommendations: Vec<Recommendation>,
    pub annotations: BTreeMap<String, String>,
}

// ---- time -------------------------------------------------------------------

/// RFC 3339 in UTC, as the `time` crate writes it: `1970-01-01T00:00:00Z`,
/// subseconds only when not zero, without trailing zeros.
pub fn format_rfc3339(seconds: i64, nanos: u32) -> String {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    let (y, m, d) = kit::calendar::civil_from_days(days);
    let mut out = format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    );
    if nanos > 0 {
        let frac = format!("{nanos:09}");
        out.push('.');
        out.push_str(frac.trim_end_matches('0'));
    }
    out.push('Z');
    out
}

/// Parses an RFC 3339 date-time (`T` or space, `Z` or `±hh:mm`) into UTC
/// seconds and nanoseconds.
pub fn parse_rfc3339(text: &str) -> Result<(i64, u32)> {
    let bad = || anyhow!("\"{text}\" is not an RFC 3339 date-time (like 2026-01-31T12:00:00Z)");
    let b = text.as_bytes();
    if b.len() < 20 || !text.is_ascii() {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| -> Result<i64> {
        let s = &text[r];
        if s.bytes().all(|c| c.is_ascii_digit()) {
            s.parse::<i64>().map_err(|_| bad())
        } else {
            Err(bad())
        }
    };
    if b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return Err(bad());
    }
    let (y, mo, d, h, mi, s) = (
        num(0..4)?,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    );
    let month_days = [
        31,
        if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) {
            29
        } else {
            28
        },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&mo)
        || d < 1
        || d > month_days[(mo - 1) as usize]
        || h > 23
        || mi > 59
        || s > 60
    {
        return Err(bad());
    }
    let mut rest = &text[19..];
    let mut nanos: u32 = 0;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 9 {
            return Err(bad());
        }
        nanos = format!("{:0<9}", &frac[..digits])
            .parse()
            .map_err(|_| bad())?;
        rest = &frac[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6
            && matches!(rest.as_bytes()[0], b'+' | b'-')
            && rest.as_bytes()[3] == b':' =>
        {
            let oh = num_of(&rest[1..3]).ok_or_else(bad)?;
            let om = num_of(&rest[4..6]).ok_or_else(bad)?;
            if oh > 23 || om > 59 {
                return Err(bad());
            }
            let o = oh * 3600 + om * 60;
            if rest.starts_with('-') { -o } else { o }
        }
        _ => return Err(bad()),
    };
    let seconds =
        kit::calendar::days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s.min(59) - offset;
    Ok((seconds, nanos))
}

fn num_of(s: &str) -> Option<i64> {
    s.bytes()
        .all(|c| c.is_ascii_digit())
        .then(|| s.parse().ok())
        .flatten()
}

/// `--created-at`: RFC 3339 or Unix seconds, normalised to UTC.
pub fn parse_created_at(text: &str) -> Result<String> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<i64>() {
        if !(0..=253_402_300_799).contains(&seconds) {
            bail!("--created-at {seconds} is out of range");
        }
        return Ok(format_rfc3339(seconds, 0));
    }
    let (seconds, nanos) = parse_rfc3339(text)?;
    if !(0..=253_402_300_799).contains(&seconds) {
        bail!("createdAt {text} is out of range");
    }
    Ok(format_rfc3339(seconds, nanos))
}

// ---- metadata → package --------------------------------------------------------

fn required<'a>(a: &'a BTreeMap<String, String>, key: &str) -> Result<&'a String> {
    a.get(key)
        .ok_or_else(|| anyhow!("policy metadata must specify \"{key}\" in annotations"))
}

/// Checks an absolute http(s) URL and writes it as the `url` crate does
/// (lowercase scheme and host, `/` for an empty path).
pub fn normalize_url(annotation: &str, text: &str) -> Result<String> {
    let bad = |why: &str| anyhow!("annotation \"{annotation}\" is not a valid URL ({why}): {text}");
    let (scheme, rest) = text.split_once("://").ok_or_else(|| bad("no scheme"))?;
    if scheme.is_empty()
        || !scheme
            .bytes()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
        || !scheme
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"+-.".contains(&c))
    {
        return Err(bad("bad scheme"));
    }
    let split = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(split);
    let host = authority.rsplit('@').next().unwrap_or("");
    let host_only = host.split(':').next().unwrap_or("");
    if host_only.is_empty()
        || text.chars().any(|c| c.is_whitespace() || c.is_control())
        || !host_only
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"-._[]".contains(&c))
    {
        return Err(bad("bad host"));
    }
    let tail = if tail.is_empty() || !tail.starts_with('/') {
        format!("/{tail}")
    } else {
        tail.to_string()
    };
    Ok(format!(
        "{}://{}{}",
        scheme.to_ascii_lowercase(),
        authority.to_ascii_lowercase(),
        tail
    ))
}

/// The image reference `<ociUrl>:v<version>`, completed the way an OCI
/// reference parser does (docker.io and library/ for short names).
pub fn image_reference(oci_url: &str, version: &str) -> Result<String> {
    let url = oci_url.trim();
    let url = url.strip_prefix("registry://").unwrap_or(url);
    let valid = !url.is_empty()
        && !url.contains(['@', ' '])
        && url.split('/').all(|p| !p.is_empty())
        && url
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"-._/:".contains(&c))
        && !url.rsplit('/').next().unwrap_or("").contains(':')
        && url
            .split('/')
            .skip(1)
            .all(|p| p.bytes().all(|c| !c.is_ascii_uppercase()));
    if !valid {
        bail!(
            "annotation \"{POLICY_OCI_URL}\" is not a repository reference without tag (like ghcr.io/org/policies/name): {oci_url}"
        );
    }
    let first = url.split('/').next().unwrap_or("");
    let has_registry = url.contains('/') && (first.contains(['.', ':']) || first == "localhost");
    let full = if has_registry {
        url.to_string()
    } else if url.contains('/') {
        format!("docker.io/{url}")
    } else {
        format!("docker.io/library/{url}")
    };
    Ok(format!("{full}:v{version}"))
}

/// `Name <email>, Other <email>` (RFC 5322 address list) → maintainers.
pub fn parse_maintainers(text: &str) -> Result<Vec<Maintainer>> {
    let bad = || {
        anyhow!(
            "annotation \"{POLICY_AUTHOR}\" in policy metadata is malformed, must be csv values of \"name <email>\""
        )
    };
    let mut parts = Vec::new();
    let (mut current, mut quoted, mut angle) = (String::new(), false, false);
    for c in text.chars() {
        match c {
            '"' if !angle => quoted = !quoted,
            '<' if !quoted => angle = true,
            '>' if !quoted => angle = false,
            ',' if !quoted && !angle => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current);
    let mut out = Vec::new();
    for part in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        let (name, email) = match (part.find('<'), part.rfind('>')) {
            (Some(open), Some(close)) if close > open && part[close + 1..].trim().is_empty() => (
                part[..open].trim().trim_matches('"').trim().to_string(),
                part[open + 1..close].trim().to_string(),
            ),
            (None, None) => (String::new(), part.to_string()),
            _ => return Err(bad()),
        };
        let valid_email = match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.is_empty()
                    && !domain.contains('@')
                    && !email
                        .chars()
                        .any(|c| c.is_whitespace() || "<>,;\"".contains(c))
            }
            None => false,
        };
        if !valid_email {
            bail!("annotation \"{POLICY_AUTHOR}\": \"{email}\" is not an email address");
        }
        out.push(Maintainer { name, email });
    }
    if out.is_empty() {
        return Err(bad());
    }
    Ok(out)
}

/// kwctl's install instructions, with a pointer to the ready-made manifests.
fn install_text(image: &str) -> String {
    format!(
        r#"The policy can be obtained using [kwctl](https://docs.kubewarden.io/howtos/install-kwctl):
```console
kwctl pull {image}
```
Then, generate the policy manifest and tune it to your liking. For example:
```console
kwctl scaffold manifest -t ClusterAdmissionPolicy registry://{image}
```
Ready-made manifests (the recommended controls enforced, or every control in monitor mode, for a
ClusterAdmissionPolicy or a standalone policy-server) are in the source repository's `deploy/`
folder, and `kube-soc2 scaffold manifest` writes one for your own choice of controls.
"#
    )
}

/// The package, exactly as policy-evaluator's `ArtifactHubPkg::from_metadata`
/// builds it (kwctl 1.36), with `created_at` already formatted.
pub fn from_metadata(
    metadata: &Metadata,
    created_at: &str,
    questions: Option<&str>,
) -> Result<ArtifactHubPkg> {
    let a = metadata
        .annotations
        .as_ref()
        .filter(|a| !a.is_empty())
        .ok_or_else(|| {
            anyhow!("no annotations in policy metadata. policy metadata must specify annotations")
        })?;
    let version = required(a, POLICY_VERSION)?.clone();
    check_semver(&version).map_err(|e| anyhow!("policy version must be in semver: {e}"))?;
    if questions.is_some_and(str::is_empty) {
        bail!("questions-ui content cannot be empty");
    }
    let name = required(a, POLICY_TITLE)?.clone();
    let display_name = required(a, ARTIFACTHUB_DISPLAY_NAME)?.clone();
    let description = required(a, POLICY_DESCRIPTION)?.clone();
    let home_url = a
        .get(POLICY_URL)
        .map(|u| normalize_url(POLICY_URL, u))
        .transpose()?;
    let image = image_reference(required(a, POLICY_OCI_URL)?, &version)?;
    let keywords = match a.get(ARTIFACTHUB_KEYWORDS) {
        None => None,
        Some(csv) => {
            let words: Vec<String> = csv
                .split(',')
                .map(|w| w.trim_matches(' ').to_string())
                .collect();
            if words.iter().any(String::is_empty) {
                bail!(
                    "annotation \"{ARTIFACTHUB_KEYWORDS}\" in policy metadata is malformed, must be csv values"
                );
            }
            Some(words)
        }
    };
    let links = match a.get(POLICY_SOURCE) {
        None => None,
        Some(source) => {
            let source = normalize_url(POLICY_SOURCE, source)?;
            let host = source
                .split_once("://")
                .map(|(_, r)| r.split(['/', ':']).next().unwrap_or(""))
                .unwrap_or("");
            let mut links = Vec::new();
            if host == "github.com" {
                let release = match a.get(GITHUB_RELEASE_TAG) {
                    Some(tag) => url_encode(tag),
                    None => format!("v{version}"),
                };
                links.push(Link {
                    name: "policy".into(),
                    url: format!("{source}/releases/download/{release}/policy.wasm"),
                });
            }
            links.push(Link {
                name: "source".into(),
                url: source,
            });
            Some(links)
        }
    };
    let maintainers = a
        .get(POLICY_AUTHOR)
        .map(|s| parse_maintainers(s))
        .transpose()?;
    let mut annotations = BTreeMap::new();
    annotations.insert(AH_MUTATION.to_string(), metadata.mutating.to_string());
    if !metadata.context_aware_resources.is_empty() {
        let set: BTreeSet<&ContextAwareResource> =
            metadata.context_aware_resources.iter().collect();
        annotations.insert(
            AH_CONTEXT_AWARE_RESOURCES.to_string(),
            serde_yaml::to_string(&set)?,
        );
    }
    annotations.insert(
        AH_RULES.to_string(),
        serde_yaml::to_string(&metadata.rules)?,
    );
    if let Some(q) = questions {
        annotations.insert(AH_QUESTIONS_UI.to_string(), q.to_string());
    }
    if let Some(hidden) = a.get(HIDDEN_UI) {
        let hidden: bool = hidden.parse().map_err(|_| {
            anyhow!("annotation \"{HIDDEN_UI}\" in policy metadata must be \"true\" or \"false\"")
        })?;
        annotations.insert(AH_HIDDEN_UI.to_string(), hidden.to_string());
    }
    if let Some(r) = a.get(ARTIFACTHUB_RESOURCES) {
        annotations.insert(AH_RESOURCES.to_string(), r.clone());
    }
    Ok(ArtifactHubPkg {
        version,
        name,
        display_name,
        created_at: created_at.to_string(),
        description,
        license: a.get(POLICY_LICENSE).cloned(),
        home_url,
        install: Some(install_text(&image)),
        containers_images: vec![ContainerImage {
            name: "policy".into(),
            image,
        }],
        keywords,
        links,
        maintainers,
        provider: Provider {
            name: "kubewarden".into(),
        },
        recommendations: vec![Recommendation {
            url: "https://artifacthub.io/packages/helm/kubewarden/kubewarden-controller".into(),
        }],
        annotations,
    })
}

/// `application/x-www-form-urlencoded` byte serialisation (what kwctl uses
/// for the release tag).
fn url_encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The file's text: the header comment, then the YAML.
pub fn render(pkg: &ArtifactHubPkg) -> Result<String> {
    Ok(format!("{HEADER}{}", serde_yaml::to_string(pkg)?))
}

/// `createdAt` of an existing artifacthub-pkg.yml, when it is for `version`.
fn previous_created_at(path: &Path, version: &str) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let doc: serde_yaml::Value = serde_yaml::from_str(&text).ok()?;
    let same_version = doc.get("version").and_then(|v| match v {
        serde_yaml::Value::String(s) => Some(s.clone()),
        _ => None,
    })? == version;
    let created = doc.get("createdAt")?.as_str()?;
    if same_version {
        parse_created_at(created).ok()
    } else {
        None
    }
}

pub fn read_metadata_file(path: &Path) -> Result<Metadata> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Metadata::from_yaml(&text)
        .with_context(|| format!("{} is not valid policy metadata", path.display()))
}

pub fn scaffold_artifacthub(args: &ArtifactHubArgs) -> Result<bool> {
    let metadata = read_metadata_file(&args.metadata)?;
    let version = super::package::policy_version(&metadata)
        .with_context(|| format!("in {}", args.metadata.display()))?;
    if let Some(v) = &args.version {
        let v = v.strip_prefix('v').unwrap_or(v);
        if v != version {
            bail!(
                "--version {v} differs from {POLICY_VERSION} {version} in {}; the version comes from the metadata (update it there)",
                args.metadata.display()
            );
        }
    }
    let questions = args
        .questions
        .as_ref()
        .map(|p| std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display())))
        .transpose()?;
    let created_at = match (&args.created_at, source_date_epoch()?) {
        (Some(c), _) => parse_created_at(c)?,
        (None, Some(epoch)) => parse_created_at(&epoch.to_string()).context("SOURCE_DATE_EPOCH")?,
        (None, None) => args
            .output
            .as_deref()
            .and_then(|o| previous_created_at(o, &version))
            .map_or_else(
                || {
                    let now = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_err(|e| anyhow!("the clock is before 1970: {e}"))?;
                    Ok::<String, anyhow::Error>(format_rfc3339(now.as_secs() as i64, 0))
                },
                Ok,
            )?,
    };
    let pkg = from_metadata(&metadata, &created_at, questions.as_deref()).with_context(|| {
        format!(
            "cannot build the Artifact Hub package of {}",
            args.metadata.display()
        )
    })?;
    let text = render(&pkg)?;
    let Some(output) = &args.output else {
        print!("{text}");
        return Ok(true);
    };
    let readme = match &args.readme {
        Some(p) => Some(p.clone()),
        None => {
            let p = args
                .metadata
                .parent()
                .unwrap_or(Path::new("."))
                .join("README.md");
            p.is_file().then_some(p)
        }
    };
    let readme_text = readme
        .as_ref()
        .map(|p| std::fs::read(p).with_context(|| format!("cannot read {}", p.display())))
        .transpose()?;
    let dir = output
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    std::fs::write(output, text).with_context(|| format!("cannot write {}", output.display()))?;
    if let Some(bytes) = readme_text {
        let target = dir.join("README.md");
        std::fs::write(&target, bytes)
            .with_context(|| format!("cannot write {}", target.display()))?;
    }
    eprintln!(
        "{}: {} {} (createdAt {})",
        output.display(),
        pkg.name,
        pkg.version,
        pkg.created_at
    );
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trip() {
        assert_eq!(format_rfc3339(0, 0), "1970-01-01T00:00:00Z");
        assert_eq!(format_rfc3339(951_782_400, 0), "2000-02-29T00:00:00Z");
        assert_eq!(
            format_rfc3339(1_689_698_429, 41_426_000),
            "2023-07-18T16:40:29.041426Z"
        );
        for t in [
            "2023-07-18T16:40:29.041426Z",
            "2026-11-23T00:00:00Z",
            "1999-12-31T23:59:59Z",
        ] {
            let (s, n) = parse_rfc3339(t).unwrap();
            assert_eq!(format_rfc3339(s, n), t);
        }
        assert_eq!(
            parse_created_at("2023-01-19T14:46:21+02:00").unwrap(),
            "2023-01-19T12:46:21Z"
        );
        assert_eq!(parse_created_at("86400").unwrap(), "1970-01-02T00:00:00Z");
        for bad in [
            "",
            "yesterday",
            "2023-02-30T00:00:00Z",
            "2023-01-01T00:00:00",
            "2023-01-01T25:00:00Z",
            "-5",
        ] {
            assert!(parse_created_at(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn urls_and_references() {
        assert_eq!(
            normalize_url("k", "https://github.com/kube-soc2/kube-soc2").unwrap(),
            "https://github.com/kube-soc2/kube-soc2"
        );
        assert_eq!(
            normalize_url("k", "HTTPS://Example.com").unwrap(),
            "https://example.com/"
        );
        assert!(normalize_url("k", "@&*foo").is_err());
        assert!(normalize_url("k", "https:// spaced").is_err());
        assert_eq!(
            image_reference("ghcr.io/kube-soc2/policies/access-control", "0.1.0").unwrap(),
            "ghcr.io/kube-soc2/policies/access-control:v0.1.0"
        );
        assert_eq!(
            image_reference("org/p", "1.0.0").unwrap(),
            "docker.io/org/p:v1.0.0"
        );
        assert_eq!(
            image_reference("p", "1.0.0").unwrap(),
            "docker.io/library/p:v1.0.0"
        );
        assert!(image_reference("ghcr.io/x/p:v1", "1.0.0").is_err());
        assert!(image_reference("ghcr.io//p", "1.0.0").is_err());
    }

    #[test]
    fn maintainers() {
        let m =
            parse_maintainers("Tux Tuxedo <tux@example.com>, Pidgin <pidgin@example.com>").unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].name, "Tux Tuxedo");
        assert_eq!(m[1].email, "pidgin@example.com");
        assert_eq!(
            parse_maintainers("Foo <foo@example.com>,,Bar <bar@example.com>")
                .unwrap()
                .len(),
            2
        );
        assert_eq!(
            parse_maintainers("\"Doe, Jane\" <j@x.org>").unwrap()[0].name,
            "Doe, Jane"
        );
        for bad in [
            "",
            "Foo foo@example.com, Bar <bar@example.com>",
            "Bar <#$%#$%>",
            "A <a@x.org",
        ] {
            assert!(parse_maintainers(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn release_tag_is_form_encoded() {
        assert_eq!(
            url_encode("access-control/v0.1.0"),
            "access-control%2Fv0.1.0"
        );
    }
}
