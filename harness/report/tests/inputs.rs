//! Every input form `scan` accepts, and every kind of bad document.

mod support;

use report::inputs::{self, Loaded, load, load_str, split_documents};
use std::io::Cursor;

fn names(l: &Loaded) -> Vec<String> {
    l.objects
        .iter()
        .map(|o| format!("{}/{}", o.kind(), o.name()))
        .collect()
}

fn no_stdin() -> Cursor<Vec<u8>> {
    Cursor::new(Vec::new())
}

#[test]
fn multi_document_yaml_keeps_document_numbers_and_lines() {
    let text = "# leading comment\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  namespace: ns1\n--- # a comment on the marker\napiVersion: v1\nkind: Secret\nmetadata: {name: c}\n...\n";
    let l = load_str("m.yaml", text);
    assert!(l.errors.is_empty(), "{:?}", l.errors);
    assert_eq!(names(&l), ["ConfigMap/a", "ConfigMap/b", "Secret/c"]);
    let docs: Vec<(usize, usize)> = l
        .objects
        .iter()
        .map(|o| (o.origin.document, o.origin.line))
        .collect();
    assert_eq!(docs, [(1, 1), (2, 5), (3, 11)]);
    assert_eq!(l.objects[1].namespace(), Some("ns1"));
    assert_eq!(l.objects[0].namespace(), None);
    assert_eq!(
        l.objects.iter().map(|o| o.seq).collect::<Vec<_>>(),
        [0, 1, 2]
    );
}

/// Documents are read in parallel batches: across batch boundaries objects
/// and errors must still come in document order, with their own numbers.
#[test]
fn many_documents_keep_their_order_numbers_and_errors() {
    let bad = [100, 256, 257, 599];
    let mut text = String::new();
    for n in 1..=600 {
        text.push_str("---\n");
        if bad.contains(&n) {
            text.push_str("kind: [unclosed\n\n\n");
        } else {
            text.push_str(&format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{n}}}\n"
            ));
        }
    }
    let l = load_str("many.yaml", &text);
    let expected: Vec<String> = (1..=600)
        .filter(|n| !bad.contains(n))
        .map(|n| format!("ConfigMap/c{n}"))
        .collect();
    assert_eq!(names(&l), expected);
    assert!(l.objects.iter().enumerate().all(|(i, o)| o.seq == i));
    assert!(
        l.objects
            .iter()
            .all(|o| o.origin.line == 4 * o.origin.document - 3)
    );
    let errors: Vec<(Option<usize>, Option<usize>)> =
        l.errors.iter().map(|e| (e.document, e.line)).collect();
    assert_eq!(errors.len(), bad.len(), "{:?}", l.errors);
    for (error, n) in errors.iter().zip(bad) {
        assert_eq!(error.0, Some(n));
        assert!(
            error
                .1
                .is_some_and(|line| line >= 4 * n - 3 && line <= 4 * n + 1),
            "{error:?}"
        );
    }
}

#[test]
fn leading_separator_and_crlf_and_bom() {
    let text = "\u{feff}---\r\napiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: a\r\n---\r\napiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: b\r\n";
    let l = load_str("w.yaml", text);
    assert!(l.errors.is_empty(), "{:?}", l.errors);
    assert_eq!(names(&l), ["ConfigMap/a", "ConfigMap/b"]);
    assert_eq!(l.objects[0].origin.document, 1);
    assert_eq!(l.objects[1].origin.document, 2);
}

#[test]
fn document_split_counts_empty_documents_after_markers() {
    let docs = split_documents("# only a comment\n---\n---\n# Source: x\n---\na: 1\n");
    assert_eq!(docs.len(), 3);
    assert_eq!(docs[2].number, 3);
    assert_eq!(docs[2].line, 5);
    let docs = split_documents("%YAML 1.1\n---\na: 1\n");
    assert_eq!(docs.len(), 1);
    let docs = split_documents("--- {a: 1}\n");
    assert_eq!(docs[0].text.trim(), "{a: 1}");
}

