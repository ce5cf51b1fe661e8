//! `Ctx::shared`: a value derived from the request is computed once per
//! evaluation, shared by every check that asks, and never outlives it.

use kit::{Control, Criteria, Ctx, Family, Finding, Severity};
use serde_json::{Value, json};
use std::cell::Cell;

thread_local! {
    /// How many times the shared value was computed on this test's thread.
    static COMPUTED: Cell<usize> = const { Cell::new(0) };
}

/// The shared value: every image of the pod, joined.
struct Images(String);

fn images(ctx: &Ctx) -> std::rc::Rc<Images> {
    ctx.shared(|| {
        COMPUTED.with(|n| n.set(n.get() + 1));
        Images(
            ctx.pod()
                .containers()
                .map(|c| c.image)
                .collect::<Vec<_>>()
                .join(","),
        )
    })
}

fn first(ctx: &Ctx) -> Vec<Finding> {
    vec![Finding::new("spec", format!("first saw {}", images(ctx).0))]
}

fn second(ctx: &Ctx) -> Vec<Finding> {
    vec![Finding::new(
        "spec",
        format!("second saw {}", images(ctx).0),
    )]
}

const CRITERIA: Criteria = Criteria {
    soc2: &["CC8.1"],
    iso27001: &["A.8.32"],
    pss: &[],
    cis: &[],
};

static FIRST: Control = Control {
    id: "first",
    title: "First",
    rationale: "r",
    remediation: "f",
    severity: Severity::Low,
    tags: &["default"],
    criteria: CRITERIA,
    check: first,
    ..Control::DEFAULTS
};

static SECOND: Control = Control {
    id: "second",
    title: "Second",
    rationale: "r",
    remediation: "f",
    severity: Severity::Low,
    tags: &["default"],
    criteria: CRITERIA,
    check: second,
    ..Control::DEFAULTS
};

static FAMILY: Family = Family {
    name: "shared-test",
    title: "t",
    version: "0.0.0",
    groups: &[&[&FIRST, &SECOND]],
    options: &[],
    validate_options: None,
    default_warn_only: &[],
    reads_whole_request: false,
};

fn eval(images: &[&str]) -> String {
    let containers: Vec<Value> = images
        .iter()
        .map(|i| json!({"name": "c", "image": i}))
        .collect();
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                     "spec": {"containers": containers}});
    let out = kit::testing::check(&FAMILY, pod, json!({}), Vec::new());
    kit::testing::message(&out).to_string()
}

#[test]
fn checks_of_one_evaluation_share_one_computation() {
    let before = COMPUTED.with(Cell::get);
    let message = eval(&["a:1", "b:2"]);
    assert!(message.contains("first saw a:1,b:2"), "{message}");
    assert!(message.contains("second saw a:1,b:2"), "{message}");
    assert_eq!(COMPUTED.with(Cell::get), before + 1);
}

#[test]
fn the_next_evaluation_computes_its_own() {
    let before = COMPUTED.with(Cell::get);
    let message = eval(&["a:1"]);
    assert!(message.contains("second saw a:1."), "{message}");
    let message = eval(&["c:3"]);
    assert!(message.contains("first saw c:3."), "{message}");
    assert!(message.contains("second saw c:3."), "{message}");
    assert!(!message.contains("a:1"), "{message}");
    assert_eq!(COMPUTED.with(Cell::get), before + 2);
}
