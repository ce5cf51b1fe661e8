//! How `scan` reads the values in a document: as the API server receives them
//! from `kubectl apply` (go-yaml v2, YAML 1.1 scalars), never refusing a
//! number for its size, and never letting one bad document hide the next.

use report::inputs::{Loaded, Scalars, load_str, parse_yaml_document};
use serde_json::{Value, json};

fn pod(spec_line: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n    {spec_line}\n"
    )
}

/// The only object `text` loads, with no input error.
fn one(text: &str) -> Value {
    let l = load_str("m.yaml", text);
    assert!(l.errors.is_empty(), "{:?}", l.errors);
    assert_eq!(l.objects.len(), 1, "{text}");
    l.objects[0].value().unwrap().to_serde()
}

fn container_field(text: &str, field: &str) -> Value {
    one(text)["spec"]["containers"][0][field].clone()
}

fn names(l: &Loaded) -> Vec<&str> {
    l.objects.iter().map(|o| o.name()).collect()
}

// (a) ---------------------------------------------------------------------

#[test]
fn integers_beyond_64_bits_are_numbers_not_errors() {
    for (written, expected) in [
        ("18446744073709551615", json!(18446744073709551615u64)),
        ("18446744073709551616", json!(18446744073709551616.0)),
        ("99999999999999999999999", json!(1e23)),
        ("999999999999999999999999999999999999999999", json!(1e42)),
        ("-9223372036854775808", json!(-9223372036854775808i64)),
        // -2^63 - 1 is the float -2^63, which Go's JSON encoder (hence
        // kubectl) writes as the integer -9223372036854775808.
        ("-9223372036854775809", json!(i64::MIN)),
        ("-99999999999999999999999", json!(-1e23)),
    ] {
        let text = pod(&format!(
            "env: [{{name: N, value: x}}]\n    terminationMessagePath: {written}"
        ));
        let got = container_field(&text, "terminationMessagePath");
        assert_eq!(got, expected, "{written}");
        assert!(got.is_number(), "{written}: {got}");
    }
}

#[test]
fn integers_beyond_64_bits_in_json_are_numbers_too() {
    let text = r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
        "spec": {"priority": 18446744073709551616, "x": -9223372036854775809}}"#;
    let v = one(text);
    assert_eq!(v["spec"]["priority"], json!(18446744073709551616.0));
    assert_eq!(v["spec"]["x"], json!(-9223372036854775809.0));
}

#[test]
fn a_huge_number_in_a_key_or_a_list_still_loads_the_document() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  18446744073709551616: x\nlist: [1, 340282366920938463463374607431768211456, 3]\n";
    let v = one(text);
    assert!(v["data"].as_object().unwrap().len() == 1);
    assert_eq!(v["list"][1], json!(3.402823669209385e38));
}

// (b) ---------------------------------------------------------------------

#[test]
fn a_bad_yaml_document_is_reported_with_its_line_and_the_next_ones_load() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: [b\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nbig: 18446744073709551616\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\nnan: .nan\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: e}\n";
    let l = load_str("m.yaml", text);
    assert_eq!(names(&l), ["a", "c", "e"]);
    let errors: Vec<(usize, Option<usize>)> = l
        .errors
        .iter()
        .map(|e| (e.document.unwrap(), e.line))
        .collect();
    assert_eq!(errors.len(), 2, "{:?}", l.errors);
    assert_eq!(errors[0].0, 2);
    assert!(matches!(errors[0].1, Some(7..=8)), "{:?}", l.errors[0]);
    assert_eq!(errors[1].0, 4);
    assert!(matches!(errors[1].1, Some(14..=18)), "{:?}", l.errors[1]);
    assert!(
        l.errors[1]
            .message
            .contains("cannot be represented in JSON")
    );
    assert!(l.errors.iter().all(|e| e.file == "m.yaml"));
}

#[test]
fn a_bad_value_in_a_json_stream_does_not_hide_the_values_after_it() {
    let text = concat!(
        "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"a\"}}\n",
        "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"b\",}}\n",
        "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\",\n",
        "  \"metadata\": {\"name\": \"c\"}}\n",
        "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"d\"\n",
        "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"e\"}}\n",
    );
    let l = load_str("s.json", text);
    assert_eq!(names(&l), ["a", "c", "e"], "{:?}", l.errors);
    let errors: Vec<(Option<usize>, Option<usize>)> =
        l.errors.iter().map(|e| (e.document, e.line)).collect();
    assert_eq!(
        errors,
        [(Some(2), Some(2)), (Some(4), Some(6))],
        "{:?}",
        l.errors
    );
    assert!(l.errors[0].message.contains("invalid JSON"));
}

