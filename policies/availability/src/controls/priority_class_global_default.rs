//! Control `priority-class-global-default`.
//!
//! Priority: under contention the scheduler preempts lower-priority pods first,
//! so which pods carry which PriorityClass decides what keeps running (A1.1).

use kit::{Control, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "priority-class-global-default",
    title: kit::cold!("Only allow-listed PriorityClasses are the global default"),
    rationale: kit::cold!(
        "A PriorityClass with globalDefault: true silently changes the priority of every new pod that names no class, across all namespaces; a high default makes every pod preempt the others and a low one makes them all preemptible. Which class is the default is a platform decision, so only allow-listed classes may claim it."
    ),
    remediation: kit::cold!(
        "set globalDefault: false, or add the class to the allowed list of this control"
    ),
    severity: Severity::Medium,
    tags: &["default", "priority"],
    criteria: super::CAPACITY,
    kinds: KindSet::Only(&["PriorityClass"]),
    params: &[Param {
        name: "allowed",
        kind: ParamKind::StringList,
        default: "[]",
        description: kit::cold!("PriorityClass names (globs) that may set globalDefault: true"),
    }],
    check: |ctx| {
        let object = ctx.object();
        // Fail closed: `"true"`, `1` or a YAML 1.1 `yes` left as a string may
        // all mean true to some reader.
        let flag = kit::Flag::of(object.get("globalDefault"));
        if !flag.may_be_true() {
            return Vec::new();
        }
        let name = super::name_of(object);
        if kit::glob::any_matches(&ctx.params.strings("allowed"), name) {
            return Vec::new();
        }
        let message = if flag.is_true() {
            kit::text!(
                "PriorityClass {name} makes itself the global default but is not allow-listed"
            )
        } else {
            kit::text!(
                "PriorityClass {name} sets globalDefault to {}, not a boolean (read as true), and is not allow-listed",
                json::brief(object.get("globalDefault").unwrap_or(&kit::Value::Null), 40)
            )
        };
        vec![Finding::new("globalDefault", message)]
    },
    ..Control::DEFAULTS
};
