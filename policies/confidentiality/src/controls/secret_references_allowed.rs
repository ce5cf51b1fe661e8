//! Which Secrets a workload may reference, by name, and how many.

use crate::secrets::references;
use kit::glob::any_matches;
use kit::{Control, Ctx, Finding, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "secret-references-allowed",
    title: kit::cold!("Pods reference only allowed Secrets, and not too many"),
    rationale: kit::cold!(
        "Any pod of a namespace can mount any Secret of that namespace: RBAC on Secrets does not stop a Deployment from mounting them. Name rules close the obvious abuses: legacy service-account token Secrets (<account>-token-xxxxx) let a pod act as another account, and Helm release Secrets (sh.helm.release.v1.*) hold every value of a release, passwords included. A cap on the number of Secrets per pod flags workloads that gather credentials."
    ),
    remediation: kit::cold!(
        "reference the workload's own Secrets only (names matching allowedNames and none of deniedNames), and split workloads that need more than maxSecrets Secrets"
    ),
    severity: Severity::Medium,
    tags: &["secrets"],
    criteria: super::SECRETS,
    params: &[
        Param {
            name: "allowedNames",
            kind: ParamKind::StringList,
            default: r#"["*"]"#,
            description: kit::cold!("Secret names (globs) pods may reference"),
        },
        Param {
            name: "deniedNames",
            kind: ParamKind::StringList,
            default: r#"["*-token-?????", "sh.helm.release.v1.*"]"#,
            description: kit::cold!(
                "Secret names (globs) pods may never reference, even when allowed"
            ),
        },
        Param {
            name: "maxSecrets",
            kind: ParamKind::Integer { min: 0, max: 1000 },
            default: "0",
            description: kit::cold!("Most distinct Secrets one pod may reference (0: no limit)"),
        },
    ],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let pod = ctx.pod();
    let allowed = ctx.params.strings("allowedNames");
    let denied = ctx.params.strings("deniedNames");
    let mut out = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for r in references(pod) {
        let name = match r.name {
            Ok(n) => n,
            Err(v) => {
                out.push(r.finding(
                    pod,
                    kit::text!("the Secret name is not a string ({})", json::brief(v, 60)),
                ));
                continue;
            }
        };
        let shown = crate::classification::bounded(name);
        if any_matches(&denied, name) {
            out.push(r.finding(
                pod,
                kit::text!(
                    "{} of Secret \"{shown}\", which matches deniedNames",
                    r.via.describe()
                ),
            ));
        } else if !any_matches(&allowed, name) {
            out.push(r.finding(
                pod,
                kit::text!(
                    "{} of Secret \"{shown}\", which is not in allowedNames",
                    r.via.describe()
                ),
            ));
        }
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let max = ctx.params.int("maxSecrets");
    if max > 0 && names.len() as i64 > max {
        out.push(Finding::new(
            pod.field_path("volumes"),
            kit::text!(
                "the pods reference {} distinct Secrets, more than maxSecrets {max}",
                names.len()
            ),
        ));
    }
    out
}
