//! `kube-soc2 scan` on a folder as people keep them (issue 15), through the
//! CLI and the compiled modules: a Helm chart, an OpenAPI file, a FIFO and an
//! `--exclude`d file are skipped with one line, the manifests are scanned,
//! and `--format sarif` follows the SARIF 2.1.0 schema.

mod common;

use common::{cli, dist, dist_module, workspace};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nspec:\n  containers:\n  - name: web\n    image: registry.example.com/web:1.0\n    securityContext: {privileged: true}\n";

fn repository(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kube-soc2-folders-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let write = |rel: &str, text: &str| {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write("app/pod.yaml", POD);
    write("app/pod-skip.yaml", POD);
    write(
        "charts/shop/Chart.yaml",
        "apiVersion: v2\nname: shop\nversion: 1.0.0\n",
    );
    write("charts/shop/values.yaml", "replicas: 1\n");
    write(
        "charts/shop/templates/pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\n",
    );
    write(
        "api/openapi.yaml",
        "openapi: 3.0.0\ninfo: {title: x, version: '1'}\n",
    );
    #[cfg(unix)]
    {
        let status = std::process::Command::new("mkfifo")
            .arg(dir.join("app/pipe.yaml"))
            .status()
            .unwrap();
        assert!(status.success());
    }
    dir
}

/// Runs `kube-soc2 scan --dist <dist> <args>`, failing after 120 s (a FIFO
/// must never block the scan).
fn scan(args: &[&str]) -> (i32, String, String) {
    dist_module("access-control");
    let mut argv: Vec<String> = vec!["scan".into(), "--dist".into(), dist().display().to_string()];
    argv.extend(args.iter().map(|s| s.to_string()));
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let out = cli()
            .args(&argv)
            .stdin(Stdio::null())
            .output()
            .expect("kube-soc2 starts");
        let _ = tx.send(out);
    });
    let out = rx
        .recv_timeout(Duration::from_secs(120))
        .expect("the scan finished");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn non_manifests_and_special_files_are_skipped_in_one_line() {
    let dir = repository("skip");
    let (code, stdout, stderr) = scan(&[
        "--format",
        "json",
        "--fail-on",
        "none",
        "--exclude",
        "*-skip.yaml",
        p(&dir),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let objects = report["objects"].as_array().unwrap();
    assert_eq!(objects.len(), 1, "only app/pod.yaml");
    let mut reasons: Vec<&str> = report["skippedInputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["reason"].as_str().unwrap())
        .collect();
    reasons.sort();
    let mut want = vec![
        "excluded",
        "helmChart",
        "helmChart",
        "helmChart",
        "notManifest",
    ];
    if cfg!(unix) {
        want.push("notRegularFile");
    }
    want.sort();
    assert_eq!(reasons, want);
    assert_eq!(report["inputErrors"], serde_json::json!([]));
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("skipped, not Kubernetes manifests"))
        .collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].contains("helm template <chart> | kube-soc2 scan -"));

    // A folder holding nothing but a chart has no objects: still exit 2.
    let (code, _, stderr) = scan(&[p(&dir.join("charts"))]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn sarif_output_follows_the_sarif_2_1_0_schema() {
    let dir = repository("sarif");
    let (code, stdout, stderr) = scan(&["--format", "sarif", p(&dir.join("app/pod.yaml"))]);
    assert_eq!(code, 1, "{stderr}");
    let log: Value = serde_json::from_str(&stdout).unwrap();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            workspace().join("harness/report/tests/schemas/sarif-schema-2.1.0.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let result = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "pss-privileged")
        .expect("the privileged container is reported");
    assert_eq!(result["level"], "error");
    let location = &result["locations"][0]["physicalLocation"];
    assert!(
        location["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("app/pod.yaml")
    );
    assert_eq!(location["region"]["startLine"], 1);
}
