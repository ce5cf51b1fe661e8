//! `kube-soc2 scaffold family` and `scaffold control` produce a family that
//! builds, passes its tests, and whose compiled module replays its fixtures,
//! with no hand edit. Runs in a throw-away copy of the workspace (the kit and
//! the workspace manifest), so the real tree is never touched.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn kube_soc2(args: &[&str], root: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_kube-soc2"))
        .args(args)
        .current_dir(root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "kube-soc2 {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn cargo(args: &[&str], root: &Path, target: &Path) -> String {
    let out = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(root)
        .env("CARGO_TARGET_DIR", target)
        // The copy's debug builds need no debug information or incremental
        // state: without them they take half the disk (0.5 → 0.24 GB).
        .env("CARGO_PROFILE_DEV_DEBUG", "false")
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "cargo {args:?}:\n{text}");
    text
}

#[test]
fn a_scaffolded_family_builds_tests_and_replays_with_no_other_edit() {
    let ws = workspace();
    let root = std::env::temp_dir().join(format!("kube-soc2-scaffold-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    copy_dir(&ws.join("policies/kit"), &root.join("policies/kit"));
    let manifest = std::fs::read_to_string(ws.join("Cargo.toml")).unwrap();
    // Only the policies: the harness is not rebuilt in the copy.
    let manifest: String = manifest
        .lines()
        .map(|l| {
            if l.starts_with("members = ") {
                r#"members = ["policies/*"]"#
            } else if l.starts_with("default-members = ") {
                r#"default-members = ["policies/*"]"#
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(root.join("Cargo.toml"), manifest).unwrap();
    std::fs::copy(ws.join("Cargo.lock"), root.join("Cargo.lock")).unwrap();
    for f in ["harness/Cargo.toml", "harness/src/commands/bench.rs"] {
        std::fs::create_dir_all(root.join(f).parent().unwrap()).unwrap();
        std::fs::copy(ws.join(f), root.join(f)).unwrap();
    }

    kube_soc2(
        &[
            "scaffold",
            "family",
            "demo-family",
            "--title",
            "Demo (SOC 2 CC8.1)",
        ],
        &root,
    );
    kube_soc2(&["scaffold", "control", "demo-family", "demo-label"], &root);
    // Registered where the harness links families.
    let cargo_toml = std::fs::read_to_string(root.join("harness/Cargo.toml")).unwrap();
    assert!(cargo_toml.contains(r#"demo-family = { path = "../policies/demo-family" }"#));
    let bench = std::fs::read_to_string(root.join("harness/src/commands/bench.rs")).unwrap();
    assert!(bench.contains("    \"demo-family\",\n"), "{bench}");
    assert!(bench.contains("\"demo-family\" => &demo_family::FAMILY,"));
    // Scaffolding twice never overwrites.
    let again = Command::new(env!("CARGO_BIN_EXE_kube-soc2"))
        .args(["scaffold", "control", "demo-family", "demo-label"])
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(!again.status.success());

    // Shared across runs so only the new crate compiles each time.
    let target = ws.join("target/scaffold-test");
    let tests = cargo(&["test", "--offline", "-p", "demo-family"], &root, &target);
    assert!(tests.contains("test result: ok. 1 passed"), "{tests}");
    cargo(
        &[
            "build",
            "--offline",
            "--release",
            "--target",
            "wasm32-wasip1",
            "-p",
            "demo-family",
        ],
        &root,
        &target,
    );
    let dist = root.join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    let raw = target.join("wasm32-wasip1/release/demo_family.wasm");
    kube_soc2(
        &[
            "annotate",
            "--metadata",
            "policies/demo-family/metadata.yml",
            "--usage",
            "policies/demo-family/README.md",
            "-o",
            "dist/demo-family.wasm",
            raw.to_str().unwrap(),
        ],
        &root,
    );
    // replay's default folders include policies/<family>/fixtures.
    kube_soc2(&["replay", "--dist", "dist"], &root);
    let _ = std::fs::remove_dir_all(&root);
}
