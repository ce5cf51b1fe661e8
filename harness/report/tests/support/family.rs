//! Two small control families built with the real kit and evaluated natively
//! through `kit::engine::validate` — the very function the wasm modules
//! export — so the report crate is tested on genuine module answers
//! (messages, warnings, audit annotations, refusals), not on hand-written
//! imitations. `scan_of` is also the reference for how the harness wires
//! `scan`: load, evaluate every object with every module, collect, render.

use kit::control::Finding as KitFinding;
use kit::{Control, Criteria, Ctx, Family, KindSet, Severity};
use report::{Evaluation, FamilyCatalogue, Module, Scan, Selection};
use serde_json::{Value, json};
use std::time::{Duration, UNIX_EPOCH};

fn privileged(ctx: &Ctx) -> Vec<KitFinding> {
    ctx.pod()
        .containers()
        .filter(|c| c.get(&["securityContext", "privileged"]) == Some(&kit::Value::Bool(true)))
        .map(|c| KitFinding::container(&c, "securityContext.privileged", "privileged is true"))
        .collect()
}

fn non_root(ctx: &Ctx) -> Vec<KitFinding> {
    let pod = ctx.pod();
    let pod_level = pod.get(&["securityContext", "runAsNonRoot"]) == Some(&kit::Value::Bool(true));
    pod.containers()
        .filter(|c| {
            let own = c.get(&["securityContext", "runAsNonRoot"]);
            !(own == Some(&kit::Value::Bool(true)) || (own.is_none() && pod_level))
        })
        .map(|c| {
            KitFinding::container(
                &c,
                "securityContext.runAsNonRoot",
                "runAsNonRoot is not true; the image may run as root",
            )
        })
        .collect()
}

fn replicas(ctx: &Ctx) -> Vec<KitFinding> {
    let n = ctx
        .object()
        .pointer("/spec/replicas")
        .and_then(kit::Value::as_i64)
        .unwrap_or(1);
    if n >= 2 {
        return vec![];
    }
    // A "; " inside a finding message: the parser must keep it in one finding.
    vec![KitFinding::new(
        "spec.replicas",
        format!("is {n}; at least 2 are needed to survive a node drain"),
    )]
}

fn labels(ctx: &Ctx) -> Vec<KitFinding> {
    let has = ctx
        .object()
        .pointer("/metadata/labels/app.kubernetes.io~1name")
        .is_some();
    if has {
        vec![]
    } else {
        vec![KitFinding::new(
            "metadata.labels",
            "no app.kubernetes.io/name label; <owner> & inventory unknown",
        )]
    }
}

pub static PRIVILEGED: Control = Control {
    id: "test-privileged",
    title: "Privileged containers are disallowed",
    rationale: "A privileged container owns the node.",
    remediation: "remove securityContext.privileged or set it to false",
    severity: Severity::Critical,
    tags: &["default", "pss-baseline"],
    criteria: Criteria {
        soc2: &["CC6.1", "CC6.8"],
        iso27001: &["A.8.2", "A.8.9"],
        pss: &["Privileged Containers"],
        cis: &["5.2.2"],
    },
    check: privileged,
    ..Control::DEFAULTS
};

pub static NON_ROOT: Control = Control {
    id: "test-run-as-non-root",
    title: "Containers must run as non-root",
    rationale: "Root in a container is root on the node after an escape.",
    remediation: "set securityContext.runAsNonRoot: true",
    severity: Severity::High,
    tags: &["default", "pss-restricted"],
    criteria: Criteria {
        soc2: &["CC6.1"],
        iso27001: &["A.8.2"],
        pss: &["Running as Non-root"],
        cis: &[],
    },
    check: non_root,
    ..Control::DEFAULTS
};

pub static EXEC: Control = Control {
    id: "test-no-exec",
    title: "No exec into pods",
    rationale: "Exec bypasses change management.",
    remediation: "use a debug workflow",
    severity: Severity::Medium,
    tags: &["default"],
    criteria: Criteria {
        soc2: &["CC8.1"],
        iso27001: &["A.8.32"],
        pss: &[],
        cis: &[],
    },
    kinds: KindSet::Only(&["Pod"]),
    operations: &[kit::Operation::Connect],
    subresources: &["exec"],
    check: |_| vec![],
    ..Control::DEFAULTS
};

