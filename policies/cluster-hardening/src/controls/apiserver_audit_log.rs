//! CIS 1.2.16-1.2.19 and 3.2.1: API server audit logging is on, with a policy
//! and a retention.

use crate::static_pod::{APISERVER, Component, each, shown};
use kit::{Control, Criteria, Ctx, Finding, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "apiserver-audit-log",
    title: kit::cold!("The API server writes an audit log under a policy, with a retention"),
    rationale: kit::cold!(
        "The audit log is the record of who did what in the cluster: the evidence CC7.2 monitoring and incident investigation rely on. Without --audit-policy-file the API server logs no event at all; without --audit-log-path (or a webhook backend) the events go nowhere; without maxage/maxbackup/maxsize the log is rotated away or fills the disk at the defaults, not at a retention someone decided."
    ),
    remediation: kit::cold!(
        "set --audit-policy-file (see audit-policy-sensitive-resources), --audit-log-path (or --audit-webhook-config-file), --audit-log-maxage=30, --audit-log-maxbackup=10, --audit-log-maxsize=100 or the retention your policy requires, and mount the log directory from the host"
    ),
    severity: Severity::High,
    tags: &[
        "default",
        "cluster-hardening",
        "control-plane",
        "kube-apiserver",
        "audit-logging",
    ],
    criteria: Criteria {
        soc2: &["CC7.2", "CC7.1"],
        iso27001: &["A.8.15"],
        pss: &[],
        cis: &["1.2.16", "1.2.17", "1.2.18", "1.2.19", "3.2.1"],
    },
    kinds: super::POD,
    params: &[
        Param {
            name: "maxAgeDays",
            kind: ParamKind::Integer { min: 1, max: 3650 },
            default: "30",
            description: kit::cold!(
                "smallest accepted --audit-log-maxage (days a rotated file is kept)"
            ),
        },
        Param {
            name: "maxBackups",
            kind: ParamKind::Integer { min: 1, max: 10000 },
            default: "10",
            description: kit::cold!("smallest accepted --audit-log-maxbackup (rotated files kept)"),
        },
        Param {
            name: "maxSizeMegabytes",
            kind: ParamKind::Integer {
                min: 1,
                max: 100000,
            },
            default: "100",
            description: kit::cold!(
                "smallest accepted --audit-log-maxsize (megabytes before rotation)"
            ),
        },
    ],
    check,
    ..Control::DEFAULTS
};

fn at_least(c: &Component, flag: &str, min: i64, what: &str, out: &mut Vec<Finding>) {
    match c.flags.last(flag) {
        None => out.push(c.missing(kit::text!(
            "kube-apiserver --{flag} is not set: the {what} is left to the default instead of a retention of at least {min}"
        ))),
        Some(arg) => match arg.value.and_then(|v| v.trim().parse::<i64>().ok()) {
            Some(n) if n >= min => {}
            Some(n) => out.push(c.at(
                arg,
                kit::text!("kube-apiserver --{flag}={n} is below {min}: the {what} is too short"),
            )),
            None => out.push(c.at(
                arg,
                kit::text!("kube-apiserver {} is not an integer: the component refuses to start", shown(arg)),
            )),
        },
    }
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let (age, backups, size) = (
        ctx.params.int("maxAgeDays"),
        ctx.params.int("maxBackups"),
        ctx.params.int("maxSizeMegabytes"),
    );
    each(ctx, &[APISERVER], |c, out| {
        out.extend(c.expect_set(
            "audit-policy-file",
            "without an audit policy the API server records no audit event",
        ));
        let path = c.flags.get("audit-log-path").map(str::trim);
        let webhook = c
            .flags
            .get("audit-webhook-config-file")
            .is_some_and(|v| !v.trim().is_empty());
        match path {
            None | Some("") if !webhook => out.extend(c.expect_set(
                "audit-log-path",
                "audit events are written nowhere (set it, or --audit-webhook-config-file)",
            )),
            // Standard output or a webhook: rotation is the collector's job.
            None | Some("") | Some("-") => {}
            Some(_) => {
                at_least(
                    c,
                    "audit-log-maxage",
                    age,
                    "age of rotated audit files",
                    out,
                );
                at_least(
                    c,
                    "audit-log-maxbackup",
                    backups,
                    "number of rotated audit files",
                    out,
                );
                at_least(
                    c,
                    "audit-log-maxsize",
                    size,
                    "size of an audit file before rotation",
                    out,
                );
            }
        }
    })
}
