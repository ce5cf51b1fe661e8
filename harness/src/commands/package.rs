//! `kube-soc2 package`: every annotated module of the dist folder as the OCI
//! artifact `kwctl push` uploads — one layer holding the wasm bytes, the `{}`
//! config blob, an OCI image manifest annotated from the module's metadata —
//! written as an OCI image layout (`<out>/<family>/`) and as a tar of that
//! layout (`<out>/<family>.oci.tar`). `oras cp --from-oci-layout` or
//! `skopeo copy oci:` push either to any OCI registry; policy-server then pulls
//! `registry://<ociUrl>:v<version>`.

use super::dist_modules;
use crate::metadata::{Metadata, read_metadata};
use anyhow::{Context as _, Result, anyhow, bail};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Media type of the layer holding the module (oci-client `WASM_LAYER_MEDIA_TYPE`).
pub const WASM_LAYER_MEDIA_TYPE: &str = "application/vnd.wasm.content.layer.v1+wasm";
/// Media type of the `{}` config blob (oci-client `WASM_CONFIG_MEDIA_TYPE`).
pub const WASM_CONFIG_MEDIA_TYPE: &str = "application/vnd.wasm.config.v1+json";
pub const OCI_MANIFEST_MEDIA_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";
pub const OCI_INDEX_MEDIA_TYPE: &str = "application/vnd.oci.image.index.v1+json";
/// Content of the `oci-layout` file.
pub const OCI_LAYOUT: &str = r#"{"imageLayoutVersion":"1.0.0"}"#;
/// The config blob kwctl pushes.
pub const CONFIG_BLOB: &[u8] = b"{}";

pub const REF_NAME: &str = "org.opencontainers.image.ref.name";
pub const IMAGE_SOURCE: &str = "org.opencontainers.image.source";
pub const IMAGE_VERSION: &str = "org.opencontainers.image.version";
pub const IMAGE_TITLE: &str = "org.opencontainers.image.title";

pub const POLICY_TITLE: &str = "io.kubewarden.policy.title";
pub const POLICY_VERSION: &str = "io.kubewarden.policy.version";
pub const POLICY_SOURCE: &str = "io.kubewarden.policy.source";
pub const POLICY_OCI_URL: &str = "io.kubewarden.policy.ociUrl";

/// Arguments of `kube-soc2 package`.
#[derive(clap::Args, Debug, Clone)]
pub struct PackageArgs {
    /// Folder of annotated modules (scripts/build writes dist/<family>.wasm).
    #[arg(long, default_value = "dist")]
    pub dist: PathBuf,
    /// Where to write <family>/ (OCI image layout) and <family>.oci.tar.
    #[arg(long, default_value = "dist/oci")]
    pub out: PathBuf,
    /// Only these families (file stems of the dist modules); repeat or
    /// separate with commas. Default: every module.
    #[arg(long, value_delimiter = ',')]
    pub family: Vec<String>,
}

/// An OCI content descriptor.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Descriptor {
    pub media_type: String,
    pub digest: String,
    pub size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
}

/// The image manifest, field for field as oci-client serialises the one
/// kwctl pushes: no `mediaType` in the body (the registry learns it from the
/// Content-Type, the layout from index.json).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ImageManifest {
    pub schema_version: u32,
    pub config: Descriptor,
    pub layers: Vec<Descriptor>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ImageIndex {
    pub schema_version: u32,
    pub media_type: String,
    pub manifests: Vec<Descriptor>,
}

/// One module as an OCI image, every file of its layout in memory.
#[derive(Debug, Clone)]
pub struct OciImage {
    pub version: String,
    /// `io.kubewarden.policy.ociUrl`, when the metadata has it.
    pub oci_url: Option<String>,
    pub manifest_digest: String,
    pub layer_size: u64,
    /// Content-addressed blobs: (`sha256:<hex>`, bytes), sorted by digest.
    pub blobs: Vec<(String, Vec<u8>)>,
    pub index_json: Vec<u8>,
}

impl OciImage {
    /// The layout's files as (relative path, bytes): `oci-layout`,
    /// `index.json`, then `blobs/sha256/<hex>` in digest order.
    pub fn files(&self) -> Vec<(String, &[u8])> {
        let mut files = vec![
            ("oci-layout".to_string(), OCI_LAYOUT.as_bytes()),
            ("index.json".to_string(), self.index_json.as_slice()),
        ];
        for (digest, bytes) in &self.blobs {
            files.push((blob_path(digest), bytes.as_slice()));
        }
        files
    }
}

