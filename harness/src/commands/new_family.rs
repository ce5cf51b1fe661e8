//! `kube-soc2 scaffold family <name>` and `scaffold control <family> <id>`:
//! a new family is one command, a new control one file plus its fixtures.
//!
//! A family is a crate under `policies/<name>` that compiles, passes its tests
//! and is picked up with no other edit: `scripts/build` and `replay` find every
//! folder under `policies/`, and the harness links it natively (the lists
//! between `families: begin` / `families: end` in `harness/Cargo.toml` and
//! `harness/src/commands/bench.rs` are rewritten here).

use anyhow::{Context as _, Result, bail};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug, Clone)]
pub struct FamilyArgs {
    /// Module name, kebab-case (e.g. `network-exposure`).
    pub name: String,
    /// One-line title, e.g. "Network exposure (SOC 2 CC6.6)".
    #[arg(long)]
    pub title: Option<String>,
    /// Workspace root (default: the current folder).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

#[derive(clap::Args, Debug, Clone)]
pub struct ControlArgs {
    /// The family (folder under policies/).
    pub family: String,
    /// Control id, kebab-case, unique across every family.
    pub id: String,
    /// Workspace root (default: the current folder).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with(['-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
        && !s.ends_with('-')
        && !s.contains("--")
}

fn snake(s: &str) -> String {
    s.replace('-', "_")
}

fn write_new(path: &Path, text: &str) -> Result<()> {
    if path.exists() {
        bail!("{} exists already; nothing was overwritten", path.display());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// Adds `entry` (indented, kept sorted, once) to the `nth` list between
/// `families: begin` and `families: end` markers of `path`.
fn add_to_list(path: &Path, nth: usize, entry: &str, indent: &str) -> Result<()> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let text = insert_sorted(&text, nth, &format!("{indent}{entry}")).with_context(|| {
        format!(
            "{}: no list {} between `families: begin`/`end` markers",
            path.display(),
            nth + 1
        )
    })?;
    std::fs::write(path, text)?;
    Ok(())
}

/// `text` with `line` in its `nth` marked list; `None` without such a list.
fn insert_sorted(text: &str, nth: usize, line: &str) -> Option<String> {
    let mut from = 0;
    let mut list = None;
    for _ in 0..=nth {
        let begin = from + text[from..].find("families: begin\n")? + "families: begin\n".len();
        let marker = begin + text[begin..].find("families: end")?;
        // The end marker's line starts after the last newline before it.
        let end = text[..marker].rfind('\n').map_or(begin, |i| i + 1);
        list = Some((begin, end));
        from = marker;
    }
    let (begin, end) = list?;
    let mut lines: Vec<&str> = text[begin..end].lines().collect();
    if !lines.contains(&line) {
        lines.push(line);
        lines.sort();
    }
    let mut out = String::with_capacity(text.len() + line.len() + 1);
    out.push_str(&text[..begin]);
    for l in lines {
        out.push_str(l);
        out.push('\n');
    }
    out.push_str(&text[end..]);
    Some(out)
}

pub fn scaffold_family(args: &FamilyArgs) -> Result<bool> {
    let name = &args.name;
    if !is_kebab(name) || name == "kit" {
        bail!("family name \"{name}\" must be kebab-case (a-z, 0-9, -) and not `kit`");
    }
    let root = &args.root;
    let dir = root.join("policies").join(name);
    if dir.exists() {
        bail!("{} exists already", dir.display());
    }
    let title = args.title.clone().unwrap_or_else(|| name.replace('-', " "));
    let crate_name = snake(name);
    write_new(
        &dir.join("Cargo.toml"),
        &format!(
            r#"[package]
name = "{name}"
description = "kube-soc2 {name} family: {title}"
version.workspace = true
edition.workspace = true
license.workspace = true
rust-version.workspace = true

[lib]
crate-type = ["cdylib", "rlib"]

[dependencies]
kit.workspace = true
serde_json.workspace = true
"#
        ),
    )?;
    write_new(
        &dir.join("src/lib.rs"),
        &format!(
            r#"//! kube-soc2 {name} family (one Kubewarden policy module): {title}.

pub mod controls;

use kit::Family;

pub static FAMILY: Family = Family {{
    name: "{name}",
    title: kit::cold!("{title}"),
    version: env!("CARGO_PKG_VERSION"),
    groups: &[controls::CONTROLS],
    options: &[],
    validate_options: None,
    default_warn_only: &[],
    reads_whole_request: false,
    run_check: Some(run_check),
}};

kit::direct_checks!(run_check, FAMILY);

kit::export_family!(FAMILY);
"#
        ),
    )?;
    write_new(
        &dir.join("src/controls/mod.rs"),
        "//! The controls of the family, one file each (`kube-soc2 scaffold control`).\n\nuse kit::Control;\n\n/// Catalogue order.\npub static CONTROLS: &[&Control] = &[\n];\n",
    )?;
    write_new(
        &dir.join("tests/catalogue.rs"),
        &format!(
            "#[test]\nfn catalogue_keeps_the_kit_invariants() {{\n    kit::catalogue::check_family(&{crate_name}::FAMILY).unwrap();\n}}\n"
        ),
    )?;
    write_new(
        &dir.join("metadata.yml"),
        &format!(
            r#"# Kubewarden policy metadata (see kwctl annotate), embedded by `kube-soc2 annotate`.
# Route every kind the controls look at (a test checks it against the catalogue).
rules:
  - apiGroups: [""]
    apiVersions: ["v1"]
    resources: ["pods", "replicationcontrollers"]
    operations: ["CREATE", "UPDATE"]
  - apiGroups: ["apps"]
    apiVersions: ["v1"]
    resources: ["deployments", "replicasets", "statefulsets", "daemonsets"]
    operations: ["CREATE", "UPDATE"]
  - apiGroups: ["batch"]
    apiVersions: ["v1"]
    resources: ["jobs", "cronjobs"]
    operations: ["CREATE", "UPDATE"]
mutating: false
backgroundAudit: true
contextAwareResources: []
annotations:
  io.kubewarden.policy.title: kube-soc2-{name}
  io.kubewarden.policy.version: 0.1.0
  io.kubewarden.policy.description: "{title}"
  io.kubewarden.policy.author: "kube-soc2 developers <maintainers@kube-soc2.dev>"
  io.kubewarden.policy.url: https://github.com/kube-soc2/kube-soc2
  io.kubewarden.policy.source: https://github.com/kube-soc2/kube-soc2
  io.kubewarden.policy.ociUrl: ghcr.io/kube-soc2/policies/{name}
  io.kubewarden.policy.license: Apache-2.0
  io.kubewarden.policy.category: Compliance
  io.kubewarden.policy.severity: medium
  io.artifacthub.displayName: kube-soc2 {title}
  io.artifacthub.resources: Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, ReplicationController, Job, CronJob
  io.artifacthub.keywords: compliance, soc2, iso27001
"#
        ),
    )?;
    write_new(
        &dir.join("README.md"),
        &format!(
            "# kube-soc2 {name}\n\nKubewarden policy module: {title}.\n\n## Settings\n\n```yaml\ncontrols: [default]   # control ids or tags; `all` selects everything\nskip: []\nwarnOnly: []\nexemptions: []\nparameters: {{}}\n```\n\nList the controls with `kube-soc2 controls`.\n"
        ),
    )?;
    write_new(&dir.join("fixtures/.gitkeep"), "")?;
    add_to_list(
        &root.join("harness/Cargo.toml"),
        0,
        &format!("{name} = {{ path = \"../policies/{name}\" }}"),
        "",
    )?;
    let bench = root.join("harness/src/commands/bench.rs");
    add_to_list(&bench, 0, &format!("\"{name}\","), "    ")?;
    // The second list is the `native_family` match.
    add_to_list(
        &bench,
        1,
        &format!("\"{name}\" => &{crate_name}::FAMILY,"),
        "        ",
    )?;
    // The bundle module holds every family (in a workspace that has it).
    let bundle = root.join("policies/soc2");
    if bundle.is_dir() {
        add_to_list(
            &bundle.join("Cargo.toml"),
            0,
            &format!("{name} = {{ path = \"../{name}\" }}"),
            "",
        )?;
        add_to_list(
            &bundle.join("src/lib.rs"),
            0,
            &format!("&{crate_name}::FAMILY,"),
            "    ",
        )?;
    }
    println!(
        "created {}: add controls with `kube-soc2 scaffold control {name} <id>`",
        dir.display()
    );
    Ok(true)
}

pub fn scaffold_control(args: &ControlArgs) -> Result<bool> {
    let (family, id) = (&args.family, &args.id);
    if !is_kebab(id) {
        bail!("control id \"{id}\" must be kebab-case (a-z, 0-9, -)");
    }
    let dir = args.root.join("policies").join(family);
    let mod_rs = dir.join("src/controls/mod.rs");
    let text = std::fs::read_to_string(&mod_rs)
        .with_context(|| format!("{}: no such family", dir.display()))?;
    let module = snake(id);
    let label = format!("example.com/{id}");
    write_new(
        &dir.join(format!("src/controls/{module}.rs")),
        &format!(
            r#"//! {id}: TODO say what this control checks and why.

use kit::{{Control, Criteria, Ctx, Finding, Severity}};

pub static CONTROL: Control = Control {{
    id: "{id}",
    title: kit::cold!("Pods carry the {label} label"),
    rationale: kit::cold!("TODO: why an auditor cares."),
    remediation: kit::cold!("add the label {label} to the pod template"),
    severity: Severity::Medium,
    tags: &[],
    criteria: Criteria {{
        soc2: &["CC8.1"],
        iso27001: &["A.8.9"],
        pss: &[],
        cis: &[],
    }},
    check,
    ..Control::DEFAULTS
}};

fn check(ctx: &Ctx) -> Vec<Finding> {{
    let pod = ctx.pod();
    if pod.labels().is_some_and(|l| l.contains_key("{label}")) {{
        return Vec::new();
    }}
    vec![Finding::new(
        kit::text!("{{}}.labels", pod.metadata_path),
        "the pod template has no {label} label",
    )]
}}
"#
        ),
    )?;
    write_new(
        &dir.join(format!("fixtures/{id}.yaml")),
        &format!(
            r#"description: {id} passes a labelled Pod and its workloads
module: {family}
settings: {{controls: [{id}]}}
object:
  apiVersion: v1
  kind: Pod
  metadata: {{name: web, namespace: team-a, labels: {{"{label}": "yes"}}}}
  spec:
    containers: [{{name: app, image: "registry.example.com/app:1.0"}}]
wrapAs: [Deployment, CronJob]
expect: {{allowed: true}}
---
description: {id} fails an unlabelled Pod and its workloads
module: {family}
settings: {{controls: [{id}]}}
object:
  apiVersion: v1
  kind: Pod
  metadata: {{name: web, namespace: team-a}}
  spec:
    containers: [{{name: app, image: "registry.example.com/app:1.0"}}]
wrapAs: [Deployment, CronJob]
expect:
  allowed: false
  messageContains: ["[{id}]"]
"#
        ),
    )?;
    let text = text.replacen(
        "\nuse kit::Control;",
        &format!("\npub mod {module};\n\nuse kit::Control;"),
        1,
    );
    let Some(list_end) = text.rfind("];") else {
        bail!("{}: no `CONTROLS` list", mod_rs.display());
    };
    let text = format!(
        "{}    &{module}::CONTROL,\n{}",
        &text[..list_end],
        &text[list_end..]
    );
    std::fs::write(&mod_rs, text)?;
    println!(
        "created policies/{family}/src/controls/{module}.rs and policies/{family}/fixtures/{id}.yaml"
    );
    Ok(true)
}

#[cfg(test)]
mod tests {
    #[test]
    fn entries_go_into_the_nth_marked_list_sorted_and_once() {
        let text = "a\n# families: begin\nb\nd\n# families: end\nx\n  // families: begin\n  q\n  // families: end\n";
        let one = super::insert_sorted(text, 0, "c").unwrap();
        assert_eq!(one, text.replace("b\nd\n", "b\nc\nd\n"));
        assert_eq!(super::insert_sorted(&one, 0, "c").unwrap(), one);
        let two = super::insert_sorted(text, 1, "  p").unwrap();
        assert!(two.ends_with("  p\n  q\n  // families: end\n"), "{two}");
        assert!(super::insert_sorted(text, 2, "z").is_none());
    }
}
