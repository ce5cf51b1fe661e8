//! Evidence recorded by a check reaches the response's audit annotations,
//! whatever the verdict, and never leaks into the next evaluation.

use kit::{Control, Criteria, Ctx, Family, Finding, KindSet, NoCluster, Severity};
use serde_json::json;

fn check(ctx: &Ctx) -> Vec<Finding> {
    let label = ctx
        .request
        .labels()
        .and_then(|l| l.get("mode"))
        .and_then(kit::Value::as_str)
        .unwrap_or("");
    match label {
        "record" => {
            ctx.record_evidence("test.evidence", "first");
            ctx.record_evidence("test.evidence", "second");
            Vec::new()
        }
        "record-and-deny" => {
            ctx.record_evidence("test.evidence", "denied anyway");
            vec![Finding::new("metadata.labels", "mode is record-and-deny")]
        }
        "huge" => {
            ctx.record_evidence("test.evidence", "é".repeat(10_000));
            Vec::new()
        }
        _ => Vec::new(),
    }
}

static CONTROL: Control = Control {
    id: "records",
    title: "Records evidence",
    rationale: "test",
    remediation: "none",
    severity: Severity::Low,
    tags: &["default"],
    criteria: Criteria {
        soc2: &["CC6.2"],
        iso27001: &["A.8.15"],
        pss: &[],
        cis: &[],
    },
    kinds: KindSet::Only(&["ConfigMap"]),
    check,
    ..Control::DEFAULTS
};

static FAMILY: Family = Family {
    name: "test",
    title: "test",
    version: "0",
    groups: &[&[&CONTROL]],
    options: &[],
    validate_options: None,
    default_warn_only: &[],
    reads_whole_request: false,
    run_check: None,
};

fn run(mode: &str) -> kit::response::Response {
    let payload = json!({"request": {"uid": "1", "kind": {"kind": "ConfigMap"}, "operation": "CREATE",
        "object": {"metadata": {"name": "c", "labels": {"mode": mode}}}}, "settings": {}});
    kit::engine::evaluate(&FAMILY, payload.to_string().as_bytes(), &NoCluster)
}

fn evidence(r: &kit::response::Response) -> Option<&str> {
    r.annotation("test.evidence")
}

#[test]
fn evidence_on_allowed_and_denied_requests() {
    let r = run("record");
    assert!(r.accepted);
    assert_eq!(evidence(&r), Some("first; second"));
    let r = run("record-and-deny");
    assert!(!r.accepted);
    assert_eq!(evidence(&r), Some("denied anyway"));
    assert!(r.annotation("kube-soc2.violations").is_some());
    let r = run("nothing");
    assert!(
        r.audit_annotations.is_empty(),
        "no stale evidence: {:?}",
        r.audit_annotations
    );
}

#[test]
fn evidence_is_capped() {
    let r = run("huge");
    let e = evidence(&r).unwrap();
    assert!(e.len() <= kit::evidence::MAX_VALUE_BYTES);
    assert!(e.ends_with('…'));
}
