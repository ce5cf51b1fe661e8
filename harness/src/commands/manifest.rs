//! `kube-soc2 scaffold manifest` and `kube-soc2 scaffold deploy`: deployable
//! Kubewarden resources for a choice of controls — a ClusterAdmissionPolicy,
//! an AdmissionPolicy, or entries of a standalone policy-server's
//! `policies.yml` — with rules, mutating, backgroundAudit and
//! contextAwareResources taken from the module's own metadata, the module at
//! `registry://<ociUrl>:v<version>`, and settings the module's
//! `validate_settings` accepted (refused otherwise, with the module's message).
//!
//! Kubernetes reads are granted (`contextAwareResources`, and in policies.yml
//! `hostCapabilities`) only when an enabled control needs them.

use super::artifacthub::image_reference;
use super::dist_modules;
use super::package::{POLICY_OCI_URL, POLICY_TITLE, annotations, family_of, policy_version};
use crate::admission::PolicyMode;
use crate::catalogue::{Catalogue, ControlInfo};
use crate::engine::Host;
use crate::host_capabilities::ContextAwareResource;
use crate::metadata::Metadata;
use anyhow::{Context as _, Result, anyhow, bail};
use serde_json::{Value, json};
use serde_yaml::{Mapping, Value as Yaml};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub const API_VERSION: &str = "policies.kubewarden.io/v1";
/// Tag of the controls that read other objects from the cluster.
pub const CONTEXT_AWARE_TAG: &str = "context-aware";
/// The host capabilities the kit's Kubernetes lookups call (policy-server
/// 1.36+ denies every capability but logging unless policies.yml grants it).
pub const KUBERNETES_READS: &[&str] = &[
    "kubernetes/get_resource",
    "kubernetes/list_resources_all",
    "kubernetes/list_resources_by_namespace",
];
pub const POLICY_SEVERITY: &str = "io.kubewarden.policy.severity";
pub const POLICY_CATEGORY: &str = "io.kubewarden.policy.category";
/// Why the ready-made protect manifests exempt kube-system.
pub const KUBE_SYSTEM_REASON: &str = "Kubernetes system components (kube-proxy, CNI and CSI node agents) need host access; they are managed with the cluster, not by workload teams";

/// What to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ManifestKind {
    #[value(name = "ClusterAdmissionPolicy")]
    ClusterAdmissionPolicy,
    #[value(name = "AdmissionPolicy")]
    AdmissionPolicy,
    /// Entries of a standalone policy-server's policies.yml.
    #[value(name = "policies.yml")]
    PoliciesYml,
}

