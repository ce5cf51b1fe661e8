//! Interactive TTY and stdin (Gatekeeper `K8sDisallowInteractiveTTY`).

use kit::Value;
use kit::{Control, Criteria, Ctx, Finding, Flag, Severity};

pub static CONTROL: Control = Control {
    id: "no-interactive-tty",
    title: kit::cold!("Containers do not keep an interactive TTY or stdin open"),
    rationale: kit::cold!(
        "A container with stdin and a TTY is a shell waiting for `kubectl attach`: interactive access to a workload that should only run its process, and a sign the pod is used as a jump host."
    ),
    remediation: kit::cold!(
        "remove tty: true and stdin: true from the container; use a Job for one-off tasks"
    ),
    severity: Severity::Low,
    tags: super::OPTIONAL,
    criteria: Criteria {
        soc2: &["CC6.1"],
        iso27001: &["A.8.2", "A.8.9"],
        pss: &[],
        cis: &[],
    },
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let mut findings = Vec::new();
    for c in ctx.pod().containers() {
        for field in ["tty", "stdin"] {
            // Fail closed: `"true"`, `1` or a YAML 1.1 `yes` that reached the
            // object as a string may all mean true to some reader.
            let v = c.value.get(field);
            match Flag::of(v) {
                Flag::True => {
                    findings.push(Finding::container(&c, field, kit::text!("{field} is true")))
                }
                Flag::Malformed => findings.push(Finding::container(
                    &c,
                    field,
                    kit::text!(
                        "{field} is not a boolean ({}), read as true",
                        kit::json::brief(v.unwrap_or(&Value::Null), 40)
                    ),
                )),
                Flag::Absent | Flag::False => {}
            }
        }
    }
    findings
}
