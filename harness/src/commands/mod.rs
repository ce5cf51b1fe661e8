//! The `kube-soc2` subcommands. Each returns whether everything it checked
//! passed; errors are for input it could not use.

pub mod annotate;
pub mod artifacthub;
pub mod bench;
pub mod conformance;
pub mod controls;
pub mod explain;
pub mod manifest;
pub mod new_family;
pub mod package;
pub mod replay;
pub mod run;
pub mod scaffold;
pub mod scan;

use anyhow::{Context as _, Result, bail};
use std::path::{Path, PathBuf};

/// Where `scan` and `bench-scan` find their modules when `--dist` is not
/// given: `$KUBE_SOC2_DIST`, else a `dist/` folder holding modules beside the
/// binary (a release archive unpacked anywhere), else `dist/` in the current
/// folder (the repository). A candidate without any `.wasm` is passed over,
/// so a web project's own `dist/` is not mistaken for the modules.
pub fn resolve_dist(flag: Option<&Path>) -> PathBuf {
    if let Some(dist) = flag {
        return dist.to_path_buf();
    }
    if let Some(env) = std::env::var_os("KUBE_SOC2_DIST").filter(|v| !v.is_empty()) {
        return PathBuf::from(env);
    }
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.join("dist")));
    let here = PathBuf::from("dist");
    beside
        .into_iter()
        .chain([here.clone()])
        .find(|d| dist_modules(d).is_ok())
        .unwrap_or(here)
}

/// `dist/*.wasm`, sorted.
pub fn dist_modules(dist: &Path) -> Result<Vec<PathBuf>> {
    let mut modules: Vec<PathBuf> = std::fs::read_dir(dist)
        .with_context(|| format!("cannot read {} (run scripts/build first)", dist.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "wasm"))
        .collect();
    modules.sort();
    if modules.is_empty() {
        bail!(
            "{} holds no .wasm module (run scripts/build first)",
            dist.display()
        );
    }
    Ok(modules)
}

/// The families a bundle module holds (`policies/soc2`: every family in one
/// module), by module name; `None` for a family module.
pub fn bundle_members(module: &str) -> Option<Vec<&'static str>> {
    (module == soc2::FAMILY.name).then(|| soc2::MEMBERS.iter().map(|f| f.name).collect())
}

/// The modules of `dist` that evaluate each control once, for the commands
/// that add verdicts up (`scan`, `controls`). A bundle and the family
/// modules it holds would report every control of those families twice, so
/// one side is kept:
/// - the side `named` (the `--settings` keys) names; naming the bundle and
///   one of its families is an error;
/// - otherwise the family modules when dist holds every one of them (reports
///   keep one section per family, and their verdicts are the bundle's: a test
///   checks it), the bundle when some are missing (it holds them all).
pub fn without_double_counting(modules: Vec<PathBuf>, named: &[&str]) -> Result<Vec<PathBuf>> {
    let stem = |p: &Path| {
        p.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let names: Vec<String> = modules.iter().map(|p| stem(p)).collect();
    let mut dropped: Vec<String> = Vec::new();
    for bundle in &names {
        let Some(members) = bundle_members(bundle) else {
            continue;
        };
        let present: Vec<&str> = members
            .iter()
            .copied()
            .filter(|m| names.iter().any(|n| n == m))
            .collect();
        if present.is_empty() {
            continue;
        }
        let bundle_named = named.contains(&bundle.as_str());
        let member_named = present.iter().find(|m| named.contains(m));
        if let (true, Some(member)) = (bundle_named, member_named) {
            bail!(
                "--settings names both {bundle} and {member}, which {bundle} holds: every control of {member} would be evaluated twice; give the settings of one of them"
            );
        }
        if !bundle_named && (member_named.is_some() || present.len() == members.len()) {
            dropped.push(bundle.clone());
        } else {
            dropped.extend(present.iter().map(|m| m.to_string()));
        }
    }
    Ok(modules
        .into_iter()
        .filter(|p| !dropped.contains(&stem(p)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(names: &[&str]) -> Vec<PathBuf> {
        names
            .iter()
            .map(|n| PathBuf::from(format!("dist/{n}.wasm")))
            .collect()
    }

    fn chosen(names: &[&str], named: &[&str]) -> Result<Vec<String>> {
        Ok(without_double_counting(paths(names), named)?
            .iter()
            .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
            .collect())
    }

    #[test]
    fn a_bundle_and_its_families_are_never_both_evaluated() {
        let families: Vec<&str> = soc2::MEMBERS.iter().map(|f| f.name).collect();
        let mut all = families.clone();
        all.push("soc2");
        all.push("other");
        // Every family present: the families (and modules of no bundle).
        let mut expected: Vec<String> = families.iter().map(|s| s.to_string()).collect();
        expected.push("other".into());
        assert_eq!(chosen(&all, &[]).unwrap(), expected);
        // Settings for the bundle: the bundle.
        assert_eq!(chosen(&all, &["soc2"]).unwrap(), ["soc2", "other"]);
        assert_eq!(
            chosen(&all, &["soc2", "access-control"])
                .unwrap_err()
                .to_string(),
            "--settings names both soc2 and access-control, which soc2 holds: every control of access-control would be evaluated twice; give the settings of one of them"
        );
        // Some families missing: the bundle, unless settings name a family.
        assert_eq!(
            chosen(&["access-control", "images", "soc2"], &[]).unwrap(),
            ["soc2"]
        );
        assert_eq!(
            chosen(&["access-control", "images", "soc2"], &["images"]).unwrap(),
            ["access-control", "images"]
        );
        // Only one side: that side.
        assert_eq!(chosen(&["soc2"], &[]).unwrap(), ["soc2"]);
        assert_eq!(chosen(&families, &[]).unwrap(), families);
    }
}