/// `sha256:<lowercase hex>` of `bytes` (the report's evidence digests are
/// the same).
pub fn sha256_digest(bytes: &[u8]) -> String {
    report::evidence::sha256(bytes)
}

/// `blobs/sha256/<hex>` for `sha256:<hex>`.
pub fn blob_path(digest: &str) -> String {
    format!("blobs/{}", digest.replacen(':', "/", 1))
}

/// Checks a semantic version (`MAJOR.MINOR.PATCH[-pre][+build]`, numbers
/// without leading zeros), as kwctl's semver parse does.
pub fn check_semver(version: &str) -> Result<()> {
    let (core, _build) = version.split_once('+').unwrap_or((version, ""));
    let (core, pre) = match core.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (core, None),
    };
    let numbers: Vec<&str> = core.split('.').collect();
    let numeric = |n: &str| {
        !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && (n == "0" || !n.starts_with('0'))
    };
    if numbers.len() != 3 || !numbers.iter().all(|n| numeric(n)) {
        bail!("\"{version}\" is not a semantic version (MAJOR.MINOR.PATCH)");
    }
    if let Some(pre) = pre
        && (pre.is_empty()
            || pre.split('.').any(|p| {
                p.is_empty() || !p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            }))
    {
        bail!("\"{version}\" has an invalid pre-release part");
    }
    Ok(())
}

/// The metadata's annotations (none = empty).
pub fn annotations(metadata: &Metadata) -> BTreeMap<String, String> {
    metadata.annotations.clone().unwrap_or_default()
}

/// `io.kubewarden.policy.version`, which must be a semantic version (it is
/// the OCI tag without its `v`).
pub fn policy_version(metadata: &Metadata) -> Result<String> {
    let version = metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(POLICY_VERSION))
        .ok_or_else(|| anyhow!("the metadata has no {POLICY_VERSION} annotation"))?
        .trim()
        .to_string();
    check_semver(&version).with_context(|| format!("annotation {POLICY_VERSION}"))?;
    Ok(version)
}

/// The manifest annotations kwctl push derives from the metadata
/// annotations: multi-line values dropped (OCI annotations are single
/// lines), the rest trimmed, `org.opencontainers.image.source` copied from
/// `io.kubewarden.policy.source` when absent. We also set
/// `org.opencontainers.image.title` and `.version` (when absent) so
/// registries and `oras`/`skopeo` show what the artifact is.
pub fn oci_annotations(annotations: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = annotations
        .iter()
        .filter(|(_, v)| v.lines().count() <= 1)
        .map(|(k, v)| (k.clone(), v.trim().to_string()))
        .collect();
    for (oci, kubewarden) in [
        (IMAGE_SOURCE, POLICY_SOURCE),
        (IMAGE_TITLE, POLICY_TITLE),
        (IMAGE_VERSION, POLICY_VERSION),
    ] {
        if let Some(v) = out.get(kubewarden).cloned()
            && !out.contains_key(oci)
        {
            out.insert(oci.to_string(), v);
        }
    }
    out
}

