//! `Ctx::flags`: a container's command line is read once per evaluation,
//! whichever check asks first and however it found the container, and each
//! container keeps its own. `Ctx::pod_template`: a control that looks at
//! Pods alone gets the template without the engine's.

use kit::{Control, Criteria, Ctx, Family, Finding, KindSet, Severity};
use serde_json::json;
use std::cell::RefCell;
use std::rc::Rc;

thread_local! {
    /// The address of every `Flags` a check was given, with the container's name.
    static SEEN: RefCell<Vec<(String, usize)>> = const { RefCell::new(Vec::new()) };
}

fn record(ctx: &Ctx, pod_bearing: bool) -> Vec<Finding> {
    let pod = if pod_bearing {
        ctx.pod()
    } else {
        // As cluster-hardening's static-Pod controls do.
        ctx.pod_template().expect("a Pod has a template")
    };
    let mut out = Vec::new();
    for c in pod.containers() {
        let flags = ctx.flags(&c);
        SEEN.with(|s| {
            s.borrow_mut()
                .push((c.name.to_string(), Rc::as_ptr(&flags) as usize))
        });
        let arg = flags.last("v").expect("every container sets --v");
        out.push(Finding::new(
            arg.path(&c),
            format!("{} -v={}", c.name, flags.get("v").unwrap_or("")),
        ));
    }
    out
}

fn first(ctx: &Ctx) -> Vec<Finding> {
    record(ctx, true)
}

fn second(ctx: &Ctx) -> Vec<Finding> {
    record(ctx, false)
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
    kinds: KindSet::Only(&["Pod"]),
    check: second,
    ..Control::DEFAULTS
};

static FAMILY: Family = Family {
    name: "flags-test",
    title: "t",
    version: "0.0.0",
    groups: &[&[&FIRST, &SECOND]],
    options: &[],
    validate_options: None,
    default_warn_only: &[],
    reads_whole_request: false,
};

fn kube_system_pod() -> serde_json::Value {
    json!({"apiVersion": "v1", "kind": "Pod",
                     "metadata": {"name": "p", "namespace": "kube-system"},
                     "spec": {"containers": [
                         {"name": "a", "image": "x", "command": ["kube-apiserver", "--v=1"]},
                         {"name": "b", "image": "y", "command": ["etcd"], "args": ["--x", "--v", "2"]}]}})
}

#[test]
fn every_check_of_one_evaluation_reads_the_same_flags_of_each_container() {
    SEEN.with(|s| s.borrow_mut().clear());
    let out = kit::testing::check(&FAMILY, kube_system_pod(), json!({}), Vec::new());
    let message = kit::testing::message(&out).to_string();
    // The word's path is made for the finding, in the container and list it is in.
    for expected in [
        "[first] First: spec.containers[0].command[1]: a -v=1; spec.containers[1].args[1]: b -v=2.",
        "[second] Second: spec.containers[0].command[1]: a -v=1; spec.containers[1].args[1]: b -v=2.",
    ] {
        assert!(message.contains(expected), "{message}");
    }
    let seen = SEEN.with(|s| s.borrow().clone());
    assert_eq!(seen.len(), 4, "{seen:?}");
    let of = |name: &str| -> Vec<usize> {
        seen.iter()
            .filter(|(n, _)| n == name)
            .map(|(_, at)| *at)
            .collect()
    };
    let (a, b) = (of("a"), of("b"));
    assert_eq!((a.len(), b.len()), (2, 2));
    assert_eq!(a[0], a[1], "both checks share container a's flags");
    assert_eq!(b[0], b[1], "both checks share container b's flags");
    assert_ne!(a[0], b[0], "each container has its own");
}

#[test]
fn a_pod_only_control_reads_the_template_without_the_engine() {
    SEEN.with(|s| s.borrow_mut().clear());
    let out = kit::testing::check(
        &FAMILY,
        kube_system_pod(),
        kit::testing::only("second", serde_json::Value::Null),
        Vec::new(),
    );
    let message = kit::testing::message(&out);
    assert!(
        message.contains(
            "[second] Second: spec.containers[0].command[1]: a -v=1; spec.containers[1].args[1]: b -v=2."
        ),
        "{message}"
    );
    assert!(!message.contains("[first]"), "{message}");
    assert_eq!(SEEN.with(|s| s.borrow().len()), 2);
}
