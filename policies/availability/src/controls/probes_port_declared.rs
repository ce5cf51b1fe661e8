//! Control `probes-port-declared`.
//! Shared helpers: [`super::health`].

use super::health::*;
use kit::Value;
use kit::{Control, Ctx, Finding, Int, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "probes-port-declared",
    title: kit::cold!("Probes target a port the container declares"),
    rationale: kit::cold!(
        "A probe on a named port the container does not declare can never succeed: the kubelet fails it on every run, so the container never becomes ready or is restarted in a loop. The API server does not catch the typo. With numericPorts, numeric probe ports must be declared too, which catches probes left on an old port after the application moved. Applies to containers and sidecars wherever probes exist."
    ),
    remediation: kit::cold!(
        "declare the port in the container's ports (name and containerPort) or point the probe at a declared one"
    ),
    severity: Severity::Medium,
    tags: TAGS_DEFAULT,
    criteria: super::RECOVERY,
    params: &[Param {
        name: "numericPorts",
        kind: ParamKind::Bool,
        default: "false",
        description: kit::cold!(
            "also require numeric probe ports to be declared as a containerPort"
        ),
    }],
    check: check_port_declared,
    ..Control::DEFAULTS
};

fn check_port_declared(ctx: &Ctx) -> Vec<Finding> {
    let numeric = ctx.params.bool("numericPorts");
    let mut out = Vec::new();
    for c in probed(ctx) {
        let ports = json::get_array(c.raw, &["ports"]);
        for which in PROBES {
            let Some(pr) = probe(&c, which) else { continue };
            for h in ["httpGet", "tcpSocket", "grpc"] {
                let Some(port) = json::get(pr, &[h, "port"]) else {
                    continue;
                };
                let declared = match port {
                    Value::String(name) => ports
                        .iter()
                        .any(|p| json::get_str(p, &["name"]) == Some(name.as_str())),
                    // `kit::Int` decides: 8080.0 is 8080; 80.5 matches nothing.
                    Value::Number(_) if numeric => match Int::of(Some(port)) {
                        Int::Value(n) => ports
                            .iter()
                            .any(|p| Int::of(p.get("containerPort")) == Int::Value(n)),
                        _ => false,
                    },
                    Value::Number(_) => true,
                    // Neither a name nor a number: no port this can be.
                    _ => false,
                };
                if !declared {
                    out.push(Finding::container(
                        &c,
                        &kit::text!("{which}.{h}.port"),
                        kit::text!(
                            "{which} targets port {port}, which {} does not declare",
                            c.describe()
                        ),
                    ));
                }
            }
        }
    }
    out
}
