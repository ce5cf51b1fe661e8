//! Kubernetes' own Pod Security Admission fixtures (tests/conformance/pss-cases.jsonl)
//! through the native build of the family: every case, at both levels and for
//! every check the case names, must get PSA's verdict.

use kit::NoCluster;
use serde_json::{Value, json};

/// The shared conformance data, relative to this crate (never edited here).
const CASES: &str = "../../tests/conformance/pss-cases.jsonl";

/// `pss:<checkName>` → control id: `pss-` + the check name with '-' before each
/// uppercase letter, lowercased, '_' → '-'.
fn control_id(check: &str) -> String {
    let mut id = String::from("pss-");
    for ch in check.chars() {
        if ch.is_ascii_uppercase() {
            id.push('-');
            id.push(ch.to_ascii_lowercase());
        } else if ch == '_' {
            id.push('-');
        } else {
            id.push(ch);
        }
    }
    id
}

fn allowed(request: &Value, selector: &str, version: Option<&Value>) -> (bool, String) {
    let mut settings = json!({ "controls": [selector] });
    if let Some(v) = version {
        settings["pssVersion"] = v.clone();
    }
    let payload = json!({ "request": request, "settings": settings });
    let bytes = serde_json::to_vec(&payload).unwrap();
    let r = kit::engine::evaluate(&access_control::FAMILY, &bytes, &NoCluster);
    (r.accepted, r.message.unwrap_or_default())
}

#[test]
fn control_ids_follow_the_psa_check_names() {
    assert_eq!(
        control_id("hostProbesAndHostLifecycle"),
        "pss-host-probes-and-host-lifecycle"
    );
    assert_eq!(
        control_id("seccompProfile_baseline"),
        "pss-seccomp-profile-baseline"
    );
    assert_eq!(
        control_id("procMount_restricted"),
        "pss-proc-mount-restricted"
    );
    assert_eq!(control_id("seLinuxOptions"), "pss-se-linux-options");
}

#[test]
fn every_psa_fixture_gets_psas_verdict() {
    let mut cases = 0;
    let mut verdicts = 0;
    let mut failures = Vec::new();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(CASES);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let case: Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("line {}: {e}", n + 1));
        cases += 1;
        let id = case["id"].as_str().unwrap_or("?");
        let version = case["settings"].get("version");
        let expect = case["expect"].as_object().expect("expect is an object");
        for (key, verdict) in expect {
            let selector = match key.strip_prefix("pss:") {
                Some(check) => control_id(check),
                None => key.clone(),
            };
            assert!(
                access_control::FAMILY.control(&selector).is_some()
                    || access_control::FAMILY.tags().contains(&selector.as_str()),
                "{id}: no control or tag {selector} for {key}"
            );
            let want = match verdict.as_str() {
                Some("allow") => true,
                Some("deny") => false,
                other => panic!("{id}: verdict {other:?}"),
            };
            let (got, message) = allowed(&case["request"], &selector, version);
            verdicts += 1;
            if got != want {
                failures.push(kit::text!(
                    "{id} [{selector}] version {}: expected {verdict}, got {}: {message}",
                    version.map_or("latest".to_string(), Value::to_string),
                    if got { "allow" } else { "deny" }
                ));
            }
        }
    }
    assert_eq!(cases, 380, "the conformance file has 380 cases");
    assert!(
        failures.is_empty(),
        "{} of {verdicts} verdicts differ from PSA:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
