//! The `kube-soc2` commands end to end, on the dist modules.

mod common;

use common::{cli, dist, dist_module};
use serde_json::Value;
use std::path::PathBuf;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kube-soc2-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const PRIVILEGED_POD: &str = r#"
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: team-a}
spec:
  containers:
  - {name: c, image: nginx, securityContext: {privileged: true}}
"#;

#[test]
fn run_prints_one_admission_response_line() {
    let dir = temp_dir("run");
    let request = dir.join("pod.yaml");
    std::fs::write(&request, PRIVILEGED_POD).unwrap();
    let run = |extra: &[&str]| {
        cli()
            .arg("run")
            .arg("--policy")
            .arg(dist_module("access-control"))
            .arg("--request")
            .arg(&request)
            .args(["--settings", r#"{"controls": ["pss-privileged"]}"#])
            .args(extra)
            .output()
            .unwrap()
    };
    let out = run(&[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1);
    let response: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(response["allowed"], false);
    assert!(response["uid"].as_str().is_some_and(|u| !u.is_empty()));
    assert!(
        response["status"]["message"]
            .as_str()
            .unwrap()
            .contains("[pss-privileged]")
    );
    assert!(text.starts_with(r#"{"uid":"#));

    let monitor: Value = serde_json::from_str(&stdout(&run(&["--mode", "monitor"]))).unwrap();
    assert_eq!(monitor["allowed"], true);
    assert!(monitor.get("status").is_none());
}

#[test]
fn run_refuses_an_unreadable_module() {
    let dir = temp_dir("bad-module");
    let junk = dir.join("junk.wasm");
    std::fs::write(&junk, b"\0asm junk").unwrap();
    let request = dir.join("pod.yaml");
    std::fs::write(&request, PRIVILEGED_POD).unwrap();
    for module in [junk, dir.join("missing.wasm")] {
        let out = cli()
            .arg("run")
            .arg("--policy")
            .arg(&module)
            .arg("--request")
            .arg(&request)
            .output()
            .unwrap();
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("module"));
    }
}

#[test]
fn replay_counts_passes_and_failures() {
    let dir = temp_dir("replay");
    let fixtures = dir.join("fixtures/access-control");
    std::fs::create_dir_all(&fixtures).unwrap();
    std::fs::write(
        fixtures.join("privileged.yaml"),
        r#"
description: a privileged container is denied
module: access-control
settings: {controls: [pss-privileged]}
object:
  apiVersion: v1
  kind: Pod
  metadata: {name: p, namespace: team-a, labels: {app: web}}
  spec:
    containers:
    - {name: c, image: nginx, securityContext: {privileged: true}}
wrapAs: [Deployment, CronJob]
expect:
  allowed: false
  messageContains: ["{spec}.containers[0].securityContext.privileged"]
  patch: null
---
description: a deliberately wrong expectation
module: access-control
settings: {controls: [pss-privileged]}
object: {apiVersion: v1, kind: Pod, metadata: {name: q}, spec: {containers: [{name: c, image: nginx}]}}
expect: {allowed: false}
"#,
    )
    .unwrap();
    let dist_dir = dir.join("dist");
    std::fs::create_dir_all(&dist_dir).unwrap();
    std::fs::copy(
        dist_module("access-control"),
        dist_dir.join("access-control.wasm"),
    )
    .unwrap();
    let out = cli()
        .arg("replay")
        .arg("--dist")
        .arg(&dist_dir)
        .arg("--fixtures")
        .arg(dir.join("fixtures"))
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(!out.status.success());
    assert_eq!(text.lines().last(), Some("3 passed, 1 failed"), "{text}");
    assert!(
        text.contains("privileged.yaml#2 (Pod) [access-control] a deliberately wrong expectation: allowed: expected false, got true"),
        "{text}"
    );

    // A broken fixture is a failure too.
    std::fs::write(
        fixtures.join("broken.yaml"),
        "description: x\nmodule: access-control\nexpect: {alowed: true}\n",
    )
    .unwrap();
    let out = cli()
        .arg("replay")
        .arg("--dist")
        .arg(&dist_dir)
        .arg("--fixtures")
        .arg(dir.join("fixtures"))
        .args(["--filter", "broken"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        stdout(&out).contains("unparsable fixture"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn conformance_reports_a_closing_line() {
    dist_module("access-control");
    let out = cli()
        .arg("conformance")
        .arg("--module")
        .arg(dist().join("access-control.wasm"))
        .args(["--filter", "privileged"])
        .output()
        .unwrap();
    let text = stdout(&out);
    let last = text.lines().last().unwrap_or_default();
    assert!(
        last.ends_with(" failed") && last.contains(" passed, "),
        "{text}"
    );
}

#[test]
fn controls_lists_the_catalogue() {
    dist_module("access-control");
    let out = cli()
        .arg("controls")
        .arg("--dist")
        .arg(dist())
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let controls: Vec<Value> = serde_json::from_str(&stdout(&out)).unwrap();
    let privileged = controls
        .iter()
        .find(|c| c["id"] == "pss-privileged")
        .expect("pss-privileged in the catalogue");
    assert_eq!(privileged["family"], "access-control");
    assert!(
        !privileged["criteria"]["soc2"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn annotate_refuses_an_annotated_module() {
    let dir = temp_dir("annotate");
    let out = cli()
        .arg("annotate")
        .arg("--metadata")
        .arg(common::workspace().join("policies/access-control/metadata.yml"))
        .arg("-o")
        .arg(dir.join("again.wasm"))
        .arg(dist_module("access-control"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already has"));
}

#[test]
fn explain_shows_one_control_with_its_criteria_settings_and_examples() {
    dist_module("access-control");
    let out = cli()
        .current_dir(common::workspace())
        .args(["explain", "pss-privileged", "--dist"])
        .arg(dist())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = stdout(&out);
    for want in [
        "# pss-privileged",
        "in the default set",
        "Fix: ",
        "SOC 2 CC6.1",
        "Pod Security Standards: Privileged Containers",
        "access-control:",
        "Passes: ",
        "Fails: ",
        "privileged: true",
    ] {
        assert!(page.contains(want), "missing {want:?}:\n{page}");
    }
    let out = cli()
        .args(["explain", "privileged", "--dist"])
        .arg(dist())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("did you mean") && err.contains("pss-privileged"),
        "{err}"
    );
}

#[test]
fn bench_measures_each_module() {
    let dir = temp_dir("bench");
    std::fs::copy(
        dist_module("access-control"),
        dir.join("access-control.wasm"),
    )
    .unwrap();
    let out = cli()
        .arg("bench")
        .arg("--dist")
        .arg(&dir)
        .args(["--iterations", "5", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let modules = report["modules"].as_array().unwrap();
    let m = modules
        .iter()
        .find(|m| m["module"] == "access-control")
        .unwrap();
    assert_eq!(m["same_answer_as_native"], true);
    assert!(m["fresh_instance"]["median_us"].as_f64().unwrap() > 0.0);
    assert!(m["whole_evaluation"]["median_us"].as_f64().unwrap() > 0.0);
    for part in ["instantiate_us", "validate_us", "drop_us"] {
        assert!(m["fresh_parts"][part].as_f64().unwrap() > 0.0, "{m}");
    }
    for state in ["warm", "cold"] {
        let guest = &m["policy_server_guest"][state]["median_us"];
        assert!(guest.as_f64().unwrap() > 0.0, "{m}");
    }
    // Every fresh instance's memory is new to the process.
    if cfg!(target_os = "linux") {
        assert!(m["fresh_page_faults"].as_f64().unwrap() >= 1.0, "{m}");
    }
    // With the do-nothing policy built (scripts/build), it comes first and
    // every module gets its time above that floor.
    if modules[0]["module"] == "(do-nothing policy)" {
        assert!(m["above_floor_us"]["whole_evaluation"].is_f64(), "{m}");
    }
    // So does the parse-only reference: it comes next, and it accepts the
    // request because it read it.
    if let Some(i) = modules.iter().position(|m| m["module"] == "(parse only)") {
        assert_eq!(
            i,
            usize::from(modules[0]["module"] == "(do-nothing policy)")
        );
        assert_eq!(modules[i]["allowed"], true, "{}", modules[i]);
        assert!(modules[i]["native"].is_null(), "{}", modules[i]);
    }
}

#[test]
fn a_reader_that_stops_early_ends_the_command_without_a_panic() {
    use std::io::Read;
    use std::process::Stdio;
    dist_module("access-control");
    let mut child = cli()
        .arg("controls")
        .arg("--dist")
        .arg(dist())
        .args(["--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The pipe is closed here, long before the catalogue is fully written.
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
}