/// Arguments of `kube-soc2 scaffold manifest`.
#[derive(clap::Args, Debug, Clone)]
pub struct ManifestArgs {
    /// Policy family (dist/<family>.wasm); repeat or separate with commas for several.
    #[arg(long, short, required = true, value_delimiter = ',')]
    pub family: Vec<String>,
    /// Controls to enable: ids, tags, `default` or `all` (sets settings.controls).
    #[arg(long, value_delimiter = ',')]
    pub controls: Vec<String>,
    /// Controls to disable: ids or tags (sets settings.skip).
    #[arg(long, value_delimiter = ',')]
    pub skip: Vec<String>,
    /// Controls whose findings are warnings (sets settings.warnOnly).
    #[arg(long, value_delimiter = ',')]
    pub warn_only: Vec<String>,
    /// protect (reject) or monitor (only report).
    #[arg(long, default_value = "protect")]
    pub mode: PolicyMode,
    /// Settings: inline JSON or a JSON/YAML file; --controls, --skip and
    /// --warn-only replace the keys they name.
    #[arg(long, short)]
    pub settings: Option<String>,
    #[arg(long, short, default_value = "ClusterAdmissionPolicy")]
    pub kind: ManifestKind,
    /// Policy name / policies.yml id (default: the module's title, with
    /// `-monitor` in monitor mode).
    #[arg(long)]
    pub name: Option<String>,
    /// Namespace of an AdmissionPolicy.
    #[arg(long, short)]
    pub namespace: Option<String>,
    /// Module URI (default: registry://<io.kubewarden.policy.ociUrl>:v<version>).
    #[arg(long)]
    pub module: Option<String>,
    /// Grant the metadata's contextAwareResources even when no enabled
    /// control reads the cluster.
    #[arg(long)]
    pub allow_context_aware: bool,
    #[arg(long, default_value = "dist")]
    pub dist: PathBuf,
    /// Output file; stdout when absent.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

/// Arguments of `kube-soc2 scaffold deploy`.
#[derive(clap::Args, Debug, Clone)]
pub struct DeployArgs {
    #[arg(long, default_value = "dist")]
    pub dist: PathBuf,
    /// Folder receiving <family>/protect-default.yaml, <family>/monitor-all.yaml and policies.yml.
    #[arg(long, default_value = "deploy")]
    pub out: PathBuf,
}

/// One policy to write, before it is checked against its module.
#[derive(Debug, Clone)]
pub struct Choice {
    pub family: String,
    pub name: Option<String>,
    pub mode: PolicyMode,
    pub settings: Value,
    pub module_uri: Option<String>,
    pub allow_context_aware: bool,
}

/// A policy checked against its module, ready to render.
#[derive(Debug, Clone)]
pub struct Policy {
    pub family: String,
    pub name: String,
    pub mode: PolicyMode,
    pub module_uri: String,
    pub version: String,
    pub metadata: Metadata,
    pub settings: Value,
    /// Ids of the controls the settings enable, in catalogue order.
    pub enabled: Vec<String>,
    /// The enabled controls that read the cluster.
    pub context_aware: Vec<String>,
    /// Granted Kubernetes resource types (empty = none).
    pub context_aware_resources: Vec<ContextAwareResource>,
    /// policies.yml hostCapabilities.
    pub host_capabilities: Vec<String>,
}

pub fn mode_name(mode: PolicyMode) -> &'static str {
    match mode {
        PolicyMode::Protect => "protect",
        PolicyMode::Monitor => "monitor",
    }
}

/// The controls `settings` enable, as the module itself reads them (`explain`
/// of the settings alone), in catalogue order.
pub fn enabled_controls<'a>(
    host: &Host,
    module: &crate::engine::LoadedModule,
    catalogue: &'a Catalogue,
    settings: &Value,
) -> Result<Vec<&'a ControlInfo>> {
    let config = crate::admission::PolicyConfig::new(&module.name);
    let answer = host.explain(module, None, settings, &config, &Default::default())?;
    let selection = report::Selection::from_explanation(&answer)
        .map_err(|e| anyhow!("module {} cannot read the settings: {e}", module.name))?;
    Ok(catalogue
        .controls
        .iter()
        .filter(|c| selection.enabled.contains(&c.id))
        .collect())
}

/// RFC 1123 subdomain, as Kubernetes object names (and kwctl) require.
pub fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 253
        && name
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'.')
        && name
            .split('.')
            .all(|part| !part.is_empty() && !part.starts_with('-') && !part.ends_with('-'));
    if !ok {
        bail!(
            "invalid name \"{name}\": use lowercase letters, digits, '-' or '.', starting and ending with a letter or digit (RFC 1123)"
        );
    }
    Ok(())
}

