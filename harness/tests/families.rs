//! What every family must keep, checked across all of them from the crates
//! linked into the harness (no compiled modules needed): unique ids, the
//! generated `CONTROLS.md`, metadata rules and context-aware resources that
//! cover what the controls look at, and fixtures that pass and fail every
//! control. `policies/soc2` is not a family but the bundle of them all: it
//! must hold every family's controls, options and metadata, nothing more.

use kube_soc2::catalogue::{Catalogue, ControlInfo};
use kube_soc2::commands::bench::{NATIVE_FAMILIES, native_family};
use kube_soc2::metadata::Metadata;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn families() -> Vec<(&'static str, &'static kit::Family)> {
    NATIVE_FAMILIES
        .iter()
        .map(|name| (*name, native_family(name).expect("linked family")))
        .collect()
}

/// The family folders under policies/ (every crate but the kit and the bundle).
fn family_folders() -> BTreeSet<String> {
    std::fs::read_dir(workspace().join("policies"))
        .unwrap()
        .filter_map(|e| {
            let e = e.ok()?;
            let name = e.file_name().to_string_lossy().to_string();
            let family = name != "kit" && name != soc2::FAMILY.name;
            (family && e.path().join("Cargo.toml").is_file()).then_some(name)
        })
        .collect()
}

fn catalogue(family: &kit::Family) -> Catalogue {
    serde_json::from_slice(&kit::catalogue::to_json(family)).unwrap()
}

#[test]
fn every_family_folder_is_linked_and_every_id_is_unique_across_families() {
    let linked: BTreeSet<String> = NATIVE_FAMILIES.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        family_folders(),
        linked,
        "harness/src/commands/bench.rs NATIVE_FAMILIES and harness/Cargo.toml must list every family under policies/"
    );
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for (name, family) in families() {
        kit::catalogue::check_family(family).unwrap_or_else(|e| panic!("{name}: {e}"));
        for c in family.controls() {
            if let Some(other) = seen.insert(c.id, name) {
                panic!("control id {} is used by {other} and {name}", c.id);
            }
        }
    }
}

#[test]
fn controls_md_is_current() {
    let all: Vec<ControlInfo> = families()
        .into_iter()
        .flat_map(|(_, f)| catalogue(f).controls)
        .collect();
    let expected = kube_soc2::commands::controls::markdown(&all);
    let path = workspace().join("CONTROLS.md");
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    if actual != expected {
        if std::env::var_os("KUBE_SOC2_BLESS").is_some() {
            std::fs::write(&path, &expected).unwrap();
            return;
        }
        panic!(
            "CONTROLS.md is stale: run `kube-soc2 controls --format markdown > CONTROLS.md` (or this test with KUBE_SOC2_BLESS=1)"
        );
    }
}

/// `group/Kind` of a catalogue kind entry; bare built-in kinds get their group.
fn group_of_entry(entry: &str) -> (String, String) {
    if let Some((g, k)) = entry.rsplit_once('/') {
        return (g.to_string(), k.to_string());
    }
    let group = match entry {
        "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" | "ControllerRevision" => "apps",
        "Job" | "CronJob" => "batch",
        "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding" => {
            "rbac.authorization.k8s.io"
        }
        "NetworkPolicy" | "Ingress" | "IngressClass" => "networking.k8s.io",
        "PodDisruptionBudget" => "policy",
        "HorizontalPodAutoscaler" => "autoscaling",
        "PriorityClass" => "scheduling.k8s.io",
        "StorageClass" | "CSIDriver" => "storage.k8s.io",
        "RuntimeClass" => "node.k8s.io",
        _ => "",
    };
    (group.to_string(), entry.to_string())
}

/// Kinds only `scan` reads (configuration files, never sent to a webhook).
fn scan_only(group: &str) -> bool {
    matches!(
        group,
        "kubelet.config.k8s.io" | "audit.k8s.io" | "apiserver.config.k8s.io"
    )
}

