//! Control `namespace-psa-labels`.
//! Shared helpers: [`super::namespaces`].

use crate::controls::common::{allowed, quoted};
use kit::Value;
use kit::control::Params;
use kit::{Control, Criteria, Ctx, Finding, KindSet, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "namespace-psa-labels",
    title: kit::cold!("Namespaces enforce a Pod Security Standards level"),
    rationale: kit::cold!(
        "Pod Security Admission only protects namespaces that carry its labels; an unlabelled namespace falls back to the cluster default (privileged unless configured), so one kubectl create namespace can open a hole in the pod-hardening controls."
    ),
    remediation: kit::cold!(
        "label the namespace pod-security.kubernetes.io/enforce: baseline (or restricted), plus audit and warn labels"
    ),
    severity: Severity::High,
    tags: &["default", "namespaces"],
    criteria: Criteria {
        soc2: &["CC6.1", "CC6.8"],
        iso27001: &["A.8.2", "A.8.9"],
        pss: &[],
        cis: &["5.2.1"],
    },
    kinds: KindSet::Only(&["Namespace"]),
    params: &[
        Param {
            name: "minimumLevel",
            kind: ParamKind::String,
            default: r#""baseline""#,
            description: kit::cold!("Lowest acceptable level: privileged, baseline or restricted"),
        },
        Param {
            name: "requireAuditAndWarn",
            kind: ParamKind::Bool,
            default: "false",
            description: kit::cold!(
                "Also require the audit and warn labels at or above the minimum level"
            ),
        },
        Param {
            name: "allowedNamespaces",
            kind: ParamKind::StringList,
            default: r#"["kube-system", "kube-public", "kube-node-lease"]"#,
            description: kit::cold!(
                "Namespaces (globs) exempt from this control; exemptions by namespace do not apply to Namespace objects themselves"
            ),
        },
    ],
    validate_params: Some(validate_psa),
    check: check_psa_labels,
    ..Control::DEFAULTS
};

const LEVELS: [&str; 3] = ["privileged", "baseline", "restricted"];

fn level_rank(level: &str) -> Option<usize> {
    LEVELS.iter().position(|l| *l == level)
}

fn validate_psa(p: &Params) -> Result<(), String> {
    let level = p.string("minimumLevel");
    level_rank(&level).map(|_| ()).ok_or_else(|| {
        kit::text!("minimumLevel: \"{level}\" is not privileged, baseline or restricted")
    })
}

fn check_psa_labels(ctx: &Ctx) -> Vec<Finding> {
    let name = ctx.request.name();
    if allowed(&ctx.params.strings("allowedNamespaces"), &name) {
        return Vec::new();
    }
    let minimum = ctx.params.string("minimumLevel");
    let min_rank = level_rank(&minimum).unwrap_or(1);
    let labels = ctx.request.labels();
    let mut modes = vec!["enforce"];
    if ctx.params.bool("requireAuditAndWarn") {
        modes.extend(["audit", "warn"]);
    }
    let mut findings = Vec::new();
    for mode in modes {
        let key = kit::text!("pod-security.kubernetes.io/{mode}");
        let path = kit::text!("metadata.labels['{key}']");
        match labels.and_then(|l| l.get(&key)) {
            None | Some(Value::Null) => findings.push(Finding::new(
                path,
                kit::text!("label {key} is missing (required at level {minimum} or stricter)"),
            )),
            Some(Value::String(level)) => match level_rank(level) {
                Some(rank) if rank >= min_rank => {}
                Some(_) => findings.push(Finding::new(
                    path,
                    kit::text!("{key} is \"{level}\", below the minimum level \"{minimum}\""),
                )),
                None => findings.push(Finding::new(
                    path,
                    kit::text!("{key} is \"{level}\", not one of {}", quoted(&LEVELS)),
                )),
            },
            Some(_) => findings.push(Finding::new(path, kit::text!("{key} must be a string"))),
        }
    }
    findings
}
