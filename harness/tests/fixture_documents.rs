//! How `replay` reads fixture files: one bad document is reported with its
//! line and never hides the documents after it; integers beyond 64 bits are
//! numbers, not errors.

use kube_soc2::fixtures::parse_file;
use serde_json::json;

const GOOD: &str = "description: good\nmodule: access-control\nobject: {apiVersion: v1, kind: Pod, metadata: {name: p}}\nexpect: {allowed: true}\n";

#[test]
fn a_bad_fixture_document_does_not_hide_the_next_ones() {
    let dir = std::env::temp_dir().join(format!("kube-soc2-fixture-docs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("mixed.yaml");
    let text = [
        GOOD,
        // Line 6: an unclosed flow mapping (a broken YAML stream).
        "description: broken\nmodule: access-control\nobject: {apiVersion: v1, kind: Pod\nexpect: {allowed: true}\n",
        // A 2^64 integer and a -2^63-1 one: numbers.
        "description: huge\nmodule: access-control\nobject:\n  apiVersion: v1\n  kind: Pod\n  metadata: {name: p}\n  spec: {priority: 18446744073709551616, x: -9223372036854775809}\nexpect: {allowed: false}\n",
        "description: unknown key\nmodule: access-control\nobject: {apiVersion: v1, kind: Pod}\nexpect: {alowed: true}\n",
        GOOD,
    ]
    .join("---\n");
    std::fs::write(&file, text).unwrap();
    let docs = parse_file(&file).unwrap();
    std::fs::remove_dir_all(&dir).ok();

    let numbers: Vec<usize> = docs.iter().map(|d| d.number).collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5]);
    assert!(docs[0].fixture.is_ok());
    let broken = docs[1].fixture.as_ref().unwrap_err().to_string();
    assert!(broken.contains("invalid YAML"), "{broken}");
    // The document starts on line 5 (`---`); the error is inside it.
    assert!((6..=9).contains(&docs[1].line), "line {}", docs[1].line);
    let huge = docs[2]
        .fixture
        .as_ref()
        .expect("a huge integer is a number");
    let spec = &huge.object.as_ref().unwrap()["spec"];
    assert_eq!(spec["priority"], json!(18446744073709551616.0));
    assert_eq!(spec["x"], json!(-9223372036854775809.0));
    let unknown = docs[3].fixture.as_ref().unwrap_err().to_string();
    assert!(unknown.contains("alowed"), "{unknown}");
    assert_eq!(docs[3].line, 19);
    assert_eq!(docs[4].fixture.as_ref().unwrap().description, "good");
}

#[test]
fn fixtures_keep_yaml_1_2_values() {
    // A fixture states the exact value it sends: `yes` is the string.
    let dir = std::env::temp_dir().join(format!("kube-soc2-fixture-yaml12-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("tty.yaml");
    std::fs::write(
        &file,
        "description: tty yes\nmodule: access-control\nobject: {apiVersion: v1, kind: Pod, spec: {containers: [{name: c, tty: yes, n: 0644}]}}\nexpect: {allowed: false}\n",
    )
    .unwrap();
    let docs = parse_file(&file).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    let object = docs[0].fixture.as_ref().unwrap().object.clone().unwrap();
    assert_eq!(object["spec"]["containers"][0]["tty"], json!("yes"));
    assert_eq!(object["spec"]["containers"][0]["n"], json!("0644"));
}