/// Builds the OCI image of an annotated module. Like `kwctl push`, refuses a
/// module without `io.kubewarden.metadata`.
pub fn build_image(wasm: &[u8]) -> Result<OciImage> {
    let metadata = read_metadata(wasm)?.ok_or_else(|| {
        anyhow!("the module is not annotated (no io.kubewarden.metadata section); run scripts/build, which annotates dist/*.wasm")
    })?;
    let version = policy_version(&metadata)?;
    let annotations = annotations(&metadata);
    let config = Descriptor {
        media_type: WASM_CONFIG_MEDIA_TYPE.to_string(),
        digest: sha256_digest(CONFIG_BLOB),
        size: CONFIG_BLOB.len() as u64,
        annotations: None,
    };
    let layer = Descriptor {
        media_type: WASM_LAYER_MEDIA_TYPE.to_string(),
        digest: sha256_digest(wasm),
        size: wasm.len() as u64,
        annotations: None,
    };
    let oci = oci_annotations(&annotations);
    let manifest = ImageManifest {
        schema_version: 2,
        config: config.clone(),
        layers: vec![layer.clone()],
        annotations: (!oci.is_empty()).then_some(oci),
    };
    let manifest_json = serde_json::to_vec(&manifest)?;
    let manifest_digest = sha256_digest(&manifest_json);
    let index = ImageIndex {
        schema_version: 2,
        media_type: OCI_INDEX_MEDIA_TYPE.to_string(),
        manifests: vec![Descriptor {
            media_type: OCI_MANIFEST_MEDIA_TYPE.to_string(),
            digest: manifest_digest.clone(),
            size: manifest_json.len() as u64,
            annotations: Some(BTreeMap::from([(
                REF_NAME.to_string(),
                format!("v{version}"),
            )])),
        }],
    };
    let mut blobs: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    blobs.insert(config.digest, CONFIG_BLOB.to_vec());
    blobs.insert(layer.digest, wasm.to_vec());
    blobs.insert(manifest_digest.clone(), manifest_json);
    Ok(OciImage {
        version,
        oci_url: annotations
            .get(POLICY_OCI_URL)
            .map(|s| s.trim().to_string()),
        manifest_digest,
        layer_size: layer.size,
        blobs: blobs.into_iter().collect(),
        index_json: serde_json::to_vec(&index)?,
    })
}

/// `SOURCE_DATE_EPOCH` (reproducible-builds.org), if set.
pub fn source_date_epoch() -> Result<Option<i64>> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if v.trim().is_empty() => Ok(None),
        Ok(v) => v
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| anyhow!("SOURCE_DATE_EPOCH={v:?} is not a number of seconds")),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => bail!("SOURCE_DATE_EPOCH is not UTF-8"),
    }
}

fn octal(field: &mut [u8], value: u64) {
    // NUL-terminated, zero-padded octal filling the field.
    let width = field.len() - 1;
    let text = format!("{value:0width$o}");
    field[..width].copy_from_slice(&text.as_bytes()[text.len() - width..]);
    field[width] = 0;
}

fn tar_header(name: &str, size: u64, directory: bool, mtime: u64) -> Result<[u8; 512]> {
    if name.len() > 100 {
        bail!("tar entry name {name} is longer than 100 bytes");
    }
    if size >= 1 << 33 || mtime >= 1 << 33 {
        bail!("tar entry {name} does not fit a ustar header");
    }
    let mut h = [0u8; 512];
    h[..name.len()].copy_from_slice(name.as_bytes());
    octal(&mut h[100..108], if directory { 0o755 } else { 0o644 });
    octal(&mut h[108..116], 0); // uid
    octal(&mut h[116..124], 0); // gid
    octal(&mut h[124..136], size);
    octal(&mut h[136..148], mtime);
    h[156] = if directory { b'5' } else { b'0' };
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[148..156].copy_from_slice(b"        ");
    let sum: u64 = h.iter().map(|&b| u64::from(b)).sum();
    let text = format!("{sum:06o}\0 ");
    h[148..156].copy_from_slice(text.as_bytes());
    Ok(h)
}

/// The layout as a ustar archive (what `skopeo copy oci-archive:` reads):
/// the layout's files at the archive root, owner 0, fixed modes, every
/// mtime `mtime`, so the same module always gives the same bytes.
pub fn tar_layout(image: &OciImage, mtime: u64) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut entries: Vec<(String, Option<&[u8]>)> = Vec::new();
    let files = image.files();
    for (path, bytes) in &files[..2] {
        entries.push((path.clone(), Some(bytes)));
    }
    entries.push(("blobs/".into(), None));
    entries.push(("blobs/sha256/".into(), None));
    for (path, bytes) in &files[2..] {
        entries.push((path.clone(), Some(bytes)));
    }
    for (name, data) in entries {
        let size = data.map_or(0, |d| d.len() as u64);
        out.extend_from_slice(&tar_header(&name, size, data.is_none(), mtime)?);
        if let Some(data) = data {
            out.extend_from_slice(data);
            out.resize(out.len().div_ceil(512) * 512, 0);
        }
    }
    out.resize(out.len() + 1024, 0); // two zero records end the archive
    Ok(out)
}

