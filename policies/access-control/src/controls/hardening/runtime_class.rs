//! RuntimeClass allow-list (Kubewarden `pod-runtime-class-policy`, Kyverno
//! `restrict-runtimeClassName`), optionally requiring one (sandboxed runtimes).

use crate::controls::common::{allowed, quoted};
use kit::Value;
use kit::{Control, Criteria, Ctx, Finding, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "runtime-class-allowed",
    title: kit::cold!("Pods use an approved RuntimeClass"),
    rationale: kit::cold!(
        "The RuntimeClass selects the container runtime handler: an unapproved one may bypass the node's sandboxing (gVisor, Kata) or hardening, and a required sandbox keeps untrusted workloads off the host kernel."
    ),
    remediation: kit::cold!(
        "set spec.runtimeClassName to one of the allowed RuntimeClasses (parameter allowedRuntimeClasses), or remove it if no RuntimeClass is required"
    ),
    severity: Severity::Medium,
    tags: super::OPTIONAL,
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: super::ISO,
        pss: &[],
        cis: &[],
    },
    params: PARAMS,
    check,
    ..Control::DEFAULTS
};

const PARAMS: &[Param] = &[
    Param {
        name: "allowedRuntimeClasses",
        kind: ParamKind::StringList,
        default: "[]",
        description: kit::cold!(
            "RuntimeClass names (globs) pods may select; a runtimeClassName outside the list is refused"
        ),
    },
    Param {
        name: "required",
        kind: ParamKind::Bool,
        default: "false",
        description: kit::cold!(
            "Refuse pods that select no RuntimeClass (the node's default handler), e.g. to force a sandbox"
        ),
    },
];

fn check(ctx: &Ctx) -> Vec<Finding> {
    let pod = ctx.pod();
    let path = || pod.field_path("runtimeClassName");
    match pod.get(&["runtimeClassName"]) {
        None | Some(Value::Null) => {
            if ctx.params.bool("required") {
                let list = ctx.params.strings("allowedRuntimeClasses");
                return vec![Finding::new(
                    path(),
                    kit::text!(
                        "runtimeClassName is not set; one of {} is required",
                        quoted(&list)
                    ),
                )];
            }
            Vec::new()
        }
        Some(Value::String(rc)) => {
            let list = ctx.params.strings("allowedRuntimeClasses");
            if allowed(&list, rc) {
                return Vec::new();
            }
            vec![Finding::new(
                path(),
                kit::text!(
                    "RuntimeClass \"{rc}\" is not allowed (allowed: {})",
                    quoted(&list)
                ),
            )]
        }
        Some(_) => vec![Finding::new(path(), "runtimeClassName must be a string")],
    }
}