#[test]
fn yaml_anchors_merge_keys_and_scalar_keys() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: &l {team: a}\n  annotations:\n    <<: *l\n    note: y\ndata:\n  1: one\n  true: yes\n";
    let l = load_str("a.yaml", text);
    assert!(l.errors.is_empty(), "{:?}", l.errors);
    let v = &l.objects[0].value().unwrap();
    assert_eq!(v["metadata"]["annotations"]["team"], "a");
    assert_eq!(v["data"]["1"], "one");
    // A plain `yes` is a YAML 1.1 boolean, as kubectl reads it (documents.rs).
    assert_eq!(v["data"]["true"], true);
}

#[test]
fn json_single_object_array_and_stream() {
    let one = load_str(
        "o.json",
        r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}"#,
    );
    assert_eq!(names(&one), ["ConfigMap/a"]);
    let arr = load_str(
        "a.json",
        r#"[{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}},
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"b"}}]"#,
    );
    assert_eq!(names(&arr), ["ConfigMap/a", "Service/b"]);
    assert_eq!(arr.objects[1].origin.item, Some(1));
    let stream = load_str(
        "s.json",
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"}}\n{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"b\"}}\n",
    );
    assert_eq!(names(&stream), ["ConfigMap/a", "ConfigMap/b"]);
    assert_eq!(stream.objects[1].origin.document, 2);
    assert_eq!(stream.objects[1].origin.line, 2);
    // A YAML flow mapping is not JSON: read as YAML.
    let flow = load_str(
        "f.yaml",
        "{apiVersion: v1, kind: ConfigMap, metadata: {name: f}}",
    );
    assert_eq!(names(&flow), ["ConfigMap/f"]);
}

#[test]
fn json_error_after_first_value_is_reported() {
    let l = load_str(
        "s.json",
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"}}\n{\"apiVersion\": oops}\n",
    );
    assert_eq!(names(&l), ["ConfigMap/a"]);
    assert_eq!(l.errors.len(), 1);
    assert_eq!(l.errors[0].document, Some(2));
    assert_eq!(l.errors[0].line, Some(2));
}

#[test]
fn list_kinds_are_flattened_and_items_inherit_nothing() {
    let text = "apiVersion: apps/v1\nkind: DeploymentList\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: a}\n- metadata: {name: b}\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: nested}\n---\napiVersion: example.com/v1\nkind: AllowList\nmetadata: {name: crd-object}\nspec: {}\n---\napiVersion: v1\nkind: List\n";
    let l = load_str("l.yaml", text);
    assert_eq!(
        names(&l),
        ["Deployment/a", "ConfigMap/nested", "AllowList/crd-object"]
    );
    assert_eq!(l.objects[0].origin.item, Some(0));
    assert_eq!(l.objects[1].origin.document, 2);
    assert_eq!(l.errors.len(), 1, "{:?}", l.errors);
    let e = &l.errors[0];
    assert_eq!((e.document, e.file.as_str()), (Some(1), "l.yaml"));
    assert!(e.message.starts_with("items[1]:"), "{}", e.message);
    assert!(e.message.contains("no apiVersion"), "{}", e.message);
}

#[test]
fn kubectl_get_output_yaml_and_json() {
    let mut l = Loaded::default();
    inputs::load_file(&support::path("data/kubectl-get.yaml"), &mut l);
    assert!(l.errors.is_empty(), "{:?}", l.errors);
    assert_eq!(names(&l), ["Deployment/api", "Service/api"]);
    assert_eq!(l.objects[0].namespace(), Some("shop"));
    assert_eq!(l.objects[1].origin.item, Some(1));
    let mut j = Loaded::default();
    inputs::load_file(&support::path("data/kubectl-get.json"), &mut j);
    assert!(j.errors.is_empty(), "{:?}", j.errors);
    assert_eq!(names(&j), ["ConfigMap/api-config", "StatefulSet/postgres"]);
}

