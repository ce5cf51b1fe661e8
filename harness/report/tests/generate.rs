//! The benchmark generator: realistic, deterministic, loadable, and a scan of
//! it renders in every format.

mod support;

use report::generate::{Throughput, generate, generate_objects, generate_yaml};
use report::{Format, RenderOptions, render};
use std::collections::BTreeSet;

#[test]
fn generated_objects_are_a_deterministic_realistic_mix() {
    let a = generate(2000, 42);
    assert_eq!(a, generate(2000, 42));
    assert_ne!(a, generate(2000, 43));
    let kinds: BTreeSet<&str> = a.iter().filter_map(|o| o["kind"].as_str()).collect();
    for k in [
        "Deployment",
        "StatefulSet",
        "CronJob",
        "Job",
        "DaemonSet",
        "Service",
        "ConfigMap",
        "PodDisruptionBudget",
        "HorizontalPodAutoscaler",
        "ServiceAccount",
        "NetworkPolicy",
        "Ingress",
        "Role",
        "RoleBinding",
    ] {
        assert!(kinds.contains(k), "{k} missing");
    }
    let pod_bearing = a
        .iter()
        .filter(|o| {
            matches!(
                o["kind"].as_str(),
                Some("Deployment" | "StatefulSet" | "CronJob" | "Job" | "DaemonSet")
            )
        })
        .count();
    assert!((500..1100).contains(&pod_bearing), "{pod_bearing}");
    // Unique identities.
    let ids: BTreeSet<String> = a
        .iter()
        .map(|o| {
            format!(
                "{}/{}/{}",
                o["kind"], o["metadata"]["namespace"], o["metadata"]["name"]
            )
        })
        .collect();
    assert_eq!(ids.len(), a.len());
}

#[test]
fn generated_yaml_loads_back_identically() {
    let yaml = generate_yaml(500, 1);
    let loaded = report::inputs::load_str("gen.yaml", &yaml);
    assert!(loaded.errors.is_empty(), "{:?}", &loaded.errors[..1]);
    let values: Vec<_> = loaded
        .objects
        .into_iter()
        .map(|o| o.value().unwrap())
        .collect();
    assert_eq!(values, generate(500, 1));
}

#[test]
fn a_generated_scan_renders_in_every_format() {
    let objects = generate_objects(1000, 9);
    let loaded = report::Loaded {
        objects,
        ..Default::default()
    };
    let timer = Throughput::start();
    let scan = support::family::default_scan(loaded);
    for _ in &scan.objects {
        timer.record();
    }
    let bench = timer.finish();
    assert_eq!(bench.objects, 1000);
    assert!(bench.time_to_first_result.is_some());
    assert!(bench.to_string().contains("objects/s"));
    let results = report::analyse(&scan);
    assert!(results.totals.fail > 0 && results.totals.pass > 0);
    for f in Format::ALL {
        assert!(!render(*f, &scan, &RenderOptions::default()).is_empty());
    }
}

/// The report side of the 10,000-object benchmark (loading, analysis,
/// every renderer), in release mode:
/// `cargo test --release -p kube-soc2-report --test generate -- --ignored --nocapture`
#[test]
#[ignore]
fn report_side_of_a_10k_object_scan() {
    use std::time::Instant;
    let t = Instant::now();
    let yaml = generate_yaml(10_000, 2024);
    let generated = t.elapsed();
    let t = Instant::now();
    let loaded = report::inputs::load_str("bench.yaml", &yaml);
    let loading = t.elapsed();
    assert_eq!(loaded.objects.len(), 10_000);
    let t = Instant::now();
    let scan = support::family::default_scan(loaded);
    let evaluating = t.elapsed();
    let t = Instant::now();
    let results = report::analyse(&scan);
    let analysing = t.elapsed();
    println!(
        "10k objects: generate {generated:?}, load {loading:?}, native kit evaluation of 2 test families {evaluating:?}, analyse {analysing:?} ({} checks)",
        results.checks().count()
    );
    for f in Format::ALL {
        let t = Instant::now();
        let out = report::render_results(*f, &scan, &results, &RenderOptions::default());
        println!(
            "  {:<12} {:>10} bytes in {:?}",
            f.name(),
            out.len(),
            t.elapsed()
        );
    }
}
