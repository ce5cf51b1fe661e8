//! Claims and volumes use only allowed access modes (ReadWriteOncePod by default).

use crate::data::Marks;
use kit::Value;
use kit::control::Params;
use kit::{Control, Criteria, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

const MODES: &[&str] = &[
    "ReadWriteOnce",
    "ReadOnlyMany",
    "ReadWriteMany",
    "ReadWriteOncePod",
];

pub static CONTROL: Control = Control {
    id: "pvc-access-modes",
    title: kit::cold!("Claims and volumes use only allowed access modes"),
    rationale: kit::cold!(
        "ReadWriteMany (and, across the pods of a node, ReadWriteOnce) lets every pod that mounts the claim read and change the data, which defeats per-workload access control and makes it impossible to say which process touched a record. ReadWriteOncePod (GA in Kubernetes 1.29) limits a volume to a single pod (SOC 2 CC6.1, C1.1; ISO/IEC 27001 A.8.3, A.5.34)."
    ),
    remediation: kit::cold!(
        "set spec.accessModes to [ReadWriteOncePod] (or another mode in allowedModes)"
    ),
    severity: Severity::Medium,
    tags: &["storage"],
    criteria: Criteria {
        soc2: &["CC6.1", "C1.1"],
        iso27001: &["A.8.3", "A.5.34"],
        pss: &[],
        cis: &[],
    },
    kinds: KindSet::Only(&[
        "/PersistentVolumeClaim",
        "apps/StatefulSet",
        "/PersistentVolume",
    ]),
    params: &[
        Param {
            name: "allowedModes",
            kind: ParamKind::StringList,
            default: "[\"ReadWriteOncePod\"]",
            description: kit::cold!(
                "access modes allowed: ReadWriteOncePod, ReadWriteOnce, ReadOnlyMany, ReadWriteMany"
            ),
        },
        Param {
            name: "onlyRegulated",
            kind: ParamKind::Bool,
            default: "false",
            description: kit::cold!(
                "check only objects marked as holding personal or regulated data"
            ),
        },
    ],
    validate_params: Some(validate),
    check,
    ..Control::DEFAULTS
};

fn validate(p: &Params) -> Result<(), String> {
    let modes = p.strings("allowedModes");
    if modes.is_empty() {
        return Err("allowedModes: name at least one access mode".into());
    }
    match modes.iter().find(|m| !MODES.contains(&m.as_str())) {
        Some(m) => Err(kit::text!(
            "allowedModes: \"{}\" is not one of {}",
            crate::meta::bounded(m),
            MODES.join(", ")
        )),
        None => Ok(()),
    }
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let obj = ctx.object();
    let allowed = ctx.params.strings("allowedModes");
    let mut targets: Vec<(String, &Value)> = Vec::new();
    if ctx.request.kind == "PersistentVolume" {
        targets.push((String::new(), obj));
    } else {
        targets.extend(
            crate::claims::of(ctx)
                .into_iter()
                .map(|c| (c.prefix, c.claim)),
        );
    }
    let mut out = Vec::new();
    for (prefix, claim) in targets {
        if ctx.params.bool("onlyRegulated")
            && !Marks::of(ctx, claim).or(Marks::of(ctx, obj)).regulated
        {
            continue;
        }
        let path = kit::text!("{prefix}spec.accessModes");
        match json::get(claim, &["spec", "accessModes"]) {
            Some(Value::Array(modes)) if !modes.is_empty() => {
                for (i, m) in modes.iter().enumerate() {
                    if !m.as_str().is_some_and(|m| allowed.iter().any(|a| a == m)) {
                        out.push(Finding::new(
                            kit::text!("{path}[{i}]"),
                            kit::text!(
                                "access mode {} is not allowed (allowed: {})",
                                crate::meta::shown(m),
                                allowed.join(", ")
                            ),
                        ));
                    }
                }
            }
            other => out.push(Finding::new(
                path,
                kit::text!(
                    "accessModes is {}: name an allowed mode ({})",
                    other.map_or("missing".into(), crate::meta::shown),
                    allowed.join(", ")
                ),
            )),
        }
    }
    out
}