/// Loads the family's module, checks the settings with its
/// `validate_settings` and works out what the policy must be granted.
pub fn resolve(host: &Host, dist: &Path, choice: &Choice) -> Result<Policy> {
    let family = &choice.family;
    let path = dist.join(format!("{family}.wasm"));
    if !path.is_file() {
        let known: Vec<String> = dist_modules(dist)
            .map(|m| m.iter().map(|p| family_of(p)).collect())
            .unwrap_or_default();
        bail!(
            "no module {} (run scripts/build first){}",
            path.display(),
            if known.is_empty() {
                String::new()
            } else {
                format!("; families: {}", known.join(", "))
            }
        );
    }
    let module = host.load(&path)?;
    let metadata = module.metadata.clone().ok_or_else(|| {
        anyhow!(
            "{} is not annotated (no io.kubewarden.metadata); run scripts/build",
            path.display()
        )
    })?;
    let catalogue = match (&module.catalogue, &module.catalogue_error) {
        (Some(c), _) => c.clone(),
        (None, Some(e)) => bail!("{}: cannot read the catalogue: {e}", path.display()),
        (None, None) => bail!(
            "{} has no catalogue function (not a kube-soc2 module?)",
            path.display()
        ),
    };
    let settings = crate::engine::settings_object(&choice.settings)?;
    let answer = host.validate_settings(&module, &settings)?;
    if !answer.valid {
        bail!(
            "module {family} refused the settings: {}",
            answer.message.unwrap_or_else(|| "(no message)".into())
        );
    }
    let version = policy_version(&metadata).with_context(|| format!("{}", path.display()))?;
    let a = annotations(&metadata);
    let title = a
        .get(POLICY_TITLE)
        .cloned()
        .unwrap_or_else(|| family.clone());
    let name = match &choice.name {
        Some(n) => n.clone(),
        None if choice.mode == PolicyMode::Monitor => format!("{title}-monitor"),
        None => title,
    };
    check_name(&name)?;
    let module_uri = match &choice.module_uri {
        Some(m) => m.clone(),
        None => {
            let url = a.get(POLICY_OCI_URL).ok_or_else(|| {
                anyhow!(
                    "{}: the metadata has no {POLICY_OCI_URL}; give --module",
                    path.display()
                )
            })?;
            format!("registry://{}", image_reference(url, &version)?)
        }
    };
    let enabled = enabled_controls(host, &module, &catalogue, &settings)?;
    let context_aware: Vec<String> = enabled
        .iter()
        .filter(|c| !c.reads.is_empty() || c.tags.iter().any(|t| t == CONTEXT_AWARE_TAG))
        .map(|c| c.id.clone())
        .collect();
    // Only what the enabled controls declare they read (all the module's
    // resources for a control that declares none, or when asked to).
    let context_aware_resources: Vec<ContextAwareResource> = if choice.allow_context_aware
        || enabled
            .iter()
            .any(|c| c.reads.is_empty() && context_aware.contains(&c.id))
    {
        metadata.context_aware_resources.to_vec()
    } else {
        enabled
            .iter()
            .flat_map(|c| c.reads.iter().cloned())
            .collect::<Vec<_>>()
    }
    .into_iter()
    .collect::<BTreeSet<_>>()
    .into_iter()
    .collect();
    // Kubernetes reads only with something to read; the module's other host
    // capabilities (OCI, crypto) as it declares them.
    let host_capabilities: Vec<String> = match &metadata.host_capabilities {
        Some(declared) => declared
            .iter()
            .filter(|c| !c.starts_with("kubernetes/") || !context_aware_resources.is_empty())
            .cloned()
            .collect(),
        None if !context_aware_resources.is_empty() => {
            KUBERNETES_READS.iter().map(|s| s.to_string()).collect()
        }
        None => Vec::new(),
    };
    Ok(Policy {
        family: family.clone(),
        name,
        mode: choice.mode,
        module_uri,
        version,
        settings,
        enabled: enabled.iter().map(|c| c.id.clone()).collect(),
        context_aware,
        context_aware_resources,
        host_capabilities,
        metadata,
    })
}

fn key(k: &str) -> Yaml {
    Yaml::String(k.to_string())
}

fn yaml<T: serde::Serialize>(v: &T) -> Result<Yaml> {
    serde_yaml::to_value(v).map_err(|e| anyhow!("cannot render YAML: {e}"))
}

