//! The bundled `examples/` stay loadable: every document is a Kubernetes
//! object, nothing is reported as a bad document, and both versions describe
//! the same application.

use report::inputs::load;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn examples(which: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(which)
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn kinds_and_names(which: &str) -> (usize, BTreeSet<String>) {
    let loaded = load(&[examples(which)], &mut std::io::empty());
    assert!(loaded.errors.is_empty(), "{which}: {:#?}", loaded.errors);
    let workloads = loaded
        .objects
        .iter()
        .filter(|o| matches!(o.kind(), "Deployment" | "StatefulSet" | "CronJob"))
        // The shop itself (00–79); the 8x files add objects of one family each.
        .filter(|o| !file_name(&o.origin.file).starts_with('8'))
        .map(|o| o.name().to_string())
        .collect();
    (loaded.objects.len(), workloads)
}

#[test]
fn both_versions_load_without_errors_and_have_the_same_workloads() {
    let (n_ok, ok) = kinds_and_names("compliant");
    let (n_bad, bad) = kinds_and_names("non-compliant");
    assert!(n_ok >= 40, "{n_ok} objects");
    assert!(n_bad >= 25, "{n_bad} objects");
    let expected: BTreeSet<String> = [
        "frontend",
        "api",
        "worker",
        "postgres",
        "redis",
        "nightly-sales-report",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(ok, expected);
    assert_eq!(bad, expected);
}