#[test]
fn a_broken_first_json_value_does_not_hide_the_rest() {
    let text = concat!(
        "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\" \"metadata\": {\"name\": \"a\"}}\n",
        "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"b\"}}\n",
    );
    let l = load_str("s.json", text);
    assert_eq!(names(&l), ["b"], "{:?}", l.errors);
    assert_eq!(l.errors.len(), 1);
    assert_eq!((l.errors[0].document, l.errors[0].line), (Some(1), Some(1)));
    // A YAML flow mapping that merely starts like JSON is still YAML.
    let l = load_str(
        "f.yaml",
        "{apiVersion: v1, kind: ConfigMap, metadata: {name: f}}\n",
    );
    assert_eq!(names(&l), ["f"], "{:?}", l.errors);
}

// (c) ---------------------------------------------------------------------

#[test]
fn yaml_1_1_booleans_are_booleans_where_kubectl_reads_them() {
    for (written, expected) in [
        ("yes", true),
        ("Yes", true),
        ("YES", true),
        ("y", true),
        ("Y", true),
        ("on", true),
        ("On", true),
        ("ON", true),
        ("no", false),
        ("No", false),
        ("NO", false),
        ("n", false),
        ("N", false),
        ("off", false),
        ("Off", false),
        ("OFF", false),
        ("true", true),
        ("False", false),
    ] {
        assert_eq!(
            container_field(&pod(&format!("tty: {written}")), "tty"),
            Value::Bool(expected),
            "tty: {written}"
        );
        // Flow style and anchors/aliases too.
        let flow = pod(&format!("securityContext: {{privileged: {written}}}"));
        assert_eq!(
            container_field(&flow, "securityContext")["privileged"],
            Value::Bool(expected),
            "{{privileged: {written}}}"
        );
    }
}

#[test]
fn quoted_block_tagged_and_other_cases_stay_strings() {
    for written in [
        "\"yes\"",
        "'yes'",
        "!!str yes",
        "!!str &a yes",
        "yEs",
        "oN",
        "YeS",
        "yes please",
        "|\n      yes",
        ">-\n      on",
        "\"0644\"",
        "2024-01-02",
    ] {
        let v = container_field(&pod(&format!("tty: {written}")), "tty");
        assert!(v.is_string(), "tty: {written} read as {v}");
    }
}

#[test]
fn yaml_1_1_numbers_are_read_as_kubectl_sends_them() {
    for (written, expected) in [
        ("0644", json!(420)),
        ("-010", json!(-8)),
        ("1_000", json!(1000)),
        ("0x1F", json!(31)),
        ("0o17", json!(15)),
        ("0b101", json!(5)),
        ("08", json!(8)),
        ("3.0", json!(3)),
        ("1e3", json!(1000)),
        ("3.5", json!(3.5)),
        ("1_000.5", json!(1000.5)),
    ] {
        let text =
            format!("apiVersion: v1\nkind: Secret\nmetadata: {{name: s}}\nmode: {written}\n");
        assert_eq!(one(&text)["mode"], expected, "mode: {written}");
    }
}

#[test]
fn keys_and_aliases_resolve_like_values() {
    // go-yaml v2 resolves keys too: the well-known `y:` key that kubectl
    // sends as "true".
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: &l\n    on: x\n    'off': z\n    n: 'y'\nspec:\n  t: &t yes\n  u: *t\n  labels: *l\n";
    let v = one(text);
    assert_eq!(
        v["metadata"]["labels"],
        json!({"true": "x", "off": "z", "false": "y"})
    );
    assert_eq!(v["spec"]["t"], json!(true));
    assert_eq!(v["spec"]["u"], json!(true));
    assert_eq!(v["spec"]["labels"], v["metadata"]["labels"]);
}

#[test]
fn merge_keys_and_tags_keep_working() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\nbase: &b {w: 1, x: 2, tty: yes}\nmore: &m {z: 3}\nmerged:\n  <<: [*b, *m]\n  x: 10\ntagged: !custom {a: on}\n";
    let v = one(text);
    assert_eq!(v["merged"], json!({"w": 1, "x": 10, "z": 3, "tty": true}));
    assert_eq!(v["tagged"], json!({"a": true}));
}

#[test]
fn the_fixture_dialect_keeps_yaml_1_2_scalars() {
    let text = "tty: yes\nmode: 0644\nreplicas: 3.0\nbig: 18446744073709551616\n";
    let v = parse_yaml_document(text, 1, Scalars::Yaml12).unwrap();
    assert_eq!(
        v,
        json!({"tty": "yes", "mode": "0644", "replicas": 3.0, "big": 18446744073709551616.0})
    );
    let v = parse_yaml_document(text, 1, Scalars::Kubectl).unwrap();
    assert_eq!(
        v,
        json!({"tty": true, "mode": 420, "replicas": 3, "big": 18446744073709551616.0})
    );
}