#[test]
fn helm_template_output_with_sources_and_empty_documents() {
    let l = load_str("helm.yaml", &support::read("data/helm-template.yaml"));
    assert!(l.errors.is_empty(), "{:?}", l.errors);
    assert_eq!(
        names(&l),
        [
            "ServiceAccount/shop-web",
            "Service/shop-web",
            "Deployment/shop-web",
            "Pod/shop-web-test-connection"
        ]
    );
    // The empty hpa.yaml document still counts: the Service is document 3.
    let docs: Vec<usize> = l.objects.iter().map(|o| o.origin.document).collect();
    assert_eq!(docs, [1, 3, 4, 5]);
    assert_eq!(
        l.objects[2].origin.source.as_deref(),
        Some("shop/templates/deployment.yaml")
    );
}

#[test]
fn kustomize_build_output() {
    let l = load_str("k.yaml", &support::read("data/kustomize-build.yaml"));
    assert!(l.errors.is_empty(), "{:?}", l.errors);
    assert_eq!(
        names(&l),
        [
            "Namespace/shop-prod",
            "ConfigMap/web-config-7g2hd9k4mf",
            "Service/prod-web",
            "Deployment/prod-web"
        ]
    );
    assert_eq!(l.objects[3].origin.line, 33);
}

#[test]
fn stdin_is_read_through_a_reader_once() {
    let mut stdin = Cursor::new(b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\n".to_vec());
    let l = load(&["-", "-"], &mut stdin);
    assert_eq!(names(&l), ["ConfigMap/s"]);
    assert_eq!(l.objects[0].origin.file, "<stdin>");
    assert_eq!(l.errors.len(), 1);
    assert!(l.errors[0].message.contains("more than once"));
}

#[test]
fn folders_are_walked_recursively_in_name_order() {
    let dir = support::temp_dir("walk");
    let cm = |n: &str| format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {n}}}\n");
    support::write(&dir, "b.yaml", &cm("b"));
    support::write(&dir, "a.yml", &cm("a"));
    support::write(
        &dir,
        "sub/deeper/c.JSON",
        r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}"#,
    );
    support::write(&dir, "sub/README.md", "not a manifest");
    support::write(&dir, ".git/config.yaml", &cm("hidden"));
    support::write(&dir, "sub/.hidden.yaml", &cm("hidden2"));
    let named = dir.join("b.yaml");
    let l = load(&[dir.as_path(), named.as_path()], &mut no_stdin());
    assert!(l.errors.is_empty(), "{:?}", l.errors);
    // b.yaml named again after its folder: loaded once.
    assert_eq!(names(&l), ["ConfigMap/a", "ConfigMap/b", "ConfigMap/c"]);
    assert!(l.objects[2].origin.file.ends_with("sub/deeper/c.JSON"));
    // Deterministic: the same inputs give the same result.
    assert_eq!(l, load(&[dir.as_path(), named.as_path()], &mut no_stdin()));
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn folder_symlink_cycles_terminate() {
    let dir = support::temp_dir("cycle");
    support::write(
        &dir,
        "x/a.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
    );
    std::os::unix::fs::symlink(&dir, dir.join("x/loop")).unwrap();
    let l = load(&[dir.as_path()], &mut no_stdin());
    assert_eq!(names(&l), ["ConfigMap/a"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_documents_are_reported_with_file_and_number_and_do_not_stop_loading() {
    let mut l = Loaded::default();
    let file = support::path("data/bad.yaml");
    inputs::load_file(&file, &mut l);
    assert_eq!(
        names(&l),
        ["ConfigMap/first", "ConfigMap/listed", "ConfigMap/last"]
    );
    let got: Vec<(usize, &str)> = l
        .errors
        .iter()
        .map(|e| (e.document.unwrap(), e.message.as_str()))
        .collect();
    let expect = [
        (2, "invalid YAML"),
        (3, "a string is not a Kubernetes object"),
        (4, "a list"),
        (5, "no apiVersion"),
        (6, "no kind"),
        (7, "kind must be a string"),
        (8, "items[1]: not loaded: the object has no apiVersion"),
    ];
    assert_eq!(got.len(), expect.len(), "{:#?}", l.errors);
    for ((doc, msg), (want_doc, want)) in got.iter().zip(expect) {
        assert_eq!(*doc, want_doc);
        assert!(msg.contains(want), "document {doc}: {msg:?} lacks {want:?}");
    }
    for e in &l.errors {
        assert_eq!(e.file, file.display().to_string());
    }
    // The YAML error points at the file's lines, not the document's: the
    // flow sequence opened on line 10 is still open at line 11 (the next `---`).
    assert_eq!(l.errors[0].line, Some(11));
    assert!(
        l.errors[0].message.contains("at line 10 column 9"),
        "{}",
        l.errors[0].message
    );
    assert!(l.errors[0].to_string().contains("bad.yaml:11 (document 2)"));
}

#[test]
fn unreadable_inputs_are_errors_not_panics() {
    let dir = support::temp_dir("unreadable");
    let binary = dir.join("bin.yaml");
    std::fs::write(&binary, [0xff, 0xfe, 0x00, 0x41]).unwrap();
    let missing = dir.join("missing.yaml");
    let l = load(&[binary.as_path(), missing.as_path()], &mut no_stdin());
    assert!(l.objects.is_empty());
    assert_eq!(l.errors.len(), 2);
    assert!(l.errors[0].message.contains("not UTF-8"));
    assert!(l.errors[0].document.is_none());
    assert!(l.errors[1].message.contains("cannot read"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// What `reader` loads as `name`, refused with one error saying `why`.
fn refused(name: &str, reader: &mut dyn std::io::Read, why: &str) -> Loaded {
    let mut l = Loaded::default();
    inputs::load_reader(name, reader, &mut l);
    assert_eq!(l.errors.len(), 1, "{:?}", l.errors);
    assert!(l.errors[0].message.contains(why), "{}", l.errors[0].message);
    l
}

/// A binary named by mistake is refused from its start: an endless one
/// would otherwise be read up to the size limit (a gigabyte) first.
#[test]
fn binary_input_is_refused_from_its_first_bytes() {
    let l = refused(
        "image.yaml",
        &mut std::io::repeat(0xff),
        "not UTF-8 text (invalid byte at offset 0)",
    );
    assert!(l.files.is_empty(), "not read whole, so not an input read");
}

/// Text whose first invalid byte lies past the start the scan checks first
/// is still read whole and refused at that byte's offset.
#[test]
fn late_invalid_byte_is_reported_at_its_offset() {
    let mut text = b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n# ".to_vec();
    text.resize(200_000, b'x');
    text.push(0xff);
    text.extend_from_slice(b"\n");
    let l = refused(
        "late.yaml",
        &mut text.as_slice(),
        "invalid byte at offset 200000",
    );
    assert_eq!(l.files.len(), 1);
}

#[test]
fn names_fall_back_to_generate_name() {
    let l = load_str(
        "g.yaml",
        "apiVersion: batch/v1\nkind: Job\nmetadata: {generateName: db-migrate-}\n",
    );
    assert_eq!(l.objects[0].name(), "db-migrate-");
    let r = l.objects[0].reference();
    assert_eq!(r.describe(), "Job db-migrate-");
    assert_eq!(r.effective_namespace("default"), Some("default"));
    let r = r.with_default_namespace("shop");
    assert_eq!(r.describe(), "Job shop/db-migrate- (namespace assumed)");
    let ns = load_str(
        "n.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n",
    )
    .objects[0]
        .reference()
        .with_default_namespace("other");
    assert_eq!(ns.namespace, None);
}

#[test]
fn non_finite_numbers_are_errors_not_nulls() {
    let l = load_str(
        "n.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: n}\nx: .nan\n",
    );
    assert!(l.objects.is_empty());
    assert!(
        l.errors[0]
            .message
            .contains("cannot be represented in JSON"),
        "{:?}",
        l.errors
    );
}
