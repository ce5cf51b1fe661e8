//! `direct_checks!`: the engine runs each enabled control's check through
//! the family's `run_check`, by catalogue position, whatever the settings
//! enable; a control that is not the one at its position (a dispatcher made
//! for another family) is run through its `check` pointer instead, with the
//! same findings.

use kit::testing::{control, family};
use kit::{Control, Ctx, Family, Finding};
use serde_json::{Value, json};
use std::cell::Cell;

thread_local! {
    /// How many checks this test's thread ran through `run_check`.
    static DIRECT: Cell<usize> = const { Cell::new(0) };
}

fn first(_: &Ctx) -> Vec<Finding> {
    vec![Finding::new("spec", "first ran")]
}

fn second(_: &Ctx) -> Vec<Finding> {
    vec![Finding::new("spec", "second ran")]
}

fn third(_: &Ctx) -> Vec<Finding> {
    vec![Finding::new("spec", "third ran")]
}

static FIRST: Control = control("first", "t", first);
static SECOND: Control = control("second", "t", second);
static THIRD: Control = control("third", "t", third);

/// Two groups, so that positions run across them.
static FAMILY: Family = family(
    "direct-test",
    &[&[&FIRST, &SECOND], &[&THIRD]],
    Some(counting),
);

/// The same controls in another order, given `FAMILY`'s dispatcher.
static REORDERED: Family = family(
    "reordered-test",
    &[&[&THIRD, &FIRST, &SECOND]],
    Some(counting),
);

kit::direct_checks!(run_check, FAMILY);

/// `FAMILY`'s dispatcher, counting the checks it ran.
fn counting(position: usize, control: &'static Control, ctx: &Ctx) -> Option<Vec<Finding>> {
    counted(run_check(position, control, ctx))
}

/// What a dispatcher gave, counted when it ran the check.
fn counted(findings: Option<Vec<Finding>>) -> Option<Vec<Finding>> {
    if findings.is_some() {
        DIRECT.with(|n| n.set(n.get() + 1));
    }
    findings
}

/// The denial message for a Pod, and how many checks ran directly.
fn eval(family: &Family, settings: Value) -> (String, usize) {
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                     "spec": {"containers": [{"name": "c", "image": "a:1"}]}});
    let before = DIRECT.with(Cell::get);
    let out = kit::testing::check(family, pod, settings, Vec::new());
    (
        kit::testing::message(&out).to_string(),
        DIRECT.with(Cell::get) - before,
    )
}

/// Every check of the three ran: its finding is in the message.
fn assert_all_ran(message: &str) {
    for needle in ["first ran", "second ran", "third ran"] {
        assert!(message.contains(needle), "{needle}: {message}");
    }
}

#[test]
fn every_enabled_check_runs_by_its_position() {
    let (message, direct) = eval(&FAMILY, json!({}));
    assert_all_ran(&message);
    assert_eq!(direct, 3, "{message}");
}

#[test]
fn positions_hold_when_settings_skip_a_control() {
    let (message, direct) = eval(&FAMILY, json!({"skip": ["second"]}));
    assert!(message.contains("first ran"), "{message}");
    assert!(!message.contains("second ran"), "{message}");
    assert!(message.contains("third ran"), "{message}");
    assert_eq!(direct, 2, "{message}");
}

#[test]
fn a_control_not_at_its_position_runs_through_its_pointer() {
    let (message, direct) = eval(&REORDERED, json!({}));
    assert_all_ran(&message);
    assert_eq!(direct, 0, "{message}");
}

/// One control more than `direct_checks!` reaches, all alike.
static MANY: [Control; kit::control::DIRECT_CHECKS + 1] =
    [const { control("many", "t", first) }; kit::control::DIRECT_CHECKS + 1];

const fn many() -> [&'static Control; kit::control::DIRECT_CHECKS + 1] {
    let mut out = [&MANY[0]; kit::control::DIRECT_CHECKS + 1];
    let mut i = 0;
    while i < out.len() {
        out[i] = &MANY[i];
        i += 1;
    }
    out
}

static MANY_REFS: [&Control; kit::control::DIRECT_CHECKS + 1] = many();

static LARGE: Family = family("large-test", &[&MANY_REFS], Some(counting_large));

kit::direct_checks!(run_large, LARGE);

/// `LARGE`'s dispatcher, counting the checks it ran.
fn counting_large(position: usize, control: &'static Control, ctx: &Ctx) -> Option<Vec<Finding>> {
    counted(run_large(position, control, ctx))
}

/// `DIRECT_CHECKS` says how far the macro's list of positions goes: every
/// position up to it runs directly, the one past it through its pointer.
#[test]
fn direct_checks_reach_as_far_as_they_say() {
    let (message, direct) = eval(&LARGE, json!({}));
    assert_eq!(
        message.matches("first ran").count(),
        kit::control::DIRECT_CHECKS + 1
    );
    assert_eq!(direct, kit::control::DIRECT_CHECKS);
    let refused = kit::catalogue::check_family(&LARGE).unwrap_err();
    assert!(refused.contains("257 controls"), "{refused}");
}