#[test]
fn metadata_rules_and_context_resources_cover_what_the_controls_read() {
    for (name, family) in families() {
        let path = workspace().join(format!("policies/{name}/metadata.yml"));
        let metadata = Metadata::from_yaml(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e:#}", path.display()));
        let routed: BTreeSet<(String, String)> = metadata
            .rules
            .iter()
            .flat_map(|r| {
                r.api_groups.iter().flat_map(move |g| {
                    r.resources.iter().map(move |res| {
                        (g.clone(), res.split('/').next().unwrap_or("").to_string())
                    })
                })
            })
            .collect();
        let declared: BTreeSet<(String, String)> = metadata
            .context_aware_resources
            .iter()
            .map(|r| (r.api_version.clone(), r.kind.clone()))
            .collect();
        for c in family.controls() {
            for entry in c.kinds.kinds() {
                let (group, kind) = group_of_entry(entry);
                if scan_only(&group) {
                    continue;
                }
                let resource = kube_soc2::request::plural(&kind);
                assert!(
                    routed.contains(&(group.clone(), resource.clone()))
                        || routed.contains(&("*".into(), resource.clone()))
                        || routed.contains(&(group.clone(), "*".into())),
                    "{name}: control {} looks at {entry} but {} routes no {group}/{resource} to it",
                    c.id,
                    path.display()
                );
            }
            for (api_version, kind) in c.reads {
                assert!(
                    declared.contains(&(api_version.to_string(), kind.to_string())),
                    "{name}: control {} reads {api_version} {kind}, missing from contextAwareResources in {}",
                    c.id,
                    path.display()
                );
            }
        }
    }
}

/// `allowed` of every case in `policies/<family>/fixtures/<id>.yaml`, with
/// the kinds the cases evaluate (`wrapAs` counted).
fn fixture_cases(family: &str, id: &str) -> Option<Vec<(bool, BTreeSet<String>)>> {
    let path = workspace().join(format!("policies/{family}/fixtures/{id}.yaml"));
    let text = std::fs::read_to_string(path).ok()?;
    let mut cases = Vec::new();
    for doc in serde_yaml::Deserializer::from_str(&text) {
        let Ok(v) = <Value as serde::Deserialize>::deserialize(doc) else {
            continue;
        };
        let Some(allowed) = v.pointer("/expect/allowed").and_then(Value::as_bool) else {
            continue;
        };
        let mut kinds = BTreeSet::new();
        for kind in [
            v.pointer("/object/kind"),
            v.pointer("/request/kind/kind"),
            v.pointer("/request/request/kind/kind"),
        ]
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        {
            kinds.insert(kind.to_string());
        }
        for k in v["wrapAs"].as_array().into_iter().flatten() {
            if let Some(k) = k.as_str() {
                kinds.insert(k.to_string());
            }
        }
        cases.push((allowed, kinds));
    }
    Some(cases)
}

#[test]
fn every_control_has_passing_and_failing_fixtures_of_its_own() {
    let mut problems = Vec::new();
    for (name, family) in families() {
        for c in family.controls() {
            let Some(cases) = fixture_cases(name, c.id) else {
                problems.push(format!("policies/{name}/fixtures/{}.yaml is missing", c.id));
                continue;
            };
            if !cases.iter().any(|(allowed, _)| *allowed) {
                problems.push(format!("{name}/{}: no passing case", c.id));
            }
            if !cases.iter().any(|(allowed, _)| !allowed) {
                problems.push(format!("{name}/{}: no failing case", c.id));
            }
            if matches!(c.kinds, kit::KindSet::PodBearing) {
                // Every kind family must be exercised; some controls rightly
                // never fail on a CronJob (probes of run-to-completion pods),
                // so a passing CronJob case counts for that one.
                let kinds = |allowed: Option<bool>| -> BTreeSet<&str> {
                    cases
                        .iter()
                        .filter(|(a, _)| allowed.is_none_or(|x| x == *a))
                        .flat_map(|(_, kinds)| kinds.iter().map(String::as_str))
                        .collect()
                };
                let failing = kinds(Some(false));
                let any = kinds(None);
                let workloads = [
                    "Deployment",
                    "StatefulSet",
                    "DaemonSet",
                    "ReplicaSet",
                    "Job",
                ];
                let workload = workloads.iter().any(|k| failing.contains(k));
                if !(failing.contains("Pod") && workload && any.contains("CronJob")) {
                    problems.push(format!(
                        "{name}/{}: Pod-bearing control lacks failing cases on a Pod and a workload kind, or any case on a CronJob (failing on {failing:?})",
                        c.id
                    ));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} fixture gaps:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_bundle_holds_every_family_and_nothing_else() {
    let members: Vec<&str> = soc2::MEMBERS.iter().map(|f| f.name).collect();
    assert_eq!(
        members, NATIVE_FAMILIES,
        "policies/soc2/src/lib.rs MEMBERS (and its Cargo.toml) must list every family"
    );
    let bundle = &soc2::FAMILY;
    kit::catalogue::check_family(bundle).unwrap();
    let ids: Vec<&str> = bundle.controls().map(|c| c.id).collect();
    let expected: Vec<&str> = families()
        .iter()
        .flat_map(|(_, f)| f.controls().map(|c| c.id))
        .collect();
    assert_eq!(ids, expected, "the bundle's controls, in family order");
    // Options: each member's, once by name; a name two families declare is
    // one setting, so they must agree on what it is.
    let mut names = BTreeSet::new();
    for (family, f) in families() {
        for o in f.options {
            names.insert(o.name);
            let b = bundle
                .options
                .iter()
                .find(|b| b.name == o.name)
                .unwrap_or_else(|| panic!("option {} of {family} is not in the bundle", o.name));
            assert_eq!(
                (b.kind, b.default),
                (o.kind, o.default),
                "option {} of {family} differs from the bundle's (another family declares it otherwise)",
                o.name
            );
        }
    }
    assert_eq!(bundle.options.len(), names.len(), "each option once");
    let warn: Vec<&str> = families()
        .iter()
        .flat_map(|(_, f)| f.default_warn_only.iter().copied())
        .collect();
    assert_eq!(bundle.default_warn_only, warn);
    // The bundle's catalogue describes each control as its family does, so
    // `kube-soc2 controls` and CONTROLS.md read the same from either.
    let from_bundle: Catalogue = serde_json::from_slice(&soc2::catalogue_json()).unwrap();
    assert_eq!(from_bundle.family, "soc2");
    let from_families: Vec<ControlInfo> = families()
        .into_iter()
        .flat_map(|(_, f)| catalogue(f).controls)
        .collect();
    assert_eq!(from_bundle.controls, from_families);
}

/// Every (group, version, resource, operation) a metadata's rules route.
fn routes(metadata: &Metadata) -> BTreeSet<(String, String, String, String)> {
    let mut out = BTreeSet::new();
    for r in &metadata.rules {
        for g in &r.api_groups {
            for v in &r.api_versions {
                for res in &r.resources {
                    for op in &r.operations {
                        out.insert((g.clone(), v.clone(), res.clone(), op.clone()));
                    }
                }
            }
        }
    }
    out
}

fn metadata_of(module: &str) -> Metadata {
    let path = workspace().join(format!("policies/{module}/metadata.yml"));
    Metadata::from_yaml(&std::fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e:#}", path.display()))
}

#[test]
fn the_bundle_metadata_routes_and_reads_exactly_what_the_families_do() {
    let bundle = metadata_of("soc2");
    let mut routed = BTreeSet::new();
    let mut reads = BTreeSet::new();
    let mut capabilities = BTreeSet::new();
    for (name, _) in families() {
        let m = metadata_of(name);
        routed.extend(routes(&m));
        reads.extend(
            m.context_aware_resources
                .iter()
                .map(|r| (r.api_version.clone(), r.kind.clone())),
        );
        capabilities.extend(m.host_capabilities.clone().unwrap_or_default());
        assert_eq!(
            m.annotations.as_ref().unwrap()["io.kubewarden.policy.version"],
            bundle.annotations.as_ref().unwrap()["io.kubewarden.policy.version"],
            "the bundle is released with the families"
        );
    }
    let bundle_routes = routes(&bundle);
    let missing: Vec<_> = routed.difference(&bundle_routes).collect();
    let extra: Vec<_> = bundle_routes.difference(&routed).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "policies/soc2/metadata.yml must route what the families route: missing {missing:?}, extra {extra:?}"
    );
    let bundle_reads: BTreeSet<(String, String)> = bundle
        .context_aware_resources
        .iter()
        .map(|r| (r.api_version.clone(), r.kind.clone()))
        .collect();
    assert_eq!(bundle_reads, reads, "contextAwareResources");
    let bundle_capabilities: BTreeSet<String> = bundle
        .host_capabilities
        .clone()
        .unwrap_or_default()
        .into_iter()
        .collect();
    assert_eq!(bundle_capabilities, capabilities, "hostCapabilities");
}
