//! `kube-soc2 scan` through the CLI and the compiled modules (issue 15):
//! the shipped settings files, the `settings:` wrapper and module-name typos,
//! evidence digests, the namespace a manifest does not give, baselines, and
//! finding the modules without `--dist`.

mod common;

use common::{cli, dist, dist_module, workspace};
use serde_json::Value;
use std::path::{Path, PathBuf};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", self.stdout, self.stderr))
    }
}

fn run(args: &[&str], env_dist: bool) -> Run {
    dist_module("access-control");
    let mut c = cli();
    c.args(args);
    if env_dist {
        c.env("KUBE_SOC2_DIST", dist());
    } else {
        c.env_remove("KUBE_SOC2_DIST");
    }
    let out = c.output().expect("kube-soc2 runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `kube-soc2 scan --dist <dist> <args>`.
fn scan(args: &[&str]) -> Run {
    let d = dist().display().to_string();
    let mut argv = vec!["scan", "--dist", d.as_str()];
    argv.extend(args);
    run(&argv, false)
}

fn temp(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("kube-soc2-evidence-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn p(path: &Path) -> String {
    path.display().to_string()
}

fn example(rel: &str) -> String {
    p(&workspace().join("examples").join(rel))
}

#[test]
fn shipped_settings_files_are_accepted_by_every_module() {
    for name in ["strict", "recommended", "minimal"] {
        let settings = example(&format!("settings/{name}.yaml"));
        let r = scan(&[
            "--format",
            "json",
            "--settings",
            &settings,
            &example("compliant"),
        ]);
        // Settings refused: exit 2 before any report. A report (even with
        // checks that could not verify, as strict's context-aware controls
        // on this example) means every module accepted its settings.
        assert!(
            !r.stderr.contains("--settings") && !r.stdout.is_empty(),
            "{name}: exit {} (settings refused?)\n{}",
            r.code,
            r.stderr
        );
        let v = r.json();
        assert!(
            v["summary"]["checks"]["evaluated"].as_u64().unwrap() > 100,
            "{name}"
        );
        let modules = v["modules"].as_array().unwrap();
        assert!(modules.len() >= 8, "{name}");
        // Every module is named in the file, and evaluated with exactly it.
        let text = std::fs::read_to_string(&settings).unwrap();
        let file: Value = serde_yaml::from_str(&text).unwrap();
        for m in modules {
            let given = &file[m["name"].as_str().unwrap()];
            assert!(given.is_object(), "{name} does not name {}", m["name"]);
            assert_eq!(&m["settings"], &serde_json::to_value(given).unwrap());
        }
    }
    // recommended = the defaults written out: the compliant example passes.
    let r = scan(&[
        "--settings",
        &example("settings/recommended.yaml"),
        &example("compliant"),
    ]);
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn settings_wrapper_and_unknown_modules_are_explained() {
    let dir = temp("settings");
    let wrapped = dir.join("wrapped.yaml");
    std::fs::write(
        &wrapped,
        "settings:\n  access-control:\n    controls: [default]\n",
    )
    .unwrap();
    let r = scan(&["--settings", &p(&wrapped), &example("compliant")]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("top-level `settings:` key"),
        "{}",
        r.stderr
    );

    let typo = dir.join("typo.yaml");
    std::fs::write(
        &typo,
        "access_control:\n  controls: [default]\navailabilty: {}\n",
    )
    .unwrap();
    let r = scan(&["--settings", &p(&typo), &example("compliant")]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("access_control (did you mean access-control?)")
            && r.stderr
                .contains("availabilty (did you mean availability?)"),
        "{}",
        r.stderr
    );
}

#[test]
fn json_records_digests_of_inputs_and_modules_and_effective_settings() {
    let file = example("compliant/10-frontend.yaml");
    let r = scan(&["--format", "json", &file]);
    let v = r.json();
    let bytes = std::fs::read(&file).unwrap();
    let files = v["inputFiles"].as_array().unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0]["bytes"], bytes.len());
    let digest = files[0]["sha256"].as_str().unwrap();
    assert!(
        digest.starts_with("sha256:") && digest.len() == 71,
        "{digest}"
    );
    for m in v["modules"].as_array().unwrap() {
        let path = dist().join(format!("{}.wasm", m["name"].as_str().unwrap()));
        if !path.is_file() {
            continue; // a bundle's families are reported by family
        }
        let wasm = std::fs::read(&path).unwrap();
        assert_eq!(
            m["sha256"],
            report::evidence::sha256(&wasm),
            "{}",
            m["name"]
        );
        assert!(m["settings"].is_object(), "settings are never null");
    }
    assert_eq!(v["tool"]["version"], env!("CARGO_PKG_VERSION"));
}

#[test]
fn objects_without_namespace_are_not_put_in_default() {
    let dir = temp("namespace");
    let text = std::fs::read_to_string(example("non-compliant/60-reports-cronjob.yaml"))
        .unwrap()
        .replace("  namespace: default\n", "");
    assert!(!text.contains("namespace:"));
    let cronjob = p(&dir.join("cronjob.yaml"));
    std::fs::write(&cronjob, text).unwrap();
    let control = "workloads-not-in-default-namespace";
    let status = |v: &Value| -> (Value, Option<String>) {
        let o = v["objects"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["kind"] == "CronJob")
            .unwrap();
        let s = o["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["control"] == control)
            .map(|r| r["status"].as_str().unwrap().to_string());
        (o.get("namespace").cloned().unwrap_or(Value::Null), s)
    };
    // No --namespace: the namespace given at apply time, unknown: no finding.
    let r = scan(&["--format", "json", &cronjob]);
    let v = r.json();
    let (ns, s) = status(&v);
    assert_eq!(ns, Value::Null);
    assert_ne!(s.as_deref(), Some("fail"));
    assert_eq!(v["summary"]["namespaceUnknown"], 1);
    let text = scan(&[&cronjob]).stdout;
    assert!(text.contains("namespace given at apply time"), "{text}");
    // --namespace default: assumed, and the control judges it.
    let v = scan(&["--format", "json", "--namespace", "default", &cronjob]).json();
    let (ns, s) = status(&v);
    assert_eq!(ns, "default");
    assert_eq!(s.as_deref(), Some("fail"));
    assert_eq!(v["objects"][0]["namespaceAssumed"], true);
    let v = scan(&["--format", "json", "--namespace", "shop", &cronjob]).json();
    assert_eq!(status(&v), (Value::from("shop"), Some("pass".to_string())));
}

#[test]
fn a_baseline_keeps_old_failures_out_and_counts_fixed_ones() {
    let dir = temp("baseline");
    let previous = dir.join("previous.json");
    let nc = example("non-compliant");
    let r = scan(&["--format", "json", "-o", &p(&previous), &nc]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let r = scan(&["--format", "json", "--baseline", &p(&previous), &nc]);
    assert_eq!(r.code, 0, "nothing new: {}", r.stderr);
    let v = r.json();
    assert_eq!(v["baseline"]["new"], 0);
    assert_eq!(v["baseline"]["fixed"], 0);
    assert!(v["baseline"]["known"].as_u64().unwrap() > 10);
    // Scanning the compliant example against it: every old failure fixed.
    let r = scan(&[
        "--format",
        "json",
        "--baseline",
        &p(&previous),
        &example("compliant"),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.json()["baseline"]["fixed"].as_u64().unwrap() > 10);
    let r = scan(&["--baseline", &p(&dir.join("missing.json")), &nc]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--baseline"), "{}", r.stderr);
}

#[test]
fn modules_are_found_without_dist_from_any_folder() {
    let elsewhere = temp("cwd");
    let file = example("compliant/10-frontend.yaml");
    let out = cli()
        .current_dir(&elsewhere)
        .env("KUBE_SOC2_DIST", dist())
        .args(["scan", "--format", "json", &file])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let help = run(&["scan", "--help"], false).stdout;
    assert!(help.contains("KUBE_SOC2_DIST"), "{help}");
    assert!(help.contains("beside the kube-soc2 binary"));
    // Nothing to find: the error names the folder looked at.
    let out = cli()
        .current_dir(&elsewhere)
        .env_remove("KUBE_SOC2_DIST")
        .args(["scan", &file])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