pub static REPLICAS: Control = Control {
    id: "test-replicas",
    title: "Workloads run at least two replicas",
    rationale: "One replica is one outage away from downtime.",
    remediation: "set spec.replicas to 2 or more",
    severity: Severity::Medium,
    tags: &["default"],
    criteria: Criteria {
        soc2: &["A1.2"],
        iso27001: &["A.8.14"],
        pss: &[],
        cis: &[],
    },
    kinds: KindSet::Only(&["Deployment", "StatefulSet"]),
    check: replicas,
    ..Control::DEFAULTS
};

pub static LABELS: Control = Control {
    id: "test-labels",
    title: "Objects carry the app.kubernetes.io/name label",
    rationale: "Inventory needs owners.",
    remediation: "add metadata.labels[app.kubernetes.io/name]",
    severity: Severity::Low,
    tags: &["inventory"],
    criteria: Criteria {
        soc2: &["CC6.1"],
        iso27001: &["A.5.9"],
        pss: &[],
        cis: &[],
    },
    kinds: KindSet::Only(&[
        "Deployment",
        "StatefulSet",
        "Service",
        "ConfigMap",
        "Namespace",
    ]),
    check: labels,
    ..Control::DEFAULTS
};

pub static ACCESS: Family = Family {
    name: "test-access",
    title: "Test access control (SOC 2 CC6.1)",
    version: "0.1.0",
    groups: &[&[&PRIVILEGED, &NON_ROOT, &EXEC]],
    options: &[],
    validate_options: None,
    default_warn_only: &[],
    reads_whole_request: false,
    run_check: None,
};

pub static AVAILABILITY: Family = Family {
    name: "test-availability",
    title: "Test availability (SOC 2 A1.2)",
    version: "0.1.0",
    groups: &[&[&REPLICAS, &LABELS]],
    options: &[],
    validate_options: None,
    default_warn_only: &[],
    reads_whole_request: false,
    run_check: None,
};

/// The `validate` payload the policy-server (and the harness) send for a
/// CREATE of `object`.
pub fn payload(object: &Value, settings: &Value) -> Vec<u8> {
    let api_version = object["apiVersion"].as_str().unwrap_or("");
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    let request = json!({
        "uid": "kube-soc2-scan",
        "kind": {"group": group, "version": version, "kind": object["kind"]},
        "operation": "CREATE",
        "name": object.pointer("/metadata/name").cloned().unwrap_or(Value::Null),
        "namespace": object.pointer("/metadata/namespace").cloned().unwrap_or(json!("")),
        "userInfo": {"username": "kube-soc2", "groups": ["system:authenticated"]},
        "object": object,
    });
    serde_json::to_vec(&json!({"request": request, "settings": settings})).unwrap()
}

/// Loads `loaded`'s objects into a scan evaluated by both test families with
/// the given settings (per family name).
pub fn scan_of(loaded: report::Loaded, settings: &[(&Family, Value)], inputs: &[&str]) -> Scan {
    let mut scan = Scan::new("kube-soc2", "0.1.0");
    scan.generated_at = UNIX_EPOCH + Duration::from_secs(1_779_352_436);
    scan.duration = Some(Duration::from_millis(1234));
    scan.inputs = inputs.iter().map(|s| s.to_string()).collect();
    for (family, s) in settings {
        let catalogue = FamilyCatalogue::from_json(&kit::catalogue::to_json(family)).unwrap();
        let selection = kit::engine::explain(
            family,
            &serde_json::to_vec(&json!({"settings": s})).unwrap(),
            &kit::NoCluster,
        );
        let selection =
            Selection::from_explanation(&serde_json::from_slice(&selection).unwrap()).unwrap();
        scan.modules
            .push(Module::new(catalogue, s.clone(), selection));
    }
    for object in &loaded.objects {
        let reference = object.reference();
        scan.objects.push(reference.clone());
        for (i, (family, s)) in settings.iter().enumerate() {
            let answer = kit::engine::explain(
                family,
                &payload(&object.value().unwrap().to_serde(), s),
                &kit::NoCluster,
            );
            scan.evaluations.push(Evaluation::from_explanation_bytes(
                reference.clone(),
                family.name,
                &answer,
                Some(&scan.modules[i].catalogue),
            ));
        }
    }
    scan.input_errors = loaded.errors;
    scan
}

/// Both families with default settings.
pub fn default_scan(loaded: report::Loaded) -> Scan {
    scan_of(
        loaded,
        &[(&ACCESS, Value::Null), (&AVAILABILITY, Value::Null)],
        &["manifests/"],
    )
}
