//! `Ctx::shared`: a value derived from the request is computed once per
//! evaluation, shared by every check that asks, and never outlives it.
//! `Ctx::flags`: a container's command line is read once per evaluation,
//! whichever check asks first and however it found the container, and each
//! container keeps its own. `Ctx::pod_template`: a control that looks at
//! Pods alone gets the template without the engine's, and a malformed one
//! is refused, as for Pod-bearing controls.

use kit::testing::{control, family};
use kit::{Control, Ctx, Family, Finding, KindSet};
use serde_json::{Value, json};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

thread_local! {
    /// How many times the shared value was computed on this test's thread.
    static COMPUTED: Cell<usize> = const { Cell::new(0) };
}

/// The shared value: every image of the pod, joined.
struct Images(String);

fn images(ctx: &Ctx) -> Rc<Images> {
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
    vec![Finding::new(
        "spec",
        kit::text!("first saw {}", images(ctx).0),
    )]
}

fn second(ctx: &Ctx) -> Vec<Finding> {
    vec![Finding::new(
        "spec",
        kit::text!("second saw {}", images(ctx).0),
    )]
}

static FIRST: Control = control("first", "First", first);
static SECOND: Control = control("second", "Second", second);

static FAMILY: Family = family("shared-test", &[&[&FIRST, &SECOND]], None);

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

thread_local! {
    /// The address of every `Flags` a check was given, with the container's name.
    static SEEN: RefCell<Vec<(String, usize)>> = const { RefCell::new(Vec::new()) };
}

fn record(ctx: &Ctx, pod_bearing: bool) -> Vec<Finding> {
    let pod = if pod_bearing {
        ctx.pod()
    } else {
        // As cluster-hardening's static-Pod controls do.
        let Some(pod) = ctx.pod_template() else {
            return Vec::new();
        };
        pod
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
            kit::text!("{} -v={}", c.name, flags.get("v").unwrap_or("")),
        ));
    }
    out
}

fn pod_bearing(ctx: &Ctx) -> Vec<Finding> {
    record(ctx, true)
}

fn pod_only(ctx: &Ctx) -> Vec<Finding> {
    record(ctx, false)
}

static READS_FLAGS: Control = control("pod-bearing", "Pod-bearing", pod_bearing);
static READS_FLAGS_OF_PODS: Control = Control {
    kinds: KindSet::Only(&["Pod"]),
    ..control("pod-only", "Pod only", pod_only)
};

static FLAGS_FAMILY: Family = family("flags-test", &[&[&READS_FLAGS, &READS_FLAGS_OF_PODS]], None);

fn kube_system_pod() -> Value {
    json!({"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": "p", "namespace": "kube-system"},
           "spec": {"containers": [
               {"name": "a", "image": "x", "command": ["kube-apiserver", "--v=1"]},
               {"name": "b", "image": "y", "command": ["etcd"], "args": ["--x", "--v", "2"]}]}})
}

#[test]
fn every_check_of_one_evaluation_reads_the_same_flags_of_each_container() {
    SEEN.with(|s| s.borrow_mut().clear());
    let out = kit::testing::check(&FLAGS_FAMILY, kube_system_pod(), json!({}), Vec::new());
    let message = kit::testing::message(&out).to_string();
    // The word's path is made for the finding, in the container and list it is in.
    for expected in [
        "[pod-bearing] Pod-bearing: spec.containers[0].command[1]: a -v=1; spec.containers[1].args[1]: b -v=2.",
        "[pod-only] Pod only: spec.containers[0].command[1]: a -v=1; spec.containers[1].args[1]: b -v=2.",
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
        &FLAGS_FAMILY,
        kube_system_pod(),
        kit::testing::only("pod-only", Value::Null),
        Vec::new(),
    );
    let message = kit::testing::message(&out);
    assert!(
        message.contains(
            "[pod-only] Pod only: spec.containers[0].command[1]: a -v=1; spec.containers[1].args[1]: b -v=2."
        ),
        "{message}"
    );
    assert!(!message.contains("[pod-bearing]"), "{message}");
    assert_eq!(SEEN.with(|s| s.borrow().len()), 2);
}

#[test]
fn a_malformed_pod_is_refused_when_only_a_pod_only_control_runs() {
    SEEN.with(|s| s.borrow_mut().clear());
    let mut pod = kube_system_pod();
    // A YAML slip `kubectl apply` would refuse, and a scan reads as written.
    pod["spec"]["containers"] = json!({"name": "a", "image": "x"});
    let out = kit::testing::check(
        &FLAGS_FAMILY,
        pod,
        kit::testing::only("pod-only", Value::Null),
        Vec::new(),
    );
    assert_eq!(out["accepted"], json!(false), "{out}");
    assert_eq!(out["code"], json!(400), "{out}");
    let message = kit::testing::message(&out);
    assert!(
        message.contains("is malformed: spec.containers must be a list"),
        "{message}"
    );
    assert_eq!(SEEN.with(|s| s.borrow().len()), 0, "no container was read");
}
