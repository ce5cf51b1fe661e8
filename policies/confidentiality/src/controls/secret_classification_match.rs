//! Context-aware: a pod never references a Secret classified above the
//! workload (its own classification label, else its namespace's).

use crate::classification::{Level, first_line, label, request_namespace, workload_level};
use crate::secrets::references;
use kit::{Control, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "secret-classification-match",
    title: kit::cold!("Pods reference only Secrets classified at or below their own level"),
    rationale: kit::cold!(
        "A Secret labelled restricted (a payment processor key, a production database password) mounted into a workload classified internal hands the higher-class credential to code, people and logs cleared for less. The workload's level is its pod template's classification label, else its namespace's (unlabelled: the lowest level); every Secret it references (volumes, projected sources, env secretKeyRef, envFrom) is read through context and compared. Unlabelled Secrets are not compared. A Secret that does not exist yet cannot be verified and is reported unless the reference is optional: create Secrets before their workloads."
    ),
    remediation: kit::cold!(
        "reference a Secret of the workload's level, or raise the workload's (or namespace's) classification label to the Secret's level"
    ),
    severity: Severity::High,
    tags: &["classification", "secrets", "context-aware"],
    criteria: super::CLASSIFIED,
    reads: &[("v1", "Namespace"), ("v1", "Secret")],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let pod = ctx.pod();
    let refs = references(pod);
    if refs.is_empty() {
        return Vec::new();
    }
    let key = label(ctx);
    let level = match workload_level(ctx) {
        Ok(l) => l,
        Err(f) => return vec![f],
    };
    let (rank, level_name, source) = (level.rank, level.name, level.source);
    let ns = request_namespace(ctx);
    let mut out = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for r in &refs {
        let Ok(name) = r.name else {
            continue; // secret-references-allowed reports malformed names
        };
        if name.is_empty() || seen.contains(&name) {
            continue;
        }
        seen.push(name);
        let shown = crate::classification::bounded(name);
        match ctx.cluster.get("v1", "Secret", Some(ns), name) {
            Err(e) => out.push(r.finding(
                pod,
                kit::text!(
                    "could not verify the classification of Secret \"{shown}\": {}",
                    first_line(&e)
                ),
            )),
            Ok(None) if r.optional => {}
            Ok(None) => out.push(r.finding(
                pod,
                kit::text!(
                    "could not verify the classification of Secret \"{shown}\": it does not exist in namespace \"{ns}\" (create it before the workload)"
                ),
            )),
            Ok(Some(secret)) => match Level::of_object(ctx, &secret) {
                Level::Absent => {}
                Level::Known(sr, sn) if sr > rank => out.push(r.finding(
                    pod,
                    kit::text!(
                        "{} of Secret \"{shown}\" classified {sn}, above the workload's {level_name} ({source})",
                        r.via.describe()
                    ),
                )),
                Level::Known(..) => {}
                Level::Unknown(v) => out.push(r.finding(
                    pod,
                    kit::text!("Secret \"{shown}\" has {key} {v}, not a configured level"),
                )),
            },
        }
    }
    out
}