/// Writes the layout into `dir`, replacing a previous layout there. Refuses
/// to replace a non-empty folder that is not an OCI layout.
pub fn write_layout(image: &OciImage, dir: &Path) -> Result<()> {
    if dir.exists() {
        let is_layout = dir.join("oci-layout").is_file();
        let is_empty = std::fs::read_dir(dir)
            .with_context(|| format!("cannot read {}", dir.display()))?
            .next()
            .is_none();
        if !is_layout && !is_empty {
            bail!(
                "{} exists and is not an OCI image layout; refusing to replace it",
                dir.display()
            );
        }
        std::fs::remove_dir_all(dir)
            .with_context(|| format!("cannot remove the old layout {}", dir.display()))?;
    }
    for (path, bytes) in image.files() {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// File stem of a module path (`access-control` for dist/access-control.wasm).
pub fn family_of(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

pub fn package(args: &PackageArgs) -> Result<bool> {
    let mut modules = dist_modules(&args.dist)?;
    if !args.family.is_empty() {
        for f in &args.family {
            if !modules.iter().any(|m| &family_of(m) == f) {
                bail!(
                    "no module {}/{f}.wasm (run scripts/build first)",
                    args.dist.display()
                );
            }
        }
        modules.retain(|m| args.family.contains(&family_of(m)));
    }
    let mtime = source_date_epoch()?.unwrap_or(0).max(0) as u64;
    if mtime >= 1 << 33 {
        bail!("SOURCE_DATE_EPOCH={mtime} is past what a ustar header holds (year 2242)");
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    for path in modules {
        let family = family_of(&path);
        let wasm =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let image =
            build_image(&wasm).with_context(|| format!("cannot package {}", path.display()))?;
        let dir = args.out.join(&family);
        write_layout(&image, &dir)?;
        let tar_path = args.out.join(format!("{family}.oci.tar"));
        std::fs::write(&tar_path, tar_layout(&image, mtime)?)
            .with_context(|| format!("cannot write {}", tar_path.display()))?;
        println!(
            "{family} v{}: {} (layer {} bytes, manifest {}), {}",
            image.version,
            dir.display(),
            image.layer_size,
            image.manifest_digest,
            tar_path.display()
        );
        if let Some(url) = &image.oci_url {
            println!(
                "  push: oras cp --from-oci-layout {}:v{} {url}:v{}",
                dir.display(),
                image.version,
                image.version
            );
            println!("  pull: registry://{url}:v{}", image.version);
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests() {
        assert_eq!(
            sha256_digest(b"{}"),
            "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        );
        assert_eq!(
            blob_path("sha256:abc"),
            "blobs/sha256/abc",
            "the algorithm is a folder"
        );
    }

    #[test]
    fn semver() {
        for ok in [
            "0.1.0",
            "1.22.333",
            "1.0.0-rc.1",
            "1.0.0+build.5",
            "1.0.0-alpha-1",
        ] {
            assert!(check_semver(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "1",
            "1.0",
            "v1.0.0",
            "01.0.0",
            "1.0.0-",
            "1.0.0-a..b",
            "1.0.x",
        ] {
            assert!(check_semver(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn annotations_drop_multi_line_values() {
        let a = BTreeMap::from([
            (
                POLICY_SOURCE.to_string(),
                "https://example.com/x ".to_string(),
            ),
            ("io.kubewarden.policy.usage".to_string(), "a\nb".to_string()),
            ("d".to_string(), "ends with newline\n".to_string()),
        ]);
        let out = oci_annotations(&a);
        assert_eq!(out.get(IMAGE_SOURCE).unwrap(), "https://example.com/x");
        assert_eq!(out.get("d").unwrap(), "ends with newline");
        assert!(!out.contains_key("io.kubewarden.policy.usage"));
        assert!(!out.contains_key(IMAGE_TITLE));
    }

    #[test]
    fn tar_headers_have_valid_checksums() {
        let h = tar_header("oci-layout", 30, false, 0).unwrap();
        let stored = u64::from_str_radix(std::str::from_utf8(&h[148..154]).unwrap(), 8).unwrap();
        let mut copy = h;
        copy[148..156].copy_from_slice(b"        ");
        assert_eq!(stored, copy.iter().map(|&b| u64::from(b)).sum::<u64>());
        assert_eq!(&h[124..136], b"00000000036\0");
        assert!(tar_header(&"x".repeat(101), 0, false, 0).is_err());
    }

    #[test]
    fn refuses_unannotated_modules() {
        let wasm = wat::parse_str("(module)").unwrap();
        let e = build_image(&wasm).unwrap_err().to_string();
        assert!(e.contains("not annotated"), "{e}");
    }
}