/// One ClusterAdmissionPolicy or AdmissionPolicy.
pub fn crd(kind: ManifestKind, policy: &Policy, namespace: Option<&str>) -> Result<Yaml> {
    let cluster = match kind {
        ManifestKind::ClusterAdmissionPolicy => true,
        ManifestKind::AdmissionPolicy => false,
        ManifestKind::PoliciesYml => bail!("policies.yml is not a Kubernetes resource"),
    };
    if !cluster && !policy.context_aware.is_empty() {
        bail!(
            "an AdmissionPolicy cannot grant contextAwareResources, which {} need{}; use a ClusterAdmissionPolicy or skip them (--skip {CONTEXT_AWARE_TAG})",
            policy.context_aware.join(", "),
            if policy.context_aware.len() == 1 {
                "s"
            } else {
                ""
            }
        );
    }
    let mut meta = Mapping::new();
    meta.insert(key("name"), key(&policy.name));
    if let (false, Some(ns)) = (cluster, namespace) {
        meta.insert(key("namespace"), key(ns));
    }
    let a = annotations(&policy.metadata);
    let mut notes = Mapping::new();
    for k in [POLICY_SEVERITY, POLICY_CATEGORY] {
        if let Some(v) = a.get(k) {
            notes.insert(key(k), key(v));
        }
    }
    if !notes.is_empty() {
        meta.insert(key("annotations"), Yaml::Mapping(notes));
    }
    let mut spec = Mapping::new();
    spec.insert(key("module"), key(&policy.module_uri));
    spec.insert(key("mode"), key(mode_name(policy.mode)));
    spec.insert(key("settings"), yaml(&policy.settings)?);
    spec.insert(key("rules"), yaml(&policy.metadata.rules)?);
    spec.insert(key("mutating"), Yaml::Bool(policy.metadata.mutating));
    // kwctl leaves the default (true) out: controllers before 1.5 lack the field.
    if !policy.metadata.background_audit {
        spec.insert(key("backgroundAudit"), Yaml::Bool(false));
    }
    if cluster && !policy.context_aware_resources.is_empty() {
        spec.insert(
            key("contextAwareResources"),
            yaml(&policy.context_aware_resources)?,
        );
    }
    let mut doc = Mapping::new();
    doc.insert(key("apiVersion"), key(API_VERSION));
    doc.insert(
        key("kind"),
        key(if cluster {
            "ClusterAdmissionPolicy"
        } else {
            "AdmissionPolicy"
        }),
    );
    doc.insert(key("metadata"), Yaml::Mapping(meta));
    doc.insert(key("spec"), Yaml::Mapping(spec));
    Ok(Yaml::Mapping(doc))
}

/// One policies.yml entry (policy-server `PolicyOrPolicyGroup::Policy`).
pub fn policies_yml_entry(policy: &Policy) -> Result<Yaml> {
    let mut e = Mapping::new();
    e.insert(key("module"), key(&policy.module_uri));
    e.insert(key("policyMode"), key(mode_name(policy.mode)));
    e.insert(key("allowedToMutate"), Yaml::Bool(policy.metadata.mutating));
    e.insert(key("hostCapabilities"), yaml(&policy.host_capabilities)?);
    if !policy.context_aware_resources.is_empty() {
        e.insert(
            key("contextAwareResources"),
            yaml(&policy.context_aware_resources)?,
        );
    }
    e.insert(key("settings"), yaml(&policy.settings)?);
    Ok(Yaml::Mapping(e))
}

fn describe(policy: &Policy) -> String {
    let context = if policy.context_aware.is_empty() {
        if policy.context_aware_resources.is_empty() {
            "no Kubernetes reads".to_string()
        } else {
            "Kubernetes reads granted (--allow-context-aware)".to_string()
        }
    } else {
        format!(
            "Kubernetes reads granted for {}",
            policy.context_aware.join(", ")
        )
    };
    format!(
        "# {} ({} {}): mode {}; {}.\n",
        policy.name,
        policy.family,
        policy.version,
        mode_name(policy.mode),
        context
    )
}

/// The file's text: `intro` (comment lines), a line per policy, then the
/// resources (`---`-separated) or the policies.yml map.
pub fn render(
    kind: ManifestKind,
    policies: &[Policy],
    intro: &str,
    namespace: Option<&str>,
) -> Result<String> {
    let mut out = String::from(intro);
    for p in policies {
        out.push_str(&describe(p));
    }
    match kind {
        ManifestKind::PoliciesYml => {
            let mut map = Mapping::new();
            for p in policies {
                if map.contains_key(p.name.as_str()) {
                    bail!("two policies are named {}", p.name);
                }
                map.insert(key(&p.name), policies_yml_entry(p)?);
            }
            out.push_str(&serde_yaml::to_string(&Yaml::Mapping(map))?);
        }
        _ => {
            for p in policies {
                out.push_str("---\n");
                out.push_str(&serde_yaml::to_string(&crd(kind, p, namespace)?)?);
            }
        }
    }
    Ok(out)
}

fn write(path: &Path, text: &str) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

