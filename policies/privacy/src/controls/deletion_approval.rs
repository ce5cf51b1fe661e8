//! Deleting regulated data requires a prior, recorded approval.

use crate::data::{self, Marks};
use kit::control::Params;
use kit::{Control, Ctx, Finding, KindSet, Operation, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "deletion-approval",
    title: kit::cold!("Regulated data is deleted only after a recorded approval"),
    rationale: kit::cold!(
        "Disposal of personal or confidential data is a decision, not a side effect (SOC 2 P4.3, C1.2; ISO/IEC 27001 A.8.10): before a namespace, claim, volume or snapshot marked as holding regulated data is deleted, an approval reference (change or disposal ticket) must have been written onto it by an earlier UPDATE, so the API server's audit log holds who approved and who deleted. The DELETE request carries the object as oldObject; the approval is copied into the audit annotation kube-soc2.deletion-approval."
    ),
    remediation: kit::cold!(
        "annotate the object with the approval first (kubectl annotate pvc <name> privacy.kube-soc2.io/deletion-approved=CHG-1234), then delete it"
    ),
    severity: Severity::High,
    tags: &["data-lifecycle", "retention"],
    criteria: super::DISPOSAL,
    kinds: KindSet::Only(super::HOLDABLE),
    operations: &[Operation::Delete],
    params: &[
        Param {
            name: "approvalAnnotation",
            kind: ParamKind::String,
            default: "\"privacy.kube-soc2.io/deletion-approved\"",
            description: kit::cold!("annotation holding the approval reference"),
        },
        Param {
            name: "approvalPattern",
            kind: ParamKind::String,
            default: "\"*\"",
            description: kit::cold!("glob the approval reference must match (e.g. CHG-*)"),
        },
    ],
    validate_params: Some(validate),
    check,
    ..Control::DEFAULTS
};

fn validate(p: &Params) -> Result<(), String> {
    let key = p.string("approvalAnnotation");
    crate::meta::check_qualified_name(&key)
        .map_err(|e| kit::text!("approvalAnnotation: \"{}\" {e}", crate::meta::bounded(&key)))?;
    if p.string("approvalPattern").is_empty() {
        return Err("approvalPattern: must not be empty".into());
    }
    Ok(())
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let obj = ctx.object();
    let marks = Marks::of(ctx, obj);
    if !marks.regulated {
        return Vec::new();
    }
    let key = ctx.params.string("approvalAnnotation");
    let pattern = ctx.params.string("approvalPattern");
    let path = data::annotation_path(&key);
    match data::annotation(obj, &key) {
        Ok(Some(v)) if !v.trim().is_empty() && kit::glob::matches(&pattern, v) => {
            ctx.record_evidence(
                "kube-soc2.deletion-approval",
                kit::text!(
                    "{} deleted by {} under approval {}",
                    ctx.request.describe(),
                    crate::meta::bounded(&ctx.request.username),
                    crate::meta::bounded(v)
                ),
            );
            Vec::new()
        }
        Ok(Some(v)) => vec![Finding::new(
            path,
            kit::text!(
                "the approval \"{}\" does not match \"{pattern}\"",
                crate::meta::bounded(v)
            ),
        )],
        Ok(None) => vec![Finding::new(
            path,
            kit::text!(
                "{} holds {} and has no deletion approval ({key})",
                ctx.request.describe(),
                marks.describe()
            ),
        )],
        Err(v) => vec![Finding::new(
            path,
            kit::text!("the approval is {}, not a string", crate::meta::shown(v)),
        )],
    }
}
