//! Distribution: the OCI image layouts of `kube-soc2 package`, the Artifact
//! Hub packages under artifacthub/ and the manifests under deploy/, checked
//! against the built modules (dist/*.wasm) and regenerated to catch drift.

mod common;

use common::{cli, dist, dist_module, host, workspace};
use kube_soc2::metadata::{Metadata, read_metadata};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Output;

const LAYER: &str = "application/vnd.wasm.content.layer.v1+wasm";
const CONFIG: &str = "application/vnd.wasm.config.v1+json";
const MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const INDEX: &str = "application/vnd.oci.image.index.v1+json";

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kube-soc2-dist-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The policy families: every crate under policies/ but the kit. Each must
/// have been built into dist/.
fn families() -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(workspace().join("policies"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("Cargo.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "kit")
        .collect();
    out.sort();
    assert!(!out.is_empty());
    for f in &out {
        dist_module(f); // fails with "run scripts/build first"
    }
    out
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs the CLI; asserts success and no panic.
fn ok(out: Output) -> Output {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(
        !text(&out.stderr).contains("panicked"),
        "{}",
        text(&out.stderr)
    );
    out
}

/// Runs the CLI; asserts exit 2 with `message` in stderr and no panic.
fn refused(out: Output, message: &str) {
    let stderr = text(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "stdout: {}\nstderr: {stderr}",
        text(&out.stdout)
    );
    assert!(
        stderr.contains(message),
        "expected {message:?} in: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

fn sha256(bytes: &[u8]) -> String {
    let mut s = String::from("sha256:");
    for b in Sha256::digest(bytes) {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

fn json_file(path: &Path) -> Value {
    serde_json::from_slice(
        &std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn module_metadata(family: &str) -> Metadata {
    let wasm = std::fs::read(dist_module(family)).unwrap();
    read_metadata(&wasm)
        .unwrap()
        .expect("dist modules are annotated")
}

fn source_metadata(family: &str) -> Metadata {
    let path = workspace()
        .join("policies")
        .join(family)
        .join("metadata.yml");
    Metadata::from_yaml(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn annotation(m: &Metadata, key: &str) -> String {
    m.annotations
        .as_ref()
        .and_then(|a| a.get(key))
        .unwrap_or_else(|| panic!("metadata has no {key}"))
        .clone()
}

/// Reads a descriptor's blob from the layout, checking digest and size.
fn blob(layout: &Path, descriptor: &Value) -> Vec<u8> {
    let digest = descriptor["digest"].as_str().expect("digest");
    let hex = digest.strip_prefix("sha256:").expect("sha256 digest");
    assert!(
        hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    let bytes = std::fs::read(layout.join("blobs/sha256").join(hex))
        .unwrap_or_else(|e| panic!("blob {digest} missing in {}: {e}", layout.display()));
    assert_eq!(
        sha256(&bytes),
        digest,
        "blob content does not match its digest"
    );
    assert_eq!(
        descriptor["size"].as_u64(),
        Some(bytes.len() as u64),
        "size of {digest}"
    );
    bytes
}

struct TarEntry {
    name: String,
    directory: bool,
    mtime: u64,
    data: Vec<u8>,
}

fn octal(field: &[u8]) -> u64 {
    let s: String = field
        .iter()
        .take_while(|&&b| b != 0 && b != b' ')
        .map(|&b| b as char)
        .collect();
    u64::from_str_radix(&s, 8).unwrap_or_else(|_| panic!("bad octal field {field:?}"))
}

/// A minimal ustar reader that checks what GNU tar and Go's archive/tar check.
fn untar(bytes: &[u8]) -> Vec<TarEntry> {
    assert_eq!(bytes.len() % 512, 0, "a tar is made of 512-byte records");
    let mut entries = Vec::new();
    let mut at = 0;
    loop {
        let h = &bytes[at..at + 512];
        if h.iter().all(|&b| b == 0) {
            assert!(
                bytes[at..].len() >= 1024 && bytes[at..].iter().all(|&b| b == 0),
                "the archive ends with two zero records"
            );
            return entries;
        }
        assert_eq!(&h[257..263], b"ustar\0");
        let mut blank = h.to_vec();
        blank[148..156].copy_from_slice(b"        ");
        assert_eq!(
            octal(&h[148..156]),
            blank.iter().map(|&b| u64::from(b)).sum::<u64>(),
            "header checksum"
        );
        let name: String = h[..100]
            .iter()
            .take_while(|&&b| b != 0)
            .map(|&b| b as char)
            .collect();
        let size = octal(&h[124..136]) as usize;
        let directory = h[156] == b'5';
        assert!(
            directory || h[156] == b'0',
            "regular files and folders only"
        );
        let data = bytes[at + 512..at + 512 + size].to_vec();
        entries.push(TarEntry {
            name,
            directory,
            mtime: octal(&h[136..148]),
            data,
        });
        at += 512 + size.div_ceil(512) * 512;
    }
}

fn package(out: &Path, envs: &[(&str, &str)]) {
    let mut c = cli();
    c.arg("package")
        .arg("--dist")
        .arg(dist())
        .arg("--out")
        .arg(out);
    c.env_remove("SOURCE_DATE_EPOCH");
    for (k, v) in envs {
        c.env(k, v);
    }
    ok(c.output().unwrap());
}

#[test]
fn oci_layouts_are_what_kwctl_push_uploads() {
    let families = families();
    let out = temp_dir("oci");
    package(&out, &[]);
    for family in &families {
        let wasm = std::fs::read(dist_module(family)).unwrap();
        let metadata = module_metadata(family);
        let version = annotation(&metadata, "io.kubewarden.policy.version");
        let layout = out.join(family);

        assert_eq!(
            json_file(&layout.join("oci-layout")),
            json!({"imageLayoutVersion": "1.0.0"})
        );
        let index = json_file(&layout.join("index.json"));
        assert_eq!(index["schemaVersion"], 2);
        assert_eq!(index["mediaType"], INDEX);
        let manifests = index["manifests"].as_array().expect("manifests");
        assert_eq!(manifests.len(), 1, "one image per layout");
        let entry = &manifests[0];
        assert_eq!(entry["mediaType"], MANIFEST);
        assert_eq!(
            entry["annotations"]["org.opencontainers.image.ref.name"],
            format!("v{version}"),
            "the tag is v<io.kubewarden.policy.version>"
        );

        let manifest_bytes = blob(&layout, entry);
        let manifest: Value = serde_json::from_slice(&manifest_bytes).unwrap();
        assert_eq!(manifest["schemaVersion"], 2);
        assert!(
            manifest.get("mediaType").is_none(),
            "kwctl push sends no mediaType in the manifest body"
        );
        assert_eq!(manifest["config"]["mediaType"], CONFIG);
        assert_eq!(blob(&layout, &manifest["config"]), b"{}");
        let layers = manifest["layers"].as_array().expect("layers");
        assert_eq!(layers.len(), 1, "one layer: the module");
        assert_eq!(layers[0]["mediaType"], LAYER);
        assert!(layers[0].get("annotations").is_none());
        assert!(
            blob(&layout, &layers[0]) == wasm,
            "the layer is the module, byte for byte"
        );

        let mut expected: BTreeMap<String, String> = metadata
            .annotations
            .clone()
            .unwrap_or_default()
            .into_iter()
            .filter(|(_, v)| v.lines().count() <= 1)
            .map(|(k, v)| (k, v.trim().to_string()))
            .collect();
        for (oci, kw) in [
            (
                "org.opencontainers.image.source",
                "io.kubewarden.policy.source",
            ),
            (
                "org.opencontainers.image.title",
                "io.kubewarden.policy.title",
            ),
            (
                "org.opencontainers.image.version",
                "io.kubewarden.policy.version",
            ),
        ] {
            expected.insert(oci.into(), annotation(&metadata, kw));
        }
        let annotations: BTreeMap<String, String> =
            serde_json::from_value(manifest["annotations"].clone()).unwrap();
        assert_eq!(annotations, expected);
        assert!(
            !annotations.contains_key("io.kubewarden.policy.usage"),
            "the README (multi-line) is not an OCI annotation"
        );

        let blobs: BTreeSet<String> = std::fs::read_dir(layout.join("blobs/sha256"))
            .unwrap()
            .map(|e| format!("sha256:{}", e.unwrap().file_name().to_string_lossy()))
            .collect();
        let referenced: BTreeSet<String> = [
            entry["digest"].as_str().unwrap(),
            manifest["config"]["digest"].as_str().unwrap(),
            layers[0]["digest"].as_str().unwrap(),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(blobs, referenced, "no blob is missing or left over");

        // The tar holds the same files at its root.
        let tar = untar(&std::fs::read(out.join(format!("{family}.oci.tar"))).unwrap());
        let files: BTreeMap<String, Vec<u8>> = tar
            .iter()
            .filter(|e| !e.directory)
            .map(|e| (e.name.clone(), e.data.clone()))
            .collect();
        let mut on_disk = BTreeMap::new();
        on_disk.insert(
            "oci-layout".to_string(),
            std::fs::read(layout.join("oci-layout")).unwrap(),
        );
        on_disk.insert(
            "index.json".to_string(),
            std::fs::read(layout.join("index.json")).unwrap(),
        );
        for d in &blobs {
            let path = format!("blobs/{}", d.replacen(':', "/", 1));
            on_disk.insert(path.clone(), std::fs::read(layout.join(&path)).unwrap());
        }
        assert!(files == on_disk, "{family}.oci.tar holds the layout");
        assert!(tar.iter().all(|e| e.mtime == 0));
        eprintln!(
            "{family}: module {} bytes, manifest {} ({} bytes)",
            wasm.len(),
            entry["digest"],
            manifest_bytes.len()
        );
    }
}

#[test]
fn packaging_is_reproducible() {
    let families = families();
    let (a, b, c) = (
        temp_dir("repro-a"),
        temp_dir("repro-b"),
        temp_dir("repro-c"),
    );
    package(&a, &[]);
    package(&b, &[]);
    package(&c, &[("SOURCE_DATE_EPOCH", "1700000000")]);
    for f in &families {
        let tar = |d: &Path| std::fs::read(d.join(format!("{f}.oci.tar"))).unwrap();
        assert!(tar(&a) == tar(&b), "{f}.oci.tar differs between two runs");
        let entries = untar(&tar(&c));
        assert!(entries.iter().all(|e| e.mtime == 1_700_000_000));
        assert_eq!(
            std::fs::read(a.join(f).join("index.json")).unwrap(),
            std::fs::read(c.join(f).join("index.json")).unwrap(),
            "the manifest digest does not depend on the archive dates"
        );
    }
    // Packaging again replaces the previous layout (no stale blobs).
    package(&a, &[]);
    for f in &families {
        assert_eq!(
            std::fs::read_dir(a.join(f).join("blobs/sha256"))
                .unwrap()
                .count(),
            3
        );
    }
}

#[test]
fn package_refuses_what_kwctl_push_refuses() {
    let dir = temp_dir("unannotated");
    let out = dir.join("oci");
    std::fs::write(dir.join("raw.wasm"), wat::parse_str("(module)").unwrap()).unwrap();
    refused(
        cli()
            .args(["package", "--dist"])
            .arg(&dir)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap(),
        "not annotated",
    );
    std::fs::write(dir.join("raw.wasm"), b"not wasm").unwrap();
    refused(
        cli()
            .args(["package", "--dist"])
            .arg(&dir)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap(),
        "not a WebAssembly module",
    );
    // A folder in the way that is not a layout is never deleted.
    let dist_copy = temp_dir("in-the-way");
    let f = &families()[0];
    std::fs::copy(dist_module(f), dist_copy.join(format!("{f}.wasm"))).unwrap();
    let target = dist_copy.join("out").join(f);
    std::fs::create_dir_all(&target).unwrap();
    std::fs::write(target.join("precious.txt"), "keep").unwrap();
    refused(
        cli()
            .args(["package", "--dist"])
            .arg(&dist_copy)
            .arg("--out")
            .arg(dist_copy.join("out"))
            .output()
            .unwrap(),
        "refusing to replace",
    );
    assert!(target.join("precious.txt").is_file());
    refused(
        cli()
            .args(["package", "--family", "nope", "--dist"])
            .arg(dist())
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap(),
        "run scripts/build first",
    );
}

fn yaml_file(path: &Path) -> serde_yaml::Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e} (run scripts/package)", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{} is not YAML: {e}", path.display()))
}

fn scaffold_artifacthub(family: &str, created_at: Option<&str>, output: &Path) -> Output {
    let mut c = cli();
    c.args(["scaffold", "artifacthub", "--metadata"])
        .arg(format!("policies/{family}/metadata.yml"))
        .arg("--readme")
        .arg(format!("policies/{family}/README.md"))
        .arg("-o")
        .arg(output)
        .env_remove("SOURCE_DATE_EPOCH");
    if let Some(c2) = created_at {
        c.args(["--created-at", c2]);
    }
    c.output().unwrap()
}

#[test]
fn committed_artifacthub_packages_are_up_to_date() {
    let tmp = temp_dir("artifacthub");
    for family in families() {
        let committed_dir = workspace().join("artifacthub").join(&family);
        let committed = committed_dir.join("artifacthub-pkg.yml");
        let doc = yaml_file(&committed);
        let created_at = doc["createdAt"].as_str().expect("createdAt").to_string();
        let out = tmp.join(&family).join("artifacthub-pkg.yml");
        ok(scaffold_artifacthub(&family, Some(&created_at), &out));
        assert!(
            std::fs::read(&out).unwrap() == std::fs::read(&committed).unwrap(),
            "artifacthub/{family}/artifacthub-pkg.yml is not what `kube-soc2 scaffold artifacthub` generates now: run scripts/package"
        );
        assert!(
            std::fs::read(committed_dir.join("README.md")).ok()
                == std::fs::read(workspace().join("policies").join(&family).join("README.md")).ok(),
            "artifacthub/{family}/README.md is not policies/{family}/README.md: run scripts/package"
        );
    }
    let committed: BTreeSet<String> = std::fs::read_dir(workspace().join("artifacthub"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        committed,
        families().into_iter().collect::<BTreeSet<_>>(),
        "one Artifact Hub package per family"
    );
}

#[derive(Deserialize, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Resource {
    api_version: String,
    kind: String,
}

fn is_rfc3339_utc(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 20
        && s.ends_with('Z')
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && s[..19]
            .bytes()
            .enumerate()
            .all(|(i, c)| matches!(i, 4 | 7 | 10 | 13 | 16) || c.is_ascii_digit())
}

#[test]
fn artifacthub_packages_match_the_metadata() {
    for family in families() {
        let m = source_metadata(&family);
        let pkg = yaml_file(
            &workspace()
                .join("artifacthub")
                .join(&family)
                .join("artifacthub-pkg.yml"),
        );
        let s = |k: &str| {
            pkg[k]
                .as_str()
                .unwrap_or_else(|| panic!("{family}: {k} missing"))
                .to_string()
        };
        let version = annotation(&m, "io.kubewarden.policy.version");
        assert_eq!(s("version"), version);
        assert_eq!(
            annotation(&module_metadata(&family), "io.kubewarden.policy.version"),
            version,
            "dist/{family}.wasm is older than its metadata.yml: run scripts/build"
        );
        assert_eq!(s("name"), annotation(&m, "io.kubewarden.policy.title"));
        assert_eq!(
            s("displayName"),
            annotation(&m, "io.artifacthub.displayName")
        );
        assert_eq!(
            s("description"),
            annotation(&m, "io.kubewarden.policy.description")
        );
        assert_eq!(s("license"), annotation(&m, "io.kubewarden.policy.license"));
        assert_eq!(s("homeURL"), annotation(&m, "io.kubewarden.policy.url"));
        assert!(
            is_rfc3339_utc(&s("createdAt")),
            "createdAt {}",
            s("createdAt")
        );
        let image = format!(
            "{}:v{version}",
            annotation(&m, "io.kubewarden.policy.ociUrl")
        );
        assert_eq!(pkg["containersImages"][0]["name"], "policy");
        assert_eq!(
            pkg["containersImages"][0]["image"].as_str(),
            Some(image.as_str())
        );
        let keywords: Vec<String> = annotation(&m, "io.artifacthub.keywords")
            .split(',')
            .map(|k| k.trim().to_string())
            .collect();
        assert_eq!(
            serde_yaml::from_value::<Vec<String>>(pkg["keywords"].clone()).unwrap(),
            keywords
        );
        let source = annotation(&m, "io.kubewarden.policy.source");
        let links = pkg["links"].as_sequence().expect("links");
        assert!(
            links
                .iter()
                .any(|l| l["name"] == "source" && l["url"].as_str() == Some(source.as_str()))
        );
        assert!(links.iter().any(|l| {
            l["name"] == "policy"
                && l["url"]
                    .as_str()
                    .is_some_and(|u| u.ends_with(&format!("/v{version}/policy.wasm")))
        }));
        assert!(s("install").contains(&format!("kwctl pull {image}")));
        let maintainers = pkg["maintainers"].as_sequence().expect("maintainers");
        assert!(
            !maintainers.is_empty()
                && maintainers
                    .iter()
                    .all(|x| x["email"].as_str().is_some_and(|e| e.contains('@')))
        );
        assert_eq!(pkg["provider"]["name"], "kubewarden");
        assert!(
            pkg["recommendations"][0]["url"]
                .as_str()
                .is_some_and(|u| u.starts_with("https://artifacthub.io/"))
        );
        let a = &pkg["annotations"];
        assert_eq!(
            a["kubewarden/mutation"].as_str(),
            Some(m.mutating.to_string().as_str())
        );
        assert_eq!(
            a["kubewarden/resources"].as_str(),
            Some(annotation(&m, "io.artifacthub.resources").as_str())
        );
        let rules: Value =
            serde_yaml::from_str(a["kubewarden/rules"].as_str().expect("rules")).unwrap();
        assert_eq!(rules, serde_json::to_value(&m.rules).unwrap());
        let expected: BTreeSet<Resource> = m
            .context_aware_resources
            .iter()
            .map(|r| Resource {
                api_version: r.api_version.clone(),
                kind: r.kind.clone(),
            })
            .collect();
        if expected.is_empty() {
            assert!(a.get("kubewarden/contextAwareResources").is_none());
        } else {
            let listed: Vec<Resource> =
                serde_yaml::from_str(a["kubewarden/contextAwareResources"].as_str().unwrap())
                    .unwrap();
            assert!(
                listed.windows(2).all(|w| w[0] < w[1]),
                "sorted like kwctl's BTreeSet"
            );
            assert_eq!(listed.into_iter().collect::<BTreeSet<_>>(), expected);
        }
    }
}

#[test]
fn artifacthub_created_at_is_reproducible() {
    let family = &families()[0];
    let tmp = temp_dir("created-at");
    let out = tmp.join("pkg.yml");
    let run_env = |env: Option<&str>, extra: &[&str]| {
        let mut c = cli();
        c.args(["scaffold", "artifacthub", "--metadata"])
            .arg(format!("policies/{family}/metadata.yml"))
            .arg("-o")
            .arg(&out)
            .args(extra)
            .env_remove("SOURCE_DATE_EPOCH");
        if let Some(e) = env {
            c.env("SOURCE_DATE_EPOCH", e);
        }
        ok(c.output().unwrap());
        std::fs::read_to_string(&out).unwrap()
    };
    let first = run_env(Some("0"), &[]);
    assert!(
        first.contains("\ncreatedAt: 1970-01-01T00:00:00Z\n"),
        "{first}"
    );
    assert_eq!(run_env(Some("0"), &[]), first);
    // Without a date, an existing file for the same version keeps its createdAt.
    assert_eq!(run_env(None, &[]), first);
    let explicit = run_env(Some("0"), &["--created-at", "2026-01-02T03:04:05+01:00"]);
    assert!(explicit.contains("\ncreatedAt: 2026-01-02T02:04:05Z\n"));
    assert_eq!(run_env(None, &[]), explicit);
    assert!(
        tmp.join("README.md").is_file(),
        "the README lands beside the package"
    );

    let bad = |args: &[&str], env: Option<&str>, message: &str| {
        let mut c = cli();
        c.args(["scaffold", "artifacthub", "--metadata"])
            .arg(format!("policies/{family}/metadata.yml"))
            .args(args)
            .env_remove("SOURCE_DATE_EPOCH");
        if let Some(e) = env {
            c.env("SOURCE_DATE_EPOCH", e);
        }
        refused(c.output().unwrap(), message);
    };
    bad(
        &["--version", "9.9.9"],
        None,
        "differs from io.kubewarden.policy.version",
    );
    bad(
        &["--created-at", "yesterday"],
        None,
        "not an RFC 3339 date-time",
    );
    bad(&[], Some("soon"), "SOURCE_DATE_EPOCH");
    let broken = tmp.join("metadata.yml");
    let text = std::fs::read_to_string(workspace().join(format!("policies/{family}/metadata.yml")))
        .unwrap();
    let without_oci: String = text
        .lines()
        .filter(|l| !l.contains("io.kubewarden.policy.ociUrl"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&broken, without_oci).unwrap();
    refused(
        cli()
            .args(["scaffold", "artifacthub", "--metadata"])
            .arg(&broken)
            .output()
            .unwrap(),
        "must specify \"io.kubewarden.policy.ociUrl\"",
    );
    std::fs::write(&broken, "rules: [").unwrap();
    refused(
        cli()
            .args(["scaffold", "artifacthub", "--metadata"])
            .arg(&broken)
            .output()
            .unwrap(),
        "not valid policy metadata",
    );
}

/// Every generated file of deploy/ (relative path → bytes), README.md aside.
fn deploy_tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap().filter_map(|e| e.ok()) {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                if rel != "README.md" {
                    out.insert(rel, std::fs::read(&p).unwrap());
                }
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

#[test]
fn committed_deploy_manifests_are_up_to_date() {
    families();
    let tmp = temp_dir("deploy");
    ok(cli()
        .args(["scaffold", "deploy", "--dist"])
        .arg(dist())
        .arg("--out")
        .arg(&tmp)
        .output()
        .unwrap());
    let generated = deploy_tree(&tmp);
    let committed = deploy_tree(&workspace().join("deploy"));
    assert_eq!(
        committed.keys().collect::<Vec<_>>(),
        generated.keys().collect::<Vec<_>>(),
        "deploy/ holds other files than `kube-soc2 scaffold deploy` writes: run scripts/package"
    );
    for (path, bytes) in &generated {
        assert!(
            committed.get(path) == Some(bytes),
            "deploy/{path} is not what `kube-soc2 scaffold deploy` generates now: run scripts/package"
        );
    }
    assert!(workspace().join("deploy/README.md").is_file());
}

/// `registry://ghcr.io/kube-soc2/policies/<family>:v<version>` → (family, version).
fn module_ref(uri: &str) -> (String, String) {
    let rest = uri
        .strip_prefix("registry://ghcr.io/kube-soc2/policies/")
        .unwrap_or_else(|| panic!("module {uri} is not a kube-soc2 registry module"));
    let (family, tag) = rest.split_once(":v").expect("tag v<version>");
    (family.to_string(), tag.to_string())
}

fn resources(v: Option<&serde_yaml::Value>) -> BTreeSet<Resource> {
    v.map(|v| serde_yaml::from_value::<Vec<Resource>>(v.clone()).expect("contextAwareResources"))
        .unwrap_or_default()
        .into_iter()
        .collect()
}

/// Checks one policy against its module: module version, settings accepted
/// by validate_settings, grants within the metadata. Returns (family, granted).
fn check_policy(
    what: &str,
    module: &str,
    settings: &serde_yaml::Value,
    granted: &BTreeSet<Resource>,
) -> (String, bool) {
    let (family, version) = module_ref(module);
    let loaded = host().load(&dist_module(&family)).unwrap();
    let metadata = loaded.metadata.clone().expect("annotated");
    assert_eq!(
        version,
        annotation(&metadata, "io.kubewarden.policy.version"),
        "{what}: module tag"
    );
    let settings: Value = serde_json::to_value(settings).unwrap();
    let answer = host().validate_settings(&loaded, &settings).unwrap();
    assert!(
        answer.valid,
        "{what}: {family} refuses the settings: {:?}",
        answer.message
    );
    let declared: BTreeSet<Resource> = metadata
        .context_aware_resources
        .iter()
        .map(|r| Resource {
            api_version: r.api_version.clone(),
            kind: r.kind.clone(),
        })
        .collect();
    assert!(
        granted.is_subset(&declared),
        "{what}: grants resources the module does not declare"
    );
    assert!(
        granted.is_empty() || granted == &declared,
        "{what}: all or nothing"
    );
    (family, !granted.is_empty())
}

#[test]
fn committed_manifests_are_accepted_by_their_modules() {
    let families = families();
    let deploy = workspace().join("deploy");
    let mut seen = BTreeSet::new();
    for family in &families {
        for (file, mode) in [
            ("protect-default.yaml", "protect"),
            ("monitor-all.yaml", "monitor"),
        ] {
            let path = deploy.join(family).join(file);
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e} (run scripts/package)", path.display()));
            let docs: Vec<serde_yaml::Value> = serde_yaml::Deserializer::from_str(&text)
                .map(|d| serde_yaml::Value::deserialize(d).unwrap())
                .filter(|d| !d.is_null())
                .collect();
            assert_eq!(docs.len(), 1, "{}", path.display());
            let doc = &docs[0];
            let what = path.display().to_string();
            assert_eq!(doc["apiVersion"], "policies.kubewarden.io/v1");
            assert_eq!(doc["kind"], "ClusterAdmissionPolicy");
            let spec = &doc["spec"];
            assert_eq!(spec["mode"], mode, "{what}");
            let granted = resources(spec.get("contextAwareResources"));
            let (module_family, granted_any) = check_policy(
                &what,
                spec["module"].as_str().unwrap(),
                &spec["settings"],
                &granted,
            );
            assert_eq!(&module_family, family);
            let metadata = module_metadata(family);
            assert_eq!(
                serde_json::to_value(&spec["rules"]).unwrap(),
                serde_json::to_value(&metadata.rules).unwrap(),
                "{what}: rules are the module's"
            );
            assert_eq!(spec["mutating"].as_bool(), Some(metadata.mutating));
            assert_eq!(
                spec.get("backgroundAudit")
                    .and_then(|b| b.as_bool())
                    .unwrap_or(true),
                metadata.background_audit
            );
            if mode == "monitor" {
                assert_eq!(spec["settings"]["controls"][0], "all");
                assert_eq!(
                    granted_any,
                    !metadata.context_aware_resources.is_empty(),
                    "{what}: every control runs, context-aware ones included"
                );
            } else {
                assert_eq!(spec["settings"]["controls"][0], "default");
            }
            seen.insert(doc["metadata"]["name"].as_str().unwrap().to_string());
        }
    }

    let policies = yaml_file(&deploy.join("policies.yml"));
    let map = policies
        .as_mapping()
        .expect("policies.yml is a map of policy ids");
    let ids: BTreeSet<String> = map
        .keys()
        .map(|k| k.as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        ids, seen,
        "policies.yml holds the same policies as the ClusterAdmissionPolicies"
    );
    for (id, entry) in map {
        let id = id.as_str().unwrap();
        assert!(!id.contains('/'), "policy ids must not contain /");
        let what = format!("policies.yml {id}");
        let granted = resources(entry.get("contextAwareResources"));
        let (family, granted_any) = check_policy(
            &what,
            entry["module"].as_str().unwrap(),
            &entry["settings"],
            &granted,
        );
        let metadata = module_metadata(&family);
        assert_eq!(entry["allowedToMutate"].as_bool(), Some(metadata.mutating));
        assert!(matches!(
            entry["policyMode"].as_str(),
            Some("protect" | "monitor")
        ));
        let caps: Vec<String> = serde_yaml::from_value(entry["hostCapabilities"].clone())
            .unwrap_or_else(|_| {
                panic!(
                    "{what}: hostCapabilities must be listed (policy-server denies all by default)"
                )
            });
        assert_eq!(
            caps.iter().any(|c| c.starts_with("kubernetes/")),
            granted_any,
            "{what}: Kubernetes reads need both hostCapabilities and contextAwareResources"
        );
        // Anything else is what the module itself declares it calls (OCI
        // signatures and manifests for the images family).
        let declared = metadata.host_capabilities.clone().unwrap_or_default();
        for cap in &caps {
            assert!(
                cap.starts_with("kubernetes/") || declared.contains(cap),
                "{what}: {cap}"
            );
        }
    }
}

#[test]
fn scaffold_manifest_refuses_what_the_module_refuses() {
    families();
    let tmp = temp_dir("refuse");
    let out = tmp.join("policy.yaml");
    let manifest = |args: &[&str]| {
        cli()
            .args(["scaffold", "manifest", "--dist"])
            .arg(dist())
            .arg("-o")
            .arg(&out)
            .args(args)
            .output()
            .unwrap()
    };
    refused(
        manifest(&["--family", "availability", "--controls", "bogus"]),
        "\"bogus\" is neither a control id nor a tag of module availability",
    );
    refused(
        manifest(&[
            "--family",
            "access-control",
            "--settings",
            r#"{"pssVersion": "v9.99"}"#,
        ]),
        "module access-control refused the settings",
    );
    refused(
        manifest(&[
            "--family",
            "availability",
            "--settings",
            r#"{"unknownKey": 1}"#,
        ]),
        "unknown settings key \"unknownKey\"",
    );
    refused(
        manifest(&["--family", "availability", "--settings", "[1]"]),
        "settings must be a JSON object",
    );
    refused(
        manifest(&[
            "--family",
            "availability",
            "--controls",
            "pdb-required",
            "--kind",
            "AdmissionPolicy",
        ]),
        "an AdmissionPolicy cannot grant contextAwareResources",
    );
    refused(
        manifest(&["--family", "availability", "--name", "Bad_Name"]),
        "invalid name",
    );
    refused(manifest(&["--family", "nope"]), "run scripts/build first");
    refused(
        manifest(&["--family", "availability", "--namespace", "team-a"]),
        "--namespace is for an AdmissionPolicy",
    );
    refused(
        manifest(&[
            "--family",
            "availability",
            "--settings",
            "/no/such/file.yaml",
        ]),
        "--settings",
    );
    assert!(!out.exists(), "nothing is written for refused settings");
}

#[test]
fn scaffold_manifest_writes_each_kind() {
    families();
    let tmp = temp_dir("kinds");
    let settings = tmp.join("settings.yaml");
    std::fs::write(
        &settings,
        "controls: [default]\nexemptions:\n  - namespaces: [legacy]\n    reason: CHG-1\nparameters:\n  replicas-minimum: {minReplicas: 3}\n",
    )
    .unwrap();
    let run = |args: &[&str]| -> String {
        let out = ok(cli()
            .args(["scaffold", "manifest", "--dist"])
            .arg(dist())
            .args(args)
            .output()
            .unwrap());
        text(&out.stdout)
    };
    let settings_arg = settings.to_string_lossy().into_owned();
    let ap: serde_yaml::Value = serde_yaml::from_str(&run(&[
        "--family",
        "availability",
        "--kind",
        "AdmissionPolicy",
        "--namespace",
        "team-a",
        "--settings",
        &settings_arg,
    ]))
    .unwrap();
    assert_eq!(ap["kind"], "AdmissionPolicy");
    assert_eq!(ap["metadata"]["namespace"], "team-a");
    assert_eq!(ap["metadata"]["name"], "kube-soc2-availability");
    assert_eq!(
        ap["spec"]["settings"]["parameters"]["replicas-minimum"]["minReplicas"],
        3
    );
    assert!(ap["spec"].get("contextAwareResources").is_none());

    let monitor = run(&[
        "--family",
        "availability",
        "--controls",
        "context-aware",
        "--mode",
        "monitor",
    ]);
    let cap: serde_yaml::Value = serde_yaml::from_str(&monitor).unwrap();
    assert_eq!(cap["metadata"]["name"], "kube-soc2-availability-monitor");
    assert_eq!(cap["spec"]["mode"], "monitor");
    assert!(!resources(cap["spec"].get("contextAwareResources")).is_empty());

    let both: serde_yaml::Value = serde_yaml::from_str(&run(&[
        "--family",
        "access-control,availability",
        "--kind",
        "policies.yml",
        "--skip",
        "context-aware",
    ]))
    .unwrap();
    let map = both.as_mapping().unwrap();
    assert_eq!(map.len(), 2);
    for (_, entry) in map {
        assert_eq!(
            entry["hostCapabilities"].as_sequence().map(Vec::len),
            Some(0)
        );
        assert_eq!(entry["settings"]["skip"][0], "context-aware");
    }
    let pinned = run(&[
        "--family",
        "access-control",
        "--module",
        "registry://mirror.example.com/p@sha256:0000000000000000000000000000000000000000000000000000000000000000",
    ]);
    assert!(pinned.contains("module: registry://mirror.example.com/p@sha256:"));
}