pub fn scaffold_manifest(host: &Host, args: &ManifestArgs) -> Result<bool> {
    if args.family.len() > 1 && (args.name.is_some() || args.module.is_some()) {
        bail!("--name and --module name one policy; give a single --family");
    }
    if args.namespace.is_some() && args.kind != ManifestKind::AdmissionPolicy {
        bail!("--namespace is for an AdmissionPolicy (--kind AdmissionPolicy)");
    }
    if let Some(ns) = &args.namespace {
        check_name(ns).context("--namespace")?;
    }
    let mut settings = super::run::parse_settings(args.settings.as_deref())?;
    for (flag, key, list) in [
        ("--controls", "controls", &args.controls),
        ("--skip", "skip", &args.skip),
        ("--warn-only", "warnOnly", &args.warn_only),
    ] {
        if list.iter().any(|s| s.trim().is_empty()) {
            bail!("{flag} has an empty entry");
        }
        if !list.is_empty()
            && let Some(map) = settings.as_object_mut()
        {
            map.insert(key.to_string(), json!(list));
        }
    }
    let mut policies = Vec::new();
    for family in &args.family {
        let choice = Choice {
            family: family.clone(),
            name: args.name.clone(),
            mode: args.mode,
            settings: settings.clone(),
            module_uri: args.module.clone(),
            allow_context_aware: args.allow_context_aware,
        };
        policies.push(resolve(host, &args.dist, &choice)?);
    }
    let intro = "# Generated by `kube-soc2 scaffold manifest`; each module's validate_settings accepted these settings.\n";
    let text = render(args.kind, &policies, intro, args.namespace.as_deref())?;
    match &args.output {
        Some(path) => {
            write(path, &text)?;
            eprintln!("{}", path.display());
        }
        None => print!("{text}"),
    }
    Ok(true)
}

const DEPLOY_INTRO: &str = "# Generated by `kube-soc2 scaffold deploy` (scripts/package) from the built modules: do not edit.
# Copy it, or write your own with `kube-soc2 scaffold manifest` (deploy/README.md explains how).
";

/// The ready-made deploy/ files (relative path, text): per family the
/// recommended controls enforced (kube-system exempted, with the reason kept
/// as audit evidence) and every control in monitor mode, as
/// ClusterAdmissionPolicies, and both for a standalone policy-server in
/// policies.yml.
pub fn deploy_files(host: &Host, dist: &Path) -> Result<Vec<(PathBuf, String)>> {
    let mut files = Vec::new();
    let mut all = Vec::new();
    for path in dist_modules(dist)? {
        let family = family_of(&path);
        let protect = resolve(
            host,
            dist,
            &Choice {
                family: family.clone(),
                name: None,
                mode: PolicyMode::Protect,
                settings: json!({
                    "controls": ["default"],
                    "exemptions": [{"namespaces": ["kube-system"], "reason": KUBE_SYSTEM_REASON}],
                }),
                module_uri: None,
                allow_context_aware: false,
            },
        )?;
        let monitor = resolve(
            host,
            dist,
            &Choice {
                family: family.clone(),
                name: None,
                mode: PolicyMode::Monitor,
                settings: json!({"controls": ["all"]}),
                module_uri: None,
                allow_context_aware: false,
            },
        )?;
        for (file, policy) in [
            ("protect-default.yaml", &protect),
            ("monitor-all.yaml", &monitor),
        ] {
            files.push((
                Path::new(&family).join(file),
                render(
                    ManifestKind::ClusterAdmissionPolicy,
                    std::slice::from_ref(policy),
                    DEPLOY_INTRO,
                    None,
                )?,
            ));
        }
        all.push(protect);
        all.push(monitor);
    }
    files.push((
        PathBuf::from("policies.yml"),
        render(ManifestKind::PoliciesYml, &all, DEPLOY_INTRO, None)?,
    ));
    Ok(files)
}

pub fn scaffold_deploy(host: &Host, args: &DeployArgs) -> Result<bool> {
    for (path, text) in deploy_files(host, &args.dist)? {
        let path = args.out.join(path);
        write(&path, &text)?;
        println!("{}", path.display());
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for ok in ["kube-soc2-access-control", "a", "a.b-c", "x1"] {
            assert!(check_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "A", "-a", "a-", "a/b", "a..b", "a_b", &"a".repeat(254)] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }
}
